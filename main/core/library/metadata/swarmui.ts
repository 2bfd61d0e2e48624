import type { MetadataSources, ParsedGeneration } from './types';
import { decimal, integer, isObject, name, parseJsonObject, positiveInteger, text } from './values';

/**
 * SwarmUI: JSON `{"sui_image_params": {...}, "sui_extra_data": {...}, "sui_models": [...]}` in the PNG
 * `parameters` chunk or, for JPEG/WebP, in EXIF UserComment (UTF-16LE). Its PNGs also carry the
 * ComfyUI graph it ran as `prompt`, which is why SwarmUI is recognised before ComfyUI.
 */

export function parseSwarmUI(sources: MetadataSources): ParsedGeneration | null {
  for (const carrier of [sources.png.get('parameters'), sources.exif?.userComment]) {
    const json = parseJsonObject(carrier);
    const params = json?.sui_image_params;
    if (!isObject(params)) continue;
    return {
      generator: 'swarmui',
      prompt: text(params.prompt),
      negative_prompt: text(params.negativeprompt),
      seed: integer(params.seed),
      steps: positiveInteger(params.steps),
      sampler: name(params.sampler),
      cfg_scale: decimal(params.cfgscale),
      width: positiveInteger(params.width),
      height: positiveInteger(params.height),
      model: name(params.model),
    };
  }
  return null;
}
