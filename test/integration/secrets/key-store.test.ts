import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../main/core/log';
import { envCredentials } from '../../../main/core/ports';
import { createKeyStore, envVarFor, KEY_CACHE_TTL_MS, KeyStore } from '../../../main/core/secrets/key-store';
import type { SecretVault } from '../../../main/core/secrets/keychain';
import { useTempDirs } from '../../helpers/temp-library';
import { uniqueService } from './keychain-gate';

/** The key store's rules, with vaults that behave like a keychain that works, refuses writes, or is absent. */

function memoryVault(options: { checkProblem?: string; writeError?: string } = {}) {
  const values = new Map<string, string>();
  const calls = { get: 0, set: 0 };
  const vault: SecretVault = {
    service: 'memory',
    check: () => Promise.resolve(options.checkProblem ?? null),
    get: (account) => {
      calls.get += 1;
      return Promise.resolve(values.get(account) ?? null);
    },
    set: (account, value) => {
      calls.set += 1;
      if (options.writeError) return Promise.reject(new Error(options.writeError));
      values.set(account, value);
      return Promise.resolve();
    },
    delete: (account) => Promise.resolve(values.delete(account)),
  };
  return { vault, values, calls };
}

function store(vault: SecretVault | null, env: Record<string, string> = {}, clock?: () => number) {
  return new KeyStore({ outer: envCredentials(env), envVarFor: (b) => envVarFor(b, env), vault, log: silentLogger, ...(clock ? { clock } : {}) });
}

describe('KeyStore', () => {
  it('keeps keys in the vault and answers has/get from it; demo needs none', async () => {
    const { vault, values } = memoryVault();
    const keys = store(vault);
    expect(await keys.set('imagen', 'AIza-1')).toEqual({ backend: 'imagen', stored_in: 'keychain', overridden_by: null, message: 'Saved in the OS keychain.' });
    expect(values.get('imagen')).toBe('AIza-1');
    expect(await keys.has('imagen')).toBe(true);
    expect(await keys.get('imagen')).toBe('AIza-1');
    expect(await keys.has('minimax')).toBe(false);
    expect(await keys.has('demo')).toBe(true);
  });

  it('falls back to this session when the keychain refuses the write, and says so everywhere', async () => {
    const { vault } = memoryVault({ writeError: "Couldn't access platform storage: Secret Service: no result found" });
    const keys = store(vault);
    const result = await keys.set('nano_banana', 'AIza-session');
    expect(result.stored_in).toBe('session');
    expect(result.message).toMatch(/^The OS keychain is not available \(the Secret Service .*no result found\)\. The key is kept for this session only/);
    expect(result.message).not.toContain('AIza-session');
    expect(await keys.get('nano_banana')).toBe('AIza-session');
    const status = await keys.status();
    expect(status.keychain.available).toBe(false);
    expect(status.items[0]).toMatchObject({ backend: 'nano_banana', set: true, source: 'session' });
    // Still refused after a refresh: a keychain that cannot write is not "available" because it can read.
    keys.refresh();
    expect((await keys.keychainState()).available).toBe(false);
  });

  it('falls back to this session when the keychain does not answer at all', async () => {
    const keys = store(memoryVault({ checkProblem: 'the Secret Service (GNOME Keyring or KWallet) is not running' }).vault);
    expect((await keys.set('minimax', 'mm-key')).stored_in).toBe('session');
    expect(await keys.keychainState()).toEqual({ available: false, reason: 'the Secret Service (GNOME Keyring or KWallet) is not running' });
    expect(await keys.delete('minimax')).toEqual({ backend: 'minimax', deleted: true, still_set_by: null });
    expect(await keys.has('minimax')).toBe(false);
  });

  it('without any keychain (null vault), keys last for the session', async () => {
    const keys = store(null);
    expect((await keys.set('sdxl', 'artist:hunter22')).stored_in).toBe('session');
    expect(await keys.get('sdxl')).toBe('artist:hunter22');
    expect((await keys.keychainState()).available).toBe(false);
  });

  it('lets an environment variable win, and names it', async () => {
    const env = { APEX_IMAGEN_CREDENTIALS: '/path/to/service-account.json' };
    const { vault } = memoryVault();
    const keys = store(vault, env);
    const result = await keys.set('imagen', 'AIza-stored');
    expect(result.overridden_by).toBe('APEX_IMAGEN_CREDENTIALS');
    expect(result.message).toContain('APEX_IMAGEN_CREDENTIALS is set in this process');
    expect(await keys.get('imagen')).toBe('/path/to/service-account.json');
    expect((await keys.status()).items[1]).toEqual({ backend: 'imagen', set: true, source: 'env', env_var: 'APEX_IMAGEN_CREDENTIALS', required: true });
  });

  it('reads the keychain once per cache period, and again after a refresh', async () => {
    const { vault, values, calls } = memoryVault();
    values.set('nano_banana', 'AIza-cached');
    let now = 0;
    const keys = store(vault, {}, () => now);
    for (let i = 0; i < 5; i++) expect(await keys.get('nano_banana')).toBe('AIza-cached');
    expect(calls.get).toBe(1);
    now += KEY_CACHE_TTL_MS;
    await keys.get('nano_banana');
    expect(calls.get).toBe(2);
    values.set('nano_banana', 'AIza-changed-by-the-cli');
    keys.refresh();
    expect(await keys.get('nano_banana')).toBe('AIza-changed-by-the-cli');
  });

  it('createKeyStore: the environment over the OS keychain by default; injected credentials turn the keychain off', async () => {
    const injected = createKeyStore({ credentials: { has: () => Promise.resolve(false), get: () => Promise.resolve(null) }, log: silentLogger });
    expect(await injected.keychainState()).toEqual({ available: false, reason: 'no keychain is configured for this process' });
    const none = createKeyStore({ keychainService: null, log: silentLogger });
    expect((await none.keychainState()).available).toBe(false);
  });
});

describe.skipIf(process.platform !== 'linux')('CLI when the OS keychain is unavailable', () => {
  const tempDir = useTempDirs();

  it('says so, saves nothing, prints no key, and exits with 3', () => {
    const secret = 'AIza-never-saved-anywhere';
    const env = { ...process.env, APEX_KEYCHAIN_SERVICE: uniqueService(), DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/apex-test-bus' };
    const library = join(tempDir(), 'library');
    const run = (args: string[], input = '') => spawnSync(process.execPath, ['--import', 'tsx', 'main/cli/index.ts', ...args], { cwd: process.cwd(), env, input, encoding: 'utf8', timeout: 60_000 });
    const set = run(['keys', 'set', 'nano_banana', '--library', library], secret);
    expect(set.status).toBe(3);
    expect(set.stderr).toMatch(/The OS keychain is not available .*Nothing was saved; set APEX_NANO_BANANA_API_KEY in the environment instead\./s);
    expect(set.stdout + set.stderr).not.toContain(secret);
    const list = run(['keys', 'list', '--json', '--library', library]);
    expect(list.status).toBe(0);
    expect(JSON.parse(list.stdout)).toMatchObject({ keychain: { available: false, reason: expect.stringContaining('Secret Service') } });
  });
});
