/** One call counted by a limiter: when it was dispatched, and when it ended (null while it runs). */
export interface RateTicket {
  readonly at: number;
  end: number | null;
}

export interface RateLimiterOptions {
  /**
   * How late after its dispatch a call may reach the provider. The provider counts a call when it ARRIVES
   * (after the credential lookup, connection set-up and upload), so a call dispatched at t holds a place in
   * the provider's window until its arrival + 60 s, which can be later than t + 60 s: a call ending at
   * `end` arrived no later than `end`, and one still running is assumed to have arrived within this margin.
   * 0 counts dispatch times only.
   */
  arrivalMarginMs?: number;
}

/**
 * Sliding one-minute window of call starts: at most `perMinute` calls start in any 60 s, so a burst at
 * the end of one minute cannot be followed by a full burst at the start of the next. With an arrival
 * margin, a call leaves the window 60 s after the latest time it can have reached the provider
 * (min(its end, its dispatch + margin)), so the provider's own count never exceeds the limit either.
 */
export class RateLimiter {
  private readonly starts: RateTicket[] = [];
  private static readonly WINDOW_MS = 60_000;
  private readonly margin: number;

  constructor(
    private perMinute: number | null,
    options: RateLimiterOptions = {},
  ) {
    this.margin = options.arrivalMarginMs ?? 0;
  }

  setLimit(perMinute: number | null): void {
    this.perMinute = perMinute;
  }

  canStart(now: number): boolean {
    if (this.perMinute === null) return true;
    this.evict(now);
    return this.counted(now) < this.perMinute;
  }

  /** Recorded even without a limit, so a limit set later (settings apply without restart) sees the last minute. */
  record(now: number): RateTicket {
    const ticket: RateTicket = { at: now, end: null };
    this.starts.push(ticket);
    this.evict(now);
    return ticket;
  }

  /** The call of `ticket` has ended (answered, failed or aborted): it reached the provider by `now` at the latest. */
  finish(ticket: RateTicket, now: number): void {
    ticket.end ??= Math.max(ticket.at, now);
  }

  /** When the next call may start (now if it may already). */
  nextFreeAt(now: number): number {
    if (this.canStart(now)) return now;
    const expiries = this.starts
      .map((ticket) => this.expiry(ticket))
      .filter((at) => at > now)
      .sort((a, b) => a - b);
    // Enough of the counted calls must leave the window for one more to fit.
    return expiries[expiries.length - this.perMinute!] ?? now + RateLimiter.WINDOW_MS;
  }

  /** When a call stops counting: 60 s after the latest moment it can have reached the provider. */
  private expiry(ticket: RateTicket): number {
    const arrivedBy = ticket.at + this.margin;
    return Math.min(ticket.end ?? arrivedBy, arrivedBy) + RateLimiter.WINDOW_MS;
  }

  private counted(now: number): number {
    let n = 0;
    for (const ticket of this.starts) if (this.expiry(ticket) > now) n++;
    return n;
  }

  /** Drops expired calls from the front (calls end out of order: later expired ones are skipped by `counted`). */
  private evict(now: number): void {
    while (this.starts.length > 0 && this.expiry(this.starts[0]!) <= now) this.starts.shift();
  }
}
