import type { BackendId, Config } from '../../../shared/domain/config';
import { BACKEND_IDS } from '../../../shared/domain/config';
import type { JobParams } from '../../../shared/domain/jobs';
import { priceFor } from '../estimator/prices';
import { CREDENTIAL_OPTIONAL } from '../ports';
import { RateLimiter, type RateTicket } from './rate-limiter';
import type { BackendInterface, ErrorClass } from './types';

/**
 * How late after its dispatch a call is assumed to reach the provider at the latest (credential lookup,
 * connection set-up, upload), for the requests-per-minute window: the provider counts arrivals, so a call
 * keeps its place for 60 s after min(its end, dispatch + this margin). Costs at most this share of a
 * minute (~3%) of throughput when a backend runs at its limit.
 */
export const ARRIVAL_MARGIN_MS = 2_000;

/** Per-backend settings the pool needs, read from config (demo has no price or rate limit). */
interface BackendSettings {
  enabled: boolean;
  priority: number;
  max_concurrency: number;
  requests_per_minute: number | null;
  /** The artist's price override; null: the price table. Read prices through priceFor, never this. */
  cost_per_image: number | null;
  quality_level: number;
  timeout_ms: number;
  model: string | null;
}

export function backendSettings(config: Config, id: BackendId): BackendSettings {
  if (id === 'demo') {
    const demo = config.backends.demo;
    return { enabled: demo.enabled, priority: demo.priority, max_concurrency: demo.max_concurrency, requests_per_minute: null, cost_per_image: null, quality_level: 1, timeout_ms: 60_000, model: null };
  }
  const b = config.backends[id];
  return {
    enabled: b.enabled,
    priority: b.priority,
    max_concurrency: b.max_concurrency,
    requests_per_minute: b.requests_per_minute,
    cost_per_image: b.cost_per_image,
    quality_level: b.quality_level,
    timeout_ms: b.timeout_ms,
    model: 'model' in b ? b.model : null,
  };
}

export interface RoutingJob {
  params: JobParams;
  negative_prompt: string | null;
  prompt: string;
  pinned_backend: string | null;
  constraints: { max_cost_usd?: number | null | undefined };
}

export interface Skip {
  backend: string;
  reason: string;
}

/** How a call ended: images (error null) or a classified failure; the manager decides what it says about health. */
export interface CallReport {
  latencyMs: number;
  error: { errorClass: ErrorClass; message: string } | null;
}

/**
 * What the backend manager says about calling a backend now (circuit breaker, proof of life of a local
 * server). `skip`: try the next backend, look again at `until`. `hold`: stop the cascade here and wait (a
 * check is under way). `refuse`: it cannot take jobs until something changes.
 */
export type GateVerdict =
  | { kind: 'go' }
  | { kind: 'skip'; reason: string; until: number | null }
  | { kind: 'hold'; reason: string }
  | { kind: 'refuse'; reason: string };

export interface BackendGate {
  verdict(id: string, now: number, pinned: boolean): GateVerdict;
  /** For the demo rule: a backend that needs no key (a local server) counts as set up only once it answered. */
  provenUp(id: string, now: number): boolean;
  onStart(id: string, now: number): void;
  /** The call ended (after `report`, or without one when it was canceled or the app stopped). */
  onEnd(id: string): void;
  report(id: string, report: CallReport, now: number): void;
  /** Something the health view shows changed (a cool-down, a backend taken out or put back, keys). */
  changed(): void;
}

/** A pool without a manager: every backend is always allowed (unit tests of the cascade alone). */
export const OPEN_GATE: BackendGate = {
  verdict: () => ({ kind: 'go' }),
  provenUp: () => true,
  onStart: () => {},
  onEnd: () => {},
  report: () => {},
  changed: () => {},
};

/** What the pool knows about one backend regardless of any job, for the health view. */
export interface SlotView {
  credentialed: boolean;
  in_flight: number;
  cooling_until: number | null;
  /** Why no job could go to it right now (null: it can take jobs). */
  reason: string | null;
}

export type RoutingChoice =
  | { kind: 'dispatch'; backend: BackendInterface; settings: BackendSettings; skipped: Skip[] }
  | { kind: 'wait'; until: number | null; skipped: Skip[] }
  | { kind: 'impossible'; reason: string; skipped: Skip[] };

