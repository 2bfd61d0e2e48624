import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../main/core';
import { BATCH_EXTENSIONS as PARSER_EXTENSIONS } from '../../main/core/batch/parse-file';
import type { BatchIssue, BatchPreview } from '../../shared/domain/batch';
import type { BatchEstimate, BudgetCheck } from '../../shared/domain/estimate';
import type { ImportSummary } from '../../shared/domain/import';
import { UPLOAD_LIMITS } from '../../shared/methods/uploads';
import { defaultsFromForm, EMPTY_DEFAULTS_FORM, parseTags } from '../../renderer/src/features/intake/defaults-form';
import { carriesFiles, IDLE_DRAG, nextDragDepth, type DragSignal } from '../../renderer/src/features/intake/drag-depth';
import { mergeSummaries, planUploads } from '../../renderer/src/features/intake/image-import';
import { BATCH_EXTENSIONS, batchDropProblem, classifyName, dragIntent, sortDrop } from '../../renderer/src/features/intake/intake-files';
import { createIntakeStore } from '../../renderer/src/features/intake/intake.store';
import { issueLocation, overBudgetSentence, overCheck, queueVerdict } from '../../renderer/src/features/intake/preview-view';
import { EMPTY_PROMPT_FORM, promptJob } from '../../renderer/src/features/intake/prompt-job';
import { walkDroppedItems, WALK_LIMITS, type EntryLike } from '../../renderer/src/features/intake/walk-entries';
import { useTempDirs } from '../helpers/temp-library';

/** Intake (issue 8): the pure pieces of the drop and the prompt bar, and the intake store on a real core. */

interface FakeFile {
  name: string;
  size: number;
}

/** A folder tree as the browser's FileSystemEntry API presents it, `readEntries` handing out `chunk` at a time. */
function fakeTree(name: string, children: Array<EntryLike<FakeFile>>, chunk = 2, failRead = false): EntryLike<FakeFile> {
  return {
    name,
    isFile: false,
    isDirectory: true,
    createReader() {
      let offset = 0;
      return {
        readEntries(success, failure) {
          if (failRead) {
            failure?.(new Error('NotReadableError'));
            return;
          }
          const next = children.slice(offset, offset + chunk);
          offset += next.length;
          setTimeout(() => success(next), 0);
        },
      };
    },
  };
}

function fakeFile(name: string, size = 10, fail = false): EntryLike<FakeFile> {
  return {
    name,
    isFile: true,
    isDirectory: false,
    file(success, failure) {
      if (fail) failure?.(new Error('gone'));
      else success({ name, size });
    },
  };
}

describe('what a dropped file is for', () => {
  it('knows the batch parser’s extensions exactly, and images by theirs', () => {
    expect([...BATCH_EXTENSIONS].sort()).toEqual([...PARSER_EXTENSIONS].sort());
    expect(['a.CSV', 'b.jsonl', 'c.txt', 'd.ndjson'].map(classifyName)).toEqual(['batch', 'batch', 'batch', 'batch']);
    expect(['a.PNG', 'b.jpeg', 'c.jpg', 'd.webp'].map(classifyName)).toEqual(['image', 'image', 'image', 'image']);
    expect(['a.gif', 'notes', '.csv', 'movie.mp4'].map(classifyName)).toEqual(['other', 'other', 'other', 'other']);
  });

  it('sorts a drop into batch files, images and the rest; hidden files are left alone', () => {
    const found = ['shots/a.csv', 'shots/.DS_Store', 'x.png', 'readme.md', '.hidden/b.csv'].map((relativePath) => ({ file: { name: relativePath.split('/').pop()!, size: 1 }, relativePath }));
    const sorted = sortDrop(found);
    expect(sorted.batch.map((f) => f.relativePath)).toEqual(['shots/a.csv']);
    expect(sorted.images.map((f) => f.relativePath)).toEqual(['x.png']);
    expect(sorted.ignored).toEqual(['shots/.DS_Store', 'readme.md', '.hidden/b.csv']);
  });

  it('says what a drag will do from the item types it can see', () => {
    expect(dragIntent(['image/png', 'image/webp'])).toBe('images');
    expect(dragIntent(['text/csv', ''])).toBe('batch');
    expect(dragIntent(['text/plain', 'image/jpeg'])).toBe('mixed');
    expect(dragIntent([])).toBe('batch');
  });

  it('refuses batch files over the parser’s limits before reading them', () => {
    expect(batchDropProblem([{ name: 'a.csv', size: 100 }])).toBeNull();
    expect(batchDropProblem([{ name: 'big.csv', size: 11 * 1_048_576 }])).toMatch(/^big\.csv is 11\.0 MB; a batch file may be at most 10 MB/);
    expect(batchDropProblem(Array.from({ length: 101 }, (_, i) => ({ name: `${i}.txt`, size: 1 })))).toMatch(/101 batch files.*at most 100/);
    expect(batchDropProblem([{ name: 'a.csv', size: 9 * 1_048_576 }, { name: 'b.csv', size: 9 * 1_048_576 }, { name: 'c.csv', size: 9 * 1_048_576 }])).toMatch(/total 27\.0 MB.*at most 20 MB/);
  });
});

