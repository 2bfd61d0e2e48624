import type { Config } from '../../../shared/domain/config';
import type { BudgetCheck, BudgetPeriodState, BudgetSpend, BudgetState } from '../../../shared/domain/estimate';
import type { RoutingJob } from '../backends/pool';
import type { BackendInterface } from '../backends/types';
import type { Db } from '../db/connection';
import type { EventHub } from '../events';
import { localTimeZone, startOfLocalDay, startOfLocalMonth, startOfNextLocalDay, startOfNextLocalMonth } from './local-time';
import { configuredModel, priceFor } from './prices';
import { roundSpend, SpendLedger } from './spend';

/**
 * The daily and monthly caps of `budget` in apex_config.json, enforced where jobs meet backends: the
 * cascade asks `refuse` before giving a job to a backend, and a PAID backend whose price for the job
 * would take the period's spend (billed, possibly billed and in flight) past a cap is skipped — free
 * backends (the artist's SDXL) keep working. Jobs wait in the queue; the cascade looks again at least
 * every minute and at the period's end (local midnight, the first of the month), and at once when the
 * settings change, so raising the cap or a new day resumes dispatch by itself. Counting calls in flight
 * means concurrent dispatches cannot overshoot the cap together.
 */

/** Longest the cascade waits before looking at the budget again (a cap edited in the file, clock changes). */
export const BUDGET_RECHECK_MS = 60_000;
/** Spend is cached for the cascade's many questions per pass, at most this long (another process may spend). */
const SPEND_CACHE_MS = 1_000;
/** The month's days before today are re-read at most this often (they change only when an old call settles). */
const EARLIER_DAYS_CACHE_MS = 60_000;
/** Money compares with a little slack so that $0.1 + $0.2 fits a $0.30 cap. */
const EPSILON_USD = 1e-9;

type Period = 'daily' | 'monthly';

export interface BudgetGateDeps {
  db: Db;
  config: () => Config;
  registry: ReadonlyMap<string, BackendInterface>;
  /** Where `budget.changed` goes (null: nowhere, e.g. in a short CLI command). */
  events: EventHub | null;
}

interface Committed {
  key: string;
  at: number;
  day: number;
  month: number;
}

interface Blocked {
  period: Period;
  reason: string;
  resetsAt: number;
  priceUsd: number;
}

export class BudgetGate {
  readonly spendLedger: SpendLedger;
  private readonly totalChanges;
  private cache: Committed | null = null;
  private earlier: { key: string; at: number; usd: number } | null = null;
  private blocked: Blocked | null = null;
  private lastEmitted = '';

  constructor(private readonly deps: BudgetGateDeps) {
    this.spendLedger = new SpendLedger(deps.db, deps.config, (backend) => deps.registry.get(backend)?.paid ?? true);
    this.totalChanges = deps.db.prepare<[], { n: number }>('SELECT total_changes() AS n');
  }

  /**
   * The cascade's question: may this backend take this job now? Null when it may; otherwise the reason
   * it is skipped and when to look again.
   */
  refuse(backendId: string, job: RoutingJob, now: number): { reason: string; until: number } | null {
    const config = this.deps.config();
    const { daily_usd: dailyCap, monthly_usd: monthlyCap } = config.budget;
    if (dailyCap === null && monthlyCap === null) {
      this.unblock(now);
      return null;
    }
    if (!(this.deps.registry.get(backendId)?.paid ?? false)) return null;
    const { width, height, count } = job.params;
    const price = priceFor(backendId, job.params.model ?? configuredModel(config, backendId), { width, height, count }, config, { at: now }).usd_total;
    if (price <= 0) return null;
    const committed = this.committed(now, false);
    const periods: Array<[Period, number | null, number, number]> = [
      ['daily', dailyCap, committed.day, startOfNextLocalDay(now)],
      ['monthly', monthlyCap, committed.month, startOfNextLocalMonth(now)],
    ];
    for (const [period, cap, used, resetsAt] of periods) {
      if (cap === null || used + price <= cap + EPSILON_USD) continue;
      const reason = `${period} budget of ${usd(cap)} reached (${usd(used)} spent or in flight; this job costs ${usd(price)})`;
      this.block({ period, reason, resetsAt, priceUsd: price }, now);
      return { reason, until: Math.min(resetsAt, now + BUDGET_RECHECK_MS) };
    }
    this.unblock(now);
    return null;
  }

