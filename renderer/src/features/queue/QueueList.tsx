import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useCallback, useEffect, useMemo, useRef, type MouseEvent } from 'react';
import type { BatchSummary } from '../../../../shared/domain/batches';
import { Button } from '../../components/Button';
import { usd } from '../../lib/format';
import { useQueueStore, useQueueStoreApi } from './queue-store-context';
import { STATUS_LABELS, backendLabel, etaLabel, flattenKeys, groupKey, groupTitle, rowEta, rowProgress, type GroupKey } from './queue-view';

/** Fixed heights: no measuring, and a live update can never move the rows around it. */
export const JOB_ROW_HEIGHT = 40;
export const GROUP_ROW_HEIGHT = 64;
const OVERSCAN = 8;

/**
 * The virtualized list: batch headers and, under each open batch, its jobs in queue order. Only rows on
 * screen exist in the DOM, each subscribed to its own job, so a live update re-renders the rows it touches.
 */
export function QueueList({ onDetails }: { onDetails(id: number): void }) {
  const store = useQueueStoreApi();
  // The order of the groups as a string: equal from one refresh to the next, so the list is not rebuilt.
  const keyOrder = useQueueStore((s) => s.groups.map(groupKey).join(','));
  const expanded = useQueueStore((s) => s.expanded);
  const groupIds = useQueueStore((s) => s.groupIds);
  const items = useMemo(() => flattenKeys(keyOrder === '' ? [] : keyOrder.split(',').map(Number), expanded, groupIds), [keyOrder, expanded, groupIds]);
  const estimateSize = useCallback((index: number) => (items[index]?.kind === 'group' ? GROUP_ROW_HEIGHT : JOB_ROW_HEIGHT), [items]);
  const getItemKey = useCallback(
    (index: number) => {
      const item = items[index];
      return item ? (item.kind === 'group' ? `g${item.key}` : `j${item.id}`) : index;
    },
    [items],
  );
  const scrollRef = useRef<HTMLDivElement>(null);

  // eslint-disable-next-line react-hooks/incompatible-library -- @tanstack/react-virtual, the project's virtualizer
  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => scrollRef.current,
    estimateSize,
    overscan: OVERSCAN,
    getItemKey,
  });
  const virtualItems = virtualizer.getVirtualItems();
  const first = virtualItems[0]?.index ?? 0;
  const last = virtualItems.at(-1)?.index ?? -1;

  // Tell the store which jobs are on screen: it loads those and refreshes only those on live updates.
  useEffect(() => {
    const ids: number[] = [];
    for (let i = first; i <= last; i++) {
      const item = items[i];
      if (item?.kind === 'job') ids.push(item.id);
    }
    store.getState().setVisible(ids);
  }, [store, items, first, last]);

  return (
    <div ref={scrollRef} className="queue-scroll">
      <div role="list" aria-label="Jobs by batch" className="queue-list" style={{ height: virtualizer.getTotalSize() }}>
        {virtualItems.map((virtual) => {
          const item = items[virtual.index]!;
          return (
            <div
              key={virtual.key}
              role="listitem"
              aria-setsize={items.length}
              aria-posinset={virtual.index + 1}
              className={item.kind === 'group' ? 'queue-item is-group' : 'queue-item is-job'}
              style={{ transform: `translateY(${virtual.start}px)`, height: item.kind === 'group' ? GROUP_ROW_HEIGHT : JOB_ROW_HEIGHT }}
            >
              {item.kind === 'group' ? <GroupHeader groupKey={item.key} /> : <JobRow id={item.id} onDetails={onDetails} />}
            </div>
          );
        })}
      </div>
    </div>
  );
}

const GroupHeader = memo(function GroupHeader({ groupKey: key }: { groupKey: GroupKey }) {
  const summary = useQueueStore((s) => s.groups.find((g) => groupKey(g) === key));
  if (!summary) return null;
  return <GroupHeaderView summary={summary} />;
});

