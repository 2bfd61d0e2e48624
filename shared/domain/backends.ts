import { z } from 'zod';
import { BackendId } from './config';

/**
 * The backend manager's view of each backend (DESIGN §4): circuit-breaker state, health over a recent
 * window, why the cascade would skip it, and which API keys exist (never their values).
 */

const Count = z.number().int().min(0);
const Reason = z.string().max(500);
const Ms = z.number().int().min(0);

export const BREAKER_STATES = ['closed', 'open', 'half_open', 'disabled'] as const;
export const BreakerState = z.enum(BREAKER_STATES);
export type BreakerState = z.infer<typeof BreakerState>;

/** One backend the cascade passed over for an attempt, and why. */
export const RoutingSkip = z.object({ backend: z.string().max(50), reason: Reason });
export type RoutingSkip = z.infer<typeof RoutingSkip>;

/** Stored with every attempt (attempts.routing_json): which backend served it and why earlier ones did not. */
export const Routing = z.object({
  chosen: z.string().max(50),
  skipped: z.array(RoutingSkip).max(16),
});
export type Routing = z.infer<typeof Routing>;

export const LastError = z.object({
  error_class: z.string().max(50),
  message: z.string().max(1_000),
  at: z.number().int(),
});
export type LastError = z.infer<typeof LastError>;

export const BackendHealth = z.object({
  id: BackendId,
  enabled: z.boolean(),
  priority: z.number().int(),
  /** Has what it needs to be called: a key (or none needed); a local server must also have answered. */
  set_up: z.boolean(),
  state: BreakerState,
  /** Why the cascade skips it right now, in plain words; null when it can take jobs. */
  unavailable_reason: Reason.nullable(),
  /** Calls that ended within the health window. */
  calls: Count,
  /** Share of those calls the backend answered properly (a prompt it refused is not held against it). */
  success_rate: z.number().min(0).max(1).nullable(),
  p50_ms: Ms.nullable(),
  p95_ms: Ms.nullable(),
  last_error: LastError.nullable(),
  /** When an open circuit lets its one test call through (epoch ms). */
  retry_at: z.number().int().nullable(),
  /** When a rate limit's cool-down ends (epoch ms). */
  cooling_until: z.number().int().nullable(),
  in_flight: Count,
});
export type BackendHealth = z.infer<typeof BackendHealth>;

export const BackendsHealth = z.object({
  /** Length of the window the numbers cover. */
  window_ms: Ms,
  items: z.array(BackendHealth).max(16),
});
export type BackendsHealth = z.infer<typeof BackendsHealth>;

// --- API keys -------------------------------------------------------------------------------------

/** Backends that take a secret: an API key, a Vertex AI service-account JSON, or SDXL's user:password. */
export const KEY_BACKEND_IDS = ['nano_banana', 'imagen', 'minimax', 'sdxl'] as const;
export const KeyBackendId = z.enum(KEY_BACKEND_IDS);
export type KeyBackendId = z.infer<typeof KeyBackendId>;

/** A service-account JSON is about 2.4 KB; API keys are under 200 characters. */
export const KEY_MAX_CHARS = 32_768;

export const KeySource = z.enum(['env', 'keychain', 'session']);
export type KeySource = z.infer<typeof KeySource>;

export const KeychainState = z.object({
  /** True when keys are kept in the OS keychain; false: they last for this session only. */
  available: z.boolean(),
  reason: Reason.nullable(),
});
export type KeychainState = z.infer<typeof KeychainState>;

export const KeyStatusItem = z.object({
  backend: KeyBackendId,
  set: z.boolean(),
  /** Where the key in use comes from (the environment wins over the keychain). */
  source: KeySource.nullable(),
  /** The environment variable that supplies it, when one does. */
  env_var: z.string().max(100).nullable(),
  /** False for backends that work without a secret (SDXL on your own machine). */
  required: z.boolean(),
});
export type KeyStatusItem = z.infer<typeof KeyStatusItem>;

export const KeysStatus = z.object({
  keychain: KeychainState,
  items: z.array(KeyStatusItem).max(KEY_BACKEND_IDS.length),
});
export type KeysStatus = z.infer<typeof KeysStatus>;

/** keys.set input: the value is write-only; nothing ever sends it back. */
export const KeySetInput = z.strictObject({
  backend: KeyBackendId,
  value: z.string().trim().min(1, 'the key is empty').max(KEY_MAX_CHARS),
});

export const KeySetResult = z.object({
  backend: KeyBackendId,
  stored_in: z.enum(['keychain', 'session']),
  /** Set when an environment variable supplies this backend's key and so wins over the stored one. */
  overridden_by: z.string().max(100).nullable(),
  message: Reason,
});
export type KeySetResult = z.infer<typeof KeySetResult>;

export const KeyTestInput = z.strictObject({
  backend: KeyBackendId,
  /** A key just typed in, tested before it is saved; absent: the stored key. */
  value: z.string().trim().min(1).max(KEY_MAX_CHARS).optional(),
});

export const KeyTestResult = z.object({
  backend: KeyBackendId,
  outcome: z.enum(['ok', 'failed', 'not_supported']),
  /** Plain words for the artist; never contains the key. */
  message: z.string().max(1_000),
  error_class: z.string().max(50).nullable(),
  latency_ms: Ms.nullable(),
});
export type KeyTestResult = z.infer<typeof KeyTestResult>;
