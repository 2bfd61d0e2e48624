import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { writeFileAtomic } from '../fs/atomic-write';

/**
 * The JSON file written next to every stored image (DESIGN §5, `assets/metadata/<2>/<sha256>.json`).
 * It holds everything the `assets` row holds, so `library check --repair` can rebuild the index from
 * files alone; it is written LAST, so its presence also proves the image and thumbnail are complete.
 */

export const SIDECAR_VERSION = 1;
/** Keyword of the PNG iTXt chunk that carries the provenance JSON inside generated PNGs. */
export const APEX_CHUNK_KEYWORD = 'apex';
/** Sidecars are small; anything bigger is not ours and is refused before parsing. */
export const MAX_SIDECAR_BYTES = 4 * 1024 * 1024;

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a lowercase hex SHA-256');
const Id = z.number().int().positive();
/** Library-relative, forward slashes, no `..`: a sidecar can never point outside the library. */
const RelPath = z
  .string()
  .min(1)
  .max(1024)
  .refine((p) => !p.startsWith('/') && !p.includes('\\') && !p.split('/').includes('..'), 'a library-relative path');
const Text = z.string().max(100_000);

export const AssetProvenance = z.object({
  job_id: Id.nullable(),
  attempt_id: Id.nullable(),
  batch_id: Id.nullable(),
  /** Position of this image in its attempt's output, and how many the attempt produced. */
  image_index: z.number().int().min(0).nullable(),
  image_count: z.number().int().min(1).nullable(),
  backend: z.string().max(100).nullable(),
  model: z.string().max(200).nullable(),
  prompt: Text.nullable(),
  negative_prompt: Text.nullable(),
  seed: z.number().int().nullable(),
  /** Request parameters as sent (width, height, steps, cfg_scale, sampler, aspect_ratio, count, quality_level...). */
  params: z.record(z.string().max(100), z.json()),
  cost_usd: z.number().min(0),
  generation_ms: z.number().int().min(0).nullable(),
  project: z.string().max(200).nullable(),
  tags: z.array(z.string().max(100)).max(200),
});
export type AssetProvenance = z.infer<typeof AssetProvenance>;

export const AssetSidecar = z.object({
  version: z.literal(SIDECAR_VERSION),
  sha256: Sha256,
  /** The image, relative to the library root. */
  file: RelPath,
  /** The WebP thumbnail, relative to the library root. */
  thumbnail: RelPath.nullable(),
  mime: z.enum(['image/png', 'image/jpeg', 'image/webp']),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  bytes: z.number().int().min(0),
  phash: z.string().regex(/^[0-9a-f]{16}$/).nullable(),
  source: z.enum(['generated', 'imported']),
  /** Epoch milliseconds. */
  created_at: z.number().int().min(0),
  provenance: AssetProvenance,
});
export type AssetSidecar = z.infer<typeof AssetSidecar>;

/** What the `apex` PNG chunk holds: versioned, so later readers can tell old layouts apart. */
export const ApexEmbeddedMetadata = z.object({
  apex_version: z.literal(SIDECAR_VERSION),
  provenance: AssetProvenance,
});
export type ApexEmbeddedMetadata = z.infer<typeof ApexEmbeddedMetadata>;

export function parseSidecar(json: string, origin = 'sidecar'): AssetSidecar {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (error) {
    throw new Error(`${origin} is not valid JSON.`, { cause: error });
  }
  const result = AssetSidecar.safeParse(data);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
    throw new Error(`${origin} does not match the sidecar schema${where}: ${issue?.message ?? 'invalid'}`);
  }
  return result.data;
}

export function serializeSidecar(sidecar: AssetSidecar): string {
  return `${JSON.stringify(AssetSidecar.parse(sidecar), null, 2)}\n`;
}

/** null when the file does not exist; throws when it exists but is unreadable or invalid. */
export async function readSidecarFile(path: string): Promise<AssetSidecar | null> {
  let buffer: Buffer;
  try {
    buffer = await readFile(path);
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
  if (buffer.length > MAX_SIDECAR_BYTES) throw new Error(`Sidecar ${path} is ${buffer.length} bytes, over the ${MAX_SIDECAR_BYTES}-byte limit.`);
  return parseSidecar(buffer.toString('utf8'), `Sidecar ${path}`);
}

export function writeSidecarFile(path: string, sidecar: AssetSidecar): void {
  writeFileAtomic(path, serializeSidecar(sidecar));
}

/**
 * JSON with object keys sorted at every level, so equal provenance always embeds as equal bytes and the
 * same generated image is content-addressed to the same file however the caller built the object.
 */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner !== null && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : inner,
  );
}

export function isNotFound(error: unknown): boolean {
  return error instanceof Error && 'code' in error && (error as NodeJS.ErrnoException).code === 'ENOENT';
}
