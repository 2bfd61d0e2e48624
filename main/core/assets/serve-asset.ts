import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { isInside, type AssetResolution } from './resolve-asset';

export type OpenedAsset =
  | { status: 200; headers: Record<string, string>; size: number; open(): Readable }
  | { status: number; reason: string };

/**
 * The I/O half of asset serving: follows symlinks with `realpath` and checks containment again against the
 * real roots, so a link placed inside the library that points outside it is refused.
 */
export async function openResolvedAsset(resolution: AssetResolution, allowedRoots: readonly string[]): Promise<OpenedAsset> {
  if (resolution.status !== 200) return resolution;
  let real: string;
  try {
    real = await realpath(resolution.path);
  } catch {
    return { status: 404, reason: 'file missing' };
  }
  const realRoots = await Promise.all(allowedRoots.map((root) => realpath(root).catch(() => null)));
  if (!realRoots.some((root) => root !== null && isInside(root, real))) return { status: 403, reason: 'outside its root' };
  const info = await stat(real);
  if (!info.isFile()) return { status: 404, reason: 'not a file' };
  return {
    status: 200,
    headers: { ...resolution.headers, 'Content-Length': String(info.size) },
    size: info.size,
    open: () => createReadStream(real),
  };
}
