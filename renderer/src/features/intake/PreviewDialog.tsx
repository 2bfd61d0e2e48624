import { useEffect, useId, useRef, useState } from 'react';
import { useStore } from 'zustand';
import { Button } from '../../components/Button';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { Dialog } from '../../components/Dialog';
import { ErrorNotice } from '../../components/ErrorNotice';
import { BACKEND_LABELS, percent, plural, usd } from '../../lib/format';
import type { BatchIntake, IntakeStore } from './intake.store';
import { isBackendId, PRIORITY_LABELS, type DefaultsForm } from './defaults-form';
import { BackendOptions, PriorityOptions, SizeOptions } from './DefaultsOptions';
import {
  budgetStateLine,
  costBasis,
  costLine,
  dollars,
  FORMAT_LABELS,
  issueLocation,
  overBudgetSentence,
  overCheck,
  periodWord,
  queueVerdict,
  timeLine,
} from './preview-view';

/** Defaults edits re-run the preview once typing pauses, so the figures follow the form. */
const REFRESH_AFTER_MS = 400;
/** Issues rendered at once; the preview lists up to 1,000 and the rest are counted. */
const ISSUES_SHOWN = 200;

/**
 * The batch preview (issue 8): per file what was read, the first expanded prompts, every error and
 * warning with its line, what it will cost and take, where it would go, the budget, and the settings for
 * the whole batch — then Queue or Cancel. Over a budget cap, Queue asks first.
 */
export function PreviewDialog({ store, onQueued }: { store: IntakeStore; onQueued: () => void }) {
  const batch = useStore(store, (s) => s.batch);
  const [confirming, setConfirming] = useState(false);
  const open = batch !== null;

  // A settings edit waits for a pause, then previews again (the store drops answers for older settings).
  const defaults = batch?.defaults;
  const first = useRef(true);
  useEffect(() => {
    if (!defaults) {
      first.current = true;
      return;
    }
    if (first.current) {
      first.current = false;
      return;
    }
    const timer = setTimeout(() => void store.getState().refresh(), REFRESH_AFTER_MS);
    return () => clearTimeout(timer);
  }, [defaults, store]);

  const queue = async () => {
    setConfirming(false);
    const result = await store.getState().submit();
    if (result) onQueued();
  };

  const preview = batch?.preview ?? null;
  const estimate = batch?.estimate?.estimate ?? null;
  const over = overCheck(estimate);
  const verdict = preview ? queueVerdict(preview, batch?.skipBadRows ?? false) : null;
  const busy = batch?.phase === 'previewing' || batch?.phase === 'submitting';
  const canQueue = verdict?.kind === 'ready' && !busy && batch?.phase !== 'error';

  const title = preview ? `Add ${plural(preview.totals.files, 'batch file')} to the queue` : 'Reading the batch…';
  return (
    <>
      <Dialog
        open={open}
        title={title}
        size="large"
        className="intake-preview"
        description="Check what will be queued, then Queue or Cancel. Nothing is queued until you say so."
        onClose={() => {
          if (batch?.phase !== 'submitting') store.getState().closeBatch();
        }}
        footer={
          <>
            <span className="intake-footer-note" aria-live="polite">
              {batch?.phase === 'previewing'
                ? 'Updating the preview…'
                : batch?.phase === 'submitting'
                  ? 'Queueing…'
                  : verdict?.kind === 'blocked'
                    ? verdict.reason
                    : verdict?.kind === 'skip-offer'
                      ? 'A file with errors queues nothing: fix it, or leave its bad rows out.'
                      : ''}
            </span>
            <Button onClick={() => store.getState().closeBatch()} disabled={batch?.phase === 'submitting'}>
              Cancel
            </Button>
            <Button variant="primary" disabled={!canQueue} onClick={() => (over ? setConfirming(true) : void queue())}>
              {over ? 'Queue anyway…' : verdict?.kind === 'ready' ? `Queue ${plural(verdict.jobs, 'job')}` : 'Queue'}
            </Button>
          </>
        }
      >
        {batch ? <PreviewBody batch={batch} store={store} /> : null}
      </Dialog>
      <ConfirmDialog
        open={confirming && over !== null}
        title={over ? `Over the ${over.period} budget` : 'Over the budget'}
        confirmLabel="Queue anyway"
        cancelLabel="Don't queue"
        onCancel={() => setConfirming(false)}
        onConfirm={() => void queue()}
      >
        {over ? (
          <div className="intake-confirm">
            <p>{overBudgetSentence(over)}</p>
            <p className="intake-muted">
              Queued anyway, paid backends stop at the cap and the rest waits for {over.period === 'daily' ? 'tomorrow' : 'next month'} or a raised cap; free backends keep working.
            </p>
          </div>
        ) : null}
      </ConfirmDialog>
    </>
  );
}

