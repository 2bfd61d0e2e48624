import type { z } from 'zod';
import { providerFetch } from './provider-fetch';
import { BackendError, type ErrorClass } from './types';

/**
 * The HTTP half of DESIGN §4's error taxonomy, shared by every client: how a request that never got an
 * answer (refused, dropped, timed out, aborted by the caller), an HTTP status, a Retry-After header and
 * an unreadable body become exactly one BackendError class. Provider-specific bodies (Google's
 * google.rpc details, MiniMax's base_resp, ComfyUI's node_errors) refine this in their own modules.
 */

/** Largest response body read into memory (a batch of 8 SDXL PNGs at 2048² in base64 fits well under it). */
export const MAX_RESPONSE_BYTES = 256 * 1024 * 1024;
/** Provider text kept in `providerMessage`: enough for any real error message, never a whole HTML page. */
export const MAX_PROVIDER_MESSAGE_CHARS = 2_000;
/** A Retry-After further away than this is treated as "a day" (a broken clock or a daily quota). */
export const MAX_RETRY_AFTER_MS = 24 * 60 * 60 * 1000;

/** Who is being called, for messages the artist reads ("Gemini", "the A1111 server at http://…"). */
export interface ProviderCall {
  provider: string;
  signal: AbortSignal;
}

/** `fetch`, injectable so a test can count calls; `providerFetch` (provider-fetch.ts) in the app. */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/**
 * Sends one request. Whatever goes wrong before an answer arrives is classified here: our timeout is
 * `timeout`, an abort by the caller is rethrown as an AbortError (the orchestrator knows why it aborted),
 * everything else on the network is `transient` with a sentence that says what happened.
 */
export async function sendRequest(url: string, init: RequestInit, call: ProviderCall, fetchImpl: FetchLike = providerFetch): Promise<Response> {
  throwIfAborted(call);
  try {
    return await fetchImpl(url, { ...init, signal: call.signal });
  } catch (error) {
    throw networkFailure(error, call);
  }
}

/** Reads the whole body (bounded), with the same classification for a connection dropped mid-body. */
export async function readBody(response: Response, call: ProviderCall, maxBytes: number = MAX_RESPONSE_BYTES): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw new BackendError('transient', `${call.provider} sent a ${declared}-byte answer; the limit is ${maxBytes} bytes.`, { httpStatus: response.status });
  }
  if (!response.body) return new Uint8Array(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw new BackendError('transient', `${call.provider} sent more than ${maxBytes} bytes; the answer was dropped.`, { httpStatus: response.status });
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof BackendError) throw error;
    throw networkFailure(error, call);
  }
  return Buffer.concat(chunks);
}

export async function readText(response: Response, call: ProviderCall, maxBytes: number = MAX_RESPONSE_BYTES): Promise<string> {
  return Buffer.from(await readBody(response, call, maxBytes)).toString('utf8');
}

/** Parses and validates a provider's JSON; a malformed answer is `transient` (a proxy page, a truncated body). */
export function parseProviderJson<T>(text: string, schema: z.ZodType<T>, call: Pick<ProviderCall, 'provider'>, httpStatus: number): T {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new BackendError('transient', `${call.provider} answered HTTP ${httpStatus} with something that is not JSON.`, {
      httpStatus,
      providerMessage: clip(text),
    });
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? issue.path.join('.') : '(top level)';
    throw new BackendError('transient', `${call.provider} answered HTTP ${httpStatus} in an unexpected shape: ${where}: ${issue?.message ?? 'invalid'}.`, {
      httpStatus,
      providerMessage: clip(text),
    });
  }
  return parsed.data;
}

/** JSON if it parses, else null: error bodies are read leniently (an HTML 502 page from a proxy is still a 502). */
export function tryParseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

/** The class an HTTP status means when the body says nothing more specific. */
export function classForStatus(status: number): ErrorClass {
  if (status === 401 || status === 403) return 'auth';
  if (status === 402) return 'quota_exhausted';
  if (status === 404 || status === 410) return 'model_gone';
  if (status === 408 || status === 504) return 'timeout';
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'transient';
  if (status === 409 || status === 425) return 'transient';
  return 'bad_request';
}

const CLASS_SENTENCES: Record<ErrorClass, string> = {
  rate_limited: 'is rate limiting requests',
  quota_exhausted: 'says the quota or balance is used up',
  auth: 'refused the credentials',
  transient: 'failed on its side',
  timeout: 'took too long',
  content_blocked: 'blocked the prompt or the image for its content',
  bad_request: 'refused the request',
  model_gone: 'has no such model or endpoint (check the model and base_url settings)',
  no_image: 'answered without an image',
  canceled: 'was canceled',
};

/** A BackendError for an HTTP failure with nothing provider-specific to add. */
export function httpFailure(
  response: Pick<Response, 'status' | 'headers'>,
  call: Pick<ProviderCall, 'provider'>,
  providerMessage: string | null,
  errorClass: ErrorClass = classForStatus(response.status),
): BackendError {
  return new BackendError(errorClass, `${call.provider} ${CLASS_SENTENCES[errorClass]} (HTTP ${response.status}).`, {
    httpStatus: response.status,
    retryAfterMs: parseRetryAfter(response.headers.get('retry-after')),
    providerMessage: providerMessage === null ? null : clip(providerMessage),
  });
}

