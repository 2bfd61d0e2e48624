/**
 * A per-backend circuit breaker (DESIGN §4): closed → open when at least half of at least `minCalls` recent
 * calls failed; open for an exponentially growing cool-down; then half-open, where exactly one test call
 * goes through: success closes the circuit, failure opens it again for twice as long.
 *
 * Why not opossum: it wraps the call itself (`breaker.fire()`) with its own timer and timeout, while our
 * calls already carry their own AbortSignal timeout and classified errors, and the cascade must ask
 * "may I call this backend now?" for several backends before making one call. Its reset timeout is fixed
 * (no exponential cool-down), it keeps state with timers rather than a clock we can replay from the
 * attempts table, and its current major needs Node 22 while we support Node 20. This class is pure and
 * synchronous: time is always passed in.
 */

export interface BreakerSettings {
  /** Only calls that ended within this window count. */
  windowMs: number;
  /** At most this many of the most recent calls count, so a busy backend reacts to its recent trend. */
  maxCalls: number;
  /** The N of "≥ 50% of at least N calls": fewer calls never open the circuit (a lone failure is noise). */
  minCalls: number;
  /** Share of failed calls that opens the circuit. */
  failureRatio: number;
  /** First cool-down; each consecutive opening doubles it… */
  cooldownBaseMs: number;
  /** …up to this. */
  cooldownMaxMs: number;
}

export const DEFAULT_BREAKER_SETTINGS: BreakerSettings = {
  windowMs: 60_000,
  maxCalls: 20,
  minCalls: 4,
  failureRatio: 0.5,
  // LiteLLM's router cools a failing deployment for 5 s by default (research/anchors.md §4).
  cooldownBaseMs: 5_000,
  cooldownMaxMs: 5 * 60_000,
};

export type CircuitState = 'closed' | 'open' | 'half_open';

export type CallPermission =
  | { allowed: true; probe: boolean }
  | { allowed: false; state: 'open' | 'half_open'; reason: string; until: number | null };

interface Outcome {
  at: number;
  ok: boolean;
}

export class CircuitBreaker {
  private outcomes: Outcome[] = [];
  private opened = false;
  private retryAt = 0;
  /** Consecutive openings without a successful test call: the cool-down exponent. */
  private openings = 0;
  private probeInFlight = false;
  /** Why it opened, for the skip reason shown to the artist. */
  private openedBecause = '';

  constructor(private readonly settings: BreakerSettings = DEFAULT_BREAKER_SETTINGS) {}

  state(now: number): CircuitState {
    if (!this.opened) return 'closed';
    return now < this.retryAt ? 'open' : 'half_open';
  }

  /** When an open circuit admits its test call; null when closed. */
  retryTime(): number | null {
    return this.opened ? this.retryAt : null;
  }

  /** Whether the cascade may call this backend now; a half-open circuit admits one test call at a time. */
  permission(now: number): CallPermission {
    const state = this.state(now);
    if (state === 'closed') return { allowed: true, probe: false };
    if (state === 'open') {
      const seconds = Math.ceil((this.retryAt - now) / 1000);
      return {
        allowed: false,
        state,
        reason: `circuit open: ${this.openedBecause} (next test call in ${seconds} s)`,
        until: this.retryAt,
      };
    }
    if (this.probeInFlight) return { allowed: false, state, reason: 'one test call is checking whether it recovered', until: null };
    return { allowed: true, probe: true };
  }

  /** A call starts: in half-open it is the test call, and no other goes through until it ends. */
  onStart(now: number): void {
    if (this.state(now) === 'half_open') this.probeInFlight = true;
  }

  /** A call ended without telling anything about the backend (canceled, app stopping). */
  onAbandon(): void {
    this.probeInFlight = false;
  }

  /**
   * A call ended. `ok` is the backend's health, not the job's: a prompt the provider refused is the
   * prompt's fault and counts as ok. Returns the new state when it changed.
   */
  record(ok: boolean, at: number): CircuitState | null {
    const before = this.state(at);
    if (before === 'open') {
      // A call that was already running when the circuit opened: its answer does not reopen or close it.
      return null;
    }
    if (before === 'half_open') {
      this.probeInFlight = false;
      if (ok) {
        this.opened = false;
        this.openings = 0;
        this.outcomes = [];
        return 'closed';
      }
      this.open(at, 'its test call failed too');
      return 'open';
    }
    this.outcomes.push({ at, ok });
    this.evict(at);
    const failures = this.outcomes.reduce((n, o) => n + (o.ok ? 0 : 1), 0);
    if (!ok && this.outcomes.length >= this.settings.minCalls && failures / this.outcomes.length >= this.settings.failureRatio) {
      this.open(at, `${failures} of its last ${this.outcomes.length} calls failed`);
      return 'open';
    }
    return null;
  }

  /** Cool-down of the n-th consecutive opening: base · 2^(n−1), capped. */
  cooldownFor(openings: number): number {
    return Math.min(this.settings.cooldownMaxMs, this.settings.cooldownBaseMs * 2 ** Math.max(0, openings - 1));
  }

  private open(at: number, because: string): void {
    this.openings += 1;
    this.opened = true;
    this.retryAt = at + this.cooldownFor(this.openings);
    this.openedBecause = because;
    this.outcomes = [];
  }

  private evict(now: number): void {
    const oldest = now - this.settings.windowMs;
    while (this.outcomes.length > 0 && (this.outcomes[0]!.at < oldest || this.outcomes.length > this.settings.maxCalls)) this.outcomes.shift();
  }
}
