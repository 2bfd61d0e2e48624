import { describe, expect, it } from 'vitest';
import { defaultConfig, type Config } from '../../../shared/domain/config';
import { describePriceTable, priceFor, priceTableAt, tierFor, type PriceTableVersion } from '../../../main/core/estimator/prices';

const at = Date.parse('2026-11-01T12:00:00Z');
const size = (width: number, height: number, count = 1) => ({ width, height, count });

function withOverride(backend: 'nano_banana' | 'imagen' | 'minimax' | 'sdxl', usd: number | null): Config {
  const config = defaultConfig();
  config.backends[backend].cost_per_image = usd;
  return config;
}

describe('priceFor', () => {
  const config = defaultConfig();

  it('prices Gemini 3.1 flash image by image token and size tier', () => {
    const tiers = [
      { w: 512, h: 512, tier: '512', tokens: 747 },
      { w: 1024, h: 1024, tier: '1K', tokens: 1120 },
      { w: 1344, h: 768, tier: '1K', tokens: 1120 }, // 16:9 at 1K is still about one megapixel
      { w: 2048, h: 2048, tier: '2K', tokens: 1680 },
      { w: 4096, h: 4096, tier: '4K', tokens: 2520 },
    ];
    for (const t of tiers) {
      const quote = priceFor('nano_banana', 'gemini-3.1-flash-image', size(t.w, t.h, 3), config, { at });
      expect(quote).toMatchObject({ basis: 'image_tokens', tier: t.tier, tokens_per_image: t.tokens, confirmed: false, table_version: '2026-05-28' });
      expect(quote.usd_per_image).toBeCloseTo((t.tokens * 60) / 1_000_000, 9);
      expect(quote.usd_total).toBeCloseTo((3 * t.tokens * 60) / 1_000_000, 9);
    }
  });

  it('prices gemini-2.5-flash-image at 1290 image tokens ($0.0387), confirmed, whatever the size', () => {
    for (const [w, h] of [[512, 512], [1024, 1024], [2048, 2048]] as const) {
      const quote = priceFor('nano_banana', 'gemini-2.5-flash-image', size(w, h), config, { at });
      expect(quote).toMatchObject({ usd_per_image: 0.0387, confirmed: true, tier: null, tokens_per_image: 1290 });
    }
  });

  it('prices Imagen 4 per image and MiniMax as unconfirmed', () => {
    expect(priceFor('imagen', 'imagen-4.0-fast-generate-001', size(1024, 1024, 4), config, { at }).usd_total).toBeCloseTo(0.08, 9);
    expect(priceFor('imagen', null, size(1024, 1024, 2), config, { at })).toMatchObject({ model: 'imagen-4.0-generate-001', usd_total: 0.08, confirmed: true, basis: 'per_image' });
    expect(priceFor('imagen', 'imagen-4.0-ultra-generate-001', size(1024, 1024), config, { at }).usd_total).toBe(0.06);
    expect(priceFor('minimax', 'image-01', size(1024, 1024, 3), config, { at })).toMatchObject({ usd_total: 0.03, confirmed: false });
  });

  it('charges nothing for local SDXL and the demo', () => {
    expect(priceFor('sdxl', 'sd_xl_base_1.0.safetensors', size(1024, 1024, 4), config, { at })).toMatchObject({ usd_total: 0, basis: 'free', confirmed: true });
    expect(priceFor('demo', null, size(2048, 2048, 4), config, { at })).toMatchObject({ usd_total: 0, basis: 'free' });
  });

  it('never prices a paid image at $0 (LiteLLM reports $0 or a tenth for Imagen and Gemini images)', () => {
    for (const backend of ['nano_banana', 'imagen', 'minimax'] as const) {
      const quote = priceFor(backend, null, size(1024, 1024), config, { at });
      expect(quote.usd_per_image).toBeGreaterThanOrEqual(0.01);
    }
  });

  it('lets cost_per_image override the table, and null means the table', () => {
    expect(priceFor('nano_banana', 'gemini-3.1-flash-image', size(4096, 4096, 2), withOverride('nano_banana', 0.05), { at })).toMatchObject({
      usd_per_image: 0.05,
      usd_total: 0.1,
      basis: 'config_override',
      confirmed: true,
      source: 'your setting backends.nano_banana.cost_per_image',
    });
    expect(priceFor('sdxl', null, size(1024, 1024, 2), withOverride('sdxl', 0.002), { at }).usd_total).toBe(0.004);
    expect(priceFor('imagen', null, size(1024, 1024), withOverride('imagen', null), { at }).basis).toBe('per_image');
  });

  it('prices an unknown paid model as the backend\'s dearest known one, unconfirmed, naming the setting to fix it', () => {
    const quote = priceFor('nano_banana', 'gemini-9-image', size(1024, 1024), config, { at });
    expect(quote).toMatchObject({ basis: 'unknown', confirmed: false, usd_per_image: 0.1344 });
    expect(quote.source).toContain('backends.nano_banana.cost_per_image');
  });

  it('uses the table in force on the day of the call', () => {
    expect(priceTableAt(Date.parse('2026-01-01T00:00:00Z')).version).toBe('2025-10-02');
    expect(priceTableAt(Date.parse('2026-06-01T00:00:00Z')).version).toBe('2026-05-28');
    // Before 3.1 flash image had a price, it is an unknown model priced at the dearest known one.
    expect(priceFor('nano_banana', 'gemini-3.1-flash-image', size(1024, 1024), config, { at: Date.parse('2026-01-01T00:00:00Z') }).basis).toBe('unknown');
    const tables: PriceTableVersion[] = [
      { version: 'v1', effective_from: '2026-01-01', entries: [{ backend: 'minimax', model: 'image-01', rule: { kind: 'per_image', usd: 0.01 }, confirmed: true, source: 'old' }] },
      { version: 'v2', effective_from: '2026-07-01', entries: [{ backend: 'minimax', model: 'image-01', rule: { kind: 'per_image', usd: 0.02 }, confirmed: true, source: 'new' }] },
    ];
    expect(priceFor('minimax', 'image-01', size(1024, 1024), config, { at: Date.parse('2026-06-30T12:00:00Z'), tables }).usd_total).toBe(0.01);
    expect(priceFor('minimax', 'image-01', size(1024, 1024), config, { at: Date.parse('2026-07-01T12:00:00Z'), tables })).toMatchObject({ usd_total: 0.02, table_version: 'v2' });
  });

  it('picks tiers by pixel count', () => {
    expect(tierFor(null, null)).toBe('1K');
    expect(tierFor(640, 384)).toBe('512');
    expect(tierFor(1536, 1536)).toBe('2K');
    expect(tierFor(3840, 2160)).toBe('4K');
  });
});

describe('describePriceTable', () => {
  it('lists every row with its tiers, marks unconfirmed prices and the models in use, and shows overrides', () => {
    const table = describePriceTable(withOverride('minimax', 0.012), at);
    expect(table.table_version).toBe('2026-05-28');
    const flash = table.rows.find((r) => r.model === 'gemini-3.1-flash-image')!;
    expect(flash).toMatchObject({ confirmed: false, in_use: true });
    expect(flash.tiers.map((t) => t.tier)).toEqual(['512', '1K', '2K', '4K']);
    expect(table.rows.find((r) => r.model === 'imagen-4.0-generate-001')).toMatchObject({ confirmed: true, in_use: true, tiers: [{ tier: null, usd_per_image: 0.04 }] });
    expect(table.overrides).toEqual([{ backend: 'minimax', usd_per_image: 0.012 }]);
    expect(table.effective.find((q) => q.backend === 'minimax')).toMatchObject({ usd_per_image: 0.012, basis: 'config_override' });
    expect(table.effective.find((q) => q.backend === 'sdxl')).toMatchObject({ usd_per_image: 0 });
  });
});
