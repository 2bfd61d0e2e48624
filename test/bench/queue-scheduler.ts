import { join } from 'node:path';
import sharp from 'sharp';
import { BackendPool } from '../../main/core/backends/pool';
import type { BackendInterface, GeneratedImage } from '../../main/core/backends/types';
import { ConfigStore } from '../../main/core/config/config-store';
import { closeDatabase, openDatabase } from '../../main/core/db/connection';
import { migrate } from '../../main/core/db/migrations';
import { EventHub } from '../../main/core/events';
import { AssetIndex, type AssetRecordInput } from '../../main/core/library/asset-index';
import { provenanceColumns } from '../../main/core/library/asset-records';
import { silentLogger } from '../../main/core/log';
import { AttemptLedger } from '../../main/core/queue/attempt-ledger';
import { JobStore } from '../../main/core/queue/job-store';
import { Orchestrator, type OutputProvenance, type OutputSink } from '../../main/core/queue/orchestrator';
import { makeBatch } from './queue-enqueue';
import { elapsedMs, formatNumber, withTempDir, type BenchResult } from './report';

const JOBS = 5_000;
const CONCURRENCY = 8;
const TARGET_JOBS_PER_S = 2_000;

async function tinyPng(): Promise<Uint8Array> {
  return sharp({ create: { width: 8, height: 8, channels: 3, background: { r: 200, g: 80, b: 40 } } }).png().toBuffer();
}

/** Answers every call at once with the same tiny PNG: only the scheduler's own work is left to measure. */
function instantBackend(png: Uint8Array): BackendInterface {
  const image: GeneratedImage = { bytes: png, mime: 'image/png' };
  return {
    id: 'sdxl',
    paid: false,
    capabilities: { min_side: 64, max_side: 4096, aspect_ratios: [], max_images_per_request: 4, negative_prompt: true, seed: true, max_prompt_chars: 8000 },
    generate: (request) => Promise.resolve({ images: [image], model: 'instant', seed: request.seed, provider_cost_usd: null }),
  };
}

/** Writes no files: returns the row the real sink would, with a unique fake SHA per job (the ledger still indexes it). */
const noopSink: OutputSink = {
  store(image: GeneratedImage, p: OutputProvenance): Promise<AssetRecordInput> {
    const sha256 = `${p.job_id.toString(16)}:${p.image_index}`.padStart(64, '0');
    return Promise.resolve({
      sha256,
      rel_path: `assets/images/${sha256.slice(0, 2)}/${sha256}.png`,
      thumb_rel_path: null,
      mime: image.mime,
      width: 8,
      height: 8,
      bytes: image.bytes.length,
      phash: null,
      source: 'generated',
      created_at: p.created_at,
      ...provenanceColumns(p),
    });
  },
};

/**
 * Figure 2: scheduler overhead. The real JobStore, AttemptLedger, AssetIndex, BackendPool, EventHub and
 * ConfigStore wired as main/core/pipeline.ts wires them (pause flag read from `meta` on every pass, by a statement prepared once), but
 * with an instant in-process backend and a sink that writes no files. 5,000 queued jobs, timed from
 * `start()` to `whenIdle()`.
 */
export async function benchScheduler(): Promise<BenchResult> {
  const png = await tinyPng();
  return withTempDir('scheduler', async (dir) => {
    const db = openDatabase(join(dir, 'library.db'));
    migrate(db);
    const events = new EventHub({ intervalMs: 100 });
    try {
      const config = new ConfigStore(join(dir, 'apex_config.json'));
      config.update({ backends: { sdxl: { max_concurrency: CONCURRENCY } }, orchestrator: { max_concurrent_jobs: CONCURRENCY } });
      const jobs = new JobStore(db);
      const assets = new AssetIndex(db, dir);
      const ledger = new AttemptLedger(db, assets, jobs.audit);
      const backend = instantBackend(png);
      const pool = new BackendPool(new Map([[backend.id, backend]]), () => config.get());
      pool.setCredentialed([backend.id]);
      const selectMeta = db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?');
      const readPaused = () => selectMeta.get('queue_paused')?.value === '1';
      const orchestrator = new Orchestrator({
        jobs,
        ledger,
        pool,
        sink: noopSink,
        events,
        log: silentLogger,
        config: () => config.get(),
        credential: () => Promise.resolve('bench-key'),
        paused: {
          get: readPaused,
          set: (value) => db.prepare("INSERT INTO meta (key, value) VALUES ('queue_paused', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value").run(value ? '1' : '0'),
        },
      });
      jobs.submit(makeBatch(JOBS, 'scheduler'), { asBatch: true, now: Date.now() });

      const started = performance.now();
      orchestrator.start();
      await orchestrator.whenIdle();
      const ms = elapsedMs(started);
      await orchestrator.stop({ abort: false });

      const counts = jobs.counts();
      if (counts.succeeded !== JOBS) throw new Error(`scheduler bench: ${counts.succeeded} of ${JOBS} jobs succeeded (${JSON.stringify(counts)})`);
      const rate = JOBS / (ms / 1000);
      return {
        name: `Scheduler overhead (instant backend, no-op sink, ${formatNumber(JOBS)} jobs)`,
        value: rate,
        unit: 'jobs/s',
        target: `≥ ${formatNumber(TARGET_JOBS_PER_S)} jobs/s`,
        pass: rate >= TARGET_JOBS_PER_S,
        notes: [`${formatNumber(JOBS)} jobs in ${formatNumber(ms)} ms at concurrency ${CONCURRENCY} (${formatNumber((ms * 1000) / JOBS)} µs per job)`],
      };
    } finally {
      events.close();
      closeDatabase(db);
    }
  });
}
