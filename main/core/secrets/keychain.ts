import { AsyncEntry, type EntryOptions } from '@napi-rs/keyring';

/** DESIGN §8: service `apex-director`, account = backend id. */
export const KEYCHAIN_SERVICE = 'apex-director';
/** Another service name for this process (tests use their own so they never touch the artist's keys). */
export const KEYCHAIN_SERVICE_ENV = 'APEX_KEYCHAIN_SERVICE';
/** Long enough for the artist to answer an unlock prompt of a locked keychain. */
export const KEYCHAIN_TIMEOUT_MS = 60_000;
/** The account read to check that the keychain answers (it never holds anything). */
const PROBE_ACCOUNT = 'apex-director-availability-check';

/** Where keys persist between sessions. */
export interface SecretVault {
  readonly service: string;
  /** null when the vault answers; otherwise why it cannot be used, in plain words. */
  check(): Promise<string | null>;
  get(account: string): Promise<string | null>;
  set(account: string, value: string): Promise<void>;
  /** True when something was deleted. */
  delete(account: string): Promise<boolean>;
}

/**
 * The OS keychain through @napi-rs/keyring: macOS Keychain, Windows Credential Manager, the Secret Service
 * (GNOME Keyring, KWallet) on Linux. On Linux the Secret Service is required rather than keyring's silent
 * fallback to the kernel keyring, which forgets everything at logout: better to say "not available" and
 * keep the key for the session than to pretend it was saved.
 */
export class OsKeychain implements SecretVault {
  constructor(readonly service: string = KEYCHAIN_SERVICE) {}

  async check(): Promise<string | null> {
    try {
      await this.entry(PROBE_ACCOUNT).getPassword(AbortSignal.timeout(KEYCHAIN_TIMEOUT_MS));
      return null;
    } catch (error) {
      return describeKeychainError(error);
    }
  }

  get(account: string): Promise<string | null> {
    return this.entry(account).getPassword(AbortSignal.timeout(KEYCHAIN_TIMEOUT_MS));
  }

  set(account: string, value: string): Promise<void> {
    return this.entry(account).setPassword(value, AbortSignal.timeout(KEYCHAIN_TIMEOUT_MS));
  }

  delete(account: string): Promise<boolean> {
    return this.entry(account).deletePassword(AbortSignal.timeout(KEYCHAIN_TIMEOUT_MS));
  }

  private entry(account: string): AsyncEntry {
    const options: EntryOptions | undefined = process.platform === 'linux' ? { linux: { store: 'secret-service' } } : undefined;
    return new AsyncEntry(this.service, account, options);
  }
}

/** Keychain errors in words an artist can act on (they never contain a key: keyring does not echo values). */
export function describeKeychainError(error: unknown): string {
  const raw = error instanceof Error ? error.message : String(error);
  const text = raw.split('\n')[0]!.slice(0, 300);
  if (/dbus|secret service|org\.freedesktop/i.test(text)) {
    return `the Secret Service (GNOME Keyring or KWallet) is not running or has no unlocked keyring: ${text}`;
  }
  if (/prompt was dismissed|user canceled|denied/i.test(text)) return `the keychain refused access: ${text}`;
  return `the OS keychain did not answer: ${text}`;
}
