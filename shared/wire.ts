import { z } from 'zod';
import { ERROR_CODES, type WireError } from './errors';

export { EVENT_CHANNEL, RPC_CHANNEL } from './channels';

export const MAX_REQUEST_ID_LENGTH = 64;

/** The envelope of one call. `input` is validated against the method's schema by the router. */
export const RpcRequest = z.object({
  id: z.string().min(1).max(MAX_REQUEST_ID_LENGTH),
  method: z.string().min(1).max(100),
  /** Absent for methods without input (JSON drops `undefined`). */
  input: z.unknown().optional(),
});
export type RpcRequest = z.infer<typeof RpcRequest>;

export const WireErrorSchema = z.object({
  code: z.enum(ERROR_CODES),
  message: z.string(),
  details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
});

export type RpcResult = { ok: true; value: unknown } | { ok: false; error: WireError };

export const RpcResultSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: WireErrorSchema }),
]);

export const EventMessage = z.object({ name: z.string().min(1).max(100), payload: z.unknown() });
export type EventMessage = z.infer<typeof EventMessage>;

/** Frames on the WebSocket transport: the client sends requests, the server answers and pushes events. */
export const ServerFrame = z.union([
  z.object({ type: z.literal('result'), id: z.string().max(MAX_REQUEST_ID_LENGTH), result: RpcResultSchema }),
  z.object({ type: z.literal('event'), event: EventMessage }),
]);
export type ServerFrame = z.infer<typeof ServerFrame>;
