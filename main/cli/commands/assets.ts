import type { Command } from 'commander';
import type { AssetFormat, AssetSort, AssetSummary, DuplicatesResult, LibraryStats } from '../../../shared/domain/assets';
import { LIBRARY_LIMITS } from '../../../shared/domain/assets';
import { withCore, type GlobalOptions } from '../context';
import { EXIT, type ExitHolder } from '../exit-codes';
import { addFilterOptions, filterFrom, parseSort, parseWhole, type FilterOptions } from './asset-filter-options';

interface SearchOptions extends GlobalOptions, FilterOptions {
  format?: AssetFormat[];
  sort?: AssetSort;
  seed?: number;
  limit: number;
  after?: string;
  count?: boolean;
}

/** Prompt characters shown per line of a listing. */
const PROMPT_COLUMN = 70;
/** Clusters and members printed by `assets duplicates` (all of them with --json). */
const PRINTED_CLUSTERS = 50;
const PRINTED_MEMBERS = 10;
/** Characters of an embedded metadata text `assets get` shows on its line. */
const EMBEDDED_PREVIEW_CHARS = 100;

export function registerAssets(program: Command, exit: ExitHolder): void {
  const assets = program.command('assets').description('search, inspect and measure the image library');

  addFilterOptions(
    assets
      .command('search')
      .description('find images by words in their prompt, negative prompt, tags, projects, model or file name, plus filters')
      .argument('[query...]', 'words ("a phrase", pref*, -exclude, tag:x, project:x, model:x)'),
  )
    .option('--sort <s>', 'newest, oldest, rating or random', parseSort)
    .option('--seed <n>', 'the shuffle of --sort random (same seed, same order)', parseWhole(0, LIBRARY_LIMITS.randomSeedMax))
    .option('--limit <n>', `how many (at most ${LIBRARY_LIMITS.pageSize})`, parseWhole(1, LIBRARY_LIMITS.pageSize), 50)
    .option('--after <cursor>', 'the next page, from a previous listing')
    .option('--count', 'also count every match')
    .action(async (words: string[], _o: unknown, command: Command) => {
      const options = command.optsWithGlobals<SearchOptions>();
      await withCore(options, async ({ core, out }) => {
        const page = await core.client.call('assets.search', {
          filter: filterFrom(words, options, options.format),
          ...(options.sort ? { sort: options.sort } : {}),
          ...(options.seed !== undefined ? { seed: options.seed } : {}),
          limit: options.limit,
          ...(options.after ? { cursor: options.after } : {}),
          ...(options.count ? { count: true } : {}),
        });
        out.result(page, () => {
          const lines = page.items.length === 0 ? ['No images match.'] : page.items.map(formatAsset);
          if (page.total !== null) lines.push(`${page.total} image(s) match.`);
          if (page.next) lines.push(`… more: --after ${page.next}`);
          return lines.join('\n');
        });
      });
    });

  assets
    .command('get')
    .description('every metadata field and the provenance of one image')
    .argument('<id>', 'asset id', parseWhole(1, Number.MAX_SAFE_INTEGER))
    .action(async (id: number, _o: unknown, command: Command) => {
      await withCore(command.optsWithGlobals<GlobalOptions>(), async ({ core, out }) => {
        const asset = await core.client.call('assets.get', { id });
        out.result(asset, () =>
          [
            `#${asset.id}  ${asset.width}×${asset.height} ${asset.format}  ${formatBytes(asset.bytes)}  ${asset.source}  ${new Date(asset.created_at).toISOString()}`,
            `  prompt:    ${asset.prompt ?? '—'}`,
            `  negative:  ${asset.negative_prompt ?? '—'}`,
            `  backend:   ${asset.backend ?? '—'}  model: ${asset.model ?? '—'}  seed: ${asset.seed ?? '—'}`,
            `  params:    ${asset.params ? JSON.stringify(asset.params) : '—'}`,
            `  cost:      $${asset.cost_usd.toFixed(4)}  generation: ${asset.generation_ms === null ? '—' : `${(asset.generation_ms / 1000).toFixed(1)} s`}`,
            `  job:       ${asset.job_id ?? '—'}  attempt: ${asset.attempt_id ?? '—'}${asset.attempt ? ` (#${asset.attempt.number} on ${asset.attempt.backend})` : ''}`,
            `  rating:    ${stars(asset.rating)}${asset.favorite ? '  ♥ favourite' : ''}`,
            `  tags:      ${asset.tags.join(', ') || '—'}`,
            `  projects:  ${asset.projects.join(', ') || '—'}`,
            `  notes:     ${asset.notes ?? '—'}`,
            `  file:      ${asset.rel_path}`,
            `  sha256:    ${asset.sha256}  phash: ${asset.phash ?? '—'}`,
            ...(asset.generator ? [`  generator: ${asset.generator}`] : []),
            ...asset.embedded.map((text) => `  embedded:  ${text.source} (${text.chars} chars)  ${previewLine(text.text)}`),
            ...(asset.embedded.length > 0 ? ['  (--json prints the embedded texts whole)'] : []),
          ].join('\n'),
        );
      });
    });

  assets
    .command('stats')
    .description('files and bytes by kind, backend, project, format and source')
    .action(async (_o: unknown, command: Command) => {
      await withCore(command.optsWithGlobals<GlobalOptions>(), async ({ core, out }) => {
        const stats = await core.client.call('assets.stats');
        out.result(stats, () => formatStats(stats));
      });
    });

  addFilterOptions(
    assets
      .command('duplicates')
      .description('groups of near-identical images (resized, re-encoded, lightly edited), each with a suggested keeper')
      .argument('[query...]', 'only among images matching these words'),
  )
    .option('--threshold <bits>', `how many of 64 hash bits may differ (0-${LIBRARY_LIMITS.maxDuplicateThreshold}, default ${LIBRARY_LIMITS.defaultDuplicateThreshold})`, parseWhole(0, LIBRARY_LIMITS.maxDuplicateThreshold))
    .option('--limit <n>', `clusters listed (at most ${LIBRARY_LIMITS.duplicateClusters})`, parseWhole(1, LIBRARY_LIMITS.duplicateClusters))
    .action(async (words: string[], _o: unknown, command: Command) => {
      const options = command.optsWithGlobals<FilterOptions & GlobalOptions & { format?: AssetFormat[]; threshold?: number; limit?: number }>();
      const filter = filterFrom(words, options, options.format);
      await withCore(options, async ({ core, out }) => {
        const result = await core.client.call('assets.duplicates', {
          ...(Object.keys(filter).length > 0 ? { filter } : {}),
          ...(options.threshold !== undefined ? { threshold: options.threshold } : {}),
          ...(options.limit !== undefined ? { limit: options.limit } : {}),
        });
        out.result(result, () => formatDuplicates(result));
      });
    });

  registerMaintenance(program, exit);
}

/** The start of an embedded text on one line: a workflow is megabytes of JSON, a terminal line is not. */
function previewLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > EMBEDDED_PREVIEW_CHARS ? `${flat.slice(0, EMBEDDED_PREVIEW_CHARS)}…` : flat;
}

