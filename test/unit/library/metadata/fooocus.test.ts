import { describe, expect, it } from 'vitest';
import { parseFooocus } from '../../../../main/core/library/metadata/fooocus';
import { sources } from './sources';

const fooocusJson = {
  prompt: 'a smiling goldfish',
  negative_prompt: 'blurry',
  full_prompt: ['a smiling goldfish, cinematic'],
  base_model: 'juggernautXL_v8',
  guidance_scale: 4,
  steps: 30,
  sampler: 'dpmpp_2m_sde_gpu',
  seed: '1234',
  resolution: '(768, 1280)',
  metadata_scheme: 'fooocus',
};

describe('Fooocus and RuinedFooocus metadata', () => {
  it('reads the `fooocus` scheme JSON (seed as a string, resolution as a tuple)', () => {
    expect(parseFooocus(sources({ png: { parameters: JSON.stringify(fooocusJson), fooocus_scheme: 'fooocus' } }))).toEqual({
      generator: 'fooocus',
      prompt: 'a smiling goldfish',
      negative_prompt: 'blurry',
      seed: 1234,
      steps: 30,
      sampler: 'dpmpp_2m_sde_gpu',
      cfg_scale: 4,
      width: 768,
      height: 1280,
      model: 'juggernautXL_v8',
    });
  });

  it('recognises Fooocus JPEGs by metadata_scheme (no scheme chunk there)', () => {
    expect(parseFooocus(sources({ exif: { userComment: JSON.stringify(fooocusJson) } }))?.generator).toBe('fooocus');
  });

  it('reads the `a1111` scheme as infotext, still credited to Fooocus', () => {
    const infotext = 'koi\nNegative prompt: ugly\nSteps: 30, Sampler: DPM++ 2M SDE, CFG scale: 4, Seed: 5, Size: 1024x1024';
    expect(parseFooocus(sources({ png: { parameters: infotext, fooocus_scheme: 'a1111' } }))).toMatchObject({ generator: 'fooocus', prompt: 'koi', seed: 5 });
  });

  it('reads RuinedFooocus JSON', () => {
    const ruined = { Prompt: 'a lantern', Negative: 'dark', steps: 30, cfg: 8, width: 1024, height: 1024, seed: 2020047614, sampler_name: 'dpmpp_2m_sde_gpu', base_model_name: 'wai.safetensors', software: 'RuinedFooocus' };
    expect(parseFooocus(sources({ png: { parameters: JSON.stringify(ruined) } }))).toEqual({
      generator: 'ruined-fooocus',
      prompt: 'a lantern',
      negative_prompt: 'dark',
      seed: 2020047614,
      steps: 30,
      sampler: 'dpmpp_2m_sde_gpu',
      cfg_scale: 8,
      width: 1024,
      height: 1024,
      model: 'wai.safetensors',
    });
  });

  it('leaves other JSON and plain infotext alone', () => {
    expect(parseFooocus(sources({ png: { parameters: '{"sui_image_params": {}}' } }))).toBeNull();
    expect(parseFooocus(sources({ png: { parameters: 'a cat\nSteps: 1, Sampler: Euler, Seed: 1' } }))).toBeNull();
  });
});
