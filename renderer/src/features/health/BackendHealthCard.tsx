import { useStore } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import { Button } from '../../components/Button';
import { StackedBarChart } from '../../components/charts/StackedBarChart';
import { ErrorNotice } from '../../components/ErrorNotice';
import type { PanelProps } from '../panel-props';
import { backendName, backendState, lastErrorText, latency, rate, TIMELINE_RANGES, TIMELINE_SERIES, timelineView, type TimelineRange } from './health-view';
import type { HealthStore } from './health.store';

/**
 * Every backend's state as the cascade sees it: circuit breaker, success rate and latency over the health
 * window, calls in flight, the last error, and a small timeline of its calls.
 */
export function BackendHealthCard({ store, onNavigate }: { store: HealthStore } & PanelProps) {
  const { health, timeline, range, error, load, setRange, now } = useStore(
    store,
    useShallow((s) => ({ health: s.health, timeline: s.timeline, range: s.range, error: s.error, load: s.load, setRange: s.setRange, now: s.now })),
  );
  const realReady = health?.items.some((i) => i.id !== 'demo' && i.enabled && i.set_up) ?? true;
  const windowMinutes = health ? Math.round(health.window_ms / 60_000) : 15;

  return (
    <section className="card" aria-labelledby="backends-title">
      <header className="card-header health-card-header">
        <div>
          <h2 id="backends-title" className="card-title">
            Backends
          </h2>
          <p className="card-subtitle">Success rate and latency over the last {windowMinutes} minutes; the timeline shows every call.</p>
        </div>
        <div className="health-range" role="group" aria-label="Timeline range">
          {(Object.keys(TIMELINE_RANGES) as TimelineRange[]).map((key) => (
            <button key={key} type="button" className="health-range-button" aria-pressed={range === key} onClick={() => setRange(key)}>
              {TIMELINE_RANGES[key].label}
            </button>
          ))}
        </div>
      </header>
      {error ? <ErrorNotice title="Could not read backend health" error={error} onRetry={() => void load()} /> : null}
      {!realReady ? (
        <div className="health-setup" role="note">
          <p>No image service is set up yet: only the offline demo backend can take jobs.</p>
          <Button size="small" variant="primary" onClick={() => onNavigate('settings')}>
            Set up a backend in Settings
          </Button>
        </div>
      ) : null}
      <div className="health-table-scroll">
        <table className="data-table health-table" aria-label="Backend health">
          <thead>
            <tr>
              <th scope="col">Backend</th>
              <th scope="col">State</th>
              <th scope="col" className="is-numeric">
                Success
              </th>
              <th scope="col" className="is-numeric">
                p50
              </th>
              <th scope="col" className="is-numeric">
                p95
              </th>
              <th scope="col" className="is-numeric">
                Calls
              </th>
              <th scope="col">{TIMELINE_RANGES[range].label}</th>
              <th scope="col">Last error</th>
            </tr>
          </thead>
          <tbody>
            {(health?.items ?? []).map((item) => {
              const state = backendState(item, now);
              const row = timeline?.items.find((t) => t.backend === item.id);
              const view = row && timeline ? timelineView(row, timeline.bucket_ms, range) : null;
              const errorText = lastErrorText(item, now);
              return (
                <tr key={item.id} className={item.enabled ? undefined : 'is-disabled'}>
                  <th scope="row" className="health-name">
                    <span className={`status-dot tone-${state.tone}`} aria-hidden="true" />
                    {backendName(item.id)}
                  </th>
                  <td>
                    <span className={`chip tone-${state.tone === 'danger' ? 'warn' : state.tone}`} title={state.detail}>
                      {state.text}
                    </span>
                  </td>
                  <td className="is-numeric">{rate(item.success_rate)}</td>
                  <td className="is-numeric">{latency(item.p50_ms)}</td>
                  <td className="is-numeric">{latency(item.p95_ms)}</td>
                  <td className="is-numeric">
                    {item.calls.toLocaleString('en-US')}
                    {item.in_flight > 0 ? <span className="health-inflight"> +{item.in_flight} now</span> : null}
                  </td>
                  <td className="health-timeline-cell">
                    {view ? <StackedBarChart variant="sparkline" height={28} label={view.label} series={TIMELINE_SERIES} columns={view.columns} formatValue={(v) => `${v} calls`} /> : <span className="health-timeline-empty" />}
                  </td>
                  <td className={item.last_error ? 'health-error' : 'health-error is-none'} title={item.last_error ? errorText : undefined}>
                    {errorText}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <p className="health-legend chart-palette" aria-hidden="true">
        {TIMELINE_SERIES.map((s) => (
          <span key={s.label} className="chart-legend-item">
            <span className={`chart-swatch tone-${s.tone}`} />
            {s.label}
          </span>
        ))}
      </p>
    </section>
  );
}
