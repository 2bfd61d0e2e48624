import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Generator } from '../../../../main/core/library/metadata';

/**
 * What every file in test/fixtures/real-images carries, from SOURCES.md and from the files themselves
 * (their text chunks / EXIF, read by hand). The metadata unit test and the import integration test both
 * walk this table, and a test fails when a file in the folder has no row here.
 */

export const FIXTURES_DIR = join(import.meta.dirname, '..', '..', '..', 'fixtures', 'real-images');

export interface ReadableFixture {
  kind: 'image';
  /** null: an image without generation metadata (re-saved by GIMP, a screenshot, a bare JPEG). */
  generator: Generator | null;
  /** A word of the prompt the source tool wrote (searching for it must find the image). */
  word?: string;
  /** The library search query for `word` when it differs (FTS5 does not split Japanese into words: a prefix finds it). */
  search?: string;
  negativeWord?: string;
  seed?: number | null;
  steps?: number | null;
  sampler?: string | null;
  cfg?: number;
  model?: string;
  stealth?: 'alpha';
}

export interface CorruptFixture {
  kind: 'corrupt';
  /** The reason the import reports must match this. */
  reason: RegExp;
}

export interface OtherFixture {
  kind: 'not-an-image';
}

export type FixtureExpectation = ReadableFixture | CorruptFixture | OtherFixture;

const miku = (generator: Generator, seed: number, steps: number, sampler: string | null): ReadableFixture => ({
  kind: 'image',
  generator,
  word: 'miku',
  negativeWord: 'censor',
  seed,
  steps,
  sampler,
});

