import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../../shared/domain/config';
import { normalDraw, seededRandom } from '../../../main/core/estimator/random';
import { fitTimeModel, timePrior, type TimeFeatures, type TimeSample } from '../../../main/core/estimator/time-model';

/** A latency model the estimator does not know: a GPU about three times faster than the SDXL defaults, with its own shape. */
function trueSdxlMs(x: TimeFeatures): number {
  const steps = x.steps ?? 30;
  return 900 + 350 * x.images + 150 * x.images * x.megapixels + 75 * x.images * x.megapixels * steps + 40 * (x.prompt_chars / 1000);
}

/** A remote API: a fixed overhead and a per-image time that grows with size; steps are ignored. */
function trueRemoteMs(x: TimeFeatures): number {
  return 2_200 + 4_800 * x.images + 2_600 * x.images * x.megapixels;
}

const SIZES = [
  [512, 512],
  [768, 768],
  [1024, 1024],
  [832, 1216],
  [1024, 1536],
  [1536, 1536],
] as const;

/** Jobs drawn like an artist's mixed batches, with multiplicative (log-normal) noise of 10%. */
function history(n: number, seed: number, truth: (x: TimeFeatures) => number, noise = 0.1): TimeSample[] {
  const random = seededRandom(seed);
  return Array.from({ length: n }, () => {
    const [w, h] = SIZES[Math.floor(random() * SIZES.length)]!;
    const x: TimeFeatures = {
      megapixels: (w * h) / 1_000_000,
      steps: 15 + Math.floor(random() * 36),
      images: 1 + Math.floor(random() * 4),
      prompt_chars: 20 + Math.floor(random() * 600),
    };
    return { ...x, ms: truth(x) * Math.exp(noise * normalDraw(random)) };
  });
}

function heldOutScore(train: TimeSample[], test: TimeSample[], backend: string) {
  const model = fitTimeModel(backend, train, timePrior(backend, defaultConfig()));
  let errors = 0;
  let covered = 0;
  for (const sample of test) {
    const predicted = model.predict(sample);
    errors += Math.abs(predicted - sample.ms) / sample.ms;
    const { low_ms, high_ms } = model.interval(predicted);
    if (sample.ms >= low_ms && sample.ms <= high_ms) covered += 1;
  }
  return { model, mape: errors / test.length, coverage: covered / test.length };
}

describe('time model learned from history', () => {
  it('predicts held-out SDXL jobs within 15% and its 80% interval covers 75–85% of them', () => {
    const { mape, coverage } = heldOutScore(history(400, 1, trueSdxlMs), history(3_000, 2, trueSdxlMs), 'sdxl');
    expect(mape).toBeLessThan(0.15);
    expect(coverage).toBeGreaterThanOrEqual(0.75);
    expect(coverage).toBeLessThanOrEqual(0.85);
  });

  it('does the same for a remote API whose time does not depend on steps', () => {
    const { mape, coverage } = heldOutScore(history(300, 3, trueRemoteMs), history(3_000, 4, trueRemoteMs), 'nano_banana');
    expect(mape).toBeLessThan(0.15);
    expect(coverage).toBeGreaterThanOrEqual(0.75);
    expect(coverage).toBeLessThanOrEqual(0.85);
  });

  it('keeps calibrated intervals with noisier history', () => {
    const { coverage } = heldOutScore(history(500, 5, trueSdxlMs, 0.25), history(3_000, 6, trueSdxlMs, 0.25), 'sdxl');
    expect(coverage).toBeGreaterThanOrEqual(0.75);
    expect(coverage).toBeLessThanOrEqual(0.85);
  });

  it('starts from the per-backend defaults, with a wide interval and low confidence', () => {
    const prior = timePrior('sdxl', defaultConfig());
    const model = fitTimeModel('sdxl', [], prior);
    const x: TimeFeatures = { megapixels: 1.048576, steps: 30, images: 1, prompt_chars: 100 };
    expect(model.samples).toBe(0);
    expect(model.predict(x)).toBeGreaterThan(5_000); // ~8 s on a mid-range GPU
    expect(model.interval(1_000)).toEqual({ low_ms: 500, high_ms: 2_000 });
    expect(model.within_band).toBe(0);
  });

  it('learns the speed of a much faster machine from a handful of calls (the defaults are rescaled, not trusted)', () => {
    const fast = (x: TimeFeatures) => trueSdxlMs(x) / 20;
    const { model } = heldOutScore(history(6, 7, fast), [], 'sdxl');
    const test = history(500, 8, fast, 0);
    const mape = test.reduce((s, t) => s + Math.abs(model.predict(t) - t.ms) / t.ms, 0) / test.length;
    expect(mape).toBeLessThan(0.35);
  });

  it('narrows its interval and its speed uncertainty as history grows', () => {
    const prior = timePrior('sdxl', defaultConfig());
    const few = fitTimeModel('sdxl', history(8, 9, trueSdxlMs), prior);
    const many = fitTimeModel('sdxl', history(300, 9, trueSdxlMs), prior);
    expect(many.high_ratio / many.low_ratio).toBeLessThan(few.high_ratio / few.low_ratio);
    expect(many.speed_sigma).toBeLessThan(few.speed_sigma);
    expect(many.within_band / many.ratios.length).toBeGreaterThan(0.9);
  });

  it('reads the demo backend\'s configured latency as its default', () => {
    const config = defaultConfig();
    config.backends.demo.latency_ms = 400;
    const model = fitTimeModel('demo', [], timePrior('demo', config));
    expect(model.predict({ megapixels: 0.26, steps: null, images: 1, prompt_chars: 10 })).toBeGreaterThan(400);
    expect(model.predict({ megapixels: 0.26, steps: null, images: 1, prompt_chars: 10 })).toBeLessThan(500);
  });
});
