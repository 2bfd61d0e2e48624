import type { AssetDetail, EmbeddedText } from '../../../../shared/domain/assets';
import type { BackendId } from '../../../../shared/domain/config';
import type { JobDetail } from '../../../../shared/domain/jobs';
import { BACKEND_LABELS, usd } from '../../lib/format';

/**
 * What the side panel of the detail view shows, as plain rows built from `assets.get` (and `jobs.get`
 * for a generated image): pure, so which field lands where, and how it reads, is unit-tested.
 * A value the core does not know is left out rather than shown as a placeholder, except where its
 * absence is itself information (an imported image has no cost).
 */

export interface FieldRow {
  label: string;
  value: string;
  /** Hashes, paths and ids: monospace, and selectable as one word. */
  mono?: boolean;
}

type JsonValue = NonNullable<AssetDetail['params']>[string];

const GENERATOR_LABELS: Record<string, string> = {
  a1111: 'AUTOMATIC1111',
  forge: 'Forge',
  'sd-next': 'SD.Next',
  civitai: 'Civitai',
  comfyui: 'ComfyUI',
  invokeai: 'InvokeAI',
  novelai: 'NovelAI',
  fooocus: 'Fooocus',
  'ruined-fooocus': 'RuinedFooocus',
  swarmui: 'SwarmUI',
  'apex-director': 'APEX Director',
};

export function generatorLabel(generator: string): string {
  return GENERATOR_LABELS[generator] ?? generator;
}

export function backendLabel(backend: string): string {
  return backend in BACKEND_LABELS ? BACKEND_LABELS[backend as BackendId] : backend;
}

