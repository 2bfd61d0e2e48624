import type { GenerationFields, MetadataSources, ParsedGeneration } from './types';
import { decimal, first, integer, isObject, name, parseJsonObject, positiveInteger, text, type JsonObject } from './values';

/**
 * NovelAI. PNGs carry tEXt `Software` = `NovelAI`, `Source` (the model, e.g. "NovelAI Diffusion V4.5
 * C02D4F98"), `Description` (the prompt, legacy) and `Comment` (JSON: prompt, uc = negative, steps,
 * scale = CFG, seed, sampler, width, height; V4 adds v4_prompt/v4_negative_prompt captions). WebP
 * puts the same keys as one JSON object into EXIF UserComment (`ASCII` charset); the alpha-channel
 * stealth payload NovelAI also writes holds that same object.
 */

const SOFTWARE = /^NovelAI/i;

export function parseNovelAI(sources: MetadataSources): ParsedGeneration | null {
  const keys = novelAIKeys(sources);
  if (!keys) return null;
  const comment = parseJsonObject(keys.Comment) ?? {};
  return { generator: 'novelai', ...fromComment(comment, keys) };
}

type NovelAIKeys = Partial<Record<'Comment' | 'Description' | 'Software' | 'Source' | 'Title', string>>;

function novelAIKeys(sources: MetadataSources): NovelAIKeys | null {
  const png = sources.png;
  if (SOFTWARE.test(png.get('Software') ?? '')) {
    return { Comment: png.get('Comment'), Description: png.get('Description'), Software: png.get('Software'), Source: png.get('Source'), Title: png.get('Title') };
  }
  for (const carrier of [sources.exif?.userComment, sources.stealth]) {
    const object = parseJsonObject(carrier);
    if (object && SOFTWARE.test(String(object.Software ?? ''))) return stringValues(object);
  }
  return null;
}

function stringValues(object: JsonObject): NovelAIKeys {
  const keys: NovelAIKeys = {};
  for (const key of ['Comment', 'Description', 'Software', 'Source', 'Title'] as const) {
    const value = object[key];
    if (typeof value === 'string') keys[key] = value;
    else if (isObject(value)) keys[key] = JSON.stringify(value);
  }
  return keys;
}

function fromComment(comment: JsonObject, keys: NovelAIKeys): GenerationFields {
  return {
    prompt: first(text(comment.prompt), caption(comment.v4_prompt), text(keys.Description)),
    negative_prompt: first(text(comment.uc), caption(comment.v4_negative_prompt)),
    seed: integer(comment.seed),
    steps: positiveInteger(comment.steps),
    sampler: name(comment.sampler),
    cfg_scale: decimal(comment.scale),
    width: positiveInteger(comment.width),
    height: positiveInteger(comment.height),
    model: name(keys.Source),
  };
}

/** V4 prompts: `{caption: {base_caption, char_captions: [{char_caption}]}}`. */
function caption(value: unknown): string | null {
  if (!isObject(value) || !isObject(value.caption)) return null;
  const parts = [value.caption.base_caption];
  if (Array.isArray(value.caption.char_captions)) {
    for (const character of value.caption.char_captions as unknown[]) if (isObject(character)) parts.push(character.char_caption);
  }
  return text(parts.filter((part): part is string => typeof part === 'string' && part.trim() !== '').join('\n'));
}
