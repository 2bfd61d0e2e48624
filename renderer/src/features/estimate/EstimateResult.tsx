import { useStore } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import type { BatchEstimate, BudgetCheck } from '../../../../shared/domain/estimate';
import { ErrorNotice } from '../../components/ErrorNotice';
import { StatTile } from '../../components/StatTile';
import { backendSplit, confidenceLabel, costBasis, costRange, makespanRange, money, span } from './estimate-view';
import type { EstimateStore } from './estimate.store';

const ERROR_TITLES = {
  read: 'Could not read the batch',
  preview: 'Could not read the batch',
  estimate: 'Could not estimate the batch',
} as const;

/** Issues listed under the figures; the rest are counted. */
const ISSUES_SHOWN = 8;

/**
 * The figures for the batch on the left: jobs and images, cost range with its basis and confidence,
 * how long until the last job ends, the split per backend and what it does to the budget. Tiles keep
 * their size while a new estimate is on its way (no layout shift; the old figures dim).
 */
export function EstimateResult({ store }: { store: EstimateStore }) {
  const { phase, preview, result, error, errorAt, stale, run } = useStore(
    store,
    useShallow((s) => ({ phase: s.phase, preview: s.preview, result: s.result, error: s.error, errorAt: s.errorAt, stale: s.stale, run: s.run })),
  );
  const estimate = result?.estimate ?? null;
  const busy = phase === 'working';
  const confidence = estimate ? confidenceLabel(estimate.confidence_score) : null;

  return (
    <section className="card estimate-result" aria-labelledby="estimate-result-title" aria-busy={busy}>
      <header className="card-header">
        <h2 id="estimate-result-title" className="card-title">
          Estimate
        </h2>
        <p className="card-subtitle" aria-live="polite">
          {busy ? 'Simulating your queue…' : stale ? 'The text changed: press Estimate batch for new figures.' : estimate ? 'If you queued it now, with the jobs already waiting ahead of it.' : 'Paste, drop or open a batch, then press Estimate batch: the figures appear here.'}
        </p>
      </header>
      <div className={stale || busy ? 'estimate-result-body is-dim' : 'estimate-result-body'}>
        {error && errorAt ? <ErrorNotice title={ERROR_TITLES[errorAt]} error={error} onRetry={errorAt === 'read' ? undefined : () => void run()} /> : null}
        <div className="estimate-tiles" data-testid="estimate-tiles">
          <StatTile label="Jobs" value={preview ? preview.totals.jobs : null} />
          <StatTile label="Images" value={preview ? preview.totals.images : null} />
          <StatTile label="Cost (80% range)" value={estimate ? costRange(estimate.cost) : null} tone="accent" />
          <StatTile label="Until the last job ends" value={estimate ? makespanRange(estimate.makespan) : null} />
        </div>
        {estimate ? (
          <>
            <dl className="facts estimate-facts">
              <dt>Expected cost</dt>
              <dd>{money(estimate.cost.expected_usd)}</dd>
              <dt>Expected time</dt>
              <dd>{span(estimate.makespan.expected_ms)}</dd>
              <dt>Confidence</dt>
              <dd>
                <span className={`chip tone-${confidence!.tone}`}>{confidence!.text}</span>
              </dd>
              {estimate.unroutable_jobs > 0 ? (
                <>
                  <dt>No backend can take</dt>
                  <dd className="is-warn">{estimate.unroutable_jobs.toLocaleString('en-US')} jobs</dd>
                </>
              ) : null}
              {result && result.skipped_rows > 0 ? (
                <>
                  <dt>Rows with errors, left out</dt>
                  <dd className="is-warn">{result.skipped_rows.toLocaleString('en-US')}</dd>
                </>
              ) : null}
            </dl>
            <p className="estimate-basis">{costBasis(estimate)}</p>
            <BackendSplit estimate={estimate} />
            <BudgetImpact checks={estimate.budget} over={estimate.over_budget} />
            {estimate.warnings.length > 0 ? (
              <ul className="estimate-warnings" aria-label="Warnings">
                {estimate.warnings.map((w) => (
                  <li key={w}>{w}</li>
                ))}
              </ul>
            ) : null}
          </>
        ) : null}
        {preview && !estimate && phase === 'done' ? (
          <p className="estimate-nothing" role="status">
            {preview.totals.rows === 0 ? 'No prompts found: is the format right?' : 'Nothing in this batch could be queued: fix the errors below.'}
          </p>
        ) : null}
        {preview && preview.issues.length > 0 ? (
          <div className="estimate-issues">
            <h3 className="estimate-subtitle">
              {preview.totals.errors > 0 ? `${preview.totals.errors.toLocaleString('en-US')} errors` : ''}
              {preview.totals.errors > 0 && preview.totals.warnings > 0 ? ', ' : ''}
              {preview.totals.warnings > 0 ? `${preview.totals.warnings.toLocaleString('en-US')} warnings` : ''}
            </h3>
            <ul className="estimate-issue-list">
              {preview.issues.slice(0, ISSUES_SHOWN).map((issue, i) => (
                <li key={i} className={`estimate-issue is-${issue.severity}`}>
                  <span className="estimate-issue-where">
                    {issue.line !== null ? `line ${issue.line}${issue.column !== null ? `:${issue.column}` : ''}` : issue.file}
                    {issue.field ? ` · ${issue.field}` : ''}
                  </span>
                  <span>{issue.reason}</span>
                </li>
              ))}
            </ul>
            {preview.issues.length > ISSUES_SHOWN ? <p className="muted small">…and {preview.issues.length - ISSUES_SHOWN} more.</p> : null}
          </div>
        ) : null}
        {preview && preview.prompts.length > 0 ? (
          <div className="estimate-prompts">
            <h3 className="estimate-subtitle">First prompts</h3>
            <ol className="estimate-prompt-list">
              {preview.prompts.map((p, i) => (
                <li key={i}>{p.prompt}</li>
              ))}
            </ol>
          </div>
        ) : null}
      </div>
    </section>
  );
}

