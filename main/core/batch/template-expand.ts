import type { ExpansionMode } from '../../../shared/domain/batch';
import { randomInt, type Rng } from './prng';
import { TemplateError, type Sampler, type TemplateNode } from './template-parse';
import type { WildcardSource, WildcardValue } from './wildcards';

/**
 * Expands a parsed template. Random mode draws one prompt per call from a seeded generator (so each job of
 * a batch draws its own — never the same resolved prompt for every job); combinatorial mode yields every
 * combination in a fixed order, the leftmost choice changing slowest. `count` tells how many combinations
 * there are without producing them, so a template that would explode is refused before any work.
 */

/** Wildcards that use wildcards that use wildcards…: deeper than this is taken for a cycle. */
export const MAX_WILDCARD_DEPTH = 12;

export interface ExpandContext {
  wildcards: WildcardSource;
  mode: ExpansionMode;
  /** Combinations per wildcard pattern, counted once per call (a wildcard used by 1,000 rows is summed once). */
  counted?: Map<string, number>;
  /** Patterns being counted right now: meeting one again is a cycle. */
  counting?: Set<string>;
  /** Patterns whose files were already checked in this call. */
  checked?: Set<string>;
}

function wildcardValues(node: { pattern: string; offset: number }, ctx: ExpandContext, depth: number): WildcardValue[] {
  if (depth > MAX_WILDCARD_DEPTH) {
    throw new TemplateError(`wildcards nest more than ${MAX_WILDCARD_DEPTH} levels deep at __${node.pattern}__ (a wildcard file that uses itself?)`, null);
  }
  const values = ctx.wildcards.resolve(node.pattern);
  if (values === null) {
    const hint = node.pattern.includes('*') ? '' : ` (no wildcards/${node.pattern}.txt in the library)`;
    throw new TemplateError(`unknown wildcard __${node.pattern}__${hint}; a literal __ is written \\_\\_`, depth === 0 ? node.offset : null);
  }
  if (values.length === 0) throw new TemplateError(`wildcard __${node.pattern}__ has no values (its files hold only blank lines and # comments)`, depth === 0 ? node.offset : null);
  return values;
}

/** The options of a variant; `{2$$__flavours__}` takes its options from the wildcard's values. */
function optionsOf(node: Extract<TemplateNode, { kind: 'variant' }>, ctx: ExpandContext, depth: number): Array<{ weight: number; node: TemplateNode; depth: number }> {
  const only = node.options.length === 1 ? node.options[0]!.node : null;
  if (node.pick && only?.kind === 'wildcard') return wildcardValues(only, ctx, depth).map((v) => ({ weight: 1, node: v.node, depth: depth + 1 }));
  return node.options.map((o) => ({ weight: o.weight, node: o.node, depth }));
}

function effectiveSampler(sampler: Sampler, ctx: ExpandContext): 'random' | 'cyclical' | 'all' {
  if (sampler === 'random') return 'random';
  if (sampler === 'cyclical') return ctx.mode === 'random' ? 'cyclical' : 'all';
  return ctx.mode === 'random' ? 'random' : 'all';
}

function pickRange(pick: { min: number; max: number | null }, available: number): [number, number] {
  const max = Math.min(pick.max ?? available, available);
  return [Math.min(pick.min, max), max];
}

// ---------------------------------------------------------------- checking

/**
 * Resolves every wildcard a template can reach, so an unknown or empty wildcard is an error whatever a
 * random draw would have picked. Each pattern is walked once per call.
 */
export function checkTemplate(node: TemplateNode, ctx: ExpandContext, depth = 0): void {
  switch (node.kind) {
    case 'text':
      return;
    case 'seq':
      for (const part of node.parts) checkTemplate(part, ctx, depth);
      return;
    case 'wildcard': {
      const values = wildcardValues(node, ctx, depth);
      const checked = (ctx.checked ??= new Set());
      if (checked.has(node.pattern)) return;
      checked.add(node.pattern);
      for (const value of values) checkTemplate(value.node, ctx, depth + 1);
      return;
    }
    case 'variant':
      for (const option of optionsOf(node, ctx, depth)) checkTemplate(option.node, ctx, option.depth);
      return;
  }
}

// ---------------------------------------------------------------- counting

/** Prompts combinatorial mode makes from this template (random mode: always 1 per draw). */
export function countCombinations(node: TemplateNode, ctx: ExpandContext, depth = 0): number {
  switch (node.kind) {
    case 'text':
      return 1;
    case 'seq':
      return node.parts.reduce((product, part) => product * countCombinations(part, ctx, depth), 1);
    case 'wildcard': {
      const values = wildcardValues(node, ctx, depth);
      if (effectiveSampler(node.sampler, ctx) !== 'all') return 1;
      const counted = (ctx.counted ??= new Map());
      const known = counted.get(node.pattern);
      if (known !== undefined) return known;
      const counting = (ctx.counting ??= new Set());
      if (counting.has(node.pattern)) throw new TemplateError(`wildcard __${node.pattern}__ uses itself, so it never ends`, null);
      counting.add(node.pattern);
      try {
        const total = values.reduce((sum, v) => sum + countCombinations(v.node, ctx, depth + 1), 0);
        counted.set(node.pattern, total);
        return total;
      } finally {
        counting.delete(node.pattern);
      }
    }
    case 'variant': {
      const options = optionsOf(node, ctx, depth);
      if (effectiveSampler(node.sampler, ctx) !== 'all') return 1;
      const counts = options.map((o) => countCombinations(o.node, ctx, o.depth));
      if (!node.pick) return counts.reduce((sum, c) => sum + c, 0);
      const [min, max] = pickRange(node.pick, counts.length);
      const e = elementarySymmetric(counts, max);
      let total = 0;
      for (let k = min; k <= max; k++) total += e[k]!;
      return total;
    }
  }
}

