import type { ApexBridge } from '../../../shared/bridge';
import type { Transport } from '../../../shared/transport';
import { EventMessage, RpcResultSchema, type RpcResult } from '../../../shared/wire';

/**
 * The Electron transport: the preload's bridge, with everything it hands back checked before use.
 * The bridge crosses a process boundary, so its values are `unknown` until the schema says otherwise.
 */
export function createElectronTransport(bridge: ApexBridge): Transport {
  return {
    async request(req): Promise<RpcResult> {
      const raw = await bridge.request(req);
      const parsed = RpcResultSchema.safeParse(raw);
      if (parsed.success) return parsed.data;
      // A malformed answer is contract drift between main and renderer, not a user error: say so plainly.
      return {
        ok: false,
        error: { code: 'INTERNAL', message: `The app's main process sent a malformed answer to ${req.method}.`, details: {} },
      };
    },
    onEvent(listener) {
      return bridge.onEvent((message: unknown) => {
        const parsed = EventMessage.safeParse(message);
        if (parsed.success) listener(parsed.data);
      });
    },
  };
}
