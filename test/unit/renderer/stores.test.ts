import { afterEach, describe, expect, it, vi } from 'vitest';
import { createClient } from '../../../shared/client';
import { defaultConfig } from '../../../shared/domain/config';
import type { Status } from '../../../shared/domain/status';
import type { Transport } from '../../../shared/transport';
import type { EventMessage, RpcRequest, RpcResult } from '../../../shared/wire';
import { createConfigStore } from '../../../renderer/src/features/settings/config.store';
import { createStatusStore } from '../../../renderer/src/features/status/status.store';
import { backendsView, orchestratorView } from '../../../renderer/src/features/status/status-view';

function status(overrides: { library?: string; queued?: number } = {}): Status {
  return {
    orchestrator: { status: 'stopped', uptime_seconds: 3 },
    jobs: { queued: overrides.queued ?? 0, running: 0, active_jobs: 0, succeeded: 0, failed: 0, canceled: 0 },
    performance: { success_rate: null, jobs_per_hour: 0, average_cost_per_job: 0 },
    backends: {
      availability_percent: 40,
      items: (['nano_banana', 'imagen', 'minimax', 'sdxl', 'demo'] as const).map((id) => ({
        id,
        enabled: true,
        unavailable_reason: id === 'sdxl' || id === 'demo' ? null : 'no API key set',
        state: 'closed' as const,
        success_rate: null,
        jobs_succeeded: 0,
        jobs_failed: 0,
      })),
    },
    library: { path: overrides.library ?? '/lib', assets: 0, total_size_mb: 0 },
  };
}

/** An in-memory transport whose answers the test scripts per method, and which can push events. */
function fakeTransport(answer: (request: RpcRequest) => RpcResult | Promise<RpcResult>) {
  const listeners = new Set<(message: EventMessage) => void>();
  const requests: RpcRequest[] = [];
  const transport: Transport = {
    async request(request) {
      requests.push(request);
      return answer(request);
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return { transport, requests, listeners, emit: (message: EventMessage) => listeners.forEach((listener) => listener(message)) };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('status store', () => {
  it('loads the status, follows stats.changed, and stops both poll and listener', async () => {
    vi.useFakeTimers();
    const fake = fakeTransport(() => ({ ok: true, value: status() }));
    const store = createStatusStore(createClient(fake.transport, { validate: true }), { pollMs: 1000 });
    const stop = store.getState().start();
    await vi.waitFor(() => expect(store.getState().phase).toBe('ready'));
    expect(store.getState().status?.library.path).toBe('/lib');

    fake.emit({ name: 'stats.changed', payload: status({ queued: 7 }) });
    expect(store.getState().status?.jobs.queued).toBe(7);

    await vi.advanceTimersByTimeAsync(3000);
    expect(fake.requests.length).toBe(4);

    stop();
    expect(fake.listeners.size).toBe(0);
    await vi.advanceTimersByTimeAsync(5000);
    expect(fake.requests.length).toBe(4);
  });

  it('keeps the last status and exposes the incident id when a call fails', async () => {
    let fail = false;
    const fake = fakeTransport(() =>
      fail
        ? { ok: false, error: { code: 'INTERNAL', message: 'Something went wrong (incident 1a2b3c4d).', details: { incidentId: '1a2b3c4d' } } }
        : { ok: true, value: status() },
    );
    const store = createStatusStore(createClient(fake.transport, { validate: true }));
    await store.getState().refresh();
    fail = true;
    await store.getState().refresh();
    expect(store.getState()).toMatchObject({ phase: 'error', error: { code: 'INTERNAL', incidentId: '1a2b3c4d' } });
    expect(store.getState().status?.library.path).toBe('/lib');
  });

  it('reports a dropped connection as a transport error', async () => {
    const fake = fakeTransport(() => Promise.reject(new Error('The connection to APEX Director closed.')));
    const store = createStatusStore(createClient(fake.transport));
    await store.getState().refresh();
    expect(store.getState().error).toEqual({ code: 'TRANSPORT', message: 'The connection to APEX Director closed.', incidentId: null });
  });
});

describe('config store', () => {
  it('reads the config and follows config.changed', async () => {
    const config = defaultConfig();
    const fake = fakeTransport(() => ({ ok: true, value: config }));
    const store = createConfigStore(createClient(fake.transport, { validate: true }));
    const stop = store.getState().start();
    await vi.waitFor(() => expect(store.getState().phase).toBe('ready'));
    expect(store.getState().config?.backends.demo.priority).toBe(9);

    const changed = defaultConfig();
    changed.backends.demo.enabled = false;
    fake.emit({ name: 'config.changed', payload: changed });
    expect(store.getState().config?.backends.demo.enabled).toBe(false);
    stop();
    expect(fake.listeners.size).toBe(0);
  });
});

describe('status wording', () => {
  it('counts ready backends and warns when only the offline demo could generate', () => {
    expect(backendsView(status())).toEqual({ label: '2 of 5 backends ready', tone: 'ok', ready: 2 });
    const demoOnly = status();
    for (const item of demoOnly.backends.items) if (item.id === 'sdxl') item.unavailable_reason = 'server not reachable';
    expect(backendsView(demoOnly)).toMatchObject({ label: '1 of 5 backends ready', tone: 'warn' });
    expect(orchestratorView(status())).toEqual({ label: 'Orchestrator stopped', tone: 'idle' });
  });
});
