import { createCore } from '../../main/core';
import { silentLogger } from '../../main/core/log';

/**
 * Child process of library-search.ts: opens the library at argv[2] cold (a fresh process, a fresh
 * SQLite connection with an empty page cache) and reports how long opening plus the first page of 200
 * took, then the resident memory after a few typical searches. Prints one JSON line.
 */
const library = process.argv[2];
if (!library) throw new Error('usage: library-search-child.ts LIBRARY');

const started = performance.now();
const core = await createCore({ library, log: silentLogger, keychainService: null, validateOutput: false });
const first = await core.dispatch({ id: '1', method: 'assets.search', input: { limit: 200 } }, { transport: 'in-process' });
const firstPageMs = performance.now() - started;
if (!first.ok) throw new Error(`first page failed: ${first.error.message}`);

const typical = [
  { filter: { text: 'forest' }, limit: 200, count: true },
  { filter: { text: 'lighthouse', rating_min: 3 }, limit: 200 },
  { filter: { backends: ['imagen'] }, sort: 'rating', limit: 200 },
  { filter: { tags: ['portrait-style'] }, limit: 200 },
  { sort: 'random', seed: 3, limit: 200 },
];
for (const input of typical) await core.dispatch({ id: '2', method: 'assets.search', input }, { transport: 'in-process' });
global.gc?.();
const rssMb = process.memoryUsage().rss / 1_048_576;
await core.close();
process.stdout.write(`${JSON.stringify({ firstPageMs, rssMb })}\n`);
