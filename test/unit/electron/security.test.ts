import type { Session, WebContents } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../../main/electron/security/csp';
import { externalUrlToOpen, hardenWebContents } from '../../../main/electron/security/navigation';
import { installPermissionHandlers, isPermissionAllowed } from '../../../main/electron/security/permissions';
import { isTrustedFrame, isTrustedUrl } from '../../../main/electron/security/trusted-sender';

describe('isTrustedFrame', () => {
  it('trusts the top frame of the app origin only', () => {
    expect(isTrustedFrame({ parent: null, url: 'apex-app://app/index.html' })).toBe(true);
    expect(isTrustedFrame({ parent: null, url: 'apex-app://app/library?x=1#top' })).toBe(true);
    expect(isTrustedFrame({ parent: null, url: 'APEX-APP://app/index.html' })).toBe(true); // URL parsing lowercases the scheme
    // Node keeps a custom scheme's host as written; Chromium hands main canonical (lowercase) URLs, so exact is safe.
    expect(isTrustedFrame({ parent: null, url: 'apex-app://APP/index.html' })).toBe(false);
  });

  it.each([
    ['an iframe, even of the app', { parent: {}, url: 'apex-app://app/index.html' }],
    ['https', { parent: null, url: 'https://evil.example/' }],
    ['another apex-app host', { parent: null, url: 'apex-app://evil/index.html' }],
    ['a look-alike host', { parent: null, url: 'apex-app://app.evil.example/index.html' }],
    ['the origin in the query', { parent: null, url: 'https://evil.example/?apex-app://app/' }],
    ['the origin in credentials', { parent: null, url: 'https://apex-app:%2F%2Fapp@evil.example/' }],
    ['credentials', { parent: null, url: 'apex-app://user:pw@app/index.html' }],
    ['a port', { parent: null, url: 'apex-app://app:1234/index.html' }],
    ['file:', { parent: null, url: 'file:///index.html' }],
    ['about:blank', { parent: null, url: 'about:blank' }],
    ['not a URL', { parent: null, url: 'apex-app app index' }],
    ['an empty URL', { parent: null, url: '' }],
  ])('refuses %s', (_label, frame) => {
    expect(isTrustedFrame(frame)).toBe(false);
  });

  it('refuses a missing frame and a frame that throws (destroyed)', () => {
    expect(isTrustedFrame(null)).toBe(false);
    expect(isTrustedFrame(undefined)).toBe(false);
    const destroyed = {
      parent: null,
      get url(): string {
        throw new Error('Render frame was disposed');
      },
    };
    expect(isTrustedFrame(destroyed)).toBe(false);
  });

  it('isTrustedUrl agrees on the origin rules', () => {
    expect(isTrustedUrl('apex-app://app/')).toBe(true);
    expect(isTrustedUrl('apex-asset://app/x')).toBe(false);
  });
});

describe('CSP', () => {
  it('is the policy of style.md §8.7.4', () => {
    expect(CONTENT_SECURITY_POLICY).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' apex-asset: blob: data:; " +
        "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
  });

  it('never allows inline or eval scripts, or remote hosts', () => {
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-inline|unsafe-eval|https?:|ws:|\*/);
  });
});

describe('externalUrlToOpen', () => {
  it('passes https links, normalized', () => {
    expect(externalUrlToOpen('https://ai.google.dev/pricing')).toBe('https://ai.google.dev/pricing');
    expect(externalUrlToOpen('HTTPS://Example.COM')).toBe('https://example.com/');
  });

  it.each(['http://example.com/', 'javascript:alert(1)', 'file:///etc/passwd', 'apex-app://app/', 'smb://host/share', 'https://user:pw@example.com/', 'not a url', ''])(
    'refuses %s',
    (url) => {
      expect(externalUrlToOpen(url)).toBeNull();
    },
  );
});

type Listener = (event: { url: string; preventDefault: () => void }) => void;

