import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { MAX_SEARCH_TERMS, buildFtsQuery, parseSearchText } from '../../../../main/core/library/fts-query';
import { AppError } from '../../../../shared/errors';

/** The same FTS5 table as migration 0020, in memory, to prove every built query is valid FTS5. */
function ftsTable() {
  const db = new Database(':memory:');
  db.exec(`CREATE VIRTUAL TABLE assets_fts USING fts5 (prompt, negative_prompt, tags, projects, model, file_name,
             content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3')`);
  const insert = db.prepare('INSERT INTO assets_fts (rowid, prompt, negative_prompt, tags, projects, model, file_name) VALUES (?, ?, ?, ?, ?, ?, ?)');
  insert.run(1, 'a red fox in a misty forest, golden hour', 'blurry', 'fox ; Forest', 'Nature', 'sd_xl_base_1.0', 'abc.png');
  insert.run(2, 'the misty harbour at dawn', 'watermark, text', 'sea', 'Client "A"', 'gemini-3.1-flash-image', 'IMG_0042.jpg');
  insert.run(3, 'Crème brûlée on a café table (masterpiece:1.2)', '', 'food', '', 'imagen-4', 'dessert.webp');
  const match = (query: string) => db.prepare<[string], { rowid: number }>('SELECT rowid FROM assets_fts WHERE assets_fts MATCH ? ORDER BY rowid').all(query).map((r) => r.rowid);
  return { match, close: () => db.close() };
}

function run(text: string): number[] {
  const fts = ftsTable();
  try {
    const query = buildFtsQuery(text);
    if (!query) return [];
    const hits = query.match ? new Set(fts.match(query.match)) : new Set([1, 2, 3]);
    if (query.exclude) for (const id of fts.match(query.exclude)) hits.delete(id);
    return [...hits].sort((a, b) => a - b);
  } finally {
    fts.close();
  }
}

describe('search text → FTS5 query', () => {
  it('finds words anywhere, all words required', () => {
    expect(run('misty')).toEqual([1, 2]);
    expect(run('misty fox')).toEqual([1]);
    expect(run('MISTY Harbour')).toEqual([2]);
  });

  it('supports prefixes, phrases, exclusions, OR and one-field terms', () => {
    expect(run('harb*')).toEqual([2]);
    expect(run('"misty forest"')).toEqual([1]);
    expect(run('"forest misty"')).toEqual([]);
    expect(run('"golden ho"*')).toEqual([1]);
    expect(run('misty -fox')).toEqual([2]);
    expect(run('-misty')).toEqual([3]);
    expect(run('fox OR harbour')).toEqual([1, 2]);
    expect(run('tag:sea')).toEqual([2]);
    expect(run('tag:misty')).toEqual([]);
    expect(run('project:nature')).toEqual([1]);
    expect(run('negative:blurry')).toEqual([1]);
    expect(run('model:gemini')).toEqual([2]);
    expect(run('file:img_0042')).toEqual([2]);
    expect(run('file:IMG*')).toEqual([2]);
  });

  it('folds case and diacritics and splits on punctuation like the index does', () => {
    expect(run('creme brulee')).toEqual([3]);
    expect(run('CAFÉ')).toEqual([3]);
    expect(run('masterpiece:1.2')).toEqual([3]);
    expect(run('sd_xl_base')).toEqual([1]);
  });

  it('never lets user text become FTS5 syntax: hostile input is searched literally or ignored', () => {
    const hostile = [
      '"', '""', '"""', 'foo"bar', '(', ')', '((fox', 'fox)', 'NEAR(fox misty)', 'fox AND', 'AND', 'OR', 'NOT', 'NOT fox', 'fox NOT',
      '*', '**', 'fox**', '^fox', 'prompt:', 'prompt:"', '{prompt}:fox', 'rowid:1', 'assets_fts:fox', '-', '--', '- -', '-"', 'tag:"unterminated',
      ':', 'a:b:c', '\\', "'", "'; DROP TABLE assets; --", '\u0000fox', 'fox\u0000', '🦊', '🦊*', '\u202e', 'x'.repeat(900), '+fox', 'fox^2', 'fox:*',
    ];
    for (const text of hostile) expect(() => run(text), text).not.toThrow();
    expect(run('NEAR(fox misty)')).toEqual([]); // the literal words "near fox", not the NEAR operator
    expect(run('(fox) misty')).toEqual([1]);
    expect(run('fox\u0000')).toEqual([1]);
    expect(run('foo"bar')).toEqual([]);
    expect(run('"""')).toEqual([]);
  });

  it('marks terms and joins them with explicit operators', () => {
    expect(parseSearchText('-tag:"blue sky" pre* OR "a b"*')).toEqual([
      { text: 'blue sky', prefix: false, exclude: true, column: 'tags', orWithPrevious: false },
      { text: 'pre', prefix: true, exclude: false, column: null, orWithPrevious: false },
      { text: 'a b', prefix: true, exclude: false, column: null, orWithPrevious: true },
    ]);
    expect(buildFtsQuery('fox misty -blurry')).toEqual({ match: '("fox" AND "misty") NOT ("blurry")', exclude: null, singleWord: false });
    expect(buildFtsQuery('-blurry -text')).toEqual({ match: null, exclude: '"blurry" OR "text"', singleWord: false });
    expect(buildFtsQuery('fox*')?.singleWord).toBe(false);
    expect(buildFtsQuery('"misty forest"')?.singleWord).toBe(false);
    expect(buildFtsQuery('tag:Fox')).toEqual({ match: 'tags : "Fox"', exclude: null, singleWord: true });
    expect(buildFtsQuery('   ')).toBeNull();
    expect(buildFtsQuery('*** ((( ')).toBeNull();
  });

  it('refuses more than the term limit with a clear error naming the field', () => {
    expect(() => buildFtsQuery(Array.from({ length: MAX_SEARCH_TERMS }, (_, i) => `w${i}`).join(' '))).not.toThrow();
    let error: unknown;
    try {
      buildFtsQuery(Array.from({ length: MAX_SEARCH_TERMS + 1 }, (_, i) => `w${i}`).join(' '));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('INVALID_INPUT');
    expect((error as AppError).details.field).toBe('filter.text');
  });
});
