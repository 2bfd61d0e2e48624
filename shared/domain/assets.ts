import { z } from 'zod';

/**
 * The asset library as the renderer, the CLI and the tests see it (DESIGN §5): search filters (which are
 * also the rules of saved searches), summaries and details of assets, organisation, duplicates, export
 * and maintenance. Image bytes never appear here: the renderer builds `apex-asset://<kind>/<id>` URLs
 * from the ids.
 */

/** Every limit of the library contract, named once. */
export const LIBRARY_LIMITS = {
  /** Characters of a search text (the FTS query built from it is bounded separately, fts-query.ts). */
  searchChars: 1_000,
  tagChars: 100,
  projectChars: 200,
  backendChars: 100,
  modelChars: 200,
  /** Values in one filter list (tags, backends, projects...). */
  filterValues: 50,
  /** Tags added or removed in one call. */
  tagsPerCall: 50,
  notesChars: 10_000,
  collectionNameChars: 200,
  pageSize: 500,
  defaultPageSize: 100,
  /** Ids in one bulk call (rating, tags, projects, delete, export by selection). */
  idsPerCall: 10_000,
  cursorChars: 200,
  /** Largest Hamming distance (of 64 bits) accepted as "near duplicate"; beyond this, unrelated images match. */
  maxDuplicateThreshold: 12,
  defaultDuplicateThreshold: 8,
  duplicateClusters: 500,
  /** Members listed per cluster; bigger clusters report their full size in `size`. */
  clusterItems: 1_000,
  pathChars: 4_096,
  /** A dimension filter beyond this can only be a typo. */
  maxDimension: 1_000_000,
  tagList: 10_000,
  projectList: 10_000,
  collectionList: 1_000,
  /** Problems listed by maintenance and export reports (counts stay exact). */
  reportedProblems: 100,
  randomSeedMax: 2_147_483_647,
  /** Characters of one embedded metadata text an asset detail carries (a ComfyUI workflow can run to MBs). */
  embeddedTextChars: 200_000,
  /** Embedded metadata texts listed per asset (PNG chunks, EXIF fields...). */
  embeddedTexts: 50,
} as const;

const Id = z.number().int().positive();
const Ids = z.array(Id).min(1).max(LIBRARY_LIMITS.idsPerCall);
const Count = z.number().int().min(0);

/** No control characters in names: they would break file names, CLI output and FTS text alike. */
const NO_CONTROL = /^[^\p{Cc}]*$/u;

function nameSchema(max: number, what: string) {
  return z
    .string()
    .transform((value) => value.trim().replace(/\s+/gu, ' '))
    .pipe(
      z
        .string()
        .min(1, `a ${what} cannot be empty`)
        .max(max, `a ${what} has at most ${max} characters`)
        .regex(NO_CONTROL, `a ${what} cannot contain control characters`),
    );
}

/** Tag names are trimmed, inner whitespace collapsed, compared case-insensitively. */
export const TagName = nameSchema(LIBRARY_LIMITS.tagChars, 'tag');
export const ProjectName = nameSchema(LIBRARY_LIMITS.projectChars, 'project name');
export const CollectionName = nameSchema(LIBRARY_LIMITS.collectionNameChars, 'collection name');

export const ASSET_FORMATS = ['png', 'jpeg', 'webp'] as const;
export const AssetFormat = z.enum(ASSET_FORMATS);
export type AssetFormat = z.infer<typeof AssetFormat>;
/** What a summary reports; `other` covers an imported type outside the three the app writes. */
export const AssetFormatOrOther = z.enum([...ASSET_FORMATS, 'other']);

export const ASSET_SORTS = ['newest', 'oldest', 'rating', 'random'] as const;
export const AssetSort = z.enum(ASSET_SORTS);
export type AssetSort = z.infer<typeof AssetSort>;

export const AssetSource = z.enum(['generated', 'imported']);

const Dimension = z.number().int().min(1).max(LIBRARY_LIMITS.maxDimension);
/** Epoch milliseconds. */
const Time = z.number().int().min(0);

/**
 * What to find. Every field narrows the result (AND); lists inside a field are documented per field.
 * The same schema is the rule of a saved search, so a smart collection is exactly a search.
 */
