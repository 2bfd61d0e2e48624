import { randomUUID } from 'node:crypto';
import { realpath } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { IMPORT_LIMITS, type ImportFailure, type ImportNote, type ImportProgress, type ImportSummary } from '../../../shared/domain/import';
import type { Db } from '../db/connection';
import type { EventHub } from '../events';
import type { Logger } from '../log';
import type { AssetIndex } from './asset-index';
import { errorText, prepareImport, storeImport, type FileOutcome, type ImportFileContext } from './import-file';
import { ImportFileStore } from './import-files';
import type { ImportRoot, ImportRoots } from './import-roots';
import { ImportRows } from './import-rows';
import { walkImportPaths, type WalkedFile } from './import-walk';
import type { LibraryPaths } from './layout';

/**
 * `library.import`: walks the given folders and files, imports every image in parallel (bounded),
 * indexes it in one transaction per few files, and reports per file what went wrong without stopping.
 * Re-importing adds nothing: an unchanged in-place file is recognised by place, size and mtime without
 * being read, and any other known bytes by their SHA-256 (the row, and so its path, stays as it was);
 * a file changed in place updates its own row (import-rows.ts).
 */

export interface ImportRequest {
  paths: readonly string[];
  copy: boolean;
}

export interface LibraryImporterDeps {
  db: Db;
  library: LibraryPaths;
  assets: AssetIndex;
  roots: ImportRoots;
  events: EventHub;
  log: Logger;
  /** Images decoded at once; defaults to the machine's parallelism (sharp decodes on its own threads). */
  concurrency?: number;
}

/** At least two so file I/O overlaps decoding even on one core; more than eight only adds memory. */
export const DEFAULT_IMPORT_CONCURRENCY = Math.max(2, Math.min(8, availableParallelism()));
/** Rows committed per transaction: few enough that progress shows, enough to amortise the commit. */
const ROWS_PER_COMMIT = 32;
/**
 * Files whose library-side writes may be in flight per decode lane. Writes are handed off so a lane goes
 * straight on to its next decode instead of idling a core while the disk syncs; this bounds the memory
 * they hold (a thumbnail each, and the whole file with `copy`).
 */
const WRITES_PER_LANE = 2;
/** `assets.added` carries at most this many ids (its contract bound). */
const MAX_IDS_PER_EVENT = 1_000;

export class LibraryImporter {
  private readonly store: ImportFileStore;
  private readonly rows: ImportRows;

  constructor(private readonly deps: LibraryImporterDeps) {
    this.store = new ImportFileStore(deps.library);
    this.rows = new ImportRows(deps.db, deps.assets);
  }

