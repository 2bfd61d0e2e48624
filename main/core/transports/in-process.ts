import type { Transport } from '../../../shared/transport';
import type { EventMessage, RpcRequest, RpcResult } from '../../../shared/wire';
import type { EventListener } from '../events';
import type { CallContext, Dispatch } from '../router';

export interface DispatchTarget {
  dispatch: Dispatch;
  subscribe(listener: EventListener): () => void;
}

/**
 * Calls the router directly. Requests, results and events go through a JSON round trip, as on every other
 * transport, so a non-JSON value (a Date, a Buffer, undefined in an array) fails here in tests too.
 */
export function inProcessTransport(target: DispatchTarget, ctx: CallContext = { transport: 'in-process' }): Transport {
  return {
    async request(req: RpcRequest): Promise<RpcResult> {
      const result = await target.dispatch(jsonClone(req), ctx);
      return jsonClone(result);
    },
    onEvent(listener: (msg: EventMessage) => void): () => void {
      return target.subscribe((message) => listener(jsonClone(message)));
    },
  };
}

function jsonClone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
