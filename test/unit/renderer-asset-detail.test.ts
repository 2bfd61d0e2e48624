import { describe, expect, it } from 'vitest';
import { AssetDetail as AssetDetailSchema, type AssetDetail } from '../../shared/domain/assets';
import { BatchInput, JobInput, MAX_SEED, type JobDetail } from '../../shared/domain/jobs';
import {
  costRows,
  embeddedSourceLabel,
  embeddedView,
  fileRows,
  formatBytes,
  formatDateTime,
  formatMs,
  generationRows,
  humanizeKey,
  infotextSettings,
} from '../../renderer/src/features/asset-detail/provenance';
import { VARIATIONS, generateAgainInput, recipeOf, variationsInput, type Recipe } from '../../renderer/src/features/asset-detail/regenerate';
import {
  ZOOM_LIMITS,
  canPan,
  clampPan,
  clampScale,
  fitScale,
  fitView,
  panBy,
  steppedScale,
  wheelScale,
  zoomAt,
  zoomCentered,
  zoomLabel,
} from '../../renderer/src/features/asset-detail/zoom';

const STARTED = new Date(2026, 10, 25, 9, 5, 7).getTime();

/** A generated image as `assets.get` returns it; parsed, so the fixture cannot drift from the contract. */
function generated(overrides: Partial<AssetDetail> = {}): AssetDetail {
  return AssetDetailSchema.parse({
    id: 42,
    sha256: 'ab'.repeat(32),
    file_name: `${'ab'.repeat(32)}.png`,
    format: 'png',
    width: 1024,
    height: 768,
    bytes: 1_234_567,
    source: 'generated',
    backend: 'demo',
    model: 'demo-painter',
    prompt: 'a red fox in a misty forest',
    negative_prompt: 'blurry',
    seed: 1234,
    rating: 3,
    favorite: false,
    tags: ['fox'],
    projects: ['Nature'],
    has_thumbnail: true,
    created_at: STARTED,
    mime: 'image/png',
    phash: 'f0e1d2c3b4a59687',
    notes: null,
    rel_path: `assets/images/ab/${'ab'.repeat(32)}.png`,
    params: { width: 1024, height: 768, aspect_ratio: null, steps: 30, cfg_scale: 7.5, sampler: 'Euler a', seed: 1234, count: 2, quality_level: 4, model: null },
    cost_usd: 0.02,
    generation_ms: 12_340,
    job_id: 7,
    attempt_id: 9,
    batch_id: 3,
    image_index: 1,
    job_project: 'Nature',
    job_tags: ['fox', 'forest'],
    attempt: { number: 2, backend: 'demo', model: 'demo-painter', started_at: STARTED, ended_at: STARTED + 12_340, latency_ms: 11_900, cost_usd: 0.04 },
    generator: null,
    embedded: [],
    ...overrides,
  });
}

function imported(overrides: Partial<AssetDetail> = {}): AssetDetail {
  return generated({
    source: 'imported',
    backend: null,
    model: 'sd_xl_base_1.0.safetensors',
    seed: 156_680_208_700_286,
    params: { source_path: '/pics/comfyui.png', steps: 20, sampler: 'euler', cfg_scale: 8, width: 1024, height: 1024 },
    cost_usd: 0,
    generation_ms: null,
    job_id: null,
    attempt_id: null,
    batch_id: null,
    image_index: null,
    job_project: null,
    job_tags: [],
    attempt: null,
    generator: 'comfyui',
    embedded: [{ source: 'png:prompt', text: '{"3":{"class_type":"KSampler","inputs":{"seed":1}}}', chars: 51 }],
    ...overrides,
  });
}

function job(overrides: Partial<JobDetail['job']> = {}, attempts: JobDetail['attempts'] = []): JobDetail {
  return {
    job: {
      id: 7,
      batch_id: 3,
      prompt: 'a red fox in a misty forest',
      negative_prompt: 'blurry',
      params: { width: 1024, height: 768, aspect_ratio: null, steps: 30, cfg_scale: 7.5, sampler: 'Euler a', seed: 1234, count: 2, quality_level: 4, model: null },
      priority: 3,
      status: 'succeeded',
      attempts: 2,
      not_before: 0,
      pinned_backend: null,
      backend: 'demo',
      project: 'Nature',
      tags: ['fox'],
      estimated_cost: 0.04,
      actual_cost: 0.04,
      error_class: null,
      error_message: null,
      retried_from: null,
      created_at: STARTED,
      started_at: STARTED,
      finished_at: STARTED + 12_340,
      asset_ids: [41, 42],
      ...overrides,
    },
    attempts,
    progress: 1,
  };
}

