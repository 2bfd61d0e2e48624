import type { BatchIssue, BatchPreview } from '../../../../shared/domain/batch';
import type { BatchEstimate, BudgetCheck, BudgetState } from '../../../../shared/domain/estimate';
import { duration, plural, usd } from '../../lib/format';

/** Words for the preview dialog, kept out of the components so they can be tested. */

/** Money in sentences about budgets: `$0.00`, never "Free" (nothing spent is not a price). */
export function dollars(amount: number): string {
  return amount > 0 && amount < 0.1 ? `$${amount.toFixed(3)}` : `$${amount.toFixed(2)}`;
}

export const FORMAT_LABELS: Record<string, string> = {
  txt: 'Prompt lines',
  a1111: 'A1111 prompt lines',
  csv: 'CSV / TSV table',
  json: 'JSON',
  jsonl: 'JSON lines',
};

/** `shots/a.csv:12:4 · seed` — where a problem is, as the CLI prints it. */
export function issueLocation(issue: BatchIssue): string {
  let where = issue.file;
  if (issue.line !== null) where += `:${issue.line}`;
  if (issue.line !== null && issue.column !== null) where += `:${issue.column}`;
  return issue.field ? `${where} · ${issue.field}` : where;
}

export type QueueVerdict =
  | { kind: 'ready'; jobs: number }
  | { kind: 'skip-offer'; goodJobs: number; badRows: number }
  | { kind: 'blocked'; reason: string };

/**
 * Whether Queue can be pressed, and if not why. A file with errors queues nothing unless the artist chooses
 * to leave its bad rows out (batch.submit's skip_bad_rows); a batch-wide error (the job cap) or a file
 * that cannot be read at all leaves nothing to offer.
 */
export function queueVerdict(preview: BatchPreview, skipBadRows: boolean): QueueVerdict {
  if (preview.ok && preview.totals.jobs > 0) return { kind: 'ready', jobs: preview.totals.jobs };
  const batchError = preview.issues.find((issue) => issue.severity === 'error' && issue.scope === 'batch');
  if (batchError) return { kind: 'blocked', reason: `Nothing can be queued: ${batchError.reason}` };
  if (preview.totals.jobs === 0) {
    return {
      kind: 'blocked',
      reason: preview.totals.errors > 0 ? 'Nothing can be queued: every row has an error. Fix the file and drop it again.' : 'Nothing to queue: the files hold no prompts.',
    };
  }
  if (!skipBadRows) return { kind: 'skip-offer', goodJobs: preview.totals.jobs, badRows: preview.totals.bad_rows };
  return { kind: 'blocked', reason: 'Nothing can be queued: fix the errors above and drop the files again.' };
}

export function costLine(estimate: BatchEstimate): string {
  const { cost } = estimate;
  if (cost.high_usd === 0) return 'Free';
  if (cost.low_usd === cost.high_usd) return usd(cost.expected_usd);
  return `${usd(cost.low_usd)} – ${usd(cost.high_usd)}`;
}

export function costBasis(estimate: BatchEstimate): string {
  if (estimate.cost.high_usd === 0 && estimate.cost.fallback_max_usd === 0) return 'every job goes to a free backend';
  const parts = [`expected ${usd(estimate.cost.expected_usd)} over ${plural(estimate.simulation.runs, 'simulated run')}`, `planned ${usd(estimate.cost.planned_usd)}`];
  if (estimate.cost.fallback_max_usd > estimate.cost.planned_usd) parts.push(`up to ${usd(estimate.cost.fallback_max_usd)} if jobs fall back`);
  if (!estimate.cost.confirmed) parts.push(`unconfirmed prices: ${estimate.cost.unconfirmed_backends.join(', ')}`);
  return parts.join(' · ');
}

export function timeLine(estimate: BatchEstimate): string {
  const { makespan } = estimate;
  return `about ${duration(makespan.expected_ms / 1000)} (${duration(makespan.low_ms / 1000)} – ${duration(makespan.high_ms / 1000)}, 80% range)`;
}

/** The cap a batch would pass: the daily one first, since it bites first. */
export function overCheck(estimate: BatchEstimate | null): BudgetCheck | null {
  if (!estimate?.over_budget) return null;
  return estimate.budget.find((check) => check.over && check.period === 'daily') ?? estimate.budget.find((check) => check.over) ?? null;
}

export function periodWord(period: BudgetCheck['period']): string {
  return period === 'daily' ? 'today' : 'this month';
}

/** The confirmation's sentence: the cap, the spend so far, what is queued and the estimate. */
export function overBudgetSentence(check: BudgetCheck): string {
  const queued = check.queued_usd > 0 ? `, ${dollars(check.queued_usd)} is already queued` : '';
  return (
    `The ${check.period} budget is ${dollars(check.cap_usd)}. ${dollars(check.spent_usd)} is spent ${periodWord(check.period)}${queued}, ` +
    `and this batch is estimated at ${dollars(check.batch_usd)}, which would take it to ${dollars(check.after_usd)}.`
  );
}

export function budgetStateLine(state: BudgetState, period: 'daily' | 'monthly'): string {
  const p = state[period];
  const when = period === 'daily' ? 'today' : 'this month';
  if (p.cap_usd === null) return `${dollars(p.spent_usd)} spent ${when}, no cap`;
  return `${dollars(p.spent_usd)} of ${dollars(p.cap_usd)} spent ${when}`;
}
