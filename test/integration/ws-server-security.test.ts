import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createCore, type Core } from '../../main/core';
import { startWsServer, type WsServer } from '../../main/core/transports/ws-server';
import { useTempDirs } from '../helpers/temp-library';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function get(port: number, path: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host: `127.0.0.1:${port}`, ...headers } }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function tryUpgrade(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, { headers });
    socket.once('open', () => {
      socket.close();
      resolve(101);
    });
    socket.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    socket.once('error', () => resolve(-1));
  });
}

describe('browser-mode server security', () => {
  const tempDir = useTempDirs();
  let core: Core;
  let server: WsServer;
  let rendererDir: string;

  async function start(): Promise<void> {
    const base = tempDir();
    rendererDir = join(base, 'renderer');
    mkdirSync(join(rendererDir, 'assets'), { recursive: true });
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>APEX</title>');
    writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
    writeFileSync(join(base, 'secret.txt'), 'outside the renderer');
    core = await createCore({ library: join(base, 'library') });
    server = await startWsServer(core, { rendererDir });
  }

  afterEach(async () => {
    await server.close();
    await core.close();
  });

  it('binds to 127.0.0.1 and prints a URL with a long random token', async () => {
    await start();
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{48}$/);
  });

  it('trades the token for an HttpOnly SameSite=Strict cookie and strips it from the URL', async () => {
    await start();
    const first = await get(server.port, `/?token=${server.token}`);
    expect(first.status).toBe(303);
    expect(first.headers.location).toBe('/');
    const cookie = String(first.headers['set-cookie']);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    const page = await get(server.port, '/', { cookie: cookie.split(';')[0] ?? '' });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>APEX</title>');
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    expect(page.headers['content-security-policy']).toContain(`ws://127.0.0.1:${server.port}`);
    // Single-page app routes fall back to index.html; real files are served with their type.
    expect((await get(server.port, '/gallery', { cookie: `apex_token=${server.token}` })).body).toContain('APEX');
    expect((await get(server.port, '/assets/app.js', { cookie: `apex_token=${server.token}` })).headers['content-type']).toContain('text/javascript');
  });

  it('refuses requests without the token, with a wrong token, or with a foreign Host header', async () => {
    await start();
    expect((await get(server.port, '/')).status).toBe(401);
    expect((await get(server.port, '/?token=wrong')).status).toBe(403);
    expect((await get(server.port, '/', { cookie: 'apex_token=wrong' })).status).toBe(401);
    expect((await get(server.port, '/', { cookie: `apex_token=${server.token}`, host: 'evil.example' })).status).toBe(421);
  });

  it('keeps static files inside the renderer folder', async () => {
    await start();
    const cookie = { cookie: `apex_token=${server.token}` };
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/assets/..%2f..%2fsecret.txt']) {
      const reply = await get(server.port, path, cookie);
      expect(reply.body, path).not.toContain('outside the renderer');
    }
    expect((await get(server.port, '/missing.js', cookie)).status).toBe(404);
  });

  it('accepts the WebSocket only with the token, from its own origin and host', async () => {
    await start();
    const url = `ws://127.0.0.1:${server.port}/rpc`;
    expect(await tryUpgrade(url, {})).toBe(403);
    expect(await tryUpgrade(`${url}?token=wrong`, {})).toBe(403);
    expect(await tryUpgrade(url, { cookie: `apex_token=${server.token}`, origin: 'https://evil.example' })).toBe(403);
    expect(await tryUpgrade(url, { cookie: `apex_token=${server.token}`, origin: server.origin })).toBe(101);
    expect(await tryUpgrade(`${url}?token=${server.token}`, {})).toBe(101);
    expect(await tryUpgrade(`ws://127.0.0.1:${server.port}/other?token=${server.token}`, {})).toBe(403);
  });

  it('serves asset routes only by id and refuses unknown ids', async () => {
    await start();
    const cookie = { cookie: `apex_token=${server.token}` };
    expect((await get(server.port, '/asset/original/deadbeef', cookie)).status).toBe(404);
    expect((await get(server.port, '/asset/original/..%2f..%2fetc%2fpasswd', cookie)).status).toBe(400);
    expect((await get(server.port, '/asset/original/deadbeef')).status).toBe(401);
  });
});
