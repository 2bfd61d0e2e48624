import { z } from 'zod';
import { clip, httpFailure, parseRetryAfter, tryParseJson } from './http-errors';
import { BackendError, type ErrorClass } from './types';

/**
 * Google's half of the error taxonomy (DESIGN §4, research/backends.md §1.4–§1.5, §2.1, §6), for both
 * Google backends — Gemini `generateContent` (nano_banana) and Imagen `:predict` (imagen, on the Gemini
 * API or Vertex AI), which share the google.rpc error body:
 *   {"error":{"code":429,"status":"RESOURCE_EXHAUSTED","message":"…","details":[{"@type":"…RetryInfo","retryDelay":"19s"}, …]}}
 * and the 200-without-an-image answers (a safety block, a text-only reply, a filtered Imagen sample).
 */

const TYPE_PREFIX = 'type.googleapis.com/google.rpc.';

const ErrorDetail = z.looseObject({ '@type': z.string() });
const RetryInfo = z.looseObject({ retryDelay: z.string() });
const QuotaFailure = z.looseObject({
  violations: z.array(z.looseObject({ quotaMetric: z.string().optional(), quotaId: z.string().optional(), subject: z.string().optional(), description: z.string().optional() })),
});
const ErrorInfo = z.looseObject({ reason: z.string().optional(), domain: z.string().optional() });

const GoogleError = z.looseObject({
  code: z.number().int().optional(),
  message: z.string().optional(),
  status: z.string().optional(),
  details: z.array(ErrorDetail).optional(),
});
/** Google answers `{error}`; some older front ends wrap it in a one-element array. */
const GoogleErrorBody = z.union([z.looseObject({ error: GoogleError }), z.array(z.looseObject({ error: GoogleError })).min(1)]);
type GoogleError = z.infer<typeof GoogleError>;

/** ErrorInfo reasons that mean the key itself is wrong or not allowed (Google sends some of these as 400). */
const AUTH_REASONS = new Set(['API_KEY_INVALID', 'API_KEY_EXPIRED', 'API_KEY_SERVICE_BLOCKED', 'API_KEY_HTTP_REFERRER_BLOCKED', 'API_KEY_IP_ADDRESS_BLOCKED', 'ACCESS_TOKEN_EXPIRED', 'ACCESS_TOKEN_TYPE_UNSUPPORTED', 'SERVICE_DISABLED', 'CONSUMER_INVALID']);
/** Reasons that mean money, not permission: billing off or a spending cap reached. */
const QUOTA_REASONS = new Set(['BILLING_DISABLED', 'BILLING_NOT_ACTIVE', 'RATE_LIMIT_EXCEEDED_BILLING']);

/** A quota id or metric that resets daily: retrying before midnight (Pacific) only burns calls. */
const PER_DAY_QUOTA = /per_?day|daily/i;
/** "Please retry in 19.424395716s." — the message repeats the delay when the details are absent. */
const RETRY_IN_MESSAGE = /retry in (\d+(?:\.\d+)?)\s*(ms|s)\b/i;

export interface GoogleCallContext {
  /** "Gemini (gemini-3.1-flash-image)", "Imagen on Vertex AI". */
  provider: string;
  /** The setting that names the model, for model_gone ("backends.imagen.model"). */
  modelSetting: string;
  model: string;
  /** Overrides the model_gone sentence (Imagen explains its 2026 shutdown). */
  modelGoneMessage?: (providerMessage: string) => string;
  /** Imagen refuses prompts against its Responsible-AI rules with a 400 rather than a 200. */
  blockedPromptOn400?: boolean;
}

