import { BACKEND_IDS, type BackendId, type Config } from '../../../shared/domain/config';
import type { BackendHealth, BackendsHealth, BreakerState } from '../../../shared/domain/backends';
import type { Db } from '../db/connection';
import type { EventHub } from '../events';
import type { Logger } from '../log';
import { CREDENTIAL_OPTIONAL } from '../ports';
import { classify } from '../queue/orchestrator';
import { redactSecret } from '../secrets/redact';
import { CircuitBreaker, DEFAULT_BREAKER_SETTINGS, type BreakerSettings } from './breaker';
import { HEALTH_MAX_SAMPLES, HEALTH_WINDOW_MS, HealthWindow, type CallKind } from './health';
import { BackendPool, backendSettings, type BackendGate, type CallReport, type GateVerdict } from './pool';
import type { BackendInterface, ErrorClass } from './types';

/** A local server's successful health check counts as proof of life this long. */
export const LOCAL_PROOF_FRESH_MS = 5 * 60_000;
/** A local server that did not answer is asked again after this (when a job could use it). */
export const LOCAL_RECHECK_MS = 30_000;
/** A local server answers its health check at once or not at all. */
export const LOCAL_PROBE_TIMEOUT_MS = 5_000;
/** Longest part of a server's error quoted in a skip reason (reasons are bounded by the contract). */
const LOCAL_MESSAGE_MAX_CHARS = 200;
/** Delay that folds a burst of changes into one `backends.changed` (the EventHub coalesces further). */
export const BACKENDS_EVENT_DELAY_MS = 100;

/** Failures that are the job's fault, not the backend's: they never count against its health. */
const JOB_FAULT_CLASSES: ReadonlySet<ErrorClass> = new Set(['content_blocked', 'bad_request']);

export interface ProbeResult {
  outcome: 'ok' | 'failed' | 'not_supported';
  error_class: ErrorClass | null;
  /** The client's or provider's words, with the secret taken out. */
  message: string | null;
  latency_ms: number | null;
}

interface LocalCheck {
  running: Promise<ProbeResult> | null;
  /** The server settings the last answer was about: an answer from another URL is no proof. */
  target: string | null;
  at: number | null;
  ok: boolean;
  message: string | null;
}

interface Entry {
  breaker: CircuitBreaker;
  health: HealthWindow;
  local: LocalCheck;
}

export interface BackendManagerOptions {
  registry: ReadonlyMap<string, BackendInterface>;
  config: () => Config;
  events: EventHub;
  log: Logger;
  /** The secret of a backend, for health checks (SDXL's optional user:password). */
  credential: (id: string) => Promise<string | null>;
  /** Called when a backend may take jobs again (a local server answered): wakes the scheduler. */
  wake: () => void;
  breaker?: Partial<BreakerSettings>;
  clock?: () => number;
}

/**
 * The backend manager (DESIGN §4): owns the cascade (BackendPool) and gives it, per backend, a circuit
 * breaker and health numbers; checks that a local server (SDXL) is alive before the cascade counts on it;
 * publishes `backends.changed`; answers `backends.health` and the backend part of `status`.
 */
export class BackendManager implements BackendGate {
  readonly pool: BackendPool;
  private readonly entries = new Map<string, Entry>();
  private readonly clock: () => number;
  private emitTimer: ReturnType<typeof setTimeout> | null = null;
  private closed = false;

  constructor(private readonly options: BackendManagerOptions) {
    this.clock = options.clock ?? Date.now;
    const settings: BreakerSettings = { ...DEFAULT_BREAKER_SETTINGS, ...options.breaker };
    for (const id of options.registry.keys()) {
      this.entries.set(id, {
        breaker: new CircuitBreaker(settings),
        health: new HealthWindow(),
        local: { running: null, target: null, at: null, ok: false, message: null },
      });
    }
    this.pool = new BackendPool(options.registry, options.config, this);
  }

  // --- BackendGate: what the cascade asks ---------------------------------------------------------

