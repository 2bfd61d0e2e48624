import { describe, expect, it } from 'vitest';
import { detectDelimiter, readCsv } from '../../../main/core/batch/csv';
import { JsonArray, JsonObject, JsonSyntaxError, lineStartsOf, positionOf, readJson, type JsonValue } from '../../../main/core/batch/json-reader';
import { ShlexError, shlexSplit } from '../../../main/core/batch/shlex';

describe('shlex (as Python shlex.split does it, which A1111 uses)', () => {
  it.each([
    ['--prompt "a cat" --steps 20', ['--prompt', 'a cat', '--steps', '20']],
    ["--prompt 'it\"s' x", ['--prompt', 'it"s', 'x']],
    ['a"b c"d', ['ab cd']],
    ['"" x', ['', 'x']],
    ['"a \\"q\\" \\\\ \\(k\\)"', ['a "q" \\ \\(k\\)']],
    ['a\\ b \\(c\\)', ['a b', '(c)']],
    ["'\\(literal\\)'", ['\\(literal\\)']],
    ['  spaced \t out  ', ['spaced', 'out']],
  ])('%s', (line, words) => {
    expect(shlexSplit(line).map((w) => w.value)).toEqual(words);
  });

  it('keeps where each word starts and refuses an unclosed quote where it opens', () => {
    expect(shlexSplit('--a  "b c"').map((w) => w.offset)).toEqual([0, 5]);
    expect(() => shlexSplit('x "open')).toThrow(ShlexError);
    try {
      shlexSplit("x 'open");
    } catch (error) {
      expect((error as ShlexError).offset).toBe(2);
    }
  });
});

describe('CSV reader (RFC 4180)', () => {
  it('reads quoted delimiters, doubled quotes and line breaks, with positions', () => {
    const { records, problems } = readCsv('a,b\r\n"x, ""y""","multi\r\nline"\r\nlast,\r\n', ',', 100);
    expect(problems).toEqual([]);
    expect(records.map((r) => r.cells.map((c) => [c.value, c.line, c.column]))).toEqual([
      [['a', 1, 1], ['b', 1, 3]],
      [['x, "y"', 2, 1], ['multi\nline', 2, 12]],
      [['last', 4, 1], ['', 4, 6]],
    ]);
  });

  it('skips blank records, including rows of empty cells a spreadsheet leaves', () => {
    expect(readCsv('a\n\n,,\n  \nb\n', ',', 100).records.map((r) => r.line)).toEqual([1, 5]);
  });

  it('stops at the record limit', () => {
    expect(readCsv('a\nb\nc\n', ',', 2)).toMatchObject({ truncated: true, records: [{ line: 1 }, { line: 2 }] });
  });

  it.each([
    ['prompt,steps', ','],
    ['prompt;steps;"a,b"', ';'],
    ['prompt\tsteps', '\t'],
    ['prompt', ','],
  ])('detects the delimiter of %j', (header, delimiter) => {
    expect(detectDelimiter(`${header}\nx`)).toBe(delimiter);
  });
});

describe('JSON reader with positions', () => {
  const plain = (value: JsonValue): unknown =>
    value instanceof JsonArray ? value.items.map((i) => plain(i.value)) : value instanceof JsonObject ? Object.fromEntries([...value.entries].map(([k, e]) => [k, plain(e.value)])) : value;

  it.each(['{"a": [1, -2.5e3, true, false, null, "x\\n\\u00e9\\ud83d\\ude00"], "b": {}}', '[]', '"just a string"', '0', '[[[]]]'])('reads %s like JSON.parse', (text) => {
    expect(plain(readJson(text))).toEqual(JSON.parse(text));
  });

  it('keeps a __proto__ key as data', () => {
    const value = readJson('{"__proto__": {"polluted": true}}') as JsonObject;
    expect(value.entries.has('__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each([
    ['[1,]', 3, 'no trailing comma'],
    ['{"a" 1}', 5, 'expected :'],
    ['[01]', 2, 'expected , or ]'],
    ["{'a': 1}", 1, 'expected a "key"'],
    ['"tab\there"', 4, 'control character'],
    ['[1] 2', 4, 'after the end of the JSON value'],
  ])('refuses %s at its position', (text, offset, message) => {
    try {
      readJson(text);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(JsonSyntaxError);
      expect((error as JsonSyntaxError).offset).toBe(offset);
      expect((error as JsonSyntaxError).message).toContain(message);
    }
  });

  it('turns offsets into lines and columns across CRLF, LF and CR', () => {
    const starts = lineStartsOf('ab\r\ncd\nef\rgh');
    expect([0, 4, 5, 7, 10, 11].map((o) => positionOf(starts, o))).toEqual([
      { line: 1, column: 1 },
      { line: 2, column: 1 },
      { line: 2, column: 2 },
      { line: 3, column: 1 },
      { line: 4, column: 1 },
      { line: 4, column: 2 },
    ]);
  });
});
