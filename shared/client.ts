import {
  events,
  methods,
  type CallInput,
  type EventName,
  type EventPayload,
  type MethodName,
  type MethodResult,
} from './contract';
import { AppError } from './errors';
import type { Transport } from './transport';

export interface ClientOptions {
  /** Validate results and event payloads against the contract: on in tests and development, to catch drift. */
  validate?: boolean;
}

/** A typed client over any transport. Application errors are thrown as `AppError` with the wire code. */
export function createClient(transport: Transport, options: ClientOptions = {}) {
  let sequence = 0;
  return {
    async call<M extends MethodName>(method: M, ...args: CallInput<M> extends undefined ? [input?: CallInput<M>] : [input: CallInput<M>]): Promise<MethodResult<M>> {
      sequence += 1;
      const result = await transport.request({ id: `${Date.now().toString(36)}-${sequence}`, method, input: args[0] });
      if (!result.ok) throw AppError.fromWire(result.error);
      return (options.validate ? methods[method].output.parse(result.value) : result.value) as MethodResult<M>;
    },
    on<E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void): () => void {
      return transport.onEvent((message) => {
        if (message.name !== name) return;
        const payload = options.validate ? events[name].parse(message.payload) : message.payload;
        listener(payload as EventPayload<E>);
      });
    },
  };
}

export type ApexClient = ReturnType<typeof createClient>;