const value = (rows: { label: string; value: string }[], label: string) => rows.find((row) => row.label === label)?.value;

describe('zoom math', () => {
  const image = { width: 4000, height: 2000 };
  const viewport = { width: 1000, height: 800 };

  it('fits the whole image, never enlarging a small one, and centres it', () => {
    expect(fitScale(image, viewport)).toBe(0.25);
    expect(fitScale({ width: 300, height: 200 }, viewport)).toBe(1);
    expect(fitView(image, viewport)).toEqual({ scale: 0.25, x: 0, y: (800 - 500) / 2 });
    expect(fitView({ width: 300, height: 200 }, viewport)).toEqual({ scale: 1, x: 350, y: 300 });
    expect(fitScale(image, { width: 0, height: 0 })).toBe(1);
  });

  it('clamps the scale between the smaller of fit and the minimum, and the maximum', () => {
    expect(clampScale(100, image, viewport)).toBe(ZOOM_LIMITS.max);
    expect(clampScale(0.001, image, viewport)).toBe(ZOOM_LIMITS.min);
    const huge = { width: 100_000, height: 100_000 };
    expect(clampScale(0.001, huge, viewport)).toBe(fitScale(huge, viewport));
    expect(clampScale(Number.NaN, image, viewport)).toBe(0.25);
  });

  it('keeps the image point under the pointer fixed while zooming', () => {
    const start = fitView(image, viewport);
    const anchor = { x: 300, y: 400 };
    const imagePoint = { x: (anchor.x - start.x) / start.scale, y: (anchor.y - start.y) / start.scale };
    const zoomed = zoomAt(start, 1, anchor, image, viewport);
    expect(zoomed.scale).toBe(1);
    expect(zoomed.x + imagePoint.x * zoomed.scale).toBeCloseTo(anchor.x);
    expect(zoomed.y + imagePoint.y * zoomed.scale).toBeCloseTo(anchor.y);
  });

  it('never lets a gap open at an edge, and centres an axis smaller than the viewport', () => {
    const at100 = zoomCentered(fitView(image, viewport), 1, image, viewport);
    expect(at100.x).toBe((1000 - 4000) / 2);
    expect(panBy(at100, 10_000, 0, image, viewport).x).toBe(0);
    expect(panBy(at100, -10_000, 0, image, viewport).x).toBe(1000 - 4000);
    expect(clampPan({ scale: 0.1, x: -50, y: 999 }, image, viewport)).toEqual({ scale: 0.1, x: (1000 - 400) / 2, y: (800 - 200) / 2 });
    expect(canPan(at100, image, viewport)).toBe(true);
    expect(canPan(fitView(image, viewport), image, viewport)).toBe(false);
  });

  it('steps, wheels and pinches in both directions', () => {
    expect(steppedScale(1, 1)).toBe(ZOOM_LIMITS.step);
    expect(steppedScale(1, -1)).toBeCloseTo(1 / ZOOM_LIMITS.step);
    expect(wheelScale(1, -100, 0, false)).toBeGreaterThan(1);
    expect(wheelScale(1, 100, 0, false)).toBeLessThan(1);
    // Lines and pages are converted to pixels, so one line-notch equals 16 pixels.
    expect(wheelScale(1, 3, 1, false)).toBeCloseTo(wheelScale(1, 48, 0, false));
    // A trackpad pinch's small deltas zoom more per pixel than a wheel's.
    expect(wheelScale(1, -10, 0, true)).toBeGreaterThan(wheelScale(1, -10, 0, false));
    expect(zoomLabel(1)).toBe('100%');
    expect(zoomLabel(0.3712)).toBe('37%');
    expect(zoomLabel(16)).toBe('1,600%');
  });
});

