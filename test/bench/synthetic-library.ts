import type { Db } from '../../main/core/db/connection';
import { REBUILD_FTS_SQL } from '../../main/core/db/migrations/0020-library';

/**
 * A synthetic library of N asset rows written straight into SQL (no image files): prompts drawn from a
 * Zipf-distributed vocabulary like real prompt text, tags and projects through the job columns (filed
 * into the organisation tables in bulk), ratings, favourites, sizes, formats, backends, a
 * two-year spread of dates and perceptual hashes with a share of near-duplicate clusters. Deterministic:
 * the same N gives the same library.
 */

const COMMON_WORDS = [
  'portrait', 'landscape', 'forest', 'mountain', 'city', 'night', 'sunset', 'dawn', 'fox', 'cat', 'dog', 'dragon', 'castle', 'ocean',
  'river', 'lighthouse', 'robot', 'astronaut', 'flower', 'garden', 'street', 'rain', 'snow', 'desert', 'neon', 'cyberpunk', 'watercolor',
  'oil', 'painting', 'photo', 'cinematic', 'lighting', 'detailed', 'highly', 'soft', 'light', 'misty', 'golden', 'hour', 'dramatic',
  'clouds', 'sky', 'woman', 'man', 'child', 'old', 'young', 'knight', 'wizard', 'witch', 'ship', 'train', 'car', 'bicycle', 'cafe',
  'interior', 'kitchen', 'library', 'books', 'candle', 'lantern', 'moon', 'stars', 'galaxy', 'planet', 'alien', 'monster', 'tree',
  'birch', 'oak', 'pine', 'leaves', 'autumn', 'winter', 'spring', 'summer', 'beach', 'waves', 'harbor', 'bridge', 'tower', 'temple',
  'ruins', 'cave', 'crystal', 'gem', 'gold', 'silver', 'bronze', 'marble', 'wood', 'stone', 'glass', 'mirror', 'smoke', 'fire',
  'masterpiece', 'best', 'quality', 'sharp', 'focus', 'bokeh', 'wide', 'angle', 'closeup', 'macro', 'anime', 'illustration', 'sketch',
];
const SYLLABLES = ['ka', 'lo', 'mi', 'ren', 'tor', 'vel', 'sa', 'qui', 'dor', 'fen', 'gal', 'hi', 'jun', 'pra', 'zel', 'bru', 'cy', 'no', 'wes', 'tha'];
const NEGATIVES = ['blurry, low quality, watermark', 'text, signature, jpeg artifacts', 'extra fingers, deformed hands', 'oversaturated, noisy'];
const BACKENDS = ['nano_banana', 'nano_banana', 'nano_banana', 'imagen', 'imagen', 'minimax', 'sdxl', 'sdxl', 'demo'];
const MODELS: Record<string, string[]> = {
  nano_banana: ['gemini-3.1-flash-image', 'gemini-2.5-flash-image'],
  imagen: ['imagen-4.0-generate-001', 'imagen-4.0-ultra-generate-001'],
  minimax: ['image-01'],
  sdxl: ['sd_xl_base_1.0', 'juggernautXL_v9', 'ponyDiffusionV6XL'],
  demo: ['demo'],
};
const SIZES: Array<[number, number]> = [[1024, 1024], [1024, 1024], [832, 1216], [1216, 832], [1344, 768], [768, 1344], [2048, 2048], [512, 512]];
const MIMES = ['image/png', 'image/png', 'image/png', 'image/png', 'image/jpeg', 'image/jpeg', 'image/webp'];
const TAG_COUNT = 300;
const PROJECT_COUNT = 60;
const TWO_YEARS_MS = 2 * 365 * 24 * 3_600_000;
const CHUNK_ROWS = 1_000;
/** Share of assets that are a near-duplicate of an earlier one (a few bits of its hash flipped). */
const NEAR_DUPLICATE_SHARE = 0.05;

/** mulberry32: small, fast, deterministic. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Index in [0, n) with probability ∝ 1/(rank+1): a few words are everywhere, most are rare. */
function zipf(random: () => number, n: number): number {
  const hn = Math.log(n) + 0.5772;
  return Math.min(n - 1, Math.floor(Math.exp(random() * hn) - 1));
}

function vocabulary(random: () => number): string[] {
  const words = [...COMMON_WORDS];
  while (words.length < 3_000) {
    const parts = 2 + Math.floor(random() * 2);
    let word = '';
    for (let i = 0; i < parts; i++) word += SYLLABLES[Math.floor(random() * SYLLABLES.length)]!;
    words.push(word);
  }
  return words;
}

function hex(random: () => number, chars: number): string {
  let out = '';
  for (let i = 0; i < chars; i++) out += Math.floor(random() * 16).toString(16);
  return out;
}

function flipBits(phash: string, random: () => number, bits: number): string {
  let value = BigInt(`0x${phash}`);
  for (let i = 0; i < bits; i++) value ^= 1n << BigInt(Math.floor(random() * 64));
  return value.toString(16).padStart(16, '0');
}

export interface SyntheticOptions {
  count: number;
  seed?: number;
  /** Newest asset's time (epoch ms). */
  now?: number;
}

