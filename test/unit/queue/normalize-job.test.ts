import { describe, expect, it } from 'vitest';
import { normalizeJob } from '../../../main/core/queue/normalize-job';

describe('normalizeJob', () => {
  it('fills defaults, draws and stores a seed, and lets the job override batch defaults', () => {
    const job = normalizeJob({ prompt: 'a fox', tags: ['b'], params: { steps: 30 } }, { project: 'P', tags: ['a', 'b'], priority: 4, params: { steps: 20, count: 2 } }, () => 0.25);
    expect(job).toMatchObject({ prompt: 'a fox', project: 'P', tags: ['a', 'b'], priority: 4, params: { width: 1024, height: 1024, steps: 30, count: 2, seed: 1073741824 } });
  });

  it('turns an aspect ratio into a ~1 MP size in steps of 64', () => {
    expect(normalizeJob({ prompt: 'x', params: { aspect_ratio: '16:9' } }).params).toMatchObject({ width: 1344, height: 768, aspect_ratio: '16:9' });
    expect(normalizeJob({ prompt: 'x', params: { width: 512 } }).params).toMatchObject({ width: 512, height: 512 });
  });

  it('keeps an explicit seed and replaces -1 with a drawn one', () => {
    expect(normalizeJob({ prompt: 'x', params: { seed: 42 } }).params.seed).toBe(42);
    expect(normalizeJob({ prompt: 'x', params: { seed: -1 } }, {}, () => 0).params.seed).toBe(0);
  });
});
