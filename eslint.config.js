// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

/**
 * Lint enforces the runtime boundaries of DESIGN §1; a broken boundary fails `npm run lint` (and a test
 * proves it: test/unit/lint-boundaries.test.ts).
 */
// Bare built-in names are matched exactly (`paths`), so a local './events' module is not mistaken for Node's.
const BARE_BUILTINS = ['fs', 'fs/promises', 'path', 'os', 'child_process', 'crypto', 'http', 'https', 'net', 'url', 'stream', 'worker_threads', 'util', 'events', 'buffer', 'zlib'];
const builtinPaths = (message) => BARE_BUILTINS.map((name) => ({ name, message }));

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'release/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', '.electron-native/**'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-restricted-syntax': ['error', { selector: 'TSAsExpression > TSAnyKeyword', message: 'No casts to any.' }],
    },
  },
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: builtinPaths('shared/ runs in the renderer too: no Node built-ins.'),
          patterns: [
            { group: ['electron', 'electron/*'], message: 'shared/ runs everywhere: no Electron.' },
            { group: ['node:*'], message: 'shared/ runs in the renderer too: no Node built-ins.' },
            { group: ['**/main/**', '**/renderer/**', '**/preload/**', 'react', 'react-dom', 'zustand', 'ws', 'better-sqlite3', 'sharp'], message: 'shared/ may import only shared/ (and zod).' },
          ],
        },
      ],
    },
  },
  {
    files: ['main/core/**/*.ts', 'main/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['electron', 'electron/*'], message: 'main/core and the CLI are plain Node: Electron lives in main/electron only.' },
            { group: ['**/electron/**', '**/renderer/**', '**/preload/**'], message: 'The core may not reach into the Electron shell, the preload or the renderer.' },
          ],
        },
      ],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        {
          paths: builtinPaths('The renderer is a sandboxed page: no Node built-ins.'),
          patterns: [
            { group: ['node:*'], message: 'The renderer is a sandboxed page: no Node built-ins.' },
            { group: ['electron', 'electron/*'], message: 'The renderer talks to main only through window.apexBridge.' },
            { group: ['**/main/**', '**/preload/**'], message: 'The renderer may import only shared/ and renderer/.' },
          ],
        },
      ],
      'no-restricted-globals': ['error', { name: 'require', message: 'No Node in the renderer.' }, { name: 'process', message: 'No Node in the renderer.' }],
    },
  },
  {
    files: ['preload/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/main/**', '**/renderer/**'], message: 'The preload bridges only: it imports electron and shared/ constants.' }] },
      ],
    },
  },
);