function fakeContents() {
  const listeners = new Map<string, Listener>();
  let openHandler: ((details: { url: string }) => { action: string }) | null = null;
  const contents = {
    on: vi.fn((name: string, listener: Listener) => listeners.set(name, listener)),
    setWindowOpenHandler: vi.fn((handler: (details: { url: string }) => { action: string }) => {
      openHandler = handler;
    }),
  };
  const fire = (name: string, url: string) => {
    const event = { url, preventDefault: vi.fn() };
    listeners.get(name)!(event);
    return event.preventDefault;
  };
  return { contents: contents as unknown as WebContents, fire, open: (url: string) => openHandler!({ url }) };
}

describe('hardenWebContents', () => {
  it('keeps navigation inside the app and sends https links to the browser', () => {
    const shell = { openExternal: vi.fn(() => Promise.resolve()) };
    const { contents, fire } = fakeContents();
    hardenWebContents(contents, shell);

    expect(fire('will-navigate', 'apex-app://app/library')).not.toHaveBeenCalled();
    expect(fire('will-navigate', 'https://example.com/docs')).toHaveBeenCalled();
    expect(shell.openExternal).toHaveBeenCalledWith('https://example.com/docs');
    expect(fire('will-navigate', 'file:///etc/passwd')).toHaveBeenCalled();
    expect(fire('will-navigate', 'javascript:alert(1)')).toHaveBeenCalled();
    expect(shell.openExternal).toHaveBeenCalledTimes(1);
  });

  it('prevents redirects out of the app and every webview', () => {
    const shell = { openExternal: vi.fn(() => Promise.resolve()) };
    const { contents, fire } = fakeContents();
    hardenWebContents(contents, shell);
    expect(fire('will-redirect', 'https://evil.example/')).toHaveBeenCalled();
    expect(fire('will-redirect', 'apex-app://app/index.html')).not.toHaveBeenCalled();
    expect(fire('will-attach-webview', 'apex-app://app/index.html')).toHaveBeenCalled();
    expect(shell.openExternal).not.toHaveBeenCalled();
  });

  it('denies every new window, opening https ones in the browser', () => {
    const shell = { openExternal: vi.fn(() => Promise.resolve()) };
    const { contents, open } = fakeContents();
    hardenWebContents(contents, shell);
    expect(open('https://example.com/')).toEqual({ action: 'deny' });
    expect(open('apex-app://app/index.html')).toEqual({ action: 'deny' });
    expect(open('file:///etc/passwd')).toEqual({ action: 'deny' });
    expect(shell.openExternal).toHaveBeenCalledTimes(1);
  });
});

describe('permissions', () => {
  it('denies by default and allows only clipboard writes to the app', () => {
    expect(isPermissionAllowed('clipboard-sanitized-write', 'apex-app://app/index.html')).toBe(true);
    expect(isPermissionAllowed('clipboard-sanitized-write', 'https://evil.example/')).toBe(false);
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'hid', 'unknown']) {
      expect(isPermissionAllowed(permission, 'apex-app://app/index.html')).toBe(false);
    }
  });

  it('installs request, check and device handlers that follow the policy', () => {
    type RequestHandler = (wc: { getURL(): string }, permission: string, callback: (granted: boolean) => void, details: { requestingUrl: string }) => void;
    let request: RequestHandler | null = null;
    let check: ((wc: unknown, permission: string, origin: string) => boolean) | null = null;
    let device: (() => boolean) | null = null;
    const ses = {
      setPermissionRequestHandler: (handler: RequestHandler) => (request = handler),
      setPermissionCheckHandler: (handler: typeof check) => (check = handler),
      setDevicePermissionHandler: (handler: typeof device) => (device = handler),
    };
    installPermissionHandlers(ses as unknown as Session);

    const wc = { getURL: () => 'apex-app://app/index.html' };
    const callback = vi.fn();
    request!(wc, 'media', callback, { requestingUrl: 'apex-app://app/index.html' });
    request!(wc, 'clipboard-sanitized-write', callback, { requestingUrl: 'apex-app://app/index.html' });
    request!(wc, 'clipboard-sanitized-write', callback, { requestingUrl: 'https://evil.example/' });
    expect(callback.mock.calls).toEqual([[false], [true], [false]]);
    expect(check!(null, 'geolocation', 'apex-app://app')).toBe(false);
    expect(check!(null, 'clipboard-sanitized-write', 'apex-app://app')).toBe(true);
    expect(device!()).toBe(false);
  });
});
