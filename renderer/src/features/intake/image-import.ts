import type { ApexClient } from '../../../../shared/client';
import type { ImportSummary } from '../../../../shared/domain/import';
import { UPLOAD_LIMITS } from '../../../../shared/methods/uploads';
import type { FoundFile } from './intake-files';

/**
 * Dropped images into the library. The desktop app knows each file's path (the preload's `pathForFile`)
 * and calls `library.import` with them; browser mode has no paths and sends the bytes with
 * `library.importUpload`, split into calls that stay inside UPLOAD_LIMITS. Either way the outcome is one
 * summary in the shape `library.import` returns.
 */

export interface SizedFile {
  name: string;
  size: number;
}

export interface UploadPlan<F extends SizedFile> {
  /** Calls to make, in order, each within the per-call count and byte limits. */
  chunks: F[][];
  /** Files bigger than one upload may be, with the reason. */
  refused: Array<{ file: F; reason: string }>;
}

const mb = (bytes: number) => `${(bytes / 1_048_576).toFixed(1)} MB`;

export function planUploads<F extends SizedFile>(files: readonly F[]): UploadPlan<F> {
  const plan: UploadPlan<F> = { chunks: [], refused: [] };
  let chunk: F[] = [];
  let bytes = 0;
  for (const file of files) {
    if (file.size > UPLOAD_LIMITS.fileBytes) {
      plan.refused.push({
        file,
        reason: `${mb(file.size)}; an image sent from the browser may be at most ${UPLOAD_LIMITS.fileBytes / 1_048_576} MB (the desktop app and \`apex-director import\` take any size)`,
      });
      continue;
    }
    if (chunk.length >= UPLOAD_LIMITS.filesPerCall || bytes + file.size > UPLOAD_LIMITS.callBytes) {
      plan.chunks.push(chunk);
      chunk = [];
      bytes = 0;
    }
    chunk.push(file);
    bytes += file.size;
  }
  if (chunk.length > 0) plan.chunks.push(chunk);
  return plan;
}

/** Adds the second summary's counts and lists to the first's (several upload calls make one import). */
export function mergeSummaries(a: ImportSummary, b: ImportSummary): ImportSummary {
  return {
    import_id: a.import_id,
    total: a.total + b.total,
    imported: a.imported + b.imported,
    already_present: a.already_present + b.already_present,
    failed: [...a.failed, ...b.failed],
    failed_unlisted: a.failed_unlisted + b.failed_unlisted,
    skipped_non_images: a.skipped_non_images + b.skipped_non_images,
    notes: [...a.notes, ...b.notes],
    roots: [...new Set([...a.roots, ...b.roots])],
    copied: a.copied && b.copied,
    duration_ms: a.duration_ms + b.duration_ms,
  };
}

function emptySummary(copied: boolean): ImportSummary {
  return { import_id: 'none', total: 0, imported: 0, already_present: 0, failed: [], failed_unlisted: 0, skipped_non_images: 0, notes: [], roots: [], copied, duration_ms: 0 };
}

function readBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      const url = String(reader.result);
      resolve(url.slice(url.indexOf(',') + 1));
    };
    reader.onerror = () => reject(reader.error ?? new Error(`${file.name} could not be read`));
    reader.readAsDataURL(file);
  });
}

export interface ImportOptions {
  /** Electron: the file's path, or null. Absent in browser mode. */
  pathForFile?: ((file: File) => string | null) | undefined;
  /** With paths: copy the images into the library instead of indexing them where they are. */
  copy: boolean;
  /** Called after each upload call with the files done so far. */
  onChunk?: (done: number, total: number) => void;
}

export async function importDroppedImages(client: ApexClient, found: readonly FoundFile[], options: ImportOptions): Promise<ImportSummary> {
  const files = found.map((f) => f.file);
  const paths = options.pathForFile ? files.map((file) => options.pathForFile!(file)) : [];
  if (files.length > 0 && paths.length === files.length && paths.every((path): path is string => typeof path === 'string' && path !== '')) {
    return client.call('library.import', { paths, copy: options.copy });
  }

  const plan = planUploads(files);
  let summary = emptySummary(true);
  summary = {
    ...summary,
    total: plan.refused.length,
    failed: plan.refused.map(({ file, reason }) => ({ path: file.name, reason })),
  };
  let done = 0;
  for (const chunk of plan.chunks) {
    const sent = await Promise.all(chunk.map(async (file) => ({ name: file.name, data_base64: await readBase64(file), modified_ms: Math.max(0, Math.round(file.lastModified)) })));
    const result = await client.call('library.importUpload', { files: sent });
    summary = summary.import_id === 'none' ? { ...mergeSummaries(summary, result), import_id: result.import_id } : mergeSummaries(summary, result);
    done += chunk.length;
    options.onChunk?.(done, files.length);
  }
  return summary;
}
