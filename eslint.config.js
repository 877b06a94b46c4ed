// Layering, after VS Code's "code-layering": a wrong import is a lint error, not a review comment.
// Each folder lists what it MAY import (project folders, npm packages, Node builtins); anything
// else is refused, so a new package or folder is a decision, not an accident. The folders and why
// they are layered this way: the table under "## Layout" in README.md. No import cycles either.
// Both rules are the local plugin in scripts/lint/.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import layering from './scripts/lint/plugin.js';

const ignores = [
  'node_modules',
  'dist',
  'models',
  'test-results',
  'playwright-report',
  'artifacts',
  '.kiosk-data',
  'scratch',
];

// 'node:*' is every Node builtin; '@scope/*' a whole npm scope; '*' anything.
const layers = {
  // Pure domain: no electron, node:, DOM or tfjs, so it runs and tests anywhere.
  core: { imports: ['core'], packages: ['zod'] },
  // The UI reaches the kiosk only through the KioskApi contract in core/.
  renderer: {
    imports: ['renderer', 'core'],
    packages: ['react', 'react-dom', 'react-intl', 'qrcode'],
    // react-intl's own formatter, used to check every message parses.
    testPackages: ['intl-messageformat'],
  },
  // Build configuration runs in Node, not in the renderer.
  'renderer/vite.config.ts': { imports: [], packages: ['node:*', 'vite', '@vitejs/plugin-react'] },
  hardware: {
    imports: ['hardware', 'core'],
    packages: [
      'node:*',
      'zod',
      'serialport',
      '@serialport/*',
      '@resvg/resvg-js',
      'iconv-lite',
      'jpeg-js',
      'node-thermal-printer',
      'pngjs',
      'qrcode',
    ],
  },
  face: {
    imports: ['face', 'core', 'hardware/camera'],
    packages: ['node:*', 'zod', '@tensorflow/*', '@vladmandic/*', 'jpeg-js', 'pngjs'],
  },
  gateway: { imports: ['gateway', 'core'], packages: ['node:*', 'better-sqlite3', 'zod'] },
  // The host wires everything below it together; nothing below it may reach back up.
  host: {
    imports: ['host', 'core', 'hardware', 'gateway', 'face'],
    packages: ['node:*', 'better-sqlite3', 'prom-client', 'ws', 'zod'],
  },
  // Electron's main process starts the host; the gallery key is sealed with Electron's
  // safeStorage, hence the face gallery store.
  electron: {
    imports: ['electron', 'core', 'host', 'face'],
    packages: ['node:*', 'electron'],
  },
  scripts: { imports: ['*'], packages: ['*'] },
  e2e: { imports: ['*'], packages: ['*'] },
};
// Tests follow their folder's rule, plus vitest and the shared test helpers; production code
// may not import the helpers.
const tests = {
  suffixes: ['.test.ts', '.test.tsx'],
  packages: ['vitest'],
  helpers: ['hardware/testing'],
};
// Not import.meta.dirname: package.json allows any Node 20, and that arrived in 20.11.
const root = dirname(fileURLToPath(import.meta.url));

export default tseslint.config(
  { ignores },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-console': ['error', { allow: ['warn', 'error'] }],
      // With noUncheckedIndexedAccess, `!` after a bounds-checked index (typed-array loops,
      // regex groups) is the honest way to say "present"; refusing it only breeds casts.
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    languageOptions: { globals: { ...globals.browser } },
    rules: { ...reactHooks.configs.recommended.rules },
  },
  { files: ['scripts/**', '**/cli.ts', 'e2e/**'], rules: { 'no-console': 'off' } },
  {
    files: ['**/*.{ts,tsx,js,mjs}'],
    plugins: { layering },
    rules: {
      'layering/allowed-imports': ['error', { root, layers, tests }],
      'layering/no-cycle': ['error', { root, ignore: ignores }],
    },
  },
);
