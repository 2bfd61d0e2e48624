import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { createDemoBackend, DEMO_MODEL } from '../../../main/core/backends/demo';
import { BackendError, type GenerationRequest } from '../../../main/core/backends/types';

const request: GenerationRequest = {
  prompt: 'a red fox in the snow, <script>alert("x")</script> & friends',
  negative_prompt: 'blurry',
  width: 320,
  height: 192,
  aspect_ratio: null,
  sampler: null,
  steps: null,
  cfg_scale: null,
  seed: 1234,
  count: 2,
  model: null,
};
const call = (signal = new AbortController().signal) => ({ signal, credential: null });

describe('demo backend', () => {
  const backend = createDemoBackend({ latencyMs: 0 });

  it('declares itself free, offline and its limits', () => {
    expect(backend.id).toBe('demo');
    expect(backend.paid).toBe(false);
    expect(backend.capabilities).toEqual({
      min_side: 64,
      max_side: 2048,
      aspect_ratios: [],
      max_images_per_request: 4,
      negative_prompt: true,
      seed: true,
      max_prompt_chars: 4000,
    });
  });

  it('returns count PNGs of the requested size with model, seed and zero cost', async () => {
    const result = await backend.generate(request, call());
    expect(result).toMatchObject({ model: DEMO_MODEL, seed: 1234, provider_cost_usd: 0 });
    expect(result.images).toHaveLength(2);
    for (const image of result.images) {
      expect(image.mime).toBe('image/png');
      expect(await sharp(image.bytes).metadata()).toMatchObject({ format: 'png', width: 320, height: 192 });
    }
    expect(Buffer.from(result.images[0]!.bytes).equals(Buffer.from(result.images[1]!.bytes))).toBe(false);
  });

  it('is deterministic: same request → same bytes; any input changed → different bytes', async () => {
    const bytes = async (overrides: Partial<GenerationRequest>): Promise<Buffer> =>
      Buffer.from((await backend.generate({ ...request, count: 1, ...overrides }, call())).images[0]!.bytes);
    const base = await bytes({});
    expect((await bytes({})).equals(base)).toBe(true);
    for (const changed of [{ seed: 1235 }, { prompt: 'a blue fox' }, { negative_prompt: null }, { width: 321 }]) {
      expect((await bytes(changed)).equals(base)).toBe(false);
    }
  });

  it('refuses requests outside its capabilities as bad_request', async () => {
    for (const bad of [{ width: 32 }, { height: 4096 }, { count: 5 }, { count: 0 }, { prompt: 'x'.repeat(4001) }]) {
      const error = await backend.generate({ ...request, ...bad }, call()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BackendError);
      expect((error as BackendError).errorClass).toBe('bad_request');
    }
  });

  it('aborts during the simulated latency with an AbortError', async () => {
    const slow = createDemoBackend({ latencyMs: 10_000 });
    const controller = new AbortController();
    const started = Date.now();
    const pending = slow.generate(request, call(controller.signal));
    setTimeout(() => controller.abort(), 20);
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('refuses to start when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(backend.generate(request, call(controller.signal))).rejects.toMatchObject({ name: 'AbortError' });
  });

});
