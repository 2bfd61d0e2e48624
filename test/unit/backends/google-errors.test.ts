import { describe, expect, it } from 'vitest';
import { classifyGoogleHttpError, geminiNoImageError, imagenNoImageError, parseGoogleDuration, type GoogleCallContext } from '../../../main/core/backends/google-errors';

const context: GoogleCallContext = { provider: 'Gemini (m)', model: 'm', modelSetting: 'backends.nano_banana.model' };
const response = (status: number, headers: Record<string, string> = {}) => ({ status, headers: new Headers(headers) });
const body = (code: number, status: string, message: string, details: unknown[] = []) => JSON.stringify({ error: { code, status, message, details } });
const quota = (violation: Record<string, string>) => ({ '@type': 'type.googleapis.com/google.rpc.QuotaFailure', violations: [violation] });
const retry = (retryDelay: string) => ({ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay });

describe('Google durations', () => {
  it('reads protobuf Duration strings', () => {
    expect(parseGoogleDuration('19s')).toBe(19_000);
    expect(parseGoogleDuration('3.700s')).toBe(3_700);
    expect(parseGoogleDuration('0.5s')).toBe(500);
    expect(parseGoogleDuration('19')).toBeNull();
    expect(parseGoogleDuration('1m')).toBeNull();
  });
});

