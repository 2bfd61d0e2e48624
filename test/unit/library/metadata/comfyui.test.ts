import { describe, expect, it } from 'vitest';
import { conditioningTexts, resolveString, samplersInOrder, toComfyGraph } from '../../../../main/core/library/metadata/comfyui-graph';
import { parseComfyUI } from '../../../../main/core/library/metadata/comfyui';
import { sources } from './sources';

/** A text-to-image graph in API format, with the parts each test swaps out. */
function txt2img(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    '4': { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'base.safetensors' } },
    '5': { class_type: 'EmptyLatentImage', inputs: { width: 832, height: 1216, batch_size: 1 } },
    '6': { class_type: 'CLIPTextEncode', inputs: { text: 'a lighthouse at dusk', clip: ['4', 1] } },
    '7': { class_type: 'CLIPTextEncode', inputs: { text: 'blurry', clip: ['4', 1] } },
    '3': {
      class_type: 'KSampler',
      inputs: { seed: 42, steps: 25, cfg: 6.5, sampler_name: 'dpmpp_2m', scheduler: 'karras', denoise: 1, model: ['4', 0], positive: ['6', 0], negative: ['7', 0], latent_image: ['5', 0] },
    },
    '8': { class_type: 'VAEDecode', inputs: { samples: ['3', 0], vae: ['4', 2] } },
    '9': { class_type: 'SaveImage', inputs: { filename_prefix: 'ComfyUI', images: ['8', 0] } },
    ...overrides,
  };
}

const parse = (graph: Record<string, unknown>) => parseComfyUI(sources({ png: { prompt: JSON.stringify(graph) } }));