interface SlotState {
  inflight: number;
  limiter: RateLimiter;
  coolingUntil: number;
  /** Set for auth, quota and retired-model failures: out until the artist acts (config or key change). */
  outReason: string | null;
}

/**
 * The cascade (DESIGN §4): backends in `priority` order, filtered by enabled, credentials, capabilities
 * and the job's constraints; a rate-limited or cooling backend is skipped to the next one, a backend that
 * is merely at its concurrency limit is waited for (the artist's order is a preference for quality and
 * price, not only a fallback list). The demo backend is never a silent fallback for a real job.
 */
export class BackendPool {
  private readonly slots = new Map<string, SlotState>();
  private credentialed = new Set<string>();
  /** Issue 7: the budget caps (estimator/budget.ts). A paid backend over a cap is skipped like a cooling one: jobs wait, free backends go on. */
  budget: { refuse(backend: string, job: RoutingJob, now: number): { reason: string; until: number } | null } | null = null;

  constructor(
    private readonly registry: ReadonlyMap<string, BackendInterface>,
    private readonly config: () => Config,
    private readonly gate: BackendGate = OPEN_GATE,
  ) {
    for (const id of registry.keys()) {
      this.slots.set(id, { inflight: 0, limiter: new RateLimiter(null, { arrivalMarginMs: ARRIVAL_MARGIN_MS }), coolingUntil: 0, outReason: null });
    }
  }

  /** Which backends have credentials (checked asynchronously; the pool itself stays synchronous). */
  setCredentialed(ids: Iterable<string>): void {
    this.credentialed = new Set(ids);
    this.gate.changed();
  }

  /** A settings or key change may fix what took a backend out. */
  resetOut(): void {
    for (const slot of this.slots.values()) slot.outReason = null;
    this.gate.changed();
  }

  /** Which backends are registered, in cascade order. */
  ids(): string[] {
    return this.ordered(this.config());
  }

  get(id: string): BackendInterface | undefined {
    return this.registry.get(id);
  }

  choose(job: RoutingJob, now: number, excluded: ReadonlySet<string> = new Set()): RoutingChoice {
    const config = this.config();
    const skipped: Skip[] = [];
    const ordered = this.ordered(config);
    const usable = (id: string) => this.usable(id, config, job, excluded);

    let candidates: string[];
    const pinned = job.pinned_backend !== null;
    if (job.pinned_backend) {
      candidates = [job.pinned_backend];
    } else {
      const real = ordered.filter((id) => id !== 'demo');
      // Demo only when no real backend is set up at all (no keys yet, no local server answering): never a
      // silent fallback for a job whose real backends are merely busy, failing or unsuitable.
      const anyRealSetUp = real.some((id) => this.setUp(id, config, now));
      candidates = anyRealSetUp || !ordered.includes('demo') ? real : [...real, 'demo'];
    }

    let waitUntil: number | null = null;
    let anyEligible = false;
    for (const id of candidates) {
      const reason = usable(id);
      if (reason !== null) {
        skipped.push({ backend: id, reason });
        continue;
      }
      const verdict = this.gate.verdict(id, now, pinned);
      if (verdict.kind === 'refuse') {
        skipped.push({ backend: id, reason: verdict.reason });
        continue;
      }
      anyEligible = true;
      const slot = this.slots.get(id)!;
      const settings = backendSettings(config, id as BackendId);
      slot.limiter.setLimit(settings.requests_per_minute);
      if (slot.coolingUntil > now) {
        skipped.push({ backend: id, reason: coolingReason(slot.coolingUntil, now) });
        waitUntil = minOrNull(waitUntil, slot.coolingUntil);
        continue;
      }
      if (verdict.kind === 'skip') {
        // An open circuit: the next backend takes the job instead of the queue stalling on this one.
        skipped.push({ backend: id, reason: verdict.reason });
        if (verdict.until !== null) waitUntil = minOrNull(waitUntil, verdict.until);
        continue;
      }
      const overBudget = this.budget?.refuse(id, job, now) ?? null;
      if (overBudget) {
        skipped.push({ backend: id, reason: overBudget.reason });
        waitUntil = minOrNull(waitUntil, overBudget.until);
        continue;
      }
      if (verdict.kind === 'hold') return { kind: 'wait', until: waitUntil, skipped: [...skipped, { backend: id, reason: verdict.reason }] };
      if (!slot.limiter.canStart(now)) {
        skipped.push({ backend: id, reason: `at its ${settings.requests_per_minute} requests per minute` });
        waitUntil = minOrNull(waitUntil, slot.limiter.nextFreeAt(now));
        continue;
      }
      if (slot.inflight >= settings.max_concurrency) {
        // Wait for the preferred backend rather than spill to a later one; a release wakes the scheduler.
        return { kind: 'wait', until: waitUntil, skipped };
      }
      return { kind: 'dispatch', backend: this.registry.get(id)!, settings, skipped };
    }
    if (!anyEligible) {
      const reason = skipped.length > 0 ? `No backend can take this job: ${skipped.map((s) => `${s.backend} ${s.reason}`).join('; ')}.` : 'No backend is configured.';
      return { kind: 'impossible', reason, skipped };
    }
    return { kind: 'wait', until: waitUntil, skipped };
  }

