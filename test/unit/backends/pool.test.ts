import { describe, expect, it } from 'vitest';
import { BackendPool, OPEN_GATE, type BackendGate, type GateVerdict, type RoutingJob } from '../../../main/core/backends/pool';
import type { BackendCapabilities, BackendInterface } from '../../../main/core/backends/types';
import { defaultConfig, mergeConfig, type Config, type ConfigPatch } from '../../../shared/domain/config';

const CAPS: BackendCapabilities = { min_side: 64, max_side: 2048, aspect_ratios: [], max_images_per_request: 4, negative_prompt: true, seed: true, max_prompt_chars: 8000 };

function backend(id: string, caps: Partial<BackendCapabilities> = {}): BackendInterface {
  return { id, paid: id !== 'sdxl' && id !== 'demo', capabilities: { ...CAPS, ...caps }, generate: () => Promise.reject(new Error('not called in these tests')) };
}

/** Explicit prices, so price constraints do not depend on the price table. */
const PRICED: ConfigPatch = {
  backends: { nano_banana: { cost_per_image: 0.04 }, imagen: { cost_per_image: 0.04 }, minimax: { cost_per_image: 0.01 }, sdxl: { cost_per_image: 0 } },
};

function setup(options: { caps?: Record<string, Partial<BackendCapabilities>>; patch?: ConfigPatch; gate?: BackendGate; ids?: string[] } = {}) {
  const ids = options.ids ?? ['nano_banana', 'imagen', 'minimax', 'sdxl', 'demo'];
  const registry = new Map(ids.map((id) => [id, backend(id, options.caps?.[id])]));
  let config: Config = mergeConfig(mergeConfig(defaultConfig(), PRICED), options.patch ?? {});
  const pool = new BackendPool(registry, () => config, options.gate ?? OPEN_GATE);
  return {
    pool,
    update(patch: ConfigPatch) {
      config = mergeConfig(config, patch);
    },
  };
}

function job(extra: Omit<Partial<RoutingJob>, 'params'> & { params?: Partial<RoutingJob['params']> } = {}): RoutingJob {
  return {
    prompt: extra.prompt ?? 'a fox',
    negative_prompt: extra.negative_prompt ?? null,
    pinned_backend: extra.pinned_backend ?? null,
    constraints: extra.constraints ?? {},
    params: { width: 512, height: 512, aspect_ratio: null, steps: null, cfg_scale: null, sampler: null, seed: 1, count: 1, quality_level: null, model: null, ...extra.params },
  };
}

const chosen = (choice: ReturnType<BackendPool['choose']>) => (choice.kind === 'dispatch' ? choice.backend.id : choice.kind);

