import { z } from 'zod';
import { BatchInput, LIMITS, MAX_SEED } from './jobs';

/**
 * Batch files (DESIGN §8 "Batch rows"): what the artist drops in (file contents or, from the CLI and the
 * desktop app, paths), how dynamic prompts are expanded, and what a preview reports before anything is
 * queued. Every limit is named here; the WebSocket frame limit is derived from them.
 */
export const BATCH_LIMITS = {
  /** One batch file, in UTF-8 bytes. A 10,000-row CSV with long prompts is ~2 MB. */
  fileBytes: 10 * 1024 * 1024,
  /** All file contents sent in one preview or submit call, in UTF-8 bytes. */
  requestBytes: 20 * 1024 * 1024,
  /** Files in one call, after a folder is expanded to the batch files in it. */
  filesPerCall: 100,
  /** Rows (prompt lines, CSV records, JSON objects) in one file. */
  rowsPerFile: LIMITS.jobsPerBatch,
  fileNameChars: 255,
  pathChars: 4096,
  /** Expanded prompts shown by a preview, unless the caller asks for fewer or more. */
  defaultPreviewPrompts: 10,
  maxPreviewPrompts: 200,
  /** Jobs one call may queue unless the caller raises it (up to LIMITS.jobsPerBatch). */
  defaultMaxJobs: 10_000,
  /** Prompts drawn per template row in random mode. */
  maxVariants: 1_000,
  /** Issues listed in a preview (all are counted). */
  issuesListed: 1_000,
  /** Distinct unroutable reasons listed in a routing forecast. */
  reasonsListed: 20,
} as const;

/** UTF-8 length without allocating (shared/ has no Buffer): the frame and file limits are in bytes. */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i += 1;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

const megabytes = (bytes: number) => `${bytes / 1_048_576} MB`;

/** A file's contents, as the renderer sends them (browser mode has no paths). */
export const BatchTextSource = z.strictObject({
  /** File name with its extension: the extension chooses the format, the content confirms it. */
  name: z.string().trim().min(1).max(BATCH_LIMITS.fileNameChars),
  text: z
    .string()
    .max(BATCH_LIMITS.fileBytes, `a batch file may be at most ${megabytes(BATCH_LIMITS.fileBytes)}`)
    .refine((text) => utf8Length(text) <= BATCH_LIMITS.fileBytes, `a batch file may be at most ${megabytes(BATCH_LIMITS.fileBytes)}`),
});
export type BatchTextSource = z.infer<typeof BatchTextSource>;

/** A file or folder path: honoured only by the CLI and the desktop app (refused over the browser-mode socket). */
export const BatchPathSource = z.strictObject({ path: z.string().min(1).max(BATCH_LIMITS.pathChars) });
export type BatchPathSource = z.infer<typeof BatchPathSource>;

export const BatchSource = z.union([BatchTextSource, BatchPathSource]);
export type BatchSource = z.infer<typeof BatchSource>;

export const EXPANSION_MODES = ['random', 'combinatorial'] as const;
export const ExpansionMode = z.enum(EXPANSION_MODES);
export type ExpansionMode = z.infer<typeof ExpansionMode>;

/** Project, tags, backend, priority and generation params for the whole batch; a row's own fields win. */
export const BatchDefaults = BatchInput.shape.defaults.unwrap();
export type BatchDefaults = z.infer<typeof BatchDefaults>;

const batchOptionsShape = {
  sources: z.array(BatchSource).min(1).max(BATCH_LIMITS.filesPerCall),
  defaults: BatchDefaults.optional(),
  /** random (default): each job draws its own prompt; combinatorial: every combination, in order. */
  mode: ExpansionMode.optional(),
  /** Seed of the random expansion; a preview returns the one it drew, so a submit with it queues exactly what was previewed. */
  seed: z.number().int().min(0).max(MAX_SEED).optional(),
  /** Random mode: prompts drawn from each row that uses dynamic-prompt syntax (default 1). */
  variants: z.number().int().min(1).max(BATCH_LIMITS.maxVariants).optional(),
  /** Refuse (with a clear message) when all files together would make more jobs than this. */
  max_jobs: z.number().int().min(1).max(LIMITS.jobsPerBatch).optional(),
  /** Queue the good rows of a file that has bad ones (default: nothing from a file with errors). */
  skip_bad_rows: z.boolean().optional(),
};

function withinRequestBytes(input: { sources: readonly BatchSource[] }): boolean {
  let total = 0;
  for (const source of input.sources) if ('text' in source) total += utf8Length(source.text);
  return total <= BATCH_LIMITS.requestBytes;
}
const requestBytesMessage = { message: `the files of one call may total at most ${megabytes(BATCH_LIMITS.requestBytes)}`, path: ['sources'] };

