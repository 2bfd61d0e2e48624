import { BatchSubmitInput } from '../domain/batch';
import { BackendsTimeline, FilesEstimate, SpendHistory, SpendHistoryInput, TimelineInput } from '../domain/history';
import { method } from './method';

/** History behind the Health and Estimate panels (issue 8 parts 4 and 6). */
export const historyMethods = {
  /** Each backend's calls over the last `hours` (default 24) in `buckets` (default 24): outcomes and median latency. */
  'backends.timeline': method(TimelineInput, BackendsTimeline),
  /** Spend per local day over the last `days` (default 30), split by backend: the spend chart. */
  'budget.history': method(SpendHistoryInput, SpendHistory),
  /**
   * Batch files (as `batch.preview` and `batch.submit` take them) estimated like `estimate.batch`: the jobs
   * a submit would queue, simulated on the queue. Pass the seed a preview returned to estimate exactly
   * what was previewed.
   */
  'estimate.files': method(BatchSubmitInput, FilesEstimate),
} as const;
