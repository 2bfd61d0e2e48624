import { useShallow } from 'zustand/react/shallow';
import { useConfigStore, useStatusStore } from '../../app/stores';
import { ErrorNotice } from '../../components/ErrorNotice';
import { PanelHeader } from '../../components/PanelHeader';
import { usd } from '../../lib/format';
import { cascadeRows, priceLabel } from './cascade';

/** Read-only for now: the editor comes later. Shows what the core actually loaded, not a local copy. */
export function SettingsPanel() {
  const { config, phase, error, load } = useConfigStore(useShallow((s) => ({ config: s.config, phase: s.phase, error: s.error, load: s.load })));
  const libraryPath = useStatusStore((s) => s.status?.library.path ?? null);

  return (
    <>
      <PanelHeader title="Settings" subtitle="How this library generates: which services are tried, in what order, and within what limits." />
      <div className="panel-body">
        {error ? <ErrorNotice title="Could not read the settings" error={error} onRetry={() => void load()} /> : null}
        {phase === 'loading' && !config ? <p className="muted">Reading settings…</p> : null}
        {config ? (
          <>
            <section className="card" aria-labelledby="cascade-title">
              <header className="card-header">
                <h2 id="cascade-title" className="card-title">
                  Backend cascade
                </h2>
                <p className="card-subtitle">Each job goes to the first ready backend; when it fails or is rate-limited, the next one takes over.</p>
              </header>
              <table className="data-table" aria-labelledby="cascade-title">
                <thead>
                  <tr>
                    <th scope="col" className="is-numeric">
                      #
                    </th>
                    <th scope="col">Backend</th>
                    <th scope="col">Model</th>
                    <th scope="col">State</th>
                    <th scope="col" className="is-numeric">
                      Per image
                    </th>
                    <th scope="col" className="is-numeric">
                      Parallel
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {cascadeRows(config).map((row, index) => (
                    <tr key={row.id} className={row.enabled ? undefined : 'is-disabled'}>
                      <td className="is-numeric is-muted">{index + 1}</td>
                      <td>{row.label}</td>
                      <td className="is-mono">{row.model}</td>
                      <td>
                        <span className={row.enabled ? 'chip tone-ok' : 'chip tone-idle'}>{row.enabled ? 'Enabled' : 'Disabled'}</span>
                      </td>
                      <td className="is-numeric">{priceLabel(row)}</td>
                      <td className="is-numeric">{row.maxConcurrency}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>

            <div className="card-grid">
              <section className="card" aria-labelledby="orchestrator-title">
                <h2 id="orchestrator-title" className="card-title">
                  Orchestrator
                </h2>
                <dl className="facts">
                  <dt>Jobs at once</dt>
                  <dd>{config.orchestrator.max_concurrent_jobs}</dd>
                  <dt>Attempts per job</dt>
                  <dd>{config.orchestrator.max_attempts}</dd>
                  <dt>Retry automatically</dt>
                  <dd>{config.orchestrator.auto_retry ? 'Yes' : 'No'}</dd>
                  <dt>After a crash, paid jobs are</dt>
                  <dd>{config.orchestrator.recovery === 'requeue' ? 'run again' : 'held for you'}</dd>
                  <dt>Checkpoint every</dt>
                  <dd>{Math.round(config.orchestrator.checkpoint_interval / 60)} min</dd>
                </dl>
              </section>
              <section className="card" aria-labelledby="budget-title">
                <h2 id="budget-title" className="card-title">
                  Budget
                </h2>
                <dl className="facts">
                  <dt>Daily cap</dt>
                  <dd>{config.budget.daily_usd === null ? 'No cap' : usd(config.budget.daily_usd)}</dd>
                  <dt>Monthly cap</dt>
                  <dd>{config.budget.monthly_usd === null ? 'No cap' : usd(config.budget.monthly_usd)}</dd>
                </dl>
              </section>
            </div>
            <p className="muted small">
              These settings live in <code>{libraryPath ? `${libraryPath}/apex_config.json` : 'apex_config.json'}</code>, shared with the
              command line. An editor arrives in a later update; API keys are kept in your system keychain, never in this file.
            </p>
          </>
        ) : null}
      </div>
    </>
  );
}
