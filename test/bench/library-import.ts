import { mkdirSync, readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { createCore } from '../../main/core';
import { DEFAULT_IMPORT_CONCURRENCY } from '../../main/core/library/import-service';
import { insertPngTextChunks, readPngTextChunks } from '../../main/core/library/png-text';
import { silentLogger } from '../../main/core/log';
import { elapsedMs, formatNumber, mapConcurrent, withTempDir, type BenchResult } from './report';

const FILES = 1_000;
/** Distinct pixel contents; every file still has distinct bytes (its own metadata), so nothing is deduplicated. */
const DISTINCT_IMAGES = 16;
const SIDE = 1024;
const ROUNDS = 2;
const TARGET_SHARE = 0.7;
const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'real-images');

/** Noisy 1024² RGB PNGs, ~2 MB like real generations (zlib level 4, ComfyUI's default). */
async function makePixels(count: number): Promise<Buffer[]> {
  let state = 0x2545f491;
  const noise = (): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) & 7;
  };
  const images: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const raw = Buffer.alloc(SIDE * SIDE * 3);
    for (let p = 0, y = 0; y < SIDE; y++) {
      for (let x = 0; x < SIDE; x++, p += 3) {
        const n = noise();
        raw[p] = ((x >> 2) + i * 7 + n) & 255;
        raw[p + 1] = ((y >> 2) + i * 13 + n) & 255;
        raw[p + 2] = (((x + y) >> 3) + i * 29 + n) & 255;
      }
    }
    images.push(await sharp(raw, { raw: { width: SIDE, height: SIDE, channels: 3 } }).png({ compressionLevel: 4 }).toBuffer());
  }
  return images;
}

/**
 * Half the files carry A1111 infotext, half a real ComfyUI graph and workflow (the krea2 sample's,
 * 37 KB, with subgraph ids): the two formats import meets most, the second the costlier to parse.
 */
async function writeFolder(dir: string, pixels: readonly Buffer[]): Promise<string[]> {
  const chunks = new Map(readPngTextChunks(readFileSync(join(FIXTURES, 'krea2.png'))).map((c) => [c.keyword, c.text]));
  const prompt = chunks.get('prompt')!;
  const workflow = chunks.get('workflow')!;
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  await mapConcurrent(
    Array.from({ length: FILES }, (_, i) => i),
    4,
    async (i) => {
      const base = pixels[i % pixels.length]!;
      const text =
        i % 2 === 0
          ? [{ keyword: 'parameters', text: `a watercolor fox number ${i} in a misty birch forest at dawn, soft light\nNegative prompt: blurry, watermark\nSteps: 30, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 7, Seed: ${1_000 + i}, Size: 1024x1024, Model hash: 45a21ea00a, Model: sdxl_base, Version: v1.10.1` }]
          : [
              { keyword: 'prompt', text: prompt.replace('371644226245214', String(1_000_000 + i)) },
              { keyword: 'workflow', text: workflow },
            ];
      const file = join(dir, `image-${String(i).padStart(4, '0')}.png`);
      await writeFile(file, insertPngTextChunks(base, text));
      files[i] = file;
    },
  );
  return files;
}

/** The baseline: read each file and make a 256 px WebP thumbnail with sharp, nothing else. */
async function bareThumbnails(files: readonly string[], concurrency: number): Promise<number> {
  const started = performance.now();
  await mapConcurrent(files, concurrency, async (file) => {
    await sharp(await readFile(file)).resize(256, 256, { fit: 'inside' }).webp().toBuffer();
  });
  return files.length / (elapsedMs(started) / 1000);
}

/** The real thing: `library.import` through the contract on a fresh library, in place. */
async function importFolder(dir: string, folder: string, round: number): Promise<{ rate: number; imported: number }> {
  const core = await createCore({ library: join(dir, `library-${round}`), log: silentLogger, keychainService: null });
  try {
    const started = performance.now();
    const summary = await core.client.call('library.import', { paths: [folder] });
    const rate = summary.total / (elapsedMs(started) / 1000);
    if (summary.imported !== FILES || summary.failed.length > 0) throw new Error(`import imported ${summary.imported} of ${FILES}, ${summary.failed.length} failed`);
    return { rate, imported: summary.imported };
  } finally {
    await core.close();
  }
}

/**
 * Import of 1,000 1024×1024 PNGs with generation metadata (walk, sniff, SHA-256, decode to thumbnail
 * and perceptual hash, metadata parse incl. the ComfyUI graph walk, atomic thumbnail + sidecar writes,
 * rows) against a bare sharp thumbnail of the same files at the same concurrency (the importer's
 * default for this machine). Interleaved rounds; the best of each is compared.
 */
export async function benchImport(): Promise<BenchResult> {
  const concurrency = DEFAULT_IMPORT_CONCURRENCY;
  return withTempDir('import', async (dir) => {
    const generated = performance.now();
    const folder = join(dir, 'pictures');
    const files = await writeFolder(folder, await makePixels(DISTINCT_IMAGES));
    const generationMs = elapsedMs(generated);
    const averageMb = (await Promise.all(files.slice(0, 20).map(async (f) => (await readFile(f)).length))).reduce((a, b) => a + b, 0) / 20 / 1_048_576;

    await bareThumbnails(files.slice(0, 16), concurrency); // warm-up: sharp, page cache
    const bare: number[] = [];
    const imported: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      bare.push(await bareThumbnails(files, concurrency));
      imported.push((await importFolder(dir, folder, round)).rate);
    }
    const bestBare = Math.max(...bare);
    const bestImport = Math.max(...imported);
    const share = bestImport / bestBare;
    return {
      name: `Import of ${formatNumber(FILES)} 1024² PNGs with metadata vs bare sharp thumbnail`,
      value: share * 100,
      unit: '%',
      target: `≥ ${TARGET_SHARE * 100}%`,
      pass: share >= TARGET_SHARE,
      notes: [
        `import ${formatNumber(bestImport)} images/s vs bare thumbnail ${formatNumber(bestBare)} images/s, both at concurrency ${concurrency} (rounds: import ${imported.map((r) => formatNumber(r)).join(', ')}; bare ${bare.map((r) => formatNumber(r)).join(', ')})`,
        `files average ${averageMb.toFixed(2)} MB; half A1111 infotext, half ComfyUI graph + workflow (37 KB); made in ${formatNumber(generationMs / 1000)} s`,
      ],
    };
  });
}
