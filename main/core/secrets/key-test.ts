import type { KeyBackendId, KeyTestResult } from '../../../shared/domain/backends';
import type { BackendManager, ProbeResult } from '../backends/manager';
import { CREDENTIAL_OPTIONAL } from '../ports';
import type { KeyStore } from './key-store';
import { redactSecret } from './redact';

/** A remote test call is small, but providers can be slow to answer the first request of a key. */
export const KEY_TEST_TIMEOUT_MS = 20_000;

const NAMES: Record<KeyBackendId, string> = {
  nano_banana: 'Nano Banana (Gemini)',
  imagen: 'Imagen',
  minimax: 'MiniMax',
  sdxl: 'your SDXL server',
};

/**
 * keys.test: the cheapest real call the provider offers (the client's `health()`), with a key just typed in
 * or the stored one, turned into one plain sentence. The key never appears in the answer.
 */
export async function testKey(
  input: { backend: KeyBackendId; value?: string | undefined },
  deps: { keys: KeyStore; manager: BackendManager },
): Promise<KeyTestResult> {
  const { backend } = input;
  const credential = input.value ?? (await deps.keys.get(backend));
  if (credential === null && !CREDENTIAL_OPTIONAL.has(backend)) {
    return { backend, outcome: 'failed', message: `No key is set for ${NAMES[backend]}: add one first.`, error_class: 'auth', latency_ms: null };
  }
  const result = await deps.manager.probe(backend, credential, KEY_TEST_TIMEOUT_MS);
  deps.manager.noteLocalCheck(backend, result);
  return { backend, outcome: result.outcome, message: redactSecret(describe(backend, result), credential), error_class: result.error_class, latency_ms: result.latency_ms };
}

function describe(backend: KeyBackendId, result: ProbeResult): string {
  const name = NAMES[backend];
  const detail = result.message ? ` (${name} said: ${result.message})` : '';
  if (result.outcome === 'ok') return backend === 'sdxl' ? `${name} answered.` : `${name} accepted the key.`;
  if (result.outcome === 'not_supported') return `${name} offers no test call in this build; the first generation will tell whether the key works.`;
  switch (result.error_class) {
    case 'auth':
      return backend === 'sdxl'
        ? `${name} refused the user name and password.${detail}`
        : `${name} refused this key. Check that it was copied whole and belongs to an account with image generation enabled.${detail}`;
    case 'quota_exhausted':
      return `${name} accepted the key, but its quota is used up until it resets or you raise it.${detail}`;
    case 'rate_limited':
      return `${name} is rate-limiting this key right now; try the test again in a minute.${detail}`;
    case 'model_gone':
      return `${name} accepted the key, but no longer offers the configured model: change backends.${backend}.model in Settings.${detail}`;
    case 'timeout':
      return `${name} did not answer in time. Check your connection${backend === 'sdxl' ? ' and that the server is running' : ''}.`;
    case 'transient':
      return `Could not reach ${name}${backend === 'sdxl' ? '; check that it is running and its address in Settings' : ''}.${detail}`;
    case 'bad_request':
      return `${name} refused the test request.${detail}`;
    default:
      return `The test failed.${detail}`;
  }
}
