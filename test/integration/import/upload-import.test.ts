import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../../main/core';
import { silentLogger } from '../../../main/core/log';
import { insertPngTextChunks } from '../../../main/core/library/png-text';
import { safeUploadName, uploadsFolder } from '../../../main/core/library/upload-staging';
import { startWsServer } from '../../../main/core/transports/ws-server';
import { createClient } from '../../../shared/client';
import { connectNodeWsTransport } from '../../helpers/node-ws-transport';
import { base64Chars, UPLOAD_LIMITS } from '../../../shared/methods/uploads';
import { AppError } from '../../../shared/errors';
import { useTempDirs } from '../../helpers/temp-library';

/**
 * `library.importUpload` (images dropped on a browser-mode page): bytes in, images copied into the real
 * library with their embedded metadata, the staging folder gone, and the limits refused at the contract.
 */

async function a1111Png(word: string, shade: number): Promise<Buffer> {
  const png = await sharp({ create: { width: 40, height: 30, channels: 3, background: { r: shade, g: 90, b: 255 - shade } } })
    .png()
    .toBuffer();
  return Buffer.from(insertPngTextChunks(png, [{ keyword: 'parameters', text: `${word} at dusk\nNegative prompt: blur\nSteps: 12, Sampler: Euler, CFG scale: 6, Seed: 77, Size: 40x30` }]));
}

describe('library.importUpload', () => {
  const tempDir = useTempDirs();
  let core: Core | null = null;
  afterEach(async () => {
    await core?.close();
    core = null;
  });

  it('copies uploaded images into the library with their metadata, names failures as sent, and leaves no staging behind', async () => {
    core = await createCore({ library: join(tempDir(), 'library'), log: silentLogger, keychainService: null });
    const kite = await a1111Png('kite', 40);
    const summary = await core.client.call('library.importUpload', {
      files: [
        { name: 'kite.png', data_base64: kite.toString('base64'), modified_ms: Date.UTC(2024, 4, 1) },
        { name: 'kite copy.png', data_base64: kite.toString('base64') },
        { name: 'broken.png', data_base64: Buffer.from('not an image at all').toString('base64') },
      ],
    });
    expect(summary).toMatchObject({ total: 3, imported: 1, already_present: 1, copied: true, roots: [] });
    expect(summary.failed).toHaveLength(1);
    expect(summary.failed[0]!.path).toBe('broken.png');

    const page = await core.client.call('assets.search', { filter: { text: 'kite' }, limit: 10 });
    expect(page.items).toHaveLength(1);
    const detail = await core.client.call('assets.get', { id: page.items[0]!.id });
    expect(detail).toMatchObject({ width: 40, height: 30 });
    expect(JSON.stringify(detail)).toContain('kite at dusk');
    // The bytes are the library's own copy, unchanged.
    const stored = readdirSync(core.library.images, { recursive: true }).map(String).filter((p) => p.endsWith('.png'));
    expect(stored).toHaveLength(1);
    expect(readFileSync(join(core.library.images, stored[0]!)).equals(kite)).toBe(true);
    // Nothing is left in the staging folder.
    expect(existsSync(uploadsFolder(core.library)) ? readdirSync(uploadsFolder(core.library)) : []).toEqual([]);
  });

  it('refuses calls beyond its limits at the contract, naming the field', async () => {
    core = await createCore({ library: join(tempDir(), 'library'), log: silentLogger, keychainService: null });
    const call = (input: unknown) => core!.client.call('library.importUpload', input as never);
    await expect(call({ files: [] })).rejects.toThrow(AppError);
    await expect(call({ files: [{ name: '../evil.png', data_base64: 'AAAA' }] })).rejects.toThrow(/slashes/);
    await expect(call({ files: [{ name: 'a.png', data_base64: 'not base64!' }] })).rejects.toThrow(/base64/);
    await expect(call({ files: [{ name: 'a.png', data_base64: 'AAA' }] })).rejects.toThrow(/multiple of 4/);
    const tooMany = Array.from({ length: UPLOAD_LIMITS.filesPerCall + 1 }, (_, i) => ({ name: `${i}.png`, data_base64: 'AAAA' }));
    await expect(call({ files: tooMany })).rejects.toThrow(/files/);
    // Two files each within the per-file limit, together over the per-call one.
    const half = 'A'.repeat(base64Chars(UPLOAD_LIMITS.callBytes / 2 + 3));
    await expect(call({ files: [{ name: 'a.png', data_base64: half }, { name: 'b.png', data_base64: half }] })).rejects.toThrow(/may total at most 20 MB/);
  });

  it('takes the largest call its limits allow over the real browser-mode WebSocket', async () => {
    core = await createCore({ library: join(tempDir(), 'library'), log: silentLogger, keychainService: null });
    const server = await startWsServer(core, {});
    const transport = await connectNodeWsTransport(`ws://127.0.0.1:${server.port}/rpc?token=${server.token}`);
    try {
      const client = createClient(transport, { validate: true });
      // One image of exactly the per-call limit: a real PNG header followed by filler, so it is read and refused as corrupt.
      const png = await a1111Png('big', 9);
      const big = Buffer.alloc(UPLOAD_LIMITS.callBytes, 7);
      png.copy(big, 0, 0, 33);
      const summary = await client.call('library.importUpload', { files: [{ name: 'big.png', data_base64: big.toString('base64') }] });
      expect(summary.total).toBe(1);
      expect(summary.imported + summary.failed.length + summary.skipped_non_images).toBe(1);
    } finally {
      transport.close();
      await server.close();
    }
  });

  it('writes every sent name as one safe, visible path segment', () => {
    expect(safeUploadName('sunset.png')).toBe('sunset.png');
    expect(safeUploadName('.hidden.png')).toBe('hidden.png');
    expect(safeUploadName('a:b*c?.png')).toBe('a_b_c_.png');
    expect(safeUploadName('tab\there.png')).toBe('tab_here.png');
    expect(safeUploadName('...')).toBe('image');
  });
});
