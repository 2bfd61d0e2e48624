import { BACKEND_IDS } from '../../../shared/domain/config';
import { EstimateBatchInput, ESTIMATE_LIMITS } from '../../../shared/domain/estimate';
import { LIMITS } from '../../../shared/domain/jobs';
import { AppError } from '../../../shared/errors';
import { HealthTimeline } from '../backends/health-timeline';
import { toBatchInputs } from '../batch/batch-plan';
import { prepareBatch, prepareOptionsFrom } from '../batch/prepare-batch';
import { loadSources } from '../batch/sources';
import { withDefaults } from '../estimator/batch-files';
import { SpendHistoryReader } from '../estimator/spend-history';
import type { Handlers } from '../router';
import type { CoreServices } from '../services';

/** History behind the Health and Estimate panels: backend timelines, spend per day, batch files estimated. */
export function historyHandlers(services: CoreServices) {
  const { pipeline } = services;
  const timeline = new HealthTimeline(pipeline.db);
  const spend = new SpendHistoryReader(pipeline.db, () => services.config.get(), (backend) => pipeline.registry.get(backend)?.paid ?? true);

  return {
    'backends.timeline': (input) => timeline.read(BACKEND_IDS, { now: Date.now(), hours: input?.hours, buckets: input?.buckets }),
    'budget.history': (input) => spend.read(input?.days ?? ESTIMATE_LIMITS.spendDaysDefault, Date.now()),
    'estimate.files': async (input, ctx) => {
      // Prepared exactly as batch.preview and batch.submit prepare them; paths only outside browser mode.
      const sources = loadSources(input.sources, { allowPaths: ctx.transport !== 'websocket' });
      const prepared = prepareBatch(sources, prepareOptionsFrom(input, { wildcardsDir: services.library.wildcards, config: services.config.get(), registry: pipeline.registry }));
      const skipBadRows = input.skip_bad_rows ?? false;
      let planned: ReturnType<typeof toBatchInputs>;
      try {
        planned = toBatchInputs(prepared, skipBadRows);
      } catch (error) {
        // Files that would queue nothing: batch.preview names every error with its file, line and field.
        if (error instanceof AppError && error.code === 'INVALID_INPUT') return { estimate: null, skipped_rows: 0 };
        throw error;
      }
      const jobs = planned.flatMap(({ batch }) => batch.jobs.map((job) => withDefaults(job, batch.defaults ?? {})));
      if (jobs.length === 0) return { estimate: null, skipped_rows: 0 };
      await pipeline.estimator.refreshCredentials();
      const estimate = pipeline.estimator.estimateBatch(EstimateBatchInput.parse({ jobs: jobs.slice(0, LIMITS.jobsPerBatch) }));
      const skipped = skipBadRows ? prepared.files.reduce((n, f) => n + f.issues.badRows, 0) : 0;
      return { estimate, skipped_rows: skipped };
    },
  } satisfies Pick<Handlers, 'backends.timeline' | 'budget.history' | 'estimate.files'>;
}
