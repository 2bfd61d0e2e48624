import { BackendError } from '../backends/types';

/** Shorter fragments would redact innocent text (a 3-letter password matching a word). */
const MIN_FRAGMENT_CHARS = 6;
export const REDACTED = '[redacted]';

/**
 * Every form in which a secret could come back inside a provider's or a client's error text: as is, the
 * password half of SDXL's `user:password`, and the base64 of HTTP Basic auth.
 */
function fragments(secret: string): string[] {
  const out = new Set<string>([secret, Buffer.from(secret, 'utf8').toString('base64')]);
  const colon = secret.indexOf(':');
  if (colon > 0 && !secret.trimStart().startsWith('{')) out.add(secret.slice(colon + 1));
  return [...out].filter((f) => f.length >= MIN_FRAGMENT_CHARS).sort((a, b) => b.length - a.length);
}

/** Removes a secret from text that is about to be stored, logged, shown or sent as an event. */
export function redactSecret(text: string, secret: string | null): string {
  if (!secret) return text;
  let out = text;
  for (const fragment of fragments(secret)) out = out.split(fragment).join(REDACTED);
  return out;
}

/** The same error with the secret taken out of its message and the provider's message (the cause is dropped). */
export function redactError(error: BackendError, secret: string | null): BackendError {
  if (!secret) return error;
  const message = redactSecret(error.message, secret);
  const providerMessage = error.providerMessage === null ? null : redactSecret(error.providerMessage, secret);
  if (message === error.message && providerMessage === error.providerMessage) return error;
  return new BackendError(error.errorClass, message, { httpStatus: error.httpStatus, retryAfterMs: error.retryAfterMs, providerMessage });
}
