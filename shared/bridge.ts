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
}

export const BRIDGE_GLOBAL = 'apexBridge';