  async run(request: ImportRequest): Promise<ImportSummary> {
    const started = performance.now();
    const importId = randomUUID();
    const { library, log } = this.deps;
    // Real paths, like the walk's: a library reached through a symlink (/tmp on macOS) must still be recognised.
    const storage = await Promise.all(
      [library.images, library.thumbnails, library.metadata, library.exports, library.cache, library.checkpoints].map((dir) => realpath(dir).catch(() => dir)),
    );
    const walk = await walkImportPaths(request.paths, storage);

    const failed: ImportFailure[] = [...walk.failures];
    const notes: ImportNote[] = [...walk.notes];
    const counts = { imported: 0, already_present: 0, skipped_non_images: 0, failed: failed.length, done: 0 };
    const total = walk.files.length;
    const rootsByBase = new Map<string, ImportRoot>();
    const rootFor = (file: WalkedFile): ImportRoot | null => {
      if (request.copy) return null;
      let root = rootsByBase.get(file.base);
      if (!root) {
        root = this.deps.roots.ensure(file.base);
        rootsByBase.set(file.base, root);
      }
      return root;
    };

    const progress = (): ImportProgress => ({
      import_id: importId,
      done: counts.done,
      total,
      imported: counts.imported,
      skipped: counts.already_present + counts.skipped_non_images,
      failed: counts.failed,
    });
    this.deps.events.emit('import.progress', progress());
    log.info('import started', { import_id: importId, paths: request.paths.length, files: total, copy: request.copy });

    type Imported = Extract<FileOutcome, { kind: 'imported' }>;
    const pending: Array<{ file: WalkedFile; outcome: Imported }> = [];
    const addedIds: number[] = [];
    const commit = this.deps.db.transaction((batch: typeof pending) => {
      for (const { file, outcome } of batch) {
        const { id, outcome: indexed } = this.rows.index(outcome.record);
        if (indexed === 'already_present') {
          counts.already_present += 1; // the same bytes came in twice in this import
          continue;
        }
        counts.imported += 1;
        addedIds.push(id);
        if (indexed === 'replaced') notes.push({ path: file.path, note: 'changed since it was last imported: its entry now shows the new image (rating, tags and projects kept)' });
        for (const note of outcome.notes) notes.push({ path: file.path, note });
      }
    });
    const flush = () => {
      if (pending.length === 0) return;
      const batch = pending.splice(0);
      try {
        commit(batch);
      } catch (error) {
        // The index refused the rows (disk full, locked for too long): report them, keep going.
        log.error('import could not index a batch', { error: String(error) });
        for (const { file } of batch) {
          counts.failed += 1;
          failed.push({ path: file.path, reason: `cannot be indexed: ${errorText(error)}` });
        }
      }
      if (addedIds.length > 0) this.deps.events.emit('assets.added', { ids: addedIds.slice(-MAX_IDS_PER_EVENT), count: addedIds.length });
      addedIds.length = 0;
    };
    const settle = (file: WalkedFile, outcome: FileOutcome) => {
      if (outcome.kind === 'imported') pending.push({ file, outcome });
      else if (outcome.kind === 'already_present') counts.already_present += 1;
      else if (outcome.kind === 'not_image') counts.skipped_non_images += 1;
      else {
        counts.failed += 1;
        failed.push({ path: file.path, reason: outcome.reason });
      }
      counts.done += 1;
      if (pending.length >= ROWS_PER_COMMIT) flush();
      this.deps.events.emit('import.progress', progress());
    };
    const unexpected = (file: WalkedFile, error: unknown): FileOutcome => {
      log.error('import of one file failed unexpectedly', { path: file.path, error: String(error) });
      return { kind: 'failed', reason: `unexpected error: ${errorText(error)}` };
    };

    const concurrency = this.deps.concurrency ?? DEFAULT_IMPORT_CONCURRENCY;
    const writes = new Set<Promise<void>>();
    await forEachConcurrent(walk.files, concurrency, async (file) => {
      let ctx: ImportFileContext;
      let prepared: Awaited<ReturnType<typeof prepareImport>>;
      try {
        ctx = {
          store: this.store,
          root: rootFor(file),
          hasSha: (sha) => this.deps.assets.has(sha),
          hasUnchanged: (rootId, relPath, bytes, mtime) => this.rows.unchanged(rootId, relPath, bytes, mtime),
        };
        prepared = await prepareImport(file, ctx);
      } catch (error) {
        settle(file, unexpected(file, error));
        return;
      }
      if (prepared.kind !== 'ready') {
        settle(file, prepared);
        return;
      }
      while (writes.size >= concurrency * WRITES_PER_LANE) await Promise.race(writes);
      const write = storeImport(prepared, ctx)
        .catch((error: unknown) => unexpected(file, error))
        .then((outcome) => settle(file, outcome));
      writes.add(write);
      void write.finally(() => writes.delete(write));
    });
    await Promise.all(writes);
    flush();
    this.deps.events.emit('import.progress', progress());

    const summary: ImportSummary = {
      import_id: importId,
      total,
      imported: counts.imported,
      already_present: counts.already_present,
      failed: failed.slice(0, IMPORT_LIMITS.listedPerSummary).map(clip),
      failed_unlisted: Math.max(0, failed.length - IMPORT_LIMITS.listedPerSummary),
      skipped_non_images: counts.skipped_non_images,
      notes: notes.slice(0, IMPORT_LIMITS.listedPerSummary).map((n) => ({ path: clipPath(n.path), note: n.note.slice(0, IMPORT_LIMITS.reasonChars) })),
      roots: [...new Set([...rootsByBase.values()].map((root) => root.path))].slice(0, IMPORT_LIMITS.pathsPerCall),
      copied: request.copy,
      duration_ms: Math.round(performance.now() - started),
    };
    log.info('import finished', { ...summary, failed: failed.length, notes: notes.length, roots: summary.roots.length });
    return summary;
  }
}

function clip(failure: ImportFailure): ImportFailure {
  return { path: clipPath(failure.path), reason: failure.reason.slice(0, IMPORT_LIMITS.reasonChars) };
}

function clipPath(path: string): string {
  return path.length <= IMPORT_LIMITS.pathChars ? path : `…${path.slice(-(IMPORT_LIMITS.pathChars - 1))}`;
}

/** Runs `worker` over `items` with at most `concurrency` in flight, in order of start. */
async function forEachConcurrent<T>(items: readonly T[], concurrency: number, worker: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++]!;
      await worker(item);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, lane));
}
