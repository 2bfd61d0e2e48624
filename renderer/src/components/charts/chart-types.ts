/** Chart data shapes, apart from the components so pure view models (and their tests) need no CSS or React. */

/** Colours come from CSS variables (charts.css), so both themes follow the OS like the rest of the app. */
export type ChartTone = 'series-1' | 'series-2' | 'series-3' | 'series-4' | 'series-5' | 'series-6' | 'ok' | 'warn' | 'danger' | 'idle' | 'accent';

export interface ChartSeries {
  label: string;
  tone: ChartTone;
}

export interface ChartColumn {
  /** Full name of the column (a day, a time): the data table and the tooltip use it. */
  label: string;
  /** Short tick text under the column; empty for none. */
  tick: string;
  /** One value per series, in series order. */
  values: readonly number[];
}
