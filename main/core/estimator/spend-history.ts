import type { Config } from '../../../shared/domain/config';
import { ESTIMATE_LIMITS } from '../../../shared/domain/estimate';
import type { SpendDay, SpendHistory } from '../../../shared/domain/history';
import type { Db } from '../db/connection';
import { localDayKey, startOfLocalDaysAgo } from './local-time';
import { priceFor } from './prices';
import { paramsShape, roundSpend } from './spend';

/**
 * `budget.history`: spend per local day, split by backend, for the Estimate panel's chart. It counts what
 * `budget.spend` counts (SpendLedger, spend.ts) by the same rules, so the chart's bars add up to the total
 * next to it: a finished call's billed cost; at table prices, a call with no billed cost that is still in
 * flight on a paid service or was cut off and may have been billed. A call belongs to the local day it
 * started in.
 */

/** Calls with no billed cost that count anyway: in flight (if paid), or cut off and possibly billed. */
interface UnbilledRow {
  started_at: number;
  backend: string;
  possibly_billed: number;
  ended_at: number | null;
  model: string | null;
  params_json: string;
}

/**
 * Billed calls are summed in SQLite per backend and quarter hour. Every time zone's offset is a whole
 * number of quarter hours, so local midnight always falls on a quarter-hour edge: each slot lies inside
 * one local day, and the days come out exactly as SpendLedger's per-call localDayKey gives them.
 */
const SLOT_MS = 15 * 60_000;

export class SpendHistoryReader {
  private readonly billed;
  private readonly unbilled;

  constructor(
    db: Db,
    private readonly config: () => Config,
    private readonly isPaid: (backend: string) => boolean,
  ) {
    this.billed = db.prepare<[number, number, number], { slot: number; backend: string; usd: number; n: number }>(
      `SELECT CAST(started_at / ? AS INTEGER) AS slot, backend, SUM(cost_usd) AS usd, COUNT(*) AS n FROM attempts
       WHERE started_at >= ? AND started_at < ? AND cost_usd > 0 GROUP BY slot, backend`,
    );
    // The rows SpendLedger prices by table (its partial indexes serve both halves).
    this.unbilled = db.prepare<[number, number, number, number], UnbilledRow>(
      `SELECT a.started_at, a.backend, a.possibly_billed, a.ended_at, a.model, j.params_json FROM attempts a JOIN jobs j ON j.id = a.job_id
       WHERE a.ended_at IS NULL AND a.started_at >= ? AND a.started_at < ? AND a.cost_usd = 0
       UNION ALL
       SELECT a.started_at, a.backend, a.possibly_billed, a.ended_at, a.model, j.params_json FROM attempts a JOIN jobs j ON j.id = a.job_id
       WHERE a.possibly_billed = 1 AND a.started_at >= ? AND a.started_at < ? AND a.cost_usd = 0 AND a.ended_at IS NOT NULL`,
    );
  }

  read(days: number, now: number): SpendHistory {
    const config = this.config();
    const from = startOfLocalDaysAgo(now, days);
    const to = now + 1;
    // starts[i] is the local midnight that opens day i (oldest first); DST days are 23 or 25 hours long.
    const starts = Array.from({ length: days }, (_, i) => startOfLocalDaysAgo(now, days - i));
    const dayOf = (at: number): number => {
      let lo = 0;
      let hi = starts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (starts[mid]! <= at) lo = mid;
        else hi = mid - 1;
      }
      return lo;
    };
    const perDay = starts.map(() => ({ usd: 0, attempts: 0, backends: new Map<string, number>() }));
    const byBackend = new Map<string, number>();
    const add = (at: number, backend: string, usd: number, attempts: number) => {
      const day = perDay[dayOf(at)]!;
      day.usd += usd;
      day.attempts += attempts;
      day.backends.set(backend, (day.backends.get(backend) ?? 0) + usd);
      byBackend.set(backend, (byBackend.get(backend) ?? 0) + usd);
    };
    for (const row of this.billed.all(SLOT_MS, from, to)) add(row.slot * SLOT_MS, row.backend, row.usd, row.n);
    for (const row of this.unbilled.all(from, to, from, to)) {
      const usd = this.unbilledPrice(row, config);
      if (usd > 0) add(row.started_at, row.backend, usd, 1);
    }
    const order = [...byBackend]
      .sort((a, b) => b[1] - a[1])
      .map(([backend]) => backend)
      .slice(0, ESTIMATE_LIMITS.backendRows);
    const list: SpendDay[] = starts.map((start, i) => {
      const day = perDay[i]!;
      return {
        day: localDayKey(start),
        usd: roundSpend(day.usd),
        attempts: day.attempts,
        by_backend: order.filter((b) => day.backends.has(b)).map((backend) => ({ backend: backend.slice(0, ESTIMATE_LIMITS.backendId), usd: roundSpend(day.backends.get(backend)!) })),
      };
    });
    const total = [...byBackend.values()].reduce((a, b) => a + b, 0);
    return { from, to, days: list, backends: order.map((b) => b.slice(0, ESTIMATE_LIMITS.backendId)), total_usd: roundSpend(total) };
  }

  /** As SpendLedger: a call without a billed cost counts at its table price when it is (or was) a paid call. */
  private unbilledPrice(row: UnbilledRow, config: Config): number {
    if (row.ended_at === null && !this.isPaid(row.backend)) return 0;
    return priceFor(row.backend, row.model, paramsShape(row.params_json), config, { at: row.started_at }).usd_total;
  }
}
