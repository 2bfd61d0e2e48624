import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Core } from '../../main/core';
import { createCore } from '../../main/core';
import { silentLogger } from '../../main/core/log';
import { makeBatch } from './queue-enqueue';
import { benchCredentials, elapsedMs, formatNumber, withTempDir, type BenchResult } from './report';

const QUEUED = 10_000;
const INTERRUPTED = 8;
/** Assets already in the library: an unclean start reconciles files, which lists every shard folder. */
const ASSETS = 5_000;
const TARGET_MS = 500;

/**
 * Indexed assets with their image and sidecar files in place (written directly, without fsync: only
 * their names matter to the reconcile, which reads sidecars of unindexed images alone).
 */
function addIndexedAssets(core: Core, count: number): void {
  const { library } = core;
  const rows = Array.from({ length: count }, (_, i) => {
    const sha = createHash('sha256').update(`bench asset ${i}`).digest('hex');
    const shard = sha.slice(0, 2);
    for (const dir of [library.images, library.thumbnails, library.metadata]) mkdirSync(join(dir, shard), { recursive: true });
    writeFileSync(join(library.images, shard, `${sha}.png`), 'png');
    writeFileSync(join(library.thumbnails, shard, `${sha}.webp`), 'webp');
    writeFileSync(join(library.metadata, shard, `${sha}.json`), '{}');
    return sha;
  });
  core.pipeline.db.transaction(() => {
    for (const sha of rows) {
      core.pipeline.assets.upsert({
        sha256: sha,
        rel_path: `assets/images/${sha.slice(0, 2)}/${sha}.png`,
        thumb_rel_path: `assets/thumbnails/${sha.slice(0, 2)}/${sha}.webp`,
        mime: 'image/png',
        width: 1024,
        height: 1024,
        bytes: 3,
        phash: '0123456789abcdef',
        source: 'generated',
        created_at: Date.now(),
        job_id: null,
        attempt_id: null,
        batch_id: null,
        image_index: 0,
        backend: 'sdxl',
        model: null,
        prompt: 'a fox',
        negative_prompt: null,
        seed: 1,
        params: { width: 1024, height: 1024 },
        cost_usd: 0,
        generation_ms: 1_000,
        project: null,
        tags: [],
      });
    }
  })();
}

/**
 * Prepares a library as a crash leaves it: 5,000 assets, 10,000 queued jobs, 8 of them `running` with an
 * open attempt, the session still marked open (so recovery also reconciles files) and the queue paused
 * (so nothing is dispatched afterwards). The first core is closed without marking a clean shutdown, as
 * it never held the orchestrator lease.
 */
async function prepareCrashedLibrary(library: string): Promise<number[]> {
  const core = await createCore({ library, log: silentLogger, credentials: benchCredentials });
  try {
    await core.client.call('queue.pause');
    addIndexedAssets(core, ASSETS);
    const { job_ids } = await core.client.call('jobs.submitBatch', makeBatch(QUEUED, 'recovery'));
    const running = job_ids.slice(0, INTERRUPTED);
    const now = Date.now();
    for (const id of running) {
      const attempt = core.pipeline.ledger.start(id, 'sdxl', null, `fingerprint-${id}`, { chosen: 'sdxl', skipped: [] }, now);
      if (attempt === null) throw new Error(`could not open an attempt for job ${id}`);
    }
    core.pipeline.db.prepare("INSERT INTO meta (key, value) VALUES ('session_state', 'open') ON CONFLICT (key) DO UPDATE SET value = excluded.value").run();
    return running;
  } finally {
    await core.close();
  }
}

/**
 * Figure 5: start-up recovery. A fresh core opens the crashed library (not timed); only
 * `startOrchestrator()` is timed: lease, credentials, `recoverAtStart` (file reconcile + closing the
 * 8 open attempts and re-queueing their jobs), audit pruning, starting the paused scheduler.
 */
export async function benchRecovery(): Promise<BenchResult> {
  return withTempDir('recovery', async (dir) => {
    const library = join(dir, 'library');
    const running = await prepareCrashedLibrary(library);

    const core = await createCore({ library, log: silentLogger, credentials: benchCredentials });
    try {
      const started = performance.now();
      const acquired = await core.startOrchestrator();
      const ms = elapsedMs(started);
      if (!acquired) throw new Error('could not take the orchestrator lease');

      const report = core.pipeline.lastRecovery;
      const counts = core.pipeline.jobs.counts();
      if (!report?.unclean_shutdown || report.interrupted_attempts !== INTERRUPTED || counts.running !== 0 || counts.queued !== QUEUED) {
        throw new Error(`recovery did not do what the crash calls for: ${JSON.stringify({ report, counts })}`);
      }
      const detail = core.pipeline.jobs.get(running[0]!);
      if (detail?.attempts[0]?.outcome !== 'interrupted') throw new Error('the open attempt was not closed as interrupted');

      return {
        name: `Recovery at start (${formatNumber(QUEUED)} queued, ${INTERRUPTED} interrupted, ${formatNumber(ASSETS)} assets)`,
        value: ms,
        unit: 'ms',
        target: `≤ ${TARGET_MS} ms`,
        pass: ms <= TARGET_MS,
        notes: [
          `startOrchestrator() ${formatNumber(ms)} ms, of which recoverAtStart ${formatNumber(report.duration_ms)} ms; ` +
            `${report.interrupted_attempts} attempts interrupted, ${report.requeued} jobs re-queued, ${counts.queued} queued after; ` +
            `file reconcile found ${report.files?.incomplete_files ?? 0} incomplete and ${report.files?.indexed_from_sidecars ?? 0} unindexed files`,
        ],
      };
    } finally {
      await core.close();
    }
  });
}
