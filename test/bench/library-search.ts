import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { createCore } from '../../main/core';
import { closeDatabase, openDatabase } from '../../main/core/db/connection';
import { migrate } from '../../main/core/db/migrations';
import { openLibraryFolder } from '../../main/core/library/layout';
import { silentLogger } from '../../main/core/log';
import type { AssetSearchInput } from '../../shared/domain/assets';
import { formatNumber, median, withTempDir, type BenchResult } from './report';
import { populateSyntheticLibrary } from './synthetic-library';

/**
 * Issue 5 part B figures on a synthetic library of 100,000 assets written straight into SQL
 * (synthetic-library.ts: Zipf-distributed prompt words, tags, projects, ratings, formats, backends):
 *
 * 1. full-text search with a filter, first page of 200: p95 ≤ 15 ms
 * 2. a filtered, sorted page of 200 without text: p95 ≤ 5 ms
 * 3. open the library and get the first page, cold (fresh process and connection): ≤ 300 ms
 * 4. resident memory of the core with the library open: ≤ 250 MB
 * plus, without an issue target, a random-sorted page and near-duplicate detection over all 100,000.
 *
 * Searches go through the router (`core.dispatch`) as the app's transports call it, with output
 * validation off as in production; a mix of queries rotates so no single lucky plan decides p95.
 */

const ASSETS = 100_000;
const PAGE = 200;
const ROUNDS = 20;
const COLD_RUNS = 3;
const TARGET_TEXT_P95_MS = 15;
const TARGET_FILTER_P95_MS = 5;
const TARGET_COLD_MS = 300;
const TARGET_RSS_MB = 250;
const DUPLICATES_BUDGET_MS = 2_000;

/** Stands for the synthetic library's third-largest project, looked up once the library exists. */
const PROJECT = '{project}';

/** Words from the synthetic vocabulary at different frequencies, with and without other filters. */
const TEXT_QUERIES: AssetSearchInput[] = [
  { filter: { text: 'forest', backends: ['nano_banana'] } }, // in ~60% of prompts
  { filter: { text: 'lighthouse', rating_min: 3 } }, // ~18%
  { filter: { text: 'cas*', formats: ['png'] } }, // prefix
  { filter: { text: '"golden hour"', favorite: false } }, // phrase
  { filter: { text: 'portrait lighting', tags: ['portrait-style'] } },
  { filter: { text: 'kalomi', backends: ['sdxl', 'imagen'] } }, // a rare word
  { filter: { text: 'dragon -castle', min_width: 1024 } },
  { filter: { text: 'tag:neon-style', source: 'generated' } },
  { filter: { text: 'cinematic', projects: [PROJECT] }, sort: 'rating' },
  { filter: { text: 'sunset' }, sort: 'oldest' },
];