describe('field formatting', () => {
  it('formats bytes, durations and local times', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(1_234_567)).toBe('1.2 MB');
    expect(formatBytes(250 * 1024 * 1024)).toBe('250 MB');
    expect(formatMs(850)).toBe('850 ms');
    expect(formatMs(12_340)).toBe('12.3 s');
    expect(formatMs(125_000)).toBe('2 min 5 s');
    expect(formatMs(3_725_000)).toBe('1 h 2 min');
    expect(formatDateTime(STARTED)).toBe('2026-11-25 09:05:07');
    expect(humanizeKey('source_path')).toBe('Source path');
  });

  it('names where embedded text came from', () => {
    expect(embeddedSourceLabel('png:parameters')).toBe('PNG text “parameters”');
    expect(embeddedSourceLabel('exif:UserComment')).toBe('EXIF UserComment');
    expect(embeddedSourceLabel('jpeg:comment')).toBe('JPEG comment');
    expect(embeddedSourceLabel('stealth')).toBe('Hidden in the pixels (stealth)');
    expect(embeddedSourceLabel('xmp')).toBe('XMP packet');
  });

  it('splits A1111 infotext settings, quoted values included, and ignores other text', () => {
    const text = 'a cat\nNegative prompt: dog\nSteps: 20, Sampler: DPM++ 2M, CFG scale: 7, Seed: 3782896554, Size: 512x768, Lora hashes: "add_detail: 7c6bad76eb54, x: 1", Version: v1.10.1';
    expect(infotextSettings(text)).toEqual([
      { label: 'Steps', value: '20' },
      { label: 'Sampler', value: 'DPM++ 2M' },
      { label: 'CFG scale', value: '7' },
      { label: 'Seed', value: '3782896554' },
      { label: 'Size', value: '512x768' },
      { label: 'Lora hashes', value: 'add_detail: 7c6bad76eb54, x: 1' },
      { label: 'Version', value: 'v1.10.1' },
    ]);
    expect(infotextSettings('{"prompt": 1}')).toEqual([]);
  });

  it('pretty-prints embedded JSON, shows other text verbatim, and says when the core cut a text', () => {
    const json = embeddedView({ source: 'png:prompt', text: '{"a":1}', chars: 7 });
    expect(json).toMatchObject({ kind: 'json', body: '{\n  "a": 1\n}', cut: 0, label: 'PNG text “prompt”' });
    const cut = embeddedView({ source: 'png:workflow', text: '{"a":', chars: 900_000 });
    expect(cut).toMatchObject({ kind: 'text', body: '{"a":', cut: 899_995 });
    expect(embeddedView({ source: 'png:parameters', text: 'x\nSteps: 5, Seed: 1', chars: 19 }).settings).toHaveLength(2);
  });
});

describe('provenance rows', () => {
  it('lists how a generated image was made, with the job routing and every extra parameter', () => {
    const rows = generationRows(generated({ params: { ...generated().params, hires: true, source_path: 'x' } }), job());
    expect(value(rows, 'Source')).toBe('Generated here');
    expect(value(rows, 'Backend')).toBe('Demo (offline)');
    expect(value(rows, 'Routing')).toBe('Cascade (best available backend)');
    expect(value(rows, 'Model')).toBe('demo-painter');
    expect(value(rows, 'Seed')).toBe('1234');
    expect(value(rows, 'Size asked for')).toBe('1024 × 768');
    expect(value(rows, 'Steps')).toBe('30');
    expect(value(rows, 'CFG scale')).toBe('7.5');
    expect(value(rows, 'Sampler')).toBe('Euler a');
    expect(value(rows, 'Quality')).toBe('4 of 5');
    expect(value(rows, 'Images in the job')).toBe('2 (this is no. 2)');
    expect(value(rows, 'Hires')).toBe('true');
    expect(value(rows, 'Source path')).toBe('x');
    expect(rows.find((row) => row.label === 'Aspect ratio')).toBeUndefined(); // null is left out
    expect(value(generationRows(generated(), job({ pinned_backend: 'sdxl' })), 'Routing')).toBe('Pinned to SDXL (local)');
  });

  it('lists cost, time and attempts', () => {
    const failed = {
      id: 8,
      number: 1,
      backend: 'nano_banana',
      model: null,
      started_at: STARTED - 5_000,
      ended_at: STARTED - 4_000,
      outcome: 'failed' as const,
      error_class: 'rate_limited',
      error_message: 'slow down',
      http_status: 429,
      retry_after_ms: null,
      cost_usd: 0,
      possibly_billed: false,
      latency_ms: 1_000,
      routing: null,
    };
    const rows = costRows(generated(), job({}, [failed, { ...failed, id: 9, number: 2, backend: 'demo', outcome: 'succeeded', error_class: null }]));
    expect(value(rows, 'Cost of this image')).toBe('$0.020');
    expect(value(rows, 'Cost of the job')).toBe('$0.040');
    expect(value(rows, 'Generation time')).toBe('12.3 s');
    expect(value(rows, 'Attempt')).toBe('2 of 2');
    expect(value(rows, 'Backend latency')).toBe('11.9 s');
    expect(value(rows, 'Started')).toBe('2026-11-25 09:05:07');
    expect(value(rows, 'Earlier attempts')).toBe('Nano Banana: rate_limited');
    expect(costRows(imported(), null)).toEqual([]);
  });

  it('lists the file with its hashes, and an imported image with the tool that made it', () => {
    const rows = fileRows(generated());
    expect(value(rows, 'Format')).toBe('PNG (image/png)');
    expect(value(rows, 'Dimensions')).toBe('1024 × 768 px (0.8 MP)');
    expect(value(rows, 'Size')).toBe('1.2 MB (1,234,567 bytes)');
    expect(value(rows, 'SHA-256')).toBe('ab'.repeat(32));
    expect(value(rows, 'Perceptual hash')).toBe('f0e1d2c3b4a59687');
    expect(rows.find((row) => row.label === 'SHA-256')?.mono).toBe(true);
    const importedRows = generationRows(imported(), null);
    expect(value(importedRows, 'Source')).toBe('Imported');
    expect(value(importedRows, 'Made with')).toBe('ComfyUI');
    expect(value(importedRows, 'Seed')).toBe('156680208700286');
    expect(value(importedRows, 'Source path')).toBe('/pics/comfyui.png');
    expect(importedRows.find((row) => row.label === 'Routing')).toBeUndefined();
  });
});

