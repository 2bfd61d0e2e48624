import type { Handlers } from '../router';
import type { CoreServices } from '../services';

/** Cost and time before running (issue 7). Credentials are re-read first: a key set a moment ago counts. */
export function estimateHandlers(services: CoreServices) {
  const { estimator } = services.pipeline;
  return {
    'estimate.job': async (input) => {
      await estimator.refreshCredentials();
      return estimator.estimateGeneration(input);
    },
    'estimate.batch': async (input) => {
      await estimator.refreshCredentials();
      return estimator.estimateBatch(input);
    },
    'estimate.accuracy': (input) => estimator.accuracy(input),
    'estimate.prices': () => estimator.prices(),
  } satisfies Pick<Handlers, 'estimate.job' | 'estimate.batch' | 'estimate.accuracy' | 'estimate.prices'>;
}
