import { useState } from 'react';
import { useStore } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import { Button } from '../../components/Button';
import { ErrorNotice } from '../../components/ErrorNotice';
import { AUDIT_KINDS, auditDetail, auditKindLabel, auditMatches, auditTime, parseJobId } from './health-view';
import type { AuditStore } from './audit.store';

/** The audit log: every state change the core recorded, newest first, filterable and paged. */
export function AuditLogCard({ store }: { store: AuditStore }) {
  const { kind, items, next, phase, loadingOlder, error, setFilter, load, loadOlder } = useStore(
    store,
    useShallow((s) => ({ kind: s.kind, items: s.items, next: s.next, phase: s.phase, loadingOlder: s.loadingOlder, error: s.error, setFilter: s.setFilter, load: s.load, loadOlder: s.loadOlder })),
  );
  const [jobText, setJobText] = useState('');
  const [text, setText] = useState('');
  const job = parseJobId(jobText);
  const shown = items.filter((entry) => auditMatches(entry, text));
  const filtered = kind !== null || job.id !== null || text.trim() !== '';

  return (
    <section className="card" aria-labelledby="audit-title">
      <header className="card-header">
        <h2 id="audit-title" className="card-title">
          Audit log
        </h2>
        <p className="card-subtitle">Every change to the queue, in the order it happened (kept 90 days).</p>
      </header>
      <div className="audit-filters" role="search" aria-label="Filter the audit log">
        <label className="audit-field">
          <span className="audit-field-label">Kind</span>
          <select className="input" value={kind ?? ''} onChange={(e) => setFilter({ kind: e.target.value === '' ? null : e.target.value })}>
            <option value="">All kinds</option>
            {AUDIT_KINDS.map((k) => (
              <option key={k.kind} value={k.kind}>
                {k.label}
              </option>
            ))}
          </select>
        </label>
        <label className="audit-field">
          <span className="audit-field-label">Job id</span>
          <input
            className="input audit-input-narrow"
            inputMode="numeric"
            value={jobText}
            aria-invalid={job.error !== null}
            aria-describedby={job.error ? 'audit-job-error' : undefined}
            onChange={(e) => {
              setJobText(e.target.value);
              const parsed = parseJobId(e.target.value);
              if (parsed.error === null) setFilter({ jobId: parsed.id });
            }}
          />
        </label>
        <label className="audit-field is-grow">
          <span className="audit-field-label">Search loaded entries</span>
          <input className="input" type="search" value={text} onChange={(e) => setText(e.target.value)} placeholder="error class, backend, message…" />
        </label>
        <Button size="small" onClick={() => void load()}>
          Refresh
        </Button>
      </div>
      {job.error ? (
        <p id="audit-job-error" className="audit-field-error">
          {job.error}
        </p>
      ) : null}
      {error ? <ErrorNotice title="Could not read the audit log" error={error} onRetry={() => void load()} /> : null}
      {shown.length > 0 ? (
        <table className="data-table audit-table" aria-label="Audit log entries">
          <thead>
            <tr>
              <th scope="col" className="audit-col-time">
                Time
              </th>
              <th scope="col" className="audit-col-kind">
                Event
              </th>
              <th scope="col" className="audit-col-job">
                Job
              </th>
              <th scope="col">Details</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((entry) => {
              const detail = auditDetail(entry);
              return (
                <tr key={entry.id} data-kind={entry.kind}>
                  <td className="audit-time">{auditTime(entry.at)}</td>
                  <td>
                    <span className={`audit-kind is-${entry.kind.split('.')[1] ?? 'other'}`}>{auditKindLabel(entry.kind)}</span>
                  </td>
                  <td className="audit-job">{entry.job_id !== null ? `#${entry.job_id}` : entry.batch_id !== null ? `batch ${entry.batch_id}` : '—'}</td>
                  <td className="audit-detail" title={detail || undefined}>
                    {detail || '—'}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : (
        <p className="audit-empty" role="status">
          {phase === 'loading'
            ? 'Reading the audit log…'
            : filtered
              ? items.length > 0 && next !== null
                ? 'Nothing matches among the loaded entries: load older ones, or change the filters.'
                : 'Nothing matches these filters.'
              : 'No entries yet: they appear as soon as jobs are queued and run.'}
        </p>
      )}
      <footer className="audit-footer">
        <span className="muted small" aria-live="polite">
          {items.length > 0 ? `${shown.length.toLocaleString('en-US')} of ${items.length.toLocaleString('en-US')} loaded${next === null ? ', all there is' : ''}` : ''}
        </span>
        {next !== null ? (
          <Button size="small" onClick={() => void loadOlder()} disabled={loadingOlder}>
            {loadingOlder ? 'Loading…' : 'Load older'}
          </Button>
        ) : null}
      </footer>
    </section>
  );
}