describe('walking dropped folders', () => {
  it('lists every file under dropped folders, depth first and by name, reading folders chunk by chunk', async () => {
    const tree = fakeTree('shots', [fakeFile('b.csv'), fakeTree('night', [fakeFile('z.txt'), fakeFile('a.txt'), fakeFile('m.png')]), fakeFile('a.csv'), fakeTree('.git', [fakeFile('HEAD')])]);
    const walk = await walkDroppedItems<FakeFile>([{ entry: tree }, { file: { name: 'loose.json', size: 3 } }]);
    expect(walk.files.map((f) => f.relativePath)).toEqual(['shots/a.csv', 'shots/b.csv', 'shots/night/a.txt', 'shots/night/m.png', 'shots/night/z.txt', 'loose.json']);
    expect(walk.failures).toEqual([]);
    expect(walk.truncated).toBe(false);
  });

  it('reports unreadable folders and files by path and goes on', async () => {
    const tree = fakeTree('in', [fakeFile('ok.csv'), fakeFile('gone.csv', 1, true), fakeTree('locked', [], 2, true)]);
    const walk = await walkDroppedItems<FakeFile>([{ entry: tree }]);
    expect(walk.files.map((f) => f.relativePath)).toEqual(['in/ok.csv']);
    expect(walk.failures).toEqual([
      { path: 'in/gone.csv', reason: 'file could not be read: gone' },
      { path: 'in/locked', reason: 'folder could not be read: NotReadableError' },
    ]);
  });

  it('stops at the file limit and says so', async () => {
    const many = Array.from({ length: WALK_LIMITS.files + 5 }, (_, i) => fakeFile(`${String(i).padStart(5, '0')}.txt`));
    const walk = await walkDroppedItems<FakeFile>([{ entry: fakeTree('big', many, 500) }]);
    expect(walk.files).toHaveLength(WALK_LIMITS.files);
    expect(walk.truncated).toBe(true);
  });
});

describe('drag depth', () => {
  const run = (signals: DragSignal[]) => signals.reduce(nextDragDepth, IDLE_DRAG);

  it('stays active while the pointer crosses child elements, and ends when it leaves the window', () => {
    expect(run(['enter', 'enter', 'leave']).active).toBe(true); // into a child: enter child, leave parent
    expect(run(['enter', 'enter', 'leave', 'leave'])).toEqual(IDLE_DRAG);
  });

  it('never goes below zero, and a drop or the end of the drag resets it', () => {
    expect(run(['leave', 'leave', 'enter'])).toEqual({ depth: 1, active: true });
    expect(run(['enter', 'enter', 'drop'])).toEqual(IDLE_DRAG);
    expect(run(['enter', 'end'])).toEqual(IDLE_DRAG);
  });

  it('only counts drags that carry files', () => {
    expect(carriesFiles(['Files', 'text/uri-list'])).toBe(true);
    expect(carriesFiles(['text/plain'])).toBe(false);
    expect(carriesFiles(null)).toBe(false);
  });
});

describe('batch defaults and the prompt bar’s job', () => {
  it('turns the form into batch defaults, leaving out what is not set', () => {
    expect(defaultsFromForm(EMPTY_DEFAULTS_FORM)).toBeUndefined();
    expect(defaultsFromForm({ project: ' Harbour ', tags: 'dusk; sea, dusk,', backend: 'demo', priority: '4', size: '16:9' })).toEqual({
      project: 'Harbour',
      tags: ['dusk', 'sea'],
      backend: 'demo',
      priority: 4,
      params: { aspect_ratio: '16:9' },
    });
    expect(defaultsFromForm({ ...EMPTY_DEFAULTS_FORM, size: '1216x832' })).toEqual({ params: { width: 1216, height: 832 } });
    expect(parseTags(' , ;')).toEqual([]);
  });

  it('builds the job Enter would queue, or names the field that is wrong', () => {
    expect(promptJob(EMPTY_PROMPT_FORM)).toEqual({ ok: false, field: 'prompt', reason: 'Write a prompt first.' });
    expect(promptJob({ ...EMPTY_PROMPT_FORM, prompt: 'a kite', count: '17' })).toMatchObject({ ok: false, field: 'count' });
    expect(promptJob({ ...EMPTY_PROMPT_FORM, prompt: 'a kite', seed: '1.5' })).toMatchObject({ ok: false, field: 'seed' });
    expect(promptJob({ ...EMPTY_PROMPT_FORM, prompt: 'a kite', seed: '-2' })).toMatchObject({ ok: false, field: 'seed' });
    expect(promptJob({ ...EMPTY_PROMPT_FORM, prompt: ' a kite ', seed: '-1' })).toEqual({ ok: true, job: { prompt: 'a kite', params: { count: 1 }, priority: 3 } });
    expect(promptJob({ prompt: 'a kite', negative: ' blurry ', size: '1:1', count: '4', seed: '42', backend: 'demo', priority: '5' })).toEqual({
      ok: true,
      job: { prompt: 'a kite', negative_prompt: 'blurry', params: { aspect_ratio: '1:1', count: 4, seed: 42 }, priority: 5, backend: 'demo' },
    });
  });
});

