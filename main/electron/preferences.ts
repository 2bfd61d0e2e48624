import { z } from 'zod';

/**
 * Preferences of this install (DESIGN §6): window bounds and the last library. They live in electron-store
 * in the userData folder; the engine settings of a library live in its apex_config.json instead. Values are
 * validated with zod on every read: a hand-edited or older file yields defaults, never a crash.
 */

export const WindowState = z.object({
  x: z.number().int().min(-100_000).max(100_000).optional(),
  y: z.number().int().min(-100_000).max(100_000).optional(),
  width: z.number().int().min(200).max(100_000),
  height: z.number().int().min(200).max(100_000),
  maximized: z.boolean().default(false),
});
export type WindowState = z.infer<typeof WindowState>;

const LibraryPath = z.string().min(1).max(4096);

const KEYS = { window: 'window', lastLibrary: 'lastLibrary', recentLibraries: 'recentLibraries' } as const;

const RecentLibraries = z.array(z.object({ path: LibraryPath, opened_at: z.number().int().min(0) })).max(100);

/** The slice of electron-store used here; a Map-backed fake satisfies it in tests. */
export interface PreferenceStore {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
}

export class Preferences {
  constructor(private readonly store: PreferenceStore) {}

  windowState(): WindowState | null {
    return this.read(KEYS.window, WindowState);
  }

  saveWindowState(state: WindowState): void {
    const valid = WindowState.safeParse(state);
    if (valid.success) this.store.set(KEYS.window, valid.data);
  }

  lastLibrary(): string | undefined {
    return this.read(KEYS.lastLibrary, LibraryPath) ?? undefined;
  }

  saveLastLibrary(path: string): void {
    if (LibraryPath.safeParse(path).success) this.store.set(KEYS.lastLibrary, path);
  }

  /** Libraries opened from Settings, newest first (the library host keeps the list short). */
  recentLibraries(): { path: string; opened_at: number }[] {
    return this.read(KEYS.recentLibraries, RecentLibraries) ?? [];
  }

  saveRecentLibraries(items: readonly { path: string; opened_at: number }[]): void {
    const valid = RecentLibraries.safeParse(items);
    if (valid.success) this.store.set(KEYS.recentLibraries, valid.data);
  }

  private read<T>(key: string, schema: z.ZodType<T>): T | null {
    try {
      const parsed = schema.safeParse(this.store.get(key));
      return parsed.success ? parsed.data : null;
    } catch {
      return null;
    }
  }
}
