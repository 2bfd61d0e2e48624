import type { Db } from '../connection';

/**
 * The generation pipeline's schema (DESIGN §3, §5). Times are epoch milliseconds; JSON columns hold
 * objects validated by zod at the edges. Status values are CHECKed so a bug cannot invent one.
 */
export default {
  version: 10,
  name: 'init',
  up(db: Db): void {
    db.exec(`
      CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;

      CREATE TABLE batches (
        id             INTEGER PRIMARY KEY,
        name           TEXT,
        source_file    TEXT,
        template       TEXT,
        expansion_json TEXT,
        defaults_json  TEXT,
        created_at     INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE jobs (
        id               INTEGER PRIMARY KEY,            -- submission order
        batch_id         INTEGER REFERENCES batches(id) ON DELETE SET NULL,
        prompt           TEXT NOT NULL,
        negative_prompt  TEXT,
        params_json      TEXT NOT NULL,
        priority         INTEGER NOT NULL,               -- 1..5, "run next" raises above the maximum
        status           TEXT NOT NULL CHECK (status IN ('queued','running','succeeded','failed','canceled','held')),
        attempts         INTEGER NOT NULL DEFAULT 0,     -- attempts that count toward max_attempts
        not_before       INTEGER NOT NULL DEFAULT 0,     -- next attempt time (backoff, rate limits)
        pinned_backend   TEXT,
        constraints_json TEXT,
        project          TEXT,
        tags_json        TEXT,
        estimated_cost   REAL,
        actual_cost      REAL NOT NULL DEFAULT 0,
        error_class      TEXT,
        error_message    TEXT,
        retried_from     INTEGER REFERENCES jobs(id) ON DELETE SET NULL,
        created_at       INTEGER NOT NULL,
        started_at       INTEGER,
        finished_at      INTEGER,
        updated_at       INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX jobs_dispatch ON jobs (priority DESC, id) WHERE status = 'queued';
      CREATE INDEX jobs_due ON jobs (not_before) WHERE status = 'queued';
      CREATE INDEX jobs_status ON jobs (status, id);
      CREATE INDEX jobs_batch ON jobs (batch_id, id);
      CREATE INDEX jobs_finished ON jobs (finished_at) WHERE finished_at IS NOT NULL;

      CREATE TABLE attempts (
        id                  INTEGER PRIMARY KEY,
        job_id              INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
        number              INTEGER NOT NULL,
        backend             TEXT NOT NULL,
        model               TEXT,
        started_at          INTEGER NOT NULL,
        ended_at            INTEGER,
        outcome             TEXT CHECK (outcome IN ('succeeded','failed','interrupted','canceled')),
        error_class         TEXT,
        error_message       TEXT,
        http_status         INTEGER,
        retry_after_ms      INTEGER,
        cost_usd            REAL NOT NULL DEFAULT 0,
        possibly_billed     INTEGER NOT NULL DEFAULT 0,
        latency_ms          INTEGER,
        request_fingerprint TEXT,
        routing_json        TEXT,                        -- why other backends were skipped
        UNIQUE (job_id, number)
      ) STRICT;
      CREATE INDEX attempts_open ON attempts (job_id) WHERE ended_at IS NULL;
      CREATE INDEX attempts_backend ON attempts (backend, ended_at);

      CREATE TABLE assets (
        id              INTEGER PRIMARY KEY,
        sha256          TEXT NOT NULL UNIQUE,            -- the same bytes are stored once
        rel_path        TEXT NOT NULL,
        thumb_rel_path  TEXT,
        mime            TEXT NOT NULL,
        width           INTEGER NOT NULL,
        height          INTEGER NOT NULL,
        bytes           INTEGER NOT NULL,
        phash           TEXT,
        source          TEXT NOT NULL CHECK (source IN ('generated','imported')),
        job_id          INTEGER REFERENCES jobs(id) ON DELETE SET NULL,
        attempt_id      INTEGER REFERENCES attempts(id) ON DELETE SET NULL,
        batch_id        INTEGER,
        image_index     INTEGER,
        backend         TEXT,
        model           TEXT,
        prompt          TEXT,
        negative_prompt TEXT,
        seed            INTEGER,
        params_json     TEXT,
        cost_usd        REAL NOT NULL DEFAULT 0,
        generation_ms   INTEGER,
        project         TEXT,
        tags_json       TEXT,
        created_at      INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX assets_created ON assets (created_at DESC, id DESC);
      CREATE INDEX assets_job ON assets (job_id);

      -- Which images each attempt produced; one row per (attempt, image index), so a recovered or
      -- replayed attempt can never add a second asset for the same output.
      CREATE TABLE job_outputs (
        attempt_id  INTEGER NOT NULL REFERENCES attempts(id) ON DELETE CASCADE,
        image_index INTEGER NOT NULL,
        job_id      INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
        asset_id    INTEGER NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
        PRIMARY KEY (attempt_id, image_index)
      ) STRICT;
      CREATE INDEX job_outputs_job ON job_outputs (job_id);

      CREATE TABLE events (
        id        INTEGER PRIMARY KEY,
        at        INTEGER NOT NULL,
        kind      TEXT NOT NULL,
        job_id    INTEGER,
        batch_id  INTEGER,
        data_json TEXT
      ) STRICT;
      CREATE INDEX events_at ON events (at);
      CREATE INDEX events_kind ON events (kind, id);

      CREATE TABLE generation_records (
        id           INTEGER PRIMARY KEY,
        attempt_id   INTEGER UNIQUE REFERENCES attempts(id) ON DELETE SET NULL,
        backend      TEXT NOT NULL,
        model        TEXT,
        megapixels   REAL NOT NULL,
        steps        INTEGER,
        images       INTEGER NOT NULL,
        prompt_chars INTEGER NOT NULL,
        latency_ms   INTEGER NOT NULL,
        cost_usd     REAL NOT NULL,
        success      INTEGER NOT NULL,
        at           INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX generation_records_backend ON generation_records (backend, model, at);

      CREATE TABLE checkpoints (
        id               INTEGER PRIMARY KEY,
        name             TEXT,
        reason           TEXT NOT NULL CHECK (reason IN ('auto','manual','before_restore')),
        file             TEXT NOT NULL,
        size_bytes       INTEGER NOT NULL,
        job_counts_json  TEXT NOT NULL,
        schema_version   INTEGER NOT NULL,
        created_at       INTEGER NOT NULL
      ) STRICT;
    `);
  },
};