function preview(overrides: Partial<BatchPreview> & { issues?: BatchIssue[] }): BatchPreview {
  return {
    ok: true,
    expansion: { mode: 'random', seed: 1, variants: 1, max_jobs: 10_000 },
    totals: { files: 1, rows: 3, bad_rows: 0, jobs: 3, images: 3, errors: 0, warnings: 0 },
    files: [],
    prompts: [],
    issues: [],
    issues_truncated: false,
    routing: { backends: [], unroutable: { jobs: 0, images: 0, reasons: [] } },
    cost: { usd: 0, basis: 'price_per_image' },
    ...overrides,
  };
}

const rowError: BatchIssue = { severity: 'error', scope: 'row', file: 'a.csv', line: 3, column: 7, field: 'steps', reason: 'steps must be at most 150' };

describe('the preview’s verdict and words', () => {
  it('locates an issue as file:line:column · field', () => {
    expect(issueLocation(rowError)).toBe('a.csv:3:7 · steps');
    expect(issueLocation({ ...rowError, line: null, column: null, field: null })).toBe('a.csv');
  });

  it('queues a clean batch, offers to leave bad rows out, and blocks what cannot be queued', () => {
    expect(queueVerdict(preview({}), false)).toEqual({ kind: 'ready', jobs: 3 });
    const withError = preview({ ok: false, issues: [rowError], totals: { files: 1, rows: 3, bad_rows: 1, jobs: 2, images: 2, errors: 1, warnings: 0 } });
    expect(queueVerdict(withError, false)).toEqual({ kind: 'skip-offer', goodJobs: 2, badRows: 1 });
    const allBad = preview({ ok: false, issues: [rowError], totals: { files: 1, rows: 1, bad_rows: 1, jobs: 0, images: 0, errors: 1, warnings: 0 } });
    expect(queueVerdict(allBad, false)).toMatchObject({ kind: 'blocked', reason: expect.stringMatching(/every row has an error/) });
    const capped = preview({ ok: false, issues: [{ ...rowError, scope: 'batch', reason: 'the batch would make 60,000 jobs' }] });
    expect(queueVerdict(capped, true)).toEqual({ kind: 'blocked', reason: 'Nothing can be queued: the batch would make 60,000 jobs' });
  });

  it('states the cap, the spend so far, what is queued and the estimate when a batch is over budget', () => {
    const daily: BudgetCheck = { period: 'daily', cap_usd: 5, spent_usd: 4.5, queued_usd: 0.25, batch_usd: 1, after_usd: 5.75, over: true, over_worst_case: true };
    const monthly: BudgetCheck = { ...daily, period: 'monthly', cap_usd: 100, over: false, over_worst_case: false };
    const estimate = { over_budget: true, budget: [monthly, daily] } as Pick<BatchEstimate, 'over_budget' | 'budget'> as BatchEstimate;
    expect(overCheck(estimate)).toBe(daily);
    expect(overCheck({ ...estimate, over_budget: false })).toBeNull();
    expect(overBudgetSentence(daily)).toBe('The daily budget is $5.00. $4.50 is spent today, $0.25 is already queued, and this batch is estimated at $1.00, which would take it to $5.75.');
  });
});

