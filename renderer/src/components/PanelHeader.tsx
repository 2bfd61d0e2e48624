import type { ReactNode } from 'react';

/** The top of every panel: its name (the page's only h1), one line on what it is for, and optional actions. */
export function PanelHeader({ title, subtitle, actions }: { title: string; subtitle: string; actions?: ReactNode }) {
  return (
    <header className="panel-header">
      <div className="panel-header-text">
        <h1 id="panel-title" className="panel-title">
          {title}
        </h1>
        <p className="panel-subtitle">{subtitle}</p>
      </div>
      {actions ? <div className="panel-header-actions">{actions}</div> : null}
    </header>
  );
}
