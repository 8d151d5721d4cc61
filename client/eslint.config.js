// The client's lint: typescript-eslint with type information (the app and the e2e code each
// have a tsconfig, so the project service finds it), React's hook rules, the layer order of
// src/ and a function-length limit. `npm run lint`; `make lint` runs it, so `make test` does.
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import { layerRules, MAX_FUNCTION_LINES } from './eslint.layers.js';

export default tseslint.config(
  {
    ignores: ['node_modules/', 'test-results/', 'playwright-report/', 'src/api/schema.d.ts'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      // The app (tsconfig.json) and the e2e specs with the configs (tsconfig.node.json).
      parserOptions: { project: ['./tsconfig.json', './tsconfig.node.json'], tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // `void promise` marks a deliberately unawaited call (a refetch, a fire-and-forget POST);
      // everything else that floats is a bug.
      '@typescript-eslint/no-floating-promises': ['error', { ignoreVoid: true }],
      // React's event props take `() => void`; an async handler there is the normal pattern.
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    languageOptions: { globals: globals.browser },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'max-lines-per-function': ['error', { max: MAX_FUNCTION_LINES, skipBlankLines: true, skipComments: true }],
    },
  },
  ...layerRules(),
  {
    // A test's describe block is a list of cases, not a function that does one thing.
    files: ['src/**/*.test.ts'],
    languageOptions: { globals: globals.node },
    rules: { 'max-lines-per-function': 'off' },
  },
  {
    // Playwright reads a fixture's dependencies from its destructuring pattern, so a fixture
    // that needs none is written `async ({}, use)`.
    files: ['e2e/**/*.ts'],
    rules: { 'no-empty-pattern': 'off' },
  },
  {
    // Node scripts and this config are JavaScript outside both tsconfigs: linted untyped.
    files: ['**/*.{js,mjs}'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: globals.node,
    },
  },
  {
    // Its page.evaluate callbacks run in the browser.
    files: ['scripts/capture-assets.mjs'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
);
