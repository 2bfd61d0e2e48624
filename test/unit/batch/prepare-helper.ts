import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { defaultConfig, type Config } from '../../../shared/domain/config';
import type { BatchDefaults, ExpansionMode } from '../../../shared/domain/batch';
import { createDemoBackend } from '../../../main/core/backends/demo';
import { createBackends } from '../../../main/core/backends/registry';
import type { BackendInterface } from '../../../main/core/backends/types';
import { prepareBatch, type LoadedSource, type PreparedBatch } from '../../../main/core/batch/prepare-batch';
import { checkBatchText } from '../../../main/core/batch/text-input';
import { NO_WILDCARDS, wildcardFolder, type WildcardSource } from '../../../main/core/batch/wildcards';
import { normalizeJob, type NormalizedJob } from '../../../main/core/queue/normalize-job';

export const FIXTURES = join(process.cwd(), 'test', 'fixtures', 'batch');
export const WILDCARDS = join(FIXTURES, 'wildcards');

/** The real clients' capabilities (no call is made: preparing a batch never dispatches). */
export function realRegistry(config: Config = defaultConfig()): Map<string, BackendInterface> {
  const registry = new Map<string, BackendInterface>([['demo', createDemoBackend({ latencyMs: 0 })]]);
  for (const backend of createBackends(() => config)) registry.set(backend.id, backend);
  return registry;
}

export interface PrepareTestOptions {
  mode?: ExpansionMode;
  seed?: number;
  variants?: number;
  maxJobs?: number;
  skipBadRows?: boolean;
  defaults?: BatchDefaults;
  wildcards?: WildcardSource;
  config?: Config;
  registry?: Map<string, BackendInterface>;
}

/** A text as the renderer would send it: BOM stripped and checked like `loadSources` does. */
export function textSource(name: string, text: string): LoadedSource {
  const checked = checkBatchText(text);
  return checked.ok ? { name, path: null, text: checked.text, failure: null } : { name, path: null, text: null, failure: checked.reason };
}

export function fixture(relative: string): LoadedSource {
  return textSource(basename(relative), readFileSync(join(FIXTURES, relative), 'utf8'));
}

export function prepare(sources: LoadedSource[], options: PrepareTestOptions = {}): PreparedBatch {
  const config = options.config ?? defaultConfig();
  return prepareBatch(sources, {
    mode: options.mode ?? 'random',
    seed: options.seed ?? 1234,
    variants: options.variants ?? 1,
    maxJobs: options.maxJobs ?? 10_000,
    skipBadRows: options.skipBadRows ?? false,
    defaults: options.defaults ?? {},
    wildcards: options.wildcards ?? NO_WILDCARDS,
    config,
    registry: options.registry ?? realRegistry(config),
  });
}

export function fixtureWildcards(): WildcardSource {
  return wildcardFolder(WILDCARDS);
}

/** Jobs as the queue would store them (defaults applied, no seed drawn at random). */
export function normalizedJobs(prepared: PreparedBatch): NormalizedJob[] {
  return prepared.files.flatMap((file) => file.jobs.map((job) => normalizeJob(job.input, file.defaults, () => 0)));
}

export function prompts(prepared: PreparedBatch): string[] {
  return prepared.files.flatMap((file) => file.jobs.map((job) => job.input.prompt));
}

/** `file:line:column field` of every error, for compact assertions. */
export function errorsOf(prepared: PreparedBatch): string[] {
  return prepared.issues.items.filter((i) => i.severity === 'error').map((i) => `${i.file}:${i.line ?? '-'}:${i.column ?? '-'} ${i.field ?? '-'}`);
}
