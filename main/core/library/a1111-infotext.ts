/**
 * AUTOMATIC1111 "infotext" — the `parameters` text every image tool (Civitai, image browsers, Forge,
 * Fooocus...) reads. Written and parsed the way A1111's `processing.create_infotext` and
 * `infotext_utils.parse_generation_parameters` do (research/anchors.md §3.2):
 *
 *   <prompt, possibly several lines>
 *   Negative prompt: <negative prompt, possibly several lines>
 *   Steps: 20, Sampler: Euler a, CFG scale: 7, Seed: 1, Size: 512x512, Model: name, ...
 *
 * Like A1111, parsing trims each prompt line, and a last line with fewer than 3 `key: value` pairs is
 * prompt text, not parameters.
 */

export interface InfotextInput {
  prompt: string;
  negative_prompt: string | null;
  steps: number | null;
  sampler: string | null;
  cfg_scale: number | null;
  seed: number | null;
  width: number;
  height: number;
  model: string | null;
  /** Further `Key: value` pairs, written after Model in insertion order; empty values are skipped. */
  extra: Record<string, string | number>;
}

export interface Infotext {
  prompt: string;
  negative_prompt: string | null;
  steps: number | null;
  sampler: string | null;
  cfg_scale: number | null;
  seed: number | null;
  width: number | null;
  height: number | null;
  model: string | null;
  /** Every other pair of the parameters line, values unquoted, as strings. */
  extra: Record<string, string>;
}

/** A1111's `re_param`; `\w` made Unicode-aware to match Python's `re`. */
const PARAM_PATTERN = /\s*([\p{L}\p{N}_][\p{L}\p{N}_ \-/]+):\s*("(?:\\.|[^\\"])+"|[^,]*)(?:,|$)/gu;
const KEY_PATTERN = /^[\p{L}\p{N}_][\p{L}\p{N}_ \-/]+$/u;
const IMAGE_SIZE = /^(\d+)x(\d+)$/;
/** A1111 ignores a last line with fewer pairs than this (it is then part of the prompt). */
const MIN_PARAMS_ON_LAST_LINE = 3;
const NEGATIVE_PREFIX = 'Negative prompt:';

/**
 * A1111's `quote()`: JSON-quote values that would break the comma-separated line. A1111 itself quotes
 * on `,` `:` and newline; we also quote on `"` so a value that happens to start and end with a quote
 * survives the round trip (A1111's parser unquotes such values either way).
 */
export function quoteInfotextValue(value: string | number): string {
  const text = String(value);
  return /[,:\n"]/.test(text) ? JSON.stringify(text) : text;
}

/** A1111's `unquote()`: JSON-decode a quoted value, or keep it as written when that fails. */
export function unquoteInfotextValue(value: string): string {
  if (value.length < 2 || !value.startsWith('"') || !value.endsWith('"')) return value;
  try {
    const decoded: unknown = JSON.parse(value);
    return typeof decoded === 'string' ? decoded : value;
  } catch {
    return value;
  }
}

export function formatInfotext(input: InfotextInput): string {
  const pairs: Array<[string, string | number | null]> = [
    ['Steps', input.steps],
    ['Sampler', input.sampler],
    ['CFG scale', input.cfg_scale],
    ['Seed', input.seed],
    ['Size', `${input.width}x${input.height}`],
    ['Model', input.model],
    ...Object.entries(input.extra),
  ];
  const params = pairs
    .filter((pair): pair is [string, string | number] => pair[1] !== null && pair[1] !== '')
    .map(([key, value]) => {
      if (!KEY_PATTERN.test(key)) throw new Error(`Infotext key ${JSON.stringify(key)} is not a valid A1111 parameter name.`);
      return `${key}: ${quoteInfotextValue(value)}`;
    })
    .join(', ');
  const negative = input.negative_prompt ? `\n${NEGATIVE_PREFIX} ${input.negative_prompt}` : '';
  return `${input.prompt}${negative}\n${params}`.trim();
}

export function parseInfotext(text: string): Infotext {
  const lines = text.trim().split('\n');
  let lastLine = lines.pop() ?? '';
  if (parseParamPairs(lastLine).length < MIN_PARAMS_ON_LAST_LINE) {
    lines.push(lastLine);
    lastLine = '';
  }
  const { prompt, negative } = splitPrompts(lines);
  const result: Infotext = {
    prompt,
    negative_prompt: negative,
    steps: null,
    sampler: null,
    cfg_scale: null,
    seed: null,
    width: null,
    height: null,
    model: null,
    extra: {},
  };
  for (const [key, value] of parseParamPairs(lastLine)) assignParam(result, key, value);
  return result;
}

function parseParamPairs(line: string): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (const match of line.matchAll(PARAM_PATTERN)) {
    const raw = match[2] ?? '';
    // A1111 drops empty values (its `v[0]` raises and the pair is skipped) but still counts them.
    pairs.push([match[1] ?? '', raw === '' ? '' : unquoteInfotextValue(raw)]);
  }
  return pairs;
}

function splitPrompts(lines: readonly string[]): { prompt: string; negative: string | null } {
  const prompt: string[] = [];
  const negative: string[] = [];
  let inNegative = false;
  for (const rawLine of lines) {
    let line = rawLine.trim();
    if (line.startsWith(NEGATIVE_PREFIX)) {
      inNegative = true;
      line = line.slice(NEGATIVE_PREFIX.length).trim();
    }
    (inNegative ? negative : prompt).push(line);
  }
  return { prompt: prompt.join('\n'), negative: inNegative ? negative.join('\n') : null };
}

function assignParam(result: Infotext, key: string, value: string): void {
  if (value === '') return;
  const size = key === 'Size' ? IMAGE_SIZE.exec(value) : null;
  const number = Number(value);
  const isInt = /^-?\d+$/.test(value);
  if (size) {
    result.width = Number(size[1]);
    result.height = Number(size[2]);
  } else if (key === 'Steps' && isInt) result.steps = number;
  else if (key === 'Seed' && isInt) result.seed = number;
  else if (key === 'CFG scale' && value.trim() !== '' && Number.isFinite(number)) result.cfg_scale = number;
  else if (key === 'Sampler') result.sampler = value;
  else if (key === 'Model') result.model = value;
  else result.extra[key] = value;
}
