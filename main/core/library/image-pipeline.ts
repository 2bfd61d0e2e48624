import sharp from 'sharp';
import { grey32FromRaw, phashFromGrey32 } from './phash';

/**
 * Everything ingest needs from an image's pixels, from ONE decode: the decode + orient + shrink to
 * thumbnail size happens once (sharp shrinks JPEGs on load), and both the WebP thumbnail and the
 * 32×32 greyscale for the perceptual hash are derived from that small raw buffer. A benchmark holds
 * ingest to ≥ 70% of the throughput of a bare sharp thumbnail, so a second full decode is not allowed.
 */

/*
 * libvips' operation cache is off for the whole process. It pays when one operation runs again on the same
 * input (an image server resizing one photo for many requests); this app decodes each image once (ingest,
 * import) and keeps the cache's 50 MB of decoded pixels churning for nothing. Measured on the ingest bench
 * (2 cores): 64 → 72 images/s with it off, the bare thumbnail unchanged.
 */
sharp.cache(false);

export type ImageFormat = 'png' | 'jpeg' | 'webp';

export const IMAGE_MIME = { png: 'image/png', jpeg: 'image/jpeg', webp: 'image/webp' } as const satisfies Record<ImageFormat, string>;
export type ImageMime = (typeof IMAGE_MIME)[ImageFormat];

/** Decompression-bomb guard: the largest image we agree to decode (8192² covers the app's max side). */
export const MAX_INPUT_PIXELS = 8192 * 8192;
/** Longest side of a library thumbnail. */
export const THUMBNAIL_SIDE = 256;
const THUMBNAIL_WEBP_QUALITY = 80;

export interface ImageAnalysis {
  format: ImageFormat;
  mime: ImageMime;
  /** Displayed size: EXIF orientation applied. */
  width: number;
  height: number;
  /** WebP, longest side ≤ 256, oriented, no metadata. */
  thumbnail: Buffer;
  /** 16 hex chars, see phash.ts. */
  phash: string;
}

/** Identifies PNG, JPEG and WebP by their magic numbers; file names and declared MIME types lie. */
export function detectImageFormat(bytes: Uint8Array): ImageFormat | null {
  const starts = (offset: number, ...expected: number[]): boolean => expected.every((b, i) => bytes[offset + i] === b);
  if (starts(0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'png';
  if (starts(0, 0xff, 0xd8, 0xff)) return 'jpeg';
  if (starts(0, 0x52, 0x49, 0x46, 0x46) && starts(8, 0x57, 0x45, 0x42, 0x50)) return 'webp'; // RIFF....WEBP
  return null;
}

export function requireImageFormat(bytes: Uint8Array): ImageFormat {
  const format = detectImageFormat(bytes);
  if (format) return format;
  const head = Array.from(bytes.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join(' ');
  throw new Error(`Unsupported image format: expected PNG, JPEG or WebP, the file starts with [${head || 'nothing'}].`);
}

export async function analyzeImage(bytes: Uint8Array): Promise<ImageAnalysis> {
  const format = requireImageFormat(bytes);
  const options = { limitInputPixels: MAX_INPUT_PIXELS };
  try {
    // The full-size oriented dimensions, which the shrunk decode cannot give: a PNG says them in its IHDR
    // (and can only be rotated by an eXIf chunk); otherwise metadata(), which parses the header only.
    const [size, small] = await Promise.all([
      (format === 'png' ? unrotatedPngSize(bytes) : null) ?? sharp(bytes, options).metadata().then((meta) => meta.autoOrient),
      sharp(bytes, options)
        .autoOrient()
        .resize(THUMBNAIL_SIDE, THUMBNAIL_SIDE, { fit: 'inside', withoutEnlargement: true })
        .raw({ depth: 'uchar' })
        .toBuffer({ resolveWithObject: true }),
    ]);
    const raw = { width: small.info.width, height: small.info.height, channels: small.info.channels };
    const encoding = sharp(small.data, { raw }).webp({ quality: THUMBNAIL_WEBP_QUALITY }).toBuffer();
    // Hashed on the JS thread while libvips encodes the WebP on its own threads.
    const phash = phashFromGrey32(grey32FromRaw({ data: small.data, ...raw }));
    const thumbnail = await encoding;
    return {
      format,
      mime: IMAGE_MIME[format],
      width: size.width,
      height: size.height,
      thumbnail,
      phash,
    };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`Cannot decode the ${format.toUpperCase()} image: ${reason}`, { cause: error });
  }
}

const PNG_IHDR_END = 8 + 8 + 13 + 4;

/**
 * Width and height from a PNG's IHDR when no eXIf chunk can rotate it (a header walk: lengths and types
 * only, the decoder checks the rest); null when the PNG carries EXIF or its chunk layout looks wrong,
 * and sharp's metadata() decides.
 */
export function unrotatedPngSize(bytes: Uint8Array): { width: number; height: number } | null {
  if (bytes.length < PNG_IHDR_END) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const type = (at: number): string => String.fromCharCode(bytes[at]!, bytes[at + 1]!, bytes[at + 2]!, bytes[at + 3]!);
  if (type(12) !== 'IHDR' || view.getUint32(8) !== 13) return null;
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  for (let offset = 8; offset + 12 <= bytes.length; ) {
    const chunk = type(offset + 4);
    if (chunk === 'eXIf') return null;
    if (chunk === 'IEND') return width > 0 && height > 0 ? { width, height } : null;
    offset += 12 + view.getUint32(offset);
  }
  return null; // no IEND: let the decoder say what is wrong
}
