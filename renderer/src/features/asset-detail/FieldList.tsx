import type { FieldRow } from './provenance';

/** Label/value rows as a description list; long values (hashes, paths) wrap instead of widening the panel. */
export function FieldList({ rows }: { rows: readonly FieldRow[] }) {
  return (
    <dl className="asset-detail-fields">
      {rows.map((row) => (
        <div key={row.label} className="asset-detail-field">
          <dt>{row.label}</dt>
          <dd className={row.mono ? 'is-mono' : undefined}>{row.value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** A titled part of the side panel; its heading names it for screen readers (role "region"). */
export function DetailSection({ id, title, children, actions }: { id: string; title: string; children: React.ReactNode; actions?: React.ReactNode }) {
  const headingId = `asset-detail-${id}`;
  return (
    <section className="asset-detail-section" aria-labelledby={headingId}>
      <header className="asset-detail-section-header">
        <h3 id={headingId}>{title}</h3>
        {actions ? <div className="asset-detail-section-actions">{actions}</div> : null}
      </header>
      {children}
    </section>
  );
}