/** Inserts `count` assets in one transaction; returns how long it took (trigger cost included). */
export function populateSyntheticLibrary(db: Db, options: SyntheticOptions): { ms: number } {
  const random = rng(options.seed ?? 42);
  const words = vocabulary(random);
  const tags = Array.from({ length: TAG_COUNT }, (_, i) => (i < 40 ? `${COMMON_WORDS[i]}-style` : `tag ${words[100 + i]}`));
  const projects = Array.from({ length: PROJECT_COUNT }, (_, i) => `Project ${words[500 + i]} ${i}`);
  const now = options.now ?? Date.UTC(2026, 0, 1);
  const columns = [
    'sha256', 'rel_path', 'thumb_rel_path', 'mime', 'width', 'height', 'bytes', 'phash', 'source', 'backend', 'model', 'prompt', 'negative_prompt',
    'seed', 'params_json', 'cost_usd', 'generation_ms', 'project', 'tags_json', 'created_at', 'rating', 'favorite',
  ];
  // Rows go in by chunks, one INSERT … SELECT per chunk, the way a restore or a rebuild writes them: the
  // FTS triggers then flush once per statement instead of once per row (migration 0020 explains why).
  const insertChunk = db.prepare(`INSERT INTO assets (${columns.join(', ')}) SELECT ${columns.map((c) => `value ->> '${c}'`).join(', ')} FROM json_each(?)`);
  const rows: Array<Record<string, string | number | null>> = [];
  const insert = { run: (row: Record<string, string | number | null>) => rows.push(row) };
  const hashes: string[] = [];
  const started = performance.now();
  db.transaction(() => {
    for (let i = 0; i < options.count; i++) {
      const sha = hex(random, 64);
      const mime = MIMES[Math.floor(random() * MIMES.length)]!;
      const ext = mime === 'image/png' ? 'png' : mime === 'image/jpeg' ? 'jpg' : 'webp';
      const [width, height] = SIZES[Math.floor(random() * SIZES.length)]!;
      const backend = BACKENDS[Math.floor(random() * BACKENDS.length)]!;
      const models = MODELS[backend]!;
      const promptWords = Array.from({ length: 12 + Math.floor(random() * 28) }, () => words[zipf(random, words.length)]!);
      const tagCount = Math.floor(random() * 5);
      const assetTags = [...new Set(Array.from({ length: tagCount }, () => tags[zipf(random, tags.length)]!))];
      const phash = hashes.length > 0 && random() < NEAR_DUPLICATE_SHARE ? flipBits(hashes[Math.floor(random() * hashes.length)]!, random, 1 + Math.floor(random() * 4)) : hex(random, 16);
      hashes.push(phash);
      const ratingRoll = random();
      insert.run({
        sha256: sha,
        rel_path: random() < 0.9 ? `assets/images/${sha.slice(0, 2)}/${sha}.${ext}` : `imported/shoot-${i % 97}/IMG_${1000 + i}.${ext}`,
        thumb_rel_path: `assets/thumbnails/${sha.slice(0, 2)}/${sha}.webp`,
        mime,
        width,
        height,
        bytes: Math.floor(width * height * (ext === 'png' ? 1.4 : 0.3)),
        phash,
        source: random() < 0.9 ? 'generated' : 'imported',
        backend,
        model: models[Math.floor(random() * models.length)]!,
        prompt: promptWords.join(random() < 0.5 ? ' ' : ', '),
        negative_prompt: random() < 0.5 ? NEGATIVES[Math.floor(random() * NEGATIVES.length)]! : null,
        seed: Math.floor(random() * 4_294_967_295),
        params_json: JSON.stringify({ width, height, steps: 30, cfg_scale: 7 }),
        cost_usd: backend === 'sdxl' || backend === 'demo' ? 0 : 0.04,
        generation_ms: 2_000 + Math.floor(random() * 20_000),
        project: random() < 0.6 ? projects[zipf(random, projects.length)]! : null,
        tags_json: JSON.stringify(assetTags),
        // Mostly increasing with id (generation order), with imports back-dated.
        created_at: Math.floor(now - TWO_YEARS_MS + (TWO_YEARS_MS * i) / options.count - (random() < 0.1 ? random() * TWO_YEARS_MS * 0.5 : 0)),
        rating: ratingRoll < 0.7 ? 0 : 1 + Math.floor(random() * 5),
        favorite: random() < 0.03 ? 1 : 0,
      });
      if (rows.length === CHUNK_ROWS || i === options.count - 1) insertChunk.run(JSON.stringify(rows.splice(0)));
    }
    // File every row under its job project and tags, as AssetIndex.upsert does one image at a time, in
    // bulk: the FTS rows are held and written once at the end (library/fts-hold.ts).
    db.exec(`
      INSERT INTO assets_fts_hold (asset_id) SELECT id FROM assets WHERE true ON CONFLICT DO NOTHING;
      INSERT INTO projects (name, created_at) SELECT DISTINCT project, 0 FROM assets WHERE project IS NOT NULL ON CONFLICT DO NOTHING;
      INSERT INTO asset_projects (asset_id, project_id, added_at) SELECT a.id, p.id, a.created_at FROM assets a JOIN projects p ON p.name = a.project WHERE true ON CONFLICT DO NOTHING;
      INSERT INTO tags (name, created_at) SELECT DISTINCT j.value, 0 FROM assets a, json_each(a.tags_json) j WHERE true ON CONFLICT DO NOTHING;
      INSERT INTO asset_tags (asset_id, tag_id) SELECT a.id, t.id FROM assets a, json_each(a.tags_json) j JOIN tags t ON t.name = j.value WHERE true ON CONFLICT DO NOTHING;
      DELETE FROM assets_fts_hold;
      ${REBUILD_FTS_SQL}
    `);
  })();
  return { ms: performance.now() - started };
}

export const SYNTHETIC = { tags: (i: number) => (i < 40 ? `${COMMON_WORDS[i]}-style` : null), commonWords: COMMON_WORDS, backends: BACKENDS } as const;
