import { describe, expect, it } from 'vitest';
import { formatInfotext, parseInfotext, quoteInfotextValue, type InfotextInput } from '../../../main/core/library/a1111-infotext';

const base: InfotextInput = {
  prompt: 'a castle at dusk, oil painting',
  negative_prompt: 'blurry, low quality',
  steps: 20,
  sampler: 'Euler a',
  cfg_scale: 7,
  seed: 965400086,
  width: 512,
  height: 768,
  model: 'sd_xl_base_1.0',
  extra: {},
};

describe('A1111 infotext', () => {
  it('formats exactly like A1111', () => {
    expect(formatInfotext({ ...base, extra: { 'Model hash': '45dee52b', Version: 'v1.10.1' } })).toBe(
      'a castle at dusk, oil painting\n' +
        'Negative prompt: blurry, low quality\n' +
        'Steps: 20, Sampler: Euler a, CFG scale: 7, Seed: 965400086, Size: 512x768, Model: sd_xl_base_1.0, Model hash: 45dee52b, Version: v1.10.1',
    );
  });

  it('omits the negative line and null or empty values, like A1111', () => {
    const text = formatInfotext({ ...base, negative_prompt: null, steps: null, sampler: null, cfg_scale: null, extra: { Empty: '', Backend: 'imagen' } });
    expect(text).toBe('a castle at dusk, oil painting\nSeed: 965400086, Size: 512x768, Model: sd_xl_base_1.0, Backend: imagen');
    expect(formatInfotext({ ...base, negative_prompt: '' })).not.toContain('Negative prompt');
  });

  it("quotes values with , : newline or \" using JSON escaping (A1111's quote())", () => {
    expect(quoteInfotextValue('plain value')).toBe('plain value');
    expect(quoteInfotextValue(7.5)).toBe('7.5');
    expect(quoteInfotextValue('a, b')).toBe('"a, b"');
    expect(quoteInfotextValue('16:9')).toBe('"16:9"');
    expect(quoteInfotextValue('say "hi"')).toBe('"say \\"hi\\""');
    expect(quoteInfotextValue('line\nbreak')).toBe('"line\\nbreak"');
    expect(quoteInfotextValue('ünï, 字')).toBe('"ünï, 字"'); // ensure_ascii=False: no \u escapes
  });

  it('parses a real A1111 infotext', () => {
    const parsed = parseInfotext(
      "girl with an artist's beret, determined, blue eyes\n" +
        'Negative prompt: ugly, (((deformed))), [blurry]\n' +
        'Steps: 20, Sampler: DPM++ 2M Karras, CFG scale: 7.5, Seed: 965400086, Size: 512x512, Model hash: 45dee52b, Lora hashes: "add_detail: 7c6bad76eb54, more: 1234", Version: v1.6.0',
    );
    expect(parsed).toEqual({
      prompt: "girl with an artist's beret, determined, blue eyes",
      negative_prompt: 'ugly, (((deformed))), [blurry]',
      steps: 20,
      sampler: 'DPM++ 2M Karras',
      cfg_scale: 7.5,
      seed: 965400086,
      width: 512,
      height: 512,
      model: null,
      extra: { 'Model hash': '45dee52b', 'Lora hashes': 'add_detail: 7c6bad76eb54, more: 1234', Version: 'v1.6.0' },
    });
  });

  it('treats a last line with fewer than 3 pairs as prompt text', () => {
    const parsed = parseInfotext('portrait of a knight\nstyle: baroque, mood: dark');
    expect(parsed.prompt).toBe('portrait of a knight\nstyle: baroque, mood: dark');
    expect(parsed.steps).toBeNull();
    expect(parsed.width).toBeNull();
    expect(parsed.extra).toEqual({});
  });

  const tricky: Array<[string, Partial<InfotextInput>]> = [
    ['commas and colons', { prompt: 'a cat, a dog: friends, 4k, (masterpiece:1.2)', negative_prompt: 'text, watermark: none' }],
    ['several lines', { prompt: 'line one\nline two, with comma\nSteps: 5, Seed: 1', negative_prompt: 'neg one\nneg two' }],
    ['quotes and backslashes', { prompt: 'the "best" \\ shot', sampler: 'DPM++ "2M", Karras', model: 'C:\\models\\x.safetensors' }],
    ['unicode', { prompt: '東京の夜景、ネオン 🌃 — “quotes” café', negative_prompt: 'ぼやけ', model: 'モデル: 一' }],
    ['no negative, nulls', { negative_prompt: null, steps: null, cfg_scale: 4.25, sampler: null }],
    ['extras with tricky values', { extra: { 'Aspect ratio': '16:9', Note: 'multi\nline, "quoted"', Count: 3, 'Hires upscaler': 'R-ESRGAN 4x+' } }],
  ];

  it.each(tricky)('round-trips: %s', (_name, overrides) => {
    const input: InfotextInput = { ...base, ...overrides };
    const parsed = parseInfotext(formatInfotext(input));
    expect(parsed).toEqual({
      prompt: input.prompt,
      negative_prompt: input.negative_prompt || null,
      steps: input.steps,
      sampler: input.sampler,
      cfg_scale: input.cfg_scale,
      seed: input.seed,
      width: input.width,
      height: input.height,
      model: input.model,
      extra: Object.fromEntries(Object.entries(input.extra).map(([k, v]) => [k, String(v)])),
    });
  });

  it('refuses keys A1111 could not parse back', () => {
    expect(() => formatInfotext({ ...base, extra: { 'bad:key': 1 } })).toThrow(/not a valid A1111 parameter name/);
    expect(() => formatInfotext({ ...base, extra: { X: 1 } })).toThrow(/not a valid A1111 parameter name/);
  });
});
