import { z } from 'zod';
import { isObject } from './values';

/**
 * Walks a ComfyUI API-format graph (the `prompt` JSON: node id → {class_type, inputs}, where an input is
 * a literal or a link `[node id, output index]`) to find what the artist typed. The prompt is not stored
 * anywhere on its own: it sits in the CLIPTextEncode (or similar) node the sampler's `positive` input
 * leads to, possibly through conditioning nodes (combine, set area, ControlNet, unCLIP), and its text
 * may itself be a link to a string primitive, a switch or a concatenation. Node ids are strings and may
 * be subgraph paths such as `30:8`.
 *
 * Every walk is bounded (depth and visited set) because graphs are user data and may contain cycles.
 */

export interface ComfyNode {
  class_type: string;
  inputs: Record<string, unknown>;
}
export type ComfyGraph = ReadonlyMap<string, ComfyNode>;
type Link = [string, number];

const NodeSchema = z.object({ class_type: z.string().min(1).max(500), inputs: z.record(z.string(), z.unknown()).default({}) });
/** Far above any real workflow (a few hundred nodes); bounds the work a hostile file can cause. */
export const MAX_GRAPH_NODES = 10_000;
/** Longest chain of links followed from one input. */
const MAX_DEPTH = 64;

/** The nodes of an API-format graph; null when `value` is not one (no node with a class_type). */
export function toComfyGraph(value: unknown): ComfyGraph | null {
  if (!isObject(value)) return null;
  const graph = new Map<string, ComfyNode>();
  for (const [id, raw] of Object.entries(value)) {
    if (graph.size >= MAX_GRAPH_NODES) break;
    const node = NodeSchema.safeParse(raw);
    if (node.success) graph.set(id, node.data);
  }
  return graph.size > 0 ? graph : null;
}

export function asLink(value: unknown): Link | null {
  if (!Array.isArray(value) || value.length !== 2) return null;
  const [id, index] = value as [unknown, unknown];
  if ((typeof id !== 'string' && typeof id !== 'number') || typeof index !== 'number') return null;
  return [String(id), index];
}

// ---- samplers -------------------------------------------------------------------------------------

/** KSampler, KSamplerAdvanced, SamplerCustom(Advanced), "KSampler (Efficient)", detailers...: nodes that denoise. */
export function isSampler(node: ComfyNode): boolean {
  return /sampler/i.test(node.class_type) && ('positive' in node.inputs || 'guider' in node.inputs);
}

/** Save/preview nodes: where the image we are looking at came out. */
function isOutput(node: ComfyNode): boolean {
  return /save|preview/i.test(node.class_type) && 'images' in node.inputs;
}

/**
 * The samplers that made the image, in execution order (first pass first). When the graph has several
 * outputs (a first pass and a hires pass each saved), the one fed by the most samplers is taken: it is
 * the finished image. A graph without a recognisable output falls back to every sampler it holds.
 */
export function samplersInOrder(graph: ComfyGraph): string[] {
  let best: string[] = [];
  for (const [id, node] of graph) {
    if (!isOutput(node)) continue;
    const upstream = upstreamSamplers(graph, id);
    if (upstream.length > best.length) best = upstream;
  }
  if (best.length > 0) return best;
  return [...graph].filter(([, node]) => isSampler(node)).map(([id]) => id);
}

/** Depth-first, inputs before the node (post-order): the order ComfyUI executes them in. */
function upstreamSamplers(graph: ComfyGraph, outputId: string): string[] {
  const order: string[] = [];
  const visited = new Set<string>();
  const visit = (id: string, depth: number): void => {
    if (visited.has(id) || depth > MAX_DEPTH) return;
    visited.add(id);
    const node = graph.get(id);
    if (!node) return;
    for (const value of Object.values(node.inputs)) {
      const link = asLink(value);
      if (link) visit(link[0], depth + 1);
    }
    if (isSampler(node)) order.push(id);
  };
  visit(outputId, 0);
  return order;
}

