import type { Accuracy, AccuracyRow, BatchEstimate, BudgetPeriodState } from '../../../../shared/domain/estimate';
import type { SpendHistory } from '../../../../shared/domain/history';
import type { ChartColumn, ChartSeries, ChartTone } from '../../components/charts/chart-types';
import { BACKEND_LABELS } from '../../lib/format';

/**
 * Pure view models of the Estimate panel: formats the batch parser understands, money and time labels,
 * meters for the caps, the spend chart's series, and how right past estimates were. No React, no client.
 */

export const BATCH_TEXT_FORMATS = [
  { id: 'txt', label: 'Plain text, one prompt per line (.txt)', extension: 'txt' },
  { id: 'a1111', label: 'AUTOMATIC1111 prompt lines (.txt)', extension: 'txt' },
  { id: 'csv', label: 'CSV with a header row (.csv)', extension: 'csv' },
  { id: 'tsv', label: 'Tab-separated with a header row (.tsv)', extension: 'tsv' },
  { id: 'json', label: 'JSON array or {defaults, jobs} (.json)', extension: 'json' },
  { id: 'jsonl', label: 'JSON lines (.jsonl)', extension: 'jsonl' },
] as const;
export type BatchTextFormat = (typeof BATCH_TEXT_FORMATS)[number]['id'];

/** The name the parser sees: its extension picks the format (the content confirms it). */
export function pastedName(format: BatchTextFormat): string {
  const entry = BATCH_TEXT_FORMATS.find((f) => f.id === format)!;
  return `pasted.${entry.extension}`;
}

/** A dropped or opened file's format from its name; null when the parser would not read it. */
export function formatFromName(name: string): BatchTextFormat | null {
  const ext = /\.([a-z0-9]+)$/i.exec(name.trim())?.[1]?.toLowerCase();
  if (ext === 'txt' || ext === 'csv' || ext === 'tsv' || ext === 'json' || ext === 'jsonl') return ext;
  return null;
}

/** A best guess for pasted text, so the picker is usually right without a click. */
export function guessFormat(text: string): BatchTextFormat {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('[') || (trimmed.startsWith('{') && /"(jobs|prompt)"\s*:/.test(trimmed.slice(0, 2_000)) && !/\n\s*\{/.test(trimmed.slice(0, 2_000)))) return 'json';
  if (trimmed.startsWith('{') && /\}\s*\n\s*\{/.test(trimmed.slice(0, 4_000))) return 'jsonl';
  const first = trimmed.split(/\r?\n/, 1)[0] ?? '';
  if (/^--prompt\b/.test(first)) return 'a1111';
  if (/\bprompt\b/i.test(first) && first.includes('\t')) return 'tsv';
  if (/\bprompt\b/i.test(first) && /[,;]/.test(first)) return 'csv';
  return 'txt';
}

