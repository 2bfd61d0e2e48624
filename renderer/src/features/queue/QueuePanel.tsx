import { useEffect, useState } from 'react';
import { BACKEND_IDS } from '../../../../shared/domain/config';
import { JOB_STATUSES, type JobStatus } from '../../../../shared/domain/jobs';
import { useApi } from '../../api/api-context';
import { Button } from '../../components/Button';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { EmptyState } from '../../components/EmptyState';
import { ErrorNotice } from '../../components/ErrorNotice';
import { QueueIcon } from '../../components/icons';
import { Kbd } from '../../components/Kbd';
import { PanelHeader } from '../../components/PanelHeader';
import { StatTile } from '../../components/StatTile';
import { BACKEND_LABELS, plural, usd } from '../../lib/format';
import type { PanelProps } from '../panel-props';
import { JobDetailDialog } from './JobDetailDialog';
import { QueueList } from './QueueList';
import { QueueStoreContext, useQueueStore, useQueueStoreApi } from './queue-store-context';
import { createQueueStore } from './queue.store';
import { STATUS_LABELS, etaLabel, groupActive, groupTitle } from './queue-view';
import './queue.css';

export function QueuePanel({ onNavigate }: PanelProps) {
  const client = useApi();
  const [store] = useState(() => createQueueStore(client));
  useEffect(() => store.getState().start(), [store]);
  return (
    <QueueStoreContext value={store}>
      <QueueView onNavigate={onNavigate} />
    </QueueStoreContext>
  );
}

function isEditable(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.isContentEditable || target.matches('input:not([type="checkbox"]), textarea, select'));
}

function QueueView({ onNavigate }: PanelProps) {
  const store = useQueueStoreApi();
  const phase = useQueueStore((s) => s.phase);
  const error = useQueueStore((s) => s.error);
  const actionError = useQueueStore((s) => s.actionError);
  const groups = useQueueStore((s) => s.groups);
  const totals = useQueueStore((s) => s.totals);
  const queue = useQueueStore((s) => s.queue);
  const busy = useQueueStore((s) => s.busy);
  const selectionSize = useQueueStore((s) => s.selection.size);
  const moreBatches = useQueueStore((s) => s.moreBatches);
  const [details, setDetails] = useState<number | null>(null);
  const [confirmCancel, setConfirmCancel] = useState(false);

  const paused = queue?.paused ?? false;
  const current = groups.find(groupActive) ?? groups[0] ?? null;

  // Panel shortcuts (listed in app/shortcuts.ts). Never while typing, and never behind an open dialog.
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.altKey || isEditable(event.target)) return;
      if (document.querySelector('dialog[open]')) return;
      const state = store.getState();
      const mod = event.ctrlKey || event.metaKey;
      const ids = [...state.selection];
      const onControl = event.target instanceof HTMLElement && event.target.matches('button, a, summary, input');
      if (event.key === ' ' && !mod && !onControl) {
        event.preventDefault();
        void state.setPaused(!(state.queue?.paused ?? false));
      } else if (mod && !event.shiftKey && event.key.toLowerCase() === 'a') {
        event.preventDefault();
        state.selectAll();
      } else if (mod || event.shiftKey) {
        return;
      } else if ((event.key === 'Delete' || event.key === 'Backspace') && ids.length > 0) {
        event.preventDefault();
        setConfirmCancel(true);
      } else if (event.key.toLowerCase() === 'r' && ids.length > 0) {
        event.preventDefault();
        void state.act('retry', { ids });
      } else if (event.key.toLowerCase() === 'n' && ids.length > 0) {
        event.preventDefault();
        void state.act('runNext', { ids });
      } else if (event.key === 'Escape' && ids.length > 0) {
        event.preventDefault();
        state.clearSelection();
      }
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [store]);

  const empty = phase === 'ready' && groups.length === 0;
  return (
    <>
      <PanelHeader
        title="Queue"
        subtitle="Every prompt you send, in the order it will run: which backend took it, how many attempts, what it cost."
        actions={
          <Button variant={paused ? 'primary' : 'secondary'} disabled={busy || queue === null} onClick={() => void store.getState().setPaused(!paused)} aria-keyshortcuts="Space">
            {paused ? 'Resume queue' : 'Pause queue'}
          </Button>
        }
      />
      <div className="panel-body queue-body">
        <div className="stat-row queue-stats" aria-label="Queue totals">
          <StatTile label="Queued" value={totals?.queued ?? null} />
          <StatTile label="Running" value={totals?.running ?? null} tone="accent" />
          <StatTile label="Done" value={totals?.succeeded ?? null} tone="ok" />
          <StatTile label="Failed" value={totals?.failed ?? null} tone="danger" />
          <StatTile label={current ? `Spent on ${groupTitle(current)}` : 'Spent on the current batch'} value={current ? usd(current.spent_usd) : '—'} />
          <StatTile label={current ? `Time left for ${groupTitle(current)}` : 'Time left'} value={current && groupActive(current) ? etaLabel(current.eta.remaining_ms) : '—'} />
        </div>
        <p className="queue-state-line" role="status">
          {queue === null
            ? 'Reading the queue…'
            : queue.orchestrator === 'stopped'
              ? `The queue is not being worked in this window: ${queue.reason ?? 'stopped'}.`
              : paused
                ? 'Paused: running calls finish, nothing new starts. Press Resume queue (or Space) to carry on.'
                : 'Running.'}
        </p>
        {error ? <ErrorNotice title="Could not read the queue" error={error} onRetry={() => void store.getState().load()} /> : null}
        {actionError ? <ErrorNotice title={actionError.title} error={actionError.error} /> : null}
        {empty ? (
          <EmptyState icon={<QueueIcon size={34} />} title="Nothing in the queue yet" actions={<Button onClick={() => onNavigate('health')}>Check which backends are ready</Button>}>
            <p>Type a prompt above or drop a batch file anywhere on the window. Its jobs line up here by priority, with the backend that takes each one, its attempts, progress, time left and cost.</p>
            <p className="empty-state-hint">
              If a backend fails, is rate-limited or goes down, the next one in your cascade takes the job; nothing is lost if the app closes mid-batch. Pause and resume with <Kbd>Space</Kbd>.
            </p>
          </EmptyState>
        ) : (
          <>
            <QueueToolbar disabled={busy} selectionSize={selectionSize} onCancel={() => setConfirmCancel(true)} />
            <QueueList onDetails={setDetails} />
            {moreBatches ? (
              <Button size="small" onClick={() => store.getState().loadMoreBatches()}>
                Show older batches
              </Button>
            ) : null}
          </>
        )}
      </div>
      <JobDetailDialog id={details} onClose={() => setDetails(null)} />
      <ConfirmDialog
        open={confirmCancel}
        title={`Cancel ${plural(selectionSize, 'job')}?`}
        confirmLabel={`Cancel ${plural(selectionSize, 'job')}`}
        cancelLabel="Keep them"
        tone="danger"
        busy={busy}
        onCancel={() => setConfirmCancel(false)}
        onConfirm={() => {
          setConfirmCancel(false);
          void store.getState().act('cancel', { ids: [...store.getState().selection] });
        }}
      >
        <p>Queued jobs will not run, and running calls are stopped. You can retry them later.</p>
      </ConfirmDialog>
    </>
  );
}

