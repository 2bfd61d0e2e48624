import { BACKEND_IDS, type BackendId, type Config } from '../../../shared/domain/config';
import type { Accuracy, BatchEstimate, EstimateBatchInput, JobEstimate, PriceQuote, PriceTable, TimeEstimate } from '../../../shared/domain/estimate';
import { ESTIMATE_LIMITS } from '../../../shared/domain/estimate';
import type { JobConstraints, JobInput, JobParams } from '../../../shared/domain/jobs';
import type { RoutingJob } from '../backends/pool';
import type { BackendInterface } from '../backends/types';
import type { Db } from '../db/connection';
import { hasRequiredCredential, type CredentialSource } from '../ports';
import { normalizeJob, type NormalizedJob } from '../queue/normalize-job';
import { AccuracyLedger, DEFAULT_ACCURACY_WINDOW, type BandHits } from './accuracy';
import type { BudgetGate } from './budget';
import { failureModel, type FailureModel } from './failure-model';
import { EstimatorHistory } from './history';
import { Planner } from './planner';
import { configuredModel, describePriceTable, priceFor } from './prices';
import { defaultRuns, simulate, type SimJob, type SimRunning } from './simulate';
import { roundSpend } from './spend';
import { bandConfidence, fitTimeModel, INTERVAL_COVERAGE, timePrior, type FittedTimeModel, type TimeFeatures } from './time-model';

/**
 * The estimator: what a job or a batch will cost and how long it will take, before anything is sent
 * (DESIGN §1 `estimator/`, issue 7). It prices with `priceFor`, times with models learned from every
 * finished attempt, routes with the real cascade, and simulates the queue for batches. Queued jobs get
 * their estimate stored (`forQueue`) so the accuracy loop can score it later.
 */

/** Jobs already queued that a batch simulation takes into account (beyond that the estimate says so). */
export const MAX_QUEUE_AHEAD = 20_000;
/** The simulation's seed when the caller gives none: the same batch gets the same figures. */
export const DEFAULT_SIMULATION_SEED = 20_260_528;
/** Chance that a job's cost lands within ±25% of its estimate, before the accuracy loop has evidence. */
const COST_CONFIDENCE_CONFIRMED = 0.97;
const COST_CONFIDENCE_UNCONFIRMED = 0.6;
const COST_CONFIDENCE_PRIOR_JOBS = 5;
/** A running job past its expected time is assumed to need this share of it again. */
const OVERDUE_REMAINING_SHARE = 0.1;

/** What a job stores when it is queued (migration 0040). */
export interface StoredEstimate {
  cost_usd: number | null;
  ms: number | null;
  low_ms: number | null;
  high_ms: number | null;
  backend: string | null;
}

export interface EstimatorDeps {
  db: Db;
  config: () => Config;
  registry: ReadonlyMap<string, BackendInterface>;
  credentials: CredentialSource;
  budget: BudgetGate;
  /** Whether the queue is paused (batch estimates then warn that nothing runs until it resumes). */
  paused?: () => boolean;
  clock?: () => number;
}

/** The fields of a job the estimator looks at (a normalized job, or one read back from the queue). */
interface EstimableJob {
  prompt: string;
  negative_prompt: string | null;
  params: JobParams;
  priority: number;
  pinned_backend: string | null;
  constraints: JobConstraints;
}

function routingOf(job: EstimableJob): RoutingJob {
  return { params: job.params, negative_prompt: job.negative_prompt, prompt: job.prompt, pinned_backend: job.pinned_backend, constraints: job.constraints };
}

function featuresOf(job: EstimableJob): TimeFeatures {
  return { megapixels: (job.params.width * job.params.height) / 1_000_000, steps: job.params.steps, images: job.params.count, prompt_chars: job.prompt.length };
}

/** One estimate's worth of caches: a snapshot of settings, credentials and history. */
class EstimationContext {
  readonly planner: Planner;
  private readonly quotes = new Map<string, PriceQuote>();
  private readonly failureModels = new Map<string, FailureModel>();
  private hits: Map<string, BandHits> | null = null;

  constructor(
    readonly config: Config,
    readonly now: number,
    registry: ReadonlyMap<string, BackendInterface>,
    credentialed: ReadonlySet<string>,
    private readonly models: (backend: string, model: string | null) => FittedTimeModel,
    private readonly history: EstimatorHistory,
    private readonly accuracy: AccuracyLedger,
  ) {
    this.planner = new Planner(config, registry, credentialed, now);
  }

