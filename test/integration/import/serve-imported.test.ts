import { copyFileSync, mkdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../../main/core';
import { silentLogger } from '../../../main/core/log';
import { startWsServer, type WsServer } from '../../../main/core/transports/ws-server';
import { useTempDirs } from '../../helpers/temp-library';
import { FIXTURES_DIR } from '../../unit/library/metadata/fixture-table';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function get(port: number, path: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host: `127.0.0.1:${port}`, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('serving imported images over the browser-mode server', () => {
  const tempDir = useTempDirs();
  let core: Core;
  let server: WsServer;

  afterEach(async () => {
    await server.close();
    await core.close();
  });

  async function start(): Promise<{ pics: string; base: string; cookie: Record<string, string> }> {
    const base = realpathSync(tempDir());
    const pics = join(base, 'pics');
    mkdirSync(pics);
    for (const file of ['comfyui.png', 'sd-webui.jpg', 'novelai-curated.webp']) copyFileSync(join(FIXTURES_DIR, file), join(pics, file));
    core = await createCore({ library: join(base, 'library'), log: silentLogger, keychainService: null });
    server = await startWsServer(core, {});
    return { pics, base, cookie: { cookie: `apex_token=${server.token}` } };
  }

  const idOf = (file: string) => core.pipeline.db.prepare<[string], { id: number }>('SELECT id FROM assets WHERE rel_path = ?').get(file)!.id;

  it('serves an in-place original byte for byte with its MIME type, and its thumbnail from the library', async () => {
    const { pics, cookie } = await start();
    const summary = await core.client.call('library.import', { paths: [pics] });
    expect(summary.imported).toBe(3);

    for (const [file, mime] of [
      ['comfyui.png', 'image/png'],
      ['sd-webui.jpg', 'image/jpeg'],
      ['novelai-curated.webp', 'image/webp'],
    ] as const) {
      const id = idOf(file);
      const original = await get(server.port, `/asset/original/${id}`, cookie);
      expect(original.status, file).toBe(200);
      expect(original.body.equals(readFileSync(join(pics, file))), file).toBe(true);
      expect(original.headers['content-type']).toBe(mime);
      expect(original.headers['x-content-type-options']).toBe('nosniff');
      // The artist may edit a file in place under the same id: revalidate, never "immutable".
      expect(original.headers['cache-control']).toBe('no-cache');

      const preview = await get(server.port, `/asset/preview/${id}`, cookie);
      expect(preview.status).toBe(200);
      expect(preview.body.equals(original.body)).toBe(true);

      const thumb = await get(server.port, `/asset/thumb/${id}`, cookie);
      expect(thumb.status, file).toBe(200);
      expect(thumb.headers['content-type']).toBe('image/webp');
      expect(thumb.headers['cache-control']).toBe('private, max-age=31536000, immutable');
      const meta = await sharp(thumb.body).metadata();
      expect(meta.format).toBe('webp');
      expect(Math.max(meta.width, meta.height)).toBeLessThanOrEqual(256);
    }
  });

  it('serves copied imports from the library and still only by id, with the token', async () => {
    const { pics, cookie } = await start();
    await core.client.call('library.import', { paths: [join(pics, 'comfyui.png')], copy: true });
    const row = core.pipeline.db.prepare<[], { id: number; rel_path: string }>('SELECT id, rel_path FROM assets').get()!;
    const original = await get(server.port, `/asset/original/${row.id}`, cookie);
    expect(original.status).toBe(200);
    expect(original.headers['cache-control']).toBe('private, max-age=31536000, immutable');
    expect(original.body.equals(readFileSync(join(FIXTURES_DIR, 'comfyui.png')))).toBe(true);
    expect((await get(server.port, `/asset/original/${row.id}`)).status).toBe(401);
    expect((await get(server.port, `/asset/original/..%2f${encodeURIComponent(row.rel_path)}`, cookie)).status).toBe(400);
    expect((await get(server.port, '/asset/original/999999', cookie)).status).toBe(404);
  });

  it('refuses an in-place file that has been swapped for a link leading out of its root', async () => {
    const { pics, base, cookie } = await start();
    await core.client.call('library.import', { paths: [pics] });
    const id = idOf('comfyui.png');
    writeFileSync(join(base, 'private.png'), readFileSync(join(FIXTURES_DIR, 'a1111.png')));
    rmSync(join(pics, 'comfyui.png'));
    symlinkSync(join(base, 'private.png'), join(pics, 'comfyui.png'));
    expect((await get(server.port, `/asset/original/${id}`, cookie)).status).toBe(403);
    rmSync(join(pics, 'comfyui.png'));
    expect((await get(server.port, `/asset/original/${id}`, cookie)).status).toBe(404);
  });
});
