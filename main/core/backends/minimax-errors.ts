import { clip } from './http-errors';
import { BackendError, type ErrorClass } from './types';

/**
 * MiniMax's half of the error taxonomy (research/backends.md §3.4): business errors arrive in
 * `base_resp.status_code`, usually inside an HTTP 200, so a 200 is never trusted until this says 0.
 */

/** The official error-code table (platform.minimax.io/docs/api-reference/errorcode), by class. */
export const MINIMAX_CODE_CLASSES: ReadonlyMap<number, ErrorClass> = new Map<number, ErrorClass>([
  [1000, 'transient'], // unknown error
  [1001, 'timeout'], // request timeout on their side
  [1002, 'rate_limited'], // RPM/TPM limit
  [1004, 'auth'], // not authorized / key does not match the host's region
  [1008, 'quota_exhausted'], // insufficient balance
  [1013, 'transient'], // internal service error
  [1024, 'transient'], // internal error
  [1026, 'content_blocked'], // the prompt is sensitive
  [1027, 'content_blocked'], // the output is sensitive
  [1033, 'transient'], // system / downstream error
  [1039, 'rate_limited'], // token limit
  [2013, 'bad_request'], // invalid parameters
  [2038, 'auth'], // real-name verification required (mainland accounts)
  [2049, 'auth'], // invalid api key
]);

const CODE_SENTENCES: Partial<Record<ErrorClass, string>> = {
  rate_limited: 'is rate limiting this key',
  quota_exhausted: 'says the account balance is used up: top it up on platform.minimax.io',
  auth: 'refused the API key (a key only works on its own host: api.minimax.io for global accounts, api.minimaxi.com for mainland China)',
  content_blocked: 'blocked the prompt or the image as sensitive content',
  bad_request: 'refused the request parameters',
  timeout: 'timed out on its side',
  transient: 'failed on its side',
};

/** One MiniMax status code (≠ 0) as a BackendError; unknown 1xxx codes are server-side, unknown 2xxx are ours. */
export function minimaxCodeError(code: number, statusMsg: string, httpStatus: number, traceId: string | null): BackendError {
  const errorClass = MINIMAX_CODE_CLASSES.get(code) ?? (code >= 2000 && code < 3000 ? 'bad_request' : 'transient');
  const trace = traceId ? ` Trace-Id ${traceId}.` : '';
  return new BackendError(errorClass, `MiniMax ${CODE_SENTENCES[errorClass] ?? 'failed'} (code ${code}).${trace}`, {
    httpStatus,
    providerMessage: clip(`${code}: ${statusMsg}`),
  });
}
