import { APEX_CHUNK_KEYWORD, ApexEmbeddedMetadata } from '../sidecar';
import type { MetadataSources, ParsedGeneration } from './types';
import { decimal, name, positiveInteger, text, tryParseJson } from './values';

/**
 * Our own PNGs (an `apex` iTXt chunk with the provenance JSON), e.g. images exported from one library
 * and imported into another. Our JPEGs carry only infotext, recognised by a1111.ts (`Generator: APEX Director`).
 */
export function parseApex(sources: MetadataSources): ParsedGeneration | null {
  const raw = sources.png.get(APEX_CHUNK_KEYWORD);
  if (raw === undefined) return null;
  const parsed = ApexEmbeddedMetadata.safeParse(tryParseJson(raw));
  if (!parsed.success) return null;
  const { provenance } = parsed.data;
  const params = provenance.params;
  return {
    generator: 'apex-director',
    prompt: text(provenance.prompt),
    negative_prompt: text(provenance.negative_prompt),
    seed: provenance.seed,
    steps: positiveInteger(params.steps),
    sampler: name(params.sampler),
    cfg_scale: decimal(params.cfg_scale),
    width: positiveInteger(params.width),
    height: positiveInteger(params.height),
    model: name(provenance.model),
  };
}
