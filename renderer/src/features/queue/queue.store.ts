import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ApexClient } from '../../../../shared/client';
import { BATCH_LIMITS, type BatchSummary, type QueueRow, type StatusCounts } from '../../../../shared/domain/batches';
import { LIMITS, type JobStatus, type QueueState as QueueRunState } from '../../../../shared/domain/jobs';
import { toErrorInfo, type ErrorInfo } from '../../lib/error-info';
import { ChangeCoalescer, type PendingChanges } from './change-coalescer';
import { SINGLES, flattenGroups, groupActive, groupKey, groupSignature, sameRow, type GroupKey } from './queue-view';

export interface QueueFilters {
  /** Empty: every status. */
  status: readonly JobStatus[];
  backend: string | null;
}

export type BulkAction = 'cancel' | 'retry' | 'runNext' | 'release';
/** What an action applies to: the selected jobs, or a whole group. */
export type ActionTarget = { ids: readonly number[] } | { group: GroupKey };

export interface QueueState {
  /** Batch groups, newest first, then the single prompts. */
  groups: readonly BatchSummary[];
  totals: StatusCounts | null;
  /** Older batches exist beyond the loaded ones. */
  moreBatches: boolean;
  queue: QueueRunState | null;
  expanded: ReadonlySet<GroupKey>;
  /** Ids of each expanded group in queue order, for the current filters. */
  groupIds: ReadonlyMap<GroupKey, readonly number[]>;
  truncated: ReadonlySet<GroupKey>;
  /** Normalized rows by job id: only what is (or was recently) on screen. */
  rows: Readonly<Record<number, QueueRow>>;
  filters: QueueFilters;
  selection: ReadonlySet<number>;
  anchor: number | null;
  phase: 'loading' | 'ready' | 'error';
  error: ErrorInfo | null;
  actionError: { title: string; error: ErrorInfo } | null;
  busy: boolean;
  /** Ticks each second so running rows count down without a refetch. */
  now: number;

  load(): Promise<void>;
  start(): () => void;
  setVisible(ids: readonly number[]): void;
  toggleGroup(key: GroupKey): void;
  setFilters(filters: Partial<QueueFilters>): void;
  loadMoreBatches(): void;
  toggleSelect(id: number, options?: { range?: boolean }): void;
  setSelected(ids: readonly number[], selected: boolean): void;
  selectAll(): void;
  clearSelection(): void;
  setPaused(paused: boolean): Promise<void>;
  act(action: BulkAction, target: ActionTarget): Promise<void>;
  setPriority(target: ActionTarget, priority: number): Promise<void>;
  dismissActionError(): void;
}

export type QueueStore = StoreApi<QueueState>;

export interface QueueStoreOptions {
  /** Rows and batch headers refresh at most this often while events arrive. */
  refreshMs?: number;
  /** Batch headers, totals and the queue state refresh at most this often. */
  headersMs?: number;
  /** A group's id list (membership and order) refreshes at most this often. */
  idsRefreshMs?: number;
  tickMs?: number;
  /** Batch groups per page. */
  batchPage?: number;
}

/** Groups opened by themselves when they appear with work in them; the artist's own toggles always win. */
const AUTO_EXPAND = 5;
/** Rows kept in memory beyond the ones on screen. */
const ROW_CACHE = 5_000;

