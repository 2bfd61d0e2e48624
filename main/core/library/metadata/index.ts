import type { ImageFormat } from '../image-pipeline';
import { parseA1111 } from './a1111';
import { parseApex } from './apex';
import { readMetadataSources } from './carriers';
import { parseComfyUI } from './comfyui';
import { parseFooocus } from './fooocus';
import { parseInvokeAI } from './invokeai';
import { parseNovelAI } from './novelai';
import { readStealthPayload } from './stealth';
import { parseSwarmUI } from './swarmui';
import type { ExifText, GenerationMetadata, MetadataSources, ParsedGeneration } from './types';
import { EMPTY_FIELDS } from './types';
import { mergeFields } from './values';

export type { GenerationMetadata, Generator } from './types';
export { GENERATORS } from './types';

/**
 * Reads the generation metadata another tool embedded in an image: which tool, the prompt, negative
 * prompt, seed, steps, sampler, CFG scale, size and model, plus every raw text carrier so nothing is
 * lost. Throws (with the defect named) only when the container itself is broken; unreadable metadata
 * inside a sound file becomes a warning.
 */

/**
 * Most specific first: SwarmUI and Fooocus also write `parameters` (as JSON), SwarmUI PNGs also carry
 * a ComfyUI graph, ComfyUI's SaveImageWithMetaData also writes A1111 infotext.
 */
const PARSERS: ReadonlyArray<(sources: MetadataSources) => ParsedGeneration | null> = [
  parseApex,
  parseSwarmUI,
  parseFooocus,
  parseNovelAI,
  parseInvokeAI,
  parseComfyUI,
  parseA1111,
];

/** Raw text kept per file (all carriers together): ComfyUI workflows run to a few MB, a bomb does not fit. */
export const MAX_RAW_METADATA_CHARS = 8 * 1024 * 1024;

const EXIF_NAMES: Record<keyof ExifText, string> = {
  imageDescription: 'ImageDescription',
  make: 'Make',
  model: 'Model',
  software: 'Software',
  artist: 'Artist',
  userComment: 'UserComment',
  xpComment: 'XPComment',
};

export async function readGenerationMetadata(bytes: Uint8Array, format: ImageFormat): Promise<GenerationMetadata> {
  const { sources, warnings } = readMetadataSources(bytes, format);
  let parsed = parse(sources);
  let stealth: GenerationMetadata['stealth'] = null;
  if (format === 'png') {
    // Alpha-channel payloads are checked on every PNG with alpha; RGB ones only when nothing else was found.
    const payload = await readStealthPayload(bytes, { rgbToo: parsed === null }).catch((error: unknown) => {
      warnings.push(`stealth metadata check failed: ${error instanceof Error ? error.message : String(error)}`);
      return null;
    });
    if (payload) {
      stealth = payload.mode;
      if (payload.error) warnings.push(`stealth metadata present but unreadable: ${payload.error}`);
      if (payload.text !== null) {
        sources.stealth = payload.text;
        // Text chunks win (A1111 reads stealth only when there are none); the payload fills what they lack.
        const fromStealth = parse({ ...sources, png: new Map(), exif: null });
        if (!parsed) parsed = fromStealth;
        else if (fromStealth) parsed = { ...mergeFields(parsed, fromStealth), generator: parsed.generator };
      }
    }
  }
  return { ...(parsed ?? { ...EMPTY_FIELDS, generator: null }), raw: rawOf(sources, warnings), stealth, warnings };
}

function parse(sources: MetadataSources): ParsedGeneration | null {
  for (const parser of PARSERS) {
    const result = parser(sources);
    if (!result) continue;
    // SaveImageWithMetaData writes both a graph and infotext: fill what the graph walk missed.
    if (result.generator === 'comfyui') {
      const infotext = parseA1111(sources);
      if (infotext) return { ...mergeFields(result, infotext), generator: 'comfyui' };
    }
    return result;
  }
  return null;
}

function rawOf(sources: MetadataSources, warnings: string[]): Record<string, string> {
  const entries: Array<[string, string]> = [];
  for (const [keyword, text] of sources.png) entries.push([`png:${keyword}`, text]);
  for (const [key, text] of Object.entries(sources.exif ?? {}) as Array<[keyof ExifText, string]>) entries.push([`exif:${EXIF_NAMES[key]}`, text]);
  if (sources.comment !== null) entries.push(['jpeg:comment', sources.comment]);
  if (sources.xmp !== null && !sources.png.has('XML:com.adobe.xmp')) entries.push(['xmp', sources.xmp]);
  if (sources.stealth !== null) entries.push(['stealth', sources.stealth]);
  const raw: Record<string, string> = {};
  let total = 0;
  for (const [key, text] of entries) {
    if (total + text.length > MAX_RAW_METADATA_CHARS) {
      warnings.push(`raw metadata ${key} (${text.length} characters) not kept: over the ${MAX_RAW_METADATA_CHARS}-character limit per file`);
      continue;
    }
    total += text.length;
    raw[key] = text;
  }
  return raw;
}
