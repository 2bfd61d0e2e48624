import type { Status } from '../../shared/domain/status';

/** The human rendering of `status`; `--json` prints the document itself. */
export function formatStatus(status: Status): string {
  const percent = (value: number | null) => (value === null ? '—' : `${(value * 100).toFixed(1)}%`);
  const lines = [
    `Library      ${status.library.path}`,
    `             ${status.library.assets} assets, ${status.library.total_size_mb.toFixed(1)} MB`,
    `Orchestrator ${status.orchestrator.status}, up ${Math.round(status.orchestrator.uptime_seconds)} s`,
    `Jobs         ${status.jobs.queued} queued, ${status.jobs.running} running, ${status.jobs.succeeded} succeeded, ${status.jobs.failed} failed, ${status.jobs.canceled} canceled`,
    `Performance  success ${percent(status.performance.success_rate)}, ${status.performance.jobs_per_hour.toFixed(1)} jobs/h, $${status.performance.average_cost_per_job.toFixed(4)} per job`,
    `Backends     ${status.backends.availability_percent}% of enabled backends available`,
  ];
  for (const backend of status.backends.items) {
    lines.push(`  ${backend.id.padEnd(12)} ${backend.unavailable_reason === null ? `ready (${backend.state})` : backend.unavailable_reason}`);
  }
  if (status.keychain && !status.keychain.available) lines.push(`Keychain     not available (${status.keychain.reason ?? 'unknown reason'}): keys set now last for this session only`);
  return lines.join('\n');
}
