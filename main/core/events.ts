import type { EventName, EventPayload } from '../../shared/contract';
import type { EventMessage } from '../../shared/wire';

export type EventListener = (message: EventMessage) => void;

/** How two pending payloads of one event fold into one; the default keeps the newest. */
export type EventMergers = { [E in EventName]?: (older: EventPayload<E>, newer: EventPayload<E>) => EventPayload<E> };

export interface EventHubOptions {
  /** Minimum time between two deliveries of the same event name (DESIGN §2: at most ~10 per second). */
  intervalMs?: number;
  mergers?: EventMergers;
}

/**
 * Fans core events out to every transport. Each event name is delivered at once if it has been quiet for
 * `intervalMs`, otherwise folded into one pending delivery at the end of the interval, so a 10,000-job batch
 * cannot flood the renderer while the first change of a quiet period still shows immediately.
 */
export class EventHub {
  private readonly listeners = new Set<EventListener>();
  private readonly pending = new Map<EventName, unknown>();
  private readonly lastSent = new Map<EventName, number>();
  private readonly timers = new Map<EventName, ReturnType<typeof setTimeout>>();
  private readonly intervalMs: number;
  private readonly mergers: EventMergers;
  private closed = false;

  constructor(options: EventHubOptions = {}) {
    this.intervalMs = options.intervalMs ?? 100;
    this.mergers = options.mergers ?? {};
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit<E extends EventName>(name: E, payload: EventPayload<E>): void {
    if (this.closed) return;
    if (this.pending.has(name)) {
      const merge = this.mergers[name] as ((a: EventPayload<E>, b: EventPayload<E>) => EventPayload<E>) | undefined;
      this.pending.set(name, merge ? merge(this.pending.get(name) as EventPayload<E>, payload) : payload);
      return;
    }
    const since = Date.now() - (this.lastSent.get(name) ?? 0);
    if (since >= this.intervalMs) {
      this.deliver(name, payload);
      return;
    }
    this.pending.set(name, payload);
    this.timers.set(
      name,
      setTimeout(() => this.flush(name), this.intervalMs - since),
    );
  }

  /** Delivers everything pending now (used on shutdown and by tests that need a deterministic point). */
  flushAll(): void {
    for (const name of [...this.pending.keys()]) this.flush(name);
  }

  close(): void {
    this.flushAll();
    this.closed = true;
    this.listeners.clear();
  }

  private flush(name: EventName): void {
    const timer = this.timers.get(name);
    if (timer) clearTimeout(timer);
    this.timers.delete(name);
    if (!this.pending.has(name)) return;
    const payload = this.pending.get(name);
    this.pending.delete(name);
    this.deliver(name, payload);
  }

  private deliver(name: EventName, payload: unknown): void {
    this.lastSent.set(name, Date.now());
    const message: EventMessage = { name, payload };
    for (const listener of this.listeners) {
      try {
        listener(message);
      } catch {
        // A broken listener (a closed socket, a destroyed window) must not stop delivery to the others.
      }
    }
  }
}
