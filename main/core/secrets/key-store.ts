import { KEY_BACKEND_IDS, type KeyBackendId, type KeychainState, type KeySetResult, type KeysStatus, type KeySource } from '../../../shared/domain/backends';
import type { BackendId } from '../../../shared/domain/config';
import type { Logger } from '../log';
import { CREDENTIAL_ENV_VARS, CREDENTIAL_OPTIONAL, envCredentials, type CredentialSource } from '../ports';
import { describeKeychainError, KEYCHAIN_SERVICE, KEYCHAIN_SERVICE_ENV, OsKeychain, type SecretVault } from './keychain';

/** Keys read from the keychain are kept in memory this long, so a batch does not ask it before every call. */
export const KEY_CACHE_TTL_MS = 60_000;

export interface KeyStoreOptions {
  /** Wins over everything stored: the environment variables of DESIGN §8 (or a test's own source). */
  outer: CredentialSource;
  /** Names the environment variable that supplies a key, for keys.status (null: none does). */
  envVarFor: (backend: KeyBackendId) => string | null;
  /** The OS keychain; null: keys last for this session only. */
  vault: SecretVault | null;
  log: Logger;
  clock?: () => number;
}

/**
 * API keys: the environment (wins), then keys set in this session while the keychain was unavailable,
 * then the OS keychain. Implements the core's CredentialSource; values leave only through `get`, which
 * only the orchestrator and health checks call, right before a backend call.
 */
export class KeyStore implements CredentialSource {
  private readonly session = new Map<KeyBackendId, string>();
  private readonly cache = new Map<KeyBackendId, { value: string | null; at: number }>();
  /** What reading the vault said: undefined, not asked yet; null, it answers; a string, why it does not. */
  private vaultProblem: string | null | undefined = undefined;
  /** Why the last write failed (a vault can answer reads yet refuse writes: no default keyring). */
  private writeProblem: string | null = null;
  private checking: Promise<string | null> | null = null;
  private readonly clock: () => number;

  constructor(private readonly options: KeyStoreOptions) {
    this.clock = options.clock ?? Date.now;
  }

  async has(backend: BackendId): Promise<boolean> {
    if (await this.options.outer.has(backend)) return true;
    return isKeyBackend(backend) && (await this.stored(backend)) !== null;
  }

  async get(backend: BackendId): Promise<string | null> {
    const outer = await this.options.outer.get(backend);
    if (outer !== null) return outer;
    return isKeyBackend(backend) ? this.stored(backend) : null;
  }

  /** Whether keys persist in the OS keychain, and if not, why. */
  async keychainState(): Promise<KeychainState> {
    const problem = await this.vaultState();
    return { available: problem === null, reason: problem };
  }

  /** Forget cached keys and the keychain's availability: the next read asks again (after keys or settings change). */
  refresh(): void {
    this.cache.clear();
    if (this.vaultProblem !== null) this.vaultProblem = undefined;
  }

  async set(backend: KeyBackendId, value: string): Promise<KeySetResult> {
    const overriddenBy = this.options.envVarFor(backend);
    const note = overriddenBy ? ` ${overriddenBy} is set in this process's environment and is used instead while it is set.` : '';
    const vault = this.options.vault;
    // A write is tried whenever reads work, even after a failed one: the artist may have unlocked the keyring.
    let problem = await this.readState();
    if (vault && problem === null) {
      try {
        await vault.set(backend, value);
        this.writeProblem = null;
        this.session.delete(backend);
        this.cache.set(backend, { value, at: this.clock() });
        return { backend, stored_in: 'keychain', overridden_by: overriddenBy, message: `Saved in the OS keychain.${note}` };
      } catch (error) {
        problem = describeKeychainError(error);
        this.writeProblem = problem;
        this.options.log.warn('keychain write failed; key kept for this session only', { backend, reason: problem });
      }
    }
    this.session.set(backend, value);
    this.cache.delete(backend);
    const why = problem ?? 'no keychain is configured';
    return {
      backend,
      stored_in: 'session',
      overridden_by: overriddenBy,
      message: `The OS keychain is not available (${why}). The key is kept for this session only and is forgotten when APEX Director closes.${note}`,
    };
  }