  /** The caps against spend now; `paid_dispatch` says whether the cascade is holding paid jobs back. */
  state(now: number): BudgetState {
    const config = this.deps.config();
    const committed = this.committed(now, true);
    const period = (cap: number | null, spent: number, startsAt: number, resetsAt: number): BudgetPeriodState => ({
      cap_usd: cap,
      spent_usd: roundSpend(spent),
      remaining_usd: cap === null ? null : roundSpend(Math.max(0, cap - spent)),
      reached: cap !== null && spent >= cap - EPSILON_USD,
      starts_at: startsAt,
      resets_at: resetsAt,
    });
    return {
      time_zone: localTimeZone(),
      daily: period(config.budget.daily_usd, committed.day, startOfLocalDay(now), startOfNextLocalDay(now)),
      monthly: period(config.budget.monthly_usd, committed.month, startOfLocalMonth(now), startOfNextLocalMonth(now)),
      paid_dispatch: this.blocked ? 'stopped' : 'open',
      reason: this.blocked?.reason ?? null,
      resumes_at: this.blocked?.resetsAt ?? null,
    };
  }

  /**
   * Looks again after jobs or settings changed: a new period or a raised cap lifts the stop, and
   * `budget.changed` tells the app when anything it shows moved.
   */
  refresh(now: number): void {
    if (!this.deps.db.open) return;
    if (this.blocked) {
      const config = this.deps.config();
      const cap = this.blocked.period === 'daily' ? config.budget.daily_usd : config.budget.monthly_usd;
      const committed = this.committed(now, true);
      const used = this.blocked.period === 'daily' ? committed.day : committed.month;
      if (now >= this.blocked.resetsAt || cap === null || used + this.blocked.priceUsd <= cap + EPSILON_USD) this.blocked = null;
    }
    this.emitIfChanged(now);
  }

  spend(days: number, now: number): BudgetSpend {
    return this.spendLedger.breakdown(days, now, this.state(now));
  }

  /** A batch's expected and worst-case cost against each cap (for `estimate.batch` and the CLI). */
  check(batchUsd: number, worstUsd: number, queuedUsd: number, now: number): BudgetCheck[] {
    const config = this.deps.config();
    const committed = this.committed(now, true);
    const checks: BudgetCheck[] = [];
    const add = (period: Period, cap: number | null, spent: number) => {
      if (cap === null) return;
      const after = spent + queuedUsd + batchUsd;
      checks.push({
        period,
        cap_usd: cap,
        spent_usd: roundSpend(spent),
        queued_usd: roundSpend(queuedUsd),
        batch_usd: roundSpend(batchUsd),
        after_usd: roundSpend(after),
        over: after > cap + EPSILON_USD,
        over_worst_case: spent + queuedUsd + worstUsd > cap + EPSILON_USD,
      });
    };
    add('daily', config.budget.daily_usd, committed.day);
    add('monthly', config.budget.monthly_usd, committed.month);
    return checks;
  }

  /**
   * Spend of this local day and month, calls in flight included; cached while nothing was written. The
   * month's earlier days change only when an old call is settled, so they are re-read at most every
   * minute: a big month costs one index scan a minute, not one per dispatch.
   */
  private committed(now: number, fresh: boolean): Committed {
    const day = startOfLocalDay(now);
    const month = startOfLocalMonth(now);
    const key = `${this.totalChanges.get()?.n ?? 0}|${day}|${month}`;
    if (!fresh && this.cache && this.cache.key === key && now - this.cache.at < SPEND_CACHE_MS && now >= this.cache.at) return this.cache;
    const today = this.spendLedger.total(day, now + 1);
    this.cache = { key, at: now, day: today, month: today + this.earlierDaysOfMonth(month, day, now) };
    return this.cache;
  }

  private earlierDaysOfMonth(month: number, day: number, now: number): number {
    if (day <= month) return 0;
    const key = `${month}|${day}`;
    if (this.earlier && this.earlier.key === key && now - this.earlier.at < EARLIER_DAYS_CACHE_MS && now >= this.earlier.at) return this.earlier.usd;
    this.earlier = { key, at: now, usd: this.spendLedger.total(month, day) };
    return this.earlier.usd;
  }

  private block(blocked: Blocked, now: number): void {
    const changed = this.blocked?.reason !== blocked.reason;
    this.blocked = blocked;
    if (changed) this.emitIfChanged(now);
  }

  private unblock(now: number): void {
    if (!this.blocked) return;
    this.blocked = null;
    this.emitIfChanged(now);
  }

  private emitIfChanged(now: number): void {
    if (!this.deps.events) return;
    const state = this.state(now);
    const key = JSON.stringify(state);
    if (key === this.lastEmitted) return;
    this.lastEmitted = key;
    this.deps.events.emit('budget.changed', state);
  }
}

/** Dollars with cents, and a third decimal only when it matters ($0.067 per image, $0.35 a day). */
export function usd(value: number): string {
  const precise = value.toFixed(3);
  return `$${precise.endsWith('0') ? value.toFixed(2) : precise}`;
}
