import type { KeyboardEvent, ReactNode } from 'react';

export interface NavRailItem<Id extends string> {
  id: Id;
  label: string;
  shortcut: string;
  icon: ReactNode;
  group: string;
  /** A short count shown at the right edge (e.g. jobs waiting); hidden when null. */
  badge?: string | null;
  /** A coloured dot summarising the panel's state; hidden when null. */
  tone?: 'ok' | 'warn' | 'danger' | null;
}

export interface NavRailProps<Id extends string> {
  label: string;
  items: readonly NavRailItem<Id>[];
  groups: readonly { id: string; label: string }[];
  activeId: Id;
  onSelect(id: Id): void;
}

/**
 * The left rail. One tab stop (the active item); arrow keys, Home and End move between items, as in a
 * toolbar, so keyboard users do not tab through every panel to reach the content.
 */
export function NavRail<Id extends string>({ label, items, groups, activeId, onSelect }: NavRailProps<Id>) {
  const onKeyDown = (event: KeyboardEvent<HTMLElement>) => {
    const buttons = [...event.currentTarget.querySelectorAll<HTMLButtonElement>('button[data-nav-item]')];
    const index = buttons.findIndex((button) => button === document.activeElement);
    if (index < 0) return;
    const next = { ArrowDown: index + 1, ArrowUp: index - 1, Home: 0, End: buttons.length - 1 }[event.key];
    if (next === undefined) return;
    event.preventDefault();
    buttons[(next + buttons.length) % buttons.length]?.focus();
  };

  return (
    <nav className="nav-rail" aria-label={label} onKeyDown={onKeyDown}>
      {groups.map((group) => (
        <div key={group.id} className={`nav-group nav-group-${group.id}`}>
          <div className="nav-group-label" id={`nav-group-${group.id}`}>
            {group.label}
          </div>
          <ul className="nav-list" aria-labelledby={`nav-group-${group.id}`}>
            {items
              .filter((item) => item.group === group.id)
              .map((item) => {
                const active = item.id === activeId;
                return (
                  <li key={item.id}>
                    <button
                      type="button"
                      data-nav-item={item.id}
                      className={active ? 'nav-item is-active' : 'nav-item'}
                      aria-current={active ? 'page' : undefined}
                      aria-keyshortcuts={`${item.shortcut} Control+${item.shortcut}`}
                      tabIndex={active ? 0 : -1}
                      onClick={() => onSelect(item.id)}
                    >
                      <span className="nav-item-icon">{item.icon}</span>
                      <span className="nav-item-label">{item.label}</span>
                      {item.tone ? <span className={`nav-item-dot tone-${item.tone}`} aria-hidden="true" /> : null}
                      {item.badge ? <span className="nav-item-badge">{item.badge}</span> : null}
                      <kbd className="nav-item-key" aria-hidden="true">
                        {item.shortcut}
                      </kbd>
                    </button>
                  </li>
                );
              })}
          </ul>
        </div>
      ))}
    </nav>
  );
}
