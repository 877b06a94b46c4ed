// Layering rules, after VS Code's "code-layering": a wrong import is a lint error, not a review
// comment. Each entry says what a folder may NOT reach.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

const nodeBuiltins = [
  'node:*',
  'fs',
  'path',
  'os',
  'crypto',
  'http',
  'https',
  'net',
  'child_process',
  'worker_threads',
  'stream',
  'url',
  'util',
  'events',
];
const layer = (from, forbidden) => ({
  files: [`${from}/**/*.{ts,tsx}`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: forbidden.map((group) => ({
          group: [group],
          message: `${from}/ must not import ${group} (see DEVELOPERS.md "Layering").`,
        })),
      },
    ],
  },
});

export default tseslint.config(
  {
    ignores: [
      'node_modules',
      'dist',
      'models',
      'test-results',
      'playwright-report',
      'artifacts',
      '.kiosk-data',
      'scratch',
    ],
  },
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
  layer('core', [
    'electron',
    ...nodeBuiltins,
    'react',
    'react-dom',
    '@tensorflow/*',
    '@vladmandic/*',
    'better-sqlite3',
    'serialport',
    'ws',
    '**/hardware/*',
    '**/gateway/*',
    '**/host/*',
    '**/renderer/*',
    '**/electron/*',
  ]),
  layer('renderer', [
    'electron',
    ...nodeBuiltins,
    '@tensorflow/*',
    '@vladmandic/*',
    'better-sqlite3',
    'serialport',
    'ws',
    '**/hardware/*',
    '**/hardware/**',
    '**/gateway/*',
    '**/gateway/**',
    '**/host/*',
    '**/electron/*',
  ]),
  layer('hardware', [
    'electron',
    '**/host/*',
    '**/renderer/*',
    '**/renderer/**',
    '**/electron/*',
    '**/gateway/*',
    '**/gateway/**',
  ]),
  layer('gateway', [
    'electron',
    '**/host/*',
    '**/renderer/*',
    '**/renderer/**',
    '**/electron/*',
    '**/hardware/*',
    '**/hardware/**',
  ]),
  layer('host', ['electron', '**/renderer/*', '**/renderer/**', '**/electron/*']),
  // Build configuration runs in Node, not in the renderer.
  { files: ['renderer/vite.config.ts'], rules: { 'no-restricted-imports': 'off' } },
);
