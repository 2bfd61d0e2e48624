import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import sharp from 'sharp';
import { BackendError, type BackendCapabilities, type BackendInterface, type CallOptions, type GenerationRequest, type GenerationResult } from './types';

/**
 * The offline demo backend (DESIGN §4): procedural PNGs drawn with sharp from a hash of the request, so
 * the whole app (queue, library, search, duplicates) can be tried without an API key. Every image says
 * "APEX demo — not AI" on it; it is never used as a silent fallback for a real job.
 *
 * Deterministic: the same (prompt, negative prompt, seed, width, height, image index) always gives the
 * same bytes, so tests and re-runs are repeatable.
 */

export const DEMO_MODEL = 'apex-demo-v1';
export const DEMO_LABEL = 'APEX demo — not AI';

export const DEMO_CAPABILITIES: BackendCapabilities = {
  min_side: 64,
  max_side: 2048,
  aspect_ratios: [],
  max_images_per_request: 4,
  negative_prompt: true,
  seed: true,
  max_prompt_chars: 4000,
};

/** How many prompt words are printed on the image. */
const PROMPT_WORDS_SHOWN = 8;
/** Average sans-serif glyph width as a fraction of the font size: how many characters fit on the band. */
const GLYPH_WIDTH_RATIO = 0.55;
const SHAPE_COUNT = 7;
/** Speed over size: demo images are throwaway, and 1024² must render well under 100 ms. */
const PNG_COMPRESSION_LEVEL = 3;

export interface DemoBackendOptions {
  /** Simulated provider latency per call; the sleep honours the AbortSignal. */
  latencyMs: number | (() => number);
}

export function createDemoBackend(options: DemoBackendOptions): BackendInterface {
  return {
    id: 'demo',
    paid: false,
    capabilities: DEMO_CAPABILITIES,
    async generate(request: GenerationRequest, call: CallOptions): Promise<GenerationResult> {
      validateRequest(request);
      await abortableDelay(typeof options.latencyMs === 'function' ? options.latencyMs() : options.latencyMs, call.signal);
      const indexes = Array.from({ length: request.count }, (_, index) => index);
      const images = await Promise.all(indexes.map((index) => renderDemoImage(request, index)));
      if (call.signal.aborted) throw abortError(call.signal);
      return {
        images: images.map((bytes) => ({ bytes, mime: 'image/png' })),
        model: DEMO_MODEL,
        seed: request.seed,
        provider_cost_usd: 0,
      };
    },
    async health(call: CallOptions): Promise<void> {
      if (call.signal.aborted) throw abortError(call.signal);
    },
  };
}

function validateRequest(request: GenerationRequest): void {
  const caps = DEMO_CAPABILITIES;
  const sideOk = (side: number): boolean => Number.isInteger(side) && side >= caps.min_side && side <= caps.max_side;
  if (!sideOk(request.width) || !sideOk(request.height)) {
    throw new BackendError('bad_request', `Demo images are ${caps.min_side}–${caps.max_side} pixels per side; got ${request.width}×${request.height}.`);
  }
  if (!Number.isInteger(request.count) || request.count < 1 || request.count > caps.max_images_per_request) {
    throw new BackendError('bad_request', `The demo backend makes 1–${caps.max_images_per_request} images per request; got ${request.count}.`);
  }
  if (request.prompt.length > caps.max_prompt_chars) {
    throw new BackendError('bad_request', `The prompt is ${request.prompt.length} characters; the demo backend accepts ${caps.max_prompt_chars}.`);
  }
}

/** An Error named AbortError (what fetch and timers throw), carrying the signal's reason. */
function abortError(signal: AbortSignal): Error {
  const error = new Error('The demo generation was aborted.', { cause: signal.reason });
  error.name = 'AbortError';
  return error;
}

async function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) throw abortError(signal);
  if (ms <= 0) return;
  try {
    await sleep(ms, undefined, { signal });
  } catch (error) {
    if (signal.aborted) throw abortError(signal);
    throw error;
  }
}

/** Renders one image; exported for tests and the benchmark. */
export async function renderDemoImage(request: Pick<GenerationRequest, 'prompt' | 'negative_prompt' | 'seed' | 'width' | 'height'>, index: number): Promise<Uint8Array> {
  const key = JSON.stringify([request.prompt, request.negative_prompt ?? '', request.seed, request.width, request.height, index]);
  const random = seededRandom(createHash('sha256').update(key).digest());
  const svg = demoSvg(request.width, request.height, request.prompt, random);
  return sharp(Buffer.from(svg)).png({ compressionLevel: PNG_COMPRESSION_LEVEL, adaptiveFiltering: false }).toBuffer();
}

