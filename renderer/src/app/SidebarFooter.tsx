import { useCallback, useState } from 'react';
import { Button } from '../components/Button';
import { HelpOverlay, useHelpShortcut } from './HelpOverlay';
import { ThemePicker } from './theme-picker';
import { useTheme } from './theme-hook';

/**
 * The foot of the sidebar: theme choice and the shortcuts list. It is rendered after <main> and placed into
 * the sidebar's grid cell by CSS, so Tab goes rail → panel → here, not through these before the content.
 */
export function SidebarFooter() {
  const [theme, setTheme] = useTheme();
  const [helpOpen, setHelpOpen] = useState(false);
  const openHelp = useCallback(() => setHelpOpen(true), []);
  useHelpShortcut(openHelp);

  return (
    <div className="sidebar-footer">
      <ThemePicker value={theme} onChange={setTheme} />
      <Button size="small" variant="ghost" className="sidebar-help-button" aria-keyshortcuts="?" onClick={openHelp}>
        Keyboard shortcuts <kbd className="kbd" aria-hidden="true">?</kbd>
      </Button>
      <HelpOverlay open={helpOpen} onClose={() => setHelpOpen(false)} />
    </div>
  );
}