describe('BackendPool cascade', () => {
  it('tries backends in priority order, skipping disabled ones and ones without a key, and names the reasons', () => {
    const { pool } = setup({ patch: { backends: { nano_banana: { enabled: false } } } });
    pool.setCredentialed(['nano_banana', 'minimax', 'sdxl', 'demo']);
    const choice = pool.choose(job(), 0);
    expect(chosen(choice)).toBe('minimax');
    expect(choice.skipped).toEqual([
      { backend: 'nano_banana', reason: 'is disabled in settings' },
      { backend: 'imagen', reason: 'has no API key' },
    ]);
  });

  it('reorders at once when priorities change', () => {
    const { pool, update } = setup();
    pool.setCredentialed(['nano_banana', 'imagen', 'minimax', 'sdxl']);
    expect(chosen(pool.choose(job(), 0))).toBe('nano_banana');
    update({ backends: { sdxl: { priority: 1 }, nano_banana: { priority: 7 } } });
    expect(chosen(pool.choose(job(), 0))).toBe('sdxl');
  });

  it('filters by capabilities: size, image count, aspect ratio, prompt length, negative prompt', () => {
    const { pool } = setup({
      caps: {
        nano_banana: { max_side: 1024 },
        imagen: { max_images_per_request: 1, aspect_ratios: ['1:1', '16:9'] },
        minimax: { negative_prompt: false, max_prompt_chars: 1500 },
      },
    });
    pool.setCredentialed(['nano_banana', 'imagen', 'minimax', 'sdxl']);
    expect(pool.choose(job({ params: { width: 2048, height: 1024 } }), 0).skipped[0]).toEqual({ backend: 'nano_banana', reason: 'does not make 2048×1024 images' });
    expect(pool.choose(job({ params: { count: 2 } }), 0).skipped).toEqual([]);
    const many = pool.choose(job({ params: { width: 512, height: 512, count: 2 } }), 0);
    expect(chosen(many)).toBe('nano_banana');
    const ratio = pool.choose(job({ params: { width: 2048, height: 1024, aspect_ratio: '21:9' } }), 0);
    expect(ratio.skipped).toContainEqual({ backend: 'imagen', reason: 'does not offer the 21:9 aspect ratio' });
    const negative = pool.choose(job({ params: { width: 2048, height: 1024, aspect_ratio: '21:9' }, negative_prompt: 'blurry', prompt: 'x'.repeat(2000) }), 0);
    expect(negative.skipped).toContainEqual({ backend: 'minimax', reason: 'accepts prompts up to 1500 characters' });
    expect(chosen(negative)).toBe('sdxl');
    const ignoresNegative = pool.choose(job({ params: { width: 2048, height: 1024, aspect_ratio: '21:9' }, negative_prompt: 'blurry' }), 0);
    expect(ignoresNegative.skipped).toContainEqual({ backend: 'minimax', reason: 'ignores negative prompts' });
  });

  it("filters by the job's quality level and price", () => {
    const { pool } = setup({ patch: { backends: { nano_banana: { quality_level: 5, cost_per_image: 0.2 }, imagen: { quality_level: 2 } } } });
    pool.setCredentialed(['nano_banana', 'imagen', 'minimax', 'sdxl']);
    const choice = pool.choose(job({ params: { quality_level: 3, count: 2 }, constraints: { max_cost_usd: 0.05 } }), 0);
    expect(choice.skipped).toEqual([
      { backend: 'nano_banana', reason: "costs more than the job's $0.05" },
      { backend: 'imagen', reason: "quality 2 is below the job's 3" },
    ]);
    expect(chosen(choice)).toBe('minimax');
  });

  it('skips a cooling backend to the next one, but waits for one that is merely busy', () => {
    const { pool } = setup({ patch: { backends: { nano_banana: { max_concurrency: 1 } } } });
    pool.setCredentialed(['nano_banana', 'minimax']);
    pool.coolDown('nano_banana', 5_000);
    const cooled = pool.choose(job(), 1_000);
    expect(chosen(cooled)).toBe('minimax');
    expect(cooled.skipped[0]).toEqual({ backend: 'nano_banana', reason: 'cooling down after a rate limit (4 s)' });

    pool.acquire('nano_banana', 6_000);
    expect(pool.choose(job(), 6_000)).toMatchObject({ kind: 'wait', until: null });
    pool.release('nano_banana');
    expect(chosen(pool.choose(job(), 6_000))).toBe('nano_banana');
  });

  it('skips a backend at its requests per minute and follows a changed limit at once', () => {
    const { pool, update } = setup({ patch: { backends: { nano_banana: { requests_per_minute: 2, max_concurrency: 10 } } } });
    pool.setCredentialed(['nano_banana', 'sdxl']);
    for (const t of [0, 1]) {
      pool.acquire('nano_banana', t);
      pool.release('nano_banana');
    }
    const limited = pool.choose(job(), 10);
    expect(limited.skipped[0]).toEqual({ backend: 'nano_banana', reason: 'at its 2 requests per minute' });
    expect(chosen(limited)).toBe('sdxl');
    update({ backends: { nano_banana: { requests_per_minute: 3 } } });
    expect(chosen(pool.choose(job(), 10))).toBe('nano_banana');
  });

  it('sends a pinned job only to its backend', () => {
    const { pool } = setup();
    pool.setCredentialed(['nano_banana', 'sdxl']);
    expect(chosen(pool.choose(job({ pinned_backend: 'sdxl' }), 0))).toBe('sdxl');
    const impossible = pool.choose(job({ pinned_backend: 'imagen' }), 0);
    expect(impossible).toMatchObject({ kind: 'impossible', reason: 'No backend can take this job: imagen has no API key.' });
  });

  it('takes a backend out until reset, with the reason', () => {
    const { pool } = setup();
    pool.setCredentialed(['nano_banana', 'sdxl']);
    pool.takeOut('nano_banana', 'refused the API key: set a valid one in Settings');
    expect(pool.choose(job(), 0).skipped[0]).toEqual({ backend: 'nano_banana', reason: 'refused the API key: set a valid one in Settings' });
    expect(pool.view('nano_banana', 0).reason).toBe('refused the API key: set a valid one in Settings');
    pool.resetOut();
    expect(chosen(pool.choose(job(), 0))).toBe('nano_banana');
  });
});

