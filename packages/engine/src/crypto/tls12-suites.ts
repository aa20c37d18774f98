/**
 * The TLS 1.2 cipher suites TLS Lab speaks, as data: code point, key exchange, the
 * certificate key that authenticates the server, the AEAD and the PRF hash.
 *
 * All are AEAD suites (RFC 5288 AES-GCM, RFC 7905 ChaCha20-Poly1305; RFC 5289 / RFC 8422 for
 * the ECDHE ones), so the key block has no MAC keys (RFC 5246 §6.3 with mac_key_length 0).
 */
import { namesOf, TLS12_SUITE_CODES, type Tls12SuiteName } from '../msgs/registry';
import type { AeadName } from './tls13-suites';
import type { PublicKey } from './keys';

export type { Tls12SuiteName } from '../msgs/registry';

export type PrfHash = 'sha256' | 'sha384';
/** The same AEADs as TLS 1.3 (crypto/aead.ts); only the nonce construction differs (record.ts). */
type Tls12Aead = AeadName;

export interface Tls12Suite {
  name: Tls12SuiteName;
  code: number;
  /** RSA: the client encrypts the premaster to the server's RSA key (RFC 5246 §7.4.7.1). */
  keyExchange: 'RSA' | 'ECDHE';
  /** Key type of the server certificate (RSA key transport needs an RSA certificate). */
  auth: 'rsa' | 'ecdsa';
  aead: Tls12Aead;
  /** Hash of the PRF and of the Finished / session hash (RFC 5246 §5, RFC 5288 §3). */
  hash: PrfHash;
  keyLength: number;
  /** Implicit (fixed) IV length from the key block: GCM salt 4, ChaCha20 12. */
  fixedIvLength: number;
  /** Explicit nonce carried in each record: GCM 8 (RFC 5288 §3), ChaCha20 0 (RFC 7905 §2). */
  recordIvLength: number;
  rfc: string;
}

function gcm(name: Tls12SuiteName, kx: 'RSA' | 'ECDHE', auth: 'rsa' | 'ecdsa', bits: 128 | 256): Tls12Suite {
  return {
    name,
    code: TLS12_SUITE_CODES[name],
    keyExchange: kx,
    auth,
    aead: bits === 128 ? 'AES-128-GCM' : 'AES-256-GCM',
    hash: bits === 128 ? 'sha256' : 'sha384',
    keyLength: bits / 8,
    fixedIvLength: 4,
    recordIvLength: 8,
    rfc: kx === 'RSA' ? 'RFC 5288' : 'RFC 5289',
  };
}

function chacha(name: Tls12SuiteName, auth: 'rsa' | 'ecdsa'): Tls12Suite {
  return {
    name,
    code: TLS12_SUITE_CODES[name],
    keyExchange: 'ECDHE',
    auth,
    aead: 'CHACHA20-POLY1305',
    hash: 'sha256',
    keyLength: 32,
    fixedIvLength: 12,
    recordIvLength: 0,
    rfc: 'RFC 7905',
  };
}

/** What each TLS 1.2 suite of the registry (msgs/registry.ts) uses. */
const SUITES: Record<Tls12SuiteName, Tls12Suite> = {
  TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256: gcm('TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', 'ECDHE', 'ecdsa', 128),
  TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256: gcm('TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'ECDHE', 'rsa', 128),
  TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384: gcm('TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384', 'ECDHE', 'ecdsa', 256),
  TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384: gcm('TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', 'ECDHE', 'rsa', 256),
  TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256: chacha('TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256', 'ecdsa'),
  TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256: chacha('TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256', 'rsa'),
  TLS_RSA_WITH_AES_128_GCM_SHA256: gcm('TLS_RSA_WITH_AES_128_GCM_SHA256', 'RSA', 'rsa', 128),
  TLS_RSA_WITH_AES_256_GCM_SHA384: gcm('TLS_RSA_WITH_AES_256_GCM_SHA384', 'RSA', 'rsa', 256),
};

/** Every TLS 1.2 suite, in the registry's (our default preference) order: ECDHE first, RSA key transport last. */
export const TLS12_SUITES: readonly Tls12Suite[] = namesOf(TLS12_SUITE_CODES).map((name) => SUITES[name]);

/** Whether a certificate key can authenticate this suite (RFC 5246 §7.4.2, RFC 8422 §5.3): RSA suites need RSA, ECDSA suites ECDSA or EdDSA. */
export function suiteAcceptsKey(suite: Tls12Suite, key: PublicKey): boolean {
  if (suite.auth === 'rsa') return key.type === 'rsa';
  return key.type === 'ecdsa-p256' || key.type === 'ecdsa-p384' || key.type === 'ed25519';
}

export function tls12SuiteByName(name: string): Tls12Suite | undefined {
  return TLS12_SUITES.find((s) => s.name === name);
}

export function tls12SuiteByCode(code: number): Tls12Suite | undefined {
  return TLS12_SUITES.find((s) => s.code === code);
}
