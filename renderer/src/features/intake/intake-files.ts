import { BATCH_LIMITS } from '../../../../shared/domain/batch';

/**
 * What a dropped or opened file is for: a batch file (previewed, then queued), an image (imported), or
 * neither (left alone and named in the dialog). Decided by extension, as the batch parser and the import
 * decide (the core confirms by content).
 */
export type FileKind = 'batch' | 'image' | 'other';

/** The batch parser's extensions (main/core/batch/parse-file.ts BY_EXTENSION; a unit test keeps them equal). */
export const BATCH_EXTENSIONS = ['.txt', '.text', '.prompts', '.csv', '.tsv', '.tab', '.json', '.jsonl', '.ndjson'] as const;
/** Images the library imports (PNG, JPEG, WebP). */
export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.webp'] as const;

/** The file picker's `accept`: batch files and images. */
export const OPEN_ACCEPT = [...BATCH_EXTENSIONS, ...IMAGE_EXTENSIONS].join(',');

export function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? '' : name.slice(dot).toLowerCase();
}

export function classifyName(name: string): FileKind {
  const ext = extensionOf(name);
  if ((BATCH_EXTENSIONS as readonly string[]).includes(ext)) return 'batch';
  if ((IMAGE_EXTENSIONS as readonly string[]).includes(ext)) return 'image';
  return 'other';
}

/** A dropped file with where it was found (`shots/a.csv` for a file inside a dropped folder). */
export interface FoundFile<F extends { name: string; size: number } = File> {
  file: F;
  /** Path relative to what was dropped; the file's name for a loose file. */
  relativePath: string;
}

export interface SortedDrop<F extends { name: string; size: number } = File> {
  batch: FoundFile<F>[];
  images: FoundFile<F>[];
  /** Other files (hidden files too), by relative path: shown, never sent. */
  ignored: string[];
}

/** Hidden files (`.DS_Store`) and folders are tool litter, as the core's folder walks treat them. */
function isHidden(relativePath: string): boolean {
  return relativePath.split('/').some((part) => part.startsWith('.'));
}

export function sortDrop<F extends { name: string; size: number }>(files: readonly FoundFile<F>[]): SortedDrop<F> {
  const sorted: SortedDrop<F> = { batch: [], images: [], ignored: [] };
  for (const found of files) {
    const kind = isHidden(found.relativePath) ? 'other' : classifyName(found.file.name);
    if (kind === 'batch') sorted.batch.push(found);
    else if (kind === 'image') sorted.images.push(found);
    else sorted.ignored.push(found.relativePath);
  }
  return sorted;
}

/**
 * What the overlay says while files are dragged over the window. During a drag the page sees only the
 * MIME types of the items, not their names: images are `image/*`; batch files are text, JSON or (for
 * .jsonl, or a folder) no type at all, so anything that is not an image counts as a batch file.
 */
export type DragIntent = 'batch' | 'images' | 'mixed';

export function dragIntent(itemTypes: readonly string[]): DragIntent {
  if (itemTypes.length === 0) return 'batch';
  const images = itemTypes.filter((type) => type.startsWith('image/')).length;
  if (images === itemTypes.length) return 'images';
  return images === 0 ? 'batch' : 'mixed';
}

export const DRAG_MESSAGES: Record<DragIntent, string> = {
  batch: 'Drop batch files to preview',
  images: 'Drop images to import',
  mixed: 'Drop to preview the batch files and import the images',
};

/** A batch file over the parser's per-file limit is refused here, before it is read into memory. */
export function batchFileProblem(file: { name: string; size: number }): string | null {
  if (file.size > BATCH_LIMITS.fileBytes) {
    return `${file.name} is ${(file.size / 1_048_576).toFixed(1)} MB; a batch file may be at most ${BATCH_LIMITS.fileBytes / 1_048_576} MB.`;
  }
  return null;
}

/** Batch files of one preview: the parser's per-call limits, checked before anything is read. */
export function batchDropProblem(files: readonly { name: string; size: number }[]): string | null {
  if (files.length > BATCH_LIMITS.filesPerCall) return `${files.length} batch files were dropped; one preview takes at most ${BATCH_LIMITS.filesPerCall}. Drop fewer at a time.`;
  const total = files.reduce((sum, file) => sum + file.size, 0);
  if (total > BATCH_LIMITS.requestBytes) {
    return `The batch files total ${(total / 1_048_576).toFixed(1)} MB; one preview takes at most ${BATCH_LIMITS.requestBytes / 1_048_576} MB. Drop fewer at a time.`;
  }
  for (const file of files) {
    const problem = batchFileProblem(file);
    if (problem) return problem;
  }
  return null;
}
