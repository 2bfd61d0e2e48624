import { describe, expect, it } from 'vitest';
import { fixture, normalizedJobs, prepare } from './prepare-helper';

/**
 * The same three jobs written in every format artists bring: A1111 "prompts from file" lines, CSV with a
 * comma, semicolon (European decimal comma, CRLF) or tab delimiter, a JSON array, JSON with file
 * defaults and camelCase keys, and JSON Lines with a BOM and CRLF. All must become the same jobs.
 */
const FILES = ['same/jobs.txt', 'same/jobs.csv', 'same/jobs-semicolon.csv', 'same/jobs.tsv', 'same/jobs.json', 'same/jobs-defaults.json', 'same/jobs.jsonl'];

const EXPECTED = [
  {
    prompt: 'castle at dusk, oil painting',
    negative_prompt: 'blurry, lowres',
    params: { width: 768, height: 512, aspect_ratio: null, steps: 30, cfg_scale: 7.5, sampler: 'DPM++ 2M', seed: 42, count: 4, quality_level: null, model: 'sd_xl_base_1.0' },
    priority: 3,
    // A model id that is no provider's naming is an SDXL checkpoint: the job goes to sdxl.
    pinned_backend: 'sdxl',
    constraints: {},
    project: 'Demo set',
    tags: [],
  },
  {
    prompt: 'a quoted lighthouse, storm',
    negative_prompt: null,
    params: { width: 1024, height: 1024, aspect_ratio: null, steps: 20, cfg_scale: null, sampler: null, seed: 7, count: 1, quality_level: null, model: null },
    priority: 3,
    pinned_backend: null,
    constraints: {},
    project: 'Demo set',
    tags: ['sea', 'night'],
  },
  {
    prompt: 'a fox in snow',
    negative_prompt: null,
    params: { width: 1024, height: 1024, aspect_ratio: null, steps: null, cfg_scale: null, sampler: null, seed: 0, count: 1, quality_level: null, model: null },
    priority: 3,
    pinned_backend: null,
    constraints: {},
    project: 'Demo set',
    tags: [],
  },
];

describe('every batch format gives the same jobs for the same content', () => {
  it.each(FILES)('%s', (file) => {
    const prepared = prepare([fixture(file)]);
    expect(prepared.issues.items.filter((i) => i.severity === 'error')).toEqual([]);
    expect(normalizedJobs(prepared)).toEqual(EXPECTED);
  });

  it('names the format it read', () => {
    const formats = FILES.map((file) => prepare([fixture(file)]).files[0]!.format);
    expect(formats).toEqual(['a1111', 'csv', 'csv', 'csv', 'json', 'json', 'jsonl']);
  });

  it('warns once per file that the model pins its jobs to sdxl', () => {
    const prepared = prepare([fixture('same/jobs.csv')]);
    expect(prepared.issues.items.filter((i) => i.severity === 'warning').map((i) => [i.line, i.field, i.reason])).toEqual([
      [2, 'model', expect.stringContaining('taken for an SDXL checkpoint: these jobs go to sdxl only')],
    ]);
  });
});
