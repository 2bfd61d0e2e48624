import { readFileSync, statSync } from 'node:fs';
import { Config, ConfigPatch, defaultConfig, mergeConfig } from '../../../shared/domain/config';
import { AppError } from '../../../shared/errors';
import { describeIssues, summarizeIssues } from '../../../shared/validation';
import { writeFileAtomic } from '../fs/atomic-write';

/**
 * `<library>/apex_config.json`: created with defaults on first run, validated on every load, and never
 * overwritten when it does not validate (the artist's file is theirs; we report and refuse).
 * The CLI and the app may both have the library open, so a change on disk is picked up on the next read.
 */
export class ConfigStore {
  private cached: Config | null = null;
  private cachedMtimeMs = -1;

  constructor(readonly file: string) {}

  /** Loads (creating the file with defaults when missing); throws CONFIG_INVALID naming the bad JSON path. */
  get(): Config {
    const stat = statSync(this.file, { throwIfNoEntry: false });
    if (!stat) {
      const config = defaultConfig();
      this.write(config);
      return config;
    }
    if (this.cached && stat.mtimeMs === this.cachedMtimeMs) return this.cached;
    const config = parseConfigText(readFileSync(this.file, 'utf8'), this.file);
    this.cached = config;
    this.cachedMtimeMs = stat.mtimeMs;
    return config;
  }

  /** Applies a patch, validates the whole result, writes atomically; the file is untouched on error. */
  update(patch: ConfigPatch): Config {
    const parsedPatch = ConfigPatch.safeParse(patch);
    if (!parsedPatch.success) {
      const first = summarizeIssues(parsedPatch.error)[0];
      throw new AppError('INVALID_INPUT', `Invalid settings: ${describeIssues(parsedPatch.error)}`, {
        field: first?.path ?? null,
        reason: first?.reason ?? null,
      });
    }
    const next = Config.safeParse(mergeConfig(this.get(), parsedPatch.data));
    if (!next.success) {
      const first = summarizeIssues(next.error)[0];
      throw new AppError('INVALID_INPUT', `Invalid settings: ${describeIssues(next.error)}`, {
        field: first?.path ?? null,
        reason: first?.reason ?? null,
      });
    }
    this.write(next.data);
    return next.data;
  }

  private write(config: Config): void {
    writeFileAtomic(this.file, `${JSON.stringify(config, null, 2)}\n`);
    this.cached = config;
    this.cachedMtimeMs = statSync(this.file).mtimeMs;
  }
}

/** Parses and validates config text; errors name the file, the JSON path (or line and column) and the reason. */
export function parseConfigText(text: string, file: string): Config {
  let raw: unknown;
  try {
    raw = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const position = jsonErrorPosition(text, reason);
    throw new AppError(
      'CONFIG_INVALID',
      `${file}${position ? `:${position.line}:${position.column}` : ''} is not valid JSON: ${reason}. The file was left as it is; fix it or delete it to get the defaults.`,
      { file, line: position?.line ?? null, column: position?.column ?? null, path: null, reason },
    );
  }
  // Keys the file does not have take their defaults (a file from an older version stays valid);
  // keys it has must be right, and unknown keys are refused so that typos are seen.
  const parsed = Config.safeParse(fillMissing(raw, defaultConfig()));
  if (!parsed.success) {
    const first = summarizeIssues(parsed.error)[0];
    throw new AppError(
      'CONFIG_INVALID',
      `${file}: ${describeIssues(parsed.error)}. The file was left as it is; fix the value, or remove the key to get its default.`,
      { file, path: first ? `$.${first.path}` : null, reason: first?.reason ?? null, issues: parsed.error.issues.length },
    );
  }
  return parsed.data;
}

/** V8 reports `... at position N` (or `line L column C`); turn it into a 1-based line and column. */
function jsonErrorPosition(text: string, reason: string): { line: number; column: number } | null {
  const lineColumn = /line (\d+) column (\d+)/.exec(reason);
  if (lineColumn) return { line: Number(lineColumn[1]), column: Number(lineColumn[2]) };
  const position = /position (\d+)/.exec(reason);
  if (!position) return null;
  const offset = Number(position[1]);
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return { line, column };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fillMissing(raw: unknown, defaults: unknown): unknown {
  if (!isPlainObject(raw) || !isPlainObject(defaults)) return raw;
  const out: Record<string, unknown> = { ...raw };
  for (const [key, value] of Object.entries(defaults)) {
    out[key] = Object.hasOwn(raw, key) ? fillMissing(raw[key], value) : value;
  }
  return out;
}