describe('Google HTTP errors', () => {
  it('429 per minute is rate_limited with RetryInfo, else Retry-After, else the delay in the message', () => {
    const withInfo = classifyGoogleHttpError(response(429, { 'retry-after': '99' }), body(429, 'RESOURCE_EXHAUSTED', 'Quota exceeded', [quota({ quotaId: 'GenerateRequestsPerMinutePerProjectPerModel' }), retry('21s')]), context);
    expect(withInfo).toMatchObject({ errorClass: 'rate_limited', httpStatus: 429, retryAfterMs: 21_000, providerMessage: 'RESOURCE_EXHAUSTED: Quota exceeded' });
    expect(classifyGoogleHttpError(response(429, { 'retry-after': '8' }), body(429, 'RESOURCE_EXHAUSTED', 'Quota exceeded'), context).retryAfterMs).toBe(8_000);
    expect(classifyGoogleHttpError(response(429), body(429, 'RESOURCE_EXHAUSTED', 'Please retry in 19.424395716s.'), context).retryAfterMs).toBe(19_424);
    expect(classifyGoogleHttpError(response(429), body(429, 'RESOURCE_EXHAUSTED', 'Please retry in 250ms.'), context).retryAfterMs).toBe(250);
    expect(classifyGoogleHttpError(response(429), body(429, 'RESOURCE_EXHAUSTED', 'Resource has been exhausted'), context).retryAfterMs).toBeNull();
  });

  it('a per-day quota (by quota id or metric) is quota_exhausted', () => {
    expect(classifyGoogleHttpError(response(429), body(429, 'RESOURCE_EXHAUSTED', 'q', [quota({ quotaId: 'GenerateRequestsPerDayPerProjectPerModel-FreeTier' })]), context).errorClass).toBe('quota_exhausted');
    expect(classifyGoogleHttpError(response(429), body(429, 'RESOURCE_EXHAUSTED', 'q', [quota({ quotaMetric: 'generativelanguage.googleapis.com/images_per_day' })]), context).errorClass).toBe('quota_exhausted');
  });

  it('keys, permissions, billing, regions', () => {
    const keyInvalid = { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com' };
    expect(classifyGoogleHttpError(response(400), body(400, 'INVALID_ARGUMENT', 'API key not valid. Please pass a valid API key.', [keyInvalid]), context).errorClass).toBe('auth');
    expect(classifyGoogleHttpError(response(403), body(403, 'PERMISSION_DENIED', 'denied'), context).errorClass).toBe('auth');
    expect(classifyGoogleHttpError(response(401), body(401, 'UNAUTHENTICATED', 'token expired'), context).errorClass).toBe('auth');
    expect(classifyGoogleHttpError(response(400), body(400, 'FAILED_PRECONDITION', 'User location is not supported for the API use.'), context).errorClass).toBe('auth');
    const billing = { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'BILLING_DISABLED' };
    expect(classifyGoogleHttpError(response(403), body(403, 'PERMISSION_DENIED', 'billing', [billing]), context).errorClass).toBe('quota_exhausted');
  });

  it('404 is model_gone naming the setting; server errors are transient or timeout; the rest bad_request', () => {
    const gone = classifyGoogleHttpError(response(404), body(404, 'NOT_FOUND', 'models/m is not found'), context);
    expect(gone.errorClass).toBe('model_gone');
    expect(gone.message).toContain('backends.nano_banana.model');
    expect(classifyGoogleHttpError(response(500), body(500, 'INTERNAL', 'An internal error has occurred.'), context).errorClass).toBe('transient');
    expect(classifyGoogleHttpError(response(503), body(503, 'UNAVAILABLE', 'overloaded'), context).errorClass).toBe('transient');
    expect(classifyGoogleHttpError(response(504), body(504, 'DEADLINE_EXCEEDED', 'late'), context).errorClass).toBe('timeout');
    expect(classifyGoogleHttpError(response(400), body(400, 'INVALID_ARGUMENT', 'bad'), context).errorClass).toBe('bad_request');
  });

  it('a Responsible-AI refusal is content_blocked only where the API uses 400 for it (Imagen)', () => {
    const text = body(400, 'INVALID_ARGUMENT', "The prompt could not be submitted. This prompt contains sensitive words that violate Google's Responsible AI practices.");
    expect(classifyGoogleHttpError(response(400), text, { ...context, blockedPromptOn400: true }).errorClass).toBe('content_blocked');
    expect(classifyGoogleHttpError(response(400), text, context).errorClass).toBe('bad_request');
  });

  it('reads the array-wrapped body and falls back to the status for HTML pages', () => {
    const wrapped = JSON.stringify([{ error: { code: 429, status: 'RESOURCE_EXHAUSTED', message: 'slow down', details: [retry('2s')] } }]);
    expect(classifyGoogleHttpError(response(429), wrapped, context)).toMatchObject({ errorClass: 'rate_limited', retryAfterMs: 2_000 });
    const html = classifyGoogleHttpError(response(502, { 'retry-after': '3' }), '<html><title>502 Bad Gateway</title></html>', context);
    expect(html).toMatchObject({ errorClass: 'transient', httpStatus: 502, retryAfterMs: 3_000 });
    expect(html.providerMessage).toContain('502 Bad Gateway');
  });
});

describe('Gemini and Imagen answers without an image', () => {
  const none = { blockReason: null, blockReasonMessage: null, finishReason: null, finishMessage: null, text: null };
  it.each([
    [{ blockReason: 'SAFETY' }, 'content_blocked', 'SAFETY'],
    [{ blockReason: 'OTHER', blockReasonMessage: 'unsupported' }, 'content_blocked', 'OTHER: unsupported'],
    [{ finishReason: 'IMAGE_SAFETY' }, 'content_blocked', 'IMAGE_SAFETY'],
    [{ finishReason: 'PROHIBITED_CONTENT', finishMessage: 'no' }, 'content_blocked', 'PROHIBITED_CONTENT: no'],
    [{ finishReason: 'IMAGE_RECITATION' }, 'content_blocked', 'IMAGE_RECITATION'],
    [{ finishReason: 'NO_IMAGE' }, 'no_image', 'NO_IMAGE'],
    [{ finishReason: 'IMAGE_OTHER' }, 'no_image', 'IMAGE_OTHER'],
    [{ finishReason: 'STOP', text: 'Here is a poem instead' }, 'no_image', 'STOP: Here is a poem instead'],
    [{ finishReason: 'LANGUAGE' }, 'bad_request', 'LANGUAGE'],
    [{}, 'no_image', 'none'],
  ] as const)('%o → %s', (outcome, errorClass, providerMessage) => {
    const error = geminiNoImageError({ ...none, ...outcome }, 'Gemini');
    expect(error).toMatchObject({ errorClass, httpStatus: 200, providerMessage });
  });

  it('Imagen: filtered → content_blocked with the reasons; empty → no_image', () => {
    expect(imagenNoImageError(['a', 'b'], 'Imagen')).toMatchObject({ errorClass: 'content_blocked', providerMessage: 'a | b' });
    expect(imagenNoImageError([], 'Imagen').errorClass).toBe('no_image');
  });
});
