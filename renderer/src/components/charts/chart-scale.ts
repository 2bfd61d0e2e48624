/**
 * Pure geometry for the hand-written SVG charts: a "nice" axis maximum, its ticks, and the rectangles of
 * stacked columns. No DOM, so it is unit-tested on its own.
 */

/** The smallest of 1, 2, 2.5, 5 × 10^k at or above `value` (0 stays 0: an empty chart has no scale). */
export function niceCeiling(value: number): number {
  if (!Number.isFinite(value) || value <= 0) return 0;
  const exponent = Math.floor(Math.log10(value));
  const base = 10 ** exponent;
  for (const step of [1, 2, 2.5, 5, 10]) {
    const candidate = step * base;
    // Tolerance for float noise: 0.3 must not become 0.5 because 3 × 0.1 is 0.30000000000000004.
    if (candidate >= value * (1 - 1e-9)) return Number(candidate.toPrecision(12));
  }
  return 10 * base;
}

/** `count` + 1 evenly spaced ticks from 0 to `max` (just [0] when max is 0). */
export function ticks(max: number, count = 4): number[] {
  if (max <= 0) return [0];
  return Array.from({ length: count + 1 }, (_, i) => Number(((max * i) / count).toPrecision(12)));
}

export interface StackSegment {
  series: number;
  value: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface StackColumn {
  index: number;
  total: number;
  x: number;
  width: number;
  segments: StackSegment[];
}

/**
 * Columns of stacked segments in a `width` × `height` plot: equal slots with a gap, the first series at
 * the bottom. Values below 0 count as 0; a non-zero segment is at least `minPx` tall so one cheap call on
 * a busy day still shows.
 */
export function stackColumns(columns: readonly (readonly number[])[], width: number, height: number, max: number, options: { gap?: number; minPx?: number } = {}): StackColumn[] {
  const gap = options.gap ?? 0.2;
  const minPx = options.minPx ?? 1;
  const slot = columns.length > 0 ? width / columns.length : 0;
  const barWidth = Math.max(1, slot * (1 - gap));
  return columns.map((values, index) => {
    const x = index * slot + (slot - barWidth) / 2;
    let top = height;
    const segments: StackSegment[] = [];
    let total = 0;
    values.forEach((raw, series) => {
      const value = Math.max(0, raw);
      total += value;
      if (value === 0 || max <= 0) return;
      const h = Math.max(minPx, (value / max) * height);
      top -= h;
      segments.push({ series, value, x, y: Math.max(0, top), width: barWidth, height: Math.min(h, top + h) });
    });
    return { index, total, x, width: barWidth, segments };
  });
}

/** Share of a cap used, clamped to [0, 1]; null when there is no cap. */
export function fraction(value: number, cap: number | null): number | null {
  if (cap === null) return null;
  if (cap <= 0) return value > 0 ? 1 : 0;
  return Math.min(1, Math.max(0, value / cap));
}
