import type { BackendId } from '../../shared/domain/config';

/**
 * Where API keys come from. The core only asks whether a key exists and reads it when it calls a backend;
 * the OS keychain and environment variables implement this outside the handlers.
 */
export interface CredentialSource {
  has(backend: BackendId): Promise<boolean>;
  /** The secret itself, only when a backend is about to be called; never logged or sent to the renderer. */
  get(backend: BackendId): Promise<string | null>;
}

/** DESIGN §8: environment variables the CLI reads; they win over the keychain for that process. */
export const CREDENTIAL_ENV_VARS: Record<Exclude<BackendId, 'demo'>, readonly string[]> = {
  nano_banana: ['APEX_NANO_BANANA_API_KEY'],
  imagen: ['APEX_IMAGEN_API_KEY', 'APEX_IMAGEN_CREDENTIALS'],
  minimax: ['APEX_MINIMAX_API_KEY'],
  sdxl: ['APEX_SDXL_AUTH'],
};

export function envCredentials(env: NodeJS.ProcessEnv = process.env): CredentialSource {
  const read = (backend: BackendId): string | null => {
    if (backend === 'demo') return null;
    for (const name of CREDENTIAL_ENV_VARS[backend]) {
      const value = env[name] ?? '';
      if (value !== '') return value;
    }
    return null;
  };
  return {
    has: (backend) => Promise.resolve(backend === 'demo' || read(backend) !== null),
    get: (backend) => Promise.resolve(read(backend)),
  };
}

/** Backends that work without any credential: the artist's own SDXL server (auth optional) and the demo. */
export const CREDENTIAL_OPTIONAL: ReadonlySet<BackendId> = new Set(['sdxl', 'demo']);

/** Whether a backend has what it needs to be called: a key, unless it needs none. */
export async function hasRequiredCredential(source: CredentialSource, backend: BackendId): Promise<boolean> {
  return CREDENTIAL_OPTIONAL.has(backend) || (await source.has(backend));
}
