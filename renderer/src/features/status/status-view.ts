import type { Status } from '../../../../shared/domain/status';
import type { Tone } from '../../components/StatusBar';
import { backendsReadyLabel, isBackendReady } from '../../lib/format';

/** Pure mapping from the status document to what the frame shows, so the wording is tested without a DOM. */
export function orchestratorView(status: Status): { label: string; tone: Tone } {
  switch (status.orchestrator.status) {
    case 'running':
      return { label: 'Orchestrator running', tone: 'ok' };
    case 'paused':
      return { label: 'Orchestrator paused', tone: 'warn' };
    case 'stopped':
      return { label: 'Orchestrator stopped', tone: 'idle' };
  }
}

export function backendsView(status: Status): { label: string; tone: Tone; ready: number } {
  const ready = status.backends.items.filter(isBackendReady).length;
  // Only the offline demo ready means nothing real can generate: worth a warning colour.
  const realReady = status.backends.items.filter((item) => item.id !== 'demo' && isBackendReady(item)).length;
  const tone: Tone = ready === 0 ? 'danger' : realReady === 0 ? 'warn' : 'ok';
  return { label: backendsReadyLabel(status), tone, ready };
}
