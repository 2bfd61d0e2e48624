import { describe, expect, it } from 'vitest';
import { readGenerationMetadata } from '../../../../main/core/library/metadata';
import { parseApex } from '../../../../main/core/library/metadata/apex';
import { insertPngTextChunks } from '../../../../main/core/library/png-text';
import { stableJson } from '../../../../main/core/library/sidecar';
import { solidPng } from '../images';
import { sources } from './sources';

const provenance = {
  job_id: 3,
  attempt_id: 4,
  batch_id: null,
  image_index: 0,
  image_count: 1,
  backend: 'demo',
  model: 'demo-procedural',
  prompt: 'a glass city',
  negative_prompt: 'people',
  seed: 12,
  params: { steps: 20, sampler: 'Euler', cfg_scale: 6, width: 64, height: 48 },
  cost_usd: 0,
  generation_ms: 5,
  project: null,
  tags: [],
};

describe('APEX Director metadata (our own PNGs)', () => {
  it('reads the `apex` provenance chunk ahead of the infotext', async () => {
    const png = insertPngTextChunks(await solidPng(), [
      { keyword: 'parameters', text: 'other\nSteps: 1, Sampler: x, Seed: 1' },
      { keyword: 'apex', text: stableJson({ apex_version: 1, provenance }), kind: 'iTXt' },
    ]);
    expect(await readGenerationMetadata(png, 'png')).toMatchObject({
      generator: 'apex-director',
      prompt: 'a glass city',
      negative_prompt: 'people',
      seed: 12,
      steps: 20,
      sampler: 'Euler',
      cfg_scale: 6,
      model: 'demo-procedural',
    });
  });

  it('ignores an `apex` chunk that is not our schema', () => {
    expect(parseApex(sources({ png: { apex: '{"apex_version": 99}' } }))).toBeNull();
  });
});