/** Retry-After as delta-seconds or an HTTP date (RFC 9110 §10.2.3), in ms from now; null when absent or unreadable. */
export function parseRetryAfter(header: string | null, now: number = Date.now()): number | null {
  if (header === null) return null;
  const value = header.trim();
  if (/^\d+(\.\d+)?$/.test(value)) return Math.min(MAX_RETRY_AFTER_MS, Math.round(Number(value) * 1000));
  const at = Date.parse(value);
  if (Number.isNaN(at)) return null;
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, at - now));
}

/** Error codes Node's fetch (undici) puts on `cause` for a connection that failed or broke. */
const REFUSED_CODES = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL']);
const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN']);
const DROPPED_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'ECONNABORTED']);
const NETWORK_TIMEOUT_CODES = new Set(['ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/**
 * A failure before or while reading an answer. Order matters: an aborted signal explains any error that
 * follows it, so our own timeout is never reported as a dropped connection.
 */
export function networkFailure(error: unknown, call: ProviderCall): Error {
  if (error instanceof BackendError) return error;
  if (call.signal.aborted) return abortFailure(call);
  const code = errorCode(error);
  const detail = describeError(error);
  if (code && REFUSED_CODES.has(code)) {
    return new BackendError('transient', `${call.provider} is down or unreachable (connection refused).`, { providerMessage: detail, cause: error });
  }
  if (code && DNS_CODES.has(code)) {
    return new BackendError('transient', `${call.provider}'s host name could not be resolved (offline, or a typo in base_url).`, { providerMessage: detail, cause: error });
  }
  if (code && NETWORK_TIMEOUT_CODES.has(code)) {
    return new BackendError('timeout', `${call.provider} did not answer in time (${code}).`, { providerMessage: detail, cause: error });
  }
  if ((code && DROPPED_CODES.has(code)) || /terminated|other side closed|socket hang up/i.test(detail)) {
    return new BackendError('transient', `${call.provider} dropped the connection before the answer was complete.`, { providerMessage: detail, cause: error });
  }
  return new BackendError('transient', `Could not reach ${call.provider}: ${detail}`, { providerMessage: detail, cause: error });
}

/** Our AbortSignal.timeout fired → `timeout`; the caller aborted → an error named AbortError, never a class. */
export function abortFailure(call: ProviderCall): Error {
  const reason: unknown = call.signal.reason;
  if (reason instanceof Error && reason.name === 'TimeoutError') {
    return new BackendError('timeout', `${call.provider} did not answer within the backend's timeout_ms.`, { cause: reason });
  }
  if (reason instanceof Error && reason.name === 'AbortError') return reason;
  const error = new Error(`The call to ${call.provider} was aborted.`, { cause: reason });
  error.name = 'AbortError';
  return error;
}

export function throwIfAborted(call: ProviderCall): void {
  if (call.signal.aborted) throw abortFailure(call);
}

/** Sleeps, waking early (with the abort classified as above) when the signal fires. */
export function abortableSleep(ms: number, call: ProviderCall): Promise<void> {
  throwIfAborted(call);
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortFailure(call));
    };
    const timer = setTimeout(() => {
      call.signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    call.signal.addEventListener('abort', onAbort, { once: true });
  });
}

export function clip(text: string, max: number = MAX_PROVIDER_MESSAGE_CHARS): string {
  const trimmed = text.trim();
  return trimmed.length <= max ? trimmed : `${trimmed.slice(0, max - 1)}…`;
}

/** HTTP Basic credentials from "user:password" (A1111 --api-auth, or a proxy in front of ComfyUI). */
export function basicAuthHeader(credential: string | null): Record<string, string> {
  if (credential === null || credential === '') return {};
  return { authorization: `Basic ${Buffer.from(credential, 'utf8').toString('base64')}` };
}

function errorCode(error: unknown): string | null {
  for (let current: unknown = error, depth = 0; current && depth < 4; depth += 1) {
    if (typeof current === 'object' && 'code' in current && typeof current.code === 'string') return current.code;
    current = typeof current === 'object' && 'cause' in current ? current.cause : null;
  }
  return null;
}

function describeError(error: unknown): string {
  const parts: string[] = [];
  for (let current: unknown = error, depth = 0; current && depth < 4; depth += 1) {
    if (current instanceof Error) parts.push(current.message);
    else parts.push(String(current));
    current = typeof current === 'object' && current !== null && 'cause' in current ? current.cause : null;
  }
  return clip(parts.filter(Boolean).join(': '));
}

/** Printable ASCII without spaces: what API keys are made of, and what an HTTP header can carry. */
const HEADER_SAFE_SECRET = /^[\x21-\x7e]+$/;

/**
 * A key about to go into a header. A key pasted with a line break, or a file's contents where a key
 * belongs, is `auth` (fix the key) rather than a confusing network error from fetch refusing the header.
 */
export function headerSafeKey(credential: string | null, missing: string): string {
  const key = credential?.trim() ?? '';
  if (key === '') throw new BackendError('auth', missing);
  if (!HEADER_SAFE_SECRET.test(key)) throw new BackendError('auth', `${missing.replace(/:.*$/, '')}: the stored key contains spaces, line breaks or other characters an API key never has.`);
  return key;
}
