/**
 * Hash functions and HMAC (SHA-256 / SHA-384 / SHA-512, from the crypto provider), named as
 * the cipher suites name them. Every TLS 1.3 suite fixes one of these as its transcript and
 * HKDF hash.
 */
import { cryptoProvider, type HashAlgorithm } from './provider';

export type HashName = 'SHA-256' | 'SHA-384' | 'SHA-512';

const ALG: Record<HashName, HashAlgorithm> = { 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512' };
const LEN: Record<HashName, number> = { 'SHA-256': 32, 'SHA-384': 48, 'SHA-512': 64 };

/** Output length in bytes (HashLen in RFC 5869 / RFC 8446). */
export function hashLen(h: HashName): number {
  return LEN[h];
}

/** Hash(data). Example: `hash('SHA-256', new Uint8Array())` is e3b0c442…b855. */
export function hash(h: HashName, data: Uint8Array): Uint8Array {
  return cryptoProvider().hash(ALG[h], data);
}

/** HMAC-Hash(key, data), RFC 2104. */
export function hmac(h: HashName, key: Uint8Array, data: Uint8Array): Uint8Array {
  return cryptoProvider().hmac(ALG[h], key, data);
}

/** The provider's name of a suite hash (for modules that call the provider directly). */
export function hashAlgorithm(h: HashName): HashAlgorithm {
  return ALG[h];
}
