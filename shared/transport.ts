import type { EventMessage, RpcRequest, RpcResult } from './wire';

/**
 * What the client needs from any transport (Electron IPC, WebSocket, in-process).
 * `request` resolves for every application outcome, errors included; it rejects ONLY when the
 * transport itself fails (socket closed, app quitting).
 */
export interface Transport {
  request(req: RpcRequest): Promise<RpcResult>;
  onEvent(listener: (msg: EventMessage) => void): () => void;
}