describe('generate again and variations', () => {
  function recipe(asset: AssetDetail): Recipe {
    const result = recipeOf(asset);
    if (!result.ok) throw new Error(result.reason);
    return result.recipe;
  }

  it('repeats a generated job exactly: prompt, negative, parameters, seed, project and tags', () => {
    const input = generateAgainInput(recipe(generated()), null);
    expect(JobInput.parse(input)).toEqual(input);
    expect(input).toEqual({
      prompt: 'a red fox in a misty forest',
      negative_prompt: 'blurry',
      params: { width: 1024, height: 768, steps: 30, cfg_scale: 7.5, sampler: 'Euler a', seed: 1234, count: 2, quality_level: 4 },
      project: 'Nature',
      tags: ['fox', 'forest'],
    });
    expect(generateAgainInput(recipe(generated()), 'sdxl').backend).toBe('sdxl');
    expect(recipe(generated()).notes).toEqual([]);
  });

  it('queues variations as a batch of one-image jobs with a new random seed each', () => {
    const batch = variationsInput(recipe(generated()), 4, null);
    expect(BatchInput.parse(batch)).toEqual(batch);
    expect(batch.jobs).toHaveLength(4);
    for (const one of batch.jobs) expect(one.params).toMatchObject({ seed: -1, count: 1, steps: 30, width: 1024 });
    expect(batch.name).toBe('Variations of image 42');
    expect(() => variationsInput(recipe(generated()), VARIATIONS.max + 1, null)).toThrow(/1–16/);
    expect(() => variationsInput(recipe(generated()), 0, null)).toThrow(RangeError);
    expect(variationsInput(recipe(generated()), VARIATIONS.max, 'demo').jobs.every((one) => one.backend === 'demo')).toBe(true);
  });

  it('takes what the queue accepts from an imported image and says what will differ', () => {
    const r = recipe(imported());
    expect(r.params).toEqual({ width: 1024, height: 1024, steps: 20, cfg_scale: 8, sampler: 'euler' });
    expect(r.project).toBeNull();
    expect(r.notes).toEqual([
      `Seed 156680208700286 is beyond the queue's 0–${MAX_SEED}: a new seed is drawn, so the image will differ.`,
      'The model “sd_xl_base_1.0.safetensors” belongs to the tool that made the file: the chosen backend\'s own model is used.',
    ]);
    const odd = recipe(imported({ seed: 5, model: null, params: { width: 20_000, height: 512, steps: 500, cfg_scale: 99 } }));
    expect(odd.params).toEqual({ seed: 5 });
    expect(odd.notes).toHaveLength(3);
    expect(JobInput.parse(generateAgainInput(odd, null)).params).toEqual({ seed: 5 });
  });

  it('offers nothing without a prompt, or with one longer than the queue takes', () => {
    expect(recipeOf(imported({ prompt: null }))).toEqual({ ok: false, reason: 'This image has no prompt to generate from.' });
    expect(recipeOf(imported({ prompt: '   ' })).ok).toBe(false);
    const long = recipeOf(imported({ prompt: 'x'.repeat(8_001) }));
    expect(long.ok ? '' : long.reason).toMatch(/8,001 characters/);
  });
});
