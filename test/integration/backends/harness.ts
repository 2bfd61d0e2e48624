import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect } from 'vitest';
import type { ConfigPatch } from '../../../shared/domain/config';
import { createCore, type Core } from '../../../main/core';
import { BackendError, type BackendInterface, type CallOptions, type ErrorClass, type GenerationRequest } from '../../../main/core/backends/types';
import { parseSidecar } from '../../../main/core/library/sidecar';
import type { CredentialSource } from '../../../main/core/ports';
import { envCredentials } from '../../../main/core/ports';
import { useTempDirs } from '../../helpers/temp-library';

/** Shared by the per-client tests: a request, call options, error assertions and a real core around one client. */

export function generationRequest(overrides: Partial<GenerationRequest> = {}): GenerationRequest {
  return {
    prompt: 'a lighthouse at dusk, watercolor',
    negative_prompt: null,
    width: 1024,
    height: 1024,
    aspect_ratio: null,
    steps: null,
    cfg_scale: null,
    sampler: null,
    seed: 424242,
    count: 1,
    model: null,
    ...overrides,
  };
}

export function callWith(credential: string | null, signal: AbortSignal = AbortSignal.timeout(10_000)): CallOptions {
  return { credential, signal };
}

export interface ExpectedFailure {
  errorClass: ErrorClass;
  httpStatus?: number | null;
  retryAfterMs?: number | null;
  providerMessage?: string | RegExp | null;
  message?: RegExp;
}

/** Awaits a call that must fail with a BackendError of this class (and these fields, when given). */
export async function expectFailure(call: Promise<unknown>, expected: ExpectedFailure): Promise<BackendError> {
  const error = await call.then(
    () => {
      throw new Error(`expected a ${expected.errorClass} failure, but the call succeeded`);
    },
    (e: unknown) => e,
  );
  if (!(error instanceof BackendError)) throw new Error(`expected a BackendError, got ${String(error)}`, { cause: error });
  expect(error.errorClass, error.message).toBe(expected.errorClass);
  if (expected.httpStatus !== undefined) expect(error.httpStatus).toBe(expected.httpStatus);
  if (expected.retryAfterMs !== undefined) expect(error.retryAfterMs).toBe(expected.retryAfterMs);
  if (expected.providerMessage instanceof RegExp) expect(error.providerMessage ?? '').toMatch(expected.providerMessage);
  else if (expected.providerMessage !== undefined) expect(error.providerMessage).toBe(expected.providerMessage);
  if (expected.message) expect(error.message).toMatch(expected.message);
  return error;
}

/** Env-style credentials for one backend, as the CLI reads them. */
export function credentialsFor(variable: string, value: string): CredentialSource {
  return envCredentials({ [variable]: value });
}

const tempDir = useTempDirs();
const opened: Core[] = [];
afterEach(async () => {
  for (const core of opened.splice(0)) await core.close();
});

/**
 * A real core (SQLite library in a temp folder, orchestrator running) with `backend` registered in place of
 * the built-in client of the same id. Other real backends are switched off so nothing else takes a job.
 */
export async function coreWith(backend: BackendInterface, credentials: CredentialSource, patch: ConfigPatch = {}): Promise<Core> {
  const library = join(tempDir(), 'library');
  const core = await createCore({ library, backends: [backend], credentials });
  opened.push(core);
  const others = (['nano_banana', 'imagen', 'minimax', 'sdxl'] as const).filter((id) => id !== backend.id);
  const disabled = Object.fromEntries(others.map((id) => [id, { enabled: false }]));
  await core.client.call('config.update', {
    ...patch,
    backends: { ...disabled, ...patch.backends },
    orchestrator: { max_attempts: 3, ...patch.orchestrator },
  });
  expect(await core.startOrchestrator()).toBe(true);
  return core;
}

export interface StoredAsset {
  row: { id: number; sha256: string; rel_path: string; mime: string; backend: string; model: string | null; prompt: string; negative_prompt: string | null; seed: number | null; params_json: string; job_id: number };
  sidecar: ReturnType<typeof parseSidecar>;
  bytes: Buffer;
}

/** The asset rows of a job with their sidecars and image bytes. */
export function assetsOf(core: Core, jobId: number): StoredAsset[] {
  const rows = core.pipeline.db.prepare<[number], StoredAsset['row']>('SELECT * FROM assets WHERE job_id = ? ORDER BY image_index').all(jobId);
  return rows.map((row) => ({
    row,
    sidecar: parseSidecar(readFileSync(join(core.library.root, 'assets', 'metadata', row.sha256.slice(0, 2), `${row.sha256}.json`), 'utf8')),
    bytes: readFileSync(join(core.library.root, row.rel_path)),
  }));
}
