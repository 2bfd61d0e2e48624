import { z } from 'zod';
import {
  AssetDetail,
  AssetPage,
  AssetSearchInput,
  CleanupInput,
  CleanupResult,
  DuplicatesInput,
  DuplicatesResult,
  ExportInput,
  ExportResult,
  LIBRARY_LIMITS,
  LibraryStats,
  RebuildResult,
  ThumbnailsInput,
  ThumbnailsResult,
} from '../domain/assets';
import { Id, NoInput, method } from './method';

const Ids = z.array(Id).min(1).max(LIBRARY_LIMITS.idsPerCall);

/**
 * The asset library (issue 5 part B): search, details, near duplicates, export, storage statistics and
 * maintenance. Organisation (ratings, tags, projects, saved searches) is in organise.ts. Images are
 * shown by URL (`apex-asset://<kind>/<id>`), never sent through here.
 */
export const assetsMethods = {
  /** Full-text search plus filters, sorted, one keyset page at a time. */
  'assets.search': method(AssetSearchInput.optional(), AssetPage),
  /** Every metadata field and the provenance of one asset. */
  'assets.get': method(z.strictObject({ id: Id }), AssetDetail),
  /** Clusters of near-identical images (perceptual hash) with a suggested keeper each. */
  'assets.duplicates': method(DuplicatesInput.optional(), DuplicatesResult),
  /** Copies a selection or a search to a folder or a zip, optionally converted and scaled, metadata kept. */
  'assets.export': method(ExportInput, ExportResult),
  /** Removes assets from the library (their stored copies, thumbnails and sidecars too; never an imported original). */
  'assets.delete': method(z.strictObject({ ids: Ids }), z.object({ deleted: z.number().int().min(0), files_removed: z.number().int().min(0) })),
  /** Files and bytes by kind, backend, project, format and source. */
  'assets.stats': method(NoInput, LibraryStats),

  /** Empties the cache and removes thumbnails and half-written files nothing refers to (`dry_run` only counts). */
  'library.cleanup': method(CleanupInput, CleanupResult),
  /** Regenerates missing (default) or all thumbnails, and perceptual hashes an asset lacks. */
  'library.thumbnails': method(ThumbnailsInput, ThumbnailsResult),
  /** Rebuilds the index from the sidecars and embedded metadata, keeping ratings, tags and projects. */
  'library.rebuild': method(NoInput, RebuildResult),
} as const;