/** 1,234,567 bytes → "1.2 MB"; the exact count goes in the row's second line where it matters. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value).toString()} ${units[unit]}`;
}

/** 850 → "850 ms", 12_340 → "12.3 s", 125_000 → "2 min 5 s". */
export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** Local time as "2026-11-25 14:03:09": sortable, unambiguous, and the same in every locale. */
export function formatDateTime(epochMs: number): string {
  const d = new Date(epochMs);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** A parameter as text: numbers as written (a seed has no thousands separator), objects as compact JSON. */
export function formatParam(value: JsonValue): string {
  if (value === null) return '—';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

function param(asset: AssetDetail, key: string): JsonValue | undefined {
  return asset.params?.[key];
}

function numberParam(asset: AssetDetail, key: string): number | null {
  const value = param(asset, key);
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function stringParam(asset: AssetDetail, key: string): string | null {
  const value = param(asset, key);
  return typeof value === 'string' && value.length > 0 ? value : null;
}

/** Parameters given their own row below; every other key of `params` is listed as it is. */
const SHOWN_PARAMS = new Set(['width', 'height', 'aspect_ratio', 'steps', 'cfg_scale', 'sampler', 'seed', 'count', 'quality_level', 'model']);

/** "cfg_scale" → "Cfg scale"; "source_path" → "Source path". */
export function humanizeKey(key: string): string {
  const words = key.replace(/[_-]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function push(rows: FieldRow[], label: string, value: string | null | undefined, mono = false): void {
  if (value === null || value === undefined || value === '') return;
  rows.push(mono ? { label, value, mono } : { label, value });
}

/** Backend, model, seed, size, steps, CFG, sampler, quality, count, routing: how the image was made. */
export function generationRows(asset: AssetDetail, job: JobDetail | null): FieldRow[] {
  const rows: FieldRow[] = [];
  push(rows, 'Source', asset.source === 'generated' ? 'Generated here' : 'Imported');
  if (asset.generator) push(rows, 'Made with', generatorLabel(asset.generator));
  const backend = asset.attempt?.backend ?? asset.backend;
  if (backend) push(rows, 'Backend', backendLabel(backend));
  if (job) push(rows, 'Routing', job.job.pinned_backend ? `Pinned to ${backendLabel(job.job.pinned_backend)}` : 'Cascade (best available backend)');
  push(rows, 'Model', asset.attempt?.model ?? asset.model ?? stringParam(asset, 'model'), true);
  const requestedModel = stringParam(asset, 'model');
  if (requestedModel && requestedModel !== (asset.attempt?.model ?? asset.model)) push(rows, 'Model asked for', requestedModel, true);
  const seed = asset.seed ?? numberParam(asset, 'seed');
  push(rows, 'Seed', seed === null ? null : String(seed), true);
  const width = numberParam(asset, 'width');
  const height = numberParam(asset, 'height');
  if (width !== null && height !== null) push(rows, 'Size asked for', `${width} × ${height}`);
  push(rows, 'Aspect ratio', stringParam(asset, 'aspect_ratio'));
  const steps = numberParam(asset, 'steps');
  push(rows, 'Steps', steps === null ? null : String(steps));
  const cfg = numberParam(asset, 'cfg_scale');
  push(rows, 'CFG scale', cfg === null ? null : String(cfg));
  push(rows, 'Sampler', stringParam(asset, 'sampler'));
  const quality = numberParam(asset, 'quality_level');
  push(rows, 'Quality', quality === null ? null : `${quality} of 5`);
  const count = numberParam(asset, 'count');
  if (count !== null) push(rows, 'Images in the job', asset.image_index === null ? String(count) : `${count} (this is no. ${asset.image_index + 1})`);
  for (const [key, value] of Object.entries(asset.params ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
    if (SHOWN_PARAMS.has(key)) continue;
    push(rows, humanizeKey(key), formatParam(value), typeof value !== 'number');
  }
  return rows;
}

/** What the image cost and how long it took, from the attempt that made it. */
export function costRows(asset: AssetDetail, job: JobDetail | null): FieldRow[] {
  const rows: FieldRow[] = [];
  if (asset.source === 'imported' && asset.job_id === null) return rows;
  push(rows, 'Cost of this image', usd(asset.cost_usd));
  if (job) push(rows, 'Cost of the job', usd(job.job.actual_cost));
  if (asset.generation_ms !== null) push(rows, 'Generation time', formatMs(asset.generation_ms));
  if (asset.attempt) {
    const total = job ? job.job.attempts : null;
    push(rows, 'Attempt', total !== null && total >= asset.attempt.number ? `${asset.attempt.number} of ${total}` : String(asset.attempt.number));
    if (asset.attempt.latency_ms !== null) push(rows, 'Backend latency', formatMs(asset.attempt.latency_ms));
    push(rows, 'Started', formatDateTime(asset.attempt.started_at));
    if (asset.attempt.ended_at !== null) push(rows, 'Finished', formatDateTime(asset.attempt.ended_at));
  }
  if (job && job.attempts.length > 1) {
    const failed = job.attempts.filter((a) => a.outcome !== null && a.outcome !== 'succeeded');
    if (failed.length > 0) push(rows, 'Earlier attempts', failed.map((a) => `${backendLabel(a.backend)}: ${a.error_class ?? a.outcome ?? 'failed'}`).join('; '));
  }
  return rows;
}

/** The file itself: where it is, what it is, and its fingerprints. */
export function fileRows(asset: AssetDetail): FieldRow[] {
  const rows: FieldRow[] = [];
  push(rows, 'File name', asset.file_name, true);
  push(rows, 'Path', asset.rel_path, true);
  push(rows, 'Format', `${asset.format === 'other' ? 'Other' : asset.format.toUpperCase()} (${asset.mime})`);
  push(rows, 'Dimensions', `${asset.width} × ${asset.height} px (${((asset.width * asset.height) / 1_000_000).toFixed(1)} MP)`);
  push(rows, 'Size', `${formatBytes(asset.bytes)} (${asset.bytes.toLocaleString('en-US')} bytes)`);
  push(rows, 'SHA-256', asset.sha256, true);
  push(rows, 'Perceptual hash', asset.phash, true);
  push(rows, 'Added', formatDateTime(asset.created_at));
  return rows;
}

/** Where an embedded text came from, in words: "png:parameters" → "PNG text “parameters”". */
export function embeddedSourceLabel(source: string): string {
  const colon = source.indexOf(':');
  const kind = colon < 0 ? source : source.slice(0, colon);
  const name = colon < 0 ? '' : source.slice(colon + 1);
  if (kind === 'png') return `PNG text “${name}”`;
  if (kind === 'exif') return `EXIF ${name}`;
  if (kind === 'jpeg' && name === 'comment') return 'JPEG comment';
  if (kind === 'xmp') return 'XMP packet';
  if (kind === 'stealth') return 'Hidden in the pixels (stealth)';
  return source;
}

export interface EmbeddedView {
  source: string;
  label: string;
  /** JSON is pretty-printed (ComfyUI graphs, InvokeAI and NovelAI metadata); anything else is verbatim. */
  kind: 'json' | 'text';
  body: string;
  /** A1111-style "Key: value, Key: value" settings, split into rows when the text has them. */
  settings: FieldRow[];
  /** Characters the core left out (the text was longer than the detail carries). */
  cut: number;
}

export function embeddedView(entry: EmbeddedText): EmbeddedView {
  const base = { source: entry.source, label: embeddedSourceLabel(entry.source), cut: Math.max(0, entry.chars - entry.text.length) };
  const trimmed = entry.text.trim();
  if (base.cut === 0 && (trimmed.startsWith('{') || trimmed.startsWith('['))) {
    try {
      return { ...base, kind: 'json', body: JSON.stringify(JSON.parse(trimmed), null, 2), settings: [] };
    } catch {
      // Not JSON after all: shown verbatim below.
    }
  }
  return { ...base, kind: 'text', body: entry.text, settings: infotextSettings(entry.text) };
}

/**
 * The settings line of A1111-style infotext (its last line, "Steps: 20, Sampler: Euler a, CFG scale: 7,
 * Seed: 1, Size: 512x512, Model: x, Lora hashes: "a: 1, b: 2""), as rows. Values may be double-quoted
 * (then they can hold commas). Returns nothing for text of another shape.
 */
export function infotextSettings(text: string): FieldRow[] {
  const lines = text.trimEnd().split(/\r?\n/);
  const last = lines[lines.length - 1] ?? '';
  if (!/^Steps: /.test(last)) return [];
  const rows: FieldRow[] = [];
  const pattern = /\s*([^:,]+):\s*("(?:\\.|[^\\"])*"|[^,]*)(?:,|$)/gy;
  let match: RegExpExecArray | null;
  while ((match = pattern.exec(last)) !== null) {
    const [, key, raw] = match;
    if (key === undefined || raw === undefined) break;
    let value = raw.trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) {
      try {
        value = JSON.parse(value) as string;
      } catch {
        value = value.slice(1, -1);
      }
    }
    rows.push({ label: key.trim(), value });
    if (pattern.lastIndex >= last.length) break;
  }
  return rows;
}