function PreviewBody({ batch, store }: { batch: BatchIntake; store: IntakeStore }) {
  const { preview, estimate: files, estimateError, budget, error, errorAt } = batch;
  if (!preview) {
    if (error) return <ErrorNotice title={errorAt === 'submit' ? 'Could not queue the batch' : 'Could not read the batch'} error={error} onRetry={() => void store.getState().refresh()} />;
    return <p className="intake-muted">Reading {plural(batch.sources.length, 'file')}…</p>;
  }
  const estimate = files?.estimate ?? null;
  const verdict = queueVerdict(preview, batch.skipBadRows);
  const over = overCheck(estimate);
  const { totals } = preview;
  const issuesShown = preview.issues.slice(0, ISSUES_SHOWN);
  const errors = preview.issues.filter((i) => i.severity === 'error').length;

  return (
    <div className="intake-preview-body">
      {error ? <ErrorNotice title={errorAt === 'submit' ? 'Could not queue the batch' : 'Could not preview the batch'} error={error} /> : null}

      <dl className="intake-totals" aria-label="Totals">
        <Total label="Files" value={totals.files} />
        <Total label="Rows" value={totals.rows} />
        <Total label="Jobs" value={totals.jobs} />
        <Total label="Images" value={totals.images} />
        <Total label="Errors" value={totals.errors} tone={totals.errors > 0 ? 'danger' : null} />
        <Total label="Warnings" value={totals.warnings} tone={totals.warnings > 0 ? 'warn' : null} />
      </dl>

      <section aria-labelledby="intake-files-title">
        <h3 id="intake-files-title" className="intake-section-title">
          Files
        </h3>
        <table className="intake-table">
          <thead>
            <tr>
              <th scope="col">File</th>
              <th scope="col">Read as</th>
              <th scope="col">Rows</th>
              <th scope="col">Jobs</th>
              <th scope="col">Images</th>
              <th scope="col">Errors</th>
            </tr>
          </thead>
          <tbody>
            {preview.files.map((file) => (
              <tr key={file.name}>
                <th scope="row" className="intake-file-name">
                  {file.name}
                </th>
                <td>{file.format ? (FORMAT_LABELS[file.format] ?? file.format) : 'Unreadable'}</td>
                <td className="intake-num">{file.rows.toLocaleString('en-US')}</td>
                <td className="intake-num">{file.jobs.toLocaleString('en-US')}</td>
                <td className="intake-num">{file.images.toLocaleString('en-US')}</td>
                <td className={file.errors > 0 ? 'intake-num is-danger' : 'intake-num'}>{file.errors.toLocaleString('en-US')}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {batch.notes.length > 0 ? (
          <ul className="intake-notes" aria-label="Files left out">
            {batch.notes.map((note) => (
              <li key={`${note.path}:${note.reason}`}>
                <span className="intake-mono">{note.path}</span> — {note.reason}
              </li>
            ))}
          </ul>
        ) : null}
      </section>

      {preview.issues.length > 0 ? (
        <section aria-labelledby="intake-issues-title">
          <h3 id="intake-issues-title" className="intake-section-title">
            Errors and warnings ({(totals.errors + totals.warnings).toLocaleString('en-US')})
          </h3>
          {/* Scrolls when long: focusable so the keyboard can scroll it too. */}
          <ul className="intake-issues" aria-labelledby="intake-issues-title" tabIndex={0}>
            {issuesShown.map((issue, index) => (
              <li key={index} className={issue.severity === 'error' ? 'intake-issue is-error' : 'intake-issue is-warning'}>
                <span className="intake-issue-badge">{issue.severity === 'error' ? 'Error' : 'Warning'}</span>
                <span className="intake-mono">{issueLocation(issue)}</span>
                <span className="intake-issue-reason">{issue.reason}</span>
              </li>
            ))}
          </ul>
          {preview.issues_truncated || preview.issues.length > ISSUES_SHOWN ? (
            <p className="intake-muted">Only the first {issuesShown.length.toLocaleString('en-US')} are listed; run `apex-director run FILE --dry-run` for all of them.</p>
          ) : null}
          {errors > 0 && (verdict.kind === 'skip-offer' || batch.skipBadRows) ? (
            <label className="intake-check">
              <input type="checkbox" checked={batch.skipBadRows} onChange={(e) => store.getState().setSkipBadRows(e.target.checked)} />
              Leave out the rows with errors and queue the {plural(totals.jobs, 'good job')}
            </label>
          ) : null}
        </section>
      ) : null}

      {preview.prompts.length > 0 ? (
        <section aria-labelledby="intake-examples-title">
          <h3 id="intake-examples-title" className="intake-section-title">
            First prompts
          </h3>
          <ol className="intake-examples">
            {preview.prompts.map((p, index) => (
              <li key={index}>
                <span className="intake-mono intake-faint">
                  {p.file}:{p.line}
                </span>{' '}
                {p.prompt}
                {p.negative_prompt ? <span className="intake-faint"> — not: {p.negative_prompt}</span> : null}
              </li>
            ))}
          </ol>
          {preview.files.some((file) => file.template_rows > 0) ? <p className="intake-muted">Dynamic prompts drawn with seed {preview.expansion.seed}: queueing repeats exactly these.</p> : null}
        </section>
      ) : null}

      <section aria-labelledby="intake-estimate-title" className="intake-estimate">
        <h3 id="intake-estimate-title" className="intake-section-title">
          Cost and time
        </h3>
        {estimate ? (
          <dl className="intake-facts">
            <dt>Cost</dt>
            <dd>
              <strong className="intake-num">{costLine(estimate)}</strong> <span className="intake-faint">{costBasis(estimate)}</span>
            </dd>
            <dt>Time</dt>
            <dd>{timeLine(estimate)}</dd>
            <dt>Confidence</dt>
            <dd>{percent(estimate.confidence_score)} that time and cost land within ±25%</dd>
          </dl>
        ) : estimateError ? (
          <ErrorNotice title="Could not estimate the batch" error={estimateError} onRetry={() => void store.getState().refresh()} />
        ) : batch.phase === 'previewing' ? (
          <p className="intake-muted">Estimating…</p>
        ) : (
          <p className="intake-muted">Nothing to estimate: no job can be queued.</p>
        )}
        {preview.routing.backends.length > 0 || preview.routing.unroutable.jobs > 0 ? (
          <table className="intake-table is-compact" aria-label="Where the jobs would go">
            <thead>
              <tr>
                <th scope="col">Backend</th>
                <th scope="col">Jobs</th>
                <th scope="col">Images</th>
                <th scope="col">At list price</th>
              </tr>
            </thead>
            <tbody>
              {preview.routing.backends.map((row) => (
                <tr key={row.backend}>
                  <th scope="row">{isBackendId(row.backend) ? BACKEND_LABELS[row.backend] : row.backend}</th>
                  <td className="intake-num">{row.jobs.toLocaleString('en-US')}</td>
                  <td className="intake-num">{row.images.toLocaleString('en-US')}</td>
                  <td className="intake-num">{usd(row.cost_usd)}</td>
                </tr>
              ))}
              {preview.routing.unroutable.jobs > 0 ? (
                <tr className="is-danger">
                  <th scope="row">No backend</th>
                  <td className="intake-num">{preview.routing.unroutable.jobs.toLocaleString('en-US')}</td>
                  <td className="intake-num">{preview.routing.unroutable.images.toLocaleString('en-US')}</td>
                  <td>{preview.routing.unroutable.reasons.map((r) => r.reason).join('; ')}</td>
                </tr>
              ) : null}
            </tbody>
          </table>
        ) : null}
      </section>

      <section aria-labelledby="intake-budget-title">
        <h3 id="intake-budget-title" className="intake-section-title">
          Budget
        </h3>
        {budget ? (
          <p className="intake-budget">
            {budgetStateLine(budget, 'daily')} · {budgetStateLine(budget, 'monthly')}
          </p>
        ) : (
          <p className="intake-muted">{batch.phase === 'previewing' ? 'Reading the budget…' : 'The budget could not be read; the estimate above still holds.'}</p>
        )}
        {over ? (
          <p className="intake-warning" role="note">
            Over the {over.period} budget: this batch would take the spend {periodWord(over.period)} to {dollars(over.after_usd)}, past the cap of {dollars(over.cap_usd)}. You will be asked before it is queued.
          </p>
        ) : estimate?.budget.some((check) => check.over_worst_case) ? (
          <p className="intake-muted">If jobs fall back to pricier backends, a budget cap could be passed.</p>
        ) : null}
      </section>

      <DefaultsFields defaults={batch.defaults} onChange={(patch) => store.getState().setDefaults(patch)} />
    </div>
  );
}

function Total({ label, value, tone = null }: { label: string; value: number; tone?: 'danger' | 'warn' | null }) {
  return (
    <div className={tone ? `intake-total is-${tone}` : 'intake-total'}>
      <dt>{label}</dt>
      <dd className="intake-num">{value.toLocaleString('en-US')}</dd>
    </div>
  );
}

/** Settings for the whole batch: a row's own value wins over them. */
function DefaultsFields({ defaults, onChange }: { defaults: DefaultsForm; onChange: (patch: Partial<DefaultsForm>) => void }) {
  const id = useId();
  return (
    <fieldset className="intake-defaults">
      <legend className="intake-section-title">For the whole batch (a row&apos;s own value wins)</legend>
      <label className="intake-field" htmlFor={`${id}-project`}>
        <span>Project</span>
        <input id={`${id}-project`} className="intake-input" value={defaults.project} maxLength={200} onChange={(e) => onChange({ project: e.target.value })} />
      </label>
      <label className="intake-field" htmlFor={`${id}-tags`}>
        <span>Tags</span>
        <input id={`${id}-tags`} className="intake-input" value={defaults.tags} placeholder="comma, separated" onChange={(e) => onChange({ tags: e.target.value })} />
      </label>
      <label className="intake-field" htmlFor={`${id}-backend`}>
        <span>Backend</span>
        <select
          id={`${id}-backend`}
          className="intake-input"
          value={defaults.backend}
          onChange={(e) => onChange({ backend: isBackendId(e.target.value) ? e.target.value : '' })}
        >
          <BackendOptions />
        </select>
      </label>
      <label className="intake-field" htmlFor={`${id}-priority`}>
        <span>Priority</span>
        <select id={`${id}-priority`} className="intake-input" value={defaults.priority} onChange={(e) => onChange({ priority: e.target.value as DefaultsForm['priority'] })}>
          <PriorityOptions values={Object.keys(PRIORITY_LABELS) as DefaultsForm['priority'][]} />
        </select>
      </label>
      <label className="intake-field" htmlFor={`${id}-size`}>
        <span>Size</span>
        <select id={`${id}-size`} className="intake-input" value={defaults.size} onChange={(e) => onChange({ size: e.target.value })}>
          <SizeOptions unsetLabel="As in the file (else the backend's default)" />
        </select>
      </label>
    </fieldset>
  );
}
