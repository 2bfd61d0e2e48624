import { join } from 'node:path';
import sharp from 'sharp';
import { createCore, type Core } from '../../../main/core';
import { recordFromSidecar } from '../../../main/core/library/asset-records';
import { silentLogger } from '../../../main/core/log';
import type { AssetProvenance } from '../../../main/core/library/sidecar';

/** A fresh library in a temp folder, opened through createCore (the same core the app and CLI use). */
export async function openLibrary(base: string): Promise<Core> {
  return createCore({ library: join(base, 'library'), log: silentLogger, keychainService: null });
}

export const PROVENANCE: AssetProvenance = {
  job_id: null,
  attempt_id: null,
  batch_id: null,
  image_index: null,
  image_count: null,
  backend: 'nano_banana',
  model: 'gemini-3.1-flash-image',
  prompt: 'a picture',
  negative_prompt: null,
  seed: 1234,
  params: { steps: 30, cfg_scale: 7, sampler: 'Euler a' },
  cost_usd: 0.039,
  generation_ms: 4200,
  project: null,
  tags: [],
};

/**
 * Stores real image bytes the way a generation does (image with its recipe embedded, thumbnail, sidecar)
 * and indexes the row; returns the asset id.
 */
export async function storeImage(core: Core, bytes: Uint8Array, provenance: Partial<AssetProvenance> = {}, source: 'generated' | 'imported' = 'generated'): Promise<number> {
  const stored = await core.pipeline.files.store({ bytes, mime: 'image/png' }, { ...PROVENANCE, ...provenance }, { source });
  const sidecar = await core.pipeline.files.readSidecar(stored.sha256);
  if (!sidecar) throw new Error('sidecar missing after store');
  return core.pipeline.assets.upsert(recordFromSidecar(sidecar)).id;
}

/**
 * A picture with structure, different for each `seed` (so perceptual hashes differ): a gradient, a few
 * shapes at seed-dependent places, some text-like stripes.
 */
export function scene(seed: number, width = 640, height = 480): Promise<Buffer> {
  const r = (i: number) => {
    let t = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(i + 1, 0xc2b2ae35);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const shapes = Array.from({ length: 6 }, (_, i) => {
    const x = Math.round(r(i) * width * 0.8);
    const y = Math.round(r(i + 10) * height * 0.8);
    const s = Math.round(40 + r(i + 20) * width * 0.3);
    const colour = `hsl(${Math.round(r(i + 30) * 360)}, 80%, ${30 + Math.round(r(i + 40) * 40)}%)`;
    return i % 2 === 0 ? `<rect x="${x}" y="${y}" width="${s}" height="${s / 2}" fill="${colour}"/>` : `<circle cx="${x}" cy="${y}" r="${s / 2}" fill="${colour}"/>`;
  }).join('');
  const angle = Math.round(r(99) * 360);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <defs><linearGradient id="g" gradientTransform="rotate(${angle})"><stop offset="0" stop-color="#0b1f3a"/><stop offset="1" stop-color="#f2d16b"/></linearGradient></defs>
    <rect width="100%" height="100%" fill="url(#g)"/>${shapes}</svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}
