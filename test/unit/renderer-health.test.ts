import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createClient } from '../../shared/client';
import type { BackendHealth } from '../../shared/domain/backends';
import type { AuditEntry } from '../../shared/domain/checkpoints';
import type { Status } from '../../shared/domain/status';
import type { Transport } from '../../shared/transport';
import type { RpcRequest, RpcResult } from '../../shared/wire';
import { AUDIT_PAGE, createAuditStore } from '../../renderer/src/features/health/audit.store';
import {
  AUDIT_KINDS,
  auditDetail,
  auditKindLabel,
  auditMatches,
  backendState,
  lastErrorText,
  latency,
  parseJobId,
  systemTiles,
  timelineView,
} from '../../renderer/src/features/health/health-view';

const NOW = 1_800_000_000_000;

function backend(overrides: Partial<BackendHealth> = {}): BackendHealth {
  return {
    id: 'sdxl',
    enabled: true,
    priority: 4,
    set_up: true,
    state: 'closed',
    unavailable_reason: null,
    calls: 10,
    success_rate: 0.9,
    p50_ms: 1200,
    p95_ms: 4000,
    last_error: null,
    retry_at: null,
    cooling_until: null,
    in_flight: 0,
    ...overrides,
  };
}

describe('backend rows', () => {
  it('says why a backend cannot take work, in order of what the artist must fix first', () => {
    expect(backendState(backend(), NOW)).toMatchObject({ text: 'Healthy', tone: 'ok' });
    expect(backendState(backend({ enabled: false, state: 'disabled' }), NOW)).toMatchObject({ text: 'Off', tone: 'idle' });
    expect(backendState(backend({ set_up: false, unavailable_reason: 'no API key set' }), NOW)).toMatchObject({ text: 'Not set up', detail: 'no API key set' });
    expect(backendState(backend({ state: 'open', retry_at: NOW + 90_000 }), NOW)).toMatchObject({ text: 'Tripped', tone: 'danger', detail: expect.stringContaining('in 2 min') });
    expect(backendState(backend({ cooling_until: NOW + 20_000 }), NOW)).toMatchObject({ text: 'Cooling', tone: 'warn', detail: expect.stringContaining('in 20 s') });
    expect(backendState(backend({ cooling_until: NOW - 1 }), NOW).text).toBe('Healthy');
    expect(backendState(backend({ state: 'half_open' }), NOW)).toMatchObject({ text: 'Testing', tone: 'warn' });
    expect(backendState(backend({ unavailable_reason: 'daily budget of $5.00 reached' }), NOW)).toMatchObject({ text: 'Waiting', detail: 'daily budget of $5.00 reached' });
  });

  it('formats latency and the last error', () => {
    expect([null, 85, 999, 1_234, 12_500, 150_000].map(latency)).toEqual(['—', '85 ms', '999 ms', '1.2 s', '13 s', '3 min']);
    expect(lastErrorText(backend(), NOW)).toBe('No errors recently');
    expect(lastErrorText(backend({ last_error: { error_class: 'rate_limited', message: 'slow down ', at: NOW - 125_000 } }), NOW)).toBe('rate limited 2 min ago: slow down');
    expect(lastErrorText(backend({ last_error: { error_class: 'timeout', message: '', at: NOW - 5_000 } }), NOW)).toBe('timeout 5 s ago');
  });

  it('turns a timeline into chart columns and a sentence', () => {
    const bucket = (start: number, s: number, f: number, r = 0) => ({ start, succeeded: s, failed: f, rate_limited: r, refused: 0, interrupted: 0, p50_ms: s > 0 ? 800 : null });
    const view = timelineView({ backend: 'demo', buckets: [bucket(0, 2, 1), bucket(300_000, 0, 0), bucket(600_000, 3, 0, 2)] }, 300_000, '1h');
    expect(view.calls).toBe(8);
    expect(view.columns.map((c) => c.values)).toEqual([
      [2, 0, 1, 0, 0],
      [0, 0, 0, 0, 0],
      [3, 2, 0, 0, 0],
    ]);
    expect(view.label).toBe('Demo (offline), last hour: 8 calls, 5 succeeded, 2 rate limited, 1 failed.');
    expect(view.columns[0]!.label).toContain('2 ok, 0 rate limited, 1 failed');
    expect(view.columns[0]!.label).toContain('median 800 ms');
    expect(timelineView({ backend: 'imagen', buckets: [bucket(0, 0, 0)] }, 300_000, '24h').label).toBe('Imagen, last 24 hours: no calls.');
  });

  it('shows the system figures of system.status', () => {
    const status = {
      orchestrator: { status: 'running', uptime_seconds: 3_700 },
      performance: { success_rate: 0.75, jobs_per_hour: 4.25, average_cost_per_job: 0.039 },
    } as unknown as Status;
    expect(systemTiles(status)).toEqual([
      { label: 'Core uptime', value: '1 h 1 min' },
      { label: 'Jobs per hour', value: '4.3', tone: 'accent' },
      { label: 'Success rate', value: '75%', tone: 'danger' },
      { label: 'Average cost per job', value: '$0.039' },
    ]);
  });
});