/** `library cleanup|thumbnails|rebuild`, next to `library check` (registered by commands/library.ts). */
function registerMaintenance(program: Command, exit: ExitHolder): void {
  const library = program.commands.find((c) => c.name() === 'library') ?? program.command('library').description('library maintenance');
  library
    .command('cleanup')
    .description('empty the cache and delete thumbnails and half-written files nothing refers to')
    .option('--dry-run', 'only count what would be deleted')
    .action(async (_o: unknown, command: Command) => {
      const options = command.optsWithGlobals<GlobalOptions & { dryRun?: boolean }>();
      await withCore(options, async ({ core, out }) => {
        const r = await core.client.call('library.cleanup', { dry_run: options.dryRun === true });
        const verb = r.dry_run ? 'Would delete' : 'Deleted';
        out.result(r, () =>
          [
            `${verb} ${r.cache_files} cache file(s) (${formatBytes(r.cache_bytes)}), ${r.orphan_thumbnails} orphan thumbnail(s) (${formatBytes(r.orphan_thumbnail_bytes)}),`,
            `${r.temp_files} half-written file(s).`,
          ].join(' '),
        );
      });
    });
  library
    .command('thumbnails')
    .description('make missing thumbnails (and perceptual hashes) again from the originals')
    .option('--all', 'remake every thumbnail, not only missing ones')
    .action(async (_o: unknown, command: Command) => {
      const options = command.optsWithGlobals<GlobalOptions & { all?: boolean }>();
      await withCore(options, async ({ core, out }) => {
        const r = await core.client.call('library.thumbnails', { mode: options.all ? 'all' : 'missing' });
        out.result(r, () =>
          [`Checked ${r.checked} image(s): ${r.generated} thumbnail(s) made, ${r.phash_added} perceptual hash(es) added, ${r.failed} failed.`, ...r.problems.map((p) => `  #${p.id}: ${p.reason}`)].join('\n'),
        );
        if (r.failed > 0) exit.code = EXIT.someFailed;
      });
    });
  library
    .command('rebuild')
    .description('rebuild the index from the metadata sidecars and embedded metadata (ratings, tags and projects are kept)')
    .action(async (_o: unknown, command: Command) => {
      await withCore(command.optsWithGlobals<GlobalOptions>(), async ({ core, out }) => {
        const r = await core.client.call('library.rebuild');
        out.result(r, () =>
          [
            `Read ${r.sidecars_read} sidecar(s) and ${r.embedded_read} image(s) with embedded metadata: ${r.rows_updated} row(s) refreshed, ${r.rows_created} added, ${r.rows_removed} removed (file gone), ${r.rows_kept} kept as they were.`,
            `${r.indexed_for_search} image(s) indexed for search; ${r.bad_files} unreadable file(s).`,
            ...r.problems.map((p) => `  ${p.file}: ${p.reason}`),
          ].join('\n'),
        );
        if (r.bad_files > 0) exit.code = EXIT.someFailed;
      });
    });
}

