import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../main/core';
import { percentile } from '../../main/core/backends/health';
import { HealthTimeline, medianOfBins, timelineOutcome, timelineWindow } from '../../main/core/backends/health-timeline';
import type { TimelineBucket } from '../../shared/domain/history';
import { createLoopbackBackend } from '../fakes/loopback-backend';
import { startLoopbackImageServer, type LoopbackImageServer } from '../fakes/loopback-image-server';
import { useTempDirs } from '../helpers/temp-library';

/**
 * backends.timeline, budget.history and estimate.files on a real library: real SQLite, real calls over
 * loopback HTTP to a paid service played by the loopback image server under the sdxl id ($0.10 an image).
 */

const tempDir = useTempDirs();
const opened: Array<{ core: Core; server: LoopbackImageServer }> = [];
afterEach(async () => {
  for (const { core, server } of opened.splice(0)) {
    await core.close();
    await server.close();
  }
});

async function openPaid() {
  const server = await startLoopbackImageServer({ latencyMs: 5 });
  const core = await createCore({ library: join(tempDir(), 'library'), backends: [createLoopbackBackend({ id: 'sdxl', baseUrl: server.url, paid: true })] });
  opened.push({ core, server });
  await core.client.call('config.update', {
    orchestrator: { max_concurrent_jobs: 2, max_attempts: 1 },
    backends: { sdxl: { max_concurrency: 2, cost_per_image: 0.1 } },
  });
  return { core, server };
}

const jobs = (n: number) => Array.from({ length: n }, (_, i) => ({ prompt: `harbour ${i}`, backend: 'sdxl' as const, params: { width: 64, height: 64, seed: i + 1 } }));

interface AttemptRow {
  ended_at: number;
  outcome: string | null;
  error_class: string | null;
  latency_ms: number | null;
}

/** The timeline counted the slow, obvious way over rows in hand: what the SQL in health-timeline.ts must equal. */
function bucketize(rows: readonly AttemptRow[], from: number, bucketMs: number, count: number): TimelineBucket[] {
  const buckets: TimelineBucket[] = Array.from({ length: count }, (_, i) => ({ start: from + i * bucketMs, succeeded: 0, failed: 0, rate_limited: 0, refused: 0, interrupted: 0, p50_ms: null }));
  const latencies: number[][] = Array.from({ length: count }, () => []);
  for (const row of rows) {
    const index = Math.floor((row.ended_at - from) / bucketMs);
    const bucket = buckets[index];
    if (!bucket) continue;
    const outcome = timelineOutcome(row.outcome, row.error_class);
    bucket[outcome] += 1;
    if (outcome === 'succeeded' && row.latency_ms !== null) latencies[index]!.push(row.latency_ms);
  }
  buckets.forEach((bucket, i) => {
    bucket.p50_ms = percentile(latencies[i]!.sort((a, b) => a - b), 0.5);
  });
  return buckets;
}

