import { describe, expect, it } from 'vitest';
import { parseNovelAI } from '../../../../main/core/library/metadata/novelai';
import { sources } from './sources';

const v4Comment = {
  prompt: 'two cats',
  steps: 28,
  height: 1216,
  width: 832,
  scale: 5,
  seed: 99,
  sampler: 'k_euler_ancestral',
  uc: 'lowres',
  v4_prompt: { caption: { base_caption: 'two cats', char_captions: [{ char_caption: 'black cat' }, { char_caption: 'white cat' }] } },
};

describe('NovelAI metadata', () => {
  it('reads the PNG chunks: Comment JSON, Source as the model', () => {
    expect(parseNovelAI(sources({ png: { Software: 'NovelAI', Source: 'NovelAI Diffusion V4.5 C02D4F98', Description: 'two cats', Comment: JSON.stringify(v4Comment) } }))).toEqual({
      generator: 'novelai',
      prompt: 'two cats',
      negative_prompt: 'lowres',
      seed: 99,
      steps: 28,
      sampler: 'k_euler_ancestral',
      cfg_scale: 5,
      width: 832,
      height: 1216,
      model: 'NovelAI Diffusion V4.5 C02D4F98',
    });
  });

  it('builds the prompt from V4 captions (with character captions) when there is no plain prompt', () => {
    const { prompt: _omit, ...comment } = v4Comment;
    expect(parseNovelAI(sources({ png: { Software: 'NovelAI', Comment: JSON.stringify(comment) } }))?.prompt).toBe('two cats\nblack cat\nwhite cat');
  });

  it('falls back to Description for legacy images whose Comment has no prompt', () => {
    expect(parseNovelAI(sources({ png: { Software: 'NovelAI', Description: 'cat, space, icon', Comment: '{"steps": 50, "uc": "lowres"}' } }))).toMatchObject({ prompt: 'cat, space, icon', steps: 50 });
  });

  it('reads the WebP EXIF UserComment object and a stealth payload of the same shape', () => {
    const object = { Software: 'NovelAI', Source: 'NovelAI Diffusion V4.5', Comment: JSON.stringify(v4Comment) };
    expect(parseNovelAI(sources({ exif: { userComment: JSON.stringify(object) } }))?.seed).toBe(99);
    expect(parseNovelAI(sources({ stealth: JSON.stringify({ ...object, Comment: v4Comment }) }))?.steps).toBe(28);
  });

  it('is not fooled by other software', () => {
    expect(parseNovelAI(sources({ png: { Software: 'GIMP', Comment: JSON.stringify(v4Comment) } }))).toBeNull();
  });
});
