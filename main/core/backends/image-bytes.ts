import { BackendError, type GeneratedImage } from './types';

/**
 * Image bytes from providers. The library stores PNG, JPEG and WebP. Nothing is assumed to be PNG
 * (Gemini 3 Pro answers JPEG, A1111 may be set to JPEG or WebP, MiniMax does not say): the format is
 * read from the bytes, which agree with a provider's mimeType whenever it gives one; bytes that are no
 * image we can store are `no_image`, whatever they were declared to be.
 */

export const STORABLE_MIMES = ['image/png', 'image/jpeg', 'image/webp'] as const;
export type StorableMime = (typeof STORABLE_MIMES)[number];

/** The format the bytes are in, by their magic number; null when none of ours. */
export function sniffImageMime(bytes: Uint8Array): StorableMime | null {
  if (bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return 'image/png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes.length >= 12 && ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WEBP') return 'image/webp';
  return null;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const DATA_URL_PREFIX = /^data:[^;,]+;base64,/;

/** Decodes one base64 image (a data: prefix and line breaks tolerated) into a stored image, or throws `no_image`. */
export function decodeBase64Image(data: string, declaredMime: string | null, provider: string): GeneratedImage {
  const clean = data.replace(DATA_URL_PREFIX, '').replace(/\s+/g, '');
  if (clean === '' || !BASE64.test(clean)) {
    throw new BackendError('no_image', `${provider} sent image data that is not base64.`, { httpStatus: 200 });
  }
  return imageFromBytes(Buffer.from(clean, 'base64'), declaredMime, provider);
}

export function imageFromBytes(bytes: Uint8Array, declaredMime: string | null, provider: string): GeneratedImage {
  const mime = sniffImageMime(bytes);
  const declared = normalizeMime(declaredMime);
  if (mime === null) {
    throw new BackendError('no_image', `${provider} sent ${bytes.length} bytes that are not a PNG, JPEG or WebP image${declared ? ` (declared ${declared})` : ''}.`, { httpStatus: 200 });
  }
  return { bytes, mime };
}

function normalizeMime(mime: string | null): string | null {
  if (!mime) return null;
  const base = mime.split(';')[0]!.trim().toLowerCase();
  return base === 'image/jpg' ? 'image/jpeg' : base;
}

function ascii(bytes: Uint8Array, from: number, to: number): string {
  return String.fromCharCode(...bytes.subarray(from, to));
}