describe('audit log view', () => {
  it('offers exactly the kinds the core writes (main/core/queue/audit.ts)', () => {
    const source = readFileSync(resolve(import.meta.dirname, '../../main/core/queue/audit.ts'), 'utf8');
    const union = /export type AuditKind =([\s\S]*?);/.exec(source)?.[1] ?? '';
    const written = [...union.matchAll(/'([a-z_.]+)'/g)].map((m) => m[1]);
    expect(written.length).toBeGreaterThan(10);
    expect(AUDIT_KINDS.map((k) => k.kind).sort()).toEqual([...written].sort());
    expect(new Set(AUDIT_KINDS.map((k) => k.label)).size).toBe(AUDIT_KINDS.length);
    expect(auditKindLabel('job.failed')).toBe('Job failed');
    expect(auditKindLabel('something.new')).toBe('something.new');
  });

  const entry = (id: number, kind: string, data: AuditEntry['data'], job: number | null = 7): AuditEntry => ({ id, at: NOW, kind, job_id: job, batch_id: null, data });

  it('describes what an entry carries, and finds entries by any word of it', () => {
    expect(auditDetail(entry(1, 'job.failed', { attempt_id: 3, error_class: 'content_blocked', message: 'The provider blocked the prompt.' }))).toBe('content blocked · The provider blocked the prompt.');
    expect(auditDetail(entry(2, 'job.started', { attempt_id: 3, backend: 'nano_banana' }))).toBe('Nano Banana');
    expect(auditDetail(entry(3, 'job.succeeded', { attempt_id: 3, assets: [1, 2] }))).toBe('2 images');
    expect(auditDetail(entry(4, 'batch.submitted', { jobs: 12, first_id: 1, last_id: 12 }, null))).toBe('12 jobs');
    expect(auditDetail(entry(5, 'queue.paused', null, null))).toBe('');
    const failed = entry(6, 'job.failed', { error_class: 'content_blocked', message: 'Blocked: SAFETY' });
    expect(auditMatches(failed, '')).toBe(true);
    expect(auditMatches(failed, 'job failed')).toBe(true);
    expect(auditMatches(failed, 'SAFETY content')).toBe(true);
    expect(auditMatches(failed, '#7')).toBe(true);
    expect(auditMatches(failed, 'timeout')).toBe(false);
  });

  it('reads a typed job id or says what is wrong with it', () => {
    expect(parseJobId('')).toEqual({ id: null, error: null });
    expect(parseJobId(' #42 ')).toEqual({ id: 42, error: null });
    expect(parseJobId('0').error).not.toBeNull();
    expect(parseJobId('4a').error).not.toBeNull();
    expect(parseJobId('-3').error).not.toBeNull();
  });
});