export const AssetFilter = z.strictObject({
  /**
   * Words match prompt, negative prompt, tags, projects, model and file name (all words must match).
   * `"a phrase"`, `pref*` (prefix), `-word` (exclude), `tag:x` / `project:x` / `model:x` / `prompt:x` /
   * `negative:x` / `file:x` (one field). Anything else is taken literally; no syntax can make it fail.
   */
  text: z.string().max(LIBRARY_LIMITS.searchChars).optional(),
  /** Any of these backends. */
  backends: z.array(z.string().min(1).max(LIBRARY_LIMITS.backendChars)).max(LIBRARY_LIMITS.filterValues).optional(),
  /** Any of these models (exact id). */
  models: z.array(z.string().min(1).max(LIBRARY_LIMITS.modelChars)).max(LIBRARY_LIMITS.filterValues).optional(),
  /** In any of these projects. */
  projects: z.array(ProjectName).max(LIBRARY_LIMITS.filterValues).optional(),
  /** Carries every one of these tags. */
  tags: z.array(TagName).max(LIBRARY_LIMITS.filterValues).optional(),
  /** Carries none of these tags. */
  exclude_tags: z.array(TagName).max(LIBRARY_LIMITS.filterValues).optional(),
  /** true: no tag at all ("untagged" view). */
  untagged: z.boolean().optional(),
  /** true: in no project ("unfiled" view). */
  unfiled: z.boolean().optional(),
  /** Rating of at least this many stars (0–5). */
  rating_min: z.number().int().min(0).max(5).optional(),
  /** true: favourites only; false: everything but favourites. */
  favorite: z.boolean().optional(),
  source: AssetSource.optional(),
  /** Any of these file formats. */
  formats: z.array(AssetFormat).max(ASSET_FORMATS.length).optional(),
  min_width: Dimension.optional(),
  max_width: Dimension.optional(),
  min_height: Dimension.optional(),
  max_height: Dimension.optional(),
  /** Created at or after (epoch ms). */
  created_from: Time.optional(),
  /** Created before (epoch ms, exclusive). */
  created_to: Time.optional(),
});
export type AssetFilter = z.infer<typeof AssetFilter>;

export const AssetSearchInput = z.strictObject({
  filter: AssetFilter.optional(),
  /** newest (default), oldest, rating (stars, then newest), random (a shuffle fixed by `seed`). */
  sort: AssetSort.optional(),
  /** The shuffle of `sort: "random"`; the same seed gives the same order on every page. */
  seed: z.number().int().min(0).max(LIBRARY_LIMITS.randomSeedMax).optional(),
  limit: z.number().int().min(1).max(LIBRARY_LIMITS.pageSize).optional(),
  /** Keyset cursor: the `next` of the previous page (of the same filter, sort and seed). */
  cursor: z.string().max(LIBRARY_LIMITS.cursorChars).nullable().optional(),
  /** Also count every match (costs one more query; ask for it on the first page only). */
  count: z.boolean().optional(),
});
export type AssetSearchInput = z.infer<typeof AssetSearchInput>;

/** A saved search: the filter and how to sort it. */
export const SavedSearchRule = z.strictObject({
  filter: AssetFilter,
  sort: AssetSort.optional(),
});
export type SavedSearchRule = z.infer<typeof SavedSearchRule>;

export const AssetSummary = z.object({
  id: Id,
  sha256: z.string(),
  file_name: z.string(),
  format: AssetFormatOrOther,
  width: z.number().int(),
  height: z.number().int(),
  bytes: Count,
  source: AssetSource,
  backend: z.string().nullable(),
  model: z.string().nullable(),
  prompt: z.string().nullable(),
  negative_prompt: z.string().nullable(),
  seed: z.number().int().nullable(),
  rating: z.number().int().min(0).max(5),
  favorite: z.boolean(),
  tags: z.array(z.string()),
  projects: z.array(z.string()),
  has_thumbnail: z.boolean(),
  created_at: z.number(),
});
export type AssetSummary = z.infer<typeof AssetSummary>;

export const AssetPage = z.object({
  items: z.array(AssetSummary).max(LIBRARY_LIMITS.pageSize),
  next: z.string().nullable(),
  /** Only when `count: true` was asked. */
  total: Count.nullable(),
});
export type AssetPage = z.infer<typeof AssetPage>;

/**
 * One metadata text an imported file carried, verbatim: `source` says where it came from (`png:parameters`,
 * `png:workflow`, `exif:UserComment`, `jpeg:comment`, `xmp`, `stealth`). `text` stops after
 * `LIBRARY_LIMITS.embeddedTextChars`; `chars` is the full length, so a cut is visible.
 */
export const EmbeddedText = z.object({ source: z.string(), text: z.string(), chars: Count });
export type EmbeddedText = z.infer<typeof EmbeddedText>;

