// ESLint: typescript-eslint's recommended rules over the engine, the app and the e2e tests.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

const NOBLE = { group: ['@noble/*'], message: 'Only crypto/ imports @noble/*: go through crypto/.' };
const UPWARD = {
  group: ['**/client/*', '**/server/*', '**/session', '**/session/*', '**/faults/*', '**/scenario', '**/cli/*', '**/io/*', '**/observe/*'],
  message: 'A lower layer must not import an endpoint or a driver.',
};

/** One no-restricted-imports rule for `files` (a later entry for the same files replaces an earlier one). */
function restrict(files, patterns, ignores) {
  return { files, ...(ignores ? { ignores } : {}), rules: { 'no-restricted-imports': ['error', { patterns }] } };
}

export default tseslint.config(
  { ignores: ['dist/**', 'test-results/**', 'playwright-report/**', '**/node_modules/**', 'public/**', 'packages/engine/dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['app/src/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'warn' },
  },
  {
    files: ['**/*.{js,mjs}'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
  // Layers (README "Layout"): lower layers never import the endpoints, the server never
  // imports the client (nor the client the server), and only crypto/ touches @noble/*.
  restrict(['packages/engine/src/**/*.ts'], [NOBLE], ['packages/engine/src/crypto/**']),
  restrict(['packages/engine/src/{codec,msgs,record,handshake,pki}/**/*.ts'], [NOBLE, UPWARD]),
  restrict(['packages/engine/src/crypto/**/*.ts'], [UPWARD]),
  restrict(['packages/engine/src/server/**/*.ts'], [NOBLE, { group: ['**/client/*'], message: 'The server never imports the client: shared code goes in handshake/.' }]),
  restrict(
    ['packages/engine/src/client/**/*.ts'],
    [
      NOBLE,
      { group: ['**/server/*'], message: 'The client never imports the server: shared code goes in handshake/.' },
      { group: ['**/faults/*'], message: 'The client holds no fault code: a faulty client is faults/faulty-client.ts.' },
    ],
  ),
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
);
