/**
 * A strict JSON (RFC 8259) reader that keeps the offset of every object, array element and key, so a bad
 * field in a 10,000-row `.json` batch is reported with its line and column. `JSON.parse` keeps no positions.
 * Objects are Maps: a key such as `__proto__` is just a key.
 */

export type JsonValue = string | number | boolean | null | JsonArray | JsonObject;

export class JsonObject {
  constructor(
    readonly offset: number,
    readonly entries: Map<string, { value: JsonValue; keyOffset: number; valueOffset: number }>,
  ) {}
}

export class JsonArray {
  constructor(
    readonly offset: number,
    readonly items: Array<{ value: JsonValue; offset: number }>,
  ) {}
}

export class JsonSyntaxError extends Error {
  override name = 'JsonSyntaxError';
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/** Deeper nesting than this is refused (no batch row needs it; it guards the recursion). */
export const MAX_JSON_DEPTH = 64;

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

export function readJson(text: string, start = 0, end = text.length): JsonValue {
  let i = start;

  const fail = (message: string, at = i): never => {
    throw new JsonSyntaxError(message, at);
  };
  const skipSpace = () => {
    while (i < end) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
      else break;
    }
  };
  const describe = (at: number) => (at >= end ? 'the end of the text' : JSON.stringify(text[at]));

  const readString = (): string => {
    const open = i;
    i++; // opening quote
    let out = '';
    let chunkStart = i;
    for (;;) {
      if (i >= end) fail('a string is never closed (a missing ")', open);
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        out += text.slice(chunkStart, i);
        i++;
        return out;
      }
      if (c < 0x20) fail('a line break or control character inside a string (write it as \\n)');
      if (c === 0x5c) {
        out += text.slice(chunkStart, i);
        const e = text[i + 1];
        switch (e) {
          case '"':
          case '\\':
          case '/':
            out += e;
            break;
          case 'b':
            out += '\b';
            break;
          case 'f':
            out += '\f';
            break;
          case 'n':
            out += '\n';
            break;
          case 'r':
            out += '\r';
            break;
          case 't':
            out += '\t';
            break;
          case 'u': {
            const hex = text.slice(i + 2, i + 6);
            if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('\\u must be followed by four hex digits');
            out += String.fromCharCode(parseInt(hex, 16));
            i += 4;
            break;
          }
          default:
            fail(`unknown escape \\${e ?? ''} (a backslash in a string is written \\\\)`);
        }
        i += 2;
        chunkStart = i;
        continue;
      }
      i++;
    }
  };

  const readValue = (depth: number): JsonValue => {
    if (depth > MAX_JSON_DEPTH) fail(`nested deeper than ${MAX_JSON_DEPTH} levels`);
    skipSpace();
    if (i >= end) fail('expected a value, found the end of the text');
    const c = text[i]!;
    if (c === '{') {
      const object = new JsonObject(i, new Map());
      i++;
      skipSpace();
      if (text[i] === '}') {
        i++;
        return object;
      }
      for (;;) {
        skipSpace();
        if (text[i] !== '"') fail(`expected a "key" in double quotes, found ${describe(i)}`);
        const keyOffset = i;
        const key = readString();
        skipSpace();
        if (text[i] !== ':') fail(`expected : after the key, found ${describe(i)}`);
        i++;
        skipSpace();
        const valueOffset = i;
        const value = readValue(depth + 1);
        object.entries.set(key, { value, keyOffset, valueOffset });
        skipSpace();
        if (text[i] === ',') {
          i++;
          skipSpace();
          if (text[i] === '}') fail('a comma before } (JSON allows no trailing comma)');
          continue;
        }
        if (text[i] === '}') {
          i++;
          return object;
        }
        fail(`expected , or } after a value, found ${describe(i)}`);
      }
    }
    if (c === '[') {
      const array = new JsonArray(i, []);
      i++;
      skipSpace();
      if (text[i] === ']') {
        i++;
        return array;
      }
      for (;;) {
        skipSpace();
        const offset = i;
        array.items.push({ value: readValue(depth + 1), offset });
        skipSpace();
        if (text[i] === ',') {
          i++;
          skipSpace();
          if (text[i] === ']') fail('a comma before ] (JSON allows no trailing comma)');
          continue;
        }
        if (text[i] === ']') {
          i++;
          return array;
        }
        fail(`expected , or ] after a value, found ${describe(i)}`);
      }
    }
    if (c === '"') return readString();
    if (text.startsWith('true', i)) {
      i += 4;
      return true;
    }
    if (text.startsWith('false', i)) {
      i += 5;
      return false;
    }
    if (text.startsWith('null', i)) {
      i += 4;
      return null;
    }
    NUMBER.lastIndex = i;
    const match = NUMBER.exec(text);
    if (match && match[0] !== '' && match.index === i && i + match[0].length <= end) {
      i += match[0].length;
      return Number(match[0]);
    }
    return fail(`unexpected ${describe(i)} (strings need "double quotes")`);
  };

  const value = readValue(0);
  skipSpace();
  if (i < end) fail(`unexpected ${describe(i)} after the end of the JSON value`);
  return value;
}

/** 1-based line and column of an offset; `lineStarts` from `lineStartsOf`. */
export function positionOf(lineStarts: readonly number[], offset: number): { line: number; column: number } {
  let lo = 0;
  let hi = lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lineStarts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - lineStarts[lo]! + 1 };
}

/** Offsets where each line starts (CRLF, LF or CR ends a line). */
export function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a) starts.push(i + 1);
    else if (c === 0x0d && text.charCodeAt(i + 1) !== 0x0a) starts.push(i + 1);
  }
  return starts;
}
