import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/e2e/**', 'node_modules/**'],
    environment: 'node',
    // Real SQLite files, real sharp and real loopback servers: give slow CI machines room, never timing asserts.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Tests never read or write the artist's own API keys: cores opened with default credentials use a test
    // keychain service (the keychain tests use their own unique ones on top).
    env: { APEX_KEYCHAIN_SERVICE: 'apex-director-test' },
  },
});
