import type { Config } from '../../../shared/domain/config';
import type { PriceBasis, PriceQuote, PriceRow, PriceTable } from '../../../shared/domain/estimate';

/**
 * Price tables per backend and model, versioned with the date they took effect and their source
 * (research/backends.md §1.6, §2, §3.5, §4). Prices are what the provider bills per image, by size tier,
 * or by image-output token — never a text-token rate (LiteLLM reports $0 or a tenth of the real price
 * for Imagen and Gemini images, anchors.md §4; we must not). `backends.<id>.cost_per_image` in the
 * config overrides the table; `null` there means "use the table".
 *
 * Every reader of a price goes through `priceFor`.
 */

/** Gemini image sizes: the tier is chosen by pixel count (a 16:9 "1K" image is 1344×768, about 1 MP). */
export const SIZE_TIERS = [
  { tier: '512', max_megapixels: 0.3 },
  { tier: '1K', max_megapixels: 1.2 },
  { tier: '2K', max_megapixels: 4.5 },
  { tier: '4K', max_megapixels: Infinity },
] as const;
export type SizeTierName = (typeof SIZE_TIERS)[number]['tier'];

/** The tier quoted when a size is not known (a request without pixels, the price list). */
export const DEFAULT_TIER: SizeTierName = '1K';

export type PriceRule =
  | { kind: 'per_image'; usd: number }
  | { kind: 'size_tier'; usd: Partial<Record<SizeTierName, number>> }
  | { kind: 'image_tokens'; usd_per_million_tokens: number; tokens: Partial<Record<SizeTierName, number>> }
  | { kind: 'free' };

export interface PriceEntry {
  backend: string;
  /** Exact provider model id; `*` matches every model of the backend (local SDXL checkpoints, demo). */
  model: string;
  rule: PriceRule;
  confirmed: boolean;
  source: string;
  note?: string;
}

export interface PriceTableVersion {
  version: string;
  /** YYYY-MM-DD: the table applies to calls made on or after this day (UTC). */
  effective_from: string;
  entries: readonly PriceEntry[];
}

const GEMINI_PRICING = 'ai.google.dev/gemini-api/docs/pricing (paid tier), research/backends.md §1.6';
const IMAGEN_PRICING = 'ai.google.dev/gemini-api/docs/pricing (paid tier, as quoted 2026), research/backends.md §2';
const MINIMAX_PRICING = 'resellers (PiAPI, eachlabs, aigateway) list $0.01; the official price was not confirmed, research/backends.md §3.5';
const IMAGEN_RETIRED = 'Imagen 4 on the Gemini API was shut down on 2026-08-17; Vertex AI only.';

const LOCAL_AND_DEMO: readonly PriceEntry[] = [
  { backend: 'sdxl', model: '*', rule: { kind: 'free' }, confirmed: true, source: 'runs on your own machine (research/backends.md §4)' },
  { backend: 'demo', model: '*', rule: { kind: 'free' }, confirmed: true, source: 'offline procedural images, not AI' },
];

const GEMINI_25_FLASH_IMAGE: PriceEntry = {
  backend: 'nano_banana',
  model: 'gemini-2.5-flash-image',
  // 1290 image tokens per image up to 1024×1024 at $30 per million = $0.039; one size only.
  rule: { kind: 'image_tokens', usd_per_million_tokens: 30, tokens: { '512': 1290, '1K': 1290, '2K': 1290, '4K': 1290 } },
  confirmed: true,
  source: GEMINI_PRICING,
  note: 'Shut down on 2026-10-02; its successor is gemini-3.1-flash-image.',
};

const IMAGEN_4: readonly PriceEntry[] = [
  { backend: 'imagen', model: 'imagen-4.0-fast-generate-001', rule: { kind: 'per_image', usd: 0.02 }, confirmed: true, source: IMAGEN_PRICING, note: IMAGEN_RETIRED },
  { backend: 'imagen', model: 'imagen-4.0-generate-001', rule: { kind: 'per_image', usd: 0.04 }, confirmed: true, source: IMAGEN_PRICING, note: IMAGEN_RETIRED },
  { backend: 'imagen', model: 'imagen-4.0-ultra-generate-001', rule: { kind: 'per_image', usd: 0.06 }, confirmed: true, source: IMAGEN_PRICING, note: IMAGEN_RETIRED },
];

const MINIMAX_IMAGE_01: PriceEntry = { backend: 'minimax', model: 'image-01', rule: { kind: 'per_image', usd: 0.01 }, confirmed: false, source: MINIMAX_PRICING };