  /**
   * Which backend `choose` would give this job now, without dispatching or changing any state: for batch
   * previews and estimates. The candidates and checks are choose's; a backend that is only momentarily
   * unavailable (cooling, at its requests per minute, circuit open) is passed over like choose does, and
   * when every eligible one is, the job would wait for the first of them.
   */
  forecast(job: RoutingJob, now: number): { backend: string | null; reason: string | null; skipped: Skip[] } {
    const config = this.config();
    const ordered = this.ordered(config);
    const skipped: Skip[] = [];
    const real = ordered.filter((id) => id !== 'demo');
    const candidates = job.pinned_backend
      ? [job.pinned_backend]
      : real.some((id) => this.setUp(id, config, now)) || !ordered.includes('demo')
        ? real
        : [...real, 'demo'];
    let waitFor: string | null = null;
    for (const id of candidates) {
      const reason = this.usable(id, config, job, new Set());
      const verdict = reason === null ? this.gate.verdict(id, now, job.pinned_backend !== null) : null;
      if (reason !== null || verdict?.kind === 'refuse') {
        skipped.push({ backend: id, reason: reason ?? (verdict?.kind === 'refuse' ? verdict.reason : '') });
        continue;
      }
      const slot = this.slots.get(id)!;
      const rpm = backendSettings(config, id as BackendId).requests_per_minute;
      const busy =
        slot.coolingUntil > now
          ? coolingReason(slot.coolingUntil, now)
          : verdict?.kind === 'skip'
            ? verdict.reason
            : rpm !== null && !slot.limiter.canStart(now)
              ? `at its ${rpm} requests per minute`
              : null;
      if (busy === null) return { backend: id, reason: null, skipped };
      skipped.push({ backend: id, reason: busy });
      waitFor ??= id;
    }
    if (waitFor !== null) return { backend: waitFor, reason: null, skipped };
    const reason = skipped.length > 0 ? `No backend can take this job: ${skipped.map((s) => `${s.backend} ${s.reason}`).join('; ')}.` : 'No backend is configured.';
    return { backend: null, reason, skipped };
  }

  /** A call to `id` starts now; give the ticket back to `release` when it ends. */
  acquire(id: string, now: number): RateTicket | null {
    const slot = this.slots.get(id);
    if (!slot) return null;
    slot.inflight += 1;
    const ticket = slot.limiter.record(now);
    this.gate.onStart(id, now);
    return ticket;
  }

  /** The call has ended; with its ticket and the time, its requests-per-minute place is freed 60 s after that end at the latest. */
  release(id: string, ticket: RateTicket | null = null, now: number | null = null): void {
    const slot = this.slots.get(id);
    if (slot) {
      slot.inflight = Math.max(0, slot.inflight - 1);
      if (ticket !== null && now !== null) slot.limiter.finish(ticket, now);
    }
    this.gate.onEnd(id);
  }

  /** Whether the backend's circuit is open: the cascade passes it over until its test call. */
  circuitOpen(id: string, now: number): boolean {
    return this.gate.verdict(id, now, false).kind === 'skip';
  }

  /** How a call went, for the circuit breaker and the health numbers. */
  report(id: string, report: CallReport, now: number): void {
    this.gate.report(id, report, now);
  }