export const FIXTURES: Record<string, FixtureExpectation> = {
  'SOURCES.md': { kind: 'not-an-image' },
  // AUTOMATIC1111, Forge, SD.Next: `parameters` infotext (PNG tEXt/iTXt/zTXt), EXIF UserComment (JPEG/WebP)
  'a1111.png': { kind: 'image', generator: 'a1111', word: 'astronaut', negativeWord: 'watermark', seed: 2895438046, steps: 28, sampler: 'DPM++ 2M', cfg: 7, model: 'v1-5-pruned-emaonly' },
  'automatic1111_cropped.png': { kind: 'image', generator: 'a1111', word: 'duck', negativeWord: 'monochrome', seed: 235284042, steps: 15, sampler: 'UniPC', cfg: 5, model: 'realistic_realisticVisionV20_v20' },
  'automatic1111_cropped.jpg': { kind: 'image', generator: 'a1111', word: 'duck', negativeWord: 'monochrome', seed: 235284042, steps: 15, sampler: 'UniPC', cfg: 5 },
  'automatic1111_stealth.png': { kind: 'image', generator: 'a1111', word: 'circle', negativeWord: 'square', seed: 2015833630, steps: 20, sampler: 'Euler', stealth: 'alpha' },
  'text_after_idat.png': { kind: 'image', generator: 'a1111', word: 'duck', negativeWord: 'monochrome', seed: 235284042, steps: 15, sampler: 'UniPC' },
  'sd-webui.png': miku('a1111', 3782896554, 20, 'DPM++ 2M'),
  'sd-webui.jpg': miku('a1111', 3623174757, 20, 'DPM++ 2M'),
  'sd-webui.webp': miku('a1111', 1028435836, 20, 'DPM++ 2M'),
  'forge-classic-en.png': miku('forge', 1239240392, 20, 'DPM++ 2M'),
  'forge-classic.webp': miku('forge', 2630661657, 20, 'DPM++ 2M'),
  'forge-neo-adetailer.png': { ...miku('forge', 4179307297, 24, 'Euler a'), word: 'テスト' },
  'forge-neo.jpeg': miku('forge', 2417156106, 24, 'Euler a'),
  'reforge-hires.webp': miku('forge', 1010990389, 20, 'DPM++ 2M'),
  'sd-next-en.png': miku('sd-next', 2251068289, 20, null),
  'sd-next.jpg': miku('sd-next', 899700607, 20, 'Euler a'),
  // Civitai's generator: infotext, or a ComfyUI-style graph with `extraMetadata`
  'civitai.jpeg': miku('civitai', 1311178179, 25, 'Euler a'),
  'civitai-hires.jpg': { ...miku('civitai', 1311178179, 25, 'euler_ancestral'), model: 'urn:air:sdxl:checkpoint:civitai:827184@2514310' },
  // ComfyUI: API graph walked from the sampler to the text encoders
  'comfyui.png': { kind: 'image', generator: 'comfyui', word: 'lion', negativeWord: 'watermark', seed: 156680208700286, steps: 20, sampler: 'euler', cfg: 8, model: 'sd_xl_base_1.0.safetensors' },
  'img2img_cropped.png': { kind: 'image', generator: 'comfyui', word: 'victorian', negativeWord: 'watermark', seed: 280823642470253, steps: 20, sampler: 'sample_dpmpp_2m', model: 'v1-5-pruned-emaonly.ckpt' },
  'night_evening_day_morning_cropped.png': { kind: 'image', generator: 'comfyui', word: 'galaxy', negativeWord: 'blurry', seed: 335608130539327, steps: 13, sampler: 'dpmpp_sde', cfg: 8.5 },
  'noisy_latents_3_subjects_cropped.png': { kind: 'image', generator: 'comfyui', word: 'fennec', negativeWord: 'blurry', seed: 512136241112371, steps: 16, sampler: 'sample_dpmpp_sde', model: 'Anything-V3.0.ckpt' },
  'unclip_2pass_cropped.png': { kind: 'image', generator: 'comfyui', word: 'mountains', negativeWord: 'lowres', seed: 1106257833005336, steps: 26, sampler: 'uni_pc_bh2', model: 'wd-1-5-beta2-aesthetic-unclip-h-fp32.safetensors' },
  'comfyui-save-image-extended.png': { ...miku('comfyui', 779742380066441, 20, 'euler_ancestral'), model: 'waiIllustriousSDXL_v160.safetensors' },
  'comfyui-save-image-extended.jpeg': miku('comfyui', 813617545434765, 20, 'euler_ancestral'),
  'comfyui-save-image-extended.webp': miku('comfyui', 602057552457611, 20, 'euler_ancestral'),
  'comfyui-saveimage-plus.jpg': miku('comfyui', 577723948579568, 20, 'euler_ancestral'),
  'comfyui-saveimagewithmetadata.png': miku('comfyui', 38802053347333, 20, 'euler_ancestral'),
  'comfyui-animated-webp.webp': miku('comfyui', 270932924124066, 20, 'euler_ancestral'),
  // subgraph node ids (`30:8`), a switch and an LLM prompt expander: the artist's own words are the prompt
  'krea2.png': { kind: 'image', generator: 'comfyui', word: '初音ミク', search: '初音ミク*', seed: 371644226245214, steps: 8, sampler: 'euler', model: 'krea2_turbo_int8_convrot.safetensors' },
  'a5af4555-8227-48c8-9f5d-d70e12f5e421.jpeg': { kind: 'image', generator: 'comfyui', word: 'mackerel', seed: 934100943193926, steps: 20, sampler: 'Euler', cfg: 3.5 },
  // InvokeAI 3.x (`invokeai_metadata`), 2.3 (`sd-metadata`), 2.x (`Dream`)
  'invokeai_imeta1.png': { kind: 'image', generator: 'invokeai', word: 'painterly', negativeWord: 'grainy', seed: 3293022630, steps: 35, sampler: 'euler', cfg: 8, model: 'juggernautXL' },
  'invokeai_sdmeta1.png': { kind: 'image', generator: 'invokeai', word: 'freckles', negativeWord: 'glowing', seed: 2980747362, steps: 50, sampler: 'k_lms', cfg: 5, model: 'deliberateForInvoke_v08' },
  'invokeai_dream1.png': { kind: 'image', generator: 'invokeai', word: 'freckles', negativeWord: 'skinny', seed: 2980747362, steps: 50, sampler: 'k_lms', cfg: 5 },
  // NovelAI: tEXt Comment/Description, WebP EXIF UserComment JSON, and an alpha-LSB stealth payload
  'novelai1_cropped.png': { kind: 'image', generator: 'novelai', word: 'cat', negativeWord: 'lowres', seed: 2253955223, steps: 50, sampler: 'k_euler_ancestral', cfg: 10 },
  'novelai-curated.png': { kind: 'image', generator: 'novelai', word: 'miku', negativeWord: 'lowres', seed: 2156638429, steps: 23, sampler: 'k_euler_ancestral', cfg: 5, stealth: 'alpha' },
  'novelai-curated.webp': { kind: 'image', generator: 'novelai', word: 'miku', negativeWord: 'lowres', seed: 880673757, steps: 23, sampler: 'k_euler_ancestral', cfg: 5 },
  // Fooocus (JSON + fooocus_scheme; its 63-bit seed does not fit a JS number: null here, kept in the raw metadata), RuinedFooocus, SwarmUI
  'fooocus1_cropped.png': { kind: 'image', generator: 'fooocus', word: 'goldfish', seed: null, steps: 30, sampler: 'dpmpp_2m_sde_gpu', cfg: 4, model: 'juggernautXL_v8Rundiffusion' },
  'ruined-fooocus.png': { ...miku('ruined-fooocus', 2020047614, 30, 'dpmpp_2m_sde_gpu'), cfg: 8 },
  'swarmui-hires.png': { ...miku('swarmui', 733776228, 20, 'euler_ancestral'), model: 'waiIllustriousSDXL_v160' },
  'swarmui.jpg': miku('swarmui', 697543491, 20, 'euler_ancestral'),
  // No generation metadata (negative tests and false-positive traps): imported, with nothing invented
  'empty.jpg': { kind: 'image', generator: null },
  'empty.webp': { kind: 'image', generator: null },
  'empty_image.jpg': { kind: 'image', generator: null },
  'empty_image.png': { kind: 'image', generator: null },
  'gimp-en.png': { kind: 'image', generator: null },
  'gimp.jpg': { kind: 'image', generator: null },
  'gimp.webp': { kind: 'image', generator: null },
  'export.png': { kind: 'image', generator: null },
  // Corrupt: reported with a reason, never imported
  'broken.png': { kind: 'corrupt', reason: /Corrupt PNG/ },
  'empty_file.png': { kind: 'corrupt', reason: /empty \(0 bytes\)/ },
  'truncated_image.png': { kind: 'corrupt', reason: /truncated PNG/i },
  'truncated_end_chunk.png': { kind: 'corrupt', reason: /Truncated PNG/ },
  // libvips keeps one error buffer per process, so under parallel decodes the detail after the colon can come
  // from another image; the file and the failed decode are what the report must name.
  'truncated_jpeg.jpg': { kind: 'corrupt', reason: /Cannot decode the JPEG image: / },
};

export function fixtureFiles(): string[] {
  return readdirSync(FIXTURES_DIR).sort();
}

export function readableFixtures(): Array<[string, ReadableFixture]> {
  return Object.entries(FIXTURES).filter((entry): entry is [string, ReadableFixture] => entry[1].kind === 'image');
}

export function corruptFixtures(): Array<[string, CorruptFixture]> {
  return Object.entries(FIXTURES).filter((entry): entry is [string, CorruptFixture] => entry[1].kind === 'corrupt');
}