/** Imagen's 400 for a refused prompt: "The prompt could not be submitted. This prompt contains sensitive words …". */
const RAI_REFUSAL = /responsible ai|sensitive words|could not be submitted|violat\w* (?:our|google'?s) (?:policies|usage guidelines)|raiMediaFiltered/i;

/** Turns a non-2xx Google answer into exactly one class, keeping Google's own words. */
export function classifyGoogleHttpError(response: Pick<Response, 'status' | 'headers'>, bodyText: string, context: GoogleCallContext): BackendError {
  const parsed = GoogleErrorBody.safeParse(tryParseJson(bodyText));
  if (!parsed.success) return httpFailure(response, context, clip(bodyText) || null);
  const error: GoogleError = Array.isArray(parsed.data) ? parsed.data[0]!.error : parsed.data.error;
  const status = error.status ?? '';
  const message = error.message ?? status;
  const providerMessage = clip(status && message !== status ? `${status}: ${message}` : message);
  const details = error.details ?? [];
  const reasons = details.filter((d) => isType(d, 'ErrorInfo')).map((d) => ErrorInfo.safeParse(d).data?.reason ?? '');
  const http = response.status;
  const make = (errorClass: ErrorClass, sentence: string, retryAfterMs: number | null = null) =>
    new BackendError(errorClass, sentence, { httpStatus: http, retryAfterMs, providerMessage });

  if (reasons.some((r) => AUTH_REASONS.has(r)) || /api key not valid|api key expired/i.test(message)) {
    return make('auth', `${context.provider} refused the API key (HTTP ${http}): set a valid key for this backend.`);
  }
  if (reasons.some((r) => QUOTA_REASONS.has(r))) {
    return make('quota_exhausted', `${context.provider} says billing is off or its spending cap is reached for this key (HTTP ${http}).`);
  }
  if (http === 429 || status === 'RESOURCE_EXHAUSTED') {
    if (isPerDayQuota(details)) {
      return make('quota_exhausted', `${context.provider}'s daily quota for this key is used up (HTTP ${http}); it resets at midnight Pacific time.`, retryDelayMs(details, response, message));
    }
    return make('rate_limited', `${context.provider} is rate limiting this key (HTTP ${http}).`, retryDelayMs(details, response, message));
  }
  if (http === 404 || status === 'NOT_FOUND') {
    const sentence = context.modelGoneMessage?.(providerMessage) ?? `${context.provider} does not offer the model "${context.model}" (HTTP ${http}): change ${context.modelSetting}.`;
    return make('model_gone', sentence);
  }
  if (http === 401 || http === 403 || status === 'UNAUTHENTICATED' || status === 'PERMISSION_DENIED') {
    return make('auth', `${context.provider} refused the credentials (HTTP ${http}${status ? ` ${status}` : ''}).`);
  }
  if (status === 'FAILED_PRECONDITION') {
    // "User location is not supported", "billing not enabled": nothing a retry can change, the artist must act.
    return make('auth', `${context.provider} cannot be used with this key's project or region (HTTP ${http} FAILED_PRECONDITION).`);
  }
  if (context.blockedPromptOn400 && http === 400 && RAI_REFUSAL.test(message)) {
    return make('content_blocked', `${context.provider} refused the prompt under its content rules.`);
  }
  if (http === 504 || status === 'DEADLINE_EXCEEDED') return make('timeout', `${context.provider} ran out of time on its side (HTTP ${http}).`);
  if (http >= 500 || status === 'UNAVAILABLE' || status === 'INTERNAL' || status === 'ABORTED') {
    return make('transient', `${context.provider} failed on its side (HTTP ${http}${status ? ` ${status}` : ''}).`, parseRetryAfter(response.headers.get('retry-after')));
  }
  return make('bad_request', `${context.provider} refused the request (HTTP ${http}${status ? ` ${status}` : ''}).`);
}

/** A protobuf Duration in JSON ("19s", "3.700s", "0.5s") in ms; null when unreadable. */
export function parseGoogleDuration(value: string): number | null {
  const match = /^(\d+(?:\.\d+)?)s$/.exec(value.trim());
  return match ? Math.round(Number(match[1]) * 1000) : null;
}

function isType(detail: z.infer<typeof ErrorDetail>, name: string): boolean {
  return detail['@type'] === `${TYPE_PREFIX}${name}`;
}

function isPerDayQuota(details: readonly z.infer<typeof ErrorDetail>[]): boolean {
  return details
    .filter((d) => isType(d, 'QuotaFailure'))
    .flatMap((d) => QuotaFailure.safeParse(d).data?.violations ?? [])
    .some((v) => PER_DAY_QUOTA.test(v.quotaId ?? '') || PER_DAY_QUOTA.test(v.quotaMetric ?? ''));
}

/** RetryInfo.retryDelay first, then a Retry-After header, then the delay quoted in the message. */
function retryDelayMs(details: readonly z.infer<typeof ErrorDetail>[], response: Pick<Response, 'headers'>, message: string): number | null {
  for (const detail of details) {
    if (!isType(detail, 'RetryInfo')) continue;
    const delay = RetryInfo.safeParse(detail).data?.retryDelay;
    const ms = delay === undefined ? null : parseGoogleDuration(delay);
    if (ms !== null) return ms;
  }
  const header = parseRetryAfter(response.headers.get('retry-after'));
  if (header !== null) return header;
  const quoted = RETRY_IN_MESSAGE.exec(message);
  if (!quoted) return null;
  return Math.round(Number(quoted[1]) * (quoted[2]!.toLowerCase() === 'ms' ? 1 : 1000));
}

/** finishReason values that mean a filter stopped the image (research §1.4): retrying the same prompt will not help. */
const BLOCKED_FINISH = new Set(['SAFETY', 'IMAGE_SAFETY', 'PROHIBITED_CONTENT', 'IMAGE_PROHIBITED_CONTENT', 'BLOCKLIST', 'SPII', 'RECITATION', 'IMAGE_RECITATION']);
/** The prompt's language is not supported: the artist must rephrase, a retry is the same request. */
const BAD_REQUEST_FINISH = new Set(['LANGUAGE']);

export interface GeminiOutcome {
  blockReason: string | null;
  blockReasonMessage: string | null;
  finishReason: string | null;
  finishMessage: string | null;
  /** Text the model wrote instead of (or beside) an image, e.g. "I can't draw that". */
  text: string | null;
}

/**
 * Why a 200 from generateContent carries no image: a blocked prompt, a filtered output, or a text-only
 * reply. Never success (DESIGN §4 `no_image`).
 */
export function geminiNoImageError(outcome: GeminiOutcome, provider: string): BackendError {
  if (outcome.blockReason) {
    const reason = outcome.blockReasonMessage ? `${outcome.blockReason}: ${outcome.blockReasonMessage}` : outcome.blockReason;
    return new BackendError('content_blocked', `${provider} blocked the prompt (${outcome.blockReason}).`, { httpStatus: 200, providerMessage: clip(reason) });
  }
  const finish = outcome.finishReason ?? 'none';
  const said = [outcome.finishMessage, outcome.text].filter((s): s is string => !!s && s.trim() !== '').join(' — ');
  const providerMessage = clip(said ? `${finish}: ${said}` : finish);
  if (BLOCKED_FINISH.has(finish)) {
    return new BackendError('content_blocked', `${provider} withheld the image under its content rules (finishReason ${finish}).`, { httpStatus: 200, providerMessage });
  }
  if (BAD_REQUEST_FINISH.has(finish)) {
    return new BackendError('bad_request', `${provider} does not support the prompt's language (finishReason ${finish}).`, { httpStatus: 200, providerMessage });
  }
  return new BackendError('no_image', `${provider} answered without an image (finishReason ${finish}).`, { httpStatus: 200, providerMessage });
}

/** Imagen's 200 with no usable sample: every image filtered (raiFilteredReason) or nothing at all. */
export function imagenNoImageError(filteredReasons: readonly string[], provider: string): BackendError {
  if (filteredReasons.length > 0) {
    return new BackendError('content_blocked', `${provider} filtered every image under its content rules.`, { httpStatus: 200, providerMessage: clip(filteredReasons.join(' | ')) });
  }
  return new BackendError('no_image', `${provider} answered without an image (an empty predictions list: usually every sample was filtered).`, { httpStatus: 200 });
}
