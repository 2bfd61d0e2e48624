import { describe, expect, it } from 'vitest';
import { parseSwarmUI } from '../../../../main/core/library/metadata/swarmui';
import { sources } from './sources';

const swarm = {
  sui_image_params: { prompt: 'a tram at night', negativeprompt: 'people', model: 'waiIllustriousSDXL_v160', seed: 733776228, steps: 20, cfgscale: 7, width: 768, height: 768, sampler: 'euler_ancestral' },
  sui_extra_data: { date: '2026-01-03' },
};

describe('SwarmUI metadata', () => {
  it('reads sui_image_params from the PNG `parameters` chunk', () => {
    expect(parseSwarmUI(sources({ png: { parameters: JSON.stringify(swarm, null, 2), prompt: '{"4": {}}' } }))).toEqual({
      generator: 'swarmui',
      prompt: 'a tram at night',
      negative_prompt: 'people',
      seed: 733776228,
      steps: 20,
      sampler: 'euler_ancestral',
      cfg_scale: 7,
      width: 768,
      height: 768,
      model: 'waiIllustriousSDXL_v160',
    });
  });

  it('reads the same JSON from EXIF UserComment (JPEG/WebP)', () => {
    expect(parseSwarmUI(sources({ exif: { userComment: JSON.stringify(swarm) } }))?.prompt).toBe('a tram at night');
  });

  it('ignores JSON without sui_image_params', () => {
    expect(parseSwarmUI(sources({ png: { parameters: '{"prompt": "x"}' } }))).toBeNull();
  });
});