describe('audit store', () => {
  /** A fake events table of 120 entries behind audit.list, with the core's paging rules. */
  function fakeAudit() {
    let rows: AuditEntry[] = Array.from({ length: 120 }, (_, i) => ({ id: i + 1, at: NOW + i, kind: i % 2 === 0 ? 'job.started' : 'job.succeeded', job_id: (i % 10) + 1, batch_id: null, data: null }));
    const requests: RpcRequest[] = [];
    const listeners = new Set<(m: { name: string; payload: unknown }) => void>();
    const transport: Transport = {
      async request(request): Promise<RpcResult> {
        requests.push(request);
        const input = (request.input ?? {}) as { kind?: string; job_id?: number; before?: number; limit?: number };
        const limit = input.limit ?? 100;
        const matching = rows
          .filter((r) => (input.kind ? r.kind === input.kind : true) && (input.job_id !== undefined ? r.job_id === input.job_id : true) && (input.before !== undefined ? r.id < input.before : true))
          .sort((a, b) => b.id - a.id);
        const items = matching.slice(0, limit);
        return { ok: true, value: { items, next: matching.length > limit ? items.at(-1)!.id : null } };
      },
      onEvent(listener) {
        listeners.add(listener as never);
        return () => listeners.delete(listener as never);
      },
    };
    return {
      client: createClient(transport, { validate: true }),
      requests,
      add(entry: AuditEntry) {
        rows = [...rows, entry];
      },
      emit(name: string) {
        for (const l of listeners) l({ name, payload: { ids: [], batch_ids: [], all: false } });
      },
    };
  }

  it('pages older entries with before, and filters by kind and job id in the core', async () => {
    const fake = fakeAudit();
    const store = createAuditStore(fake.client);
    await store.getState().load();
    expect(store.getState().items).toHaveLength(AUDIT_PAGE);
    expect(store.getState().items[0]!.id).toBe(120);
    await store.getState().loadOlder();
    expect(fake.requests.at(-1)!.input).toMatchObject({ before: 71, limit: AUDIT_PAGE });
    expect(store.getState().items.map((e) => e.id)).toEqual(Array.from({ length: 100 }, (_, i) => 120 - i));
    await store.getState().loadOlder();
    expect(store.getState().items).toHaveLength(120);
    expect(store.getState().next).toBeNull();

    store.getState().setFilter({ kind: 'job.succeeded', jobId: 2 });
    await new Promise((r) => setTimeout(r, 0));
    await new Promise((r) => setTimeout(r, 0));
    expect(fake.requests.at(-1)!.input).toEqual({ limit: AUDIT_PAGE, kind: 'job.succeeded', job_id: 2 });
    expect(store.getState().items.every((e) => e.kind === 'job.succeeded' && e.job_id === 2)).toBe(true);
    expect(store.getState().items).toHaveLength(12);
  });

  it('puts new entries on top when jobs change, keeping what was loaded below', async () => {
    const fake = fakeAudit();
    const store = createAuditStore(fake.client, { refreshDelayMs: 5 });
    const stop = store.getState().start();
    await new Promise((r) => setTimeout(r, 10));
    await store.getState().loadOlder();
    expect(store.getState().items).toHaveLength(100);
    fake.add({ id: 121, at: NOW + 500, kind: 'job.failed', job_id: 3, batch_id: null, data: { error_class: 'timeout' } });
    fake.emit('jobs.changed');
    fake.emit('jobs.changed');
    await new Promise((r) => setTimeout(r, 40));
    expect(store.getState().items).toHaveLength(101);
    expect(store.getState().items[0]!.id).toBe(121);
    expect(store.getState().items[1]!.id).toBe(120);
    // The two events brought one fetch.
    expect(fake.requests.filter((r) => r.input !== undefined && !('before' in (r.input as object)))).toHaveLength(2);
    stop();
  });
});
