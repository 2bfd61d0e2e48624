import type { GenerationFields, MetadataSources, ParsedGeneration } from './types';
import { EMPTY_FIELDS } from './types';
import { decimal, first, integer, isObject, mergeFields, name, parseJsonObject, positiveInteger, text, type JsonObject } from './values';

/**
 * InvokeAI, three generations of it:
 * - 3.x and later: tEXt `invokeai_metadata`, JSON with `positive_prompt`, `negative_prompt`, `seed`,
 *   `steps`, `cfg_scale`, `scheduler`, `width`, `height`, `model` ({model_name} in 3.x, {name} in 4.x+).
 * - 2.3: tEXt `sd-metadata`, JSON with `model_weights` and `image: {prompt: [{prompt, weight}], ...}`.
 * - 2.x and older: tEXt `Dream`, the command line that made the image:
 *   `"a prompt [negative words]" -s 50 -S 2980747362 -W 512 -H 768 -C 5 -A k_lms`.
 * Before 3.0 the negative prompt was written inside the prompt in square brackets.
 */

export function parseInvokeAI(sources: MetadataSources): ParsedGeneration | null {
  const modern = parseJsonObject(sources.png.get('invokeai_metadata'));
  if (modern) return { generator: 'invokeai', ...fromInvokeMetadata(modern) };
  const legacy = parseJsonObject(sources.png.get('sd-metadata'));
  const dream = sources.png.get('Dream');
  if (!legacy && dream === undefined) return null;
  const fromLegacy = legacy ? fromSdMetadata(legacy) : EMPTY_FIELDS;
  const fromDream = dream === undefined ? EMPTY_FIELDS : parseDreamCommand(dream);
  return { generator: 'invokeai', ...mergeFields(fromLegacy, fromDream) };
}

function fromInvokeMetadata(meta: JsonObject): GenerationFields {
  const model = isObject(meta.model) ? first(name(meta.model.model_name), name(meta.model.name)) : name(meta.model);
  return {
    prompt: text(meta.positive_prompt),
    negative_prompt: text(meta.negative_prompt),
    seed: integer(meta.seed),
    steps: positiveInteger(meta.steps),
    sampler: first(name(meta.scheduler), name(meta.sampler)),
    cfg_scale: decimal(meta.cfg_scale),
    width: positiveInteger(meta.width),
    height: positiveInteger(meta.height),
    model,
  };
}

function fromSdMetadata(meta: JsonObject): GenerationFields {
  const image = isObject(meta.image) ? meta.image : {};
  const rawPrompt = Array.isArray(image.prompt)
    ? image.prompt
        .map((part: unknown) => (isObject(part) && typeof part.prompt === 'string' ? part.prompt : ''))
        .filter((part) => part !== '')
        .join(' ')
    : typeof image.prompt === 'string'
      ? image.prompt
      : '';
  const { prompt, negative } = splitBracketNegative(rawPrompt);
  return {
    prompt,
    negative_prompt: negative,
    seed: integer(image.seed),
    steps: positiveInteger(image.steps),
    sampler: name(image.sampler),
    cfg_scale: decimal(image.cfg_scale),
    width: positiveInteger(image.width),
    height: positiveInteger(image.height),
    model: first(name(meta.model_weights), name(meta.model)),
  };
}

/** The flags of InvokeAI's `dream>` command line that we map. */
type DreamField = 'steps' | 'seed' | 'width' | 'height' | 'cfg_scale' | 'sampler' | 'model';
const DREAM_FLAGS: Record<string, DreamField> = {
  '-s': 'steps',
  '--steps': 'steps',
  '-S': 'seed',
  '--seed': 'seed',
  '-W': 'width',
  '--width': 'width',
  '-H': 'height',
  '--height': 'height',
  '-C': 'cfg_scale',
  '--cfg_scale': 'cfg_scale',
  '-A': 'sampler',
  '--sampler': 'sampler',
  '-m': 'model',
  '--model': 'model',
};

/** `"prompt [negative]" -s 50 -S 1 ...`: a quoted prompt (JSON-style escapes) followed by flags. */
export function parseDreamCommand(command: string): GenerationFields {
  const trimmed = command.trim();
  let rest: string;
  let rawPrompt: string;
  const quoted = /^"((?:\\.|[^"\\])*)"/.exec(trimmed);
  if (quoted) {
    rawPrompt = unescapeQuoted(quoted[1]!);
    rest = trimmed.slice(quoted[0].length);
  } else {
    const flagStart = trimmed.search(/\s-[A-Za-z-]/);
    rawPrompt = flagStart < 0 ? trimmed : trimmed.slice(0, flagStart);
    rest = flagStart < 0 ? '' : trimmed.slice(flagStart);
  }
  const { prompt, negative } = splitBracketNegative(rawPrompt);
  const fields: GenerationFields = { ...EMPTY_FIELDS, prompt, negative_prompt: negative };
  const tokens = rest.trim().split(/\s+/);
  for (let i = 0; i < tokens.length; i++) {
    const key = DREAM_FLAGS[tokens[i]!];
    const value = tokens[i + 1];
    if (!key || value === undefined) continue;
    if (key === 'sampler' || key === 'model') fields[key] = name(value);
    else if (key === 'cfg_scale') fields.cfg_scale = decimal(value);
    else if (key === 'seed') fields.seed = integer(value);
    else fields[key] = positiveInteger(value);
    i++; // the flag's value is consumed
  }
  return fields;
}

function unescapeQuoted(body: string): string {
  try {
    return JSON.parse(`"${body}"`) as string;
  } catch {
    return body;
  }
}

/** InvokeAI 2.x: words in [square brackets] are the negative prompt. */
export function splitBracketNegative(raw: string): { prompt: string | null; negative: string | null } {
  const negatives: string[] = [];
  const prompt = raw.replace(/\[([^\]]*)\]/g, (_match, inner: string) => {
    if (inner.trim() !== '') negatives.push(inner.trim());
    return ' ';
  });
  return { prompt: text(prompt.replace(/\s+/g, ' ')), negative: text(negatives.join(', ')) };
}