/** sfc32 seeded from the request hash: small, fast, and identical on every platform. */
function seededRandom(seed: Buffer): () => number {
  let a = seed.readUInt32BE(0);
  let b = seed.readUInt32BE(4);
  let c = seed.readUInt32BE(8);
  let d = seed.readUInt32BE(12);
  return () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4_294_967_296;
  };
}

function demoSvg(width: number, height: number, prompt: string, random: () => number): string {
  const hue = Math.floor(random() * 360);
  const angle = Math.floor(random() * 360);
  const colour = (h: number, s: number, l: number): string => `hsl(${Math.round(h) % 360},${s}%,${l}%)`;
  const shapes = Array.from({ length: SHAPE_COUNT }, () => demoShape(width, height, hue, random, colour)).join('');
  const base = Math.min(width, height);
  const fontSize = Math.max(8, Math.round(base / 22));
  const band = Math.round(fontSize * 3.4);
  const excerptSize = Math.round(fontSize * 0.85);
  const excerptChars = Math.max(8, Math.floor((width - fontSize * 1.2) / (excerptSize * GLYPH_WIDTH_RATIO)));
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">` +
    `<defs><linearGradient id="bg" gradientTransform="rotate(${angle} 0.5 0.5)">` +
    `<stop offset="0" stop-color="${colour(hue, 70, 35)}"/><stop offset="1" stop-color="${colour(hue + 120 + random() * 120, 70, 60)}"/>` +
    `</linearGradient></defs>` +
    `<rect width="100%" height="100%" fill="url(#bg)"/>${shapes}` +
    `<rect x="0" y="${height - band}" width="${width}" height="${band}" fill="rgba(0,0,0,0.55)"/>` +
    `<text x="${fontSize * 0.6}" y="${height - band + fontSize * 1.3}" font-family="sans-serif" font-weight="bold" font-size="${fontSize}" fill="#fff">${escapeXml(DEMO_LABEL)}</text>` +
    `<text x="${fontSize * 0.6}" y="${height - band + fontSize * 2.7}" font-family="sans-serif" font-size="${excerptSize}" fill="#ddd">${escapeXml(promptExcerpt(prompt, excerptChars))}</text>` +
    `</svg>`
  );
}

function demoShape(width: number, height: number, hue: number, random: () => number, colour: (h: number, s: number, l: number) => string): string {
  const x = Math.round(random() * width);
  const y = Math.round(random() * height);
  const size = Math.round((0.08 + random() * 0.3) * Math.min(width, height));
  const fill = colour(hue + random() * 360, 60 + Math.round(random() * 30), 30 + Math.round(random() * 50));
  const opacity = (0.45 + random() * 0.5).toFixed(2);
  const kind = Math.floor(random() * 3);
  if (kind === 0) return `<circle cx="${x}" cy="${y}" r="${size}" fill="${fill}" fill-opacity="${opacity}"/>`;
  if (kind === 1) {
    const rotation = Math.round(random() * 90);
    return `<rect x="${x - size}" y="${y - size / 2}" width="${size * 2}" height="${size}" transform="rotate(${rotation} ${x} ${y})" fill="${fill}" fill-opacity="${opacity}"/>`;
  }
  const points = [0, 1, 2].map((i) => {
    const a = ((i * 120 + random() * 40) * Math.PI) / 180;
    return `${Math.round(x + size * Math.cos(a))},${Math.round(y + size * Math.sin(a))}`;
  });
  return `<polygon points="${points.join(' ')}" fill="${fill}" fill-opacity="${opacity}"/>`;
}

/** The first words of the prompt, cut to `maxChars` code points (never inside a surrogate pair). */
function promptExcerpt(prompt: string, maxChars: number): string {
  const words = prompt.trim().split(/\s+/).filter(Boolean);
  const more = words.length > PROMPT_WORDS_SHOWN;
  const shown = Array.from(words.slice(0, PROMPT_WORDS_SHOWN).join(' ') + (more ? ' …' : ''));
  return shown.length > maxChars ? `${shown.slice(0, maxChars - 1).join('')}…` : shown.join('');
}

/** Escapes markup and drops characters XML 1.0 forbids, so no prompt can break (or script) the SVG. */
function escapeXml(text: string): string {
  return text
    // eslint-disable-next-line no-control-regex
    .replace(/[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}