export function stars(rating: number): string {
  return `${'★'.repeat(rating)}${'☆'.repeat(5 - rating)}`;
}

export function formatAsset(a: AssetSummary): string {
  const prompt = (a.prompt ?? a.file_name).replace(/\s+/g, ' ');
  const shown = prompt.length > PROMPT_COLUMN ? `${prompt.slice(0, PROMPT_COLUMN - 1)}…` : prompt;
  const tags = a.tags.length > 0 ? `  [${a.tags.join(', ')}]` : '';
  return `${String(a.id).padStart(7)}  ${stars(a.rating)}${a.favorite ? ' ♥' : '  '}  ${`${a.width}×${a.height}`.padEnd(9)} ${a.format.padEnd(4)}  ${(a.backend ?? a.source).padEnd(11)} ${shown}${tags}`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

function formatStats(s: LibraryStats): string {
  const row = (label: string, files: number, bytes: number) => `  ${label.padEnd(22)} ${String(files).padStart(8)}  ${formatBytes(bytes).padStart(9)}`;
  const group = (title: string, items: LibraryStats['by_backend']) => [title, ...items.map((i) => row(i.key ?? '(none)', i.count, i.bytes))];
  return [
    `${s.assets} image(s), ${formatBytes(s.asset_bytes)} of originals.`,
    'On disk in the library:',
    row('images', s.kinds.images.files, s.kinds.images.bytes),
    row('thumbnails', s.kinds.thumbnails.files, s.kinds.thumbnails.bytes),
    row('metadata sidecars', s.kinds.sidecars.files, s.kinds.sidecars.bytes),
    row('cache', s.kinds.cache.files, s.kinds.cache.bytes),
    row('exports', s.kinds.exports.files, s.kinds.exports.bytes),
    row('checkpoints', s.kinds.checkpoints.files, s.kinds.checkpoints.bytes),
    row('database', s.kinds.database.files, s.kinds.database.bytes),
    ...group('By backend:', s.by_backend),
    ...group('By project:', s.by_project),
    ...group('By format:', s.by_format),
    ...group('By source:', s.by_source),
  ].join('\n');
}

function formatDuplicates(r: DuplicatesResult): string {
  if (r.clusters.length === 0) return `No near-duplicates among ${r.scanned} image(s) (threshold ${r.threshold} bits).`;
  const lines = [`${r.total_clusters} group(s) of near-duplicates among ${r.scanned} image(s) (threshold ${r.threshold} bits); keeper first:`];
  for (const cluster of r.clusters.slice(0, PRINTED_CLUSTERS)) {
    lines.push(`  ${cluster.size} images:`);
    for (const m of cluster.items.slice(0, PRINTED_MEMBERS)) {
      const mark = m.id === cluster.keeper_id ? 'keep' : `d=${m.distance}`.padEnd(4);
      lines.push(`    ${mark}  #${m.id}  ${m.width}×${m.height} ${m.format}  ${formatBytes(m.bytes)}  ${stars(m.rating)}${m.has_metadata ? '  has prompt' : ''}`);
    }
    if (cluster.size > PRINTED_MEMBERS) lines.push(`    … and ${cluster.size - PRINTED_MEMBERS} more`);
  }
  if (r.total_clusters > PRINTED_CLUSTERS) lines.push(`… and ${r.total_clusters - PRINTED_CLUSTERS} more group(s) (--json lists up to ${LIBRARY_LIMITS.duplicateClusters})`);
  return lines.join('\n');
}
