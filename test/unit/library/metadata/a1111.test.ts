import { describe, expect, it } from 'vitest';
import { parseA1111 } from '../../../../main/core/library/metadata/a1111';
import { sources } from './sources';

const base = 'a red fox in snow\nNegative prompt: blurry, text\nSteps: 30, Sampler: DPM++ 2M, CFG scale: 6.5, Seed: 123, Size: 832x1216, Model: sdxl_base';

describe('A1111-style infotext', () => {
  it('parses the prompt, negative prompt and parameters line of a `parameters` chunk', () => {
    expect(parseA1111(sources({ png: { parameters: `${base}, Version: v1.10.1` } }))).toEqual({
      generator: 'a1111',
      prompt: 'a red fox in snow',
      negative_prompt: 'blurry, text',
      seed: 123,
      steps: 30,
      sampler: 'DPM++ 2M',
      cfg_scale: 6.5,
      width: 832,
      height: 1216,
      model: 'sdxl_base',
    });
  });

  it.each([
    ['Version: f2.0.1v1.10.1-previous-313', 'forge'],
    ['Version: f1.0.0v2-v1.10.1RC-latest-2498-g5120e679', 'forge'],
    ['RNG: CPU, Version: classic', 'forge'],
    ['Version: neo-2.28', 'forge'],
    ['App: SD.Next, Version: 56a8aea, Pipeline: StableDiffusionXLPipeline', 'sd-next'],
    ['Created Date: 2026-01-04T01:27:21Z, Civitai resources: [{"type":"checkpoint"}]', 'civitai'],
    ['Hashes: {"model": "8e91b68084"}, Version: ComfyUI', 'comfyui'],
    ['Backend: demo, Generator: APEX Director', 'apex-director'],
    ['Version: v1.9.4', 'a1111'],
  ])('tells the tool from the parameters line: %s → %s', (tail, generator) => {
    expect(parseA1111(sources({ png: { parameters: `${base}, ${tail}` } }))?.generator).toBe(generator);
  });

  it('reads EXIF UserComment only when it has a parameters line (a screenshot\'s "Screenshot" is no prompt)', () => {
    expect(parseA1111(sources({ exif: { userComment: base } }))?.prompt).toBe('a red fox in snow');
    expect(parseA1111(sources({ exif: { userComment: 'Screenshot' } }))).toBeNull();
  });

  it('leaves JSON `parameters` to the tools that write JSON there (Fooocus, SwarmUI)', () => {
    expect(parseA1111(sources({ png: { parameters: '{"sui_image_params": {}}' } }))).toBeNull();
  });

  it('reads a stealth payload when there is no text chunk', () => {
    expect(parseA1111(sources({ stealth: base }))?.seed).toBe(123);
  });

  it('keeps a prompt without a parameters line, and drops unsafe seeds', () => {
    expect(parseA1111(sources({ png: { parameters: 'just a prompt' } }))).toMatchObject({ prompt: 'just a prompt', steps: null, seed: null });
    expect(parseA1111(sources({ png: { parameters: base.replace('Seed: 123', 'Seed: 18446744073709551615') } }))?.seed).toBeNull();
  });
});