describe('the demo backend', () => {
  it('takes jobs only when no real backend is set up', () => {
    const { pool } = setup();
    pool.setCredentialed(['demo']);
    expect(chosen(pool.choose(job(), 0))).toBe('demo');
    pool.setCredentialed(['demo', 'minimax']);
    expect(chosen(pool.choose(job(), 0))).toBe('minimax');
    // Set up but unsuitable: the job fails rather than silently becoming a demo picture.
    const tooBig = pool.choose(job({ params: { width: 4096, height: 4096 } }), 0);
    expect(tooBig.kind).toBe('impossible');
    expect(tooBig.skipped.map((s) => s.backend)).not.toContain('demo');
  });

  it('counts a local server (no key needed) as set up only when the manager has proof it answers', () => {
    let alive = false;
    const gate: BackendGate = { ...OPEN_GATE, provenUp: (id) => id !== 'sdxl' || alive };
    const { pool } = setup({ gate });
    pool.setCredentialed(['sdxl', 'demo']);
    expect(pool.isSetUp('sdxl', 0)).toBe(false);
    expect(chosen(pool.choose(job(), 0))).toBe('sdxl'); // still tried first: the gate decides whether it may be called
    alive = true;
    expect(pool.isSetUp('sdxl', 0)).toBe(true);
    expect(pool.choose(job({ params: { width: 4096, height: 4096 } }), 0).skipped.map((s) => s.backend)).not.toContain('demo');
  });

  it('is used when pinned, whatever else is set up', () => {
    const { pool } = setup();
    pool.setCredentialed(['nano_banana', 'demo']);
    expect(chosen(pool.choose(job({ pinned_backend: 'demo' }), 0))).toBe('demo');
  });
});

describe('the gate (circuit breaker, local server checks)', () => {
  function gated(verdicts: Record<string, GateVerdict>) {
    const calls: string[] = [];
    const gate: BackendGate = {
      ...OPEN_GATE,
      verdict: (id) => verdicts[id] ?? { kind: 'go' },
      onStart: (id) => calls.push(`start ${id}`),
      onEnd: (id) => calls.push(`end ${id}`),
      report: (id, report) => calls.push(`report ${id} ${report.error?.errorClass ?? 'ok'}`),
    };
    const { pool } = setup({ gate });
    pool.setCredentialed(['nano_banana', 'imagen', 'minimax', 'sdxl']);
    return { pool, calls };
  }

  it('skips an open circuit to the next backend and wakes at its test time', () => {
    const { pool } = gated({ nano_banana: { kind: 'skip', reason: 'circuit open: 4 of its last 4 calls failed (next test call in 5 s)', until: 5_000 } });
    const choice = pool.choose(job(), 0);
    expect(chosen(choice)).toBe('imagen');
    expect(choice.skipped[0]!.reason).toMatch(/^circuit open/);
    expect(pool.circuitOpen('nano_banana', 0)).toBe(true);
    const all = gated({
      nano_banana: { kind: 'skip', reason: 'open', until: 5_000 },
      imagen: { kind: 'skip', reason: 'open', until: 3_000 },
      minimax: { kind: 'skip', reason: 'open', until: 9_000 },
      sdxl: { kind: 'skip', reason: 'open', until: 7_000 },
    });
    expect(all.pool.choose(job(), 0)).toMatchObject({ kind: 'wait', until: 3_000 });
  });

  it('holds the cascade while a check is under way, and refuses when the server did not answer', () => {
    const hold = gated({ nano_banana: { kind: 'hold', reason: 'checking' } });
    expect(hold.pool.choose(job(), 0)).toMatchObject({ kind: 'wait', skipped: [{ backend: 'nano_banana', reason: 'checking' }] });
    const refuse = gated({ nano_banana: { kind: 'refuse', reason: 'no server answered' }, imagen: { kind: 'refuse', reason: 'no server answered' }, minimax: { kind: 'refuse', reason: 'x' }, sdxl: { kind: 'refuse', reason: 'y' } });
    expect(refuse.pool.choose(job(), 0).kind).toBe('impossible');
  });

  it('tells the gate when calls start, end and how they went', () => {
    const { pool, calls } = gated({});
    pool.acquire('sdxl', 0);
    pool.report('sdxl', { latencyMs: 10, error: { errorClass: 'timeout', message: 'late' } }, 10);
    pool.release('sdxl');
    expect(calls).toEqual(['start sdxl', 'report sdxl timeout', 'end sdxl']);
  });
});
