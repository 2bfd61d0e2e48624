import { LIBRARY_LIMITS, type EmbeddedText } from '../../../shared/domain/assets';

/**
 * The `raw_metadata` column (a JSON object of every text an imported file carried, written by import)
 * as the asset detail lists it: one entry per carrier, in a stable order, each text cut at
 * `LIBRARY_LIMITS.embeddedTextChars` so a multi-megabyte ComfyUI workflow cannot bloat every `assets.get`.
 * A damaged column shows as nothing rather than failing the detail view: the file itself still has it.
 */
export function embeddedTexts(rawJson: string | null): EmbeddedText[] {
  if (rawJson === null) return [];
  let value: unknown;
  try {
    value = JSON.parse(rawJson);
  } catch {
    return [];
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [];
  const out: EmbeddedText[] = [];
  for (const [source, text] of Object.entries(value as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b))) {
    if (typeof text !== 'string') continue;
    if (out.length >= LIBRARY_LIMITS.embeddedTexts) break;
    out.push({ source, text: text.slice(0, LIBRARY_LIMITS.embeddedTextChars), chars: text.length });
  }
  return out;
}
