import { describe, expect, it } from 'vitest';
import { nearestAspectRatio } from '../../../main/core/backends/aspect-ratio';
import { comfySampler } from '../../../main/core/backends/comfyui-workflow';
import { planImagenParameters } from '../../../main/core/backends/imagen';
import { decodeBase64Image, sniffImageMime } from '../../../main/core/backends/image-bytes';
import { MINIMAX_CODE_CLASSES, minimaxCodeError } from '../../../main/core/backends/minimax-errors';
import { planMinimaxBody } from '../../../main/core/backends/minimax';
import { GEMINI_ASPECT_RATIOS, planImageConfig } from '../../../main/core/backends/nano-banana';
import { planSdxl } from '../../../main/core/backends/sdxl';
import { BackendError } from '../../../main/core/backends/types';

const request = { prompt: 'p', width: 1024, height: 1024, aspect_ratio: null, count: 1, seed: 5 };

describe('aspect ratios', () => {
  it('picks the nearest allowed ratio on a log scale', () => {
    expect(nearestAspectRatio(1344, 768, GEMINI_ASPECT_RATIOS)).toBe('16:9');
    expect(nearestAspectRatio(768, 1344, GEMINI_ASPECT_RATIOS)).toBe('9:16');
    expect(nearestAspectRatio(1000, 1000, GEMINI_ASPECT_RATIOS)).toBe('1:1');
    expect(nearestAspectRatio(2560, 1080, GEMINI_ASPECT_RATIOS)).toBe('21:9');
    expect(nearestAspectRatio(1100, 1000, ['1:1', '3:4', '4:3'])).toBe('1:1');
    expect(nearestAspectRatio(4000, 1000, ['1:1', '16:9'])).toBe('16:9');
  });
});

describe('Gemini imageConfig', () => {
  it.each([
    [1024, 1024, 'gemini-3.1-flash-image', { aspectRatio: '1:1' }],
    [1344, 768, 'gemini-3.1-flash-image', { aspectRatio: '16:9' }],
    [2048, 2048, 'gemini-3.1-flash-image', { aspectRatio: '1:1', imageSize: '2K' }],
    [4096, 4096, 'gemini-3-pro-image', { aspectRatio: '1:1', imageSize: '4K' }],
    [512, 512, 'gemini-2.5-flash-image', { aspectRatio: '1:1' }],
  ])('%i×%i on %s', (width, height, model, expected) => {
    expect(planImageConfig({ ...request, width, height }, model)).toEqual(expected);
  });
});

describe('Imagen parameters', () => {
  it('maps size and count and refuses what it cannot make', () => {
    expect(planImagenParameters({ ...request, width: 768, height: 1024, count: 3 }, 'imagen-4.0-generate-001')).toEqual({ sampleCount: 3, aspectRatio: '3:4', includeRaiReason: true });
    expect(() => planImagenParameters({ ...request, count: 0 }, 'imagen-4.0-generate-001')).toThrow(BackendError);
  });
});

describe('MiniMax body', () => {
  it('sends exact sizes for image-01 and a ratio otherwise', () => {
    expect(planMinimaxBody({ ...request, width: 1248, height: 832 }, 'image-01')).toEqual({ model: 'image-01', prompt: 'p', response_format: 'base64', n: 1, seed: 5, prompt_optimizer: false, width: 1248, height: 832 });
    expect(planMinimaxBody({ ...request, width: 1248, height: 832 }, 'image-01-live')).toMatchObject({ aspect_ratio: '3:2' });
  });

  it('knows the official codes', () => {
    expect([...MINIMAX_CODE_CLASSES.entries()].filter(([, c]) => c === 'auth').map(([code]) => code)).toEqual([1004, 2038, 2049]);
    expect(minimaxCodeError(1039, 'token limit', 200, null).errorClass).toBe('rate_limited');
    expect(minimaxCodeError(1999, 'new server thing', 200, 'abc').message).toContain('Trace-Id abc');
    expect(minimaxCodeError(1999, 'new server thing', 200, null).errorClass).toBe('transient');
  });
});

describe('SDXL plan', () => {
  const settings = { flavor: 'a1111' as const, base_url: 'http://127.0.0.1:7860', checkpoint: ' sd_xl_base_1.0.safetensors ', sampler: 'DPM++ 2M', steps: 30, cfg_scale: 7 };
  it('takes config values unless the job gives its own', () => {
    const base = { ...request, negative_prompt: null, steps: null, cfg_scale: null, sampler: null, model: null };
    expect(planSdxl(base, settings)).toMatchObject({ negative_prompt: '', steps: 30, cfg_scale: 7, sampler: 'DPM++ 2M', checkpoint: 'sd_xl_base_1.0.safetensors' });
    expect(planSdxl({ ...base, steps: 12, cfg_scale: 3, sampler: 'Euler', model: 'other.safetensors' }, settings)).toMatchObject({ steps: 12, cfg_scale: 3, sampler: 'Euler', checkpoint: 'other.safetensors' });
  });

  it.each([
    ['DPM++ 2M', 'dpmpp_2m', 'karras'],
    ['DPM++ 2M Karras', 'dpmpp_2m', 'karras'],
    ['DPM++ 2M SDE Exponential', 'dpmpp_2m_sde', 'exponential'],
    ['Euler a', 'euler_ancestral', 'normal'],
    ['UniPC', 'uni_pc', 'normal'],
    ['dpmpp_3m_sde', 'dpmpp_3m_sde', 'karras'],
    ['euler', 'euler', 'normal'],
  ])('ComfyUI sampler for %s', (name, sampler, scheduler) => {
    expect(comfySampler(name)).toEqual({ sampler_name: sampler, scheduler });
  });
});

describe('image bytes', () => {
  it('sniffs PNG, JPEG and WebP and refuses anything else as no_image', () => {
    expect(sniffImageMime(Buffer.from('89504e470d0a1a0a', 'hex'))).toBe('image/png');
    expect(sniffImageMime(Buffer.from('ffd8ffe0', 'hex'))).toBe('image/jpeg');
    expect(sniffImageMime(Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WEBPVP8 ')]))).toBe('image/webp');
    expect(sniffImageMime(Buffer.from('GIF89a'))).toBeNull();
    const png = Buffer.from('89504e470d0a1a0a0000', 'hex').toString('base64');
    expect(decodeBase64Image(`data:image/png;base64,${png}`, null, 'X').mime).toBe('image/png');
    expect(decodeBase64Image(png.replace(/(.{4})/g, '$1\n'), 'image/png', 'X').mime).toBe('image/png');
    expect(() => decodeBase64Image('not base64!', 'image/png', 'X')).toThrow(/not base64/);
    expect(() => decodeBase64Image(Buffer.from('GIF89a....').toString('base64'), 'image/gif', 'X')).toThrow(/not a PNG, JPEG or WebP/);
  });
});
