import { LIMITS } from '../../../shared/domain/jobs';
import type { FileIssues } from './issues';
import type { RawField, RawRow } from './raw-row';
import { ROW_FIELDS } from './row-fields';
import { ShlexError, shlexSplit, type ShlexWord } from './shlex';

/**
 * One AUTOMATIC1111 "prompts from file" line (`scripts/prompts_from_file.py`): `--flag value` pairs split
 * as Python's shlex does. `--prompt` and `--negative_prompt` take every word up to the next `--flag`, so
 * quotes are optional there. `n_iter × batch_size` is our `count`, `sd_model` our `model`, `sampler_name`
 * our `sampler`. Flags A1111 knows but we have no use for are ignored with a warning; an unknown flag is an
 * error (as in A1111). Our own batch fields (`--aspect_ratio`, `--backend`, `--tags`...) work as flags too.
 */

/** A line is an A1111 line when it starts with a flag; a prompt that merely contains `--` stays a prompt. */
export function isA1111Line(line: string): boolean {
  return /^--[A-Za-z_]/.test(line.trimStart());
}

const A1111_FIELDS: Readonly<Record<string, string>> = {
  prompt: 'prompt',
  negative_prompt: 'negative_prompt',
  steps: 'steps',
  cfg_scale: 'cfg_scale',
  seed: 'seed',
  width: 'width',
  height: 'height',
  sampler_name: 'sampler',
  sd_model: 'model',
};

/** Flags of A1111 (and of its common forks) with no meaning for our backends. */
const IGNORED_FLAGS = new Set([
  'outpath_samples',
  'outpath_grids',
  'prompt_for_display',
  'styles',
  'subseed',
  'subseed_strength',
  'seed_resize_from_h',
  'seed_resize_from_w',
  'sampler_index',
  'restore_faces',
  'tiling',
  'do_not_save_samples',
  'do_not_save_grid',
  'enable_hr',
  'distilled_cfg_scale',
]);

const MULTIPLIERS = new Set(['n_iter', 'batch_size']);
const GREEDY = new Set(['prompt', 'negative_prompt']);

export function parseA1111Line(text: string, lineNo: number, issues: FileIssues): RawRow | null {
  const at = { line: lineNo, column: null };
  const column = (offset: number) => ({ line: lineNo, column: offset + 1 });
  let words: ShlexWord[];
  try {
    words = shlexSplit(text);
  } catch (error) {
    if (error instanceof ShlexError) {
      issues.row(column(error.offset), null, `${error.message} (A1111 lines are split like a shell command)`);
      return null;
    }
    throw error;
  }

  const fields: RawField[] = [];
  // Keyed by flag: a repeated flag replaces its value, as in A1111's dict of arguments.
  const multipliers = new Map<string, { flag: string; value: number; word: ShlexWord }>();
  let explicitCount: RawField | null = null;
  let pos = 0;
  while (pos < words.length) {
    const word = words[pos]!;
    if (!word.value.startsWith('--')) {
      issues.row(column(word.offset), null, `expected a --flag here, found ${JSON.stringify(word.value.slice(0, 40))}`);
      return null;
    }
    const flag = word.value.slice(2);
    if (pos + 1 >= words.length) {
      issues.row(column(word.offset), flag, `--${flag} needs a value`);
      return null;
    }
    const valueWord = words[pos + 1]!;
    pos += 2;
    let value = valueWord.value;
    if (GREEDY.has(flag)) {
      while (pos < words.length && !words[pos]!.value.startsWith('--')) value += ` ${words[pos++]!.value}`;
    }
    const fieldAt = column(valueWord.offset);

    if (IGNORED_FLAGS.has(flag)) {
      issues.warn(column(word.offset), flag, `A1111's --${flag} has no equivalent here; ignored`);
      continue;
    }
    if (MULTIPLIERS.has(flag)) {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 1) {
        issues.row(fieldAt, flag, `must be a whole number of at least 1 (got ${JSON.stringify(value)})`);
        return null;
      }
      multipliers.set(flag, { flag, value: n, word: valueWord });
      continue;
    }
    // Own keys only: `--constructor` is an unknown flag, not Object's constructor.
    const field = Object.hasOwn(A1111_FIELDS, flag) ? A1111_FIELDS[flag]! : (ROW_FIELDS as readonly string[]).includes(flag) ? flag : null;
    if (field === null) {
      issues.row(column(word.offset), flag, `unknown flag --${flag} (A1111 flags: ${[...Object.keys(A1111_FIELDS), ...MULTIPLIERS].join(', ')}; or any batch field)`);
      return null;
    }
    const raw: RawField = { key: field, value, line: fieldAt.line, column: fieldAt.column };
    if (field === 'count') explicitCount = raw;
    fields.push(raw);
  }

  if (multipliers.size > 0) {
    const first = [...multipliers.values()][0]!;
    if (explicitCount) {
      issues.row(explicitCount, 'count', 'give either --count or --n_iter/--batch_size, not both');
      return null;
    }
    const images = [...multipliers.values()].reduce((product, m) => product * m.value, 1);
    if (images > LIMITS.imagesPerJob) {
      issues.row(column(first.word.offset), first.flag, `n_iter × batch_size is ${images} images; one job makes at most ${LIMITS.imagesPerJob}`);
      return null;
    }
    fields.push({ key: 'count', value: images, line: lineNo, column: first.word.offset + 1 });
  }
  if (!fields.some((f) => f.key === 'prompt')) {
    issues.row(at, 'prompt', 'an A1111 line needs --prompt');
    return null;
  }
  return { at, fields };
}
