import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSidecar, readSidecarFile, serializeSidecar, stableJson, writeSidecarFile, type AssetSidecar } from '../../../main/core/library/sidecar';
import { useTempDirs } from '../../helpers/temp-library';

const sidecar: AssetSidecar = {
  version: 1,
  sha256: 'ab'.repeat(32),
  file: `assets/images/ab/${'ab'.repeat(32)}.png`,
  thumbnail: `assets/thumbnails/ab/${'ab'.repeat(32)}.webp`,
  mime: 'image/png',
  width: 1024,
  height: 768,
  bytes: 123_456,
  phash: '0123456789abcdef',
  source: 'imported',
  created_at: 1_700_000_000_000,
  provenance: {
    job_id: null,
    attempt_id: null,
    batch_id: null,
    image_index: null,
    image_count: null,
    backend: null,
    model: null,
    prompt: 'from another tool',
    negative_prompt: null,
    seed: null,
    params: { nested: { list: [1, 'two', null, true] } },
    cost_usd: 0,
    generation_ms: null,
    project: null,
    tags: [],
  },
};

describe('sidecar', () => {
  const tempDir = useTempDirs();

  it('round-trips through a file', async () => {
    const path = join(tempDir(), 'x.json');
    expect(await readSidecarFile(path)).toBeNull();
    writeSidecarFile(path, sidecar);
    expect(await readSidecarFile(path)).toEqual(sidecar);
    expect(parseSidecar(serializeSidecar(sidecar))).toEqual(sidecar);
  });

  it('names the offending field of an invalid sidecar', () => {
    expect(() => parseSidecar(JSON.stringify({ ...sidecar, width: -1 }))).toThrow(/at width/);
    expect(() => parseSidecar(JSON.stringify({ ...sidecar, version: 2 }))).toThrow(/at version/);
    expect(() => parseSidecar(JSON.stringify({ ...sidecar, file: '../../outside.png' }))).toThrow(/at file/);
    expect(() => parseSidecar(JSON.stringify({ ...sidecar, provenance: { ...sidecar.provenance, tags: undefined } }))).toThrow(/at provenance.tags/);
    expect(() => parseSidecar('{')).toThrow(/not valid JSON/);
  });

  it('serialises JSON canonically (sorted keys at every level)', () => {
    expect(stableJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[{"y":2,"z":1}]},"b":1}');
  });
});
