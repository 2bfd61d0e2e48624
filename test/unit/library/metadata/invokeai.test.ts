import { describe, expect, it } from 'vitest';
import { parseDreamCommand, parseInvokeAI, splitBracketNegative } from '../../../../main/core/library/metadata/invokeai';
import { sources } from './sources';

describe('InvokeAI metadata', () => {
  it('reads 3.x `invokeai_metadata` and the 4.x+ model object', () => {
    const v4 = { positive_prompt: 'a castle', negative_prompt: 'fog', seed: 7, steps: 30, cfg_scale: 7.5, scheduler: 'dpmpp_2m', width: 1024, height: 768, model: { key: 'k', name: 'juggernautXL', base: 'sdxl' } };
    expect(parseInvokeAI(sources({ png: { invokeai_metadata: JSON.stringify(v4) } }))).toEqual({
      generator: 'invokeai',
      prompt: 'a castle',
      negative_prompt: 'fog',
      seed: 7,
      steps: 30,
      sampler: 'dpmpp_2m',
      cfg_scale: 7.5,
      width: 1024,
      height: 768,
      model: 'juggernautXL',
    });
  });

  it('parses the 2.x `Dream` command line, quoted prompt with escapes and bracketed negatives', () => {
    expect(parseDreamCommand('"a \\"quoted\\" cat [dog, bird] on a mat" -s 50 -S 2980747362 -W 512 -H 768 -C 5.5 -A k_lms -G 0.9')).toEqual({
      prompt: 'a "quoted" cat on a mat',
      negative_prompt: 'dog, bird',
      seed: 2980747362,
      steps: 50,
      sampler: 'k_lms',
      cfg_scale: 5.5,
      width: 512,
      height: 768,
      model: null,
    });
    expect(parseDreamCommand('unquoted prompt -s 20 -S 3')).toMatchObject({ prompt: 'unquoted prompt', steps: 20, seed: 3 });
  });

  it('merges 2.3 `sd-metadata` with `Dream`, the JSON winning', () => {
    const sd = { model_weights: 'deliberate', image: { prompt: [{ prompt: 'a bridge [rain]', weight: 1 }], steps: 40, cfg_scale: 6, seed: 11, width: 640, height: 640, sampler: 'k_euler' } };
    expect(parseInvokeAI(sources({ png: { 'sd-metadata': JSON.stringify(sd), Dream: '"other" -s 1 -S 2 -A ddim' } }))).toMatchObject({
      prompt: 'a bridge',
      negative_prompt: 'rain',
      steps: 40,
      seed: 11,
      sampler: 'k_euler',
      model: 'deliberate',
    });
  });

  it('splits square-bracket negatives anywhere in the prompt', () => {
    expect(splitBracketNegative('[ugly] portrait [blurry]')).toEqual({ prompt: 'portrait', negative: 'ugly, blurry' });
    expect(splitBracketNegative('no negatives')).toEqual({ prompt: 'no negatives', negative: null });
  });

  it('ignores files without InvokeAI chunks or with broken JSON', () => {
    expect(parseInvokeAI(sources({ png: { parameters: 'x' } }))).toBeNull();
    expect(parseInvokeAI(sources({ png: { invokeai_metadata: '{broken' } }))).toBeNull();
  });
});
