import type { BackendHealth, BreakerState } from '../../../../shared/domain/backends';
import type { AuditEntry } from '../../../../shared/domain/checkpoints';
import type { BackendTimelineRow } from '../../../../shared/domain/history';
import type { Status } from '../../../../shared/domain/status';
import type { ChartColumn, ChartSeries } from '../../components/charts/chart-types';
import { BACKEND_LABELS, duration } from '../../lib/format';

/** Pure view models of the Health panel: breaker words, latency, the timeline chart, system tiles, audit rows. */

export function backendName(id: string): string {
  return (BACKEND_LABELS as Record<string, string>)[id] ?? id;
}

export const BREAKER_VIEW: Record<BreakerState, { text: string; tone: 'ok' | 'warn' | 'danger' | 'idle'; hint: string }> = {
  closed: { text: 'Healthy', tone: 'ok', hint: 'Circuit closed: calls go through.' },
  half_open: { text: 'Testing', tone: 'warn', hint: 'Circuit half open: one test call decides whether it takes work again.' },
  open: { text: 'Tripped', tone: 'danger', hint: 'Circuit open: too many recent calls failed; it rests until the test call.' },
  disabled: { text: 'Off', tone: 'idle', hint: 'Turned off in Settings.' },
};

/** The one-word state of a backend row: the breaker, unless something else keeps it out of the cascade. */
export function backendState(item: BackendHealth, now: number): { text: string; tone: 'ok' | 'warn' | 'danger' | 'idle'; detail: string } {
  if (!item.enabled) return { text: 'Off', tone: 'idle', detail: 'Turned off in Settings.' };
  if (!item.set_up) return { text: 'Not set up', tone: 'idle', detail: item.unavailable_reason ?? 'Needs a key or a server address in Settings.' };
  const breaker = BREAKER_VIEW[item.state];
  if (item.state === 'open' && item.retry_at !== null) return { ...breaker, detail: `Too many recent calls failed; a test call ${relativeFuture(item.retry_at, now)}.` };
  if (item.cooling_until !== null && item.cooling_until > now) return { text: 'Cooling', tone: 'warn', detail: `Rate limited by the provider; takes work again ${relativeFuture(item.cooling_until, now)}.` };
  if (item.unavailable_reason) return { text: breaker.text === 'Healthy' ? 'Waiting' : breaker.text, tone: 'warn', detail: item.unavailable_reason };
  return { ...breaker, detail: breaker.hint };
}

function relativeFuture(at: number, now: number): string {
  const seconds = Math.max(0, Math.round((at - now) / 1000));
  if (seconds < 60) return `in ${seconds} s`;
  return `in ${Math.round(seconds / 60)} min`;
}

/** 850 ms, 12.4 s, 2 min. */
export function latency(ms: number | null): string {
  if (ms === null) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  return `${Math.round(ms / 60_000)} min`;
}

export function rate(ratio: number | null): string {
  return ratio === null ? '—' : `${Math.round(ratio * 100)}%`;
}

export function lastErrorText(item: BackendHealth, now: number): string {
  if (!item.last_error) return 'No errors recently';
  const ago = Math.max(0, Math.round((now - item.last_error.at) / 1000));
  const when = ago < 60 ? `${ago} s ago` : ago < 3600 ? `${Math.round(ago / 60)} min ago` : `${Math.round(ago / 3600)} h ago`;
  const message = item.last_error.message.trim();
  return `${item.last_error.error_class.replace(/_/g, ' ')} ${when}${message ? `: ${message}` : ''}`;
}

export const TIMELINE_RANGES = {
  '1h': { hours: 1, buckets: 12, label: 'Last hour' },
  '24h': { hours: 24, buckets: 24, label: 'Last 24 hours' },
} as const;
export type TimelineRange = keyof typeof TIMELINE_RANGES;

export const TIMELINE_SERIES: ChartSeries[] = [
  { label: 'Succeeded', tone: 'ok' },
  { label: 'Rate limited', tone: 'warn' },
  { label: 'Failed', tone: 'danger' },
  { label: 'Refused prompt', tone: 'idle' },
  { label: 'Interrupted', tone: 'series-4' },
];

export interface TimelineView {
  columns: ChartColumn[];
  label: string;
  calls: number;
}

/** One backend's timeline as chart columns (series as TIMELINE_SERIES) and a sentence for screen readers. */
export function timelineView(row: BackendTimelineRow, bucketMs: number, range: TimelineRange): TimelineView {
  let ok = 0;
  let bad = 0;
  let limited = 0;
  let calls = 0;
  const columns = row.buckets.map((b) => {
    ok += b.succeeded;
    bad += b.failed;
    limited += b.rate_limited;
    calls += b.succeeded + b.failed + b.rate_limited + b.refused + b.interrupted;
    const from = clock(b.start);
    const to = clock(b.start + bucketMs);
    const p50 = b.p50_ms === null ? '' : `, median ${latency(b.p50_ms)}`;
    return {
      label: `${from}–${to}: ${b.succeeded} ok, ${b.rate_limited} rate limited, ${b.failed} failed, ${b.refused} refused, ${b.interrupted} interrupted${p50}`,
      tick: '',
      values: [b.succeeded, b.rate_limited, b.failed, b.refused, b.interrupted],
    };
  });
  const name = backendName(row.backend);
  const label =
    calls === 0
      ? `${name}, ${TIMELINE_RANGES[range].label.toLowerCase()}: no calls.`
      : `${name}, ${TIMELINE_RANGES[range].label.toLowerCase()}: ${calls} calls, ${ok} succeeded, ${limited} rate limited, ${bad} failed.`;
  return { columns, label, calls };
}

