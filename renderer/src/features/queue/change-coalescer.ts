import type { JobsChanged } from '../../../../shared/domain/jobs';

/** What piled up since the last refresh. */
export interface PendingChanges {
  ids: ReadonlySet<number>;
  batchIds: ReadonlySet<number>;
  /** More changed than the events could list (or a checkpoint restore): refresh everything shown. */
  all: boolean;
}

/**
 * Folds `jobs.changed` events into one pending set and runs `flush` at most once per `intervalMs`: the first
 * change after a quiet spell is shown after a short delay, a storm of them (a 5,000-job batch at 50 updates
 * a second) costs one refresh per interval, never one per event. A flush that is still running holds the
 * next one back, so a slow core cannot pile up requests.
 */
export class ChangeCoalescer {
  private ids = new Set<number>();
  private batchIds = new Set<number>();
  private all = false;
  private dirty = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private running = false;
  private lastFlush = Number.NEGATIVE_INFINITY;
  private stopped = false;

  constructor(
    private readonly flush: (changes: PendingChanges) => Promise<void>,
    private readonly intervalMs: number,
    private readonly clock: () => number = Date.now,
  ) {}

  add(changed: JobsChanged): void {
    for (const id of changed.ids) this.ids.add(id);
    for (const id of changed.batch_ids) this.batchIds.add(id);
    this.all ||= changed.all;
    this.dirty = true;
    this.schedule();
  }

  /** A change with no ids (a filter moved, the queue was paused): refresh what is shown. */
  poke(): void {
    this.dirty = true;
    this.schedule();
  }

  /** Takes what is pending (for a flush that runs now) and clears it. */
  take(): PendingChanges {
    const changes = { ids: this.ids, batchIds: this.batchIds, all: this.all };
    this.ids = new Set();
    this.batchIds = new Set();
    this.all = false;
    this.dirty = false;
    return changes;
  }

  get pending(): boolean {
    return this.dirty;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(): void {
    if (this.stopped || this.timer || this.running) return;
    const wait = Math.max(0, this.lastFlush + this.intervalMs - this.clock());
    this.timer = setTimeout(() => void this.run(), wait);
  }

  private async run(): Promise<void> {
    this.timer = null;
    if (this.stopped || !this.dirty) return;
    this.running = true;
    this.lastFlush = this.clock();
    try {
      await this.flush(this.take());
    } finally {
      this.running = false;
      if (this.dirty) this.schedule();
    }
  }
}
