import { useCallback, useId, useState } from 'react';
import type { Checkpoint } from '../../../../shared/domain/checkpoints';
import { useApi } from '../../api/api-context';
import { Button } from '../../components/Button';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorNotice } from '../../components/ErrorNotice';
import { toErrorInfo, type ErrorInfo } from '../../lib/error-info';
import { plural } from '../../lib/format';
import { useRemote } from './use-remote';

const REASONS: Record<Checkpoint['reason'], string> = {
  auto: 'Automatic',
  manual: 'Yours',
  before_restore: 'Safety (before a restore)',
};

export function checkpointTitle(checkpoint: Checkpoint): string {
  return checkpoint.name ?? `Checkpoint #${checkpoint.id}`;
}

export function jobCountsLabel(checkpoint: Checkpoint): string {
  const c = checkpoint.job_counts;
  const total = c.queued + c.running + c.succeeded + c.failed + c.canceled + c.held;
  return `${plural(total, 'job')} · ${c.queued + c.held} waiting · ${c.succeeded} done · ${c.failed} failed`;
}

function when(ms: number): string {
  return new Date(ms).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** Snapshots of the library database: list, make one, go back to one (after saying what that does). */
export function CheckpointsCard() {
  const api = useApi();
  const nameId = useId();
  const [name, setName] = useState('');
  const [busy, setBusy] = useState<'create' | 'restore' | null>(null);
  const [error, setError] = useState<{ title: string; info: ErrorInfo } | null>(null);
  const [confirming, setConfirming] = useState<Checkpoint | null>(null);
  const [done, setDone] = useState('');

  const list = useRemote(useCallback(async () => (await api.call('checkpoints.list')).items, [api]));
  const items = list.value;
  const load = list.reload;

  const create = async () => {
    setBusy('create');
    setError(null);
    try {
      const made = await api.call('checkpoints.create', name.trim() === '' ? undefined : { name: name.trim() });
      setName('');
      setDone(`Checkpoint “${checkpointTitle(made)}” created.`);
      await load();
    } catch (caught) {
      setError({ title: 'Could not create a checkpoint', info: toErrorInfo(caught) });
    } finally {
      setBusy(null);
    }
  };

  const restore = async (checkpoint: Checkpoint) => {
    setBusy('restore');
    setError(null);
    try {
      const result = await api.call('checkpoints.restore', { id: checkpoint.id });
      setDone(`Restored “${checkpointTitle(result.restored)}”. The state before it was saved as “${checkpointTitle(result.safety)}”.`);
      setConfirming(null);
      await load();
    } catch (caught) {
      setConfirming(null);
      setError({ title: `Could not restore “${checkpointTitle(checkpoint)}”`, info: toErrorInfo(caught) });
    } finally {
      setBusy(null);
    }
  };

  return (
    <section className="card settings-section" id="settings-checkpoints" aria-labelledby="settings-checkpoints-title">
      <header className="card-header">
        <h2 id="settings-checkpoints-title" className="card-title">
          Checkpoints
        </h2>
        <p className="card-subtitle">Snapshots of the queue and the image index. Automatic ones are taken while the queue works; make your own before a big change.</p>
      </header>
      <div className="settings-section-body">
        <form
          className="checkpoint-create"
          onSubmit={(event) => {
            event.preventDefault();
            void create();
          }}
        >
          <label className="settings-label" htmlFor={nameId}>
            Checkpoint name
          </label>
          <input id={nameId} className="input settings-input" type="text" maxLength={200} placeholder="Optional, e.g. before the harbour batch" value={name} onChange={(event) => setName(event.target.value)} />
          <Button type="submit" variant="primary" disabled={busy !== null}>
            {busy === 'create' ? 'Creating…' : 'Create checkpoint'}
          </Button>
        </form>
        <p className="settings-done" role="status">
          {done}
        </p>
        {error ? <ErrorNotice title={error.title} error={error.info} /> : null}
        {list.error ? <ErrorNotice title="Could not list the checkpoints" error={list.error} onRetry={() => void load()} /> : null}
        {items === null ? (
          list.error ? null : <p className="muted">Reading checkpoints…</p>
        ) : items.length === 0 ? (
          <p className="muted">No checkpoints yet. Create one above, or let the queue make them as it works.</p>
        ) : (
          <table className="data-table checkpoint-table" aria-label="Checkpoints, newest first">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Kind</th>
                <th scope="col">Taken</th>
                <th scope="col">Jobs</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((checkpoint) => (
                <tr key={checkpoint.id}>
                  <td>{checkpointTitle(checkpoint)}</td>
                  <td>{REASONS[checkpoint.reason]}</td>
                  <td className="is-numeric">{when(checkpoint.created_at)}</td>
                  <td className="is-numeric">{jobCountsLabel(checkpoint)}</td>
                  <td>
                    <Button size="small" disabled={busy !== null} onClick={() => setConfirming(checkpoint)} aria-label={`Restore ${checkpointTitle(checkpoint)}`}>
                      Restore…
                    </Button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
      <ConfirmDialog
        open={confirming !== null}
        title={confirming ? `Restore “${checkpointTitle(confirming)}”?` : 'Restore?'}
        confirmLabel={busy === 'restore' ? 'Restoring…' : 'Restore checkpoint'}
        tone="danger"
        busy={busy === 'restore'}
        onCancel={() => setConfirming(null)}
        onConfirm={() => {
          if (confirming) void restore(confirming);
        }}
      >
        {confirming ? (
          <div className="checkpoint-confirm">
            <p>
              The queue and the library’s records — jobs, batches, the image index, tags, projects and saved searches — go back to how they were on {when(confirming.created_at)} ({jobCountsLabel(confirming)}).
            </p>
            <ul>
              <li>A safety checkpoint of everything as it is now is made first, so you can come back.</li>
              <li>Calls running now are stopped; the queue carries on from the restored state.</li>
              <li>No image file is deleted: images made after this checkpoint stay in the library and are indexed again from their sidecars.</li>
              <li>Settings, API keys, the audit log and spend history are not changed.</li>
            </ul>
          </div>
        ) : null}
      </ConfirmDialog>
    </section>
  );
}
