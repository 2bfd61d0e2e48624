import { niceCeiling, stackColumns, ticks } from './chart-scale';
import type { ChartColumn, ChartSeries } from './chart-types';
import './charts.css';

export type { ChartColumn, ChartSeries, ChartTone } from './chart-types';

export interface StackedBarChartProps {
  /** What the chart shows, in one sentence with its key numbers: the SVG's accessible name. */
  label: string;
  series: readonly ChartSeries[];
  columns: readonly ChartColumn[];
  formatValue(value: number): string;
  /** Plot height in CSS pixels (fixed, so live data never moves the layout). */
  height?: number;
  /** `sparkline`: no axes, no legend, no table (a caller shows the numbers elsewhere). */
  variant?: 'full' | 'sparkline';
  /** Caption of the data table in the <details> under a full chart. */
  tableCaption?: string;
}

const VIEW_HEIGHT = 100;
const SLOT = 10;

/**
 * Stacked columns drawn as inline SVG. The plot stretches to its box (preserveAspectRatio none) while
 * axis labels are HTML, so text stays crisp at any width. Accessible as one image with a summary name,
 * plus the numbers in a real table behind "Show the numbers".
 */
export function StackedBarChart({ label, series, columns, formatValue, height = 160, variant = 'full', tableCaption }: StackedBarChartProps) {
  const max = niceCeiling(Math.max(0, ...columns.map((c) => c.values.reduce((a, b) => a + Math.max(0, b), 0))));
  const width = Math.max(1, columns.length) * SLOT;
  const layout = stackColumns(
    columns.map((c) => c.values),
    width,
    VIEW_HEIGHT,
    max,
    { gap: variant === 'sparkline' ? 0.15 : 0.25, minPx: variant === 'sparkline' ? 4 : 1.5 },
  );
  const axis = variant === 'full' ? ticks(max, 4) : [];

  const plot = (
    <svg
      className="chart-plot"
      role="img"
      aria-label={label}
      viewBox={`0 0 ${width} ${VIEW_HEIGHT}`}
      preserveAspectRatio="none"
      style={{ height }}
    >
      {axis.map((tick) => {
        const y = max > 0 ? VIEW_HEIGHT - (tick / max) * VIEW_HEIGHT : VIEW_HEIGHT;
        return <line key={tick} className="chart-grid" x1={0} x2={width} y1={y} y2={y} vectorEffect="non-scaling-stroke" />;
      })}
      {variant === 'sparkline' ? <line className="chart-baseline" x1={0} x2={width} y1={VIEW_HEIGHT} y2={VIEW_HEIGHT} vectorEffect="non-scaling-stroke" /> : null}
      {layout.map((column) => (
        <g key={column.index}>
          <title>{`${columns[column.index]!.label}: ${column.total > 0 ? formatValue(column.total) : 'nothing'}`}</title>
          {/* An invisible full-height target so the tooltip works on empty and short columns too. */}
          <rect className="chart-hit" x={column.index * SLOT} y={0} width={SLOT} height={VIEW_HEIGHT} />
          {column.segments.map((segment) => (
            <rect
              key={segment.series}
              className={`chart-fill tone-${series[segment.series]?.tone ?? 'idle'}`}
              x={segment.x}
              y={segment.y}
              width={segment.width}
              height={segment.height}
            />
          ))}
        </g>
      ))}
    </svg>
  );

  if (variant === 'sparkline') return <div className="chart is-sparkline">{plot}</div>;

  return (
    <figure className="chart">
      <div className="chart-frame">
        <div className="chart-y-axis" aria-hidden="true" style={{ height }}>
          {axis.map((tick) => (
            <span key={tick} className="chart-y-tick" style={{ bottom: `${max > 0 ? (tick / max) * 100 : 0}%` }}>
              {formatValue(tick)}
            </span>
          ))}
        </div>
        <div className="chart-body">
          {plot}
          <div className="chart-x-axis" aria-hidden="true" style={{ gridTemplateColumns: `repeat(${Math.max(1, columns.length)}, minmax(0, 1fr))` }}>
            {columns.map((column, i) => (
              <span key={i} className="chart-x-tick">
                {column.tick}
              </span>
            ))}
          </div>
        </div>
      </div>
      <figcaption className="chart-legend">
        {series.map((s) => (
          <span key={s.label} className="chart-legend-item">
            <span className={`chart-swatch tone-${s.tone}`} aria-hidden="true" />
            {s.label}
          </span>
        ))}
      </figcaption>
      {tableCaption ? (
        <details className="chart-data">
          <summary>Show the numbers</summary>
          <table className="data-table is-compact chart-table">
            <caption className="data-table-caption">{tableCaption}</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                {series.map((s) => (
                  <th key={s.label} scope="col" className="is-numeric">
                    {s.label}
                  </th>
                ))}
                {series.length > 1 ? (
                  <th scope="col" className="is-numeric">
                    Total
                  </th>
                ) : null}
              </tr>
            </thead>
            <tbody>
              {columns.map((column, i) => (
                <tr key={i}>
                  <th scope="row">{column.label}</th>
                  {series.map((s, j) => (
                    <td key={s.label} className="is-numeric">
                      {formatValue(column.values[j] ?? 0)}
                    </td>
                  ))}
                  {series.length > 1 ? <td className="is-numeric">{formatValue(column.values.reduce((a, b) => a + b, 0))}</td> : null}
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      ) : null}
    </figure>
  );
}
