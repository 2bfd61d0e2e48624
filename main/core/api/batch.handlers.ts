import { BATCH_LIMITS, type BatchPreviewInput, type BatchSubmitInput } from '../../../shared/domain/batch';
import { buildPreview, countImages, listIssues, toBatchInputs } from '../batch/batch-plan';
import { prepareBatch, prepareOptionsFrom, type PreparedBatch } from '../batch/prepare-batch';
import { loadSources } from '../batch/sources';
import type { CallContext, Handlers } from '../router';
import type { CoreServices } from '../services';

/** Batch files: preview (nothing queued) and submit (all or nothing, one batch per file). */
export function batchHandlers(services: CoreServices) {
  const { pipeline } = services;

  const prepare = (input: BatchPreviewInput | BatchSubmitInput, ctx: CallContext): PreparedBatch => {
    // Paths are the desktop app's and the CLI's: a browser page must not make the core read files by name.
    const sources = loadSources(input.sources, { allowPaths: ctx.transport !== 'websocket' });
    return prepareBatch(sources, prepareOptionsFrom(input, { wildcardsDir: services.library.wildcards, config: services.config.get(), registry: pipeline.registry }));
  };

  return {
    'batch.preview': async (input, ctx) => {
      const prepared = prepare(input, ctx);
      // Without a running orchestrator (CLI estimate, a fresh core) the pool has not yet looked at keys and local servers.
      if (!pipeline.orchestrator.isRunning) await pipeline.refreshCredentials();
      return buildPreview(prepared, {
        pool: pipeline.pool,
        config: services.config.get(),
        now: Date.now(),
        previewPrompts: input.preview_prompts ?? BATCH_LIMITS.defaultPreviewPrompts,
        skipBadRows: input.skip_bad_rows ?? false,
      });
    },
    'batch.submit': (input, ctx) => {
      const skipBadRows = input.skip_bad_rows ?? false;
      const prepared = prepare(input, ctx);
      const planned = toBatchInputs(prepared, skipBadRows);
      const now = Date.now();
      // One transaction over every file: a failure in the last file leaves nothing from the first queued.
      const submitted = pipeline.db.transaction(() => planned.map(({ batch }) => pipeline.jobs.submit(batch, { asBatch: true, now })))();
      const batches = planned.map(({ file, batch }, index) => {
        const { batch_id, job_ids } = submitted[index]!;
        return { batch_id: batch_id!, name: batch.name ?? file.name, jobs: job_ids.length, images: countImages(file.jobs, file), job_ids };
      });
      const allIds = batches.flatMap((b) => b.job_ids);
      services.events.emit('jobs.changed', { ids: allIds.slice(0, 1_000), batch_ids: batches.map((b) => b.batch_id).slice(0, 1_000), all: allIds.length > 1_000 });
      pipeline.orchestrator.wake();
      return {
        batches,
        jobs: allIds.length,
        images: batches.reduce((n, b) => n + b.images, 0),
        skipped_rows: skipBadRows ? prepared.files.reduce((n, f) => n + f.issues.badRows, 0) : 0,
        warnings: prepared.issues.warnings,
        issues: listIssues(prepared),
        expansion: prepared.expansion,
      };
    },
  } satisfies Pick<Handlers, 'batch.preview' | 'batch.submit'>;
}
