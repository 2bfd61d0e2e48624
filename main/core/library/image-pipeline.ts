import sharp from 'sharp';
import { grey32FromRaw, phashFromGrey32 } from './phash';

/**
 * Everything ingest needs from an image's pixels, from ONE decode: the decode + orient + shrink to
 * thumbnail size happens once (sharp shrinks JPEGs on load), and both the WebP thumbnail and the
 * 32×32 greyscale for the perceptual hash are derived from that small raw buffer. A benchmark holds
 * ingest to ≥ 70% of the throughput of a bare sharp thumbnail, so a second full decode is not allowed.
 */

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
    // metadata() only parses the header: it gives the full-size oriented dimensions the shrunk decode cannot.
    const [meta, small] = await Promise.all([
      sharp(bytes, options).metadata(),
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
      width: meta.autoOrient.width,
      height: meta.autoOrient.height,
      thumbnail,
      phash,
    };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`Cannot decode the ${format.toUpperCase()} image: ${reason}`, { cause: error });
  }
}
