import type { BatchSummary, QueueRow } from '../../../../shared/domain/batches';
import type { JobStatus } from '../../../../shared/domain/jobs';
import { BACKEND_LABELS, duration } from '../../lib/format';

/** A group's key: the batch id, or SINGLES for the prompts submitted one at a time. */
export type GroupKey = number;
export const SINGLES: GroupKey = 0;

export function groupKey(summary: BatchSummary): GroupKey {
  return summary.id ?? SINGLES;
}

/** One line of the virtualized list: a batch header or a job. */
export type ListItem = { kind: 'group'; key: GroupKey } | { kind: 'job'; key: GroupKey; id: number };

/** Headers and, under each expanded group, its job ids: the flat list the virtualizer walks. */
export function flattenGroups(groups: readonly BatchSummary[], expanded: ReadonlySet<GroupKey>, groupIds: ReadonlyMap<GroupKey, readonly number[]>): ListItem[] {
  return flattenKeys(groups.map(groupKey), expanded, groupIds);
}

/** The same from the group keys alone: header figures changing every second must not rebuild 10,000 items. */
export function flattenKeys(keys: readonly GroupKey[], expanded: ReadonlySet<GroupKey>, groupIds: ReadonlyMap<GroupKey, readonly number[]>): ListItem[] {
  const items: ListItem[] = [];
  for (const key of keys) {
    items.push({ kind: 'group', key });
    if (!expanded.has(key)) continue;
    for (const id of groupIds.get(key) ?? []) items.push({ kind: 'job', key, id });
  }
  return items;
}

export const STATUS_LABELS: Record<JobStatus, string> = {
  queued: 'Queued',
  running: 'Running',
  succeeded: 'Done',
  failed: 'Failed',
  canceled: 'Canceled',
  held: 'Held',
};

export function backendLabel(id: string | null): string {
  if (id === null) return '—';
  return (BACKEND_LABELS as Record<string, string>)[id] ?? id;
}

interface FailureReason {
  /** What happened, in plain words. */
  sentence: string;
  /** What the artist can do about it. */
  advice: string | null;
}

/** Every error class a job can end with (backends/types.ts ERROR_CLASSES, plus the queue's own). */
const FAILURE_REASONS: Record<string, FailureReason> = {
  rate_limited: { sentence: 'The service was busy and asked us to slow down (rate limit).', advice: 'It is tried again after the pause the service asked for; retry if it gave up.' },
  quota_exhausted: { sentence: "The account's quota or balance with the service ran out.", advice: 'Raise the quota or top up the account, or wait for the period to reset, then retry.' },
  auth: { sentence: 'The service refused the API key.', advice: 'Set a valid key in Settings, then retry.' },
  transient: { sentence: 'The service had a temporary problem or could not be reached.', advice: 'Retry; if it keeps happening, look at the backend in the Health panel.' },
  timeout: { sentence: 'The service did not answer in time.', advice: 'Retry, or raise the backend’s timeout in Settings.' },
  content_blocked: { sentence: 'The service refused this prompt because of its content.', advice: 'Reword the prompt, or let the job fall back to another backend, then retry.' },
  bad_request: { sentence: 'The service did not accept the request as sent (a setting or the prompt).', advice: 'Change what the provider’s message names, then retry.' },
  model_gone: { sentence: 'The service no longer offers the model this backend uses.', advice: 'Choose another model for the backend in Settings, then retry.' },
  no_image: { sentence: 'The service answered without an image.', advice: 'Retry; the prompt may also have been silently filtered.' },
  canceled: { sentence: 'You canceled this job.', advice: 'Retry to queue it again.' },
  interrupted: { sentence: 'The app closed while this call was running.', advice: 'Retry to queue it again.' },
  no_backend: { sentence: 'No backend could take this job.', advice: 'Set up a backend that can make this size and count (Settings), then retry.' },
};

/** A failed (or canceled) job's reason in plain words, with the advice; the provider's own words go beside it. */
export function failureReason(errorClass: string | null): FailureReason {
  if (errorClass === null) return { sentence: 'The job failed without a recorded reason.', advice: 'Retry it.' };
  return FAILURE_REASONS[errorClass] ?? { sentence: `The job failed (${errorClass.replaceAll('_', ' ')}).`, advice: 'Retry it.' };
}

/** "1 min", "about 2 h 5 min", or "—". */
export function etaLabel(ms: number | null): string {
  if (ms === null) return '—';
  if (ms < 1_000) return 'under 1 s';
  return duration(ms / 1_000);
}

/** A running job's remaining time from its stored estimate; null when it has none or is not running. */
export function rowEta(row: QueueRow, now: number): number | null {
  if (row.status !== 'running' || row.started_at === null || row.estimated_ms === null) return null;
  return Math.max(0, row.estimated_ms - (now - row.started_at));
}

export function rowProgress(row: QueueRow): number {
  if (row.status === 'succeeded') return 1;
  return row.images_wanted > 0 ? Math.min(1, row.images_done / row.images_wanted) : 0;
}

export function groupTitle(summary: BatchSummary): string {
  if (summary.id === null) return 'Single prompts';
  return summary.name ?? baseName(summary.source_file) ?? `Batch ${summary.id}`;
}

function baseName(path: string | null): string | null {
  if (path === null) return null;
  const parts = path.split(/[\\/]/);
  return parts.at(-1) || path;
}

/** Whether any job of the group still waits or runs. */
export function groupActive(summary: BatchSummary): boolean {
  return summary.counts.queued + summary.counts.running + summary.counts.held > 0;
}

/** Counts and figures that decide whether a group's id list may have changed (membership or order). */
export function groupSignature(summary: BatchSummary): string {
  const c = summary.counts;
  return `${summary.total}|${c.queued}|${c.running}|${c.succeeded}|${c.failed}|${c.canceled}|${c.held}`;
}

/** Rows are replaced only when something they show changed, so unchanged rows skip rendering. */
export function sameRow(a: QueueRow, b: QueueRow): boolean {
  for (const key of Object.keys(a) as (keyof QueueRow)[]) {
    if (a[key] !== b[key]) return false;
  }
  return true;
}
