import { describe, expect, it } from 'vitest';
import { abortFailure, classForStatus, MAX_RETRY_AFTER_MS, networkFailure, parseRetryAfter } from '../../../main/core/backends/http-errors';
import { BackendError } from '../../../main/core/backends/types';

const live = { provider: 'Example', signal: new AbortController().signal };

/** What Node's fetch throws for a failed connection: TypeError('fetch failed') with the socket error as cause. */
function fetchFailed(code: string, message = code): TypeError {
  const cause = Object.assign(new Error(message), { code });
  return new TypeError('fetch failed', { cause });
}

describe('Retry-After', () => {
  it('reads delta-seconds and HTTP dates, and ignores garbage', () => {
    const now = Date.parse('2026-11-20T10:00:00Z');
    expect(parseRetryAfter('30', now)).toBe(30_000);
    expect(parseRetryAfter(' 1.5 ', now)).toBe(1_500);
    expect(parseRetryAfter('Fri, 20 Nov 2026 10:00:45 GMT', now)).toBe(45_000);
    expect(parseRetryAfter('Fri, 20 Nov 2026 09:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
    expect(parseRetryAfter('999999999', now)).toBe(MAX_RETRY_AFTER_MS);
  });
});

describe('HTTP status classes', () => {
  it.each([
    [400, 'bad_request'],
    [401, 'auth'],
    [402, 'quota_exhausted'],
    [403, 'auth'],
    [404, 'model_gone'],
    [408, 'timeout'],
    [409, 'transient'],
    [413, 'bad_request'],
    [422, 'bad_request'],
    [429, 'rate_limited'],
    [500, 'transient'],
    [502, 'transient'],
    [503, 'transient'],
    [504, 'timeout'],
  ] as const)('%i → %s', (status, errorClass) => {
    expect(classForStatus(status)).toBe(errorClass);
  });
});

describe('network failures', () => {
  it.each([
    ['ECONNREFUSED', 'transient', /down or unreachable/],
    ['ENOTFOUND', 'transient', /host name could not be resolved/],
    ['ECONNRESET', 'transient', /dropped the connection/],
    ['UND_ERR_SOCKET', 'transient', /dropped the connection/],
    ['UND_ERR_HEADERS_TIMEOUT', 'timeout', /did not answer in time/],
    ['ESOMETHINGELSE', 'transient', /Could not reach Example/],
  ] as const)('%s → %s', (code, errorClass, message) => {
    const error = networkFailure(fetchFailed(code, `connect ${code} 127.0.0.1:9`), live);
    expect(error).toBeInstanceOf(BackendError);
    expect((error as BackendError).errorClass).toBe(errorClass);
    expect(error.message).toMatch(message);
    expect((error as BackendError).providerMessage).toContain(code);
  });

  it('an aborted signal explains the failure: our timeout is timeout, a caller abort stays an AbortError', () => {
    const timedOut = { provider: 'Example', signal: AbortSignal.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')) };
    const timeout = networkFailure(fetchFailed('ECONNRESET'), timedOut);
    expect(timeout).toBeInstanceOf(BackendError);
    expect((timeout as BackendError).errorClass).toBe('timeout');

    const controller = new AbortController();
    controller.abort();
    const aborted = networkFailure(new DOMException('This operation was aborted', 'AbortError'), { provider: 'Example', signal: controller.signal });
    expect(aborted).not.toBeInstanceOf(BackendError);
    expect(aborted.name).toBe('AbortError');

    const custom = new AbortController();
    custom.abort('the artist pressed cancel');
    const wrapped = abortFailure({ provider: 'Example', signal: custom.signal });
    expect(wrapped.name).toBe('AbortError');
    expect(wrapped.cause).toBe('the artist pressed cancel');
  });
});
