import type { BackendId } from '../../../shared/domain/config';

/**
 * The one interface every image backend implements (DESIGN §4). Clients speak their provider's wire
 * format; the orchestrator only sees requests, images and classified errors.
 */

export interface GenerationRequest {
  prompt: string;
  negative_prompt: string | null;
  width: number;
  height: number;
  /** Provider-style aspect ratio ("16:9") when the job asked for one instead of exact pixels. */
  aspect_ratio: string | null;
  steps: number | null;
  cfg_scale: number | null;
  /** A1111-style sampler name from the job; null keeps the backend's configured one. */
  sampler: string | null;
  /** Always set: the orchestrator draws one at submission when the artist gave none, so runs repeat. */
  seed: number;
  /** Images wanted from this call. */
  count: number;
  model: string | null;
}

export interface GeneratedImage {
  bytes: Uint8Array;
  /** As returned by the provider (honoured, never assumed): image/png, image/jpeg, image/webp. */
  mime: string;
}

export interface GenerationResult {
  images: GeneratedImage[];
  model: string;
  /** The seed actually used (providers may ignore or replace ours). */
  seed: number | null;
  /** What the provider says it cost, when it says; the price table fills in otherwise. */
  provider_cost_usd: number | null;
}

export interface BackendCapabilities {
  /** Largest width/height in pixels this backend accepts. */
  max_side: number;
  min_side: number;
  /** Aspect ratios accepted when the request names one; empty means any exact size. */
  aspect_ratios: readonly string[];
  max_images_per_request: number;
  negative_prompt: boolean;
  seed: boolean;
  max_prompt_chars: number;
}

export interface CallOptions {
  signal: AbortSignal;
  /** The backend's secret (API key, service-account JSON, user:password), never logged. */
  credential: string | null;
}

export interface BackendInterface {
  readonly id: BackendId | string;
  readonly capabilities: BackendCapabilities;
  /** True for services that bill per call: an attempt interrupted by a crash may have been billed. */
  readonly paid: boolean;
  generate(request: GenerationRequest, options: CallOptions): Promise<GenerationResult>;
  health?(options: CallOptions): Promise<void>;
}

/** DESIGN §4: every provider failure maps to exactly one class, and the class decides the action. */
export const ERROR_CLASSES = [
  'rate_limited',
  'quota_exhausted',
  'auth',
  'transient',
  'timeout',
  'content_blocked',
  'bad_request',
  'model_gone',
  'no_image',
  'canceled',
] as const;
export type ErrorClass = (typeof ERROR_CLASSES)[number];

export class BackendError extends Error {
  override name = 'BackendError';
  readonly errorClass: ErrorClass;
  readonly httpStatus: number | null;
  /** Provider's own retry delay (RetryInfo.retryDelay, Retry-After), in ms. */
  readonly retryAfterMs: number | null;
  /** The provider's message, shown to the artist as is. */
  readonly providerMessage: string | null;

  constructor(
    errorClass: ErrorClass,
    message: string,
    options: { httpStatus?: number | null; retryAfterMs?: number | null; providerMessage?: string | null; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.errorClass = errorClass;
    this.httpStatus = options.httpStatus ?? null;
    this.retryAfterMs = options.retryAfterMs ?? null;
    this.providerMessage = options.providerMessage ?? null;
  }
}
