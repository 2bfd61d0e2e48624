import { describe, expect, it } from 'vitest';
import { countCombinations, drawPrompt, enumeratePrompts, type ExpandContext } from '../../../main/core/batch/template-expand';
import { parseTemplate, TemplateError } from '../../../main/core/batch/template-parse';
import { seededRng } from '../../../main/core/batch/prng';
import { NO_WILDCARDS, type WildcardSource } from '../../../main/core/batch/wildcards';
import { fixtureWildcards, prepare, prompts, textSource } from './prepare-helper';

const combinatorial = (wildcards: WildcardSource = NO_WILDCARDS): ExpandContext => ({ wildcards, mode: 'combinatorial' });
const random = (wildcards: WildcardSource = NO_WILDCARDS): ExpandContext => ({ wildcards, mode: 'random' });
const all = (template: string, ctx = combinatorial()) => [...enumeratePrompts(parseTemplate(template), ctx, seededRng(1))];
const count = (template: string, ctx = combinatorial()) => countCombinations(parseTemplate(template), ctx);

describe('combinatorial expansion', () => {
  it.each([
    ['a {red|green|blue} {square|circle}', 6],
    ['{a|b} {c|d|e} {f|g|h|i} {j|k|l|m|n}', 2 * 3 * 4 * 5],
    ['{a|{b|c}} and {d|e}', 3 * 2],
    ['no choices at all', 1],
    ['{2$$a|b|c|d}', 6],
    ['{1-3$$a|b|c}', 3 + 3 + 1],
    ['{-2$$a|b|c}', 3 + 3],
    ['{2-$$a|b|c}', 3 + 1],
    ['{5$$a|b|c}', 1],
    ['{2$${x|y}|b|c}', 2 * 1 + 2 * 1 + 1 * 1],
    ['{0.5::a|2::b} {c|d}', 4],
  ])('%s makes %i prompts (the product of the choices)', (template, expected) => {
    expect(count(template)).toBe(expected);
    const prompts = all(template);
    expect(prompts).toHaveLength(expected);
    expect(new Set(prompts).size).toBe(expected);
  });

  it('varies the leftmost choice slowest, in a fixed order', () => {
    expect(all('A {red|green} {square|circle}')).toEqual(['A red square', 'A red circle', 'A green square', 'A green circle']);
  });

  it('joins picks with ", " or a custom separator, never repeating an option', () => {
    expect(all('{2$$a|b|c}')).toEqual(['a, b', 'a, c', 'b, c']);
    expect(all('{2$$ and $$a|b|c}')).toEqual(['a and b', 'a and c', 'b and c']);
    expect(all('{5$$a|b}')).toEqual(['a, b']);
  });

  it('expands wildcards: nested folders, globs, recursive globs, variants inside values, wildcards inside wildcards', () => {
    const ctx = combinatorial(fixtureWildcards());
    expect(all('__season__', ctx)).toEqual(['summer', 'autumn', 'fall', 'winter', 'spring']);
    expect(all('__colours*__', ctx)).toEqual(['blue', 'green', 'red', 'yellow']);
    expect(all('by __artists/**__', ctx)).toEqual(['by Rembrandt van Rijn', 'by Vincent van Gogh', 'by Akseli Gallen-Kallela']);
    expect(all('by __artists/dutch/painters__', ctx)).toEqual(['by Rembrandt van Rijn', 'by Vincent van Gogh']);
    expect(count('__scene__', ctx)).toBe(5 + 4);
    expect(all('{2$$__colours-warm__}', ctx)).toEqual(['red, yellow']);
  });

  it('keeps ~ parts random even in combinatorial mode', () => {
    expect(count('{a|b} {~x|y|z}')).toBe(2);
  });
});

describe('random expansion', () => {
  const template = parseTemplate('a {red|green|blue|gold|black} {cat|dog|owl|fox} in {snow|rain|fog}');

  it('is reproducible with the same seed and differs with another', () => {
    const draw = (seed: number) => Array.from({ length: 20 }, (_, i) => drawPrompt(template, random(), seededRng(seed, 'f.txt', 1, i), i));
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
  });

  it('gives the jobs of a batch different prompts, never one for all', () => {
    const batch = prepare([textSource('p.txt', 'a {red|green|blue|gold|black} {cat|dog|owl|fox} in {snow|rain|fog}\n')], { variants: 20, seed: 7 });
    const drawn = prompts(batch);
    expect(drawn).toHaveLength(20);
    // 60 combinations, 20 draws: a row's jobs never repeat one while others are left.
    expect(new Set(drawn).size).toBe(20);
    expect(prompts(prepare([textSource('p.txt', 'a {red|green|blue|gold|black} {cat|dog|owl|fox} in {snow|rain|fog}\n')], { variants: 20, seed: 7 }))).toEqual(drawn);
  });

  it('varies across rows that share a template', () => {
    const rows = Array.from({ length: 12 }, () => 'a {red|green|blue} car').join('\n');
    expect(new Set(prompts(prepare([textSource('p.txt', rows)], { seed: 3 }))).size).toBeGreaterThan(1);
  });

  it('honours weights', () => {
    const weighted = parseTemplate('{9::a|1::b}');
    const draws = Array.from({ length: 2_000 }, (_, i) => drawPrompt(weighted, random(), seededRng(5, i), 0));
    const share = draws.filter((d) => d === 'a').length / draws.length;
    expect(share).toBeGreaterThan(0.85);
    expect(share).toBeLessThan(0.95);
  });

  it('cycles @ parts through their options, job by job', () => {
    const cyclic = parseTemplate('{@red|green|blue}');
    expect(Array.from({ length: 4 }, (_, i) => drawPrompt(cyclic, random(), seededRng(1), i))).toEqual(['red', 'green', 'blue', 'red']);
  });
});

describe('template syntax', () => {
  it('keeps escapes and A1111 attention syntax', () => {
    expect(all('a \\{literal\\} brace, \\(emphasis:1.2\\), [from:to:0.5]')).toEqual(['a {literal} brace, \\(emphasis:1.2\\), [from:to:0.5]']);
    expect(all('snake\\_\\_case__')).toEqual(['snake__case__']);
  });

  it('trims spaces around options and tidies empty ones', () => {
    expect(all('a { red | blue } car')).toEqual(['a red car', 'a blue car']);
    expect(all('a {|shiny} car')).toEqual(['a car', 'a shiny car']);
  });

  it.each([
    ['a {red|blue car', 'a { is never closed', 3],
    ['a red} car', 'a } with no { before it', 6],
    ['{3-1$$a|b}', 'the range runs backwards', 1],
  ])('refuses %s with the place of the problem', (template, message, character) => {
    try {
      parseTemplate(template);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(TemplateError);
      expect((error as TemplateError).message).toContain(message);
      expect((error as TemplateError).offset! + 1).toBe(character);
    }
  });

  it('names unknown wildcards and wildcard cycles', () => {
    const loop: WildcardSource = { resolve: (pattern) => (pattern === 'loop' ? [{ node: parseTemplate('x __loop__'), file: 'loop.txt', line: 1 }] : null) };
    expect(() => count('__nope__', combinatorial(fixtureWildcards()))).toThrow(/unknown wildcard __nope__ \(no wildcards\/nope\.txt/);
    expect(() => count('__loop__', combinatorial(loop))).toThrow(/uses itself/);
    expect(() => drawPrompt(parseTemplate('__loop__'), random(loop), seededRng(1), 0)).toThrow(/nest more than/);
  });
});
