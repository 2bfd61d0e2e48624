import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import type { GoogleAuth } from 'google-auth-library';
import { z } from 'zod';
import { abortFailure, type ProviderCall } from './http-errors';
import { BackendError } from './types';

/**
 * Vertex AI sign-in for the Imagen backend: a service-account key (the JSON file Google Cloud hands out)
 * is turned into an OAuth access token by Google's own `google-auth-library`, which signs the JWT and
 * caches and refreshes the token. Kept in this one file so tests inject a token provider instead.
 */

export const VERTEX_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';
/** Service-account key files are ~2.3 KB; anything far bigger is not one. */
export const MAX_SERVICE_ACCOUNT_FILE_BYTES = 64 * 1024;

export const ServiceAccountKey = z.looseObject({
  type: z.literal('service_account', { error: 'must be "service_account" (a Google Cloud service-account key)' }),
  client_email: z.string().min(3).max(320),
  private_key: z.string().min(100).max(16_384),
  project_id: z.string().min(1).max(200).optional(),
});
export type ServiceAccountKey = z.infer<typeof ServiceAccountKey>;

/** Makes an access token for a key; injectable so tests never sign in to Google. */
export type AccessTokenProvider = (key: ServiceAccountKey, call: ProviderCall) => Promise<string>;

/**
 * The credential is the key's JSON itself (as stored in the keychain) or the path of the key file (as
 * APEX_IMAGEN_CREDENTIALS gives it). Anything else is `auth`, naming the file and the field.
 */
export async function readServiceAccount(credential: string): Promise<ServiceAccountKey> {
  const trimmed = credential.trim();
  const fromFile = !trimmed.startsWith('{');
  const source = fromFile ? `the service-account file ${trimmed}` : 'the stored service-account key';
  let text = trimmed;
  if (fromFile) {
    try {
      const info = await stat(trimmed);
      if (info.size > MAX_SERVICE_ACCOUNT_FILE_BYTES) throw new Error(`it is ${info.size} bytes; a key file is a few KB`);
      text = await readFile(trimmed, 'utf8');
    } catch (error) {
      throw new BackendError('auth', `Imagen on Vertex AI needs a service-account key, but ${source} could not be read: ${error instanceof Error ? error.message : String(error)}.`, { cause: error });
    }
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    const hint = fromFile ? '' : ' (an API key was given, but backends.imagen.auth is "vertex")';
    throw new BackendError('auth', `Imagen on Vertex AI needs a service-account key; ${source} is not JSON${hint}.`, { cause: error });
  }
  const parsed = ServiceAccountKey.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new BackendError('auth', `${source} is not a usable service-account key: ${issue?.path.join('.') || 'top level'}: ${issue?.message ?? 'invalid'}.`);
  }
  return parsed.data;
}

/** The real provider: one GoogleAuth per key (it caches and refreshes the token until it expires). */
export function googleAuthTokenProvider(): AccessTokenProvider {
  const clients = new Map<string, GoogleAuth>();
  return async (key, call) => {
    const id = createHash('sha256').update(`${key.client_email}\n${key.private_key}`).digest('hex');
    let auth = clients.get(id);
    if (!auth) {
      // Loaded on first use: only Vertex users pay for the library's start-up (the CLI starts faster without it).
      const { GoogleAuth: Auth } = await import('google-auth-library');
      auth = new Auth({ credentials: { client_email: key.client_email, private_key: key.private_key }, scopes: [VERTEX_SCOPE] });
      clients.set(id, auth);
    }
    const token = await raceAbort(auth.getAccessToken(), call).catch((error: unknown) => {
      throw tokenFailure(error, call);
    });
    if (!token) throw new BackendError('auth', `Google did not issue an access token for ${key.client_email}.`);
    return token;
  };
}

/** google-auth-library takes no AbortSignal: stop waiting (the token request finishes on its own). */
function raceAbort<T>(promise: Promise<T>, call: ProviderCall): Promise<T> {
  if (call.signal.aborted) return Promise.reject(abortFailure(call));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortFailure(call));
    call.signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => call.signal.removeEventListener('abort', onAbort));
  });
}

/** A refused key (invalid_grant, a deleted account) is `auth`; a network failure on the way is `transient`. */
function tokenFailure(error: unknown, call: ProviderCall): Error {
  if (error instanceof BackendError || (error instanceof Error && (error.name === 'AbortError' || call.signal.aborted))) return error as Error;
  const status = typeof error === 'object' && error !== null && 'status' in error && typeof error.status === 'number' ? error.status : null;
  const message = error instanceof Error ? error.message : String(error);
  if (status !== null && status >= 400 && status < 500) {
    return new BackendError('auth', `Google refused the service-account key when asked for an access token (HTTP ${status}).`, { httpStatus: status, providerMessage: message, cause: error });
  }
  // The key is signed locally first: OpenSSL refusing it (ERR_OSSL_*) means the key itself is broken.
  const code = typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : '';
  if (code.startsWith('ERR_OSSL') || /invalid_grant|invalid_client|unauthorized_client|private key|PEM|DECODER routines/i.test(message)) {
    return new BackendError('auth', 'Google refused the service-account key when asked for an access token.', { providerMessage: message, cause: error });
  }
  return new BackendError('transient', 'Could not get an access token from Google.', { providerMessage: message, cause: error });
}
