import { describe, expect, it } from 'vitest';
import { ZodError, z } from 'zod';
import { METHOD_NAMES } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import { createRouter, type Handlers } from '../../../main/core/router';
import type { Logger } from '../../../main/core/log';

function recordingLogger() {
  const errors: Array<{ message: string; fields: Record<string, unknown> | undefined }> = [];
  const log: Logger = {
    debug: () => {},
    info: () => {},
    warn: () => {},
    error: (message, fields) => errors.push({ message, fields }),
    close: () => Promise.resolve(),
  };
  return { log, errors };
}

const status = {
  orchestrator: { status: 'stopped' as const, uptime_seconds: 1 },
  jobs: { queued: 0, running: 0, active_jobs: 0, succeeded: 0, failed: 0, canceled: 0 },
  performance: { success_rate: null, jobs_per_hour: 0, average_cost_per_job: 0 },
  backends: { availability_percent: 100, items: [] },
  library: { path: '/lib', assets: 0, total_size_mb: 0 },
};

/** Methods a test does not exercise answer UNAVAILABLE; the ones below behave as each test needs. */
const untouched = Object.fromEntries(
  METHOD_NAMES.map((name) => [
    name,
    () => {
      throw new AppError('UNAVAILABLE', 'not used in this test');
    },
  ]),
) as unknown as Handlers;

function handlers(overrides: Partial<Handlers> = {}): Handlers {
  return {
    ...untouched,
    'system.ping': (input) => ({ pong: true, echo: input?.echo ?? null, time: 1 }),
    'system.status': () => status,
    'config.get': () => {
      throw new AppError('NOT_FOUND', 'nope');
    },
    'config.update': () => {
      throw new Error('disk exploded at /home/artist/secret/path');
    },
    ...overrides,
  };
}

const ctx = { transport: 'in-process' as const };

describe('router', () => {
  it('answers a valid call with {ok:true,value}', async () => {
    const dispatch = createRouter(handlers(), { log: recordingLogger().log, validateOutput: true });
    expect(await dispatch({ id: '1', method: 'system.ping', input: { echo: 'hi' } }, ctx)).toEqual({ ok: true, value: { pong: true, echo: 'hi', time: 1 } });
  });

  it('refuses a malformed envelope, an unknown method and prototype keys', async () => {
    const dispatch = createRouter(handlers(), { log: recordingLogger().log, validateOutput: true });
    expect(await dispatch('nonsense', ctx)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(await dispatch({ id: '1', method: 'jobs.nuke' }, ctx)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await dispatch({ id: '1', method: '__proto__' }, ctx)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await dispatch({ id: '1', method: 'toString' }, ctx)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('validates input against the contract bounds and names the field', async () => {
    const dispatch = createRouter(handlers(), { log: recordingLogger().log, validateOutput: true });
    const result = await dispatch({ id: '1', method: 'system.ping', input: { echo: 'x'.repeat(257) } }, ctx);
    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', details: { field: 'echo', method: 'system.ping' } } });
  });

  it('keeps the code of an AppError', async () => {
    const dispatch = createRouter(handlers(), { log: recordingLogger().log, validateOutput: true });
    expect(await dispatch({ id: '1', method: 'config.get' }, ctx)).toEqual({ ok: false, error: { code: 'NOT_FOUND', message: 'nope', details: {} } });
  });

  it('hides an unknown error behind an incident id that is logged with the stack', async () => {
    const { log, errors } = recordingLogger();
    const dispatch = createRouter(handlers(), { log, validateOutput: true });
    const result = await dispatch({ id: '1', method: 'config.update', input: {} }, ctx);
    if (result.ok) throw new Error('expected failure');
    expect(result.error.code).toBe('INTERNAL');
    const incidentId = result.error.details.incidentId;
    expect(typeof incidentId).toBe('string');
    expect(result.error.message).toContain(String(incidentId));
    expect(JSON.stringify(result)).not.toContain('/home/artist');
    expect(JSON.stringify(result)).not.toContain('at ');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.fields).toMatchObject({ incidentId, method: 'config.update' });
    expect(JSON.stringify(errors[0]?.fields)).toContain('disk exploded');
  });

  it('maps thrown zod, abort and SQLite errors to their codes', async () => {
    const sqlite = (code: string) => Object.assign(new Error('db'), { name: 'SqliteError', code });
    const cases: Array<[unknown, string]> = [
      [new ZodError([]), 'INVALID_INPUT'],
      [(() => { try { z.string().parse(1); } catch (e) { return e; } })(), 'INVALID_INPUT'],
      [Object.assign(new Error('stop'), { name: 'AbortError' }), 'CANCELLED'],
      [sqlite('SQLITE_BUSY'), 'BUSY'],
      [sqlite('SQLITE_CONSTRAINT_UNIQUE'), 'CONFLICT'],
      ['a string', 'INTERNAL'],
    ];
    for (const [thrown, code] of cases) {
      const dispatch = createRouter(
        handlers({
          'config.get': () => {
            throw thrown;
          },
        }),
        { log: recordingLogger().log, validateOutput: true },
      );
      expect(await dispatch({ id: '1', method: 'config.get' }, ctx)).toMatchObject({ ok: false, error: { code } });
    }
  });

  it('catches a result that breaks the contract (tripwire)', async () => {
    const broken = handlers({ 'system.status': () => ({ ...status, jobs: { ...status.jobs, queued: -1 } }) });
    const dispatch = createRouter(broken, { log: recordingLogger().log, validateOutput: true });
    expect(await dispatch({ id: '1', method: 'system.status' }, ctx)).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
  });

  it('answers UNAVAILABLE while closing', async () => {
    const dispatch = createRouter(handlers(), { log: recordingLogger().log, validateOutput: true, isClosing: () => true });
    expect(await dispatch({ id: '1', method: 'system.ping' }, ctx)).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });
  });

  it('has a handler for every contract method', async () => {
    const { createCore } = await import('../../../main/core');
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'apex-router-'));
    const core = await createCore({ library: join(dir, 'lib') });
    try {
      for (const method of METHOD_NAMES) {
        const result = await core.dispatch({ id: '1', method, input: undefined }, ctx);
        if (!result.ok) expect(result.error.code, method).not.toBe('NOT_FOUND');
      }
    } finally {
      await core.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
