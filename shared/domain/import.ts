import { z } from 'zod';

/** Explicit limits of `library.import`, enforced at the contract. */
export const IMPORT_LIMITS = {
  /** Folders or files named in one call (a multi-select in a dialog, a shell glob). */
  pathsPerCall: 1_000,
  pathChars: 4_096,
  reasonChars: 2_000,
  /** Failures and notes listed one by one in a summary; the counts go on beyond that. */
  listedPerSummary: 10_000,
} as const;

/** Absolute on every platform: `/x`, `C:\x`, `C:/x`, `\\server\share`. Relative paths would depend on the core's cwd. */
const ABSOLUTE_PATH = /^(\/|[A-Za-z]:[\\/]|\\\\)/;

export const ImportPath = z
  .string()
  .min(1)
  .max(IMPORT_LIMITS.pathChars)
  .regex(ABSOLUTE_PATH, 'an absolute path to a folder or an image file')
  .refine((path) => !path.includes('\0'), 'a path without NUL characters');

export const ImportInput = z.strictObject({
  /** Folders (walked recursively) and image files. */
  paths: z.array(ImportPath).min(1).max(IMPORT_LIMITS.pathsPerCall),
  /** Copy the files into the library (content-addressed) instead of indexing them where they are. */
  copy: z.boolean().optional(),
});
export type ImportInput = z.infer<typeof ImportInput>;

const PathText = z.string().max(IMPORT_LIMITS.pathChars);

export const ImportFailure = z.object({ path: PathText, reason: z.string().max(IMPORT_LIMITS.reasonChars) });
export type ImportFailure = z.infer<typeof ImportFailure>;

/** Something worth knowing about a file that was imported, e.g. "stealth metadata present". */
export const ImportNote = z.object({ path: PathText, note: z.string().max(IMPORT_LIMITS.reasonChars) });
export type ImportNote = z.infer<typeof ImportNote>;

const Count = z.number().int().min(0);

export const ImportSummary = z.object({
  import_id: z.string().min(1).max(64),
  /**
   * Files found under the given paths, images or not. Each ends up in exactly one of imported,
   * already_present, failed or skipped_non_images (failed also lists given paths that could not be opened).
   */
  total: Count,
  imported: Count,
  /** The same bytes were already in the library (from an earlier import or a generation): nothing added. */
  already_present: Count,
  /** Unreadable, corrupt or unsupported image files, each with its reason; the import went on. */
  failed: z.array(ImportFailure).max(IMPORT_LIMITS.listedPerSummary),
  /** Failures beyond the listed ones. */
  failed_unlisted: Count,
  /** Files that are not PNG, JPEG or WebP images (text files, videos...), left alone. */
  skipped_non_images: Count,
  notes: z.array(ImportNote).max(IMPORT_LIMITS.listedPerSummary),
  /** Folders now served in place (empty with `copy`). */
  roots: z.array(PathText).max(IMPORT_LIMITS.pathsPerCall),
  copied: z.boolean(),
  duration_ms: Count,
});
export type ImportSummary = z.infer<typeof ImportSummary>;

/** `import.progress` event: pushed while an import runs (coalesced, about ten a second at most). */
export const ImportProgress = z.object({
  import_id: z.string().min(1).max(64),
  done: Count,
  total: Count,
  imported: Count,
  /** Already present plus non-image files. */
  skipped: Count,
  failed: Count,
});
export type ImportProgress = z.infer<typeof ImportProgress>;
