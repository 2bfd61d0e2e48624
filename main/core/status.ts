import { BACKEND_IDS, type BackendId, type Config } from '../../shared/domain/config';
import type { BackendStatus, Status } from '../../shared/domain/status';
import type { LibraryPaths } from './library/layout';
import { hasRequiredCredential, type CredentialSource } from './ports';

export interface StatusInputs {
  config: Config;
  library: LibraryPaths;
  credentials: CredentialSource;
  startedAt: number;
  now: number;
}

/** Builds the DESIGN §8 status document. Job and asset counts join in as the queue and library land. */
export async function buildStatus(inputs: StatusInputs): Promise<Status> {
  const items = await Promise.all(BACKEND_IDS.map((id) => backendStatus(id, inputs)));
  return {
    orchestrator: { status: 'stopped', uptime_seconds: Math.max(0, (inputs.now - inputs.startedAt) / 1000) },
    jobs: { queued: 0, running: 0, active_jobs: 0, succeeded: 0, failed: 0, canceled: 0 },
    performance: { success_rate: null, jobs_per_hour: 0, average_cost_per_job: 0 },
    backends: {
      availability_percent: availabilityPercent(items),
      items,
    },
    library: { path: inputs.library.root, assets: 0, total_size_mb: 0 },
  };
}

/** Share of enabled backends the cascade could use right now. */
export function availabilityPercent(items: readonly BackendStatus[]): number {
  const enabled = items.filter((item) => item.enabled);
  const usable = enabled.filter((item) => item.unavailable_reason === null);
  return enabled.length === 0 ? 0 : Math.round((usable.length / enabled.length) * 1000) / 10;
}

async function backendStatus(id: BackendId, inputs: StatusInputs): Promise<BackendStatus> {
  const enabled = inputs.config.backends[id].enabled;
  let reason: string | null = null;
  if (!enabled) reason = 'disabled in settings';
  else if (!(await hasRequiredCredential(inputs.credentials, id))) reason = 'no API key set (keychain or environment variable)';
  return {
    id,
    enabled,
    unavailable_reason: reason,
    state: enabled ? 'closed' : 'disabled',
    success_rate: null,
    jobs_succeeded: 0,
    jobs_failed: 0,
  };
}