describe('uploading dropped images in browser mode', () => {
  it('splits a drop into calls within the upload limits and refuses files too big to send', () => {
    const mb = 1_048_576;
    const files = [
      { name: 'a.png', size: 8 * mb },
      { name: 'b.png', size: 8 * mb },
      { name: 'c.png', size: 8 * mb },
      { name: 'huge.png', size: UPLOAD_LIMITS.fileBytes + 1 },
      ...Array.from({ length: 120 }, (_, i) => ({ name: `s${i}.png`, size: 1 })),
    ];
    const plan = planUploads(files);
    expect(plan.refused.map((r) => r.file.name)).toEqual(['huge.png']);
    expect(plan.refused[0]!.reason).toMatch(/at most 20 MB/);
    for (const chunk of plan.chunks) {
      expect(chunk.length).toBeLessThanOrEqual(UPLOAD_LIMITS.filesPerCall);
      expect(chunk.reduce((n, f) => n + f.size, 0)).toBeLessThanOrEqual(UPLOAD_LIMITS.callBytes);
    }
    expect(plan.chunks.flat()).toHaveLength(files.length - 1);
    expect(plan.chunks.map((c) => c.length)).toEqual([2, 100, 21]);
  });

  it('adds up the summaries of several calls', () => {
    const one: ImportSummary = { import_id: 'a', total: 2, imported: 1, already_present: 1, failed: [], failed_unlisted: 0, skipped_non_images: 0, notes: [], roots: [], copied: true, duration_ms: 5 };
    const two: ImportSummary = { ...one, import_id: 'b', imported: 0, already_present: 0, total: 1, failed: [{ path: 'x.png', reason: 'corrupt' }] };
    expect(mergeSummaries(one, two)).toMatchObject({ import_id: 'a', total: 3, imported: 1, already_present: 1, failed: [{ path: 'x.png', reason: 'corrupt' }], duration_ms: 10 });
  });
});

describe('the intake store on a real core', () => {
  const tempDir = useTempDirs();
  const opened: Core[] = [];
  afterEach(async () => {
    for (const core of opened.splice(0)) await core.close();
  });

  it('previews dropped files with their located errors, then queues the good rows with the batch settings', async () => {
    const core = await createCore({ library: join(tempDir(), 'library') });
    opened.push(core);
    const store = createIntakeStore(core.client);
    const csv = new File(['prompt,steps,backend\na lighthouse,20,demo\na fox,99999,demo\n'], 'shots.csv', { type: 'text/csv' });
    const txt = new File(['one castle\ntwo castles\n'], 'lines.txt', { type: 'text/plain' });
    const notes = new File(['hello'], 'notes.md');
    await store.getState().receive({ files: [{ file: csv, relativePath: 'in/shots.csv' }, { file: txt, relativePath: 'lines.txt' }, { file: notes, relativePath: 'notes.md' }], failures: [], truncated: false });

    const batch = store.getState().batch!;
    expect(batch.phase).toBe('ready');
    expect(batch.notes).toEqual([{ path: 'notes.md', reason: 'not a batch file or an image; left alone' }]);
    expect(batch.preview?.totals).toMatchObject({ files: 2, jobs: 3, errors: 1 });
    expect(batch.preview?.issues.find((i) => i.severity === 'error')).toMatchObject({ file: 'in/shots.csv', line: 3, field: 'steps' });
    expect(queueVerdict(batch.preview!, false).kind).toBe('skip-offer');
    expect(batch.estimate?.estimate?.jobs).toBe(3);
    expect(batch.budget?.daily.cap_usd).toBeNull();

    store.getState().setSkipBadRows(true);
    await expect.poll(() => store.getState().batch?.phase).toBe('ready');
    store.getState().setDefaults({ project: 'Harbour', backend: 'demo', priority: '4' });
    await store.getState().refresh();
    expect(queueVerdict(store.getState().batch!.preview!, true)).toEqual({ kind: 'ready', jobs: 3 });

    const result = await store.getState().submit();
    expect(result?.jobs).toBe(3);
    expect(store.getState().batch).toBeNull();
    const jobs = await core.client.call('jobs.list', { limit: 10 });
    expect(jobs.items.map((j) => [j.prompt, j.project, j.priority]).sort()).toEqual([
      ['a lighthouse', 'Harbour', 4],
      ['one castle', 'Harbour', 4],
      ['two castles', 'Harbour', 4],
    ]);
  });

  it('holds dropped images for the import dialog and names a drop with nothing to add', async () => {
    const core = await createCore({ library: join(tempDir(), 'library') });
    opened.push(core);
    const store = createIntakeStore(core.client);
    await store.getState().receive({ files: [{ file: new File(['x'], 'a.png'), relativePath: 'a.png' }], failures: [], truncated: false });
    expect(store.getState().images?.files.map((f) => f.relativePath)).toEqual(['a.png']);
    expect(store.getState().batch).toBeNull();
    await store.getState().receive({ files: [{ file: new File(['x'], 'clip.mp4'), relativePath: 'clip.mp4' }], failures: [], truncated: false });
    expect(store.getState().readError).toBe('Nothing to add: clip.mp4 (not a batch file or an image; left alone).');
  });
});
