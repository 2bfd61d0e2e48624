import { closeSync, openSync, writeFileSync, ftruncateSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BATCH_LIMITS } from '../../../shared/domain/batch';
import { loadSources } from '../../../main/core/batch/sources';
import { useTempDirs } from '../../helpers/temp-library';
import { prepare } from './prepare-helper';

/**
 * Tricky inputs, each written to a real file and read the way the CLI reads it (size checked before
 * reading, bytes decoded as UTF-8), then parsed, checked and expanded. Every error must name its line
 * (and column where the format has columns) and field.
 */

type Content = string | Buffer | { sparseBytes: number };
interface Case {
  name: string;
  file: string;
  content: Content;
  /** Prompts of the rows without errors. */
  prompts?: string[];
  /** [line, column, field, part of the reason] of every error, in order. */
  errors?: Array<[number | null, number | null, string | null, string]>;
  /** Part of the reason of every warning, in order. */
  warnings?: string[];
  negatives?: Array<string | undefined>;
}

const PNG_HEADER = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x01, 0x00]);

const CASES: Case[] = [
  { name: 'UTF-8 BOM', file: 'bom.txt', content: '\uFEFFa fox in snow\n', prompts: ['a fox in snow'] },
  { name: 'CRLF line ends, comments and blank lines', file: 'crlf.txt', content: 'one\r\n\r\n# skip me\r\ntwo\r\n   \r\nthree', prompts: ['one', 'two', 'three'] },
  { name: 'old Mac CR line ends', file: 'cr.txt', content: 'one\rtwo\r', prompts: ['one', 'two'] },
  {
    name: 'CSV quoted newlines, commas and quotes keep later line numbers right',
    file: 'quoted.csv',
    content: 'prompt,steps\r\n"line one\r\nline two, with a ""quote""",20\r\nnext,5\r\nbad,999\r\n',
    prompts: ['line one\nline two, with a "quote"', 'next'],
    errors: [[5, 5, 'steps', 'must be 1 to 150 (got "999")']],
  },
  { name: 'CSV semicolon delimiter with a decimal comma', file: 'semi.csv', content: 'prompt;cfg_scale\n"a cat; sitting";6,5\n', prompts: ['a cat; sitting'] },
  { name: 'CSV with a BOM and a tab delimiter', file: 'tab.tsv', content: '\uFEFFprompt\tsteps\na\t10\n', prompts: ['a'] },
  { name: 'CSV unclosed quote', file: 'open.csv', content: 'prompt\nfine\n"never closed\n', prompts: ['fine'], errors: [[3, 1, null, 'never closed']] },
  {
    name: 'CSV unquoted comma in a prompt',
    file: 'comma.csv',
    content: 'prompt,steps\na cat, sitting,20\n',
    errors: [[2, 16, null, 'this row has 3 values but the header names 2 columns']],
  },
  { name: 'CSV without a prompt column', file: 'noprompt.csv', content: 'text,steps\na,1\n', errors: [[1, 1, 'prompt', 'has no prompt column']] },
  { name: 'CSV column name with a typo', file: 'typo.csv', content: 'prompt,negativ_prompt\na,b\n', errors: [[1, 8, 'negativ_prompt', 'did you mean negative_prompt?']] },
  { name: 'CSV extra column is ignored with one warning', file: 'extra.csv', content: 'prompt,notes\na,x\nb,y\n', prompts: ['a', 'b'], warnings: ['not a batch field; ignored'] },
  { name: 'CSV header only', file: 'header.csv', content: 'prompt,steps\n', errors: [[null, null, null, 'has no prompts']] },
  { name: 'A1111 line with quotes', file: 'q.txt', content: '--prompt "a cat, oil painting" --negative_prompt "ugly hands" --steps 20\n', prompts: ['a cat, oil painting'], negatives: ['ugly hands'] },
  {
    name: 'A1111 line without quotes (prompts take every word up to the next flag)',
    file: 'nq.txt',
    content: '--prompt a cat, oil painting --negative_prompt ugly hands --steps 20 --n_iter 3\n',
    prompts: ['a cat, oil painting'],
    negatives: ['ugly hands'],
  },
  {
    name: 'A1111 escapes: kept inside double quotes, resolved outside',
    file: 'esc.txt',
    content: '--prompt "a \\(cat\\) \\"named\\" x"\n--prompt a \\(dog\\) \'and $HOME\'\n',
    prompts: ['a \\(cat\\) "named" x', 'a (dog) and $HOME'],
  },
  { name: 'A1111 unknown flag', file: 'unknown.txt', content: 'a fine prompt\n--prompt x --frobnicate 3\n', prompts: ['a fine prompt'], errors: [[2, 12, 'frobnicate', 'unknown flag --frobnicate']] },
  { name: 'A1111 flag we ignore', file: 'ignored.txt', content: '--prompt x --tiling true\n', prompts: ['x'], warnings: ["A1111's --tiling has no equivalent here"] },
  { name: 'A1111 unclosed quote', file: 'open.txt', content: '--prompt "x\n', errors: [[1, 10, null, 'no closing quotation']] },
  { name: 'A1111 flag without a value', file: 'novalue.txt', content: '--prompt x --steps\n', errors: [[1, 12, 'steps', '--steps needs a value']] },
  { name: 'A1111 too many images', file: 'many.txt', content: '--prompt x --n_iter 5 --batch_size 4\n', errors: [[1, 21, 'n_iter', 'n_iter × batch_size is 20 images']] },
  { name: 'a prompt containing -- stays a prompt', file: 'dash.txt', content: 'a cat -- by an old master\n', prompts: ['a cat -- by an old master'] },
  { name: 'empty file', file: 'empty.txt', content: '', errors: [[null, null, null, 'has no prompts']] },
  { name: 'comments only', file: 'comments.txt', content: '# nothing\n\n#  here\n', errors: [[null, null, null, 'has no prompts']] },
  { name: 'binary file (a PNG named .txt)', file: 'image.txt', content: PNG_HEADER, errors: [[null, null, null, 'looks like a binary file']] },
  { name: 'UTF-16 text', file: 'utf16.csv', content: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('prompt\na\n', 'utf16le')]), errors: [[null, null, null, 'is UTF-16 text; save it as UTF-8']] },
  { name: 'Latin-1 text', file: 'latin1.txt', content: Buffer.from('caf\xe9 au lait\n', 'latin1'), errors: [[null, null, null, 'is not UTF-8 text']] },
  { name: 'a 50 MB file is refused by its size, unread', file: 'huge.txt', content: { sparseBytes: 50 * 1024 * 1024 }, errors: [[null, null, null, 'is 50.0 MB; a batch file may be at most 10.0 MB']] },
  { name: 'JSON syntax error', file: 'bad.json', content: '[\n  {"prompt": "a"},\n  {"prompt": b}\n]\n', errors: [[3, 14, null, 'is not valid JSON']] },
  { name: 'JSON trailing comma', file: 'comma.json', content: '[{"prompt": "a"},]', errors: [[1, 18, null, 'no trailing comma']] },
  { name: 'JSON row of the wrong type', file: 'type.json', content: '[\n  "a",\n  42\n]', prompts: ['a'], errors: [[3, 3, null, 'each job is an object']] },
  { name: 'JSON field of the wrong type', file: 'field.json', content: '[{"prompt": "a", "steps": "many"}]', errors: [[1, 27, 'steps', 'must be a number (got "many")']] },
  { name: 'JSON key with a typo', file: 'typo.json', content: '[{"prompt": "a", "seeed": 1}]', errors: [[1, 27, 'seeed', 'did you mean seed?']] },
  { name: 'JSON Lines with a bad line', file: 'bad.jsonl', content: '{"prompt": "a"}\n{oops}\n{"prompt": "c"}\n', prompts: ['a', 'c'], errors: [[2, 2, null, 'is not valid JSON']] },
  { name: '.json holding JSON Lines', file: 'lines.json', content: '{"prompt": "a"}\n{"prompt": "b"}\n', prompts: ['a', 'b'], warnings: ['read as JSON Lines'] },
  { name: '.txt holding JSON', file: 'data.txt', content: '[{"prompt": "a"}]\n', prompts: ['a'], warnings: ['is named .txt but holds JSON'] },
  { name: '.txt holding a CSV table', file: 'table.txt', content: 'prompt,steps\na,20\n', prompts: ['a'], warnings: ['is named .txt but holds a CSV table'] },
  { name: 'no known extension', file: 'prompts.md', content: 'a\nb\n', prompts: ['a', 'b'], warnings: ['the extension .md is not a batch format; read as TXT'] },
  { name: 'a prompt too long', file: 'long.txt', content: `ok\n${'x'.repeat(8_001)}\n`, prompts: ['ok'], errors: [[2, 1, 'prompt', 'must be at most 8000 characters']] },
  { name: 'A1111 flag named like an Object property', file: 'proto.txt', content: '--prompt x --constructor 1\n--prompt y --__proto__ 2\n', errors: [[1, 12, 'constructor', 'unknown flag'], [2, 12, '__proto__', 'unknown flag']] },
  {
    name: 'columns and keys named like Object properties are plain unknown fields',
    file: 'proto.csv',
    content: 'prompt,constructor,__proto__,toString\na,1,2,3\n',
    prompts: ['a'],
    warnings: ['not a batch field', 'not a batch field', 'not a batch field'],
  },
  { name: 'a row without a prompt', file: 'blank.csv', content: 'prompt,steps\n,20\n', errors: [[2, 1, 'prompt', 'a prompt is required']] },
];