describe('backends.timeline', () => {
  it('counts every finished call of a backend once, in the bucket it ended in, by what it says about the backend', async () => {
    const { core, server } = await openPaid();
    // Call 2 is a server error (the backend's fault), call 4 a refused prompt (the job's fault).
    server.script = (call) => (call.index === 2 ? { status: 500 } : call.index === 4 ? { status: 400, body: { error: 'bad size' } } : null);
    expect(await core.startOrchestrator()).toBe(true);
    const started = Date.now();
    await core.client.call('jobs.submitBatch', { jobs: jobs(8) });
    await core.pipeline.orchestrator.whenIdle();

    const timeline = await core.client.call('backends.timeline', { hours: 1, buckets: 12 });
    expect(timeline.bucket_ms).toBe(5 * 60_000);
    expect(timeline.to - timeline.from).toBe(60 * 60_000);
    expect(timeline.items.map((i) => i.backend)).toEqual(['nano_banana', 'imagen', 'minimax', 'sdxl', 'demo']);
    const sdxl = timeline.items.find((i) => i.backend === 'sdxl')!;
    expect(sdxl.buckets).toHaveLength(12);
    const sum = (key: 'succeeded' | 'failed' | 'refused' | 'rate_limited' | 'interrupted') => sdxl.buckets.reduce((n, b) => n + b[key], 0);
    expect({ succeeded: sum('succeeded'), failed: sum('failed'), refused: sum('refused'), rate_limited: sum('rate_limited'), interrupted: sum('interrupted') }).toEqual({
      succeeded: 6,
      failed: 1,
      refused: 1,
      rate_limited: 0,
      interrupted: 0,
    });
    // The calls just ended: only buckets that reach into this test hold them, with a median latency at least the server's delay.
    const used = sdxl.buckets.filter((b) => b.succeeded + b.failed + b.refused > 0);
    expect(used.length).toBeGreaterThanOrEqual(1);
    for (const bucket of used) expect(bucket.start + timeline.bucket_ms).toBeGreaterThan(started);
    for (const bucket of used.filter((b) => b.succeeded > 0)) expect(bucket.p50_ms).toBeGreaterThanOrEqual(5);
    expect(sdxl.buckets.at(-1)!.start).toBeLessThanOrEqual(Date.now());
    for (const other of timeline.items.filter((i) => i.backend !== 'sdxl')) expect(other.buckets.every((b) => b.succeeded + b.failed === 0)).toBe(true);

    // Seen from two hours later, the same calls have left a one-hour window and are in a three-hour one.
    const reader = new HealthTimeline(core.pipeline.db);
    const later = Date.now() + 2 * 3_600_000;
    expect(reader.read(['sdxl'], { now: later, hours: 1, buckets: 4 }).items[0]!.buckets.every((b) => b.succeeded === 0)).toBe(true);
    const wide = reader.read(['sdxl'], { now: later, hours: 3, buckets: 6 }).items[0]!;
    expect(wide.buckets.reduce((n, b) => n + b.succeeded, 0)).toBe(6);
    for (const bucket of wide.buckets.filter((b) => b.succeeded > 0)) expect(bucket.start + 30 * 60_000).toBeGreaterThan(started);
  });

  it('refuses a window outside its limits with the field named', async () => {
    const { core } = await openPaid();
    await expect(core.client.call('backends.timeline', { hours: 0 })).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('hours') });
    await expect(core.client.call('backends.timeline', { buckets: 500 })).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('buckets') });
  });

  it('counts in SQLite exactly what counting the rows one by one gives, and medians within 2.5%', async () => {
    const { core } = await openPaid();
    const db = core.pipeline.db;
    const now = Date.now();
    const jobId = Number(db.prepare("INSERT INTO jobs (prompt, params_json, priority, status, created_at, updated_at) VALUES ('x', '{}', 3, 'succeeded', ?, ?)").run(now, now).lastInsertRowid);
    const insert = db.prepare('INSERT INTO attempts (job_id, number, backend, started_at, ended_at, outcome, error_class, latency_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    const kinds: Array<[string, string | null]> = [['succeeded', null], ['failed', 'rate_limited'], ['failed', 'transient'], ['failed', 'content_blocked'], ['interrupted', null], ['canceled', 'canceled'], ['succeeded', null]];
    // A deterministic spread over the last 7 hours, bucket edges and the window's own edges included.
    const { from, to, bucketMs } = timelineWindow(now, 6, 12);
    const ends = [from - 1, from, from + 1, to - 1, to, ...Array.from({ length: 400 }, (_, i) => from - 3_600_000 + ((i * 7_919_993) % (7 * 3_600_000)))];
    db.transaction(() => {
      ends.forEach((ended, i) => {
        const [outcome, errorClass] = kinds[i % kinds.length]!;
        insert.run(jobId, i + 1, 'minimax', ended - 10, ended, outcome, errorClass, i % 11 === 0 ? null : (i * 37) % 5_000);
      });
    })();
    const rows = db.prepare<[], AttemptRow>("SELECT ended_at, outcome, error_class, latency_ms FROM attempts WHERE backend = 'minimax'").all();
    const read = new HealthTimeline(db).read(['minimax'], { now, hours: 6, buckets: 12 });
    const expected = bucketize(rows, from, bucketMs, 12);
    const withoutMedian = (b: TimelineBucket) => ({ ...b, p50_ms: b.p50_ms === null ? null : 'some' });
    expect(read.items[0]!.buckets.map(withoutMedian)).toEqual(expected.map(withoutMedian));
    // Medians come from 2.5%-wide latency bins: within 2.5% of the exact one (and a millisecond of rounding).
    read.items[0]!.buckets.forEach((bucket, i) => {
      const exact = expected[i]!.p50_ms;
      if (exact === null) return;
      expect(Math.abs(bucket.p50_ms! - exact), `bucket ${i}: ${bucket.p50_ms} vs ${exact}`).toBeLessThanOrEqual(exact * 0.025 + 1);
    });
    expect(read.items[0]!.buckets.reduce((n, b) => n + b.succeeded + b.failed + b.rate_limited + b.refused + b.interrupted, 0)).toBe(rows.filter((r) => r.ended_at >= from && r.ended_at < to).length);
  });

  it('reads a median from latency bins: exact for one value, inside the right bin otherwise', () => {
    expect(medianOfBins([])).toBeNull();
    expect(medianOfBins([{ bin: 200, n: 1, lo: 162, hi: 162 }])).toBe(162);
    // Ranks 1-3 in bin 100, 4-5 in bin 120: the median of 5 is rank 3, the top of the first bin.
    expect(medianOfBins([{ bin: 120, n: 2, lo: 400, hi: 410 }, { bin: 100, n: 3, lo: 100, hi: 102 }])).toBe(102);
    // Of 4 the median is rank 2: the second of three values spread over [100, 102].
    expect(medianOfBins([{ bin: 100, n: 3, lo: 100, hi: 102 }, { bin: 130, n: 1, lo: 900, hi: 900 }])).toBe(101);
  });

  it('classifies outcomes and cuts windows on whole buckets', () => {
    expect(timelineOutcome('succeeded', null)).toBe('succeeded');
    expect(timelineOutcome('failed', 'rate_limited')).toBe('rate_limited');
    expect(timelineOutcome('failed', 'content_blocked')).toBe('refused');
    expect(timelineOutcome('failed', 'bad_request')).toBe('refused');
    expect(timelineOutcome('failed', 'timeout')).toBe('failed');
    expect(timelineOutcome('interrupted', null)).toBe('interrupted');
    expect(timelineOutcome('canceled', 'canceled')).toBe('interrupted');
    const w = timelineWindow(10 * 3_600_000 + 123, 24, 24);
    expect(w).toEqual({ from: -13 * 3_600_000, to: 11 * 3_600_000, bucketMs: 3_600_000 });
    const buckets = bucketize(
      [
        { ended_at: 0, outcome: 'succeeded', error_class: null, latency_ms: 30 },
        { ended_at: 999, outcome: 'succeeded', error_class: null, latency_ms: 10 },
        { ended_at: 1000, outcome: 'failed', error_class: 'transient', latency_ms: 5 },
        { ended_at: 3000, outcome: 'succeeded', error_class: null, latency_ms: 1 },
        { ended_at: -1, outcome: 'succeeded', error_class: null, latency_ms: 1 },
      ],
      0,
      1000,
      3,
    );
    expect(buckets.map((b) => [b.start, b.succeeded, b.failed, b.p50_ms])).toEqual([
      [0, 2, 0, 10],
      [1000, 0, 1, null],
      [2000, 0, 0, null],
    ]);
  });
});

