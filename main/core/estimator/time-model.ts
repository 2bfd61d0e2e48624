import type { Config } from '../../../shared/domain/config';
import { normalDraw } from './random';
import { quantileSorted, solveLinear } from './stats';

/**
 * How long one call takes on a backend, learned from its finished calls (generation_records): a
 * regression on megapixels, steps, images per request and prompt length, shrunk toward per-backend
 * default coefficients while there is little history (ridge regression centred on the defaults, the
 * defaults first rescaled to the history's overall speed so one fast GPU does not take fifty runs to
 * learn). Noise is multiplicative (a call that takes twice as long is as likely at 2 s as at 20 s), so
 * the fit weighs relative errors, and the 80% interval comes from the ratios actual/predicted of
 * held-out calls (k-fold cross-validation): an interval that really covers four calls in five.
 */

/** The regression's terms, in ms: per call, per image, per image-megapixel, per image-megapixel-step, per 1,000 prompt characters. */
export const TIME_TERMS = ['call', 'image', 'image_megapixel', 'image_megapixel_step', 'prompt_kchar'] as const;
export type Coefficients = readonly number[];

export interface TimeFeatures {
  megapixels: number;
  steps: number | null;
  images: number;
  prompt_chars: number;
}

export interface TimeSample extends TimeFeatures {
  ms: number;
}

export interface TimePrior {
  coefficients: Coefficients;
  /** Only diffusion backends run a step count; for the others `steps` is ignored. */
  uses_steps: boolean;
  /** Steps assumed when a job names none. */
  default_steps: number;
}

/** Default coefficients (ms), educated guesses that history quickly replaces. */
const REMOTE_DEFAULTS: Record<string, Coefficients> = {
  // Gemini image calls: ~10 s for one 1K image, more for bigger tiers.
  nano_banana: [3_000, 6_000, 2_000, 0, 300],
  imagen: [2_500, 5_000, 2_000, 0, 200],
  // MiniMax image-01 is slower per image.
  minimax: [4_000, 9_000, 3_000, 0, 300],
};
/** SDXL on a mid-range GPU: ~8 s for 1024² at 30 steps (≈ 230 ms per megapixel-step). */
const SDXL_DEFAULTS: Coefficients = [800, 300, 200, 230, 50];
const UNKNOWN_DEFAULTS: Coefficients = [3_000, 6_000, 2_000, 0, 300];
/** The demo sleeps `latency_ms` per call, then draws each image with sharp. */
const DEMO_RENDER_MS_PER_IMAGE = 15;
const DEMO_RENDER_MS_PER_MEGAPIXEL = 80;
const DEFAULT_SDXL_STEPS = 30;

/** How many observations the default coefficients are worth against history. */
export const PRIOR_OBSERVATIONS = 2;
/** Pseudo-observations at "the defaults' speed is right" when rescaling them to history. */
const SCALE_PSEUDO_OBSERVATIONS = 0.5;
const REWEIGHT_ITERATIONS = 3;
/** Huber's constant: residuals beyond this many robust standard deviations get proportionally less weight. */
const HUBER_K = 1.345;
const MAD_TO_SIGMA = 1.4826;
/** Simulated call times resample held-out ratios clipped to this many robust standard deviations around their median. */
const DRAW_CLIP_SIGMAS = 3;
/** Predictions never go below this share of the (rescaled) defaults: a linear fit must not extrapolate to 0 ms. */
const FLOOR_SHARE_OF_DEFAULTS = 0.1;
const MIN_PREDICTION_MS = 1;

export const INTERVAL_COVERAGE = 0.8;
const LOW_QUANTILE = (1 - INTERVAL_COVERAGE) / 2;
const HIGH_QUANTILE = 1 - LOW_QUANTILE;
/** Interval multipliers before there is history: a factor of two either way. */
const DEFAULT_LOW_RATIO = 0.5;
const DEFAULT_HIGH_RATIO = 2;
/** Weight (in held-out calls) of the default interval against the learned one. */
const INTERVAL_PRIOR_OBSERVATIONS = 3;
const MAX_FOLDS = 10;
/** Fewer held-out ratios than this: noise is drawn log-normal from the interval instead of resampled. */
const MIN_RATIOS_TO_RESAMPLE = 10;
/** Floor on the log-noise of calls, so a run of identical timings does not claim perfect knowledge. */
const MIN_LOG_NOISE = 0.02;
/** z of the 90th percentile of a standard normal. */
const Z90 = 1.2816;

/** "Close enough" for the confidence figure: the real time within ±25% of the estimate. */
export const CONFIDENCE_BAND = 0.25;
/** Confidence before any evidence, and how many calls that guess is worth. */
export const CONFIDENCE_PRIOR = 0.3;
export const CONFIDENCE_PRIOR_OBSERVATIONS = 5;