// ---- prompts --------------------------------------------------------------------------------------

/** Inputs that never lead to prompt text (following them could reach another generation's prompt). */
const NOT_CONDITIONING = new Set(['clip', 'model', 'vae', 'image', 'images', 'pixels', 'samples', 'latent', 'latent_image', 'mask', 'control_net', 'clip_vision', 'clip_vision_output', 'style_model', 'upscale_model', 'noise', 'sigmas', 'sampler']);
/** Inputs that hold the text itself in text-encoding nodes of core ComfyUI and common node packs. */
const TEXT_INPUTS = ['text', 'text_g', 'text_l', 'clip_l', 't5xxl', 'prompt', 'Text', 'prompt_text', 'positive_prompt', 'string', 'value', 'text_0'];

/**
 * The texts a conditioning input is built from, in graph order, without duplicates. `outputIndex` picks
 * the positive (0) or negative (1) side of nodes such as ControlNetApplyAdvanced that carry both.
 */
export function conditioningTexts(graph: ComfyGraph, value: unknown): string[] {
  const texts: string[] = [];
  const visited = new Set<string>();
  const walk = (input: unknown, depth: number): void => {
    const link = asLink(input);
    if (!link || depth > MAX_DEPTH || visited.has(`${link[0]}#${link[1]}`)) return;
    visited.add(`${link[0]}#${link[1]}`);
    const node = graph.get(link[0]);
    if (!node) return;
    // Flux/SD3 graphs zero out the positive to make the negative: that negative is empty, not the prompt.
    if (node.class_type === 'ConditioningZeroOut') return;
    const own = nodeTexts(graph, node);
    if (own.length > 0) {
      for (const t of own) if (!texts.includes(t)) texts.push(t);
      return;
    }
    const { positive, negative } = node.inputs;
    if (asLink(positive) && asLink(negative)) {
      walk(link[1] === 1 ? negative : positive, depth + 1);
      return;
    }
    for (const [name, inner] of Object.entries(node.inputs)) if (!NOT_CONDITIONING.has(name)) walk(inner, depth + 1);
  };
  walk(value, 0);
  return texts;
}

/** The texts a text-encoding node holds (literal or through links); empty for other nodes. */
function nodeTexts(graph: ComfyGraph, node: ComfyNode): string[] {
  const texts: string[] = [];
  for (const name of TEXT_INPUTS) {
    if (!(name in node.inputs)) continue;
    if (name === 'value' && !/string|text/i.test(node.class_type)) continue;
    const resolved = resolveString(graph, node.inputs[name], 0);
    if (resolved !== null && resolved.trim() !== '' && !texts.includes(resolved)) texts.push(resolved);
  }
  return texts;
}

/**
 * The string a text input evaluates to, as far as it can be known without running the graph: literals,
 * string primitives, switches (the selected branch, else the other), pass-through display nodes and
 * concatenations. LLM prompt generators (`TextGenerate`) produce their text at run time and never store
 * it, so they resolve to nothing and a switch falls back to the branch with the artist's own words.
 */
export function resolveString(graph: ComfyGraph, value: unknown, depth: number): string | null {
  if (typeof value === 'string') return value;
  const link = asLink(value);
  if (!link || depth > MAX_DEPTH) return null;
  const node = graph.get(link[0]);
  if (!node) return null;
  const inputs = node.inputs;
  const next = (inner: unknown) => resolveString(graph, inner, depth + 1);

  if (/textgenerate|llm|ollama|gpt|gemini|florence/i.test(node.class_type)) return null;
  if ('switch' in inputs && ('on_true' in inputs || 'on_false' in inputs)) {
    const selected = resolveBoolean(graph, inputs.switch) !== false;
    const branches = selected ? [inputs.on_true, inputs.on_false] : [inputs.on_false, inputs.on_true];
    for (const branch of branches) {
      const resolved = next(branch);
      if (resolved) return resolved;
    }
    return null;
  }
  if (/concat/i.test(node.class_type)) {
    const parts = Object.entries(inputs)
      .filter(([key]) => /^(string|text)_?([a-z]|\d+)$/i.test(key))
      .map(([, inner]) => next(inner))
      .filter((part): part is string => part !== null && part !== '');
    const delimiter = typeof inputs.delimiter === 'string' ? inputs.delimiter : ', ';
    return parts.length > 0 ? parts.join(delimiter) : null;
  }
  for (const key of ['value', 'string', 'text', 'Text', 'prompt', 'source', 'text_0']) {
    if (!(key in inputs)) continue;
    const resolved = next(inputs[key]);
    if (resolved) return resolved;
  }
  return null;
}