  /** The model the orchestrator would ask this backend for. */
  modelFor(job: EstimableJob, backend: string): string | null {
    return job.params.model ?? configuredModel(this.config, backend);
  }

  price(job: EstimableJob, backend: string): PriceQuote {
    const model = this.modelFor(job, backend);
    const key = `${backend}|${model ?? ''}|${job.params.width}|${job.params.height}|${job.params.count}`;
    let quote = this.quotes.get(key);
    if (!quote) {
      quote = priceFor(backend, model, { width: job.params.width, height: job.params.height, count: job.params.count }, this.config, { at: this.now });
      this.quotes.set(key, quote);
    }
    return quote;
  }

  timeModel(job: EstimableJob, backend: string): FittedTimeModel {
    return this.models(backend, this.modelFor(job, backend));
  }

  expectedMs(job: EstimableJob, backend: string): number {
    return this.timeModel(job, backend).predict(featuresOf(job));
  }

  failures(backend: string): FailureModel {
    let model = this.failureModels.get(backend);
    if (!model) {
      const seen = this.history.outcomes(backend, this.now);
      model = failureModel(backend, seen.counts, seen.failedMs);
      this.failureModels.set(backend, model);
    }
    return model;
  }

  /** Chances that time and cost land within ±25%: held-out history plus the accuracy loop's real outcomes. */
  confidence(job: EstimableJob, backend: string): { time: number; cost: number; overall: number } {
    this.hits ??= this.accuracy.hitsByBackend(DEFAULT_ACCURACY_WINDOW);
    const seen = this.hits.get(backend) ?? { timeHits: 0, timeTrials: 0, costHits: 0, costTrials: 0 };
    const model = this.timeModel(job, backend);
    const time = bandConfidence(model.within_band + seen.timeHits, model.ratios.length + seen.timeTrials);
    const prior = this.price(job, backend).confirmed ? COST_CONFIDENCE_CONFIRMED : COST_CONFIDENCE_UNCONFIRMED;
    const cost = (seen.costHits + COST_CONFIDENCE_PRIOR_JOBS * prior) / (seen.costTrials + COST_CONFIDENCE_PRIOR_JOBS);
    return { time, cost, overall: time * cost };
  }

  timeEstimate(job: EstimableJob, backend: string): TimeEstimate {
    const model = this.timeModel(job, backend);
    const expected = model.predict(featuresOf(job));
    const { low_ms, high_ms } = model.interval(expected);
    return {
      expected_ms: Math.round(expected),
      low_ms: Math.round(low_ms),
      high_ms: Math.round(high_ms),
      interval: INTERVAL_COVERAGE as 0.8,
      samples: model.samples,
      source: model.samples > 0 ? 'history' : 'defaults',
      confidence: this.confidence(job, backend).time,
    };
  }
}

interface QueuedRow {
  id: number;
  prompt: string;
  negative_prompt: string | null;
  params_json: string;
  priority: number;
  pinned_backend: string | null;
  constraints_json: string | null;
}

export class Estimator {
  private credentialed: ReadonlySet<string> = new Set();
  private readonly history: EstimatorHistory;
  private readonly accuracyLedger: AccuracyLedger;
  private readonly models = new Map<string, FittedTimeModel>();
  private modelsVersion = '';
  private readonly clock: () => number;
  private readonly selectQueued;
  private readonly selectRunning;
  private readonly selectQueuedCost;
  private readonly selectMaxJobId;

  constructor(private readonly deps: EstimatorDeps) {
    this.clock = deps.clock ?? Date.now;
    this.history = new EstimatorHistory(deps.db);
    this.accuracyLedger = new AccuracyLedger(deps.db);
    this.selectQueued = deps.db.prepare<[number], QueuedRow>(
      `SELECT id, prompt, negative_prompt, params_json, priority, pinned_backend, constraints_json FROM jobs INDEXED BY jobs_dispatch
       WHERE status = 'queued' ORDER BY priority DESC, id LIMIT ?`,
    );
    this.selectRunning = deps.db.prepare<[], QueuedRow & { backend: string; started_at: number }>(
      `SELECT j.id, j.prompt, j.negative_prompt, j.params_json, j.priority, j.pinned_backend, j.constraints_json, a.backend, a.started_at
       FROM jobs j JOIN attempts a ON a.job_id = j.id AND a.ended_at IS NULL WHERE j.status = 'running'`,
    );
    this.selectQueuedCost = deps.db.prepare<[], { usd: number }>("SELECT COALESCE(SUM(estimated_cost), 0) AS usd FROM jobs WHERE status IN ('queued','held')");
    this.selectMaxJobId = deps.db.prepare<[], { id: number | null }>('SELECT MAX(id) AS id FROM jobs');
  }

