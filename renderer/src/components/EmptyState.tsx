import type { ReactNode } from 'react';

export interface EmptyStateProps {
  icon: ReactNode;
  title: string;
  /** What the panel will do once it has something to show. */
  children: ReactNode;
  /** What the artist can do right now. */
  actions?: ReactNode;
}

export function EmptyState({ icon, title, children, actions }: EmptyStateProps) {
  return (
    <section className="empty-state" aria-labelledby="empty-state-title">
      <div className="empty-state-art" aria-hidden="true">
        {icon}
      </div>
      <h2 id="empty-state-title" className="empty-state-title">
        {title}
      </h2>
      <div className="empty-state-body">{children}</div>
      {actions ? <div className="empty-state-actions">{actions}</div> : null}
    </section>
  );
}
