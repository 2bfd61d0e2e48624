import { useEffect, useState } from 'react';
import type { JobDetail } from '../../../../shared/domain/jobs';
import { useApi } from '../../api/api-context';
import { Button } from '../../components/Button';
import { Dialog } from '../../components/Dialog';
import { ErrorNotice } from '../../components/ErrorNotice';
import { toErrorInfo, type ErrorInfo } from '../../lib/error-info';
import { usd } from '../../lib/format';
import { useQueueStore, useQueueStoreApi } from './queue-store-context';
import { STATUS_LABELS, backendLabel, failureReason } from './queue-view';

/**
 * One job in full: why it failed in plain words beside the provider's own message, every attempt with the
 * backend that took it and why the cascade passed others over, and the actions for this job.
 */
export function JobDetailDialog({ id, onClose }: { id: number | null; onClose(): void }) {
  const client = useApi();
  const store = useQueueStoreApi();
  // Reload when the job's row changes (it finished, a retry started) so the dialog never shows a stale state.
  const version = useQueueStore((s) => (id === null ? null : s.rows[id]));
  const [detail, setDetail] = useState<{ id: number; value: JobDetail } | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);

  useEffect(() => {
    if (id === null) return;
    let live = true;
    client
      .call('jobs.get', { id })
      .then((value) => {
        if (!live) return;
        setDetail({ id, value });
        setError(null);
      })
      .catch((cause: unknown) => {
        if (live) setError(toErrorInfo(cause));
      });
    return () => {
      live = false;
    };
  }, [client, id, version]);

  const shown = detail !== null && detail.id === id ? detail.value : null;
  const job = shown?.job;
  const ended = job ? job.status === 'failed' || job.status === 'canceled' : false;
  const reason = job && ended ? failureReason(job.error_class) : null;
  const act = store.getState().act;

  return (
    <Dialog
      open={id !== null}
      title={id === null ? 'Job' : `Job ${id}`}
      size="large"
      onClose={onClose}
      footer={
        job ? (
          <>
            {job.status === 'queued' || job.status === 'held' ? (
              <Button onClick={() => void act('runNext', { ids: [job.id] })}>Run next</Button>
            ) : null}
            {job.status === 'queued' || job.status === 'running' || job.status === 'held' ? (
              <Button variant="danger" onClick={() => void act('cancel', { ids: [job.id] })}>
                Cancel job
              </Button>
            ) : null}
            {ended ? (
              <Button variant="primary" onClick={() => void act('retry', { ids: [job.id] }).then(onClose)}>
                Retry job
              </Button>
            ) : null}
            <Button onClick={onClose}>Close</Button>
          </>
        ) : (
          <Button onClick={onClose}>Close</Button>
        )
      }
    >
      {error ? <ErrorNotice title="Could not load the job" error={error} /> : null}
      {job ? (
        <div className="queue-detail">
          <dl className="facts">
            <dt>Status</dt>
            <dd>{STATUS_LABELS[job.status]}</dd>
            <dt>Backend</dt>
            <dd>{backendLabel(job.backend ?? job.pinned_backend)}</dd>
            <dt>Priority</dt>
            <dd>{job.priority}</dd>
            <dt>Attempts</dt>
            <dd>{job.attempts}</dd>
            <dt>Cost</dt>
            <dd>{usd(job.actual_cost)}</dd>
            <dt>Images</dt>
            <dd>
              {job.asset_ids.length} of {job.params.count}
            </dd>
          </dl>
          <p className="queue-detail-prompt">{job.prompt}</p>
          {reason ? (
            <section className="queue-failure" aria-label="Why it stopped">
              <p className="queue-failure-sentence">{reason.sentence}</p>
              {job.error_message ? (
                <blockquote className="queue-failure-provider">
                  <span className="queue-failure-label">The service said:</span> {job.error_message}
                </blockquote>
              ) : null}
              {reason.advice ? <p className="queue-failure-advice">{reason.advice}</p> : null}
            </section>
          ) : null}
          {shown.attempts.length > 0 ? (
            <table className="data-table is-compact">
              <caption className="data-table-caption">Attempts</caption>
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">Backend</th>
                  <th scope="col">Outcome</th>
                  <th scope="col">Why</th>
                  <th scope="col">Passed over</th>
                  <th scope="col" className="is-numeric">
                    Time
                  </th>
                  <th scope="col" className="is-numeric">
                    Cost
                  </th>
                </tr>
              </thead>
              <tbody>
                {shown.attempts.map((a) => (
                  <tr key={a.id}>
                    <td>{a.number}</td>
                    <td>{backendLabel(a.backend)}</td>
                    <td>{a.outcome ?? 'running'}</td>
                    <td>
                      {a.error_class ? failureReason(a.error_class).sentence : ''}
                      {a.http_status ? ` (HTTP ${a.http_status})` : ''}
                      {a.error_message ? <span className="queue-attempt-message"> {a.error_message}</span> : null}
                    </td>
                    <td>{a.routing && a.routing.skipped.length > 0 ? a.routing.skipped.map((s) => `${backendLabel(s.backend)}: ${s.reason}`).join('; ') : '—'}</td>
                    <td className="is-numeric">{a.latency_ms === null ? '—' : `${(a.latency_ms / 1000).toFixed(1)} s`}</td>
                    <td className="is-numeric">{usd(a.cost_usd)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p className="queue-detail-muted">No attempt yet: the job waits for its turn.</p>
          )}
        </div>
      ) : null}
    </Dialog>
  );
}
