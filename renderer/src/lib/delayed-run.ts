/**
 * Runs `fn` once, `delayMs` after the first `schedule()` of a burst; the calls in between join that run.
 * A batch finishing sends many events and one reload covers them all. `cancel()` drops a pending run (the
 * store stopped). Make one per `start()`, so each start has its own timer.
 */
export interface DelayedRun {
  schedule: () => void;
  cancel: () => void;
}

export function createDelayedRun(fn: () => void, delayMs: number): DelayedRun {
  let timer: ReturnType<typeof setTimeout> | null = null;
  return {
    schedule() {
      timer ??= setTimeout(() => {
        timer = null;
        fn();
      }, delayMs);
    },
    cancel() {
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
