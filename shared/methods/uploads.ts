import { z } from 'zod';
import { BATCH_LIMITS } from '../domain/batch';
import { ImportSummary } from '../domain/import';
import { method } from './method';

/**
 * Images dropped on the window in browser mode, where the page has no file paths: their bytes travel in the
 * call (base64) and the core copies them into the library with the ordinary import. The desktop app sends
 * paths to `library.import` instead and never uses this.
 *
 * The limits keep one call inside the browser-mode WebSocket frame (sized for batch calls: twice
 * BATCH_LIMITS.requestBytes plus an envelope); base64 makes 3 bytes 4 characters, so a call of
 * `callBytes` is about 27 MB on the wire. Bigger drops are split over several calls by the renderer.
 */
export const UPLOAD_LIMITS = {
  /** One image, in bytes. */
  fileBytes: BATCH_LIMITS.requestBytes,
  /** All images of one call, in bytes. */
  callBytes: BATCH_LIMITS.requestBytes,
  filesPerCall: 100,
  nameChars: 255,
} as const;

/** Characters of base64 for `bytes` bytes (padded). */
export function base64Chars(bytes: number): number {
  return Math.ceil(bytes / 3) * 4;
}

/** Bytes that a padded base64 text decodes to. */
export function base64Bytes(data: string): number {
  const padding = data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0;
  return (data.length / 4) * 3 - padding;
}

const megabytes = (bytes: number) => `${bytes / 1_048_576} MB`;

export const UploadedImage = z.strictObject({
  /** The file's own name (no folders); kept as the imported image's file name. */
  name: z
    .string()
    .trim()
    .min(1)
    .max(UPLOAD_LIMITS.nameChars)
    .refine((name) => !/[\\/\0]/.test(name), 'a file name without slashes or NUL characters'),
  data_base64: z
    .string()
    .max(base64Chars(UPLOAD_LIMITS.fileBytes), `an uploaded image may be at most ${megabytes(UPLOAD_LIMITS.fileBytes)}`)
    // A character class, not a grouped repetition: the regex engine must not backtrack over 27 MB.
    .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64 (A–Z, a–z, 0–9, +, /)')
    .refine((data) => data.length % 4 === 0, 'padded base64 (a multiple of 4 characters)'),
  /** The file's modification time (epoch ms): an imported image's date in the library is its file's date. */
  modified_ms: z.number().int().min(0).max(8_640_000_000_000_000).optional(),
});
export type UploadedImage = z.infer<typeof UploadedImage>;

export const UploadImportInput = z
  .strictObject({ files: z.array(UploadedImage).min(1).max(UPLOAD_LIMITS.filesPerCall) })
  .refine((input) => input.files.reduce((total, file) => total + base64Bytes(file.data_base64), 0) <= UPLOAD_LIMITS.callBytes, {
    message: `the images of one upload may total at most ${megabytes(UPLOAD_LIMITS.callBytes)}; send the rest in another call`,
    path: ['files'],
  });
export type UploadImportInput = z.infer<typeof UploadImportInput>;

export const uploadsMethods = {
  /** Copies uploaded image bytes into the library (as `library.import --copy`); paths in the summary are the file names. */
  'library.importUpload': method(UploadImportInput, ImportSummary),
} as const;