describe('ComfyUI metadata', () => {
  it('follows the sampler to its text encoders and reads seed, steps, cfg, sampler, size and checkpoint', () => {
    expect(parse(txt2img())).toEqual({
      generator: 'comfyui',
      prompt: 'a lighthouse at dusk',
      negative_prompt: 'blurry',
      seed: 42,
      steps: 25,
      sampler: 'dpmpp_2m',
      cfg_scale: 6.5,
      width: 832,
      height: 1216,
      model: 'base.safetensors',
    });
  });

  it('walks through conditioning nodes (combine, area, ControlNet) and LoRA loaders', () => {
    const graph = txt2img({
      '10': { class_type: 'LoraLoader', inputs: { model: ['4', 0], clip: ['4', 1], lora_name: 'x.safetensors' } },
      '11': { class_type: 'CLIPTextEncode', inputs: { text: 'stormy sky', clip: ['10', 1] } },
      '12': { class_type: 'ConditioningSetArea', inputs: { conditioning: ['11', 0], width: 64, height: 64, x: 0, y: 0, strength: 1 } },
      '13': { class_type: 'ConditioningCombine', inputs: { conditioning_1: ['6', 0], conditioning_2: ['12', 0] } },
      '14': { class_type: 'ControlNetApplyAdvanced', inputs: { positive: ['13', 0], negative: ['7', 0], control_net: ['15', 0], image: ['16', 0], strength: 1 } },
      '15': { class_type: 'ControlNetLoader', inputs: { control_net_name: 'canny' } },
      '16': { class_type: 'LoadImage', inputs: { image: 'ref.png' } },
      '3': { class_type: 'KSampler', inputs: { seed: 1, steps: 20, cfg: 7, sampler_name: 'euler', model: ['10', 0], positive: ['14', 0], negative: ['14', 1], latent_image: ['5', 0] } },
    });
    const parsed = parse(graph);
    expect(parsed?.prompt).toBe('a lighthouse at dusk\nstormy sky');
    expect(parsed?.negative_prompt).toBe('blurry');
    expect(parsed?.model).toBe('base.safetensors');
  });

  it('resolves text held by string primitives, concatenations and switches, and handles subgraph ids like "30:8"', () => {
    const graph = txt2img({
      '30:1': { class_type: 'PrimitiveStringMultiline', inputs: { value: 'ink drawing of' } },
      '30:2': { class_type: 'PrimitiveString', inputs: { value: 'a heron' } },
      '30:3': { class_type: 'StringConcatenate', inputs: { string_a: ['30:1', 0], string_b: ['30:2', 0], delimiter: ' ' } },
      '30:4': { class_type: 'PrimitiveBoolean', inputs: { value: false } },
      '30:5': { class_type: 'ComfySwitchNode', inputs: { switch: ['30:4', 0], on_true: 'never this', on_false: ['30:3', 0] } },
      '6': { class_type: 'CLIPTextEncode', inputs: { text: ['30:5', 0], clip: ['4', 1] } },
      '8': { class_type: 'VAEDecode', inputs: { samples: ['3', 0], vae: ['4', 2] } },
    });
    expect(parse(graph)?.prompt).toBe('ink drawing of a heron');
  });

  it('treats an LLM prompt generator as unknowable and falls back to the artist\'s own words', () => {
    const graph = txt2img({
      '20': { class_type: 'PrimitiveStringMultiline', inputs: { value: 'You are a prompt engineer. Expand:' } },
      '21': { class_type: 'PrimitiveStringMultiline', inputs: { value: 'a koi pond in autumn' } },
      '22': { class_type: 'StringConcatenate', inputs: { string_a: ['20', 0], string_b: ['21', 0], delimiter: '' } },
      '23': { class_type: 'TextGenerate', inputs: { prompt: ['22', 0], max_length: 512 } },
      '24': { class_type: 'PrimitiveBoolean', inputs: { value: true } },
      '25': { class_type: 'ComfySwitchNode', inputs: { switch: ['24', 0], on_true: ['23', 0], on_false: ['21', 0] } },
      '26': { class_type: 'PreviewAny', inputs: { source: ['25', 0] } },
      '6': { class_type: 'CLIPTextEncode', inputs: { text: ['26', 0], clip: ['4', 1] } },
    });
    expect(parse(graph)?.prompt).toBe('a koi pond in autumn');
  });

  it('reads SamplerCustomAdvanced through its guider, noise, sampler and scheduler nodes; a zeroed-out negative is empty', () => {
    const graph = txt2img({
      '3': undefined,
      '40': { class_type: 'RandomNoise', inputs: { noise_seed: 777 } },
      '41': { class_type: 'CFGGuider', inputs: { model: ['4', 0], positive: ['6', 0], negative: ['42', 0], cfg: 3.5 } },
      '42': { class_type: 'ConditioningZeroOut', inputs: { conditioning: ['6', 0] } },
      '43': { class_type: 'KSamplerSelect', inputs: { sampler_name: 'euler' } },
      '44': { class_type: 'BasicScheduler', inputs: { model: ['4', 0], scheduler: 'simple', steps: 28, denoise: 1 } },
      '45': { class_type: 'SamplerCustomAdvanced', inputs: { noise: ['40', 0], guider: ['41', 0], sampler: ['43', 0], sigmas: ['44', 0], latent_image: ['5', 0] } },
      '8': { class_type: 'VAEDecode', inputs: { samples: ['45', 0], vae: ['4', 2] } },
    });
    expect(parse(graph)).toMatchObject({ prompt: 'a lighthouse at dusk', negative_prompt: null, seed: 777, steps: 28, cfg_scale: 3.5, sampler: 'euler', width: 832 });
  });

  it('takes the output fed by the most samplers, reports the first pass, and gathers every pass\'s prompt', () => {
    const graph = txt2img({
      '9': { class_type: 'SaveImage', inputs: { images: ['8', 0] } }, // first pass saved too
      '50': { class_type: 'LatentUpscale', inputs: { samples: ['3', 0], width: 1664, height: 2432 } },
      '51': { class_type: 'CLIPTextEncode', inputs: { text: 'sharp details', clip: ['4', 1] } },
      '52': { class_type: 'KSampler', inputs: { seed: 99, steps: 10, cfg: 5, sampler_name: 'euler', model: ['4', 0], positive: ['51', 0], negative: ['7', 0], latent_image: ['50', 0] } },
      '53': { class_type: 'VAEDecode', inputs: { samples: ['52', 0], vae: ['4', 2] } },
      '54': { class_type: 'SaveImage', inputs: { images: ['53', 0] } },
    });
    const graphNodes = toComfyGraph(graph)!;
    expect(samplersInOrder(graphNodes)).toEqual(['3', '52']);
    expect(parse(graph)).toMatchObject({ prompt: 'a lighthouse at dusk\nsharp details', seed: 42, steps: 25, width: 832 });
  });

  it('keeps seeds beyond 2^53 out of the number column (ComfyUI seeds go up to 2^64)', () => {
    const graph = JSON.stringify(txt2img()).replace('"seed":42', '"seed":18446744073709551615');
    expect(parseComfyUI(sources({ png: { prompt: graph } }))?.seed).toBeNull();
  });

  it('finds the graph in EXIF: prefixed Make/Model/ImageDescription, or UserComment JSON', () => {
    const graph = JSON.stringify(txt2img());
    expect(parseComfyUI(sources({ exif: { make: 'workflow:{"nodes": []}', model: `prompt:${graph}` } }))?.prompt).toBe('a lighthouse at dusk');
    expect(parseComfyUI(sources({ exif: { imageDescription: 'Workflow: {}', make: `Prompt: ${graph}` } }))?.seed).toBe(42);
    expect(parseComfyUI(sources({ exif: { userComment: JSON.stringify({ prompt: txt2img(), workflow: {} }) } }))?.steps).toBe(25);
    expect(parseComfyUI(sources({ exif: { userComment: 'Steps: 20, Sampler: Euler' } }))).toBeNull();
  });

  it('reads a workflow-only file from its UI graph', () => {
    const workflow = {
      nodes: [
        { id: 1, type: 'CLIPTextEncode', title: 'Positive', widgets_values: ['a paper boat'] },
        { id: 2, type: 'CLIPTextEncode', title: 'Negative Prompt', widgets_values: ['text'] },
        { id: 3, type: 'KSampler', widgets_values: [123, 'fixed', 30, 7.5, 'euler_ancestral', 'normal', 1] },
      ],
    };
    expect(parseComfyUI(sources({ png: { workflow: JSON.stringify(workflow) } }))).toMatchObject({
      generator: 'comfyui',
      prompt: 'a paper boat',
      negative_prompt: 'text',
      seed: 123,
      steps: 30,
      cfg_scale: 7.5,
      sampler: 'euler_ancestral',
    });
  });

  it('recognises Civitai graphs and prefers the prompt as typed on the site', () => {
    const graph = { ...txt2img(), extra: { airs: ['urn:air:sdxl:checkpoint:civitai:1@2'] }, extraMetadata: JSON.stringify({ prompt: 'typed prompt', negativePrompt: 'typed negative', steps: 30, cfgScale: 4, sampler: 'Euler a', seed: 5 }) };
    expect(parseComfyUI(sources({ exif: { userComment: JSON.stringify(graph) } }))).toMatchObject({
      generator: 'civitai',
      prompt: 'typed prompt',
      negative_prompt: 'typed negative',
      steps: 30,
      seed: 5,
      model: 'base.safetensors',
    });
  });

  it('survives cycles and junk: no infinite walk, no crash, nothing invented', () => {
    const cyclic = toComfyGraph({
      '1': { class_type: 'ConditioningCombine', inputs: { conditioning_1: ['2', 0], conditioning_2: ['1', 0] } },
      '2': { class_type: 'ConditioningCombine', inputs: { conditioning_1: ['1', 0] } },
    })!;
    expect(conditioningTexts(cyclic, ['1', 0])).toEqual([]);
    const loop = toComfyGraph({ '1': { class_type: 'StringConcatenate', inputs: { string_a: ['1', 0] } } })!;
    expect(resolveString(loop, ['1', 0], 0)).toBeNull();
    expect(toComfyGraph({ a: 1, b: 'x', c: { inputs: {} } })).toBeNull();
    expect(parseComfyUI(sources({ png: { prompt: 'a plain text prompt, not a graph' } }))).toBeNull();
  });
});
