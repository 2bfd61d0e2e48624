import { z } from 'zod';
import { NoInput, method } from './method';

/**
 * Switching the library the app works on (the desktop app and browser mode hold one "library host" that can
 * close the open library and open another). A process bound to one library (the CLI) answers
 * `library.recent` with that library only and refuses `library.open`.
 */

/** Longest path accepted over any transport (Windows long paths are 32,767 UTF-16 units; real ones are far shorter). */
export const LIBRARY_PATH_MAX = 4_096;
/** How many recently opened libraries are remembered. */
export const RECENT_LIBRARIES_MAX = 10;

export const LibraryPathInput = z
  .string()
  .trim()
  .min(1, 'the folder path is empty')
  .max(LIBRARY_PATH_MAX, `the folder path is longer than ${LIBRARY_PATH_MAX} characters`)
  .refine((value) => !value.includes('\0'), 'the folder path contains a NUL character');

export const LibraryOpenInput = z.strictObject({
  /** An absolute path on the machine running the core. */
  path: LibraryPathInput,
  /** True: make the folder (and its parents) and start a fresh library there. False: it must exist. */
  create: z.boolean().optional(),
});

export const LibraryOpenResult = z.object({
  path: z.string().max(LIBRARY_PATH_MAX),
  previous: z.string().max(LIBRARY_PATH_MAX),
  /** True when the folder held no library before (a fresh library.db and apex_config.json were made). */
  created: z.boolean(),
});
export type LibraryOpenResult = z.infer<typeof LibraryOpenResult>;

export const RecentLibrary = z.object({
  path: z.string().max(LIBRARY_PATH_MAX),
  /** Epoch ms of the last time it was opened by this install. */
  opened_at: z.number().int().min(0),
  /** False when the folder is gone (an unplugged drive, a deleted folder). */
  exists: z.boolean(),
});
export type RecentLibrary = z.infer<typeof RecentLibrary>;

export const LibraryRecentResult = z.object({
  current: z.string().max(LIBRARY_PATH_MAX),
  /** Newest first; the current library included. */
  items: z.array(RecentLibrary).max(RECENT_LIBRARIES_MAX),
  /** False in a process bound to one library (the CLI): `library.open` is refused there. */
  can_switch: z.boolean(),
  /** True when `library.choose_folder` can show the system folder picker (the desktop app). */
  can_choose_folder: z.boolean(),
});
export type LibraryRecentResult = z.infer<typeof LibraryRecentResult>;

export const FolderPurpose = z.enum(['open', 'create', 'import']);
export type FolderPurpose = z.infer<typeof FolderPurpose>;

export const LibraryChooseFolderInput = z
  .strictObject({
    /** What the folder is for, which titles the picker: open a library, create one, or import images from it. */
    purpose: FolderPurpose,
  })
  .optional();

export const LibraryChooseFolderResult = z.object({
  /** null when the picker was cancelled. */
  path: z.string().max(LIBRARY_PATH_MAX).nullable(),
});

/** Sent by the host after a switch: every window reloads its state from the new library. */
export const LibraryChanged = z.object({
  path: z.string().max(LIBRARY_PATH_MAX),
  previous: z.string().max(LIBRARY_PATH_MAX),
});
export type LibraryChanged = z.infer<typeof LibraryChanged>;

export const libraryHostMethods = {
  'library.open': method(LibraryOpenInput, LibraryOpenResult),
  'library.recent': method(NoInput, LibraryRecentResult),
  /** The system folder picker (desktop app only); UNAVAILABLE elsewhere. */
  'library.choose_folder': method(LibraryChooseFolderInput, LibraryChooseFolderResult),
} as const;
