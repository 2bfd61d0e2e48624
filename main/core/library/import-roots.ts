import { isInside } from '../assets/resolve-asset';
import type { Db } from '../db/connection';

/**
 * The folders whose files are indexed in place (`import_roots`). The asset resolver serves files only
 * from the library and from these folders. `paths()` reads the (tiny) table on every call, so a root
 * added by another process — the CLI importing while the app is open — is served at once.
 *
 * Paths are stored realpath'd by the caller, so `/home/me/pics` and a symlink to it are one root. A root
 * is never removed: every asset's root id keeps resolving.
 */

export interface ImportRoot {
  id: number;
  path: string;
}

export class ImportRoots {
  private cache: ImportRoot[];
  private readonly insert;
  private readonly all;

  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {
    this.insert = db.prepare<[string, number]>('INSERT INTO import_roots (path, added_at) VALUES (?, ?) ON CONFLICT (path) DO NOTHING');
    this.all = db.prepare<[], ImportRoot>('SELECT id, path FROM import_roots ORDER BY id');
    this.cache = this.all.all();
  }

  /** Every root's absolute path, fresh from the database. */
  paths(): string[] {
    this.cache = this.all.all();
    return this.cache.map((root) => root.path);
  }

  list(): readonly ImportRoot[] {
    return this.cache;
  }

  /**
   * The root a real (already realpath'd) folder or file belongs to: an existing root that is the folder
   * itself or contains it (the innermost one), so importing a subfolder again adds no new root.
   */
  containing(realPath: string): ImportRoot | null {
    let best: ImportRoot | null = null;
    for (const root of this.cache) {
      if (root.path !== realPath && !isInside(root.path, realPath)) continue;
      if (!best || root.path.length > best.path.length) best = root;
    }
    return best;
  }

  /** The root for `realDir`: the existing one that holds it, or a new row for the folder itself. */
  ensure(realDir: string): ImportRoot {
    this.cache = this.all.all(); // another process may have added roots since
    const existing = this.containing(realDir);
    if (existing) return existing;
    this.insert.run(realDir, this.now());
    this.cache = this.all.all();
    const added = this.cache.find((root) => root.path === realDir);
    if (!added) throw new Error(`import root ${realDir} vanished during insert`);
    return added;
  }
}
