import type { ExifText, MetadataSources } from '../../../../main/core/library/metadata/types';

/** MetadataSources for a parser test: only what the test names. */
export function sources(parts: { png?: Record<string, string>; exif?: ExifText; stealth?: string }): MetadataSources {
  return {
    png: new Map(Object.entries(parts.png ?? {})),
    exif: parts.exif ?? null,
    comment: null,
    xmp: null,
    stealth: parts.stealth ?? null,
  };
}
