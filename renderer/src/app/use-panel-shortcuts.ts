import { useEffect } from 'react';
import { panelForShortcut, type PanelId } from './navigation';

function isEditable(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || target.matches('input, textarea, select');
}

/**
 * 1–5 switch panels, as in Lightroom's module keys. Plain digits are ignored while typing in a field
 * (prompts contain digits); Ctrl/⌘ + digit works everywhere.
 */
export function usePanelShortcuts(select: (panel: PanelId) => void): void {
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.altKey || event.shiftKey || event.repeat) return;
      const withModifier = event.ctrlKey || event.metaKey;
      if (!withModifier && isEditable(event.target)) return;
      const panel = panelForShortcut(event.key);
      if (!panel) return;
      event.preventDefault();
      select(panel);
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [select]);
}