function clock(at: number): string {
  return new Date(at).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' });
}

export interface SystemTile {
  label: string;
  value: string;
  tone?: 'accent' | 'ok' | 'danger';
}

export function systemTiles(status: Status): SystemTile[] {
  const perf = status.performance;
  return [
    { label: 'Core uptime', value: duration(status.orchestrator.uptime_seconds) },
    { label: 'Jobs per hour', value: perf.jobs_per_hour < 10 ? perf.jobs_per_hour.toFixed(1) : Math.round(perf.jobs_per_hour).toLocaleString('en-US'), tone: 'accent' },
    { label: 'Success rate', value: rate(perf.success_rate), tone: perf.success_rate !== null && perf.success_rate < 0.8 ? 'danger' : 'ok' },
    { label: 'Average cost per job', value: perf.average_cost_per_job === 0 ? '$0.00' : `$${perf.average_cost_per_job.toFixed(perf.average_cost_per_job < 1 ? 3 : 2)}` },
  ];
}

/** The kinds the core writes to the audit log (main/core/queue/audit.ts), in words. */
export const AUDIT_KINDS = [
  { kind: 'batch.submitted', label: 'Batch queued' },
  { kind: 'job.submitted', label: 'Job queued' },
  { kind: 'job.started', label: 'Job started' },
  { kind: 'job.succeeded', label: 'Job succeeded' },
  { kind: 'job.failed', label: 'Job failed' },
  { kind: 'job.retry_scheduled', label: 'Retry scheduled' },
  { kind: 'job.canceled', label: 'Job canceled' },
  { kind: 'job.priority_changed', label: 'Priority changed' },
  { kind: 'job.retried', label: 'Job retried' },
  { kind: 'job.recovered', label: 'Job recovered' },
  { kind: 'job.held', label: 'Job held' },
  { kind: 'queue.paused', label: 'Queue paused' },
  { kind: 'queue.resumed', label: 'Queue resumed' },
  { kind: 'checkpoint.created', label: 'Checkpoint created' },
  { kind: 'checkpoint.restored', label: 'Checkpoint restored' },
  { kind: 'library.repaired', label: 'Library repaired' },
] as const;

export function auditKindLabel(kind: string): string {
  return AUDIT_KINDS.find((k) => k.kind === kind)?.label ?? kind;
}

function scalar(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return null;
}

/** One line of what an audit entry carries: the fields artists care about first, then the rest. */
export function auditDetail(entry: AuditEntry): string {
  const data = entry.data ?? {};
  const parts: string[] = [];
  const take = (key: string, render: (v: string) => string) => {
    const value = scalar(data[key]);
    if (value !== null) parts.push(render(value));
  };
  take('backend', (v) => backendName(v));
  take('error_class', (v) => v.replace(/_/g, ' '));
  take('message', (v) => v);
  take('jobs', (v) => `${v} jobs`);
  take('priority', (v) => `priority ${v}`);
  take('from', (v) => `was ${v}`);
  take('retried_from', (v) => `retry of job ${v}`);
  take('not_before', (v) => `next try ${clock(Number(v))}`);
  take('name', (v) => v);
  take('operation', (v) => v);
  const assets = data.assets;
  if (Array.isArray(assets)) parts.push(`${assets.length} image${assets.length === 1 ? '' : 's'}`);
  if (data.run_next === true) parts.push('run next');
  return parts.join(' · ');
}

/** Text filter over loaded entries: kind, its words, job and batch ids and every value it carries. */
export function auditMatches(entry: AuditEntry, text: string): boolean {
  const needle = text.trim().toLowerCase();
  if (needle === '') return true;
  const hay = [entry.kind, auditKindLabel(entry.kind), entry.job_id === null ? '' : `job ${entry.job_id} #${entry.job_id}`, entry.batch_id === null ? '' : `batch ${entry.batch_id}`, auditDetail(entry), JSON.stringify(entry.data ?? {})]
    .join(' ')
    .toLowerCase();
  return needle.split(/\s+/).every((word) => hay.includes(word));
}

/** A job id typed into the filter: a positive whole number, or null (with why) when it is not one. */
export function parseJobId(text: string): { id: number | null; error: string | null } {
  const trimmed = text.trim().replace(/^#/, '');
  if (trimmed === '') return { id: null, error: null };
  if (!/^\d{1,15}$/.test(trimmed) || Number(trimmed) < 1) return { id: null, error: 'A job id is a whole number, like 42.' };
  return { id: Number(trimmed), error: null };
}

/** "25 Nov 07:41:03": the date always shows, so a row reads the same tomorrow. */
export function auditTime(at: number): string {
  const date = new Date(at);
  return `${date.toLocaleDateString('en-GB', { day: 'numeric', month: 'short' })} ${date.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit' })}`;
}
