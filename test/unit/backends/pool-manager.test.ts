import { describe, expect, it, vi } from 'vitest';
import { BackendManager, LOCAL_RECHECK_MS, type AttemptOutcomeRow } from '../../../main/core/backends/manager';
import type { RoutingJob } from '../../../main/core/backends/pool';
import { BackendError, type BackendInterface } from '../../../main/core/backends/types';
import { EventHub } from '../../../main/core/events';
import { silentLogger } from '../../../main/core/log';
import { BackendsHealth } from '../../../shared/domain/backends';
import { defaultConfig, mergeConfig, type Config } from '../../../shared/domain/config';

const CAPS = { min_side: 64, max_side: 2048, aspect_ratios: [], max_images_per_request: 4, negative_prompt: true, seed: true, max_prompt_chars: 8000 };

function backend(id: string, health?: () => Promise<void>): BackendInterface {
  const b: BackendInterface = { id, paid: id !== 'sdxl', capabilities: CAPS, generate: () => Promise.reject(new Error('unused')) };
  if (health) b.health = health;
  return b;
}

const job = (pinned: string | null = null): RoutingJob => ({
  prompt: 'a fox',
  negative_prompt: null,
  pinned_backend: pinned,
  constraints: {},
  params: { width: 512, height: 512, aspect_ratio: null, steps: null, cfg_scale: null, sampler: null, seed: 1, count: 1, quality_level: null, model: null },
});

function setup(backends: BackendInterface[], config: Config = mergeConfig(defaultConfig(), { backends: { nano_banana: { cost_per_image: 0.04 }, minimax: { cost_per_image: 0.01 }, sdxl: { cost_per_image: 0 } } })) {
  const clock = { now: 1_000_000 };
  const events = new EventHub({ intervalMs: 0 });
  const wake = vi.fn();
  const manager = new BackendManager({
    registry: new Map(backends.map((b) => [b.id, b])),
    config: () => config,
    events,
    log: silentLogger,
    credential: () => Promise.resolve(null),
    wake,
    breaker: { minCalls: 2, cooldownBaseMs: 1_000, cooldownMaxMs: 4_000 },
    clock: () => clock.now,
  });
  manager.pool.setCredentialed(backends.map((b) => b.id));
  return { manager, pool: manager.pool, clock, events, wake };
}

const failure = (errorClass: BackendError['errorClass'] = 'transient') => ({ latencyMs: 5, error: { errorClass, message: `${errorClass} happened` } });
const success = { latencyMs: 20, error: null };

describe('BackendManager around the cascade', () => {
  it('opens the circuit on backend-health failures and sends jobs on; one test call later brings the backend back', () => {
    const { manager, pool, clock, wake } = setup([backend('nano_banana'), backend('minimax')]);
    const { now } = clock;
    for (const t of [now, now + 1]) {
      pool.acquire('nano_banana', t);
      pool.report('nano_banana', failure('timeout'), t);
      pool.release('nano_banana');
    }
    const skipped = pool.choose(job(), now + 2);
    expect(skipped).toMatchObject({ kind: 'dispatch', skipped: [{ backend: 'nano_banana' }] });
    expect(skipped.kind === 'dispatch' && skipped.backend.id).toBe('minimax');
    expect(manager.statusFields('nano_banana')).toMatchObject({ state: 'open', unavailable_reason: expect.stringMatching(/^circuit open: 2 of its last 2 calls failed/) });

    clock.now = now + 1 + 1_000;
    const probe = pool.choose(job(), clock.now);
    expect(probe.kind === 'dispatch' && probe.backend.id).toBe('nano_banana');
    pool.acquire('nano_banana', clock.now);
    // While the test call runs, other jobs go elsewhere.
    const other = pool.choose(job(), clock.now);
    expect(other.kind === 'dispatch' && other.backend.id).toBe('minimax');
    expect(other.skipped[0]).toEqual({ backend: 'nano_banana', reason: 'one test call is checking whether it recovered' });
    pool.report('nano_banana', success, clock.now + 20);
    pool.release('nano_banana');
    expect(wake).toHaveBeenCalled();
    expect(manager.statusFields('nano_banana').state).toBe('closed');
    const back = pool.choose(job(), clock.now + 21);
    expect(back.kind === 'dispatch' && back.backend.id).toBe('nano_banana');
  });

  it('never counts a refused prompt (content blocked, bad request) or a canceled call against the backend', () => {
    const { manager, pool, clock } = setup([backend('nano_banana')]);
    for (let i = 0; i < 6; i++) pool.report('nano_banana', failure(i % 2 === 0 ? 'content_blocked' : 'bad_request'), clock.now + i);
    pool.report('nano_banana', failure('canceled'), clock.now + 7);
    const item = manager.health().items.find((i) => i.id === 'nano_banana')!;
    expect(item).toMatchObject({ state: 'closed', calls: 6, success_rate: null, last_error: { error_class: 'bad_request' } });
  });

  it('reports health for every backend, valid against the contract', () => {
    const { manager, pool, clock } = setup([backend('nano_banana'), backend('sdxl')]);
    pool.report('nano_banana', success, clock.now);
    pool.report('nano_banana', failure('no_image'), clock.now + 1);
    const health = manager.health();
    expect(BackendsHealth.safeParse(health).success).toBe(true);
    expect(health.items.map((i) => i.id)).toEqual(['nano_banana', 'imagen', 'minimax', 'sdxl', 'demo']);
    expect(health.items[0]).toMatchObject({ calls: 2, success_rate: 0.5, p50_ms: 20, p95_ms: 20, last_error: { error_class: 'no_image', message: 'no_image happened' } });
    expect(health.items[1]).toMatchObject({ set_up: false, unavailable_reason: 'has no client in this build' });
  });

  it('publishes backends.changed, folded into one event per burst', async () => {
    const { pool, events, clock } = setup([backend('nano_banana')]);
    const seen: unknown[] = [];
    events.subscribe((message) => {
      if (message.name === 'backends.changed') seen.push(message.payload);
    });
    for (let i = 0; i < 50; i++) pool.report('nano_banana', success, clock.now + i);
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(seen).toHaveLength(1);
    expect((seen[0] as { items: Array<{ calls: number }> }).items[0]!.calls).toBe(50);
  });

  it('rebuilds breaker and health from recent attempts (a new process sees recent trouble)', () => {
    const { manager, clock } = setup([backend('minimax')]);
    const rows: AttemptOutcomeRow[] = [0, 1, 2].map((i) => ({ backend: 'minimax', ended_at: clock.now - 500 + i, outcome: 'failed', error_class: 'transient', error_message: 'HTTP 503', latency_ms: 30 }));
    rows.push({ backend: 'minimax', ended_at: clock.now - 400, outcome: 'interrupted', error_class: null, error_message: null, latency_ms: null });
    manager.replay(rows);
    expect(manager.statusFields('minimax').state).toBe('open');
    expect(manager.health().items.find((i) => i.id === 'minimax')).toMatchObject({ calls: 3, success_rate: 0, last_error: { message: 'HTTP 503' } });
  });
});

