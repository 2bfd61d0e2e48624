import type { App, Shell, WebContents } from 'electron';
import { isTrustedUrl } from './trusted-sender';

/**
 * The page never navigates away from the app and never opens windows. A link to the web (an https URL,
 * e.g. a backend's pricing page) is handed to the artist's browser instead, after parsing.
 */

/** The URL to give `shell.openExternal`, or null. https only, no credentials: `javascript:`, `file:`, custom schemes are refused. */
export function externalUrlToOpen(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' || url.username !== '' || url.password !== '' || url.hostname === '') return null;
  return url.href;
}

type OpenExternal = Pick<Shell, 'openExternal'>;

function openIfExternal(shell: OpenExternal, raw: string): void {
  const url = externalUrlToOpen(raw);
  if (url) void shell.openExternal(url).catch(() => undefined);
}

/** Hardens one WebContents: navigation only within the app, no new windows, no webviews. */
export function hardenWebContents(contents: WebContents, shell: OpenExternal): void {
  contents.on('will-navigate', (event) => {
    if (isTrustedUrl(event.url)) return;
    event.preventDefault();
    openIfExternal(shell, event.url);
  });
  contents.on('will-redirect', (event) => {
    if (!isTrustedUrl(event.url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    openIfExternal(shell, url);
    return { action: 'deny' };
  });
}

/** Applies the rules to every WebContents the app ever creates, windows and anything else. */
export function installNavigationGuards(app: Pick<App, 'on'>, shell: OpenExternal): void {
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, shell));
}
