import type { SdxlPlan } from './sdxl';

/**
 * The built-in SDXL text-to-image workflow in ComfyUI's API format (node ids and inputs as in ComfyUI's
 * own script_examples/basic_api_example.py; research/backends.md §4b). Links are [node id, output index];
 * CheckpointLoaderSimple's outputs are MODEL 0, CLIP 1, VAE 2.
 */

export const SAVE_NODE_ID = '9';
export const CHECKPOINT_NODE_ID = '4';
/** Files land in ComfyUI's output folder under this prefix, so the artist can tell them apart. */
export const FILENAME_PREFIX = 'apex-director';

export interface WorkflowNode {
  class_type: string;
  inputs: Record<string, string | number | boolean | [string, number]>;
}
export type Workflow = Record<string, WorkflowNode>;

export function sdxlWorkflow(plan: SdxlPlan & { checkpoint: string }): Workflow {
  const { sampler_name, scheduler } = comfySampler(plan.sampler);
  return {
    [CHECKPOINT_NODE_ID]: { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: plan.checkpoint } },
    '5': { class_type: 'EmptyLatentImage', inputs: { width: plan.width, height: plan.height, batch_size: plan.count } },
    '6': { class_type: 'CLIPTextEncode', inputs: { text: plan.prompt, clip: [CHECKPOINT_NODE_ID, 1] } },
    '7': { class_type: 'CLIPTextEncode', inputs: { text: plan.negative_prompt, clip: [CHECKPOINT_NODE_ID, 1] } },
    '3': {
      class_type: 'KSampler',
      inputs: {
        model: [CHECKPOINT_NODE_ID, 0],
        positive: ['6', 0],
        negative: ['7', 0],
        latent_image: ['5', 0],
        seed: plan.seed,
        steps: plan.steps,
        cfg: plan.cfg_scale,
        sampler_name,
        scheduler,
        denoise: 1,
      },
    },
    '8': { class_type: 'VAEDecode', inputs: { samples: ['3', 0], vae: [CHECKPOINT_NODE_ID, 2] } },
    [SAVE_NODE_ID]: { class_type: 'SaveImage', inputs: { images: ['8', 0], filename_prefix: FILENAME_PREFIX } },
  };
}

/** A1111 sampler names (what backends.sdxl.sampler holds by default) → ComfyUI's KSampler names. */
const A1111_TO_COMFY: Record<string, string> = {
  'euler': 'euler',
  'euler a': 'euler_ancestral',
  'heun': 'heun',
  'lms': 'lms',
  'dpm2': 'dpm_2',
  'dpm2 a': 'dpm_2_ancestral',
  'dpm++ 2s a': 'dpmpp_2s_ancestral',
  'dpm++ 2m': 'dpmpp_2m',
  'dpm++ sde': 'dpmpp_sde',
  'dpm++ 2m sde': 'dpmpp_2m_sde',
  'dpm++ 3m sde': 'dpmpp_3m_sde',
  'dpm fast': 'dpm_fast',
  'dpm adaptive': 'dpm_adaptive',
  'ddim': 'ddim',
  'plms': 'ipndm',
  'unipc': 'uni_pc',
  'lcm': 'lcm',
};
/** A1111's old combined names carry the scheduler as a suffix ("DPM++ 2M Karras"). */
const SCHEDULER_SUFFIXES: Record<string, string> = { karras: 'karras', exponential: 'exponential', 'sgm uniform': 'sgm_uniform' };

/**
 * ComfyUI's sampler and scheduler for a sampler setting. ComfyUI names ("dpmpp_2m") pass through; A1111
 * names are translated, and DPM++ samplers get Karras sigmas as A1111's "Automatic" scheduler gives them.
 */
export function comfySampler(name: string): { sampler_name: string; scheduler: string } {
  let base = name.trim().toLowerCase();
  let scheduler: string | null = null;
  for (const [suffix, value] of Object.entries(SCHEDULER_SUFFIXES)) {
    if (base.endsWith(` ${suffix}`)) {
      base = base.slice(0, -suffix.length - 1).trim();
      scheduler = value;
    }
  }
  const sampler = A1111_TO_COMFY[base] ?? base.replace(/\s+/g, '_');
  return { sampler_name: sampler, scheduler: scheduler ?? (sampler.startsWith('dpmpp') ? 'karras' : 'normal') };
}
