import { randomBytes } from 'node:crypto';
import { ZodError } from 'zod';
import { isMethodName, methods, type HandlerInput, type MethodName, type MethodResult } from '../../shared/contract';
import { AppError, type WireError } from '../../shared/errors';
import { describeIssues, summarizeIssues } from '../../shared/validation';
import { RpcRequest, type RpcResult } from '../../shared/wire';
import type { Logger } from './log';

/** Who is calling: transports fill this in; handlers may use it (e.g. to abort on disconnect). */
export interface CallContext {
  transport: 'in-process' | 'websocket' | 'electron';
}

/** One handler per contract method. `satisfies Handlers` on the map makes a missing handler a compile error. */
export type Handlers = {
  [M in MethodName]: (input: HandlerInput<M>, ctx: CallContext) => Promise<MethodResult<M>> | MethodResult<M>;
};

export interface RouterOptions {
  log: Logger;
  /** Check results against the contract: a tripwire for drift, on outside production. */
  validateOutput: boolean;
  /** Set while the core shuts down: every call then answers UNAVAILABLE. */
  isClosing?: () => boolean;
}

export type Dispatch = (request: unknown, ctx: CallContext) => Promise<RpcResult>;

/**
 * Validates the envelope and the input, calls the handler, and turns every outcome into a result.
 * It never throws and never rejects: transports just pass the result on.
 */
export function createRouter(handlers: Handlers, options: RouterOptions): Dispatch {
  return async function dispatch(request, ctx) {
    const envelope = RpcRequest.safeParse(request);
    if (!envelope.success) return fail({ code: 'INVALID_INPUT', message: 'Malformed request: expected {id, method, input}.', details: {} });
    const { method } = envelope.data;
    if (!isMethodName(method)) return fail({ code: 'NOT_FOUND', message: `Unknown method "${method.slice(0, 100)}".`, details: { method: method.slice(0, 100) } });
    if (options.isClosing?.()) return fail({ code: 'UNAVAILABLE', message: 'The library is closing.', details: { method } });

    const input = methods[method].input.safeParse(envelope.data.input);
    if (!input.success) {
      const first = summarizeIssues(input.error)[0];
      return fail({
        code: 'INVALID_INPUT',
        message: `Invalid input for ${method}: ${describeIssues(input.error)}`,
        details: { method, field: first?.path ?? null, reason: first?.reason ?? null, issues: input.error.issues.length },
      });
    }

    try {
      const handler = handlers[method] as (input: unknown, ctx: CallContext) => unknown;
      const value: unknown = await handler(input.data, ctx);
      if (options.validateOutput) {
        const output = methods[method].output.safeParse(value);
        if (!output.success) throw new Error(`Result of ${method} breaks the contract: ${describeIssues(output.error)}`);
      }
      return { ok: true, value: value ?? null };
    } catch (error) {
      return fail(toWireError(error, method, options.log));
    }
  };
}

function fail(error: WireError): RpcResult {
  return { ok: false, error };
}

/**
 * Known failures keep their code; anything else is a bug: logged with its stack under a fresh incident id,
 * and the caller gets only the id (never a stack trace or a path).
 */
export function toWireError(error: unknown, method: MethodName | 'unknown', log: Logger): WireError {
  if (error instanceof AppError) return error.toWire();
  if (error instanceof ZodError) {
    const first = summarizeIssues(error)[0];
    return { code: 'INVALID_INPUT', message: describeIssues(error), details: { field: first?.path ?? null, reason: first?.reason ?? null } };
  }
  if (error instanceof Error && error.name === 'AbortError') return { code: 'CANCELLED', message: 'The operation was cancelled.', details: {} };
  const sqliteCode = sqliteErrorCode(error);
  if (sqliteCode === 'SQLITE_BUSY' || sqliteCode === 'SQLITE_LOCKED') {
    return { code: 'BUSY', message: 'The library database is busy; try again.', details: { sqlite: sqliteCode } };
  }
  if (sqliteCode?.startsWith('SQLITE_CONSTRAINT')) {
    return { code: 'CONFLICT', message: 'That change conflicts with what the library already holds.', details: { sqlite: sqliteCode } };
  }
  const incidentId = randomBytes(4).toString('hex');
  log.error('unexpected error', {
    incidentId,
    method,
    error: error instanceof Error ? { name: error.name, message: error.message, stack: error.stack } : String(error),
  });
  return {
    code: 'INTERNAL',
    message: `Something went wrong inside APEX Director (incident ${incidentId}). The details are in the library's logs folder.`,
    details: { incidentId },
  };
}

function sqliteErrorCode(error: unknown): string | null {
  if (error instanceof Error && error.name === 'SqliteError' && 'code' in error && typeof error.code === 'string') return error.code;
  return null;
}