function write(dir: string, file: string, content: Content): string {
  const path = join(dir, file);
  if (typeof content === 'object' && 'sparseBytes' in content) {
    const fd = openSync(path, 'w');
    ftruncateSync(fd, content.sparseBytes); // sparse: 50 MB on paper, nothing on disk
    closeSync(fd);
  } else writeFileSync(path, content);
  return path;
}

describe('tricky batch inputs', () => {
  const tempDir = useTempDirs();

  it.each(CASES)('$name', (c) => {
    const path = write(tempDir(), c.file, c.content);
    const prepared = prepare(loadSources([{ path }], { allowPaths: true }));
    const issues = prepared.issues.items;
    const errors = issues.filter((i) => i.severity === 'error');
    expect(errors.map((e) => [e.line, e.column, e.field])).toEqual((c.errors ?? []).map(([line, column, field]) => [line, column, field]));
    errors.forEach((error, index) => expect(error.reason).toContain(c.errors![index]![3]));
    const warnings = issues.filter((i) => i.severity === 'warning').map((w) => w.reason);
    expect(warnings).toHaveLength(c.warnings?.length ?? 0);
    warnings.forEach((warning, index) => expect(warning).toContain(c.warnings![index]));
    const jobs = prepared.files.flatMap((f) => f.jobs);
    expect(jobs.map((j) => j.input.prompt)).toEqual(c.prompts ?? []);
    if (c.negatives) expect(jobs.map((j) => j.input.negative_prompt)).toEqual(c.negatives);
    for (const issue of issues) expect(issue.file).toBe(path);
  });

  it('a file at the size limit is read; one byte more is refused', () => {
    const dir = tempDir();
    const line = 'a watercolour fox in a birch forest\n';
    const body = line.repeat(Math.floor(BATCH_LIMITS.fileBytes / line.length));
    const atLimit = write(dir, 'limit.txt', body + 'x'.repeat(BATCH_LIMITS.fileBytes - body.length));
    const over = write(dir, 'over.txt', body + 'x'.repeat(BATCH_LIMITS.fileBytes - body.length + 1));
    const [ok, refused] = loadSources([{ path: atLimit }, { path: over }], { allowPaths: true });
    expect(ok!.failure).toBeNull();
    expect(refused!.failure).toMatch(/at most 10\.0 MB/);
  });
});
