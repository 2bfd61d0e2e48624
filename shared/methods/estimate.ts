import { Accuracy, AccuracyInput, BatchEstimate, EstimateBatchInput, JobEstimate, PriceTable } from '../domain/estimate';
import { JobInput } from '../domain/jobs';
import { NoInput, method } from './method';

/** Cost and time before running (issue 7): one job, a whole batch, how right past estimates were, prices. */
export const estimateMethods = {
  /** One job, as jobs.submit takes it: the original APEX `estimate_generation`. */
  'estimate.job': method(JobInput, JobEstimate),
  /** A batch, as jobs.submitBatch takes it: the queue simulated with concurrency, rate limits, cascade and failures. */
  'estimate.batch': method(EstimateBatchInput, BatchEstimate),
  /** Mean absolute percentage error of stored estimates against what the last jobs really took and cost. */
  'estimate.accuracy': method(AccuracyInput, Accuracy),
  /** The price table in force, unconfirmed prices marked, with the settings that override it. */
  'estimate.prices': method(NoInput, PriceTable),
} as const;
