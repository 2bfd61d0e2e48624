import { fraction } from './chart-scale';
import './charts.css';

export interface MeterProps {
  /** Accessible name, e.g. "Spent today". */
  label: string;
  value: number;
  /** null: no limit set; the meter shows the value alone. */
  max: number | null;
  /** Text after the label: "$1.20 of $5.00". */
  valueText: string;
  /** Extra line under the bar (what happens at the cap, when it resets). */
  hint?: string;
}

/**
 * A horizontal gauge with a fixed height: a real ARIA meter when there is a limit, a plain figure when
 * there is none. Turns amber past 80 % and red at the limit.
 */
export function Meter({ label, value, max, valueText, hint }: MeterProps) {
  const share = fraction(value, max);
  const tone = share === null ? 'idle' : share >= 1 ? 'danger' : share >= 0.8 ? 'warn' : 'accent';
  return (
    <div className="meter">
      <div className="meter-head">
        <span className="meter-label">{label}</span>
        <span className="meter-value">{valueText}</span>
      </div>
      {max === null ? (
        <div className="meter-track is-empty" aria-hidden="true" />
      ) : (
        <div
          className="meter-track"
          role="meter"
          aria-label={label}
          aria-valuemin={0}
          aria-valuemax={max}
          aria-valuenow={Math.min(value, max)}
          aria-valuetext={valueText}
        >
          <div className={`meter-fill tone-${tone}`} style={{ width: `${(share ?? 0) * 100}%` }} />
        </div>
      )}
      {hint ? <span className="meter-hint">{hint}</span> : null}
    </div>
  );
}