export function timePrior(backend: string, config: Config): TimePrior {
  if (backend === 'demo') {
    const latency = config.backends.demo.latency_ms;
    return { coefficients: [latency + 20, DEMO_RENDER_MS_PER_IMAGE, DEMO_RENDER_MS_PER_MEGAPIXEL, 0, 0], uses_steps: false, default_steps: 0 };
  }
  if (backend === 'sdxl') return { coefficients: SDXL_DEFAULTS, uses_steps: true, default_steps: config.backends.sdxl.steps ?? DEFAULT_SDXL_STEPS };
  return { coefficients: REMOTE_DEFAULTS[backend] ?? UNKNOWN_DEFAULTS, uses_steps: false, default_steps: 0 };
}

export function featureVector(x: TimeFeatures, prior: TimePrior): number[] {
  const steps = prior.uses_steps ? (x.steps ?? prior.default_steps) : 0;
  const imageMegapixels = x.images * x.megapixels;
  return [1, x.images, imageMegapixels, imageMegapixels * steps, x.prompt_chars / 1000];
}

function dot(a: readonly number[], b: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

interface CoreFit {
  coefficients: number[];
  /** The defaults rescaled to the history's speed: the centre of the shrinkage and the prediction floor. */
  centre: number[];
}

function predictWith(fit: CoreFit, features: readonly number[]): number {
  return Math.max(dot(fit.coefficients, features), FLOOR_SHARE_OF_DEFAULTS * dot(fit.centre, features), MIN_PREDICTION_MS);
}

function median(values: readonly number[]): number {
  return quantileSorted([...values].sort((x, y) => x - y), 0.5);
}

/** 1.4826 × the median absolute deviation: the standard deviation of normal data, unmoved by outliers. */
export function robustLogScale(logs: readonly number[]): number {
  if (logs.length < 2) return MIN_LOG_NOISE;
  const centre = median(logs);
  return Math.max(MIN_LOG_NOISE, MAD_TO_SIGMA * median(logs.map((v) => Math.abs(v - centre))));
}

/** Weighted ridge regression centred on the rescaled defaults. */
function fitCore(rows: readonly { x: number[]; y: number }[], prior: TimePrior): CoreFit {
  const base = [...prior.coefficients];
  if (rows.length === 0) return { coefficients: base, centre: base };
  // The median log ratio (robust to a few cold-start calls), pulled toward 1 by a fraction of a call.
  const logRatios = rows.map((row) => Math.log(row.y / Math.max(dot(base, row.x), MIN_PREDICTION_MS)));
  const scale = Math.exp((median(logRatios) * rows.length) / (rows.length + SCALE_PSEUDO_OBSERVATIONS));
  const centre = base.map((c) => c * scale);
  let fit: CoreFit = { coefficients: centre, centre };
  const k = centre.length;
  for (let iteration = 0; iteration < REWEIGHT_ITERATIONS; iteration++) {
    // Relative errors (weight 1/ŷ²), and Huber weights so that a few freak calls (a model loading, a cold
    // start) bend the fit less than the many ordinary ones.
    const predictions = rows.map((row) => predictWith(fit, row.x));
    const residuals = rows.map((row, i) => Math.log(row.y / predictions[i]!));
    const spreadOfResiduals = robustLogScale(residuals);
    const weights = rows.map((_, i) => Math.min(1, HUBER_K / (Math.abs(residuals[i]!) / spreadOfResiduals)) / predictions[i]! ** 2);
    // A term the history never exercises (steps for a remote API) keeps its default.
    const spread = Array.from({ length: k }, (_, j) => rows.reduce((s, row, i) => s + weights[i]! * row.x[j]! ** 2, 0) / rows.length);
    const active = spread.map((s, j) => (s > 0 ? j : -1)).filter((j) => j >= 0);
    const a = active.map(() => new Array<number>(active.length).fill(0));
    const b = new Array<number>(active.length).fill(0);
    rows.forEach((row, i) => {
      const w = weights[i]!;
      // Regress the part of y the inactive terms do not explain.
      let fixed = 0;
      for (let j = 0; j < k; j++) if (spread[j] === 0) fixed += centre[j]! * row.x[j]!;
      active.forEach((p, ai) => {
        b[ai] = b[ai]! + w * row.x[p]! * (row.y - fixed);
        const aRow = a[ai]!;
        active.forEach((q, aj) => (aRow[aj] = aRow[aj]! + w * row.x[p]! * row.x[q]!));
      });
    });
    active.forEach((p, ai) => {
      const lambda = PRIOR_OBSERVATIONS * spread[p]!;
      a[ai]![ai] = a[ai]![ai]! + lambda;
      b[ai] = b[ai]! + lambda * centre[p]!;
    });
    const solved = solveLinear(a, b);
    if (!solved) break;
    const coefficients = [...centre];
    active.forEach((p, ai) => (coefficients[p] = solved[ai]!));
    fit = { coefficients, centre };
  }
  return fit;
}

export interface FittedTimeModel {
  backend: string;
  samples: number;
  prior: TimePrior;
  coefficients: number[];
  /** Held-out ratios actual / predicted, sorted (empty without history). */
  ratios: number[];
  low_ratio: number;
  high_ratio: number;
  /** Held-out calls within ±25% of their prediction, of `ratios.length`. */
  within_band: number;
  predict(x: TimeFeatures): number;
  /** The 80% interval around a prediction. */
  interval(expectedMs: number): { low_ms: number; high_ms: number };
  /** One random duration for the simulation: the prediction times a resampled held-out ratio. */
  draw(expectedMs: number, random: () => number): number;
  /**
   * How unsure the backend's overall speed is (standard deviation of its log): wide on defaults alone,
   * shrinking as history grows. A simulation run draws one speed per backend from it, because a wrong
   * guess slows every job of a batch together — independent per-job noise would average it away.
   */
  speed_sigma: number;
  drawSpeed(random: () => number): number;
}

export function fitTimeModel(backend: string, samples: readonly TimeSample[], prior: TimePrior): FittedTimeModel {
  const rows = samples.filter((s) => Number.isFinite(s.ms) && s.ms > 0).map((s) => ({ x: featureVector(s, prior), y: s.ms }));
  const fit = fitCore(rows, prior);
  const ratios = heldOutRatios(rows, prior).sort((a, b) => a - b);
  const blend = (empirical: number, fallback: number) =>
    Math.exp((ratios.length * Math.log(empirical) + INTERVAL_PRIOR_OBSERVATIONS * Math.log(fallback)) / (ratios.length + INTERVAL_PRIOR_OBSERVATIONS));
  const lowRatio = ratios.length === 0 ? DEFAULT_LOW_RATIO : blend(quantileSorted(ratios, LOW_QUANTILE), DEFAULT_LOW_RATIO);
  const highRatio = ratios.length === 0 ? DEFAULT_HIGH_RATIO : blend(quantileSorted(ratios, HIGH_QUANTILE), DEFAULT_HIGH_RATIO);
  const withinBand = ratios.filter((r) => Math.abs(r - 1) <= CONFIDENCE_BAND).length;
  // A freak call stays in the interval's tail but is not replayed at full size in every simulated batch.
  const logRatios = ratios.map(Math.log);
  const clipCentre = logRatios.length > 0 ? median(logRatios) : 0;
  const clipSpread = DRAW_CLIP_SIGMAS * robustLogScale(logRatios);
  const drawRatios = logRatios.map((v) => Math.exp(Math.min(clipCentre + clipSpread, Math.max(clipCentre - clipSpread, v))));
  const sigma = Math.log(highRatio / lowRatio) / (2 * Z90);
  const middle = Math.sqrt(lowRatio * highRatio);
  const defaultSigma = Math.log(DEFAULT_HIGH_RATIO / DEFAULT_LOW_RATIO) / (2 * Z90);
  const logs = ratios.map(Math.log);
  const logMean = logs.reduce((a, b) => a + b, 0) / Math.max(1, logs.length);
  const noise = logs.length >= 2 ? Math.sqrt(logs.reduce((s, v) => s + (v - logMean) ** 2, 0) / (logs.length - 1)) : defaultSigma;
  // Posterior spread of the log mean speed: the defaults' spread, narrowed by each call's evidence.
  const speedSigma = 1 / Math.sqrt(1 / defaultSigma ** 2 + rows.length / Math.max(noise, MIN_LOG_NOISE) ** 2);
  return {
    backend,
    samples: rows.length,
    prior,
    coefficients: fit.coefficients,
    ratios,
    low_ratio: lowRatio,
    high_ratio: highRatio,
    within_band: withinBand,
    predict: (x) => predictWith(fit, featureVector(x, prior)),
    interval: (expected) => ({ low_ms: expected * lowRatio, high_ms: expected * highRatio }),
    speed_sigma: speedSigma,
    drawSpeed: (random) => Math.exp(speedSigma * normalDraw(random)),
    draw: (expected, random) =>
      drawRatios.length >= MIN_RATIOS_TO_RESAMPLE ? expected * drawRatios[Math.floor(random() * drawRatios.length)]! : expected * middle * Math.exp(sigma * normalDraw(random)),
  };
}

/** Ratios actual/predicted of each call predicted by a model that did not see it (k-fold, folds by position). */
function heldOutRatios(rows: readonly { x: number[]; y: number }[], prior: TimePrior): number[] {
  if (rows.length < 2) return [];
  const folds = Math.min(MAX_FOLDS, rows.length);
  const ratios: number[] = [];
  for (let fold = 0; fold < folds; fold++) {
    const train = rows.filter((_, i) => i % folds !== fold);
    const fit = fitCore(train, prior);
    rows.forEach((row, i) => {
      if (i % folds === fold) ratios.push(row.y / predictWith(fit, row.x));
    });
  }
  return ratios;
}

/** Chance of landing within ±25%, from hits out of trials, shrunk toward the prior guess. */
export function bandConfidence(hits: number, trials: number): number {
  return (hits + CONFIDENCE_PRIOR_OBSERVATIONS * CONFIDENCE_PRIOR) / (trials + CONFIDENCE_PRIOR_OBSERVATIONS);
}