export function createQueueStore(client: ApexClient, options: QueueStoreOptions = {}): QueueStore {
  const refreshMs = options.refreshMs ?? 250;
  const idsRefreshMs = options.idsRefreshMs ?? 1_000;
  const tickMs = options.tickMs ?? 1_000;
  const batchPage = options.batchPage ?? 50;
  const headersMs = options.headersMs ?? 750;

  let visible: readonly number[] = [];
  let batchLimit = batchPage;
  const signatures = new Map<GroupKey, string>();
  const toggled = new Set<GroupKey>();
  const idsDirty = new Set<GroupKey>();
  let idsTimer: ReturnType<typeof setTimeout> | null = null;
  let lastIds = Number.NEGATIVE_INFINITY;
  let rowsInFlight: Promise<void> | null = null;
  let rowsAgain = false;
  let generation = 0;
  let lastHeaders = Number.NEGATIVE_INFINITY;
  let headersTimer: ReturnType<typeof setTimeout> | null = null;
  const deferred = { ids: new Set<number>(), batchIds: new Set<number>() };

  return createStore<QueueState>()((set, get) => {
    const mergeRows = (items: readonly QueueRow[]) => {
      if (items.length === 0) return;
      const current = get().rows;
      let next: Record<number, QueueRow> | null = null;
      for (const row of items) {
        const old = current[row.id];
        if (old && sameRow(old, row)) continue;
        next ??= { ...current };
        next[row.id] = row;
      }
      if (next) set({ rows: pruneRows(next, visible) });
    };

    const fetchRows = async (ids: readonly number[]) => {
      for (let i = 0; i < ids.length; i += BATCH_LIMITS.rowsPerCall) {
        const { items } = await client.call('batches.jobRows', { ids: ids.slice(i, i + BATCH_LIMITS.rowsPerCall) });
        mergeRows(items);
      }
    };

    /** Loads the visible rows not in memory yet; one call at a time, once more if the screen moved meanwhile. */
    const fillVisible = (): Promise<void> => {
      if (rowsInFlight) {
        rowsAgain = true;
        return rowsInFlight;
      }
      const rows = get().rows;
      const missing = visible.filter((id) => rows[id] === undefined);
      if (missing.length === 0) return Promise.resolve();
      rowsInFlight = fetchRows(missing)
        .catch((error: unknown) => set({ phase: 'error', error: toErrorInfo(error) }))
        .finally(() => {
          rowsInFlight = null;
          if (rowsAgain) {
            rowsAgain = false;
            void fillVisible();
          }
        });
      return rowsInFlight;
    };

    const refreshIds = async (keys: readonly GroupKey[]) => {
      const { filters } = get();
      const gen = generation;
      const results = await Promise.all(
        keys.map(async (key) => {
          const result = await client.call('batches.jobIds', {
            batch_id: key === SINGLES ? null : key,
            ...(filters.status.length > 0 ? { status: [...filters.status] } : {}),
            ...(filters.backend ? { backend: filters.backend } : {}),
          });
          return [key, result] as const;
        }),
      );
      if (gen !== generation) return; // the filters changed while these were on their way
      const groupIds = new Map(get().groupIds);
      const truncated = new Set(get().truncated);
      for (const [key, result] of results) {
        const old = groupIds.get(key);
        if (!old || !sameIds(old, result.ids)) groupIds.set(key, result.ids);
        if (result.truncated) truncated.add(key);
        else truncated.delete(key);
      }
      set({ groupIds, truncated });
    };

    const scheduleIds = (keys: Iterable<GroupKey>) => {
      for (const key of keys) idsDirty.add(key);
      if (idsTimer || idsDirty.size === 0) return;
      idsTimer = setTimeout(
        () => {
          idsTimer = null;
          lastIds = Date.now();
          const keys = [...idsDirty].filter((key) => get().expanded.has(key));
          idsDirty.clear();
          refreshIds(keys).catch((error: unknown) => set({ phase: 'error', error: toErrorInfo(error) }));
        },
        Math.max(0, lastIds + idsRefreshMs - Date.now()),
      );
    };

    /** Batch headers, totals and the queue state; marks the id lists that may have changed. */
    const refreshHeaders = async (changes: PendingChanges) => {
      const [list, queue] = await Promise.all([client.call('batches.list', { limit: batchLimit }), client.call('queue.state')]);
      const groups = list.singles ? [...list.items, list.singles] : list.items;
      const state = get();
      const expanded = new Set(state.expanded);
      let opened = 0;
      for (const group of groups) {
        const key = groupKey(group);
        const isNew = !signatures.has(key);
        if (isNew && !toggled.has(key) && groupActive(group) && opened < AUTO_EXPAND) {
          expanded.add(key);
          opened += 1;
        }
      }
      // Nothing running anywhere: open the newest group so the panel never shows only closed headers.
      if (expanded.size === 0 && groups.length > 0 && !toggled.has(groupKey(groups[0]!))) expanded.add(groupKey(groups[0]!));

      // A group's id list is in queue order (priority, then submission): a job changing status keeps its place,
      // so without filters only new jobs (a retry, a submit) change it. With filters, any change of a job of
      // the group may move it in or out. Priority changes made here mark the lists themselves (see `run`).
      const filtered = state.filters.status.length > 0 || state.filters.backend !== null;
      const dirty = new Set<GroupKey>();
      const changedGroupsOfRows = new Set<GroupKey>();
      for (const id of changes.ids) {
        const row = state.rows[id];
        if (row) changedGroupsOfRows.add(row.batch_id ?? SINGLES);
      }
      for (const group of groups) {
        const key = groupKey(group);
        const signature = filtered ? groupSignature(group) : String(group.total);
        const moved = signatures.get(key) !== signature || (filtered && (changes.batchIds.has(key) || changedGroupsOfRows.has(key)));
        signatures.set(key, signature);
        if (expanded.has(key) && (changes.all || moved || !state.groupIds.has(key))) dirty.add(key);
      }

      set({ groups, totals: list.counts, moreBatches: list.next !== null, queue, expanded, phase: 'ready', error: null });
      const neverLoaded = [...dirty].filter((key) => !state.groupIds.has(key));
      if (neverLoaded.length > 0) await refreshIds(neverLoaded);
      scheduleIds([...dirty].filter((key) => state.groupIds.has(key)));
    };

    /** Changed rows on screen are fetched again; changed rows off screen are dropped and fetched when seen. */
    const refreshRows = async (changes: PendingChanges) => {
      const rows = get().rows;
      const onScreen = new Set(visible);
      const again = changes.all ? visible : [...changes.ids].filter((id) => onScreen.has(id));
      const stale = changes.all ? Object.keys(rows).map(Number) : [...changes.ids];
      const drop = new Set(stale.filter((id) => !onScreen.has(id) && rows[id] !== undefined));
      if (drop.size > 0) set({ rows: withoutRows(rows, drop) });
      if (again.length > 0) await fetchRows(again);
    };

    /**
     * One refresh for what changed since the last. Rows on screen follow every interval; batch headers, totals
     * and the queue state (one aggregate over each batch's jobs) at most every `headersMs`, at once for a new
     * batch, and once more after a burst ends so the last state always shows.
     */
    const refresh = async (incoming: PendingChanges) => {
      const due = incoming.all || Date.now() - lastHeaders >= headersMs || [...incoming.batchIds].some((id) => !signatures.has(id));
      if (!due) {
        for (const id of incoming.ids) deferred.ids.add(id);
        for (const id of incoming.batchIds) deferred.batchIds.add(id);
        headersTimer ??= setTimeout(() => {
          headersTimer = null;
          poke();
        }, Math.max(0, lastHeaders + headersMs - Date.now()));
        await refreshRows(incoming);
        return;
      }
      const changes: PendingChanges = {
        ids: new Set([...deferred.ids, ...incoming.ids]),
        batchIds: new Set([...deferred.batchIds, ...incoming.batchIds]),
        all: incoming.all,
      };
      deferred.ids.clear();
      deferred.batchIds.clear();
      lastHeaders = Date.now();
      await refreshHeaders(changes);
      await refreshRows(changes);
    };

    // One per start(): React's StrictMode starts, stops and starts again in development.
    let coalescer: ChangeCoalescer | null = null;
    const poke = () => coalescer?.poke();

    const orderedIds = (): number[] =>
      flattenGroups(get().groups, get().expanded, get().groupIds).flatMap((item) => (item.kind === 'job' ? [item.id] : []));

    /** A group's ids for actions the contract takes only as ids (priority, run next), queued or held ones. */
    const idsOf = async (target: ActionTarget, statuses?: JobStatus[]): Promise<number[]> => {
      if ('ids' in target) return [...target.ids];
      const { ids } = await client.call('batches.jobIds', { batch_id: target.group === SINGLES ? null : target.group, ...(statuses ? { status: statuses } : {}) });
      return ids;
    };

    const run = async (title: string, work: () => Promise<unknown>, reorders = false) => {
      set({ busy: true, actionError: null });
      try {
        await work();
        if (reorders) scheduleIds(get().expanded);
      } catch (error) {
        set({ actionError: { title, error: toErrorInfo(error) } });
      } finally {
        set({ busy: false });
        poke();
      }
    };

    return {
      groups: [],
      totals: null,
      moreBatches: false,
      queue: null,
      expanded: new Set(),
      groupIds: new Map(),
      truncated: new Set(),
      rows: {},
      filters: { status: [], backend: null },
      selection: new Set(),
      anchor: null,
      phase: 'loading',
      error: null,
      actionError: null,
      busy: false,
      now: Date.now(),

      load: () => refresh({ ids: new Set(), batchIds: new Set(), all: true }).catch((error: unknown) => set({ phase: 'error', error: toErrorInfo(error) })),

      start() {
        const own = new ChangeCoalescer((changes) => refresh(changes).catch((error: unknown) => set({ phase: 'error', error: toErrorInfo(error) })), refreshMs);
        coalescer = own;
        void get().load();
        const stops = [
          client.on('jobs.changed', (changed) => own.add(changed)),
          // Pause, resume and counts move with stats; the header follows in the same coalesced refresh.
          client.on('stats.changed', () => own.poke()),
          client.on('library.changed', () => {
            generation += 1;
            signatures.clear();
            toggled.clear();
            set({ groups: [], groupIds: new Map(), rows: {}, expanded: new Set(), selection: new Set(), anchor: null });
            void get().load();
          }),
        ];
        const tick = setInterval(() => set({ now: Date.now() }), tickMs);
        return () => {
          own.stop();
          if (coalescer === own) coalescer = null;
          if (idsTimer) clearTimeout(idsTimer);
          if (headersTimer) clearTimeout(headersTimer);
          clearInterval(tick);
          stops.forEach((stop) => stop());
        };
      },

      setVisible(ids) {
        visible = ids;
        void fillVisible();
      },

      toggleGroup(key) {
        toggled.add(key);
        const expanded = new Set(get().expanded);
        if (expanded.has(key)) {
          expanded.delete(key);
          set({ expanded });
          return;
        }
        expanded.add(key);
        set({ expanded });
        refreshIds([key]).catch((error: unknown) => set({ phase: 'error', error: toErrorInfo(error) }));
      },

      setFilters(filters) {
        generation += 1;
        set({ filters: { ...get().filters, ...filters }, groupIds: new Map(), truncated: new Set(), selection: new Set(), anchor: null });
        const keys = [...get().expanded];
        refreshIds(keys).catch((error: unknown) => set({ phase: 'error', error: toErrorInfo(error) }));
      },

      loadMoreBatches() {
        batchLimit = Math.min(BATCH_LIMITS.batchesPerPage, batchLimit + batchPage);
        void get().load();
      },

      toggleSelect(id, { range = false } = {}) {
        const { selection, anchor } = get();
        const next = new Set(selection);
        if (range && anchor !== null) {
          const order = orderedIds();
          const from = order.indexOf(anchor);
          const to = order.indexOf(id);
          if (from >= 0 && to >= 0) {
            for (let i = Math.min(from, to); i <= Math.max(from, to); i++) next.add(order[i]!);
            set({ selection: next });
            return;
          }
        }
        if (next.has(id)) next.delete(id);
        else next.add(id);
        set({ selection: next, anchor: id });
      },

      setSelected(ids, selected) {
        const next = new Set(get().selection);
        for (const id of ids) {
          if (selected) next.add(id);
          else next.delete(id);
        }
        set({ selection: next });
      },

      selectAll() {
        set({ selection: new Set(orderedIds().slice(0, LIMITS.idsPerCall * 5)) });
      },

      clearSelection() {
        set({ selection: new Set(), anchor: null });
      },

      async setPaused(paused) {
        await run(paused ? 'Could not pause the queue' : 'Could not resume the queue', async () => {
          const queue = await client.call(paused ? 'queue.pause' : 'queue.resume');
          set({ queue });
        });
      },

      async act(action, target) {
        const titles: Record<BulkAction, string> = {
          cancel: 'Could not cancel',
          retry: 'Could not retry',
          runNext: 'Could not move the jobs to the front',
          release: 'Could not release the held jobs',
        };
        await run(titles[action], async () => {
          if ('group' in target && target.group !== SINGLES && action !== 'runNext') {
            const batch_id = target.group;
            if (action === 'cancel') await client.call('jobs.cancel', { batch_id });
            else if (action === 'retry') await client.call('jobs.retry', { batch_id });
            else await client.call('jobs.release', { batch_id });
            return;
          }
          const ids = await idsOf(target, action === 'runNext' ? ['queued', 'held'] : undefined);
          for (const chunk of chunked(ids, LIMITS.idsPerCall)) {
            if (action === 'cancel') await client.call('jobs.cancel', { ids: chunk });
            else if (action === 'retry') await client.call('jobs.retry', { ids: chunk });
            else if (action === 'release') await client.call('jobs.release', { ids: chunk });
            else await client.call('jobs.runNext', { ids: chunk });
          }
          if (action === 'cancel' || action === 'retry') set({ selection: new Set(), anchor: null });
        }, action === 'runNext');
      },

      async setPriority(target, priority) {
        await run('Could not change the priority', async () => {
          const ids = await idsOf(target, 'group' in target ? ['queued', 'held'] : undefined);
          for (const chunk of chunked(ids, LIMITS.idsPerCall)) await client.call('jobs.setPriority', { ids: chunk, priority });
        }, true);
      },

      dismissActionError() {
        set({ actionError: null });
      },
    };
  });
}

function withoutRows(rows: Readonly<Record<number, QueueRow>>, drop: ReadonlySet<number>): Record<number, QueueRow> {
  const next: Record<number, QueueRow> = {};
  for (const [key, row] of Object.entries(rows)) if (!drop.has(Number(key))) next[Number(key)] = row;
  return next;
}

function sameIds(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function chunked<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Keeps memory flat on huge batches: past the cap, rows not on screen are dropped (and fetched when seen). */
function pruneRows(rows: Record<number, QueueRow>, visible: readonly number[]): Record<number, QueueRow> {
  const keys = Object.keys(rows);
  if (keys.length <= ROW_CACHE) return rows;
  const keep = new Set(visible);
  const next: Record<number, QueueRow> = {};
  let kept = 0;
  for (const id of visible) {
    if (!rows[id]) continue;
    next[id] = rows[id];
    kept += 1;
  }
  for (const key of keys) {
    if (kept >= ROW_CACHE / 2) break;
    const id = Number(key);
    if (keep.has(id)) continue;
    next[id] = rows[id]!;
    kept += 1;
  }
  return next;
}
