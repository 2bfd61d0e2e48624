import { AppError } from '../../../shared/errors';

/**
 * Turns what an artist types into a safe SQLite FTS5 query. User text never reaches FTS5 as syntax:
 * every term is emitted as an FTS5 string literal ("..." with inner quotes doubled), so characters such
 * as `(`, `:`, `^`, `NEAR` or an odd number of quotes can never make MATCH throw. The only syntax we
 * build ourselves is AND / OR / NOT, prefix `*` and column filters from a fixed list.
 *
 *   fox forest         both words (any field)
 *   "misty forest"     the phrase
 *   fox*               a word starting with "fox"
 *   -blurry            not containing "blurry"
 *   cat OR dog         either (OR binds the terms on each side of it)
 *   tag:sky  project:"client a"  model:sdxl  prompt:x  negative:x  file:x   one field only
 */

/** Most terms one query may hold; more is almost certainly pasted text, and each term costs a doclist scan. */
export const MAX_SEARCH_TERMS = 32;

/** FTS5 columns of `assets_fts` (migration 0020) by the field names users type. */
const FIELDS: Record<string, string> = {
  tag: 'tags',
  tags: 'tags',
  project: 'projects',
  projects: 'projects',
  model: 'model',
  prompt: 'prompt',
  negative: 'negative_prompt',
  neg: 'negative_prompt',
  file: 'file_name',
};

/** Characters unicode61 keeps inside tokens (letters, numbers, private use); a term without any matches nothing. */
const TOKEN_CHAR = /[\p{L}\p{N}\p{Co}]/u;

export interface FtsTerm {
  /** The literal text (without quotes, prefix star or field). */
  text: string;
  prefix: boolean;
  exclude: boolean;
  /** FTS5 column, or null for every column. */
  column: string | null;
  /** Joined to the previous term with OR instead of AND. */
  orWithPrevious: boolean;
}

export interface FtsQuery {
  /** Rows must match this (null when there are only exclusions). */
  match: string | null;
  /** Rows must NOT match this (null when nothing is excluded). */
  exclude: string | null;
  /**
   * One plain word, nothing else: the only query cheap enough to ask FTS5 about many small rowid
   * ranges (a prefix expands to many terms, a phrase or AND reads several doclists per range).
   */
  singleWord: boolean;
}

/** Splits user text into terms. Never throws on content; throws INVALID_INPUT only when there are too many terms. */
export function parseSearchText(input: string): FtsTerm[] {
  const terms: FtsTerm[] = [];
  let pendingOr = false;
  let i = 0;
  // Control characters become spaces: FTS5 reads a NUL as the end of the query ("unterminated string").
  const text = input.normalize('NFC').replace(/\p{Cc}/gu, ' ');
  while (i < text.length) {
    while (i < text.length && /\s/u.test(text[i]!)) i++;
    if (i >= text.length) break;

    let exclude = false;
    if (text[i] === '-' && i + 1 < text.length && !/\s/u.test(text[i + 1]!)) {
      exclude = true;
      i++;
    }
    let column: string | null = null;
    const field = /^([A-Za-z]+):(?=\S)/.exec(text.slice(i));
    if (field && Object.hasOwn(FIELDS, field[1]!.toLowerCase())) {
      column = FIELDS[field[1]!.toLowerCase()]!;
      i += field[0].length;
    }

    let body: string;
    let quoted = false;
    if (text[i] === '"') {
      const close = text.indexOf('"', i + 1);
      body = close === -1 ? text.slice(i + 1) : text.slice(i + 1, close);
      i = close === -1 ? text.length : close + 1;
      quoted = true;
    } else {
      const start = i;
      while (i < text.length && !/\s/u.test(text[i]!)) i++;
      body = text.slice(start, i);
    }
    let prefix = false;
    if (text[i] === '*') {
      prefix = true; // "a phrase"*
      i++;
    } else if (!quoted && body.endsWith('*')) {
      prefix = true;
      body = body.replace(/\*+$/u, '');
    }

    if (!quoted && !exclude && column === null && body === 'OR') {
      pendingOr = terms.length > 0;
      continue;
    }
    if (!TOKEN_CHAR.test(body)) {
      pendingOr = false;
      continue; // punctuation only: nothing to find
    }
    const orWithPrevious = pendingOr && !exclude && terms.length > 0 && !terms.at(-1)!.exclude;
    pendingOr = false;
    terms.push({ text: body, prefix, exclude, column, orWithPrevious });
    if (terms.length > MAX_SEARCH_TERMS) {
      throw new AppError('INVALID_INPUT', `A search may hold at most ${MAX_SEARCH_TERMS} terms; shorten it or use filters.`, { field: 'filter.text' });
    }
  }
  return terms;
}

/** An FTS5 string literal: the tokenizer splits it into a phrase; nothing inside is syntax. */
function literal(term: FtsTerm): string {
  const phrase = `"${term.text.replace(/"/g, '""')}"${term.prefix ? ' *' : ''}`;
  return term.column ? `${term.column} : ${phrase}` : phrase;
}

/** Builds the MATCH expressions for the terms, or null when the text holds nothing searchable. */
export function buildFtsQuery(input: string): FtsQuery | null {
  const terms = parseSearchText(input);
  if (terms.length === 0) return null;

  // Positive terms form AND-ed groups; OR joins a term to the group before it.
  const groups: string[][] = [];
  for (const term of terms.filter((t) => !t.exclude)) {
    if (term.orWithPrevious && groups.length > 0) groups.at(-1)!.push(literal(term));
    else groups.push([literal(term)]);
  }
  const excluded = terms.filter((t) => t.exclude).map(literal);

  const match = groups.length === 0 ? null : groups.map((group) => (group.length === 1 ? group[0]! : `(${group.join(' OR ')})`)).join(' AND ');
  const exclude = excluded.length === 0 ? null : excluded.join(' OR ');
  const only = terms.length === 1 ? terms[0]! : null;
  const singleWord = only !== null && !only.exclude && !only.prefix && !/[^\p{L}\p{N}\p{Co}]/u.test(only.text);
  if (match !== null && exclude !== null) return { match: `(${match}) NOT (${exclude})`, exclude: null, singleWord };
  return { match, exclude, singleWord };
}