  /** Re-reads which backends have what they need to be called (keychain or environment). */
  async refreshCredentials(): Promise<void> {
    const ids = await Promise.all(
      [...this.deps.registry.keys()].map(async (id) =>
        (BACKEND_IDS as readonly string[]).includes(id) && (await hasRequiredCredential(this.deps.credentials, id as BackendId)) ? id : null,
      ),
    );
    this.credentialed = new Set(ids.filter((id): id is string => id !== null));
  }

  /** `estimate.job`, named after the original APEX `estimate_generation`: one job's cost, time and confidence. */
  estimateGeneration(input: JobInput): JobEstimate {
    const ctx = this.context();
    return this.jobEstimate(ctx, normalizeJob(input, {}, () => 0));
  }

  /** The estimate each new job stores (JobStore's hook): its first-choice backend's time and price. */
  forQueue(jobs: readonly NormalizedJob[]): StoredEstimate[] {
    const ctx = this.context();
    return jobs.map((job) => {
      const backend = ctx.planner.cascade(routingOf(job)).order[0];
      if (backend === undefined) return { cost_usd: null, ms: null, low_ms: null, high_ms: null, backend: null };
      const time = ctx.timeEstimate(job, backend);
      return { cost_usd: ctx.price(job, backend).usd_total, ms: time.expected_ms, low_ms: time.low_ms, high_ms: time.high_ms, backend };
    });
  }

  accuracy(input: { last?: number | undefined; backend?: string | undefined } | undefined): Accuracy {
    return this.accuracyLedger.report(input?.last ?? DEFAULT_ACCURACY_WINDOW, input?.backend);
  }

  prices(): PriceTable {
    return describePriceTable(this.deps.config(), this.clock());
  }