  verdict(id: string, now: number, pinned: boolean): GateVerdict {
    const entry = this.entries.get(id);
    if (!entry) return { kind: 'go' };
    const permission = entry.breaker.permission(now);
    if (!permission.allowed) return { kind: 'skip', reason: permission.reason, until: permission.until };
    // A job pinned to a local server goes there and fails with the server's own words if it is down.
    if (pinned || !this.needsProofOfLife(id) || this.provenUp(id, now)) return { kind: 'go' };
    const local = entry.local;
    const target = this.localTarget(id);
    if (local.running) return { kind: 'hold', reason: `checking whether the server at ${target} answers` };
    if (local.target !== target || local.at === null || now - local.at >= LOCAL_RECHECK_MS) {
      void this.checkLocal(id);
      return { kind: 'hold', reason: `checking whether the server at ${target} answers` };
    }
    const ago = Math.round((now - local.at) / 1000);
    return { kind: 'refuse', reason: `no server answered at ${target} (checked ${ago} s ago${local.message ? `: ${local.message.slice(0, LOCAL_MESSAGE_MAX_CHARS)}` : ''})` };
  }

  provenUp(id: string, now: number): boolean {
    const entry = this.entries.get(id);
    if (!entry || !this.needsProofOfLife(id)) return true;
    const local = entry.local;
    if (local.ok && local.at !== null && local.target === this.localTarget(id) && now - local.at < LOCAL_PROOF_FRESH_MS) return true;
    // Real calls are proof too, as long as they are recent and the circuit did not open on them.
    return entry.health.answeredSince(now - LOCAL_PROOF_FRESH_MS) && entry.breaker.state(now) !== 'open';
  }

  onStart(id: string, now: number): void {
    this.entries.get(id)?.breaker.onStart(now);
  }

  onEnd(id: string): void {
    this.entries.get(id)?.breaker.onAbandon();
    this.changed();
  }

