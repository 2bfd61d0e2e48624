import { useStatusStore } from '../../app/stores';
import { Button } from '../../components/Button';
import { EmptyState } from '../../components/EmptyState';
import { ArrowIcon, QueueIcon } from '../../components/icons';
import { Kbd } from '../../components/Kbd';
import { PanelHeader } from '../../components/PanelHeader';
import { StatTile } from '../../components/StatTile';
import type { PanelProps } from '../panel-props';

export function QueuePanel({ onNavigate }: PanelProps) {
  const jobs = useStatusStore((s) => s.status?.jobs ?? null);
  return (
    <>
      <PanelHeader title="Queue" subtitle="Every prompt you send, in the order it will run: which backend took it, how many attempts, what it cost." />
      <div className="panel-body">
        <div className="stat-row" aria-label="Queue totals">
          <StatTile label="Queued" value={jobs?.queued ?? null} />
          <StatTile label="Running" value={jobs?.running ?? null} tone="accent" />
          <StatTile label="Done" value={jobs?.succeeded ?? null} tone="ok" />
          <StatTile label="Failed" value={jobs?.failed ?? null} tone="danger" />
        </div>
        <EmptyState
          icon={<QueueIcon size={34} />}
          title="Nothing in the queue yet"
          actions={
            <>
              <Button variant="primary" icon={<ArrowIcon size={16} />} onClick={() => onNavigate('health')}>
                Check which backends are ready
              </Button>
              <Button onClick={() => onNavigate('settings')}>Review the cascade order</Button>
            </>
          }
        >
          <p>
            Prompts you submit, one at a time or a whole batch file, line up here by priority. If a backend fails, is
            rate-limited or goes down, the next one in your cascade takes the job; nothing is lost if the app closes
            mid-batch.
          </p>
          <p className="empty-state-hint">
            Submitting prompts arrives in the next update. Until then, make sure the services you pay for are ready. Switch
            panels any time with <Kbd>1</Kbd>–<Kbd>5</Kbd>.
          </p>
        </EmptyState>
      </div>
    </>
  );
}
