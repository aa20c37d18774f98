/**
 * Vitest setup of the `node` project (vitest.config.ts): the suites it lists run a second time
 * with node:crypto as the crypto provider, the same test code as with noble.
 */
import { installCryptoProvider } from '../src/crypto/provider';
import { nodeCryptoProvider } from '../src/crypto/provider-node';

installCryptoProvider(nodeCryptoProvider);