  /** `estimate.batch`: the queue simulated working the batch (see simulate.ts). */
  estimateBatch(input: EstimateBatchInput): BatchEstimate {
    const ctx = this.context();
    const now = ctx.now;
    const warnings: string[] = [];
    const batch = input.jobs.map((job) => normalizeJob(job, input.defaults ?? {}, () => 0));

    // Jobs already in the queue run first (by priority, then submission), and running ones hold slots.
    const ahead: EstimableJob[] = [];
    const aheadIds: number[] = [];
    const running: SimRunning[] = [];
    if (input.include_queue !== false) {
      for (const row of this.selectQueued.all(MAX_QUEUE_AHEAD + 1)) {
        ahead.push(fromRow(row));
        aheadIds.push(row.id);
      }
      if (ahead.length > MAX_QUEUE_AHEAD) {
        ahead.pop();
        aheadIds.pop();
        warnings.push(`Only the first ${MAX_QUEUE_AHEAD.toLocaleString('en-US')} jobs already queued were simulated ahead of this batch.`);
      }
      for (const row of this.selectRunning.all()) {
        const job = fromRow(row);
        const expected = ctx.expectedMs(job, row.backend);
        const elapsed = Math.max(0, now - row.started_at);
        running.push({ backend: row.backend, remainingMs: elapsed < expected ? expected - elapsed : expected * OVERDUE_REMAINING_SHARE });
      }
    }
    const firstNewId = (this.selectMaxJobId.get()?.id ?? 0) + 1;
    const all: Array<{ job: EstimableJob; seq: number; inBatch: boolean }> = [
      ...ahead.map((job, i) => ({ job, seq: aheadIds[i]!, inBatch: false })),
      ...batch.map((job, i) => ({ job, seq: firstNewId + i, inBatch: true })),
    ].sort((a, b) => (a.job.priority !== b.job.priority ? b.job.priority - a.job.priority : a.seq - b.seq));

    let planned = 0;
    let fallbackMax = 0;
    let images = 0;
    const unconfirmed = new Set<string>();
    const representative = new Map<string, EstimableJob>();
    const simJobs: SimJob[] = all.map(({ job, seq, inBatch }) => {
      const routing = routingOf(job);
      const cascade = ctx.planner.cascade(routing);
      if (inBatch) {
        images += job.params.count;
        const first = cascade.order[0];
        if (first !== undefined) planned += ctx.price(job, first).usd_total;
        fallbackMax += cascade.order.reduce((max, backend) => Math.max(max, ctx.price(job, backend).usd_total), 0);
        for (const backend of cascade.order) {
          if (!representative.has(backend)) representative.set(backend, job);
          if (!ctx.price(job, backend).confirmed) unconfirmed.add(backend);
        }
      }
      return {
        routing,
        priority: job.priority,
        seq,
        inBatch,
        images: job.params.count,
        signature: ctx.planner.signature(routing),
        fallbackOnBlock: job.constraints.fallback_on_block === true,
        planned: cascade.order[0] ?? null,
      };
    });
    const jobsAt = all.map((entry) => entry.job);
    // Per backend, per job: filled on first use (most jobs only ever meet their first-choice backend).
    const perJob = (caches: Map<string, Float64Array>, backend: string, index: number, compute: () => number): number => {
      let cache = caches.get(backend);
      if (!cache) {
        cache = new Float64Array(jobsAt.length).fill(Number.NaN);
        caches.set(backend, cache);
      }
      if (Number.isNaN(cache[index]!)) cache[index] = compute();
      return cache[index]!;
    };
    const expectedCache = new Map<string, Float64Array>();
    const priceCache = new Map<string, Float64Array>();
    const runs = input.runs ?? defaultRuns(simJobs.length);
    const seed = input.seed ?? DEFAULT_SIMULATION_SEED;
    const summary = simulate(
      simJobs,
      running,
      {
        config: ctx.config,
        registry: this.deps.registry,
        credentialed: this.credentialed,
        expectedMs: (index, backend) => perJob(expectedCache, backend, index, () => ctx.expectedMs(jobsAt[index]!, backend)),
        drawMs: (index, backend, expected, random) => ctx.timeModel(jobsAt[index]!, backend).draw(expected, random),
        drawSpeed: (backend, random) => ctx.timeModel(representative.get(backend) ?? jobsAt[0]!, backend).drawSpeed(random),
        failures: (backend) => ctx.failures(backend),
        priceUsd: (index, backend) => perJob(priceCache, backend, index, () => ctx.price(jobsAt[index]!, backend).usd_total),
      },
      { runs, seed },
    );

    const totalJobs = batch.length;
    const perBackend = [...summary.perBackend]
      .map(([backend, tally]) => {
        const job = representative.get(backend) ?? batch[0]!;
        return {
          backend,
          model: ctx.modelFor(job, backend),
          jobs: round3(tally.jobs),
          images: round3(tally.images),
          expected_usd: roundSpend(tally.usd),
          share: Math.min(1, totalJobs === 0 ? 0 : tally.jobs / totalJobs),
          confirmed: ctx.price(job, backend).confirmed,
        };
      })
      .sort((a, b) => b.jobs - a.jobs);
    for (const row of perBackend) if (!row.confirmed) unconfirmed.add(row.backend);

    let confidence = 0;
    for (const row of perBackend) confidence += row.share * ctx.confidence(representative.get(row.backend) ?? batch[0]!, row.backend).overall;
    const unroutable = Math.round(summary.unroutable);

    const expectedUsd = roundSpend(summary.usd.mean);
    const budget = this.deps.budget.check(expectedUsd, Math.max(fallbackMax, summary.usd.p90), this.selectQueuedCost.get()?.usd ?? 0, now);
    if (unroutable > 0) {
      const reason = batch.map((job) => ctx.planner.cascade(routingOf(job))).find((c) => c.order.length === 0)?.reason;
      warnings.push(`${unroutable} job(s) cannot go to any backend${reason ? `: ${reason}` : ''}`);
    }
    if (unconfirmed.size > 0) warnings.push(`Prices not confirmed against the provider's price page: ${[...unconfirmed].join(', ')}. Set backends.<id>.cost_per_image if you know the real price.`);
    for (const row of perBackend) {
      const model = ctx.timeModel(representative.get(row.backend) ?? batch[0]!, row.backend);
      if (model.samples === 0) warnings.push(`No finished calls on ${row.backend} yet: its times are default guesses until it has run some jobs.`);
    }
    for (const check of budget) {
      if (check.over) warnings.push(`This batch would take the ${check.period} spend to $${check.after_usd.toFixed(2)}, past the cap of $${check.cap_usd.toFixed(2)}.`);
      else if (check.over_worst_case) warnings.push(`If jobs fall back to pricier backends, the ${check.period} cap of $${check.cap_usd.toFixed(2)} could be passed.`);
    }
    if (this.deps.paused?.() === true) warnings.push('The queue is paused: nothing runs until it is resumed.');

    return {
      jobs: totalJobs,
      images,
      unroutable_jobs: unroutable,
      cost: {
        expected_usd: expectedUsd,
        low_usd: roundSpend(summary.usd.p10),
        high_usd: roundSpend(summary.usd.p90),
        planned_usd: roundSpend(planned),
        fallback_max_usd: roundSpend(fallbackMax),
        confirmed: unconfirmed.size === 0,
        unconfirmed_backends: [...unconfirmed].slice(0, 16),
      },
      makespan: { expected_ms: Math.round(summary.makespan.p50), low_ms: Math.round(summary.makespan.p10), high_ms: Math.round(summary.makespan.p90) },
      per_backend: perBackend.slice(0, 16),
      failures: {
        expected_failed_jobs: round3(summary.failedJobs),
        expected_retries: round3(summary.retries),
        expected_fallbacks: round3(summary.fallbacks),
      },
      estimated_cost: expectedUsd,
      estimated_time_seconds: Math.round(summary.makespan.p50) / 1000,
      confidence_score: Math.min(1, Math.max(0, confidence)),
      simulation: { runs: summary.runs, seed, queue_ahead: ahead.length + running.length },
      budget,
      over_budget: budget.some((check) => check.over),
      warnings: warnings.slice(0, ESTIMATE_LIMITS.warnings).map((w) => w.slice(0, ESTIMATE_LIMITS.text)),
    };
  }