const FILTER_QUERIES: AssetSearchInput[] = [
  { filter: { backends: ['imagen'] } },
  { filter: { rating_min: 3 }, sort: 'rating' },
  { filter: { favorite: true } },
  { filter: { tags: ['portrait-style'] } },
  { filter: { tags: ['sunset-style', 'neon-style'] } },
  { filter: { formats: ['jpeg'], min_width: 1200 } },
  { filter: { source: 'imported' }, sort: 'oldest' },
  { filter: { created_from: Date.UTC(2025, 5, 1), created_to: Date.UTC(2025, 6, 1) }, sort: 'rating' },
  { filter: { models: ['sd_xl_base_1.0'], untagged: true } },
  { filter: { backends: ['sdxl'], rating_min: 1 }, sort: 'oldest' },
];

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export async function benchLibrarySearch(): Promise<BenchResult[]> {
  return withTempDir('library-search', async (dir) => {
    const library = openLibraryFolder(join(dir, 'library'));
    const db = openDatabase(library.database);
    migrate(db);
    const { ms: populateMs } = populateSyntheticLibrary(db, { count: ASSETS });
    const project = db.prepare<[], { name: string }>('SELECT p.name FROM projects p JOIN asset_projects x ON x.project_id = p.id GROUP BY p.id ORDER BY COUNT(*) DESC LIMIT 1 OFFSET 2').get()?.name ?? '';
    const withProject = (input: AssetSearchInput): AssetSearchInput =>
      input.filter?.projects?.includes(PROJECT) ? { ...input, filter: { ...input.filter, projects: [project] } } : input;
    db.pragma('wal_checkpoint(TRUNCATE)');
    closeDatabase(db);

    const cold: Array<{ firstPageMs: number; rssMb: number }> = [];
    for (let run = 0; run < COLD_RUNS; run++) {
      const output = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', join(import.meta.dirname, 'library-search-child.ts'), library.root], { encoding: 'utf8' });
      cold.push(JSON.parse(output.trim().split('\n').at(-1)!) as { firstPageMs: number; rssMb: number });
    }

    const core = await createCore({ library: library.root, log: silentLogger, keychainService: null, validateOutput: false });
    try {
      const timeQueries = async (queries: readonly AssetSearchInput[]) => {
        const samples: number[] = [];
        for (const input of queries) await core.dispatch({ id: 'w', method: 'assets.search', input: { ...input, limit: PAGE } }, { transport: 'in-process' }); // warm-up
        for (let round = 0; round < ROUNDS; round++) {
          for (const input of queries) {
            const started = performance.now();
            const result = await core.dispatch({ id: 'b', method: 'assets.search', input: { ...input, limit: PAGE } }, { transport: 'in-process' });
            samples.push(performance.now() - started);
            if (!result.ok) throw new Error(`search failed: ${result.error.message}`);
          }
        }
        return samples;
      };
      const text = await timeQueries(TEXT_QUERIES.map(withProject));
      const filtered = await timeQueries(FILTER_QUERIES);
      const random = await timeQueries([{ sort: 'random', seed: 1 }, { sort: 'random', seed: 2, filter: { rating_min: 1 } }]);
      const duplicatesStarted = performance.now();
      const duplicates = await core.client.call('assets.duplicates', {});
      const duplicatesMs = performance.now() - duplicatesStarted;

      const coldMs = median(cold.map((c) => c.firstPageMs));
      const rssMb = Math.max(...cold.map((c) => c.rssMb));
      const p95 = (samples: number[]) => percentile(samples, 95);
      return [
        {
          name: 'Full-text search + filter, page of 200 (p95)',
          value: p95(text),
          unit: 'ms',
          target: `≤ ${TARGET_TEXT_P95_MS} ms`,
          pass: p95(text) <= TARGET_TEXT_P95_MS,
          notes: [
            `${TEXT_QUERIES.length} queries × ${ROUNDS} rounds over ${formatNumber(ASSETS)} assets: p50 ${formatNumber(percentile(text, 50))} ms, max ${formatNumber(Math.max(...text))} ms`,
            `synthetic library written in ${formatNumber(populateMs / 1000)} s (${formatNumber(ASSETS / (populateMs / 1000))} rows/s with the FTS and organisation triggers)`,
          ],
        },
        {
          name: 'Filtered, sorted page of 200, no text (p95)',
          value: p95(filtered),
          unit: 'ms',
          target: `≤ ${TARGET_FILTER_P95_MS} ms`,
          pass: p95(filtered) <= TARGET_FILTER_P95_MS,
          notes: [`${FILTER_QUERIES.length} filter/sort combinations × ${ROUNDS} rounds: p50 ${formatNumber(percentile(filtered, 50))} ms`],
        },
        {
          name: 'Open library + first page, cold',
          value: coldMs,
          unit: 'ms',
          target: `≤ ${TARGET_COLD_MS} ms`,
          pass: coldMs <= TARGET_COLD_MS,
          notes: [`median of ${COLD_RUNS} fresh processes (createCore + first page of ${PAGE}): ${cold.map((c) => formatNumber(c.firstPageMs)).join(', ')} ms`],
        },
        {
          name: 'Core RSS with the 100k library open',
          value: rssMb,
          unit: 'MB',
          target: `≤ ${TARGET_RSS_MB} MB`,
          pass: rssMb <= TARGET_RSS_MB,
          notes: ['largest of the cold processes after the first page and five typical searches (text + count, filters, random sort)'],
        },
        {
          name: 'Random-sorted page of 200 (p95)',
          value: p95(random),
          unit: 'ms',
          target: `≤ ${TARGET_FILTER_P95_MS} ms`,
          pass: p95(random) <= TARGET_FILTER_P95_MS,
          notes: ['no issue target of its own; held to the filtered-page target. The seeded shuffle is walked key by key (library/shuffle.ts); whole library and rating ≥ 1'],
        },
        {
          name: 'Near duplicates over 100k hashes',
          value: duplicatesMs,
          unit: 'ms',
          target: `≤ ${formatNumber(DUPLICATES_BUDGET_MS)} ms`,
          pass: duplicatesMs <= DUPLICATES_BUDGET_MS,
          notes: [`no issue target ("efficient for 100k"); threshold ${duplicates.threshold} bits, ${formatNumber(duplicates.total_clusters)} clusters among ${formatNumber(duplicates.scanned)} hashes (5% planted near copies)`],
        },
      ];
    } finally {
      await core.close();
    }
  });
}
