import type { ErrorInfo } from '../lib/error-info';
import { FolderIcon } from './icons';

export type Tone = 'ok' | 'warn' | 'danger' | 'idle';

export interface StatusBarProps {
  connection: 'connecting' | 'connected' | 'error';
  error: ErrorInfo | null;
  libraryPath: string | null;
  queue: { queued: number; running: number; succeeded: number; failed: number } | null;
  orchestrator: { label: string; tone: Tone } | null;
  backends: { label: string; tone: Tone } | null;
}

const CONNECTION_LABEL: Record<StatusBarProps['connection'], string> = {
  connecting: 'Connecting…',
  connected: 'Connected',
  error: 'Core unreachable',
};

const CONNECTION_TONE: Record<StatusBarProps['connection'], Tone> = { connecting: 'idle', connected: 'ok', error: 'danger' };

function Dot({ tone }: { tone: Tone }) {
  return <span className={`status-dot tone-${tone}`} aria-hidden="true" />;
}

/** The bottom bar, always visible: where the library is, what the queue is doing, what can run. */
export function StatusBar({ connection, error, libraryPath, queue, orchestrator, backends }: StatusBarProps) {
  return (
    <footer className="status-bar" aria-label="Status">
      <div className="status-segment" title={error ? `${error.message}${error.incidentId ? ` (incident ${error.incidentId})` : ''}` : undefined}>
        <Dot tone={CONNECTION_TONE[connection]} />
        <span>{CONNECTION_LABEL[connection]}</span>
        {error ? (
          <span className="status-error" role="alert">
            {error.message}
            {error.incidentId ? <code className="status-incident">incident {error.incidentId}</code> : null}
          </span>
        ) : null}
      </div>

      <div className="status-segment is-library" title={libraryPath ?? undefined}>
        <FolderIcon size={14} className="status-icon" />
        <span className="status-label">Library</span>
        <span className="status-path" data-testid="status-library-path">
          {libraryPath ?? '—'}
        </span>
      </div>

      <div className="status-spacer" />

      {queue ? (
        <div className="status-segment" data-testid="status-queue">
          <span className="status-label">Queue</span>
          <span className="status-count">{queue.queued}</span> queued
          <span className="status-sep" aria-hidden="true">·</span>
          <span className="status-count">{queue.running}</span> running
          <span className="status-sep" aria-hidden="true">·</span>
          <span className="status-count">{queue.succeeded}</span> done
          {queue.failed > 0 ? (
            <>
              <span className="status-sep" aria-hidden="true">·</span>
              <span className="status-count tone-text-danger">{queue.failed}</span> failed
            </>
          ) : null}
        </div>
      ) : null}

      {orchestrator ? (
        <div className="status-segment" data-testid="status-orchestrator">
          <Dot tone={orchestrator.tone} />
          <span>{orchestrator.label}</span>
        </div>
      ) : null}

      {backends ? (
        <div className="status-segment" data-testid="status-backends">
          <Dot tone={backends.tone} />
          <span>{backends.label}</span>
        </div>
      ) : null}
    </footer>
  );
}