function GroupHeaderView({ summary }: { summary: BatchSummary }) {
  const store = useQueueStoreApi();
  const key: GroupKey = groupKey(summary);
  const open = useQueueStore((s) => s.expanded.has(key));
  const busy = useQueueStore((s) => s.busy);
  const title = groupTitle(summary);
  const c = summary.counts;
  const done = c.succeeded + c.failed + c.canceled;
  const ratio = summary.total > 0 ? done / summary.total : 0;
  const unfinished = c.queued + c.running + c.held;
  const act = store.getState().act;
  return (
    <div className="queue-group">
      <button type="button" className="queue-group-toggle" aria-expanded={open} onClick={() => store.getState().toggleGroup(key)}>
        <span className="queue-caret" aria-hidden="true">
          {open ? '▾' : '▸'}
        </span>
        <span className="queue-group-title">{title}</span>
        <span className="visually-hidden">{open ? ', hide its jobs' : ', show its jobs'}</span>
      </button>
      <div className="queue-group-figures">
        <span className="queue-group-counts">
          {summary.total.toLocaleString('en-US')} jobs · {c.queued.toLocaleString('en-US')} queued · {c.running.toLocaleString('en-US')} running · {c.succeeded.toLocaleString('en-US')} done ·{' '}
          <span className={c.failed > 0 ? 'queue-danger' : undefined}>{c.failed.toLocaleString('en-US')} failed</span>
          {c.held > 0 ? ` · ${c.held.toLocaleString('en-US')} held` : ''}
        </span>
        <span className="queue-group-money">
          {summary.images_done.toLocaleString('en-US')}/{summary.images_wanted.toLocaleString('en-US')} images · spent {usd(summary.spent_usd)}
          {unfinished > 0 ? ` · left ≈ ${usd(summary.remaining_usd)}${summary.remaining_partial ? '+' : ''}` : ''}
          {summary.eta.remaining_ms !== null ? ` · ETA ${etaLabel(summary.eta.remaining_ms)}` : ''}
        </span>
        <span className="queue-meter" role="progressbar" aria-label={`${title}: jobs finished`} aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(ratio * 100)}>
          <span className="queue-meter-fill" style={{ width: `${ratio * 100}%` }} />
        </span>
      </div>
      <div className="queue-group-actions">
        <Button size="small" variant="ghost" disabled={busy || c.queued + c.held === 0} onClick={() => void act('runNext', { group: key })} aria-label={`Run next: ${title}`}>
          Run next
        </Button>
        <Button size="small" variant="ghost" disabled={busy || c.failed + c.canceled === 0} onClick={() => void act('retry', { group: key })} aria-label={`Retry failed and canceled jobs: ${title}`}>
          Retry
        </Button>
        {c.held > 0 ? (
          <Button size="small" variant="ghost" disabled={busy} onClick={() => void act('release', { group: key })} aria-label={`Release held jobs: ${title}`}>
            Release
          </Button>
        ) : null}
        <Button size="small" variant="ghost" disabled={busy || unfinished === 0} onClick={() => void act('cancel', { group: key })} aria-label={`Cancel the rest of ${title}`}>
          Cancel
        </Button>
      </div>
    </div>
  );
}

const JobRow = memo(function JobRow({ id, onDetails }: { id: number; onDetails(id: number): void }) {
  const store = useQueueStoreApi();
  const row = useQueueStore((s) => s.rows[id]);
  const selected = useQueueStore((s) => s.selection.has(id));
  // Only running rows follow the clock (their ETA counts down); the others ignore the tick.
  const now = useQueueStore((s) => {
    const r = s.rows[id];
    return r && (r.status === 'running' || (r.status === 'queued' && r.not_before > 0)) ? s.now : 0;
  });
  if (!row) {
    return (
      <div className="queue-job is-placeholder" aria-busy="true">
        <span className="queue-job-loading">Job {id} …</span>
      </div>
    );
  }
  const progress = rowProgress(row);
  const eta = rowEta(row, now);
  const failed = row.status === 'failed' || row.status === 'canceled';
  const onCheck = (event: MouseEvent<HTMLInputElement>) => store.getState().toggleSelect(id, { range: event.shiftKey });
  return (
    <div className={selected ? 'queue-job is-selected' : 'queue-job'} data-status={row.status}>
      <input type="checkbox" className="queue-check" checked={selected} onClick={onCheck} onChange={() => undefined} aria-label={`Select job ${id}`} />
      <span className={`queue-status status-${row.status}`}>{STATUS_LABELS[row.status]}</span>
      <span className="queue-prompt" title={row.prompt}>
        {row.prompt}
      </span>
      <span className="queue-backend">{backendLabel(row.backend)}</span>
      <span className="queue-attempts" title="Attempts">
        {row.attempts > 0 ? `×${row.attempts}` : ''}
      </span>
      <span className="queue-progress">
        <span className="queue-meter is-small" role="progressbar" aria-label={`Job ${id} images`} aria-valuemin={0} aria-valuemax={row.images_wanted} aria-valuenow={row.status === 'succeeded' ? row.images_wanted : row.images_done}>
          <span className="queue-meter-fill" style={{ width: `${progress * 100}%` }} />
        </span>
      </span>
      <span className="queue-eta">{eta !== null ? etaLabel(eta) : row.status === 'queued' && row.not_before > now ? 'waiting to retry' : ''}</span>
      <span className="queue-cost">{row.actual_cost > 0 ? usd(row.actual_cost) : row.estimated_cost !== null && !failed && row.status !== 'succeeded' ? `≈ ${usd(row.estimated_cost)}` : ''}</span>
      <Button size="small" variant="ghost" className="queue-details" onClick={() => onDetails(id)} aria-label={failed ? `Why job ${id} ${row.status === 'failed' ? 'failed' : 'was canceled'}` : `Details of job ${id}`}>
        {failed ? 'Why?' : 'Details'}
      </Button>
    </div>
  );
});