/** Everything known about one asset: metadata, organisation and provenance. */
export const AssetDetail = AssetSummary.extend({
  mime: z.string(),
  phash: z.string().nullable(),
  notes: z.string().nullable(),
  /** Library-relative (or import-root-relative) path of the original, for display. */
  rel_path: z.string(),
  /** Request parameters as sent (width, height, steps, cfg_scale, sampler, aspect_ratio...). */
  params: z.record(z.string(), z.json()).nullable(),
  cost_usd: z.number(),
  generation_ms: z.number().int().nullable(),
  job_id: Id.nullable(),
  attempt_id: Id.nullable(),
  batch_id: Id.nullable(),
  image_index: z.number().int().nullable(),
  /** The project and tags the job was submitted with (the organisation above may have changed since). */
  job_project: z.string().nullable(),
  job_tags: z.array(z.string()),
  attempt: z
    .object({
      number: z.number().int(),
      backend: z.string(),
      model: z.string().nullable(),
      started_at: z.number(),
      ended_at: z.number().nullable(),
      latency_ms: z.number().int().nullable(),
      cost_usd: z.number(),
    })
    .nullable(),
  /** The tool whose metadata an imported file carried (a1111, comfyui, novelai...), null when none was recognised. */
  generator: z.string().nullable(),
  /** Every metadata text the file carried (imported files; empty for generated ones, whose provenance is above). */
  embedded: z.array(EmbeddedText).max(LIBRARY_LIMITS.embeddedTexts),
});
export type AssetDetail = z.infer<typeof AssetDetail>;

// ---- organisation -----------------------------------------------------------------------------------

export const AssetUpdateInput = z
  .strictObject({
    ids: Ids,
    rating: z.number().int().min(0).max(5).optional(),
    favorite: z.boolean().optional(),
    /** null or "" clears the notes. */
    notes: z.string().max(LIBRARY_LIMITS.notesChars).nullable().optional(),
  })
  .refine((input) => input.rating !== undefined || input.favorite !== undefined || input.notes !== undefined, 'set rating, favorite or notes');
export type AssetUpdateInput = z.infer<typeof AssetUpdateInput>;

export const TagsChangeInput = z.strictObject({ ids: Ids, tags: z.array(TagName).min(1).max(LIBRARY_LIMITS.tagsPerCall) });
export type TagsChangeInput = z.infer<typeof TagsChangeInput>;

export const TagInfo = z.object({ id: Id, name: z.string(), count: Count });
export type TagInfo = z.infer<typeof TagInfo>;

export const Project = z.object({ id: Id, name: z.string(), count: Count, created_at: z.number() });
export type Project = z.infer<typeof Project>;

export const SavedSearch = z.object({ id: Id, name: z.string(), rule: SavedSearchRule, created_at: z.number(), updated_at: z.number() });
export type SavedSearch = z.infer<typeof SavedSearch>;

/** Event: assets whose organisation or existence changed (capped list; `all` when more changed). */
export const AssetsChanged = z.object({ ids: z.array(Id).max(1_000), all: z.boolean() });
export type AssetsChanged = z.infer<typeof AssetsChanged>;

// ---- duplicates -------------------------------------------------------------------------------------

export const DuplicatesInput = z.strictObject({
  /** Largest Hamming distance between 64-bit perceptual hashes that still counts as the same picture. */
  threshold: z.number().int().min(0).max(LIBRARY_LIMITS.maxDuplicateThreshold).optional(),
  /** Only look among these assets. */
  filter: AssetFilter.optional(),
  limit: z.number().int().min(1).max(LIBRARY_LIMITS.duplicateClusters).optional(),
});
export type DuplicatesInput = z.infer<typeof DuplicatesInput>;

export const DuplicateMember = z.object({
  id: Id,
  /** Hamming distance of its perceptual hash to the keeper's. */
  distance: z.number().int().min(0).max(64),
  width: z.number().int(),
  height: z.number().int(),
  bytes: Count,
  format: AssetFormatOrOther,
  rating: z.number().int(),
  has_metadata: z.boolean(),
  created_at: z.number(),
});
export const DuplicateCluster = z.object({
  /** Suggested image to keep: largest resolution, then has metadata, then highest rating, then oldest. */
  keeper_id: Id,
  size: z.number().int().min(2),
  /** Keeper first. */
  items: z.array(DuplicateMember).max(LIBRARY_LIMITS.clusterItems),
});
export type DuplicateCluster = z.infer<typeof DuplicateCluster>;
export const DuplicatesResult = z.object({
  threshold: z.number().int(),
  /** Assets with a perceptual hash that were compared. */
  scanned: Count,
  total_clusters: Count,
  clusters: z.array(DuplicateCluster).max(LIBRARY_LIMITS.duplicateClusters),
});
export type DuplicatesResult = z.infer<typeof DuplicatesResult>;

// ---- export -----------------------------------------------------------------------------------------

export const EXPORT_FORMATS = ['original', ...ASSET_FORMATS] as const;
export const ExportFormat = z.enum(EXPORT_FORMATS);
export type ExportFormat = z.infer<typeof ExportFormat>;

