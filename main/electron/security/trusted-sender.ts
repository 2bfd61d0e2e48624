/**
 * The one origin allowed to talk to main: the renderer bundle served from `apex-app://app/`. Everything is
 * decided on a parsed URL, never on substrings (`url.includes('apex-app://')` would accept
 * `https://evil.example/?apex-app://app`).
 */

export const APP_SCHEME = 'apex-app';
export const APP_HOST = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/** The parts of Electron's `WebFrameMain` the check reads; fakes in tests need only these. */
export interface FrameLike {
  readonly parent: unknown;
  readonly url: string;
}

/** True for a URL of the app's own page: `apex-app://app/...`, with no credentials and no port. */
export function isTrustedUrl(raw: string): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  return url.protocol === `${APP_SCHEME}:` && url.host === APP_HOST && url.port === '' && url.username === '' && url.password === '';
}

/**
 * Only the app's top-level frame may call the contract: an iframe (even one showing an app page) could be
 * steered by whatever embedded it, so `parent` must be null.
 */
export function isTrustedFrame(frame: FrameLike | null | undefined): boolean {
  if (!frame) return false;
  try {
    if (frame.parent !== null) return false;
    return isTrustedUrl(frame.url);
  } catch {
    // A frame destroyed mid-call throws on property access: treat it as untrusted.
    return false;
  }
}
