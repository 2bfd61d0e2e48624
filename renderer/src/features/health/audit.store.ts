import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ApexClient } from '../../../../shared/client';
import type { AuditEntry } from '../../../../shared/domain/checkpoints';
import { toErrorInfo, type ErrorInfo } from '../../lib/error-info';
import { createDelayedRun } from '../../lib/delayed-run';

/**
 * The audit log, newest first, filtered by kind and job id in the core (the `events` table has indexes
 * for both) and paged with "Load older". New entries arrive on top while the artist reads: a burst of
 * `jobs.changed` brings one fetch of the newest page, merged by id.
 */
export interface AuditState {
  kind: string | null;
  jobId: number | null;
  items: AuditEntry[];
  next: number | null;
  phase: 'loading' | 'ready' | 'error';
  loadingOlder: boolean;
  error: ErrorInfo | null;
  setFilter(filter: { kind?: string | null; jobId?: number | null }): void;
  load(): Promise<void>;
  loadOlder(): Promise<void>;
  start(): () => void;
}

export type AuditStore = StoreApi<AuditState>;

export const AUDIT_PAGE = 50;
/** Entries kept in the list; past it the oldest are dropped (and "Load older" fetches them again). */
export const AUDIT_MAX_LOADED = 2_000;

export function createAuditStore(client: ApexClient, options: { refreshDelayMs?: number } = {}): AuditStore {
  const refreshDelayMs = options.refreshDelayMs ?? 1_000;
  let generation = 0;

  return createStore<AuditState>()((set, get) => {
    const query = (before?: number) => {
      const { kind, jobId } = get();
      return client.call('audit.list', { limit: AUDIT_PAGE, ...(kind ? { kind } : {}), ...(jobId !== null ? { job_id: jobId } : {}), ...(before !== undefined ? { before } : {}) });
    };

    const load = async (): Promise<void> => {
      const token = ++generation;
      set({ phase: 'loading', error: null });
      try {
        const page = await query();
        if (token === generation) set({ items: page.items, next: page.next, phase: 'ready' });
      } catch (error) {
        if (token === generation) set({ phase: 'error', error: toErrorInfo(error) });
      }
    };

    /** The newest page merged over what is loaded: new entries on top, nothing lost below. */
    const refreshNewest = async (): Promise<void> => {
      const token = generation;
      try {
        const page = await query();
        if (token !== generation) return;
        const { items } = get();
        const newest = items[0]?.id ?? 0;
        const fresh = page.items.filter((e) => e.id > newest);
        if (fresh.length === 0) return;
        // More new entries than one page: the gap cannot be shown truthfully, so start over from the top.
        if (fresh.length === page.items.length && items.length > 0 && page.next !== null) {
          set({ items: page.items, next: page.next });
          return;
        }
        const merged = [...fresh, ...items];
        if (merged.length <= AUDIT_MAX_LOADED) set({ items: merged });
        else {
          // `before` is exclusive: the last kept id is where "Load older" picks up.
          const kept = merged.slice(0, AUDIT_MAX_LOADED);
          set({ items: kept, next: kept.at(-1)!.id });
        }
      } catch (error) {
        if (token === generation) set({ error: toErrorInfo(error) });
      }
    };

    return {
      kind: null,
      jobId: null,
      items: [],
      next: null,
      phase: 'loading',
      loadingOlder: false,
      error: null,
      setFilter(filter) {
        set({ ...(filter.kind !== undefined ? { kind: filter.kind } : {}), ...(filter.jobId !== undefined ? { jobId: filter.jobId } : {}) });
        void load();
      },
      load,
      async loadOlder() {
        const { next, loadingOlder } = get();
        if (next === null || loadingOlder) return;
        const token = generation;
        set({ loadingOlder: true });
        try {
          const page = await query(next);
          if (token !== generation) return;
          set({ items: [...get().items, ...page.items], next: page.next, error: null });
        } catch (error) {
          if (token === generation) set({ error: toErrorInfo(error) });
        } finally {
          set({ loadingOlder: false });
        }
      },
      start() {
        void load();
        const refresh = createDelayedRun(() => void refreshNewest(), refreshDelayMs);
        const stops = [client.on('jobs.changed', refresh.schedule), client.on('stats.changed', refresh.schedule)];
        return () => {
          refresh.cancel();
          stops.forEach((stop) => stop());
        };
      },
    };
  });
}
