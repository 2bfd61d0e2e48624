import {
  anyModelName,
  conditioningTexts,
  latentSize,
  linked,
  modelName,
  resolveNumber,
  samplersInOrder,
  toComfyGraph,
  type ComfyGraph,
  type ComfyNode,
} from './comfyui-graph';
import type { ExifText, GenerationFields, Generator, MetadataSources, ParsedGeneration } from './types';
import { EMPTY_FIELDS } from './types';
import { decimal, first, integer, isObject, mergeFields, name, parseJsonObject, positiveInteger, text, tryParseJson, type JsonObject } from './values';

/**
 * ComfyUI and the tools built on its graphs. Where the graph lives:
 * - PNG (SaveImage and most custom savers): tEXt `prompt` (API graph) and `workflow` (UI graph).
 * - WebP (core SaveImage/SaveAnimatedWEBP): EXIF Make = `workflow:{...}`, Model = `prompt:{...}`.
 * - Save Image Extended (JPEG/WebP): ImageDescription = `Workflow: {...}`, Make = `Prompt: {...}`.
 * - SaveImagePlus (JPEG): UserComment = `{"prompt": {...}, "workflow": {...}}`.
 * - Civitai's on-site generator: UserComment = the API graph itself plus `extraMetadata` (a JSON string
 *   with the prompt as typed) and `urn:air:` model ids.
 * The prompt is found by walking the graph from the sampler(s) (comfyui-graph.ts); the UI graph is a
 * fallback for files that carry only a workflow.
 */

const PREFIXED_JSON = /^\s*(prompt|workflow)\s*:\s*/i;
/** Several prompts of a multi-sampler graph (area composition, hires pass) are joined with this. */
const PROMPT_SEPARATOR = '\n';

interface ComfyPayload {
  prompt: unknown;
  /** Parsed only when the API graph is missing: UI workflows run to megabytes and are rarely needed. */
  workflow: () => unknown;
}

export function parseComfyUI(sources: MetadataSources): ParsedGeneration | null {
  const payload = findPayload(sources);
  if (!payload) return null;
  const graph = toComfyGraph(payload.prompt);
  const civitai = isObject(payload.prompt) && isCivitai(payload.prompt);
  const generator: Generator = civitai ? 'civitai' : 'comfyui';
  const fields = graph ? fieldsFromGraph(graph) : fieldsFromWorkflow(payload.workflow());
  if (!fields) return null; // neither an API graph nor a workflow with text in it: not ComfyUI's
  if (civitai && isObject(payload.prompt)) return { generator, ...mergeFields(civitaiFields(payload.prompt), fields) };
  return { generator, ...fields };
}

/** The API graph (and UI workflow) from whichever carrier holds them. */
function findPayload(sources: MetadataSources): ComfyPayload | null {
  const pngPrompt = sources.png.get('prompt');
  const pngWorkflow = sources.png.get('workflow');
  if (pngPrompt !== undefined || pngWorkflow !== undefined) {
    return { prompt: pngPrompt === undefined ? undefined : tryParseJson(pngPrompt), workflow: () => (pngWorkflow === undefined ? undefined : tryParseJson(pngWorkflow)) };
  }
  if (sources.exif) return payloadFromExif(sources.exif);
  return null;
}

function payloadFromExif(exif: ExifText): ComfyPayload | null {
  const found: Partial<Record<'prompt' | 'workflow', string>> = {};
  for (const value of [exif.imageDescription, exif.make, exif.model, exif.userComment]) {
    const match = value === undefined ? null : PREFIXED_JSON.exec(value);
    if (!match || value === undefined) continue;
    const key = match[1]!.toLowerCase() as 'prompt' | 'workflow';
    found[key] ??= value.slice(match[0].length);
  }
  if (found.prompt !== undefined || found.workflow !== undefined) {
    const { prompt, workflow } = found;
    return { prompt: prompt === undefined ? undefined : tryParseJson(prompt), workflow: () => (workflow === undefined ? undefined : tryParseJson(workflow)) };
  }
  const comment = parseJsonObject(exif.userComment);
  if (!comment) return null;
  if ('prompt' in comment || 'workflow' in comment) {
    const prompt = typeof comment.prompt === 'string' ? tryParseJson(comment.prompt) : comment.prompt;
    return { prompt, workflow: () => comment.workflow };
  }
  // The graph itself (Civitai): only when it really is one.
  return toComfyGraph(comment) ? { prompt: comment, workflow: () => undefined } : null;
}

