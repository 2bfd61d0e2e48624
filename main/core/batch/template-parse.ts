/**
 * The dynamic-prompt syntax artists bring from sd-dynamic-prompts (adieyal/dynamicprompts docs/SYNTAX.md):
 *   {summer|autumn|winter}        one of the options
 *   {0.5::summer|autumn}          weighted options (an omitted weight is 1)
 *   {2$$a|b|c}  {2$$ and $$a|b|c}  pick 2 without repeats, joined by ", " or a separator of your own
 *   {1-3$$…} {-2$$…} {1-$$…}      a range of how many to pick (omitted bounds: 1 and all)
 *   __season__  __colours*__  __artists/**__   a value from wildcard files (glob, recursive glob)
 *   {~a|b}  __~x__                always random, even in combinatorial mode
 *   {@a|b}  __@x__                cyclical: the n-th job of a row takes the n-th option
 * `\{`, `\}`, `\|` and `\_` write the character itself; any other backslash (A1111's `\(`) is kept as
 * written. Variables (`${…}`) are not supported and stay in the prompt as written (the caller warns).
 */

export type Sampler = 'default' | 'random' | 'cyclical';

export type TemplateNode =
  | { kind: 'text'; text: string }
  | { kind: 'seq'; parts: TemplateNode[] }
  | {
      kind: 'variant';
      options: Array<{ weight: number; node: TemplateNode }>;
      /** null: pick exactly one (plain `{a|b}`); else how many to pick, `max` null meaning all. */
      pick: { min: number; max: number | null; separator: string } | null;
      sampler: Sampler;
      offset: number;
    }
  | { kind: 'wildcard'; pattern: string; sampler: Sampler; offset: number };

export class TemplateError extends Error {
  override name = 'TemplateError';
  constructor(
    message: string,
    /** 0-based offset in the template text, when the problem is in it. */
    readonly offset: number | null,
  ) {
    super(message);
  }
}

const DEFAULT_SEPARATOR = ', ';
const ESCAPABLE = new Set(['{', '}', '|', '_']);
/** `__name__`: letters, digits, `_ - . /` and glob `*`, `?`; the name stops at the first `__`. */
const WILDCARD = /__([~@]?)([\p{L}\p{N}*?][\p{L}\p{N}_\-./*?]*?)__/uy;
const PICK = /(\d*)(-?)(\d*)\$\$/y;
const WEIGHT = /\s*(\d+(?:\.\d+)?|\.\d+)\s*::/y;

/** Cheap test before parsing: most prompts have no dynamic syntax at all. */
export function mayBeTemplate(text: string): boolean {
  return text.includes('{') || text.includes('}') || text.includes('__') || text.includes('\\');
}

/** True when the tree picks anything (escapes alone do not make a template). */
export function isDynamic(node: TemplateNode): boolean {
  if (node.kind === 'text') return false;
  if (node.kind === 'seq') return node.parts.some(isDynamic);
  return true;
}

export function parseTemplate(text: string): TemplateNode {
  let i = 0;

  const parseSeq = (inVariant: boolean): TemplateNode => {
    const parts: TemplateNode[] = [];
    let buffer = '';
    const flush = () => {
      if (buffer !== '') parts.push({ kind: 'text', text: buffer });
      buffer = '';
    };
    while (i < text.length) {
      const ch = text[i]!;
      if (ch === '\\' && ESCAPABLE.has(text[i + 1] ?? '')) {
        buffer += text[i + 1];
        i += 2;
        continue;
      }
      if (inVariant && (ch === '|' || ch === '}')) break;
      if (ch === '}') throw new TemplateError('a } with no { before it (write \\} for a literal brace)', i);
      if (ch === '{') {
        flush();
        parts.push(parseVariant());
        continue;
      }
      if (ch === '_' && text[i + 1] === '_') {
        WILDCARD.lastIndex = i;
        const match = WILDCARD.exec(text);
        if (match) {
          flush();
          parts.push({ kind: 'wildcard', pattern: match[2]!, sampler: samplerOf(match[1]!), offset: i });
          i += match[0].length;
          continue;
        }
      }
      buffer += ch;
      i++;
    }
    flush();
    return parts.length === 1 ? parts[0]! : { kind: 'seq', parts };
  };

  const parseVariant = (): TemplateNode => {
    const open = i;
    i++; // {
    const sampler = samplerOf(text[i] ?? '');
    if (sampler !== 'default') i++;
    let pick: { min: number; max: number | null; separator: string } | null = null;
    PICK.lastIndex = i;
    const spec = PICK.exec(text);
    if (spec && (spec[1] !== '' || spec[2] !== '' || spec[3] !== '')) {
      const [, low, dash, high] = spec;
      const min = low === '' ? 1 : Number(low);
      const max = dash === '' ? min : high === '' ? null : Number(high);
      if (max !== null && max < min) throw new TemplateError(`{${low}${dash}${high}$$…}: the range runs backwards`, open);
      i += spec[0].length;
      let separator = DEFAULT_SEPARATOR;
      // `{2$$ and $$a|b}`: a second `$$` before any option boundary closes a custom separator.
      const next = text.indexOf('$$', i);
      if (next >= 0 && !/[|{}]/.test(text.slice(i, next))) {
        separator = text.slice(i, next);
        i = next + 2;
      }
      pick = { min, max, separator };
    }
    const options: Array<{ weight: number; node: TemplateNode }> = [];
    for (;;) {
      let weight = 1;
      WEIGHT.lastIndex = i;
      const w = WEIGHT.exec(text);
      if (w) {
        weight = Number(w[1]);
        i += w[0].length;
      }
      options.push({ weight, node: trimEdges(parseSeq(true)) });
      if (i >= text.length) throw new TemplateError('a { is never closed (write \\{ for a literal brace)', open);
      if (text[i] === '}') {
        i++;
        break;
      }
      i++; // |
    }
    if (options.every((o) => o.weight === 0)) throw new TemplateError('every option of this {…} has weight 0', open);
    return { kind: 'variant', options, pick, sampler, offset: open };
  };

  const root = parseSeq(false);
  return root;
}

function samplerOf(prefix: string): Sampler {
  return prefix === '~' ? 'random' : prefix === '@' ? 'cyclical' : 'default';
}

/** `{ red | blue }` means `red` or `blue`: spaces and line breaks around an option are layout, not content. */
function trimEdges(node: TemplateNode): TemplateNode {
  if (node.kind === 'text') return { kind: 'text', text: node.text.trim() };
  if (node.kind !== 'seq') return node;
  const parts = [...node.parts];
  const first = parts[0];
  if (first?.kind === 'text') parts[0] = { kind: 'text', text: first.text.trimStart() };
  const last = parts.at(-1);
  if (last?.kind === 'text') parts[parts.length - 1] = { kind: 'text', text: last.text.trimEnd() };
  return { kind: 'seq', parts };
}
