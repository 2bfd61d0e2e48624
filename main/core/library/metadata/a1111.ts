import { parseInfotext, type Infotext } from '../a1111-infotext';
import type { Generator, MetadataSources, ParsedGeneration } from './types';
import { text } from './values';

/**
 * AUTOMATIC1111-style infotext ("prompt / Negative prompt: / Steps: 20, Sampler: ..."), written by
 * A1111 and its forks (Forge, reForge, Forge Neo), SD.Next, Civitai's generator and ComfyUI's
 * SaveImageWithMetaData. PNGs carry it in a `parameters` text chunk, JPEG and WebP in EXIF UserComment.
 * Which tool wrote it is told by the keys of the parameters line.
 */

const PARAMETERS_KEYWORD = 'parameters';
/** Infotext in EXIF is only trusted with a parameters line: a bare UserComment ("Screenshot") is no prompt. */
const PARAMS_LINE = /(^|\n)Steps: \d+,/;

export function parseA1111(sources: MetadataSources): ParsedGeneration | null {
  const png = sources.png.get(PARAMETERS_KEYWORD);
  if (png !== undefined && !looksLikeJson(png)) return fromInfotext(png);
  const comment = sources.exif?.userComment;
  if (comment !== undefined && PARAMS_LINE.test(comment)) return fromInfotext(comment);
  if (sources.stealth !== null && PARAMS_LINE.test(sources.stealth)) return fromInfotext(sources.stealth);
  return null;
}

/** Parses an infotext into the shared fields; the tool is guessed from its keys. */
export function fromInfotext(infotext: string): ParsedGeneration {
  const parsed = parseInfotext(infotext);
  return {
    generator: infotextGenerator(parsed),
    prompt: text(parsed.prompt),
    negative_prompt: text(parsed.negative_prompt),
    seed: parsed.seed !== null && Number.isSafeInteger(parsed.seed) ? parsed.seed : null,
    steps: parsed.steps,
    sampler: parsed.sampler,
    cfg_scale: parsed.cfg_scale,
    width: parsed.width,
    height: parsed.height,
    model: parsed.model,
  };
}

/**
 * Forge writes `Version: f2.0.1v1.10.1-...` (reForge `f1.0.0v2-...`), Forge Classic `classic`, Forge Neo
 * `neo...`; SD.Next adds `App: SD.Next`; Civitai `Civitai resources`/`Created Date`; ComfyUI's
 * SaveImageWithMetaData-style writers `Version: ComfyUI`.
 */
export function infotextGenerator(infotext: Infotext): Generator {
  const extra = infotext.extra;
  const version = extra.Version ?? '';
  if (extra.App === 'SD.Next') return 'sd-next';
  if ('Civitai resources' in extra || 'Civitai metadata' in extra || 'Created Date' in extra) return 'civitai';
  if (/^comfyui/i.test(version)) return 'comfyui';
  if (/^(f\d|classic|neo)/i.test(version)) return 'forge';
  if (extra.Generator === 'APEX Director') return 'apex-director';
  return 'a1111';
}

function looksLikeJson(value: string): boolean {
  return value.trimStart().startsWith('{');
}