function fieldsFromGraph(graph: ComfyGraph): GenerationFields {
  const samplers = samplersInOrder(graph)
    .map((id) => graph.get(id))
    .filter((node): node is ComfyNode => node !== undefined);
  const primary = samplers[0];
  if (!primary) return { ...EMPTY_FIELDS, model: name(anyModelName(graph)) };
  const positives: string[] = [];
  const negatives: string[] = [];
  for (const sampler of samplers) {
    const conditioning = linked(graph, sampler.inputs.guider) ?? sampler;
    const c = conditioning.inputs;
    for (const t of conditioningTexts(graph, c.positive ?? c.conditioning ?? c.cond1)) if (!positives.includes(t)) positives.push(t);
    for (const t of conditioningTexts(graph, c.negative)) if (!negatives.includes(t)) negatives.push(t);
  }
  const inputs = primary.inputs;
  const guider = linked(graph, inputs.guider)?.inputs ?? {};
  const scheduler = linked(graph, inputs.sigmas)?.inputs ?? {};
  const samplerSelect = linked(graph, inputs.sampler)?.inputs ?? {};
  const noise = linked(graph, inputs.noise)?.inputs ?? {};
  const size = latentSize(graph, inputs.latent_image);
  return {
    prompt: text(positives.join(PROMPT_SEPARATOR)),
    negative_prompt: text(negatives.join(PROMPT_SEPARATOR)),
    seed: integer(first(resolveNumber(graph, inputs.seed), resolveNumber(graph, inputs.noise_seed), resolveNumber(graph, noise.noise_seed))),
    steps: positiveInteger(first(resolveNumber(graph, inputs.steps), resolveNumber(graph, scheduler.steps))),
    sampler: name(first(inputs.sampler_name, samplerSelect.sampler_name)),
    cfg_scale: decimal(first(resolveNumber(graph, inputs.cfg), resolveNumber(graph, guider.cfg))),
    width: size?.width ?? null,
    height: size?.height ?? null,
    model: name(first(modelName(graph, inputs.model ?? guider.model), anyModelName(graph))),
  };
}

/**
 * A UI-format workflow only (no API graph): text encoders' widget values, negative when the node's title
 * says so, and the first KSampler's widgets (seed, control, steps, cfg, sampler, scheduler, denoise).
 */
function fieldsFromWorkflow(workflow: unknown): GenerationFields | null {
  if (!isObject(workflow) || !Array.isArray(workflow.nodes)) return null;
  const positives: string[] = [];
  const negatives: string[] = [];
  let sampler: unknown[] | null = null;
  for (const node of workflow.nodes as unknown[]) {
    if (!isObject(node) || typeof node.type !== 'string' || !Array.isArray(node.widgets_values)) continue;
    const widgets = node.widgets_values as unknown[];
    if (/CLIPTextEncode/.test(node.type) && typeof widgets[0] === 'string' && widgets[0].trim() !== '') {
      const negative = typeof node.title === 'string' && /negative/i.test(node.title);
      (negative ? negatives : positives).push(widgets[0].trim());
    } else if (node.type === 'KSampler' && sampler === null) {
      sampler = widgets;
    }
  }
  if (positives.length === 0 && sampler === null) return null;
  return {
    ...EMPTY_FIELDS,
    prompt: text(positives.join(PROMPT_SEPARATOR)),
    negative_prompt: text(negatives.join(PROMPT_SEPARATOR)),
    seed: sampler ? integer(sampler[0]) : null,
    steps: sampler ? positiveInteger(sampler[2]) : null,
    cfg_scale: sampler ? decimal(sampler[3]) : null,
    sampler: sampler ? name(sampler[4]) : null,
  };
}

function isCivitai(graph: JsonObject): boolean {
  return 'extraMetadata' in graph || 'resource-stack' in graph || JSON.stringify(graph.extra ?? '').includes('urn:air:');
}

/** Civitai's `extraMetadata`: the prompt and settings as the artist typed them on the site. */
function civitaiFields(graph: JsonObject): GenerationFields {
  const extra = typeof graph.extraMetadata === 'string' ? parseJsonObject(graph.extraMetadata) : isObject(graph.extraMetadata) ? graph.extraMetadata : null;
  if (!extra) return EMPTY_FIELDS;
  return {
    ...EMPTY_FIELDS,
    prompt: text(extra.prompt),
    negative_prompt: text(extra.negativePrompt),
    seed: integer(extra.seed),
    steps: positiveInteger(extra.steps),
    sampler: name(extra.sampler),
    cfg_scale: decimal(extra.cfgScale),
  };
}