export const BatchSubmitInput = z.strictObject(batchOptionsShape).refine(withinRequestBytes, requestBytesMessage);
export type BatchSubmitInput = z.infer<typeof BatchSubmitInput>;

export const BatchPreviewInput = z
  .strictObject({
    ...batchOptionsShape,
    /** How many expanded prompts to show (default 10). */
    preview_prompts: z.number().int().min(0).max(BATCH_LIMITS.maxPreviewPrompts).optional(),
  })
  .refine(withinRequestBytes, requestBytesMessage);
export type BatchPreviewInput = z.infer<typeof BatchPreviewInput>;

export const BATCH_FORMATS = ['txt', 'a1111', 'csv', 'json', 'jsonl'] as const;
export const BatchFormat = z.enum(BATCH_FORMATS);
export type BatchFormat = z.infer<typeof BatchFormat>;

/**
 * One problem, located: file, line (1-based), column (1-based, CSV and JSON) and field. `scope` says what
 * skipping bad rows can do about it: a `row` error drops that row, a `file` error drops the file, a `batch`
 * error (the job cap) stops everything.
 */
export const BatchIssue = z.object({
  severity: z.enum(['error', 'warning']),
  scope: z.enum(['row', 'file', 'batch']),
  file: z.string(),
  line: z.number().int().nullable(),
  column: z.number().int().nullable(),
  field: z.string().nullable(),
  reason: z.string(),
});
export type BatchIssue = z.infer<typeof BatchIssue>;

export const BatchFileSummary = z.object({
  name: z.string(),
  path: z.string().nullable(),
  /** null when the file could not be read at all. */
  format: BatchFormat.nullable(),
  rows: z.number().int(),
  bad_rows: z.number().int(),
  /** Rows that use dynamic-prompt syntax. */
  template_rows: z.number().int(),
  jobs: z.number().int(),
  images: z.number().int(),
  errors: z.number().int(),
  warnings: z.number().int(),
});
export type BatchFileSummary = z.infer<typeof BatchFileSummary>;

export const ExpansionSettings = z.object({
  mode: ExpansionMode,
  seed: z.number().int(),
  variants: z.number().int(),
  max_jobs: z.number().int(),
});
export type ExpansionSettings = z.infer<typeof ExpansionSettings>;

/** Which backend the cascade would pick for each job right now (nothing is dispatched). */
export const RoutingForecast = z.object({
  backends: z.array(z.object({ backend: z.string(), jobs: z.number().int(), images: z.number().int(), cost_usd: z.number() })),
  unroutable: z.object({
    jobs: z.number().int(),
    images: z.number().int(),
    reasons: z.array(z.object({ reason: z.string(), jobs: z.number().int() })),
  }),
});
export type RoutingForecast = z.infer<typeof RoutingForecast>;

export const BatchPreview = z.object({
  /** True when a submit with the same input would queue something (no blocking error). */
  ok: z.boolean(),
  expansion: ExpansionSettings,
  /** `jobs` and `images` count the rows without errors (what skipping bad rows would queue). */
  totals: z.object({
    files: z.number().int(),
    rows: z.number().int(),
    bad_rows: z.number().int(),
    jobs: z.number().int(),
    images: z.number().int(),
    errors: z.number().int(),
    warnings: z.number().int(),
  }),
  files: z.array(BatchFileSummary),
  /** The first expanded prompts, in queue order. */
  prompts: z.array(z.object({ file: z.string(), line: z.number().int(), prompt: z.string(), negative_prompt: z.string().nullable() })),
  issues: z.array(BatchIssue),
  /** More issues exist than are listed. */
  issues_truncated: z.boolean(),
  routing: RoutingForecast,
  /**
   * Images × the price of the forecast backend (its `cost_per_image` setting, else the price table), with
   * nothing for retries or fallbacks; `estimate.batch` simulates the queue for a fuller figure.
   */
  cost: z.object({ usd: z.number(), basis: z.literal('price_per_image') }),
});
export type BatchPreview = z.infer<typeof BatchPreview>;

export const BatchSubmitResult = z.object({
  batches: z.array(z.object({ batch_id: z.number().int(), name: z.string(), jobs: z.number().int(), images: z.number().int(), job_ids: z.array(z.number().int()) })),
  jobs: z.number().int(),
  images: z.number().int(),
  skipped_rows: z.number().int(),
  warnings: z.number().int(),
  /** The errors of skipped rows and the warnings, errors first (at most BATCH_LIMITS.issuesListed). */
  issues: z.array(BatchIssue),
  expansion: ExpansionSettings,
});
export type BatchSubmitResult = z.infer<typeof BatchSubmitResult>;
