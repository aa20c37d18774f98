import { defineConfig } from 'vitest/config';

/**
 * The suites that exercise the crypto provider (RFC 8448, Wycheproof, known answers, interop
 * with OpenSSL, property tests, both versions' handshakes) run once per provider: `noble` runs
 * everything, `node` runs these again with node:crypto installed (test/setup-node-provider.ts).
 */
const PROVIDER_SUITES = [
  'packages/engine/test/rfc8448*.test.ts',
  'packages/engine/test/signature*.test.ts',
  'packages/engine/test/rsa.test.ts',
  'packages/engine/test/crypto-provider.test.ts',
  'packages/engine/test/tls12-prf.test.ts',
  'packages/engine/test/interop-*.test.ts',
  'packages/engine/test/fuzz-*.test.ts',
  'packages/engine/test/tls13-handshake.test.ts',
  'packages/engine/test/tls12-handshake.test.ts',
  'packages/engine/test/pki-verify.test.ts',
  'packages/engine/test/pki-parse.test.ts',
];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [
      { extends: true, test: { name: 'noble', include: ['packages/*/test/**/*.test.ts', 'app/src/**/*.test.ts'] } },
      { extends: true, test: { name: 'node', include: PROVIDER_SUITES, setupFiles: ['packages/engine/test/setup-node-provider.ts'] } },
    ],
  },
});
