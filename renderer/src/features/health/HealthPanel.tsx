import { useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useApi } from '../../api/api-context';
import { useStatusStore } from '../../app/stores';
import { ErrorNotice } from '../../components/ErrorNotice';
import { PanelHeader } from '../../components/PanelHeader';
import { StatTile } from '../../components/StatTile';
import { capitalize } from '../../lib/format';
import type { PanelProps } from '../panel-props';
import { AuditLogCard } from './AuditLogCard';
import { createAuditStore } from './audit.store';
import { BackendHealthCard } from './BackendHealthCard';
import { createHealthStore } from './health.store';
import { systemTiles } from './health-view';
import './health.css';

/**
 * How the system is doing (issue 8 part 6): system figures from the shared status store, each backend's
 * breaker, success rate, latency, last error and timeline, and the audit log.
 */
export function HealthPanel({ onNavigate }: PanelProps) {
  const client = useApi();
  const [health] = useState(() => createHealthStore(client));
  const [audit] = useState(() => createAuditStore(client));
  useEffect(() => health.getState().start(), [health]);
  useEffect(() => audit.getState().start(), [audit]);
  const { status, error, refresh } = useStatusStore(useShallow((s) => ({ status: s.status, error: s.error, refresh: s.refresh })));
  const tiles = status ? systemTiles(status) : null;

  return (
    <>
      <PanelHeader
        title="Health"
        subtitle="Which services can take work right now, how they have been doing, and everything the queue did."
        actions={status ? <span className={`chip tone-${status.orchestrator.status === 'running' ? 'ok' : 'idle'}`}>Orchestrator {capitalize(status.orchestrator.status)}</span> : null}
      />
      <div className="panel-body health-panel">
        {error ? <ErrorNotice title="Could not read the status" error={error} onRetry={() => void refresh()} /> : null}
        <div className="stat-row" aria-label="System" role="group">
          {tiles
            ? tiles.map((tile) => <StatTile key={tile.label} label={tile.label} value={tile.value} tone={tile.tone} />)
            : ['Core uptime', 'Jobs per hour', 'Success rate', 'Average cost per job'].map((label) => <StatTile key={label} label={label} value={null} />)}
        </div>
        <BackendHealthCard store={health} onNavigate={onNavigate} />
        <AuditLogCard store={audit} />
      </div>
    </>
  );
}