  async delete(backend: KeyBackendId): Promise<{ backend: KeyBackendId; deleted: boolean; still_set_by: string | null }> {
    let deleted = this.session.delete(backend);
    this.cache.delete(backend);
    const vault = this.options.vault;
    if (vault && (await this.readState()) === null) {
      try {
        deleted = (await vault.delete(backend)) || deleted;
      } catch (error) {
        this.vaultProblem = describeKeychainError(error);
        throw error;
      }
    }
    return { backend, deleted, still_set_by: this.options.envVarFor(backend) };
  }

  /** Which backends have a key and where it comes from; never the value. */
  async status(): Promise<KeysStatus> {
    const keychain = await this.keychainState();
    const items = await Promise.all(
      KEY_BACKEND_IDS.map(async (backend) => {
        const source = await this.sourceOf(backend);
        return {
          backend,
          set: source !== null,
          source,
          env_var: source === 'env' ? this.options.envVarFor(backend) : null,
          required: !CREDENTIAL_OPTIONAL.has(backend),
        };
      }),
    );
    return { keychain, items };
  }

  private async sourceOf(backend: KeyBackendId): Promise<KeySource | null> {
    if (await this.options.outer.has(backend)) return 'env';
    if (this.session.has(backend)) return 'session';
    return (await this.fromVault(backend)) !== null ? 'keychain' : null;
  }

  private async stored(backend: KeyBackendId): Promise<string | null> {
    return this.session.get(backend) ?? (await this.fromVault(backend));
  }

  private async fromVault(backend: KeyBackendId): Promise<string | null> {
    const vault = this.options.vault;
    if (!vault || (await this.readState()) !== null) return null;
    const cached = this.cache.get(backend);
    if (cached && this.clock() - cached.at < KEY_CACHE_TTL_MS) return cached.value;
    try {
      const value = await vault.get(backend);
      this.cache.set(backend, { value, at: this.clock() });
      return value;
    } catch (error) {
      this.vaultProblem = describeKeychainError(error);
      this.options.log.warn('keychain read failed', { backend, reason: this.vaultProblem });
      return null;
    }
  }

  private async vaultState(): Promise<string | null> {
    return this.writeProblem ?? (await this.readState());
  }

  private async readState(): Promise<string | null> {
    const vault = this.options.vault;
    if (!vault) return 'no keychain is configured for this process';
    if (this.vaultProblem !== undefined) return this.vaultProblem;
    // One check at a time: the first status call asks for every backend at once.
    this.checking ??= vault.check().then((problem) => {
      this.vaultProblem = problem;
      this.checking = null;
      if (problem !== null) this.options.log.warn('OS keychain not available; keys last for this session only', { reason: problem });
      return problem;
    });
    return this.checking;
  }
}

function isKeyBackend(id: string): id is KeyBackendId {
  return (KEY_BACKEND_IDS as readonly string[]).includes(id);
}

/** The DESIGN §8 variable that supplies a backend's key in this environment, if any. */
export function envVarFor(backend: KeyBackendId, env: NodeJS.ProcessEnv = process.env): string | null {
  return CREDENTIAL_ENV_VARS[backend].find((name) => (env[name] ?? '') !== '') ?? null;
}

export interface CreateKeyStoreOptions {
  /** Replaces the environment variables (tests); the OS keychain is then off unless a service is named. */
  credentials?: CredentialSource | undefined;
  /** Keychain service name; null: no keychain (session only). Default `$APEX_KEYCHAIN_SERVICE` or `apex-director`. */
  keychainService?: string | null | undefined;
  log: Logger;
}

/** The app's key store: environment variables over the OS keychain, as DESIGN §8 describes. */
export function createKeyStore(options: CreateKeyStoreOptions): KeyStore {
  const injected = options.credentials !== undefined;
  const service =
    options.keychainService === null ? null : (options.keychainService ?? (injected ? null : process.env[KEYCHAIN_SERVICE_ENV] || KEYCHAIN_SERVICE));
  return new KeyStore({
    outer: options.credentials ?? envCredentials(),
    envVarFor: injected ? () => null : (backend) => envVarFor(backend),
    vault: service === null ? null : new OsKeychain(service),
    log: options.log,
  });
}
