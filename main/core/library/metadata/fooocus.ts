import { fromInfotext } from './a1111';
import type { MetadataSources, ParsedGeneration } from './types';
import { decimal, first, integer, name, parseJsonObject, positiveInteger, text, type JsonObject } from './values';

/**
 * Fooocus and its fork RuinedFooocus. Both store their metadata in `parameters` (PNG) or EXIF
 * UserComment (JPEG/WebP):
 * - Fooocus: `fooocus_scheme` says which layout `parameters` uses: `fooocus` (JSON: prompt,
 *   negative_prompt, seed as a string, steps, guidance_scale, sampler, base_model, resolution
 *   "(768, 1280)") or `a1111` (infotext written by Fooocus). The JSON also names its scheme in
 *   `metadata_scheme`, which identifies JPEGs where the scheme chunk cannot exist.
 * - RuinedFooocus: JSON with `software: "RuinedFooocus"`, `Prompt`, `Negative`, `cfg`, `sampler_name`,
 *   `base_model_name`.
 */

const RESOLUTION = /^\(\s*(\d+)\s*,\s*(\d+)\s*\)$/;

export function parseFooocus(sources: MetadataSources): ParsedGeneration | null {
  const parameters = sources.png.get('parameters') ?? sources.exif?.userComment;
  const scheme = sources.png.get('fooocus_scheme');
  if (parameters === undefined) return null;
  const json = parseJsonObject(parameters);
  if (json && String(json.software ?? '') === 'RuinedFooocus') return ruinedFooocus(json);
  if (scheme === 'a1111') return { ...fromInfotext(parameters), generator: 'fooocus' };
  if (json && (scheme === 'fooocus' || json.metadata_scheme === 'fooocus' || ('full_prompt' in json && 'base_model' in json))) return fooocus(json);
  return null;
}

function fooocus(json: JsonObject): ParsedGeneration {
  const resolution = typeof json.resolution === 'string' ? RESOLUTION.exec(json.resolution) : null;
  return {
    generator: 'fooocus',
    prompt: text(json.prompt),
    negative_prompt: text(json.negative_prompt),
    seed: integer(json.seed),
    steps: positiveInteger(json.steps),
    sampler: name(json.sampler),
    cfg_scale: decimal(json.guidance_scale),
    width: resolution ? Number(resolution[1]) : null,
    height: resolution ? Number(resolution[2]) : null,
    model: name(json.base_model),
  };
}

function ruinedFooocus(json: JsonObject): ParsedGeneration {
  return {
    generator: 'ruined-fooocus',
    prompt: text(json.Prompt),
    negative_prompt: text(json.Negative),
    seed: integer(json.seed),
    steps: positiveInteger(json.steps),
    sampler: first(name(json.sampler_name), name(json.sampler)),
    cfg_scale: decimal(json.cfg),
    width: positiveInteger(json.width),
    height: positiveInteger(json.height),
    model: first(name(json.base_model_name), name(json.base_model)),
  };
}
