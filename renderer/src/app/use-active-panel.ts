import { useCallback, useEffect, useState } from 'react';
import { DEFAULT_PANEL, isPanelId, type PanelId } from './navigation';

function panelFromHash(hash: string): PanelId {
  const id = hash.replace(/^#\/?/, '');
  return isPanelId(id) ? id : DEFAULT_PANEL;
}

/**
 * The active panel lives in the URL hash so a reload (or a bookmark in browser mode) reopens the same
 * panel. `replaceState` rather than new history entries: panels are views, not pages to go "back" through.
 */
export function useActivePanel(): [PanelId, (panel: PanelId) => void] {
  const [panel, setPanel] = useState<PanelId>(() => panelFromHash(window.location.hash));

  useEffect(() => {
    const onHashChange = () => setPanel(panelFromHash(window.location.hash));
    window.addEventListener('hashchange', onHashChange);
    return () => window.removeEventListener('hashchange', onHashChange);
  }, []);

  const select = useCallback((next: PanelId) => {
    setPanel(next);
    window.history.replaceState(null, '', `#${next}`);
  }, []);

  return [panel, select];
}
