import { join } from 'node:path';
import sharp from 'sharp';
import { closeDatabase, openDatabase } from '../../main/core/db/connection';
import { migrate } from '../../main/core/db/migrations';
import { AssetFiles } from '../../main/core/library/asset-files';
import { AssetIndex } from '../../main/core/library/asset-index';
import { assetSink } from '../../main/core/library/asset-records';
import { openLibraryFolder } from '../../main/core/library/layout';
import { CommitGroup } from '../../main/core/queue/commit-group';
import type { OutputProvenance } from '../../main/core/queue/orchestrator';
import { elapsedMs, formatNumber, mapConcurrent, withTempDir, type BenchResult } from './report';

const IMAGES = 200;
const SIDE = 1024;
const CONCURRENCY = 4;
const ROUNDS = 2;
const WARM_UP = 8;
const TARGET_SHARE = 0.7;

/**
 * Distinct 1024×1024 RGB PNGs: a colour gradient shifted per image plus per-pixel noise, so they are as
 * large as real generated images (~2 MB) and no two share bytes. zlib level 4 (ComfyUI's default).
 */
async function makeImages(count: number): Promise<Buffer[]> {
  const images: Buffer[] = new Array<Buffer>(count);
  let state = 0x9e3779b9;
  const noise = (): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) & 7;
  };
  await mapConcurrent(
    Array.from({ length: count }, (_, i) => i),
    2,
    async (i) => {
      const raw = Buffer.alloc(SIDE * SIDE * 3);
      for (let y = 0; y < SIDE; y++) {
        for (let x = 0; x < SIDE; x++) {
          const o = (y * SIDE + x) * 3;
          const n = noise();
          raw[o] = ((x >> 2) + i * 7 + n) & 255;
          raw[o + 1] = ((y >> 2) + i * 13 + n) & 255;
          raw[o + 2] = (((x + y) >> 3) + i * 29 + n) & 255;
        }
      }
      images[i] = await sharp(raw, { raw: { width: SIDE, height: SIDE, channels: 3 } })
        .png({ compressionLevel: 4 })
        .toBuffer();
    },
  );
  return images;
}

function provenance(index: number, round: number): OutputProvenance {
  return {
    job_id: index + 1,
    attempt_id: index + 1,
    batch_id: 1,
    image_index: 0,
    image_count: 1,
    backend: 'sdxl',
    model: 'sd_xl_base_1.0',
    prompt: `a watercolor fox number ${index} in a misty birch forest at dawn, soft light, highly detailed (round ${round})`,
    negative_prompt: 'blurry, low quality, watermark',
    seed: 1_000 + index,
    params: { width: SIDE, height: SIDE, steps: 30, cfg_scale: 7, sampler: 'DPM++ 2M', count: 1 },
    cost_usd: 0,
    generation_ms: 4_000,
    project: 'Bench',
    tags: ['fox'],
    created_at: Date.now(),
  };
}

async function bareThumbnails(images: readonly Buffer[]): Promise<number> {
  const started = performance.now();
  await mapConcurrent(images, CONCURRENCY, async (png) => {
    await sharp(png).resize(256, 256, { fit: 'inside' }).webp().toBuffer();
  });
  return images.length / (elapsedMs(started) / 1000);
}

/**
 * What the orchestrator does with each image: the asset sink (files) and the row (AssetIndex.upsert),
 * committed as the orchestrator commits it — in a group with the other rows that are ready in the same
 * turn of the event loop, their search rows written together (queue/commit-group.ts).
 */
async function ingest(dir: string, images: readonly Buffer[], round: number): Promise<number> {
  const paths = openLibraryFolder(join(dir, `library-${round}`));
  const db = openDatabase(paths.database);
  try {
    migrate(db);
    // Rows without job/attempt links: this library has no jobs (foreign keys are on).
    const assets = new AssetIndex(db, paths.root);
    const sink = assetSink(new AssetFiles(paths));
    const commits = new CommitGroup(db, (work) => assets.indexTogether(work));
    const started = performance.now();
    await mapConcurrent(images, CONCURRENCY, async (png, i) => {
      const record = await sink.store({ bytes: png, mime: 'image/png' }, provenance(i, round));
      await commits.run(() => assets.upsert({ ...record, job_id: null, attempt_id: null }));
    });
    const rate = images.length / (elapsedMs(started) / 1000);
    const stored = assets.stats().assets;
    if (stored !== images.length) throw new Error(`ingest stored ${stored} of ${images.length} images`);
    return rate;
  } finally {
    closeDatabase(db);
  }
}

/**
 * Figure 4: ingest of 1024×1024 PNGs (decode, embed recipe, SHA-256, atomic writes of image, WebP
 * thumbnail and sidecar, phash, row) against a bare sharp thumbnail of the same images, both at
 * concurrency 4. Two interleaved rounds; the best round of each is compared.
 */
export async function benchIngest(): Promise<BenchResult> {
  const generated = performance.now();
  const images = await makeImages(IMAGES);
  const generationMs = elapsedMs(generated);
  const averageMb = images.reduce((sum, png) => sum + png.length, 0) / images.length / 1_048_576;

  return withTempDir('ingest', async (dir) => {
    const warmUp = images.slice(0, WARM_UP);
    await bareThumbnails(warmUp);
    await ingest(dir, warmUp, -1);

    const bare: number[] = [];
    const full: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      bare.push(await bareThumbnails(images));
      full.push(await ingest(dir, images, round));
    }
    const bestBare = Math.max(...bare);
    const bestFull = Math.max(...full);
    const share = bestFull / bestBare;
    return {
      name: `Ingest 1024² PNG vs bare sharp thumbnail (concurrency ${CONCURRENCY})`,
      value: share * 100,
      unit: '%',
      target: `≥ ${TARGET_SHARE * 100}%`,
      pass: share >= TARGET_SHARE,
      notes: [
        `ingest ${full.map((r) => formatNumber(r)).join(' / ')} images/s, bare thumbnail ${bare.map((r) => formatNumber(r)).join(' / ')} images/s (rounds); ` +
          `${IMAGES} distinct PNGs of ${formatNumber(averageMb)} MB on average, made in ${formatNumber(generationMs / 1000)} s`,
      ],
    };
  });
}
