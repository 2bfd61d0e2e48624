import { randomUUID } from 'node:crypto';
import { describeKeychainError, OsKeychain } from '../../../main/core/secrets/keychain';

/** How to run the keychain tests on a Linux machine without a desktop session. */
export const KEYCHAIN_RUN_HINT =
  "dbus-run-session -- bash -c 'printf \"\\n\" | gnome-keyring-daemon --unlock --components=secrets >/dev/null; npx vitest run test/integration/secrets'";

/** A service name of its own per test file run, so tests never see each other's keys (nor the artist's). */
export function uniqueService(): string {
  return `apex-director-test-${process.pid}-${randomUUID().slice(0, 8)}`;
}

/**
 * Null when the OS keychain really stores and returns a secret; otherwise why not. A write is needed:
 * the Secret Service answers reads even when it has no keyring to write to.
 */
export async function keychainProblem(): Promise<string | null> {
  const vault = new OsKeychain(uniqueService());
  try {
    await vault.set('probe', 'probe-value');
    const back = await vault.get('probe');
    await vault.delete('probe');
    return back === 'probe-value' ? null : 'the keychain returned a different value than was stored';
  } catch (error) {
    return describeKeychainError(error);
  }
}
