import { Fragment, useEffect } from 'react';
import { Dialog } from '../components/Dialog';
import { Kbd } from '../components/Kbd';
import { groupShortcuts, isMac, isModifier, keyLabel } from './help-shortcuts';
import { SHORTCUTS } from './shortcuts';
import './theme-and-help.css';

function Keys({ keys, mac }: { keys: readonly string[]; mac: boolean }) {
  return (
    <span className="help-keys">
      {keys.map((key, index) => (
        <Fragment key={index}>
          {key === '…' ? <span className="help-key-sep">…</span> : <Kbd>{keyLabel(key, mac)}</Kbd>}
          {isModifier(key) && index < keys.length - 1 ? <span className="help-key-sep">+</span> : null}
        </Fragment>
      ))}
    </span>
  );
}

function isEditable(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || target.matches('input, textarea, select');
}

/** `?` (Shift+/) opens the overlay from anywhere except while typing, where it is just a character. */
export function useHelpShortcut(open: () => void): void {
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || event.repeat) return;
      if (event.key !== '?' || isEditable(event.target)) return;
      event.preventDefault();
      open();
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [open]);
}

/** Every shortcut of SHORTCUTS, grouped by where it works; the list is the single source, so it cannot drift. */
export function HelpOverlay({ open, onClose }: { open: boolean; onClose(): void }) {
  const mac = isMac();
  return (
    <Dialog open={open} onClose={onClose} title="Keyboard shortcuts" description="Press ? anywhere to show this list; Escape closes it." size="medium" className="help-overlay">
      {/* The list scrolls on small windows: a focusable region, so the keyboard can scroll it too. */}
      <div className="help-scroll" role="region" aria-label="Shortcut list" tabIndex={0}>
        {groupShortcuts(SHORTCUTS).map((group) => (
          <section key={group.scope} className="help-group" aria-labelledby={`help-scope-${group.scope.replace(/\W+/g, '-')}`}>
            <h3 id={`help-scope-${group.scope.replace(/\W+/g, '-')}`} className="help-scope">
              {group.scope}
            </h3>
            <ul className="help-list">
              {group.rows.map((row) => (
                <li key={`${row.keys.join(' ')} ${row.description}`} className="help-row">
                  <Keys keys={row.keys} mac={mac} />
                  <span className="help-description">{row.description}</span>
                </li>
              ))}
            </ul>
          </section>
        ))}
      </div>
    </Dialog>
  );
}