/** Money with cents (and a tenth of a cent under $1, where per-image prices live); never "Free" here. */
export function money(usd: number): string {
  if (usd === 0) return '$0.00';
  if (usd < 1) return `$${usd.toFixed(3)}`;
  return `$${usd.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/** A compact axis label: $0, $0.05, $1.5, $20. */
export function moneyTick(usd: number): string {
  if (usd === 0) return '$0';
  return `$${Number(usd.toPrecision(3)).toLocaleString('en-US', { maximumFractionDigits: 3 })}`;
}

/** "$1.20 – $1.80"; one figure when the range is a point (free backends, no failures). */
export function costRange(cost: BatchEstimate['cost']): string {
  if (Math.abs(cost.high_usd - cost.low_usd) < 0.0005) return money(cost.expected_usd);
  return `${money(cost.low_usd)} – ${money(cost.high_usd)}`;
}

/** A duration from milliseconds for people: 45 s, 12 min, 3 h 20 min, 2 d 4 h. */
export function span(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${Math.max(seconds, ms > 0 ? 1 : 0)} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

export function makespanRange(makespan: BatchEstimate['makespan']): string {
  if (span(makespan.low_ms) === span(makespan.high_ms)) return span(makespan.expected_ms);
  return `${span(makespan.low_ms)} – ${span(makespan.high_ms)}`;
}

/** Confidence as words and a percentage, thresholds matching how often the figures land within ±25%. */
export function confidenceLabel(score: number): { text: string; tone: 'ok' | 'warn' | 'idle' } {
  const pct = `${Math.round(score * 100)}%`;
  if (score >= 0.7) return { text: `High (${pct})`, tone: 'ok' };
  if (score >= 0.4) return { text: `Medium (${pct})`, tone: 'warn' };
  return { text: `Low (${pct})`, tone: 'idle' };
}

export function backendLabel(id: string): string {
  return (BACKEND_LABELS as Record<string, string>)[id] ?? id;
}

/** How the cost was worked out, in one sentence. */
export function costBasis(estimate: BatchEstimate): string {
  const { cost } = estimate;
  const parts = [`${money(cost.planned_usd)} if every job runs on its first choice`];
  if (cost.fallback_max_usd > cost.planned_usd + 0.0005) parts.push(`up to ${money(cost.fallback_max_usd)} if every job fell back to its dearest backend`);
  const unconfirmed = cost.unconfirmed_backends.length > 0 ? ` Unconfirmed prices: ${cost.unconfirmed_backends.map(backendLabel).join(', ')}.` : '';
  return `${parts.join('; ')}. The range covers 8 runs in 10 of ${estimate.simulation.runs.toLocaleString('en-US')} simulated runs of your queue.${unconfirmed}`;
}

export interface MeterView {
  label: string;
  value: number;
  max: number | null;
  valueText: string;
  hint: string;
}

/** One cap as a meter: spent against the cap, or the spend alone with a pointer to Settings when none is set. */
export function budgetMeter(period: 'daily' | 'monthly', state: BudgetPeriodState): MeterView {
  const label = period === 'daily' ? 'Spent today' : 'Spent this month';
  if (state.cap_usd === null) {
    return { label, value: state.spent_usd, max: null, valueText: `${money(state.spent_usd)} · no cap`, hint: `Set a ${period} budget in Settings to cap paid backends.` };
  }
  const resets = resetLabel(period, state.resets_at);
  const hint = state.reached
    ? `Cap reached: paid backends wait until ${resets}.`
    : `${money(state.remaining_usd ?? Math.max(0, state.cap_usd - state.spent_usd))} left · resets ${resets}`;
  return { label, value: state.spent_usd, max: state.cap_usd, valueText: `${money(state.spent_usd)} of ${money(state.cap_usd)}`, hint };
}

/** A daily cap resets at the next local midnight; a monthly one on the first of the next month. */
function resetLabel(period: 'daily' | 'monthly', at: number): string {
  const date = new Date(at);
  return period === 'daily'
    ? `at ${date.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' })}`
    : `on ${date.toLocaleDateString('en-GB', { day: 'numeric', month: 'short' })}`;
}

const SERIES_TONES: readonly ChartTone[] = ['series-1', 'series-2', 'series-3', 'series-4', 'series-5', 'series-6'];

export interface SpendChartView {
  series: ChartSeries[];
  columns: ChartColumn[];
  label: string;
  empty: boolean;
}

/**
 * The daily spend chart: one column per day, one stacked series per backend (dearest first; past five,
 * the rest are "Other"), a tick every week back from today, and a summary sentence for screen readers.
 */
export function spendChart(history: SpendHistory): SpendChartView {
  const named = history.backends.slice(0, 5);
  const hasOther = history.backends.length > 5;
  const series: ChartSeries[] = named.map((backend, i) => ({ label: backendLabel(backend), tone: SERIES_TONES[i]! }));
  if (hasOther) series.push({ label: 'Other', tone: 'series-6' });
  const columns = history.days.map((day, index) => {
    const values = named.map((backend) => day.by_backend.find((b) => b.backend === backend)?.usd ?? 0);
    if (hasOther) values.push(day.by_backend.filter((b) => !named.includes(b.backend)).reduce((n, b) => n + b.usd, 0));
    // Counted back from today, so today always has its tick and no two ticks crowd each other.
    const fromEnd = history.days.length - 1 - index;
    return { label: dayLabel(day.day), tick: fromEnd % 7 === 0 ? shortDay(day.day) : '', values };
  });
  const peak = history.days.reduce<{ day: string; usd: number } | null>((best, d) => (d.usd > (best?.usd ?? 0) ? { day: d.day, usd: d.usd } : best), null);
  const label =
    history.total_usd === 0
      ? `Spend per day over the last ${history.days.length} days: nothing spent yet.`
      : `Spend per day over the last ${history.days.length} days, by backend: ${money(history.total_usd)} in total` +
        `${peak ? `, most on ${dayLabel(peak.day)} (${money(peak.usd)})` : ''}. ${named.map((b) => backendLabel(b)).join(', ')}.`;
  return { series, columns, label, empty: history.total_usd === 0 };
}

function parseDay(day: string): Date {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(y!, m! - 1, d!);
}

export function dayLabel(day: string): string {
  return parseDay(day).toLocaleDateString('en-GB', { weekday: 'short', day: 'numeric', month: 'short' });
}

function shortDay(day: string): string {
  return parseDay(day).toLocaleDateString('en-GB', { day: 'numeric', month: 'short' });
}

export interface AccuracyView {
  backend: string;
  label: string;
  jobs: number;
  time: string;
  cost: string;
  inRange: string;
  /** Tone of the time error: within 25% is good, past 50% is poor. */
  tone: 'ok' | 'warn' | 'danger' | 'idle';
}

/** Mean absolute percentage error as "±12%"; "—" before any job finished. */
export function errorPercent(mape: number | null): string {
  if (mape === null) return '—';
  const pct = mape * 100;
  return pct < 1 && pct > 0 ? '±<1%' : `±${Math.round(pct)}%`;
}

export function accuracyRows(accuracy: Accuracy): AccuracyView[] {
  const view = (row: AccuracyRow, label: string): AccuracyView => {
    const worst = Math.max(row.time_mape ?? -1, row.cost_mape ?? -1);
    return {
      backend: row.backend,
      label,
      jobs: row.jobs,
      time: errorPercent(row.time_mape),
      cost: errorPercent(row.cost_mape),
      inRange: row.interval_coverage === null ? '—' : `${Math.round(row.interval_coverage * 100)}%`,
      tone: worst < 0 ? 'idle' : worst <= 0.25 ? 'ok' : worst <= 0.5 ? 'warn' : 'danger',
    };
  };
  const rows = accuracy.per_backend.filter((r) => r.jobs > 0).map((r) => view(r, backendLabel(r.backend)));
  if (rows.length > 1) rows.push(view(accuracy.overall, 'All backends'));
  return rows;
}

/** Per-backend split of an estimate, widest share first, each with the width of its bar. */
export function backendSplit(estimate: BatchEstimate): Array<{ backend: string; label: string; jobs: string; images: string; cost: string; share: number; tone: ChartTone; confirmed: boolean }> {
  return [...estimate.per_backend]
    .sort((a, b) => b.share - a.share)
    .map((row, i) => ({
      backend: row.backend,
      label: backendLabel(row.backend),
      jobs: roundCount(row.jobs),
      images: roundCount(row.images),
      cost: money(row.expected_usd),
      share: row.share,
      tone: SERIES_TONES[Math.min(i, SERIES_TONES.length - 1)]!,
      confirmed: row.confirmed,
    }));
}

/** Expected counts are means over simulation runs: show whole numbers unless the figure is small. */
function roundCount(value: number): string {
  if (value >= 10 || Number.isInteger(value)) return Math.round(value).toLocaleString('en-US');
  return value.toFixed(1);
}