function resolveBoolean(graph: ComfyGraph, value: unknown): boolean | null {
  if (typeof value === 'boolean') return value;
  const link = asLink(value);
  const inner = link ? graph.get(link[0])?.inputs.value : undefined;
  return typeof inner === 'boolean' ? inner : null;
}

/** A number input: a literal, or a link to a seed/int primitive (`seed`, `noise_seed`, `value`, `int`). */
export function resolveNumber(graph: ComfyGraph, value: unknown): unknown {
  if (typeof value === 'number' || typeof value === 'string') return value;
  const link = asLink(value);
  const inputs = link ? graph.get(link[0])?.inputs : undefined;
  if (!inputs) return null;
  for (const key of ['seed', 'noise_seed', 'value', 'int', 'number']) if (typeof inputs[key] === 'number') return inputs[key];
  return null;
}

/** The node a link points to. */
export function linked(graph: ComfyGraph, value: unknown): ComfyNode | null {
  const link = asLink(value);
  return link ? (graph.get(link[0]) ?? null) : null;
}

/**
 * The checkpoint (or UNET / diffusion model) feeding a sampler's `model` input, through LoRA loaders and
 * model patches; null when none is found upstream.
 */
export function modelName(graph: ComfyGraph, value: unknown): string | null {
  const visited = new Set<string>();
  const walk = (input: unknown, depth: number): string | null => {
    const link = asLink(input);
    if (!link || depth > MAX_DEPTH || visited.has(link[0])) return null;
    visited.add(link[0]);
    const node = graph.get(link[0]);
    if (!node) return null;
    for (const key of ['ckpt_name', 'unet_name', 'model_name', 'base_ckpt_name']) {
      const name = resolveString(graph, node.inputs[key], 0);
      if (name) return name;
    }
    for (const [key, inner] of Object.entries(node.inputs)) {
      if (key !== 'model' && !/^model/.test(key)) continue;
      const found = walk(inner, depth + 1);
      if (found) return found;
    }
    return null;
  };
  return walk(value, 0);
}

/** The first checkpoint-like loader anywhere in the graph (when no sampler leads to one). */
export function anyModelName(graph: ComfyGraph): string | null {
  for (const node of graph.values()) {
    for (const key of ['ckpt_name', 'unet_name']) {
      const value = node.inputs[key];
      if (typeof value === 'string' && value.trim() !== '') return value;
    }
  }
  return null;
}

/** Width and height of the latent a sampler starts from (EmptyLatentImage and friends), when literal. */
export function latentSize(graph: ComfyGraph, value: unknown): { width: number; height: number } | null {
  const visited = new Set<string>();
  const walk = (input: unknown, depth: number): { width: number; height: number } | null => {
    const link = asLink(input);
    if (!link || depth > MAX_DEPTH || visited.has(link[0])) return null;
    visited.add(link[0]);
    const node = graph.get(link[0]);
    if (!node) return null;
    const { width, height } = node.inputs;
    if (/latent/i.test(node.class_type) && typeof width === 'number' && typeof height === 'number' && !/upscale/i.test(node.class_type)) return { width, height };
    for (const key of ['latent_image', 'samples', 'samples_to', 'latent']) {
      const found = walk(node.inputs[key], depth + 1);
      if (found) return found;
    }
    return null;
  };
  return walk(value, 0);
}
