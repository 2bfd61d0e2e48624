/**
 * What import reads from an image made by another tool, and the shapes the per-tool parsers share.
 * Every parser is pure: it gets the text the file carries (already pulled out of PNG chunks, EXIF
 * fields, JPEG comments or the alpha channel) and says what it recognises, or null.
 */

/** The tool families we recognise; `null` on a result means "no generation metadata found". */
export const GENERATORS = [
  'a1111',
  'forge',
  'sd-next',
  'civitai',
  'comfyui',
  'invokeai',
  'novelai',
  'fooocus',
  'ruined-fooocus',
  'swarmui',
  'apex-director',
] as const;
export type Generator = (typeof GENERATORS)[number];

/** Where a stealth ("alpha-LSB") payload was found: A1111's stealth-pnginfo extension and NovelAI write these. */
export type StealthMode = 'alpha' | 'rgb';

/** The fields every parser fills what it can of. */
export interface GenerationFields {
  prompt: string | null;
  negative_prompt: string | null;
  seed: number | null;
  steps: number | null;
  sampler: string | null;
  cfg_scale: number | null;
  width: number | null;
  height: number | null;
  model: string | null;
}

/** One parser's verdict: the family it recognised and what it read. */
export interface ParsedGeneration extends GenerationFields {
  generator: Generator;
}

export interface GenerationMetadata extends GenerationFields {
  generator: Generator | null;
  /**
   * Every text the file carries that a tool may have written, verbatim, keyed by where it came from:
   * `png:<keyword>`, `exif:<TagName>`, `jpeg:comment`, `xmp`, `stealth`. Stored so nothing is lost
   * when a parser misses a field (and so a later parser can re-read it without the file).
   */
  raw: Record<string, string>;
  /** Set when the pixels carry a stealth payload (whether or not it could be decoded). */
  stealth: StealthMode | null;
  /** Carriers that were present but unreadable (bad JSON, bad EXIF): reported, never fatal. */
  warnings: string[];
}

/** The decoded EXIF fields generators write to. */
export interface ExifText {
  imageDescription?: string;
  make?: string;
  model?: string;
  software?: string;
  artist?: string;
  userComment?: string;
  xpComment?: string;
}

/** Everything textual an image carries, pulled out of its container, before any tool-specific parsing. */
export interface MetadataSources {
  /** PNG text chunks by keyword (tEXt/zTXt/iTXt); the first chunk of a keyword wins, as in A1111 and PIL. */
  png: ReadonlyMap<string, string>;
  exif: ExifText | null;
  /** JPEG COM segment(s). */
  comment: string | null;
  /** XMP packet (PNG iTXt `XML:com.adobe.xmp`, JPEG APP1, WebP `XMP `). */
  xmp: string | null;
  /** Decoded stealth payload, when there is one. */
  stealth: string | null;
}

export const EMPTY_FIELDS: GenerationFields = {
  prompt: null,
  negative_prompt: null,
  seed: null,
  steps: null,
  sampler: null,
  cfg_scale: null,
  width: null,
  height: null,
  model: null,
};
