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
  },
});
