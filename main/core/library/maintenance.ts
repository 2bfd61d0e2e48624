import { existsSync, mkdirSync, statSync } from 'node:fs';
import { z } from 'zod';
import { readFile, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import {
  LIBRARY_LIMITS,
  formatOfMime,
  type CleanupResult,
  type LibraryStats,
  type RebuildResult,
  type ThumbnailsResult,
} from '../../../shared/domain/assets';
import type { Db } from '../db/connection';
import { REBUILD_FTS_SQL } from '../db/migrations/0020-library';
import { writeFileAtomic } from '../fs/atomic-write';
import type { Logger } from '../log';
import { DEFAULT_TEMP_MIN_AGE_MS, type AssetFiles } from './asset-files';
import type { AssetIndex, AssetRecordInput } from './asset-index';
import { recordFromSidecar } from './asset-records';
import { totals, walkFiles } from './folder-walk';
import { analyzeImage, IMAGE_MIME, requireImageFormat } from './image-pipeline';
import type { LibraryPaths } from './layout';
import type { Organiser } from './organise';
import { readPngTextChunks } from './png-text';
import { APEX_CHUNK_KEYWORD, ApexEmbeddedMetadata, MAX_SIDECAR_BYTES, SIDECAR_VERSION, parseSidecar, type AssetSidecar } from './sidecar';

/**
 * Library maintenance (issue 5 part B, anchors §1.3 — InvokeAI's most requested fix was exactly this):
 * storage statistics, cleanup of the cache and of orphan thumbnails, thumbnail regeneration, a rebuild
 * of the index from the sidecars and embedded metadata, and deleting assets. `library check`
 * (reconcile.ts) stays as it is: the queue's crash recovery depends on its exact behaviour.
 */

/** Images decoded at once by thumbnail regeneration and rebuild (sharp runs each on its own threads). */
export const MAINTENANCE_CONCURRENCY = 4;
/** Sidecars read at once by rebuild: small files, bound by I/O latency. */
export const SIDECAR_READ_CONCURRENCY = 16;
const THUMBNAIL_FILE = /^([0-9a-f]{64})\.webp$/;
const SHARD = /^[0-9a-f]{2}$/;
const TEMP_FILE = /^\..+\.tmp$/;
/** Where the content-addressed store keeps library-owned images (asset-files.ts). */
const STORE_PREFIX = 'assets/images/';

export interface MaintenanceDeps {
  db: Db;
  library: LibraryPaths;
  files: AssetFiles;
  assets: AssetIndex;
  organiser: Organiser;
  log: Logger;
  now?: () => number;
}

interface Problems<T> {
  list: T[];
  add(problem: T): void;
}

function problems<T>(): Problems<T> {
  const list: T[] = [];
  return { list, add: (problem) => void (list.length < LIBRARY_LIMITS.reportedProblems && list.push(problem)) };
}

async function forEachConcurrent<T>(items: readonly T[], concurrency: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
}

/**
 * What an import adds to a standard sidecar (import-files.ts): the folder an in-place file lives in.
 * Read leniently — only what rebuild needs — so the import side can add fields freely.
 */
const ImportOrigin = z.object({ import: z.object({ root: z.string().max(LIBRARY_LIMITS.pathChars).nullable(), generator: z.string().max(100).nullable().optional() }).optional() });

async function readSidecarWithOrigin(path: string): Promise<{ sidecar: AssetSidecar; origin: { root: string | null; generator?: string | null | undefined } | null }> {
  const buffer = await readFile(path);
  if (buffer.length > MAX_SIDECAR_BYTES) throw new Error(`the sidecar is ${buffer.length} bytes, over the ${MAX_SIDECAR_BYTES}-byte limit`);
  const text = buffer.toString('utf8');
  const sidecar = parseSidecar(text, 'the sidecar');
  const origin = ImportOrigin.safeParse(JSON.parse(text));
  return { sidecar, origin: origin.success ? (origin.data.import ?? null) : null };
}

export class LibraryMaintenance {
  private readonly now: () => number;

  constructor(private readonly deps: MaintenanceDeps) {
    this.now = deps.now ?? Date.now;
  }

  async stats(): Promise<LibraryStats> {
    const { db, library } = this.deps;
    const all = db.prepare<[], { n: number; bytes: number | null }>('SELECT COUNT(*) AS n, SUM(bytes) AS bytes FROM assets').get();
    const breakdown = (sql: string) =>
      db
        .prepare<[number], { key: string | null; count: number; bytes: number | null }>(sql)
        .all(LIBRARY_LIMITS.projectList)
        .map((row) => ({ key: row.key, count: row.count, bytes: row.bytes ?? 0 }));
    const byFormat = new Map<string, { key: string; count: number; bytes: number }>();
    for (const row of breakdown('SELECT mime AS key, COUNT(*) AS count, SUM(bytes) AS bytes FROM assets GROUP BY mime ORDER BY count DESC LIMIT ?')) {
      const key = formatOfMime(row.key ?? '');
      const entry = byFormat.get(key) ?? { key, count: 0, bytes: 0 };
      entry.count += row.count;
      entry.bytes += row.bytes;
      byFormat.set(key, entry);
    }
    const [images, thumbnails, sidecars, cache, exports, checkpoints] = await Promise.all(
      [library.images, library.thumbnails, library.metadata, library.cache, library.exports, library.checkpoints].map(async (dir) => totals(await walkFiles(dir))),
    );
    const database = [library.database, `${library.database}-wal`, `${library.database}-shm`].reduce(
      (sum, file) => {
        const size = statSync(file, { throwIfNoEntry: false })?.size;
        return size === undefined ? sum : { files: sum.files + 1, bytes: sum.bytes + size };
      },
      { files: 0, bytes: 0 },
    );
    return {
      assets: all?.n ?? 0,
      asset_bytes: all?.bytes ?? 0,
      kinds: { images: images!, thumbnails: thumbnails!, sidecars: sidecars!, cache: cache!, exports: exports!, checkpoints: checkpoints!, database },
      by_backend: breakdown('SELECT backend AS key, COUNT(*) AS count, SUM(bytes) AS bytes FROM assets GROUP BY backend ORDER BY count DESC LIMIT ?'),
      by_project: breakdown(
        `SELECT p.name AS key, COUNT(*) AS count, SUM(a.bytes) AS bytes FROM asset_projects x JOIN projects p ON p.id = x.project_id JOIN assets a ON a.id = x.asset_id
         GROUP BY p.id
         UNION ALL
         SELECT NULL, COUNT(*), SUM(bytes) FROM assets a WHERE NOT EXISTS (SELECT 1 FROM asset_projects x WHERE x.asset_id = a.id)
         ORDER BY 2 DESC LIMIT ?`,
      ).filter((row) => row.key !== null || row.count > 0),
      by_format: [...byFormat.values()],
      by_source: breakdown('SELECT source AS key, COUNT(*) AS count, SUM(bytes) AS bytes FROM assets GROUP BY source ORDER BY count DESC LIMIT ?'),
    };
  }

  /**
   * Empties assets/cache, deletes thumbnails no asset owns and leftovers of interrupted writes. A
   * thumbnail is an orphan only when no row AND no sidecar names its hash and it is older than a minute:
   * a generation being stored right now writes its thumbnail before its sidecar and row.
   */
  async cleanup(dryRun: boolean): Promise<CleanupResult> {
    const { library, db } = this.deps;
    const cutoff = this.now() - DEFAULT_TEMP_MIN_AGE_MS;
    const result: CleanupResult = { dry_run: dryRun, cache_files: 0, cache_bytes: 0, orphan_thumbnails: 0, orphan_thumbnail_bytes: 0, temp_files: 0 };

    for (const file of await walkFiles(library.cache)) {
      if (!dryRun) await rm(file.path, { force: true });
      result.cache_files += 1;
      result.cache_bytes += file.bytes;
    }

    const indexed = new Set(db.prepare<[], { sha256: string }>('SELECT sha256 FROM assets').all().map((r) => r.sha256));
    const sidecars = new Set(await this.deps.files.listSidecarShas());
    for (const file of await walkFiles(library.thumbnails)) {
      const sha = THUMBNAIL_FILE.exec(basename(file.path))?.[1];
      if (!sha || !SHARD.test(basename(dirname(file.path))) || indexed.has(sha) || sidecars.has(sha) || file.mtimeMs > cutoff) continue;
      if (!dryRun) await rm(file.path, { force: true });
      result.orphan_thumbnails += 1;
      result.orphan_thumbnail_bytes += file.bytes;
    }

    for (const root of [library.images, library.thumbnails, library.metadata]) {
      for (const file of await walkFiles(root)) {
        if (!TEMP_FILE.test(basename(file.path)) || file.mtimeMs > cutoff) continue;
        if (!dryRun) await rm(file.path, { force: true });
        result.temp_files += 1;
      }
    }
    return result;
  }

  /**
   * Thumbnails (and perceptual hashes) for assets that lack them (`missing`), or for every asset (`all`),
   * from the originals. The thumbnail goes to its content-addressed place; the row is updated.
   */
  async thumbnails(mode: 'missing' | 'all'): Promise<ThumbnailsResult> {
    const { db, library } = this.deps;
    const rows = db.prepare<[], { id: number; sha256: string; thumb_rel_path: string | null; phash: string | null }>('SELECT id, sha256, thumb_rel_path, phash FROM assets ORDER BY id').all();
    const update = db.prepare('UPDATE assets SET thumb_rel_path = ?, phash = coalesce(phash, ?) WHERE id = ?');
    const found = problems<{ id: number; reason: string }>();
    const result: ThumbnailsResult = { checked: rows.length, generated: 0, phash_added: 0, failed: 0, problems: found.list };
    await forEachConcurrent(rows, MAINTENANCE_CONCURRENCY, async (row) => {
      const relPath = `assets/thumbnails/${row.sha256.slice(0, 2)}/${row.sha256}.webp`;
      const present = row.thumb_rel_path !== null && existsSync(join(library.root, ...row.thumb_rel_path.split('/')));
      if (mode === 'missing' && present && row.phash !== null) return;
      try {
        const analysis = await analyzeImage(await this.readOriginal(row.id));
        const target = join(library.root, ...relPath.split('/'));
        mkdirSync(dirname(target), { recursive: true });
        writeFileAtomic(target, analysis.thumbnail);
        update.run(relPath, analysis.phash, row.id);
        result.generated += 1;
        if (row.phash === null) result.phash_added += 1;
      } catch (error) {
        result.failed += 1;
        found.add({ id: row.id, reason: error instanceof Error ? error.message : String(error) });
      }
    });
    return result;
  }

  /**
   * Rebuilds the index from files: every sidecar (or, lacking one, the `apex` metadata embedded in a
   * library PNG) rewrites its row's metadata, creating the row when missing. Rows keep their ids, so
   * ratings, favourites, notes, tags, projects and job links stay wherever the image still exists;
   * rows of library images whose file is gone are removed. The full-text index is rebuilt last.
   */
  async rebuild(): Promise<RebuildResult> {
    const { db, files, log } = this.deps;
    const found = problems<{ file: string; reason: string }>();
    const result: RebuildResult = {
      sidecars_read: 0,
      embedded_read: 0,
      rows_updated: 0,
      rows_created: 0,
      rows_removed: 0,
      rows_kept: 0,
      bad_files: 0,
      indexed_for_search: 0,
      problems: found.list,
    };
    const bad = (file: string, reason: string) => {
      result.bad_files += 1;
      found.add({ file, reason });
      log.warn('rebuild: file skipped', { file, reason });
    };

    const images = new Map((await files.listImageFiles()).map((image) => [image.sha, image.relPath]));
    const sidecarShas = await files.listSidecarShas();
    const records = new Map<string, AssetRecordInput>();
    const rootIds = new Map(db.prepare<[], { id: number; path: string }>('SELECT id, path FROM import_roots').all().map((r) => [r.path, r.id]));
    await forEachConcurrent(sidecarShas, SIDECAR_READ_CONCURRENCY, async (sha) => {
      const where = `assets/metadata/${sha.slice(0, 2)}/${sha}.json`;
      try {
        const { sidecar, origin } = await readSidecarWithOrigin(files.absolutePath(where));
        const rootId = origin?.root ? rootIds.get(origin.root) : null;
        if (rootId === undefined) return bad(where, `its import folder ${origin?.root ?? ''} is not an import root of this library`);
        const file = origin?.root ? join(origin.root, ...sidecar.file.split('/')) : files.absolutePath(sidecar.file);
        if (!existsSync(file)) return bad(where, `its image file is missing (${file})`);
        records.set(sha, { ...recordFromSidecar(sidecar), root_id: rootId, generator: origin?.generator ?? null });
        result.sidecars_read += 1;
      } catch (error) {
        bad(where, error instanceof Error ? error.message : String(error));
      }
    });
    const withoutSidecar = [...images].filter(([sha]) => !records.has(sha));
    await forEachConcurrent(withoutSidecar, MAINTENANCE_CONCURRENCY, async ([sha, relPath]) => {
      try {
        const record = await this.recordFromEmbedded(sha, relPath);
        if (record) {
          records.set(sha, record);
          result.embedded_read += 1;
        }
      } catch (error) {
        bad(relPath, error instanceof Error ? error.message : String(error));
      }
    });

    db.transaction(() => {
      const rows = db.prepare<[], { id: number; sha256: string; rel_path: string; in_library: number }>('SELECT id, sha256, rel_path, root_id IS NULL AS in_library FROM assets').all();
      const bySha = new Map(rows.map((row) => [row.sha256, row]));
      // Rewriting 100,000 rows one FTS flush at a time would take minutes: hold them all, rebuild FTS once.
      db.prepare('INSERT INTO assets_fts_hold (asset_id) SELECT id FROM assets WHERE true ON CONFLICT DO NOTHING').run();
      const jobExists = db.prepare<[number], { id: number }>('SELECT id FROM jobs WHERE id = ?');
      const attemptExists = db.prepare<[number], { id: number }>('SELECT id FROM attempts WHERE id = ?');
      const update = db.prepare(
        `UPDATE assets SET rel_path = @rel_path, thumb_rel_path = @thumb_rel_path, mime = @mime, width = @width, height = @height, bytes = @bytes,
                phash = @phash, source = @source, job_id = @job_id, attempt_id = @attempt_id, batch_id = @batch_id, image_index = @image_index,
                backend = @backend, model = @model, prompt = @prompt, negative_prompt = @negative_prompt, seed = @seed, params_json = @params_json,
                cost_usd = @cost_usd, generation_ms = @generation_ms, project = @project, tags_json = @tags_json, created_at = @created_at,
                root_id = @root_id, generator = coalesce(@generator, generator)
         WHERE id = @id`,
      );
      for (const [sha, record] of records) {
        // The row may predate a restored checkpoint: keep the provenance text, drop links that no longer resolve.
        if (record.job_id !== null && !jobExists.get(record.job_id)) record.job_id = null;
        if (record.attempt_id !== null && !attemptExists.get(record.attempt_id)) record.attempt_id = null;
        const row = bySha.get(sha);
        if (row) {
          const { params, tags, file_mtime: _mtime, raw_metadata: _raw, ...rest } = record;
          update.run({ ...rest, root_id: rest.root_id ?? null, generator: rest.generator ?? null, id: row.id, params_json: params ? JSON.stringify(params) : null, tags_json: JSON.stringify(tags) });
          result.rows_updated += 1;
        } else {
          this.deps.assets.upsert(record);
          result.rows_created += 1;
        }
      }
      const remove = db.prepare('DELETE FROM assets WHERE id = ?');
      for (const row of rows) {
        if (records.has(row.sha256)) continue;
        const inStore = row.in_library === 1 && row.rel_path.startsWith(STORE_PREFIX);
        if (inStore && !images.has(row.sha256)) {
          remove.run(row.id);
          result.rows_removed += 1;
        } else {
          result.rows_kept += 1; // imported in place, or an image without readable metadata: left as it is
        }
      }
      this.deps.organiser.dropUnusedTags();
      db.prepare('DELETE FROM assets_fts_hold').run();
      db.exec(REBUILD_FTS_SQL);
      result.indexed_for_search = db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM assets').get()?.n ?? 0;
    })();
    log.info('library rebuilt', { ...result, problems: result.problems.length });
    return result;
  }

  /**
   * Removes assets from the library. Rows go first (in one transaction); then the library's own files
   * of each image — its stored copy, thumbnail and sidecar, all named by its hash inside the library.
   * An image indexed in place from an imported folder keeps its original file: only what the library
   * made for it is deleted.
   */
  async deleteAssets(ids: readonly number[]): Promise<{ deleted: number; files_removed: number; deleted_ids: number[] }> {
    const { db, files } = this.deps;
    const list = JSON.stringify(ids);
    const rows = db.transaction(() => {
      const found = db.prepare<[string], { id: number; sha256: string }>('SELECT id, sha256 FROM assets WHERE id IN (SELECT value FROM json_each(?))').all(list);
      db.prepare('DELETE FROM assets WHERE id IN (SELECT value FROM json_each(?))').run(list);
      this.deps.organiser.dropUnusedTags();
      return found;
    })();
    let removed = 0;
    for (const row of rows) {
      await files.removeAssetFiles(row.sha256); // only hash-named files under assets/: never an imported original
      removed += 1;
    }
    return { deleted: rows.length, files_removed: removed, deleted_ids: rows.map((r) => r.id) };
  }

  private async readOriginal(id: number): Promise<Uint8Array> {
    const location = this.deps.assets.locate('original', String(id));
    if (!location) throw new Error('its file is not known to the library');
    const root = resolve(location.root);
    const path = resolve(root, ...location.relPath.split('/'));
    if (path !== root && !path.startsWith(root + sep)) throw new Error('its recorded path lies outside its folder');
    return readFile(path);
  }

  /** A library PNG without a sidecar still carries its provenance in the `apex` chunk: index it from that. */
  private async recordFromEmbedded(sha: string, relPath: string): Promise<AssetRecordInput | null> {
    const bytes = await readFile(this.deps.files.absolutePath(relPath));
    const format = requireImageFormat(bytes);
    if (format !== 'png') return null;
    const chunk = readPngTextChunks(bytes).find((c) => c.keyword === APEX_CHUNK_KEYWORD);
    if (!chunk) return null;
    const embedded = ApexEmbeddedMetadata.safeParse(JSON.parse(chunk.text));
    if (!embedded.success) throw new Error(`its embedded apex metadata does not match the schema: ${embedded.error.issues[0]?.message ?? 'invalid'}`);
    const analysis = await analyzeImage(bytes);
    const thumbnail = `assets/thumbnails/${sha.slice(0, 2)}/${sha}.webp`;
    const thumbnailPath = this.deps.files.absolutePath(thumbnail);
    if (!existsSync(thumbnailPath)) {
      mkdirSync(dirname(thumbnailPath), { recursive: true });
      writeFileAtomic(thumbnailPath, analysis.thumbnail);
    }
    const sidecar: AssetSidecar = {
      version: SIDECAR_VERSION,
      sha256: sha,
      file: relPath,
      thumbnail,
      mime: IMAGE_MIME[format],
      width: analysis.width,
      height: analysis.height,
      bytes: bytes.length,
      phash: analysis.phash,
      source: 'generated',
      created_at: Math.round(statSync(this.deps.files.absolutePath(relPath)).mtimeMs),
      provenance: embedded.data.provenance,
    };
    return recordFromSidecar(sidecar);
  }
}