const PRIORITIES = [5, 4, 3, 2, 1] as const;

/** Filters on the left; what to do with the selection on the right. Always the same height: nothing below moves. */
function QueueToolbar({ disabled, selectionSize, onCancel }: { disabled: boolean; selectionSize: number; onCancel(): void }) {
  const store = useQueueStoreApi();
  const filters = useQueueStore((s) => s.filters);
  const none = selectionSize === 0;
  const ids = () => [...store.getState().selection];
  const statusValue = filters.status.length === 1 ? filters.status[0]! : 'all';
  return (
    <div className="queue-toolbar" role="toolbar" aria-label="Filters and actions on the selected jobs">
      <label className="queue-field">
        <span>Status</span>
        <select
          value={statusValue}
          onChange={(event) => store.getState().setFilters({ status: event.target.value === 'all' ? [] : [event.target.value as JobStatus] })}
        >
          <option value="all">All</option>
          {JOB_STATUSES.map((status) => (
            <option key={status} value={status}>
              {STATUS_LABELS[status]}
            </option>
          ))}
        </select>
      </label>
      <label className="queue-field">
        <span>Backend</span>
        <select value={filters.backend ?? 'all'} onChange={(event) => store.getState().setFilters({ backend: event.target.value === 'all' ? null : event.target.value })}>
          <option value="all">All</option>
          {BACKEND_IDS.map((id) => (
            <option key={id} value={id}>
              {BACKEND_LABELS[id]}
            </option>
          ))}
        </select>
      </label>
      <span className="queue-selection-count" aria-live="polite">
        {none ? 'No jobs selected' : `${plural(selectionSize, 'job')} selected`}
      </span>
      <div className="queue-selection-actions">
        <Button size="small" disabled={disabled} onClick={() => store.getState().selectAll()} aria-keyshortcuts="Control+A Meta+A">
          Select all
        </Button>
        <Button size="small" disabled={disabled || none} onClick={() => void store.getState().act('runNext', { ids: ids() })} aria-keyshortcuts="N">
          Run next
        </Button>
        <Button size="small" disabled={disabled || none} onClick={() => void store.getState().act('retry', { ids: ids() })} aria-keyshortcuts="R">
          Retry
        </Button>
        <label className="queue-field">
          <span>Priority</span>
          <select
            value=""
            disabled={disabled || none}
            onChange={(event) => {
              const priority = Number(event.target.value);
              if (priority >= 1 && priority <= 5) void store.getState().setPriority({ ids: ids() }, priority);
            }}
          >
            <option value="">Set…</option>
            {PRIORITIES.map((p) => (
              <option key={p} value={p}>
                {p}
                {p === 5 ? ' (most urgent)' : p === 1 ? ' (least urgent)' : ''}
              </option>
            ))}
          </select>
        </label>
        <Button size="small" variant="danger" disabled={disabled || none} onClick={onCancel} aria-keyshortcuts="Delete">
          Cancel
        </Button>
        <Button size="small" variant="ghost" disabled={none} onClick={() => store.getState().clearSelection()} aria-keyshortcuts="Escape">
          Clear
        </Button>
      </div>
    </div>
  );
}
