/**
 * Sliding one-minute window of call starts: at most `perMinute` calls start in any 60 s, so a burst at
 * the end of one minute cannot be followed by a full burst at the start of the next.
 */
export class RateLimiter {
  private readonly starts: number[] = [];
  private static readonly WINDOW_MS = 60_000;

  constructor(private perMinute: number | null) {}

  setLimit(perMinute: number | null): void {
    this.perMinute = perMinute;
  }

  canStart(now: number): boolean {
    if (this.perMinute === null) return true;
    this.evict(now);
    return this.starts.length < this.perMinute;
  }

  /** Recorded even without a limit, so a limit set later (settings apply without restart) sees the last minute. */
  record(now: number): void {
    this.starts.push(now);
    this.evict(now);
  }

  /** When the next call may start (now if it may already). */
  nextFreeAt(now: number): number {
    if (this.canStart(now)) return now;
    return (this.starts[0] ?? now) + RateLimiter.WINDOW_MS;
  }

  private evict(now: number): void {
    while (this.starts.length > 0 && this.starts[0]! <= now - RateLimiter.WINDOW_MS) this.starts.shift();
  }
}