  private jobEstimate(ctx: EstimationContext, job: EstimableJob): JobEstimate {
    const cascade = ctx.planner.cascade(routingOf(job));
    const skipped = cascade.skipped.slice(0, 16).map((s) => ({ backend: s.backend, reason: s.reason.slice(0, ESTIMATE_LIMITS.text) }));
    const first = cascade.order[0];
    if (first === undefined) {
      return {
        backend: null,
        model: null,
        unroutable_reason: (cascade.reason ?? 'No backend can take this job.').slice(0, ESTIMATE_LIMITS.text),
        cost: null,
        time: null,
        estimated_cost: 0,
        estimated_time_seconds: 0,
        confidence_score: 0,
        fallbacks: [],
        skipped,
      };
    }
    const cost = ctx.price(job, first);
    const time = ctx.timeEstimate(job, first);
    return {
      backend: first,
      model: ctx.modelFor(job, first),
      unroutable_reason: null,
      cost,
      time,
      estimated_cost: cost.usd_total,
      estimated_time_seconds: time.expected_ms / 1000,
      confidence_score: ctx.confidence(job, first).overall,
      fallbacks: cascade.order.slice(1, 16).map((backend) => {
        const quote = ctx.price(job, backend);
        return { backend, model: ctx.modelFor(job, backend), usd_total: quote.usd_total, confirmed: quote.confirmed, expected_ms: Math.round(ctx.expectedMs(job, backend)) };
      }),
      skipped,
    };
  }

  /** A snapshot for one estimate; fitted time models are kept until a new attempt is recorded. */
  private context(): EstimationContext {
    const config = this.deps.config();
    const version = this.history.version();
    if (version !== this.modelsVersion) {
      this.models.clear();
      this.modelsVersion = version;
    }
    const models = (backend: string, model: string | null): FittedTimeModel => {
      const prior = timePrior(backend, config);
      const key = `${backend}|${model ?? ''}|${prior.coefficients.join(',')}|${prior.default_steps}`;
      let fitted = this.models.get(key);
      if (!fitted) {
        fitted = fitTimeModel(backend, this.history.timeSamples(backend, model), prior);
        this.models.set(key, fitted);
      }
      return fitted;
    };
    return new EstimationContext(config, this.clock(), this.deps.registry, this.credentialed, models, this.history, this.accuracyLedger);
  }
}

function fromRow(row: QueuedRow): EstimableJob {
  return {
    prompt: row.prompt,
    negative_prompt: row.negative_prompt,
    params: JSON.parse(row.params_json) as JobParams,
    priority: row.priority,
    pinned_backend: row.pinned_backend,
    constraints: row.constraints_json ? (JSON.parse(row.constraints_json) as JobConstraints) : {},
  };
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