/** e[k] = sum over k-subsets of the product of their counts: combinations of k picks, each expanded. */
function elementarySymmetric(values: readonly number[], upTo: number): number[] {
  const e = [1, ...Array<number>(upTo).fill(0)];
  for (const v of values) for (let k = upTo; k >= 1; k--) e[k] = e[k]! + e[k - 1]! * v;
  return e;
}

// ---------------------------------------------------------------- random drawing

/** One prompt. `cycle` is the job's index within its row, for `@` cyclical parts. */
export function drawPrompt(node: TemplateNode, ctx: ExpandContext, rng: Rng, cycle: number): string {
  return tidy(draw(node, ctx, rng, cycle, 0));
}

function draw(node: TemplateNode, ctx: ExpandContext, rng: Rng, cycle: number, depth: number): string {
  switch (node.kind) {
    case 'text':
      return node.text;
    case 'seq': {
      let out = '';
      for (const part of node.parts) out += draw(part, ctx, rng, cycle, depth);
      return out;
    }
    case 'wildcard': {
      const values = wildcardValues(node, ctx, depth);
      const index = node.sampler === 'cyclical' ? cycle % values.length : Math.floor(rng() * values.length);
      return draw(values[index]!.node, ctx, rng, cycle, depth + 1);
    }
    case 'variant': {
      const options = optionsOf(node, ctx, depth);
      if (!node.pick) {
        const index = node.sampler === 'cyclical' ? cycle % options.length : weightedIndex(options, rng);
        const chosen = options[index]!;
        return draw(chosen.node, ctx, rng, cycle, chosen.depth);
      }
      const [min, max] = pickRange(node.pick, options.length);
      const k = randomInt(rng, min, max);
      const remaining = [...options];
      const picked: string[] = [];
      for (let n = 0; n < k; n++) {
        const index = weightedIndex(remaining, rng);
        const [chosen] = remaining.splice(index, 1);
        picked.push(draw(chosen!.node, ctx, rng, cycle, chosen!.depth));
      }
      return picked.join(node.pick.separator);
    }
  }
}

function weightedIndex(options: ReadonlyArray<{ weight: number }>, rng: Rng): number {
  const total = options.reduce((sum, o) => sum + o.weight, 0);
  if (total <= 0) return Math.floor(rng() * options.length);
  let target = rng() * total;
  for (let i = 0; i < options.length; i++) {
    target -= options[i]!.weight;
    if (target < 0) return i;
  }
  return options.length - 1;
}

// ---------------------------------------------------------------- combinatorial enumeration

/** Every combination, lazily, in a fixed order. `~` parts still draw at random from `rng`. */
export function* enumeratePrompts(node: TemplateNode, ctx: ExpandContext, rng: Rng): Generator<string> {
  for (const prompt of enumerate(node, ctx, rng, 0)) yield tidy(prompt);
}

function* enumerate(node: TemplateNode, ctx: ExpandContext, rng: Rng, depth: number): Generator<string> {
  switch (node.kind) {
    case 'text':
      yield node.text;
      return;
    case 'seq':
      yield* product(node.parts.map((part) => ({ node: part, depth })), ctx, rng, '');
      return;
    case 'wildcard': {
      const values = wildcardValues(node, ctx, depth);
      if (effectiveSampler(node.sampler, ctx) !== 'all') {
        yield draw(node, ctx, rng, 0, depth);
        return;
      }
      for (const value of values) yield* enumerate(value.node, ctx, rng, depth + 1);
      return;
    }
    case 'variant': {
      if (effectiveSampler(node.sampler, ctx) !== 'all') {
        yield draw(node, ctx, rng, 0, depth);
        return;
      }
      const options = optionsOf(node, ctx, depth);
      if (!node.pick) {
        for (const option of options) yield* enumerate(option.node, ctx, rng, option.depth);
        return;
      }
      const [min, max] = pickRange(node.pick, options.length);
      for (let k = min; k <= max; k++) {
        for (const subset of combinations(options.length, k)) {
          yield* product(subset.map((index) => options[index]!), ctx, rng, node.pick.separator);
        }
      }
      return;
    }
  }
}

/** The cartesian product of the parts' expansions, joined by `separator`; the first part changes slowest. */
function* product(parts: ReadonlyArray<{ node: TemplateNode; depth: number }>, ctx: ExpandContext, rng: Rng, separator: string, index = 0): Generator<string> {
  if (index >= parts.length) {
    yield '';
    return;
  }
  const part = parts[index]!;
  for (const head of enumerate(part.node, ctx, rng, part.depth)) {
    if (index === parts.length - 1) {
      yield head;
      continue;
    }
    for (const tail of product(parts, ctx, rng, separator, index + 1)) yield head + separator + tail;
  }
}

/** k-subsets of 0..n-1 in lexicographic order. */
function* combinations(n: number, k: number): Generator<number[]> {
  if (k === 0) {
    yield [];
    return;
  }
  const chosen = Array.from({ length: k }, (_, i) => i);
  for (;;) {
    yield [...chosen];
    let i = k - 1;
    while (i >= 0 && chosen[i] === n - k + i) i--;
    if (i < 0) return;
    chosen[i]! += 1;
    for (let j = i + 1; j < k; j++) chosen[j] = chosen[j - 1]! + 1;
  }
}

/** An empty option leaves doubled spaces or a dangling comma-space; tidy them so prompts read as written. */
function tidy(prompt: string): string {
  return prompt.replace(/[ \t]{2,}/g, ' ').replace(/ ,/g, ',').trim();
}
