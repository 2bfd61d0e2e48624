import { z } from 'zod';
import { BackendId } from './config';
import { KeychainState } from './backends';

const Count = z.number().int().min(0);

/** The status document of DESIGN §8, returned by `system.status` and `apex-director status --json`. */
export const BackendStatus = z.object({
  id: BackendId,
  enabled: z.boolean(),
  /** Why the cascade would skip it right now, in plain words; null when it is usable. */
  unavailable_reason: z.string().max(500).nullable(),
  state: z.enum(['closed', 'open', 'half_open', 'disabled']),
  success_rate: z.number().min(0).max(1).nullable(),
  jobs_succeeded: Count,
  jobs_failed: Count,
});
export type BackendStatus = z.infer<typeof BackendStatus>;

export const Status = z.object({
  orchestrator: z.object({
    status: z.enum(['running', 'paused', 'stopped']),
    uptime_seconds: z.number().min(0),
  }),
  jobs: z.object({
    queued: Count,
    running: Count,
    active_jobs: Count,
    succeeded: Count,
    failed: Count,
    canceled: Count,
  }),
  performance: z.object({
    success_rate: z.number().min(0).max(1).nullable(),
    jobs_per_hour: z.number().min(0),
    average_cost_per_job: z.number().min(0),
  }),
  backends: z.object({
    availability_percent: z.number().min(0).max(100),
    items: z.array(BackendStatus).max(16),
  }),
  library: z.object({
    path: z.string().max(4096),
    assets: Count,
    total_size_mb: z.number().min(0),
  }),
  /** Whether API keys persist in the OS keychain (absent where the caller has no key store). */
  keychain: KeychainState.optional(),
});
export type Status = z.infer<typeof Status>;