function BackendSplit({ estimate }: { estimate: BatchEstimate }) {
  const rows = backendSplit(estimate);
  if (rows.length === 0) return null;
  return (
    <div className="estimate-split chart-palette">
      <div className="estimate-split-bar" aria-hidden="true">
        {rows.map((row) => (
          <span key={row.backend} className={`estimate-split-part chart-swatch tone-${row.tone}`} style={{ width: `${row.share * 100}%` }} />
        ))}
      </div>
      <table className="data-table estimate-split-table" aria-label="Split per backend">
        <thead>
          <tr>
            <th scope="col">Backend</th>
            <th scope="col" className="is-numeric">
              Jobs
            </th>
            <th scope="col" className="is-numeric">
              Images
            </th>
            <th scope="col" className="is-numeric">
              Cost
            </th>
            <th scope="col" className="is-numeric">
              Share
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.backend}>
              <th scope="row" className="estimate-row-head">
                <span className="estimate-split-name">
                  <span className={`chart-swatch tone-${row.tone}`} aria-hidden="true" />
                  {row.label}
                  {row.confirmed ? null : <span className="chip tone-warn">unconfirmed price</span>}
                </span>
              </th>
              <td className="is-numeric">{row.jobs}</td>
              <td className="is-numeric">{row.images}</td>
              <td className="is-numeric">{row.cost}</td>
              <td className="is-numeric">{Math.round(row.share * 100)}%</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function BudgetImpact({ checks, over }: { checks: readonly BudgetCheck[]; over: boolean }) {
  if (checks.length === 0) return <p className="muted small">No budget cap is set, so nothing stops this batch on cost.</p>;
  return (
    <div className={over ? 'estimate-budget is-over' : 'estimate-budget'} role={over ? 'alert' : undefined}>
      <h3 className="estimate-subtitle">{over ? 'This batch would pass a budget cap' : 'Budget after this batch'}</h3>
      <ul className="estimate-budget-list">
        {checks.map((check) => (
          <li key={check.period}>
            <strong>{check.period === 'daily' ? 'Today' : 'This month'}:</strong> {money(check.spent_usd)} spent
            {check.queued_usd > 0 ? ` + ${money(check.queued_usd)} queued` : ''} + {money(check.batch_usd)} this batch = {money(check.after_usd)} of {money(check.cap_usd)}
            {check.over ? ' — over the cap; paid backends would stop there and the rest would wait.' : check.over_worst_case ? ' — over it only if every job fell back to its dearest backend.' : '.'}
          </li>
        ))}
      </ul>
    </div>
  );
}