  report(id: string, report: CallReport, now: number): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    const kind = healthKind(report);
    if (kind === null) return;
    entry.health.record({ at: now, kind, latencyMs: report.latencyMs, errorClass: report.error?.errorClass ?? null, message: report.error?.message ?? null });
    const transition = entry.breaker.record(kind !== 'failed', now);
    if (transition !== null) {
      this.options.log.info('circuit breaker changed', { backend: id, state: transition, retry_at: entry.breaker.retryTime() });
      if (transition === 'closed') this.options.wake();
    }
    this.changed();
  }

  changed(): void {
    if (this.emitTimer || this.closed) return;
    this.emitTimer = setTimeout(() => {
      this.emitTimer = null;
      if (this.closed) return;
      try {
        this.options.events.emit('backends.changed', this.health());
      } catch (error) {
        this.options.log.warn('backends.changed not sent', { error: String(error) });
      }
    }, BACKENDS_EVENT_DELAY_MS);
    this.emitTimer.unref?.();
  }

  // --- Health checks ----------------------------------------------------------------------------

  /**
   * The cheapest real call the backend offers (`health()`), with the given secret. Never throws; the
   * message has the secret taken out.
   */
  async probe(id: string, credential: string | null, timeoutMs: number): Promise<ProbeResult> {
    const backend = this.options.registry.get(id);
    if (!backend?.health) return { outcome: 'not_supported', error_class: null, message: null, latency_ms: null };
    const started = this.clock();
    try {
      await backend.health({ signal: AbortSignal.timeout(timeoutMs), credential });
      return { outcome: 'ok', error_class: null, message: null, latency_ms: this.clock() - started };
    } catch (error) {
      const classified = classify(error);
      const words = classified.providerMessage ?? classified.message;
      return { outcome: 'failed', error_class: classified.errorClass, message: redactSecret(words, credential), latency_ms: this.clock() - started };
    }
  }

  /** Checks every enabled local server now (at start and after settings or keys change). */
  async checkLocalServers(): Promise<void> {
    const config = this.options.config();
    const ids = [...this.entries.keys()].filter((id) => this.needsProofOfLife(id) && backendSettings(config, id as BackendId).enabled);
    await Promise.all(ids.map((id) => this.checkLocal(id)));
  }

  /** Records a health check made elsewhere (keys.test of a local server) as proof of life, or its absence. */
  noteLocalCheck(id: string, result: ProbeResult): void {
    const entry = this.entries.get(id);
    if (!entry || !this.needsProofOfLife(id) || result.outcome === 'not_supported') return;
    Object.assign(entry.local, { target: this.localTarget(id), at: this.clock(), ok: result.outcome === 'ok', message: result.message });
    this.changed();
    if (result.outcome === 'ok') this.options.wake();
  }

  private checkLocal(id: string): Promise<ProbeResult> {
    const entry = this.entries.get(id)!;
    if (entry.local.running) return entry.local.running;
    const target = this.localTarget(id);
    entry.local.running = (async () => {
      const credential = await this.options.credential(id).catch(() => null);
      const result = await this.probe(id, credential, LOCAL_PROBE_TIMEOUT_MS);
      Object.assign(entry.local, { running: null, target, at: this.clock(), ok: result.outcome !== 'failed', message: result.message });
      this.changed();
      // Either way the cascade has an answer now: held jobs go on (to this server, or past it).
      this.options.wake();
      return result;
    })();
    return entry.local.running;
  }

  /** Backends that need no key (a server on the artist's machine) must show they are alive. */
  private needsProofOfLife(id: string): boolean {
    return id !== 'demo' && CREDENTIAL_OPTIONAL.has(id as BackendId) && typeof this.options.registry.get(id)?.health === 'function';
  }

  private localTarget(id: string): string {
    const b = this.options.config().backends[id as BackendId];
    return 'base_url' in b ? b.base_url : id;
  }

  // --- What the app shows -----------------------------------------------------------------------

  /** `backends.health` and the `backends.changed` payload. */
  health(): BackendsHealth {
    const now = this.clock();
    return { window_ms: HEALTH_WINDOW_MS, items: BACKEND_IDS.map((id) => this.describe(id, now)) };
  }

  /** The breaker state and skip reason of one backend, for the `status` document. */
  statusFields(id: BackendId): { state: BreakerState; unavailable_reason: string | null } {
    const item = this.describe(id, this.clock());
    return { state: item.state, unavailable_reason: item.unavailable_reason };
  }

  private describe(id: BackendId, now: number): BackendHealth {
    const settings = backendSettings(this.options.config(), id);
    const entry = this.entries.get(id);
    const view = this.pool.view(id, now);
    const stats = entry?.health.stats(now) ?? { calls: 0, success_rate: null, p50_ms: null, p95_ms: null, last_error: null };
    return {
      id,
      enabled: settings.enabled,
      priority: settings.priority,
      set_up: this.pool.isSetUp(id, now),
      state: !settings.enabled ? 'disabled' : (entry?.breaker.state(now) ?? 'closed'),
      unavailable_reason: view.reason,
      ...stats,
      retry_at: entry?.breaker.retryTime() ?? null,
      cooling_until: view.cooling_until,
      in_flight: view.in_flight,
    };
  }

  // --- History ----------------------------------------------------------------------------------

  /** Feeds recent attempts into breakers and health, so a new process (the CLI's `status`) sees recent trouble. */
  replay(rows: readonly AttemptOutcomeRow[]): void {
    for (const row of rows) {
      const entry = this.entries.get(row.backend);
      if (!entry || row.ended_at === null) continue;
      const error = row.outcome === 'succeeded' ? null : { errorClass: (row.error_class ?? 'transient') as ErrorClass, message: row.error_message ?? '' };
      const kind = row.outcome === 'succeeded' || row.outcome === 'failed' ? healthKind({ latencyMs: row.latency_ms ?? 0, error }) : null;
      if (kind === null) continue;
      entry.health.record({ at: row.ended_at, kind, latencyMs: row.latency_ms ?? 0, errorClass: error?.errorClass ?? null, message: error?.message ?? null });
      entry.breaker.record(kind !== 'failed', row.ended_at);
    }
  }

  close(): void {
    this.closed = true;
    if (this.emitTimer) clearTimeout(this.emitTimer);
    this.emitTimer = null;
  }
}

/** What a call's end says about the backend; null: nothing (it was canceled). */
function healthKind(report: CallReport): CallKind | null {
  if (report.error === null) return 'ok';
  if (report.error.errorClass === 'canceled') return null;
  return JOB_FAULT_CLASSES.has(report.error.errorClass) ? 'refused' : 'failed';
}

export interface AttemptOutcomeRow {
  backend: string;
  ended_at: number | null;
  outcome: string | null;
  error_class: string | null;
  error_message: string | null;
  latency_ms: number | null;
}

/** The last window's finished attempts per backend, oldest first (walks the attempts_timeline index backwards). */
export function recentAttempts(db: Db, backends: Iterable<string>, since: number): AttemptOutcomeRow[] {
  const select = db.prepare<[string, number, number], AttemptOutcomeRow>(
    `SELECT backend, ended_at, outcome, error_class, error_message, latency_ms FROM attempts
     WHERE backend = ? AND ended_at >= ? ORDER BY ended_at DESC LIMIT ?`,
  );
  const rows: AttemptOutcomeRow[] = [];
  for (const backend of backends) rows.push(...select.all(backend, since, HEALTH_MAX_SAMPLES).reverse());
  return rows;
}