describe('budget.history', () => {
  it('splits each day by backend and adds up to what budget.spend reports', async () => {
    const { core } = await openPaid();
    expect(await core.startOrchestrator()).toBe(true);
    await core.client.call('jobs.submitBatch', { jobs: jobs(5) });
    await core.client.call('jobs.submit', { prompt: 'free one', backend: 'demo', params: { width: 64, height: 64 } });
    await core.pipeline.orchestrator.whenIdle();

    const history = await core.client.call('budget.history', { days: 7 });
    const spend = await core.client.call('budget.spend', { days: 7 });
    expect(history.days).toHaveLength(7);
    expect(history.days.map((d) => d.day)).toEqual(spend.by_day.map((d) => d.day));
    expect(history.total_usd).toBeCloseTo(spend.total_usd, 9);
    expect(history.total_usd).toBeCloseTo(0.5, 9);
    expect(history.backends).toEqual(['sdxl']);
    const today = history.days.at(-1)!;
    expect(today).toMatchObject({ attempts: 5, by_backend: [{ backend: 'sdxl', usd: 0.5 }] });
    expect(today.usd).toBeCloseTo(0.5, 9);
    for (const [i, day] of history.days.entries()) {
      expect(day.usd).toBeCloseTo(spend.by_day[i]!.usd, 9);
      expect(day.by_backend.reduce((n, b) => n + b.usd, 0)).toBeCloseTo(day.usd, 9);
    }
    expect(history.days.slice(0, -1).every((d) => d.usd === 0 && d.by_backend.length === 0)).toBe(true);
  });

  it('puts every call on the same local day as budget.spend does, across daylight-saving changes and half-hour time zones', async () => {
    const { core } = await openPaid();
    const db = core.pipeline.db;
    const now = Date.now();
    const jobId = Number(db.prepare("INSERT INTO jobs (prompt, params_json, priority, status, created_at, updated_at) VALUES ('x', '{}', 3, 'succeeded', ?, ?)").run(now, now).lastInsertRowid);
    const insert = db.prepare('INSERT INTO attempts (job_id, number, backend, started_at, ended_at, outcome, cost_usd) VALUES (?, ?, ?, ?, ?, ?, ?)');
    db.transaction(() => {
      for (let i = 0; i < 3_000; i++) {
        // Every 17 minutes and a bit, back over 40 days: many calls near local midnights.
        const started = now - i * 1_020_007;
        insert.run(jobId, i + 1, i % 3 === 0 ? 'nano_banana' : 'minimax', started, started + 1_000, 'succeeded', 0.001 * ((i % 7) + 1));
      }
    })();
    const saved = process.env.TZ;
    try {
      for (const zone of ['America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe', 'UTC']) {
        process.env.TZ = zone;
        const history = await core.client.call('budget.history', { days: 35 });
        const spend = await core.client.call('budget.spend', { days: 35 });
        expect(history.days.map((d) => d.day)).toEqual(spend.by_day.map((d) => d.day));
        history.days.forEach((day, i) => {
          expect(day.usd, `${zone} ${day.day}`).toBeCloseTo(spend.by_day[i]!.usd, 6);
          expect(day.attempts, `${zone} ${day.day}`).toBe(spend.by_day[i]!.attempts);
        });
        expect(history.total_usd).toBeCloseTo(spend.total_usd, 6);
        expect(history.backends).toEqual(spend.by_backend.map((b) => b.backend));
      }
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });

  it('is empty, with every day listed, before anything ran', async () => {
    const { core } = await openPaid();
    const history = await core.client.call('budget.history', {});
    expect(history.days).toHaveLength(30);
    expect(history).toMatchObject({ total_usd: 0, backends: [] });
  });
});

describe('estimate.files', () => {
  it('estimates pasted CSV text as batch.submit would queue it, and the preview and the estimate agree on the jobs', async () => {
    const { core } = await openPaid();
    const text = 'prompt,count,backend\n"a lighthouse, dusk",2,sdxl\na fox,1,sdxl\n{red|blue} boat,1,sdxl\n';
    const sources = [{ name: 'pasted.csv', text }];
    const preview = await core.client.call('batch.preview', { sources });
    expect(preview.totals).toMatchObject({ jobs: 3, images: 4, errors: 0 });
    const result = await core.client.call('estimate.files', { sources, seed: preview.expansion.seed });
    expect(result.skipped_rows).toBe(0);
    expect(result.estimate).not.toBeNull();
    expect(result.estimate!).toMatchObject({ jobs: 3, images: 4, unroutable_jobs: 0 });
    expect(result.estimate!.cost.planned_usd).toBeCloseTo(0.4, 9);
    expect(result.estimate!.per_backend.map((b) => b.backend)).toEqual(['sdxl']);
    expect(result.estimate!.makespan.expected_ms).toBeGreaterThan(0);
  });

  it('leaves bad rows out when asked, and answers null when nothing would be queued', async () => {
    const { core } = await openPaid();
    const text = 'prompt,steps,backend\ngood one,20,sdxl\nbad one,9999,sdxl\n';
    const sources = [{ name: 'rows.csv', text }];
    expect(await core.client.call('estimate.files', { sources })).toEqual({ estimate: null, skipped_rows: 0 });
    const skipped = await core.client.call('estimate.files', { sources, skip_bad_rows: true });
    expect(skipped.skipped_rows).toBe(1);
    expect(skipped.estimate).toMatchObject({ jobs: 1, images: 1 });
    expect(await core.client.call('estimate.files', { sources: [{ name: 'empty.txt', text: '# nothing here\n' }] })).toEqual({ estimate: null, skipped_rows: 0 });
  });
});
