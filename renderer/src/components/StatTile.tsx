/** One number with its label; `null` while the first status is on its way. */
export function StatTile({ label, value, tone }: { label: string; value: number | string | null; tone?: 'accent' | 'ok' | 'danger' }) {
  return (
    <div className={tone ? `stat-tile tone-${tone}` : 'stat-tile'}>
      <span className="stat-tile-value">{value === null ? '—' : typeof value === 'number' ? value.toLocaleString('en-US') : value}</span>
      <span className="stat-tile-label">{label}</span>
    </div>
  );
}
