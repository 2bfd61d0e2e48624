import { useStore } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import { Button } from '../../components/Button';
import { Meter } from '../../components/charts/Meter';
import { StackedBarChart } from '../../components/charts/StackedBarChart';
import { ErrorNotice } from '../../components/ErrorNotice';
import type { PanelProps } from '../panel-props';
import { accuracyRows, backendLabel, budgetMeter, money, moneyTick, spendChart } from './estimate-view';
import { ACCURACY_WINDOW, SPEND_DAYS, type SpendStore } from './spend.store';

/** Spend so far against the caps, and the daily chart by backend. */
export function SpendCard({ store, onNavigate }: { store: SpendStore } & PanelProps) {
  const { budget, spend, history, error, load } = useStore(
    store,
    useShallow((s) => ({ budget: s.budget, spend: s.spend, history: s.history, error: s.error, load: s.load })),
  );
  const chart = history ? spendChart(history) : null;
  const daily = budget ? budgetMeter('daily', budget.daily) : null;
  const monthly = budget ? budgetMeter('monthly', budget.monthly) : null;
  const noCaps = budget !== null && budget.daily.cap_usd === null && budget.monthly.cap_usd === null;

  return (
    <section className="card" aria-labelledby="estimate-spend-title">
      <header className="card-header estimate-card-header">
        <div>
          <h2 id="estimate-spend-title" className="card-title">
            Spend
          </h2>
          <p className="card-subtitle">
            {spend ? `${money(spend.total_usd)} over the last ${SPEND_DAYS} days` : `The last ${SPEND_DAYS} days`}
            {spend && spend.possibly_billed_usd > 0 ? `, of which ${money(spend.possibly_billed_usd)} from calls cut off that may have been billed` : ''}
          </p>
        </div>
        {noCaps ? (
          <Button size="small" onClick={() => onNavigate('settings')}>
            Set a budget
          </Button>
        ) : null}
      </header>
      <div className="estimate-card-body">
        {error ? <ErrorNotice title="Could not read spend" error={error} onRetry={() => void load()} /> : null}
        <div className="estimate-meters">
          {daily ? <Meter {...daily} /> : <div className="meter-placeholder" />}
          {monthly ? <Meter {...monthly} /> : <div className="meter-placeholder" />}
        </div>
        {budget?.paid_dispatch === 'stopped' ? (
          <p className="estimate-stopped" role="status">
            {budget.reason ?? 'A budget cap is reached'}: paid backends wait; free ones keep working.
          </p>
        ) : null}
        <div className="estimate-chart-slot">
          {chart && !chart.empty ? (
            <StackedBarChart label={chart.label} series={chart.series} columns={chart.columns} formatValue={moneyTick} tableCaption={`Spend per day, last ${SPEND_DAYS} days`} />
          ) : (
            <div className="estimate-chart-empty">
              <p>{history ? 'Spend appears here once jobs run on a paid backend.' : 'Reading spend…'}</p>
            </div>
          )}
        </div>
      </div>
    </section>
  );
}

/** How right past estimates were, per backend: the cost and time stored at queueing against what happened. */
export function AccuracyCard({ store }: { store: SpendStore }) {
  const accuracy = useStore(store, (s) => s.accuracy);
  const rows = accuracy ? accuracyRows(accuracy) : [];
  return (
    <section className="card" aria-labelledby="estimate-accuracy-title">
      <header className="card-header">
        <h2 id="estimate-accuracy-title" className="card-title">
          Estimate accuracy
        </h2>
        <p className="card-subtitle">Average error of the estimates stored when the last {ACCURACY_WINDOW} jobs were queued, against what they really took and cost.</p>
      </header>
      {rows.length > 0 ? (
        <table className="data-table" aria-label="Estimate accuracy by backend">
          <thead>
            <tr>
              <th scope="col">Backend</th>
              <th scope="col" className="is-numeric">
                Jobs
              </th>
              <th scope="col" className="is-numeric">
                Cost error
              </th>
              <th scope="col" className="is-numeric">
                Time error
              </th>
              <th scope="col" className="is-numeric">
                Time inside the 80% range
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.backend + row.label}>
                <th scope="row" className="estimate-row-head">
                  <span className="estimate-split-name">
                    <span className={`status-dot tone-${row.tone}`} aria-hidden="true" />
                    {row.label}
                  </span>
                </th>
                <td className="is-numeric">{row.jobs.toLocaleString('en-US')}</td>
                <td className="is-numeric">{row.cost}</td>
                <td className="is-numeric">{row.time}</td>
                <td className="is-numeric">{row.inRange}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="estimate-card-empty">{accuracy ? 'Accuracy appears here once jobs that were estimated have finished.' : 'Reading past estimates…'}</p>
      )}
    </section>
  );
}

/** Each backend's price per image now, for a 1K image: unconfirmed prices marked. */
export function PricesCard({ store }: { store: SpendStore }) {
  const prices = useStore(store, (s) => s.prices);
  if (!prices) return null;
  return (
    <table className="data-table is-compact" aria-label="Price per image">
      <caption className="data-table-caption">Price per image today (1K image), from the price table of {prices.effective_from} or your own setting</caption>
      <thead>
        <tr>
          <th scope="col">Backend</th>
          <th scope="col">Model</th>
          <th scope="col" className="is-numeric">
            Per image
          </th>
        </tr>
      </thead>
      <tbody>
        {prices.effective.map((quote) => (
          <tr key={quote.backend}>
            <th scope="row" className="estimate-row-head">
              {backendLabel(quote.backend)}
            </th>
            <td className="is-mono">{quote.model ?? '—'}</td>
            <td className="is-numeric" title={quote.source}>
              {quote.usd_per_image === 0 ? 'Free' : money(quote.usd_per_image)}
              {quote.confirmed ? '' : ' *'}
            </td>
          </tr>
        ))}
      </tbody>
      {prices.effective.some((q) => !q.confirmed) ? (
        <tfoot>
          <tr>
            <td colSpan={3} className="is-muted small">
              * unconfirmed: not checked against the provider&apos;s own price page
            </td>
          </tr>
        </tfoot>
      ) : null}
    </table>
  );
}