/** Oldest first. A new price is a new version (never an edit of a shipped one), so old spend stays priced as billed. */
export const PRICE_TABLES: readonly PriceTableVersion[] = [
  {
    version: '2025-10-02',
    effective_from: '2025-10-02',
    entries: [GEMINI_25_FLASH_IMAGE, ...IMAGEN_4, MINIMAX_IMAGE_01, ...LOCAL_AND_DEMO],
  },
  {
    version: '2026-05-28',
    effective_from: '2026-05-28',
    entries: [
      GEMINI_25_FLASH_IMAGE,
      {
        backend: 'nano_banana',
        model: 'gemini-3.1-flash-image',
        // $60 per million image tokens; tokens per tier from Google Cloud's model page (≈ $0.045/0.067/0.101/0.151).
        rule: { kind: 'image_tokens', usd_per_million_tokens: 60, tokens: { '512': 747, '1K': 1120, '2K': 1680, '4K': 2520 } },
        confirmed: false,
        source: `${GEMINI_PRICING}; per-image figures as listed by xairouter/therouter, not checked against ai.google.dev`,
      },
      {
        backend: 'nano_banana',
        model: 'gemini-3-pro-image',
        // $120 per million image tokens: 1120 tokens at 1K/2K, 2000 at 4K (≈ $0.134 and $0.24 per image).
        rule: { kind: 'image_tokens', usd_per_million_tokens: 120, tokens: { '512': 1120, '1K': 1120, '2K': 1120, '4K': 2000 } },
        confirmed: false,
        source: `${GEMINI_PRICING}; third-party figures, not checked against ai.google.dev`,
      },
      ...IMAGEN_4,
      MINIMAX_IMAGE_01,
      ...LOCAL_AND_DEMO,
    ],
  },
];

/** The table in force on a day (epoch ms); the oldest one before any table existed. */
export function priceTableAt(at: number, tables: readonly PriceTableVersion[] = PRICE_TABLES): PriceTableVersion {
  const day = new Date(at).toISOString().slice(0, 10);
  let chosen = tables[0]!;
  for (const table of tables) if (table.effective_from <= day) chosen = table;
  return chosen;
}

/** What is being priced: the size decides the tier, `count` the images billed. */
export interface PriceRequest {
  width: number | null;
  height: number | null;
  count: number;
}

export interface PriceOptions {
  /** When the call is (or was) made: picks the table version. Default: now. */
  at?: number;
  tables?: readonly PriceTableVersion[];
}

export function tierFor(width: number | null, height: number | null): SizeTierName {
  if (width === null || height === null) return DEFAULT_TIER;
  const megapixels = (width * height) / 1_000_000;
  return SIZE_TIERS.find((t) => megapixels <= t.max_megapixels)!.tier;
}

/** The cost_per_image setting of a backend: null means "use the price table" (and demo has none). */
export function costOverride(config: Config, backend: string): number | null {
  if (backend === 'demo' || !Object.hasOwn(config.backends, backend)) return null;
  const settings = config.backends[backend as Exclude<keyof Config['backends'], 'demo'>];
  return settings.cost_per_image ?? null;
}

/** The model a backend is set to use (SDXL and demo have none in config). */
export function configuredModel(config: Config, backend: string): string | null {
  if (!Object.hasOwn(config.backends, backend)) return null;
  const settings = config.backends[backend as keyof Config['backends']];
  return 'model' in settings ? settings.model : null;
}

interface RuleAnswer {
  usd: number;
  basis: PriceBasis;
  tier: string | null;
  tokens: number | null;
}

function applyRule(rule: PriceRule, tier: SizeTierName): RuleAnswer {
  switch (rule.kind) {
    case 'free':
      return { usd: 0, basis: 'free', tier: null, tokens: null };
    case 'per_image':
      return { usd: rule.usd, basis: 'per_image', tier: null, tokens: null };
    case 'size_tier': {
      const usd = rule.usd[tier] ?? maxOf(Object.values(rule.usd));
      return { usd, basis: 'size_tier', tier, tokens: null };
    }
    case 'image_tokens': {
      const tokens = rule.tokens[tier] ?? maxOf(Object.values(rule.tokens));
      const flat = new Set(Object.values(rule.tokens)).size === 1;
      return { usd: (tokens * rule.usd_per_million_tokens) / 1_000_000, basis: 'image_tokens', tier: flat ? null : tier, tokens };
    }
  }
}

