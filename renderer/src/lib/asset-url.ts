/**
 * URLs for library images. The core serves them by opaque id only, never by path:
 * - Electron: the `apex-asset://<kind>/<id>` protocol (main/electron/protocols.ts);
 * - browser mode: `/asset/<kind>/<id>` on the server that served this page (main/core/transports/ws-server.ts),
 *   authorised by the same cookie as the page, so a relative URL is enough.
 * The choice follows the same test as `pickTransport`: the preload's bridge means Electron.
 */

export type AssetUrlKind = 'thumb' | 'preview' | 'original';

/** Kept in step with ASSET_ID in main/core/assets/resolve-asset.ts: anything else would be refused there anyway. */
const ASSET_ID = /^[A-Za-z0-9_-]{1,64}$/;

function isElectron(): boolean {
  return typeof window !== 'undefined' && window.apexBridge !== undefined;
}

export function assetUrl(kind: AssetUrlKind, id: number | string): string {
  const token = String(id);
  if (!ASSET_ID.test(token)) throw new Error(`assetUrl: "${token}" is not an asset id (letters, digits, - and _ only).`);
  return isElectron() ? `apex-asset://${kind}/${token}` : `/asset/${kind}/${token}`;
}

/** Small square-ish thumbnail for grids. */
export function thumbUrl(id: number | string): string {
  return assetUrl('thumb', id);
}

/** Screen-sized preview, for detail views. */
export function previewUrl(id: number | string): string {
  return assetUrl('preview', id);
}

/** The original file at full resolution. */
export function imageUrl(id: number | string): string {
  return assetUrl('original', id);
}