export const ExportInput = z
  .strictObject({
    /** A selection... */
    ids: Ids.optional(),
    /** ...or a search (every match, in the order of `sort`). */
    filter: AssetFilter.optional(),
    sort: AssetSort.optional(),
    /** Absolute path of the destination folder (created when missing). Nothing is written outside it. */
    to: z.string().min(1).max(LIBRARY_LIMITS.pathChars),
    /** One .zip file in `to` instead of loose files. */
    zip: z.boolean().optional(),
    /** original (default): the stored bytes; png/jpeg/webp: converted, generation metadata kept. */
    format: ExportFormat.optional(),
    /** Scale down so the longest side is at most this (never up). */
    max_side: z.number().int().min(16).max(16_384).optional(),
    /** JPEG/WebP quality when converting. */
    quality: z.number().int().min(1).max(100).optional(),
    /** Write `<name>.json` with the full metadata next to each image (default true). */
    sidecars: z.boolean().optional(),
  })
  .refine((input) => (input.ids === undefined) !== (input.filter === undefined), 'name either ids or a filter');
export type ExportInput = z.infer<typeof ExportInput>;

const Problem = z.object({ id: Id, reason: z.string() });

export const ExportResult = z.object({
  /** The folder written to, or the zip file. */
  path: z.string(),
  images: Count,
  sidecars: Count,
  /** Images whose generation metadata is embedded in the file itself (PNG text, EXIF UserComment). */
  metadata_embedded: Count,
  bytes: Count,
  skipped: Count,
  problems: z.array(Problem).max(LIBRARY_LIMITS.reportedProblems),
});
export type ExportResult = z.infer<typeof ExportResult>;

// ---- maintenance ------------------------------------------------------------------------------------

const FilesAndBytes = z.object({ files: Count, bytes: Count });
const Breakdown = z.array(z.object({ key: z.string().nullable(), count: Count, bytes: Count })).max(LIBRARY_LIMITS.projectList);

export const LibraryStats = z.object({
  assets: Count,
  /** Bytes of every indexed original (library and imported folders). */
  asset_bytes: Count,
  /** Files on disk inside the library, by kind. */
  kinds: z.object({
    images: FilesAndBytes,
    thumbnails: FilesAndBytes,
    sidecars: FilesAndBytes,
    cache: FilesAndBytes,
    exports: FilesAndBytes,
    checkpoints: FilesAndBytes,
    database: FilesAndBytes,
  }),
  by_backend: Breakdown,
  by_project: Breakdown,
  by_format: Breakdown,
  by_source: Breakdown,
});
export type LibraryStats = z.infer<typeof LibraryStats>;

export const CleanupInput = z.strictObject({ dry_run: z.boolean().optional() }).optional();
export const CleanupResult = z.object({
  dry_run: z.boolean(),
  cache_files: Count,
  cache_bytes: Count,
  orphan_thumbnails: Count,
  orphan_thumbnail_bytes: Count,
  temp_files: Count,
});
export type CleanupResult = z.infer<typeof CleanupResult>;

export const ThumbnailsInput = z.strictObject({ mode: z.enum(['missing', 'all']).optional() }).optional();
export const ThumbnailsResult = z.object({
  checked: Count,
  generated: Count,
  /** Perceptual hashes computed for assets that had none (so duplicates can find them). */
  phash_added: Count,
  failed: Count,
  problems: z.array(Problem).max(LIBRARY_LIMITS.reportedProblems),
});
export type ThumbnailsResult = z.infer<typeof ThumbnailsResult>;

export const RebuildResult = z.object({
  sidecars_read: Count,
  /** Images without a sidecar whose own embedded `apex` metadata was read instead. */
  embedded_read: Count,
  rows_updated: Count,
  rows_created: Count,
  /** Rows of library images whose file is gone. */
  rows_removed: Count,
  /** Rows kept as they were: their file exists but carries no readable metadata (e.g. imported in place). */
  rows_kept: Count,
  bad_files: Count,
  indexed_for_search: Count,
  problems: z.array(z.object({ file: z.string(), reason: z.string() })).max(LIBRARY_LIMITS.reportedProblems),
});
export type RebuildResult = z.infer<typeof RebuildResult>;

/** 'image/png' → 'png'. */
export function formatOfMime(mime: string): z.infer<typeof AssetFormatOrOther> {
  if (mime === 'image/png') return 'png';
  if (mime === 'image/jpeg') return 'jpeg';
  if (mime === 'image/webp') return 'webp';
  return 'other';
}

export const MIME_OF_FORMAT: Record<AssetFormat, string> = { png: 'image/png', jpeg: 'image/jpeg', webp: 'image/webp' };
