/**
 * Hash functions and HMAC (SHA-256 / SHA-384 from @noble/hashes), named as the cipher
 * suites name them. Every TLS 1.3 suite fixes one of these as its transcript and HKDF hash.
 */
import { hmac as nobleHmac } from '@noble/hashes/hmac.js';
import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';

export type HashName = 'SHA-256' | 'SHA-384' | 'SHA-512';

const FNS = { 'SHA-256': sha256, 'SHA-384': sha384, 'SHA-512': sha512 } as const;

/** Output length in bytes (HashLen in RFC 5869 / RFC 8446). */
export function hashLen(h: HashName): number {
  return FNS[h].outputLen;
}

/** Hash(data). Example: `hash('SHA-256', new Uint8Array())` is e3b0c442…b855. */
export function hash(h: HashName, data: Uint8Array): Uint8Array {
  return FNS[h](data);
}

/** HMAC-Hash(key, data), RFC 2104. */
export function hmac(h: HashName, key: Uint8Array, data: Uint8Array): Uint8Array {
  return nobleHmac(FNS[h], key, data);
}

/** The noble hash function, for modules (signature, HKDF) that take one. */
export function hashFn(h: HashName): (typeof FNS)[HashName] {
  return FNS[h];
}
