import { useShallow } from 'zustand/react/shallow';
import { useStatusStore } from '../../app/stores';
import { StatusBar } from '../../components/StatusBar';
import { backendsView, orchestratorView } from './status-view';

export function StatusBarContainer() {
  const { status, phase, error } = useStatusStore(useShallow((s) => ({ status: s.status, phase: s.phase, error: s.error })));
  const connection = phase === 'error' ? 'error' : phase === 'ready' ? 'connected' : 'connecting';
  return (
    <StatusBar
      connection={connection}
      error={phase === 'error' ? error : null}
      libraryPath={status?.library.path ?? null}
      queue={status ? status.jobs : null}
      orchestrator={status ? orchestratorView(status) : null}
      backends={status ? backendsView(status) : null}
    />
  );
}
