import type { BackendId, Config } from '../../../shared/domain/config';

/**
 * Which backend a model id belongs to. Each provider names its models in its own way, and sending an
 * Imagen model id to the Gemini API only fails later with a provider error, so a row naming a model is
 * checked (and, without a backend, sent to that model's backend) when the batch is added.
 * Anything that is no provider's naming is taken for an SDXL checkpoint name (`sd_xl_base_1.0`, A1111's
 * `--sd_model`), which is free-form.
 */
const FAMILIES: ReadonlyArray<{ backend: BackendId; pattern: RegExp; name: string }> = [
  { backend: 'nano_banana', pattern: /^(models\/)?gemini-/i, name: 'a Gemini (Nano Banana) model' },
  { backend: 'imagen', pattern: /^(models\/)?imagen-/i, name: 'an Imagen model' },
  { backend: 'minimax', pattern: /^image-0\d/i, name: 'a MiniMax model' },
  { backend: 'demo', pattern: /^apex-demo/i, name: 'the demo backend\'s model' },
];

export interface ModelFamily {
  backend: BackendId;
  /** For messages: "an Imagen model". */
  name: string;
  /** True when the id follows the backend's naming (false: the SDXL guess for a free-form name). */
  recognised: boolean;
}

export function modelFamily(model: string, config: Config): ModelFamily {
  for (const family of FAMILIES) if (family.pattern.test(model)) return { backend: family.backend, name: family.name, recognised: true };
  // A model id the settings use is known whatever its spelling.
  for (const id of ['nano_banana', 'imagen', 'minimax'] as const) {
    if (config.backends[id].model === model) return { backend: id, name: `the ${id} model in your settings`, recognised: true };
  }
  if (config.backends.sdxl.checkpoint === model) return { backend: 'sdxl', name: 'the SDXL checkpoint in your settings', recognised: true };
  return { backend: 'sdxl', name: 'an SDXL checkpoint name', recognised: false };
}
