import type { Config } from '../../../shared/domain/config';
import type { BudgetSpend, BudgetState } from '../../../shared/domain/estimate';
import { ESTIMATE_LIMITS } from '../../../shared/domain/estimate';
import type { Db } from '../db/connection';
import { localDayKey, startOfLocalDaysAgo } from './local-time';
import { priceFor } from './prices';

/**
 * Money spent, counted from attempts (one row per backend call): what each finished call was billed,
 * plus — priced by the price table of the day the call started — calls cut off by a crash, a shutdown
 * or a cancel on a paid service (they may have been billed), and paid calls still in flight (they will
 * be). A call's spend belongs to the local day and month it started in.
 */

interface PricedRow {
  backend: string;
  model: string | null;
  started_at: number;
  ended_at: number | null;
  params_json: string;
}

interface SpendRow {
  started_at: number;
  backend: string;
  cost_usd: number;
  possibly_billed: number;
  ended_at: number | null;
  model: string | null;
  project: string | null;
  params_json: string;
  images: number;
}

/** The size and image count a job asked for, as table pricing needs them; unreadable params price as one image of unknown size. */
export function paramsShape(text: string): { width: number | null; height: number | null; count: number } {
  try {
    const raw = JSON.parse(text) as { width?: unknown; height?: unknown; count?: unknown };
    const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
    return { width: num(raw.width), height: num(raw.height), count: num(raw.count) ?? 1 };
  } catch {
    return { width: null, height: null, count: 1 };
  }
}

export class SpendLedger {
  private readonly billed;
  private readonly unbilled;
  private readonly detail;

  constructor(
    db: Db,
    private readonly config: () => Config,
    private readonly isPaid: (backend: string) => boolean,
  ) {
    // Served by attempts_spend (started_at, cost_usd) alone; the two priced kinds by their partial indexes.
    this.billed = db.prepare<[number, number], { usd: number }>('SELECT COALESCE(SUM(cost_usd), 0) AS usd FROM attempts INDEXED BY attempts_spend WHERE started_at >= ? AND started_at < ?');
    this.unbilled = db.prepare<[number, number, number, number], PricedRow>(
      `SELECT a.backend, a.model, a.started_at, a.ended_at, j.params_json FROM attempts a JOIN jobs j ON j.id = a.job_id
       WHERE a.ended_at IS NULL AND a.started_at >= ? AND a.started_at < ? AND a.cost_usd = 0
       UNION ALL
       SELECT a.backend, a.model, a.started_at, a.ended_at, j.params_json FROM attempts a JOIN jobs j ON j.id = a.job_id
       WHERE a.possibly_billed = 1 AND a.started_at >= ? AND a.started_at < ? AND a.cost_usd = 0 AND a.ended_at IS NOT NULL`,
    );
    this.detail = db.prepare<[number, number], SpendRow>(
      `SELECT a.started_at, a.backend, a.cost_usd, a.possibly_billed, a.ended_at, a.model, j.project, j.params_json,
              (SELECT COUNT(*) FROM job_outputs o WHERE o.attempt_id = a.id) AS images
       FROM attempts a JOIN jobs j ON j.id = a.job_id
       WHERE a.started_at >= ? AND a.started_at < ? AND (a.cost_usd > 0 OR (a.cost_usd = 0 AND (a.ended_at IS NULL OR a.possibly_billed = 1)))`,
    );
  }

  /** What a call that has no billed cost (yet) counts for: its table price when it is (or was) a paid call. */
  private unbilledPrice(row: { backend: string; model: string | null; started_at: number; ended_at: number | null; params_json: string }, config: Config): number {
    if (row.ended_at === null && !this.isPaid(row.backend)) return 0;
    return priceFor(row.backend, row.model, paramsShape(row.params_json), config, { at: row.started_at }).usd_total;
  }

  /** Spend of calls started in [from, to): billed, possibly billed and in flight. */
  total(from: number, to: number): number {
    const config = this.config();
    let usd = this.billed.get(from, to)?.usd ?? 0;
    for (const row of this.unbilled.all(from, to, from, to)) usd += this.unbilledPrice(row, config);
    return usd;
  }

  /** `budget.spend`: the last `days` local days by day, backend and project. */
  breakdown(days: number, now: number, state: BudgetState): BudgetSpend {
    const config = this.config();
    const from = startOfLocalDaysAgo(now, days);
    const to = now + 1;
    const byDay = new Map<string, { usd: number; attempts: number }>();
    const byBackend = new Map<string, { usd: number; attempts: number; images: number }>();
    const byProject = new Map<string | null, { usd: number; attempts: number }>();
    let total = 0;
    let possiblyBilled = 0;
    for (const row of this.detail.iterate(from, to)) {
      const unbilled = row.cost_usd === 0;
      const usd = unbilled ? this.unbilledPrice(row, config) : row.cost_usd;
      if (usd <= 0) continue;
      const images = unbilled ? paramsShape(row.params_json).count : row.images;
      total += usd;
      if (unbilled && row.possibly_billed === 1) possiblyBilled += usd;
      const day = byDay.get(localDayKey(row.started_at)) ?? { usd: 0, attempts: 0 };
      day.usd += usd;
      day.attempts += 1;
      byDay.set(localDayKey(row.started_at), day);
      const backend = byBackend.get(row.backend) ?? { usd: 0, attempts: 0, images: 0 };
      backend.usd += usd;
      backend.attempts += 1;
      backend.images += images;
      byBackend.set(row.backend, backend);
      const project = byProject.get(row.project) ?? { usd: 0, attempts: 0 };
      project.usd += usd;
      project.attempts += 1;
      byProject.set(row.project, project);
    }
    const days_: BudgetSpend['by_day'] = [];
    for (let i = days - 1; i >= 0; i--) {
      const key = localDayKey(startOfLocalDaysAgo(now, i + 1));
      const day = byDay.get(key);
      days_.push({ day: key, usd: roundSpend(day?.usd ?? 0), attempts: day?.attempts ?? 0 });
    }
    return {
      state,
      from,
      to,
      total_usd: roundSpend(total),
      possibly_billed_usd: roundSpend(possiblyBilled),
      by_day: days_,
      by_backend: [...byBackend]
        .map(([backend, v]) => ({ backend: backend.slice(0, ESTIMATE_LIMITS.backendId), usd: roundSpend(v.usd), attempts: v.attempts, images: v.images }))
        .sort((a, b) => b.usd - a.usd)
        .slice(0, ESTIMATE_LIMITS.backendRows),
      by_project: [...byProject]
        .map(([project, v]) => ({ project, usd: roundSpend(v.usd), attempts: v.attempts }))
        .sort((a, b) => b.usd - a.usd)
        .slice(0, ESTIMATE_LIMITS.projectRows),
    };
  }
}

/** Reported spend keeps a thousandth of a cent: sums of per-image prices must not round away. */
export function roundSpend(usd: number): number {
  return Math.round(usd * 100_000) / 100_000;
}
