import { useShallow } from 'zustand/react/shallow';
import { useStatusStore } from '../../app/stores';
import { ErrorNotice } from '../../components/ErrorNotice';
import { PanelHeader } from '../../components/PanelHeader';
import { StatTile } from '../../components/StatTile';
import { BACKEND_LABELS, capitalize, duration, isBackendReady, percent } from '../../lib/format';
import { backendsView } from '../status/status-view';
import type { BackendStatus } from '../../../../shared/domain/status';

const BREAKER_LABEL: Record<BackendStatus['state'], string> = {
  closed: 'Healthy',
  half_open: 'Probing',
  open: 'Cooling down',
  disabled: 'Off',
};

function readiness(backend: BackendStatus): { text: string; tone: 'ok' | 'warn' | 'idle' } {
  if (isBackendReady(backend)) return { text: 'Ready', tone: 'ok' };
  if (!backend.enabled) return { text: 'Disabled', tone: 'idle' };
  return { text: 'Not ready', tone: 'warn' };
}

export function HealthPanel() {
  const { status, error, refresh } = useStatusStore(useShallow((s) => ({ status: s.status, error: s.error, refresh: s.refresh })));
  const backends = status ? backendsView(status) : null;

  return (
    <>
      <PanelHeader title="Health" subtitle="Which services can take work right now, and why the others cannot." />
      <div className="panel-body">
        {error ? <ErrorNotice title="Could not read the status" error={error} onRetry={() => void refresh()} /> : null}
        {status && backends ? (
          <>
            <div className="stat-row">
              <StatTile label="Backends ready" value={`${backends.ready} / ${status.backends.items.length}`} tone="accent" />
              <StatTile label="Orchestrator" value={capitalize(status.orchestrator.status)} />
              <StatTile label="Success rate" value={percent(status.performance.success_rate)} tone="ok" />
              <StatTile label="Core uptime" value={duration(status.orchestrator.uptime_seconds)} />
            </div>
            <section className="card" aria-labelledby="backends-title">
              <header className="card-header">
                <h2 id="backends-title" className="card-title">
                  Backends
                </h2>
              </header>
              <div className="backend-row is-head" aria-hidden="true">
                <span />
                <span>Backend</span>
                <span>Status</span>
                <span className="backend-row-metric">Circuit</span>
                <span className="backend-row-metric">Success</span>
                <span className="backend-row-metric">Jobs</span>
              </div>
              <ul className="backend-list">
                {status.backends.items.map((backend) => {
                  const ready = readiness(backend);
                  return (
                    <li key={backend.id} className="backend-row">
                      <span className={`status-dot tone-${ready.tone}`} aria-hidden="true" />
                      <div className="backend-row-name">
                        <span className="backend-row-title">{BACKEND_LABELS[backend.id]}</span>
                        <span className="backend-row-reason">{backend.unavailable_reason ?? 'Will take jobs in cascade order'}</span>
                      </div>
                      <span className={`chip tone-${ready.tone}`}>{ready.text}</span>
                      <span className="backend-row-metric" title="Circuit breaker">
                        {BREAKER_LABEL[backend.state]}
                      </span>
                      <span className="backend-row-metric" title="Success rate">
                        {percent(backend.success_rate)}
                      </span>
                      <span className="backend-row-metric">
                        {backend.jobs_succeeded} ok · {backend.jobs_failed} failed
                      </span>
                    </li>
                  );
                })}
              </ul>
            </section>
          </>
        ) : null}
        {!status && !error ? <p className="muted">Asking the core…</p> : null}
      </div>
    </>
  );
}