describe('a local server (SDXL) needs proof of life', () => {
  it('holds jobs while it is checked, refuses while it does not answer, and takes them once it does', async () => {
    let up = false;
    const health = vi.fn(() => (up ? Promise.resolve() : Promise.reject(new BackendError('transient', 'connect ECONNREFUSED 127.0.0.1:7860'))));
    const { manager, pool, clock, wake } = setup([backend('sdxl', health), backend('demo')]);
    expect(pool.choose(job(), clock.now)).toMatchObject({ kind: 'wait', skipped: [{ backend: 'sdxl', reason: 'checking whether the server at http://127.0.0.1:7860 answers' }] });
    await vi.waitFor(() => expect(wake).toHaveBeenCalled());
    // Not set up: with no keys anywhere, the demo takes the job.
    const demo = pool.choose(job(), clock.now);
    expect(demo.kind === 'dispatch' && demo.backend.id).toBe('demo');
    expect(demo.skipped[0]!.reason).toMatch(/^no server answered at http:\/\/127\.0\.0\.1:7860 \(checked 0 s ago: connect ECONNREFUSED/);
    // A job pinned to sdxl goes there anyway and fails with the server's own words.
    const pinned = pool.choose(job('sdxl'), clock.now);
    expect(pinned.kind === 'dispatch' && pinned.backend.id).toBe('sdxl');

    up = true;
    await manager.checkLocalServers();
    expect(pool.isSetUp('sdxl', clock.now)).toBe(true);
    const sdxl = pool.choose(job(), clock.now);
    expect(sdxl.kind === 'dispatch' && sdxl.backend.id).toBe('sdxl');
  });

  it('asks a silent server again after a while, and counts recent real answers as proof', async () => {
    const health = vi.fn(() => Promise.reject(new BackendError('transient', 'down')));
    const { manager, pool, clock } = setup([backend('sdxl', health), backend('demo')]);
    await manager.checkLocalServers();
    expect(health).toHaveBeenCalledTimes(1);
    pool.choose(job(), clock.now + 1_000);
    expect(health).toHaveBeenCalledTimes(1);
    clock.now += LOCAL_RECHECK_MS;
    expect(pool.choose(job(), clock.now).kind).toBe('wait');
    await vi.waitFor(() => expect(health).toHaveBeenCalledTimes(2));
    await vi.waitFor(() => expect(manager.health().items.find((i) => i.id === 'sdxl')?.unavailable_reason).toMatch(/^no server answered/));
    pool.report('sdxl', success, clock.now);
    expect(pool.isSetUp('sdxl', clock.now)).toBe(true);
  });

  it('forgets an answer from another address when the setting changes', async () => {
    let config = defaultConfig();
    const health = vi.fn(() => Promise.resolve());
    const manager = new BackendManager({
      registry: new Map([['sdxl', backend('sdxl', health)]]),
      config: () => config,
      events: new EventHub(),
      log: silentLogger,
      credential: () => Promise.resolve(null),
      wake: () => {},
    });
    manager.pool.setCredentialed(['sdxl']);
    await manager.checkLocalServers();
    expect(manager.provenUp('sdxl', Date.now())).toBe(true);
    config = mergeConfig(config, { backends: { sdxl: { base_url: 'http://127.0.0.1:8188', flavor: 'comfyui' } } });
    expect(manager.provenUp('sdxl', Date.now())).toBe(false);
    manager.close();
  });
});
