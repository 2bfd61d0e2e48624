import type { EventMessage, RpcRequest } from './wire';

/**
 * What the preload exposes to the page as `window.apexBridge`, and nothing more: one request function and
 * one event subscription. No business methods live here; they are all in the contract.
 * `request` resolves with an RpcResult-shaped value; the renderer validates it before use.
 */
export interface ApexBridge {
  request(req: RpcRequest): Promise<unknown>;
  onEvent(listener: (message: EventMessage) => void): () => void;
  readonly platform: string;
  /**
   * The path of a file the artist dropped or picked (Electron's `webUtils.getPathForFile`); null when it has
   * none (a file made in the page). Optional: absent in browser mode, where pages never see paths.
   * Typed structurally because shared/ has no DOM types: the renderer passes a DOM `File`.
   */
  pathForFile?(file: DroppedFile): string | null;
}

/** What shared/ can say about a DOM `File` without the DOM library. */
export interface DroppedFile {
  readonly name: string;
  readonly size: number;
}

export const BRIDGE_GLOBAL = 'apexBridge';
