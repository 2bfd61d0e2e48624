import type { BackendId, Config } from '../../../shared/domain/config';
import { BACKEND_IDS } from '../../../shared/domain/config';
import type { JobParams } from '../../../shared/domain/jobs';
import { RateLimiter } from './rate-limiter';
import type { BackendInterface } from './types';

/** Per-backend settings the pool needs, read from config (demo has no price or rate limit). */
interface BackendSettings {
  enabled: boolean;
  priority: number;
  max_concurrency: number;
  requests_per_minute: number | null;
  cost_per_image: number;
  quality_level: number;
  timeout_ms: number;
  model: string | null;
}

export function backendSettings(config: Config, id: BackendId): BackendSettings {
  if (id === 'demo') {
    const demo = config.backends.demo;
    return { enabled: demo.enabled, priority: demo.priority, max_concurrency: demo.max_concurrency, requests_per_minute: null, cost_per_image: 0, quality_level: 1, timeout_ms: 60_000, model: null };
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

  constructor(
    private readonly registry: ReadonlyMap<string, BackendInterface>,
    private readonly config: () => Config,
  ) {
    for (const id of registry.keys()) this.slots.set(id, { inflight: 0, limiter: new RateLimiter(null), coolingUntil: 0, outReason: null });
  }

  /** Which backends have credentials (checked asynchronously; the pool itself stays synchronous). */
  setCredentialed(ids: Iterable<string>): void {
    this.credentialed = new Set(ids);
  }

  /** A settings or key change may fix what took a backend out. */
  resetOut(): void {
    for (const slot of this.slots.values()) slot.outReason = null;
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
    if (job.pinned_backend) {
      candidates = [job.pinned_backend];
    } else {
      const real = ordered.filter((id) => id !== 'demo');
      // Demo only when no real backend is set up at all (no keys yet): never a silent fallback for a job
      // whose real backends are merely busy, failing or unsuitable.
      const anyRealSetUp = real.some((id) => this.setUp(id, config));
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
      anyEligible = true;
      const slot = this.slots.get(id)!;
      const settings = backendSettings(config, id as BackendId);
      slot.limiter.setLimit(settings.requests_per_minute);
      if (slot.coolingUntil > now) {
        skipped.push({ backend: id, reason: `cooling down after a rate limit (${Math.ceil((slot.coolingUntil - now) / 1000)} s)` });
        waitUntil = minOrNull(waitUntil, slot.coolingUntil);
        continue;
      }
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

  acquire(id: string, now: number): void {
    const slot = this.slots.get(id);
    if (!slot) return;
    slot.inflight += 1;
    slot.limiter.record(now);
  }

  release(id: string): void {
    const slot = this.slots.get(id);
    if (slot) slot.inflight = Math.max(0, slot.inflight - 1);
  }

  coolDown(id: string, until: number): void {
    const slot = this.slots.get(id);
    if (slot) slot.coolingUntil = Math.max(slot.coolingUntil, until);
  }

  takeOut(id: string, reason: string): void {
    const slot = this.slots.get(id);
    if (slot) slot.outReason = reason;
  }

  inflight(id: string): number {
    return this.slots.get(id)?.inflight ?? 0;
  }

  private setUp(id: string, config: Config): boolean {
    return this.registry.has(id) && backendSettings(config, id as BackendId).enabled && this.credentialed.has(id);
  }

  /** Why a backend cannot take this job at all (null: it can, maybe later). */
  private usable(id: string, config: Config, job: RoutingJob, excluded: ReadonlySet<string>): string | null {
    const backend = this.registry.get(id);
    if (!backend) return 'has no client in this build';
    if (!(BACKEND_IDS as readonly string[]).includes(id)) return 'is not a known backend';
    const settings = backendSettings(config, id as BackendId);
    const slot = this.slots.get(id)!;
    if (!settings.enabled) return 'is disabled in settings';
    if (!this.credentialed.has(id)) return 'has no API key';
    if (slot.outReason) return slot.outReason;
    if (excluded.has(id)) return 'already refused this prompt';
    const caps = backend.capabilities;
    const { width, height, count } = job.params;
    if (Math.max(width, height) > caps.max_side || Math.min(width, height) < caps.min_side) return `does not make ${width}×${height} images`;
    if (count > caps.max_images_per_request) return `makes at most ${caps.max_images_per_request} images per request`;
    if (job.prompt.length > caps.max_prompt_chars) return `accepts prompts up to ${caps.max_prompt_chars} characters`;
    if (job.negative_prompt && !caps.negative_prompt && !job.pinned_backend) return 'ignores negative prompts';
    if (id === 'demo') return null; // labelled not AI: quality and price constraints do not apply
    const quality = job.params.quality_level;
    if (quality !== null && settings.quality_level < quality) return `quality ${settings.quality_level} is below the job's ${quality}`;
    const maxCost = job.constraints.max_cost_usd;
    if (maxCost !== null && maxCost !== undefined && settings.cost_per_image * count > maxCost) return `costs more than the job's $${maxCost}`;
    return null;
  }

  private ordered(config: Config): string[] {
    return [...this.registry.keys()]
      .filter((id) => (BACKEND_IDS as readonly string[]).includes(id))
      .sort((a, b) => backendSettings(config, a as BackendId).priority - backendSettings(config, b as BackendId).priority);
  }
}

function minOrNull(a: number | null, b: number): number {
  return a === null ? b : Math.min(a, b);
}
