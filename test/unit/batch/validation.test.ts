import { describe, expect, it } from 'vitest';
import { toBatchInputs } from '../../../main/core/batch/batch-plan';
import { AppError } from '../../../shared/errors';
import { errorsOf, normalizedJobs, prepare, prompts, textSource } from './prepare-helper';

describe('checking rows', () => {
  const BAD = [
    'prompt,steps,width,height,backend,priority,seed,aspect_ratio,count',
    'fine,20,,,,,,,',
    ',20,,,,,,,', // 3: no prompt
    'steps too high,500,,,,,,,', // 4
    'bad width,,12,,,,,,', // 5
    'unknown backend,,,,midjourney,,,,', // 6
    'priority zero,,,,,0,,,', // 7
    'seed text,,,,,,lucky,,', // 8
    'ratio,,,,,,,wide,', // 9
    'also fine,,,,,,,,2', // 10
    'many errors at once,0,99999,,,9,,,', // 11
  ].join('\n');

  it('reports every error with its file, line, column and field, and nothing from the file would be queued', () => {
    const prepared = prepare([textSource('bad.csv', BAD)]);
    expect(errorsOf(prepared)).toEqual([
      'bad.csv:3:1 prompt',
      'bad.csv:4:16 steps',
      'bad.csv:5:12 width',
      'bad.csv:6:20 backend',
      'bad.csv:7:19 priority',
      'bad.csv:8:16 seed',
      'bad.csv:9:13 aspect_ratio',
      'bad.csv:11:21 steps',
      'bad.csv:11:23 width',
      'bad.csv:11:31 priority',
    ]);
    expect(prepared.files[0]!.issues.badRows).toBe(8);
    expect(() => toBatchInputs(prepared, false)).toThrow(AppError);
    try {
      toBatchInputs(prepared, false);
    } catch (error) {
      const appError = error as AppError;
      expect(appError.code).toBe('INVALID_INPUT');
      expect(appError.message).toContain('10 errors in the batch files; nothing was queued');
      expect(appError.message).toContain('bad.csv:4:16: steps: must be 1 to 150 (got "500")');
      expect(appError.details).toMatchObject({ file: 'bad.csv', line: 3, field: 'prompt', errors: 10 });
    }
  });

  it('queues the good rows when asked to skip bad ones', () => {
    const prepared = prepare([textSource('bad.csv', BAD)], { skipBadRows: true });
    const [only] = toBatchInputs(prepared, true);
    expect(only!.batch.jobs.map((j) => j.prompt)).toEqual(['fine', 'also fine']);
    expect(only!.batch.expansion).toMatchObject({ skipped_rows: 8, format: 'csv', rows: 10 });
  });

  it('a bad file stops the good ones too, unless bad rows are skipped', () => {
    const files = [textSource('good.txt', 'a\nb\n'), textSource('broken.json', '[{"prompt": ]')];
    expect(() => toBatchInputs(prepare(files), false)).toThrow(/1 error in the batch files/);
    expect(toBatchInputs(prepare(files, { skipBadRows: true }), true).map((b) => b.batch.name)).toEqual(['good.txt']);
  });
});

describe('checking against the backends', () => {
  it('checks a pinned backend\'s sizes, aspect ratios and images per request', () => {
    const prepared = prepare([
      textSource(
        'caps.csv',
        ['prompt,backend,width,height,aspect_ratio,count', 'too big,demo,4096,4096,,', 'odd ratio,imagen,,,21:9,', 'too many,imagen,,,,8', 'fine,imagen,,,16:9,4'].join('\n'),
      ),
    ]);
    const errors = prepared.issues.items.filter((i) => i.severity === 'error');
    expect(errors.map((e) => [e.line, e.field, e.reason])).toEqual([
      [2, 'width', expect.stringContaining('demo does not make 4096×4096 images')],
      [3, 'aspect_ratio', expect.stringContaining('imagen does not offer 21:9')],
      [4, 'count', expect.stringContaining('imagen makes at most 4 images per job')],
    ]);
  });

  it('refuses a size no enabled backend makes, naming each backend\'s reason', () => {
    const prepared = prepare([textSource('huge.csv', 'prompt,width,height\nposter,8192,8192\n')]);
    expect(prepared.issues.items[0]).toMatchObject({ line: 2, column: 8, field: 'width', reason: expect.stringMatching(/^no enabled backend can make it: nano_banana does not make 8192×8192/) });
  });

  it('sends a model to its backend, and refuses a model on the wrong backend', () => {
    const prepared = prepare([textSource('models.csv', 'prompt,model,backend\none,imagen-4.0-generate-001,\ntwo,imagen-4.0-generate-001,nano_banana\n')]);
    expect(normalizedJobs(prepared).map((j) => j.pinned_backend)).toEqual(['imagen']);
    expect(prepared.issues.items.map((i) => [i.severity, i.line, i.field, i.reason])).toEqual([
      ['warning', 2, 'model', expect.stringContaining('these jobs go to imagen only')],
      ['error', 3, 'model', 'imagen-4.0-generate-001 is an Imagen model, but this row\'s backend is nano_banana'],
    ]);
  });

  it('warns when a pinned backend ignores negative prompts or is disabled', () => {
    const prepared = prepare([textSource('neg.jsonl', '{"prompt": "a", "negative_prompt": "b", "backend": "minimax"}\n{"prompt": "c", "negative_prompt": "d", "backend": "minimax"}\n')]);
    expect(prepared.issues.items.map((i) => i.reason)).toEqual(['minimax has no negative prompt; it is ignored there']);
  });
});

