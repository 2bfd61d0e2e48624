import { describe, expect, it } from 'vitest';
import { createClient } from '../../shared/client';
import type { BatchPreview } from '../../shared/domain/batch';
import type { Accuracy, BatchEstimate, BudgetPeriodState } from '../../shared/domain/estimate';
import type { SpendHistory } from '../../shared/domain/history';
import type { Transport } from '../../shared/transport';
import type { RpcRequest, RpcResult } from '../../shared/wire';
import { fraction, niceCeiling, stackColumns, ticks } from '../../renderer/src/components/charts/chart-scale';
import {
  accuracyRows,
  backendSplit,
  budgetMeter,
  confidenceLabel,
  costRange,
  errorPercent,
  formatFromName,
  guessFormat,
  makespanRange,
  money,
  pastedName,
  span,
  spendChart,
} from '../../renderer/src/features/estimate/estimate-view';
import { createEstimateStore } from '../../renderer/src/features/estimate/estimate.store';
import { createSpendStore } from '../../renderer/src/features/estimate/spend.store';

describe('chart scaling', () => {
  it('rounds the axis up to 1, 2, 2.5 or 5 times a power of ten', () => {
    expect([0, 0.3, 0.31, 0.9, 1, 1.2, 2.2, 3, 7, 12, 0.0004].map(niceCeiling)).toEqual([0, 0.5, 0.5, 1, 1, 2, 2.5, 5, 10, 20, 0.0005]);
    expect(niceCeiling(0.1 + 0.2)).toBe(0.5);
    expect(niceCeiling(-3)).toBe(0);
    expect(niceCeiling(Number.NaN)).toBe(0);
  });

  it('spaces ticks evenly from zero', () => {
    expect(ticks(1, 4)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(ticks(0.3, 3)).toEqual([0, 0.1, 0.2, 0.3]);
    expect(ticks(0)).toEqual([0]);
  });

  it('stacks segments bottom-up inside the plot, with a visible minimum for tiny values', () => {
    const [a, b, c] = stackColumns([[1, 1], [0, 0], [0.001, 2]], 30, 100, 2, { gap: 0, minPx: 2 });
    expect(a!.segments).toEqual([
      { series: 0, value: 1, x: 0, y: 50, width: 10, height: 50 },
      { series: 1, value: 1, x: 0, y: 0, width: 10, height: 50 },
    ]);
    expect(b!.segments).toEqual([]);
    expect(b!.total).toBe(0);
    expect(c!.segments[0]).toMatchObject({ series: 0, height: 2, y: 98 });
    // Never drawn outside the plot, even when minimums push a full column over the top.
    for (const s of c!.segments) expect(s.y).toBeGreaterThanOrEqual(0);
    expect(c!.x).toBe(20);
  });

  it('clamps a meter share to [0, 1] and has none without a cap', () => {
    expect(fraction(5, 10)).toBe(0.5);
    expect(fraction(15, 10)).toBe(1);
    expect(fraction(-1, 10)).toBe(0);
    expect(fraction(3, null)).toBeNull();
    expect(fraction(0, 0)).toBe(0);
    expect(fraction(1, 0)).toBe(1);
  });
});

describe('estimate view', () => {
  it('names pasted text so the parser reads the chosen format, and knows formats from file names', () => {
    expect(pastedName('csv')).toBe('pasted.csv');
    expect(pastedName('a1111')).toBe('pasted.txt');
    expect(pastedName('jsonl')).toBe('pasted.jsonl');
    expect(formatFromName('Shots.CSV')).toBe('csv');
    expect(formatFromName('a.jsonl')).toBe('jsonl');
    expect(formatFromName('notes.md')).toBeNull();
  });

  it('guesses the format of pasted text', () => {
    expect(guessFormat('prompt,count\na,1')).toBe('csv');
    expect(guessFormat('Prompt;Steps\na;20')).toBe('csv');
    expect(guessFormat('prompt\tcount\na\t1')).toBe('tsv');
    expect(guessFormat('[{"prompt":"a"}]')).toBe('json');
    expect(guessFormat('{"defaults":{},"jobs":["a"]}')).toBe('json');
    expect(guessFormat('{"prompt":"a"}\n{"prompt":"b"}')).toBe('jsonl');
    expect(guessFormat('--prompt "castle" --steps 20')).toBe('a1111');
    expect(guessFormat('a castle at dusk\na fox')).toBe('txt');
  });

  it('formats money, ranges and durations for people', () => {
    expect(money(0)).toBe('$0.00');
    expect(money(0.039)).toBe('$0.039');
    expect(money(1234.5)).toBe('$1,234.50');
    const cost = { expected_usd: 0.5, low_usd: 0.4, high_usd: 0.7, planned_usd: 0.5, fallback_max_usd: 0.9, confirmed: true, unconfirmed_backends: [] };
    expect(costRange(cost)).toBe('$0.400 – $0.700');
    expect(costRange({ ...cost, low_usd: 0.5, high_usd: 0.5 })).toBe('$0.500');
    expect([0, 400, 45_000, 12 * 60_000, 200 * 60_000, 50 * 3_600_000].map(span)).toEqual(['0 s', '1 s', '45 s', '12 min', '3 h 20 min', '2 d 2 h']);
    expect(makespanRange({ expected_ms: 60_000, low_ms: 30_000, high_ms: 120_000 })).toBe('30 s – 2 min');
    expect(makespanRange({ expected_ms: 63_000, low_ms: 62_000, high_ms: 65_000 })).toBe('1 min');
  });

  it('grades confidence', () => {
    expect(confidenceLabel(0.85)).toEqual({ text: 'High (85%)', tone: 'ok' });
    expect(confidenceLabel(0.5)).toEqual({ text: 'Medium (50%)', tone: 'warn' });
    expect(confidenceLabel(0.1)).toEqual({ text: 'Low (10%)', tone: 'idle' });
  });

  it('shows a cap as a meter, and a spend without a cap as a figure with a pointer to Settings', () => {
    const period: BudgetPeriodState = { cap_usd: 5, spent_usd: 1.2, remaining_usd: 3.8, reached: false, starts_at: 0, resets_at: new Date(2026, 0, 2).getTime() };
    const daily = budgetMeter('daily', period);
    expect(daily).toMatchObject({ label: 'Spent today', value: 1.2, max: 5, valueText: '$1.20 of $5.00' });
    expect(daily.hint).toBe('$3.80 left · resets at 00:00');
    expect(budgetMeter('monthly', { ...period, reached: true, spent_usd: 5, remaining_usd: 0, resets_at: new Date(2026, 1, 1).getTime() }).hint).toBe('Cap reached: paid backends wait until on 1 Feb.');
    const none = budgetMeter('monthly', { ...period, cap_usd: null, remaining_usd: null });
    expect(none).toMatchObject({ label: 'Spent this month', max: null, valueText: '$1.20 · no cap' });
    expect(none.hint).toContain('Settings');
  });

  it('turns spend history into stacked series, dearest backend first, with "Other" past five', () => {
    const history: SpendHistory = {
      from: 0,
      to: 1,
      total_usd: 3.5,
      backends: ['nano_banana', 'minimax', 'imagen', 'sdxl', 'demo', 'retired'],
      days: Array.from({ length: 8 }, (_, i) => ({
        day: `2026-01-0${i + 1}`,
        usd: i === 7 ? 3.5 : 0,
        attempts: i === 7 ? 6 : 0,
        by_backend:
          i === 7
            ? [
                { backend: 'nano_banana', usd: 2 },
                { backend: 'minimax', usd: 1 },
                { backend: 'retired', usd: 0.5 },
              ]
            : [],
      })),
    };
    const chart = spendChart(history);
    expect(chart.series.map((s) => s.label)).toEqual(['Nano Banana', 'MiniMax', 'Imagen', 'SDXL (local)', 'Demo (offline)', 'Other']);
    expect(chart.series.map((s) => s.tone)).toEqual(['series-1', 'series-2', 'series-3', 'series-4', 'series-5', 'series-6']);
    expect(chart.columns).toHaveLength(8);
    expect(chart.columns[7]!.values).toEqual([2, 1, 0, 0, 0, 0.5]);
    expect(chart.columns[3]!.values.every((v) => v === 0)).toBe(true);
    // A tick on the last day and every seventh day before it.
    expect(chart.columns.map((c) => c.tick !== '')).toEqual([true, false, false, false, false, false, false, true]);
    expect(spendChart({ ...history, days: history.days.slice(0, 5) }).columns.map((c) => c.tick !== '')).toEqual([false, false, false, false, true]);
    expect(chart.empty).toBe(false);
    expect(chart.label).toContain('$3.50 in total');
    expect(chart.label).toContain('($3.50)');
    expect(spendChart({ ...history, total_usd: 0, backends: [], days: history.days.map((d) => ({ ...d, usd: 0, by_backend: [] })) })).toMatchObject({ empty: true, series: [] });
  });

  it('formats accuracy per backend with a tone, and adds an overall row when there are several', () => {
    const row = (backend: string, jobs: number, time: number | null, cost: number | null) => ({
      backend,
      jobs,
      time_mape: time,
      cost_mape: cost,
      interval_coverage: time === null ? null : 0.8,
      time_within_25_percent: null,
      cost_within_25_percent: null,
    });
    const accuracy: Accuracy = { window: 200, overall: row('all', 30, 0.3, 0.05), per_backend: [row('demo', 20, 0.12, 0), row('sdxl', 10, 0.6, null), row('imagen', 0, null, null)] };
    const rows = accuracyRows(accuracy);
    expect(rows.map((r) => [r.label, r.jobs, r.time, r.cost, r.inRange, r.tone])).toEqual([
      ['Demo (offline)', 20, '±12%', '±0%', '80%', 'ok'],
      ['SDXL (local)', 10, '±60%', '—', '80%', 'danger'],
      ['All backends', 30, '±30%', '±5%', '80%', 'warn'],
    ]);
    expect(errorPercent(0.004)).toBe('±<1%');
    expect(errorPercent(null)).toBe('—');
    expect(accuracyRows({ ...accuracy, per_backend: [row('demo', 3, null, null)] })).toHaveLength(1);
  });
});

function estimateOf(overrides: Partial<BatchEstimate> = {}): BatchEstimate {
  return {
    jobs: 3,
    images: 4,
    unroutable_jobs: 0,
    cost: { expected_usd: 0, low_usd: 0, high_usd: 0, planned_usd: 0, fallback_max_usd: 0, confirmed: true, unconfirmed_backends: [] },
    makespan: { expected_ms: 4000, low_ms: 3000, high_ms: 5000 },
    per_backend: [
      { backend: 'demo', model: null, jobs: 2.5, images: 3.4, expected_usd: 0, share: 0.75, confirmed: true },
      { backend: 'sdxl', model: null, jobs: 0.5, images: 0.6, expected_usd: 0, share: 0.25, confirmed: false },
    ],
    failures: { expected_failed_jobs: 0, expected_retries: 0, expected_fallbacks: 0 },
    estimated_cost: 0,
    estimated_time_seconds: 4,
    confidence_score: 0.5,
    simulation: { runs: 50, seed: 1, queue_ahead: 0 },
    budget: [],
    over_budget: false,
    warnings: [],
    ...overrides,
  };
}

describe('per-backend split', () => {
  it('orders backends by share and keeps small expected counts readable', () => {
    const split = backendSplit(estimateOf());
    expect(split.map((s) => [s.label, s.jobs, s.images, s.share, s.tone, s.confirmed])).toEqual([
      ['Demo (offline)', '2.5', '3.4', 0.75, 'series-1', true],
      ['SDXL (local)', '0.5', '0.6', 0.25, 'series-2', false],
    ]);
  });
});

function previewOf(jobs: number): BatchPreview {
  return {
    ok: jobs > 0,
    expansion: { mode: 'random', seed: 4242, variants: 1, max_jobs: 10_000 },
    totals: { files: 1, rows: jobs, bad_rows: 0, jobs, images: jobs, errors: 0, warnings: 0 },
    files: [],
    prompts: [],
    issues: [],
    issues_truncated: false,
    routing: { backends: [], unroutable: { jobs: 0, images: 0, reasons: [] } },
    cost: { usd: 0, basis: 'price_per_image' },
  };
}

/** An in-memory transport: answers each method from the script and records the requests. */
function scripted(answer: (request: RpcRequest) => Promise<RpcResult> | RpcResult) {
  const requests: RpcRequest[] = [];
  const transport: Transport = {
    async request(request) {
      requests.push(request);
      return answer(request);
    },
    onEvent: () => () => undefined,
  };
  return { client: createClient(transport, { validate: true }), requests };
}

describe('estimate store', () => {
  it('previews, then estimates the same text with the preview seed and bad rows skipped', async () => {
    const { client, requests } = scripted((r) => (r.method === 'batch.preview' ? { ok: true, value: previewOf(3) } : { ok: true, value: { estimate: estimateOf(), skipped_rows: 0 } }));
    const store = createEstimateStore(client);
    store.getState().setText('prompt,count\na,1\nb,1\nc,2\n');
    expect(store.getState().format).toBe('csv');
    await store.getState().run();
    expect(requests.map((r) => r.method)).toEqual(['batch.preview', 'estimate.files']);
    expect(requests[1]!.input).toEqual({ sources: [{ name: 'pasted.csv', text: 'prompt,count\na,1\nb,1\nc,2\n' }], seed: 4242, skip_bad_rows: true });
    expect(store.getState()).toMatchObject({ phase: 'done', stale: false, result: { skipped_rows: 0 } });
    store.getState().setText('changed');
    expect(store.getState().stale).toBe(true);
  });

  it('uses a loaded file name, skips the estimate when nothing would be queued, and keeps the format the artist picked', async () => {
    const { client, requests } = scripted(() => ({ ok: true, value: previewOf(0) }));
    const store = createEstimateStore(client);
    await store.getState().loadFile('shots.jsonl', '# nothing');
    expect(store.getState()).toMatchObject({ format: 'jsonl', fileName: 'shots.jsonl', phase: 'done', result: { estimate: null } });
    expect(requests.map((r) => r.method)).toEqual(['batch.preview']);
    expect((requests[0]!.input as { sources: Array<{ name: string }> }).sources[0]!.name).toBe('shots.jsonl');
    store.getState().setFormat('txt');
    store.getState().setText('prompt,count');
    expect(store.getState()).toMatchObject({ format: 'txt', fileName: null });
  });

  it('drops an answer for text that has since been re-estimated', async () => {
    let release: (() => void) | null = null;
    const { client } = scripted(async (r) => {
      if (r.method === 'batch.preview' && (r.input as { sources: Array<{ text: string }> }).sources[0]!.text === 'old') {
        await new Promise<void>((done) => (release = done));
        return { ok: true, value: previewOf(7) };
      }
      return r.method === 'batch.preview' ? { ok: true, value: previewOf(1) } : { ok: true, value: { estimate: estimateOf({ jobs: 1 }), skipped_rows: 0 } };
    });
    const store = createEstimateStore(client);
    store.getState().setText('old');
    const first = store.getState().run();
    store.getState().setText('new');
    await store.getState().run();
    release!();
    await first;
    expect(store.getState().preview?.totals.jobs).toBe(1);
    expect(store.getState().result?.estimate?.jobs).toBe(1);
  });

  it('reports where a failure happened', async () => {
    const { client } = scripted((r) => (r.method === 'batch.preview' ? { ok: true, value: previewOf(2) } : { ok: false, error: { code: 'INTERNAL', message: 'boom', details: { incidentId: 'inc-1' } } }));
    const store = createEstimateStore(client);
    store.getState().setText('a\nb');
    await store.getState().run();
    expect(store.getState()).toMatchObject({ phase: 'error', errorAt: 'estimate', error: { message: 'boom', incidentId: 'inc-1' } });
  });
});

describe('spend store', () => {
  it('moves the meters on budget.changed at once, and reloads everything once after a burst of job changes', async () => {
    const state = (spent: number) => ({
      time_zone: 'UTC',
      daily: { cap_usd: 5, spent_usd: spent, remaining_usd: 5 - spent, reached: false, starts_at: 0, resets_at: 1 },
      monthly: { cap_usd: null, spent_usd: spent, remaining_usd: null, reached: false, starts_at: 0, resets_at: 1 },
      paid_dispatch: 'open' as const,
      reason: null,
      resumes_at: null,
    });
    const listeners = new Set<(m: { name: string; payload: unknown }) => void>();
    const calls: string[] = [];
    const transport: Transport = {
      async request(request): Promise<RpcResult> {
        calls.push(request.method);
        switch (request.method) {
          case 'budget.spend':
            return { ok: true, value: { state: state(1), from: 0, to: 1, total_usd: 1, possibly_billed_usd: 0, by_day: [], by_backend: [], by_project: [] } };
          case 'budget.history':
            return { ok: true, value: { from: 0, to: 1, days: [], backends: [], total_usd: 1 } };
          case 'estimate.accuracy':
            return { ok: true, value: { window: 200, overall: { backend: 'all', jobs: 0, time_mape: null, cost_mape: null, interval_coverage: null, time_within_25_percent: null, cost_within_25_percent: null }, per_backend: [] } };
          default:
            return { ok: true, value: { table_version: 't', effective_from: '2026-01-01', rows: [], overrides: [], effective: [] } };
        }
      },
      onEvent(listener) {
        listeners.add(listener as never);
        return () => listeners.delete(listener as never);
      },
    };
    const store = createSpendStore(createClient(transport, { validate: true }), { reloadDelayMs: 20 });
    const stop = store.getState().start();
    await new Promise((r) => setTimeout(r, 5));
    expect(store.getState()).toMatchObject({ phase: 'ready', budget: { daily: { spent_usd: 1 } } });
    expect(calls.sort()).toEqual(['budget.history', 'budget.spend', 'estimate.accuracy', 'estimate.prices']);
    calls.length = 0;
    for (const l of listeners) l({ name: 'budget.changed', payload: state(2.5) });
    expect(store.getState().budget?.daily.spent_usd).toBe(2.5);
    for (let i = 0; i < 5; i++) for (const l of listeners) l({ name: 'jobs.changed', payload: { ids: [i + 1], batch_ids: [], all: false } });
    await new Promise((r) => setTimeout(r, 60));
    expect(calls.filter((m) => m === 'budget.spend')).toHaveLength(1);
    stop();
    expect(listeners.size).toBe(0);
  });
});