function maxOf(values: readonly number[]): number {
  return values.reduce((a, b) => Math.max(a, b), 0);
}

/**
 * THE price of a request: per image and in total, where the figure comes from, and whether it is
 * confirmed. Order: the artist's `cost_per_image` setting, then the table entry for the model, then —
 * for a paid model the table does not know — the backend's most expensive known model, so a budget is
 * never under-counted (marked unconfirmed, with a note saying which setting fixes it).
 */
export function priceFor(backend: string, model: string | null, request: PriceRequest, config: Config, options: PriceOptions = {}): PriceQuote {
  const images = Math.max(0, Math.trunc(request.count));
  const at = options.at ?? Date.now();
  const table = priceTableAt(at, options.tables);
  const resolvedModel = model ?? configuredModel(config, backend);
  const quote = (answer: RuleAnswer, confirmed: boolean, source: string, versioned: boolean): PriceQuote => ({
    backend,
    model: resolvedModel,
    images,
    usd_per_image: roundUsd(answer.usd),
    usd_total: roundUsd(answer.usd * images),
    basis: answer.basis,
    tier: answer.tier,
    tokens_per_image: answer.tokens,
    confirmed,
    source,
    table_version: versioned ? table.version : null,
    effective_from: versioned ? table.effective_from : null,
  });

  const override = costOverride(config, backend);
  if (override !== null) {
    return quote({ usd: override, basis: 'config_override', tier: null, tokens: null }, true, `your setting backends.${backend}.cost_per_image`, false);
  }
  const tier = tierFor(request.width, request.height);
  const forBackend = table.entries.filter((e) => e.backend === backend);
  const entry = forBackend.find((e) => e.model === resolvedModel) ?? forBackend.find((e) => e.model === '*');
  if (entry) return quote(applyRule(entry.rule, tier), entry.confirmed, entry.source, true);
  if (forBackend.length > 0) {
    const answers = forBackend.map((e) => applyRule(e.rule, tier));
    const dearest = answers.reduce((a, b) => (b.usd > a.usd ? b : a));
    return quote(
      { ...dearest, basis: 'unknown' },
      false,
      `no price known for ${resolvedModel ?? 'this model'} on ${backend}: priced as its most expensive known model so spend is never under-counted; set backends.${backend}.cost_per_image to the real price`,
      true,
    );
  }
  return quote({ usd: 0, basis: 'unknown', tier: null, tokens: null }, false, `no price known for backend ${backend}`, false);
}

/** Cents are too coarse for per-image prices; 6 decimals keep sums exact enough and the JSON short. */
function roundUsd(value: number): number {
  return Math.round(value * 1_000_000) / 1_000_000;
}

/** The size tiers a rule prices differently, or [null] when the size does not change the price. */
function tiersOf(rule: PriceRule): Array<SizeTierName | null> {
  const byTier = rule.kind === 'size_tier' ? rule.usd : rule.kind === 'image_tokens' ? rule.tokens : null;
  if (byTier === null || new Set(Object.values(byTier)).size <= 1) return [null];
  return SIZE_TIERS.map((t) => t.tier).filter((tier) => byTier[tier] !== undefined);
}

/** The table in force, as `estimate.prices` shows it. */
export function describePriceTable(config: Config, at: number = Date.now()): PriceTable {
  const table = priceTableAt(at);
  const rows: PriceRow[] = table.entries.map((entry) => {
    const tierNames = tiersOf(entry.rule);
    return {
      backend: entry.backend,
      model: entry.model,
      basis: applyRule(entry.rule, DEFAULT_TIER).basis,
      tiers: tierNames.map((tier) => {
        const answer = applyRule(entry.rule, tier ?? DEFAULT_TIER);
        return { tier, usd_per_image: roundUsd(answer.usd), tokens_per_image: answer.tokens };
      }),
      confirmed: entry.confirmed,
      source: entry.source,
      note: entry.note ?? null,
      in_use: entry.model === '*' || configuredModel(config, entry.backend) === entry.model,
    };
  });
  const backends = Object.keys(config.backends);
  return {
    table_version: table.version,
    effective_from: table.effective_from,
    rows,
    overrides: backends.flatMap((backend) => {
      const usd = costOverride(config, backend);
      return usd === null ? [] : [{ backend, usd_per_image: usd }];
    }),
    effective: backends.map((backend) => priceFor(backend, null, { width: 1024, height: 1024, count: 1 }, config, { at })),
  };
}
