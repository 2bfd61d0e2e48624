import type { BatchEstimate } from '../../../shared/domain/estimate';
import { usd } from './budget';

/** A batch estimate in plain words, one line per topic, for the CLI (`estimate`, `run`). */
export function describeBatchEstimate(estimate: BatchEstimate): string[] {
  const cost = estimate.cost;
  const lines: string[] = [];
  const range = cost.low_usd === cost.high_usd ? '' : ` (80% of simulated runs: ${usd(cost.low_usd)}–${usd(cost.high_usd)})`;
  const fallback = cost.fallback_max_usd > cost.high_usd + 1e-9 ? `; up to ${usd(cost.fallback_max_usd)} if every job fell back to its dearest backend` : '';
  lines.push(`Cost: about ${usd(cost.expected_usd)}${range}${fallback}.${cost.confirmed ? '' : ` Unconfirmed prices: ${cost.unconfirmed_backends.join(', ')}.`}`);
  const m = estimate.makespan;
  lines.push(`Time: about ${duration(m.expected_ms)} (80%: ${duration(m.low_ms)}–${duration(m.high_ms)}), confidence ${Math.round(estimate.confidence_score * 100)}%.`);
  if (estimate.per_backend.length > 0) {
    lines.push(
      `By backend: ${estimate.per_backend
        .map((b) => `${b.backend} ${round1(b.jobs)} jobs, ${round1(b.images)} images, ${b.expected_usd === 0 ? 'free' : usd(b.expected_usd)}`)
        .join(' · ')}`,
    );
  }
  const f = estimate.failures;
  if (f.expected_retries >= 0.5 || f.expected_fallbacks >= 0.5 || f.expected_failed_jobs >= 0.5) {
    lines.push(`From past failures: about ${round1(f.expected_retries)} retries, ${round1(f.expected_fallbacks)} fallbacks, ${round1(f.expected_failed_jobs)} failed jobs.`);
  }
  for (const check of estimate.budget) {
    const verdict = check.over ? 'OVER the cap' : check.over_worst_case ? 'within the cap unless jobs fall back' : 'within the cap';
    lines.push(
      `Budget (${check.period} ${usd(check.cap_usd)}): ${usd(check.spent_usd)} spent + ${usd(check.queued_usd)} queued + ${usd(check.batch_usd)} this batch = ${usd(check.after_usd)}, ${verdict}.`,
    );
  }
  for (const warning of estimate.warnings) lines.push(`note: ${warning}`);
  return lines;
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

/** 850 ms, 12 s, 7 min 30 s, 2 h 05 min. */
export function duration(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  const seconds = Math.round(ms / 1_000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min${seconds % 60 ? ` ${seconds % 60} s` : ''}`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}