  coolDown(id: string, until: number): void {
    const slot = this.slots.get(id);
    if (!slot) return;
    slot.coolingUntil = Math.max(slot.coolingUntil, until);
    this.gate.changed();
  }

  takeOut(id: string, reason: string): void {
    const slot = this.slots.get(id);
    if (!slot) return;
    slot.outReason = reason;
    this.gate.changed();
  }

  inflight(id: string): number {
    return this.slots.get(id)?.inflight ?? 0;
  }

  /** The job-independent part of the cascade's view of one backend (for `backends.health` and `status`). */
  view(id: string, now: number): SlotView {
    const config = this.config();
    const slot = this.slots.get(id);
    const cooling = slot && slot.coolingUntil > now ? slot.coolingUntil : null;
    let reason = this.generalReason(id, config);
    if (reason === null) {
      const verdict = this.gate.verdict(id, now, false);
      if (verdict.kind !== 'go') reason = verdict.reason;
      else if (cooling !== null) reason = coolingReason(cooling, now);
    }
    return { credentialed: this.credentialed.has(id), in_flight: slot?.inflight ?? 0, cooling_until: cooling, reason };
  }

  /** Has what it needs to be called: enabled, a key (or none needed), and for a local server, proof of life. */
  isSetUp(id: string, now: number): boolean {
    return this.setUp(id, this.config(), now);
  }

  private setUp(id: string, config: Config, now: number): boolean {
    if (!this.registry.has(id) || !backendSettings(config, id as BackendId).enabled || !this.credentialed.has(id)) return false;
    return !CREDENTIAL_OPTIONAL.has(id as BackendId) || this.gate.provenUp(id, now);
  }

  /** Why a backend cannot take any job (null: it can, maybe later). */
  private generalReason(id: string, config: Config): string | null {
    if (!this.registry.get(id)) return 'has no client in this build';
    if (!(BACKEND_IDS as readonly string[]).includes(id)) return 'is not a known backend';
    const settings = backendSettings(config, id as BackendId);
    if (!settings.enabled) return 'is disabled in settings';
    if (!this.credentialed.has(id)) return 'has no API key';
    return this.slots.get(id)!.outReason;
  }

  /** Why a backend cannot take this job at all (null: it can, maybe later). */
  private usable(id: string, config: Config, job: RoutingJob, excluded: ReadonlySet<string>): string | null {
    const general = this.generalReason(id, config);
    if (general !== null) return general;
    const backend = this.registry.get(id)!;
    const settings = backendSettings(config, id as BackendId);
    if (excluded.has(id)) return 'already refused this prompt';
    const caps = backend.capabilities;
    const { width, height, count } = job.params;
    if (Math.max(width, height) > caps.max_side || Math.min(width, height) < caps.min_side) return `does not make ${width}×${height} images`;
    if (count > caps.max_images_per_request) return `makes at most ${caps.max_images_per_request} images per request`;
    const ratio = job.params.aspect_ratio;
    if (ratio && caps.aspect_ratios.length > 0 && !caps.aspect_ratios.includes(ratio)) return `does not offer the ${ratio} aspect ratio`;
    if (job.prompt.length > caps.max_prompt_chars) return `accepts prompts up to ${caps.max_prompt_chars} characters`;
    if (job.negative_prompt && !caps.negative_prompt && !job.pinned_backend) return 'ignores negative prompts';
    if (id === 'demo') return null; // labelled not AI: quality and price constraints do not apply
    const quality = job.params.quality_level;
    if (quality !== null && settings.quality_level < quality) return `quality ${settings.quality_level} is below the job's ${quality}`;
    const maxCost = job.constraints.max_cost_usd;
    if (maxCost !== null && maxCost !== undefined && priceFor(id, job.params.model ?? settings.model, job.params, config).usd_total > maxCost) return `costs more than the job's $${maxCost}`;
    return null;
  }

  private ordered(config: Config): string[] {
    return [...this.registry.keys()]
      .filter((id) => (BACKEND_IDS as readonly string[]).includes(id))
      .sort((a, b) => backendSettings(config, a as BackendId).priority - backendSettings(config, b as BackendId).priority);
  }
}

function coolingReason(until: number, now: number): string {
  return `cooling down after a rate limit (${Math.ceil((until - now) / 1000)} s)`;
}

function minOrNull(a: number | null, b: number): number {
  return a === null ? b : Math.min(a, b);
}