describe('defaults and overrides', () => {
  it('rows win over call defaults, which win over file defaults; tags add up', () => {
    const file = JSON.stringify({
      defaults: { project: 'From file', steps: 10, tags: 'file', priority: 2 },
      jobs: [{ prompt: 'plain' }, { prompt: 'own', project: 'Row', steps: 40, tags: 'row', priority: 5 }],
    });
    const prepared = prepare([textSource('d.json', file)], { defaults: { project: 'From call', params: { width: 512, height: 512 }, tags: ['call'] } });
    expect(normalizedJobs(prepared).map((j) => [j.project, j.params.steps, j.params.width, j.priority, j.tags])).toEqual([
      ['From call', 10, 512, 2, ['file', 'call']],
      ['Row', 40, 512, 5, ['file', 'call', 'row']],
    ]);
  });

  it('expands a dynamic default negative prompt per job', () => {
    const prepared = prepare([textSource('p.txt', 'one\ntwo\nthree\nfour\n')], { defaults: { negative_prompt: '{blurry|lowres|jpeg artifacts}', backend: 'demo' }, seed: 11 });
    const negatives = prepared.files[0]!.jobs.map((j) => j.input.negative_prompt);
    expect(negatives.every((n) => ['blurry', 'lowres', 'jpeg artifacts'].includes(n ?? ''))).toBe(true);
  });
});

describe('the job cap', () => {
  it('refuses a template that would explode, naming it, without expanding anything', () => {
    const started = performance.now();
    const prepared = prepare([textSource('boom.txt', `small\n${'{a|b|c|d|e|f|g|h|i|j} '.repeat(12)}\n`)], { mode: 'combinatorial', maxJobs: 1_000 });
    expect(performance.now() - started).toBeLessThan(5_000); // counted, never enumerated (10^12 prompts)
    expect(prepared.blocked).toMatch(/would make 1,000,000,000,001 jobs, more than the cap of 1,000\. The largest is boom\.txt line 2, which makes 1,000,000,000,000 prompts/);
    expect(prepared.issues.items[0]).toMatchObject({ scope: 'batch', file: 'boom.txt', line: 2, field: 'prompt' });
    expect(prompts(prepared)).toEqual([]);
    expect(() => toBatchInputs(prepared, true)).toThrow(/more than the cap/);
  });

  it('counts random-mode variants against the cap', () => {
    expect(prepare([textSource('v.txt', 'a {b|c}\nd {e|f}\n')], { variants: 600, maxJobs: 1_000 }).blocked).toMatch(/1,200 jobs/);
  });
});

describe('what is stored with a batch', () => {
  it('keeps the templates as written and the expansion settings', () => {
    const prepared = prepare([textSource('t.txt', 'plain\na {red|blue} car\n--prompt x {1|2} --negative_prompt {y|z}\n')], { mode: 'combinatorial', seed: 99 });
    const [planned] = toBatchInputs(prepared, false);
    const batch = planned!.batch;
    expect(batch.template).toBe('line 2: a {red|blue} car\nline 3: x {1|2}\n  negative: {y|z}');
    expect(batch.expansion).toMatchObject({ mode: 'combinatorial', seed: 99, template_rows: 2, templates_stored: 2 });
    expect(batch.jobs).toHaveLength(1 + 2 + 4);
  });
});
