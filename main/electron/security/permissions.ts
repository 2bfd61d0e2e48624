import type { Session } from 'electron';
import { isTrustedUrl } from './trusted-sender';

/**
 * Permissions the app's own page may use. Everything else (camera, geolocation, notifications from the
 * page, USB, HID...) is denied: the page never needs it, and a compromised page must not get it.
 * Copying a prompt to the clipboard is the one thing the UI does.
 */
const ALLOWED_FOR_APP: ReadonlySet<string> = new Set(['clipboard-sanitized-write']);

/** Default-deny: only allowlisted permissions, and only for the app's own origin. */
export function isPermissionAllowed(permission: string, requestingUrl: string): boolean {
  return ALLOWED_FOR_APP.has(permission) && isTrustedUrl(requestingUrl);
}

export function installPermissionHandlers(ses: Session): void {
  ses.setPermissionRequestHandler((webContents, permission, callback, details) => {
    callback(isPermissionAllowed(permission, details.requestingUrl || webContents.getURL()));
  });
  // Checks get an origin, not a URL; the app origin parses as a URL all the same.
  ses.setPermissionCheckHandler((_webContents, permission, requestingOrigin) => isPermissionAllowed(permission, requestingOrigin));
  ses.setDevicePermissionHandler(() => false);
}
