/**
 * The TLS 1.2 pseudorandom function (RFC 5246 §5):
 *
 *   P_hash(secret, seed) = HMAC_hash(secret, A(1) + seed) +
 *                          HMAC_hash(secret, A(2) + seed) + ...
 *   A(0) = seed,  A(i) = HMAC_hash(secret, A(i-1))
 *   PRF(secret, label, seed) = P_<hash>(secret, label + seed)
 *
 * The hash is the suite's PRF hash: SHA-256 for every suite defined by RFC 5246 and the
 * *_SHA256 suites, SHA-384 for the *_SHA384 suites (RFC 5288 §3, RFC 5289 §3).
 */
import { concatBytes, utf8 } from '../codec/hex';
import { hash as hashOf, hmac, type HashName } from './hash';
import type { PrfHash } from './tls12-suites';

/** The crypto/hash name of a PRF hash. */
function hashName(hash: PrfHash): HashName {
  switch (hash) {
    case 'sha256':
      return 'SHA-256';
    case 'sha384':
      return 'SHA-384';
  }
}

/** Output length of the PRF hash in bytes (32 or 48). */
export function hashLength(hash: PrfHash): number {
  return hash === 'sha256' ? 32 : 48;
}

/** Hash of `data` with the PRF hash (transcript / session hash). */
export function digest(hash: PrfHash, data: Uint8Array): Uint8Array {
  return hashOf(hashName(hash), data);
}

/**
 * P_hash(secret, seed) expanded to `length` bytes (RFC 5246 §5).
 *
 * @example pHash('sha256', secret, seed, 48)
 */
function pHash(hash: PrfHash, secret: Uint8Array, seed: Uint8Array, length: number): Uint8Array {
  if (!Number.isInteger(length) || length < 0) throw new Error(`"length" must be a non-negative integer, got ${length}`);
  const h = hashName(hash);
  const out = new Uint8Array(length);
  let a = seed; // A(0)
  let o = 0;
  while (o < length) {
    a = hmac(h, secret, a); // A(i)
    const block = hmac(h, secret, concatBytes(a, seed));
    const take = Math.min(block.length, length - o);
    out.set(block.subarray(0, take), o);
    o += take;
  }
  return out;
}

/**
 * PRF(secret, label, seed) = P_<hash>(secret, label + seed), RFC 5246 §5. `label` is ASCII
 * without a length byte or trailing NUL.
 *
 * @example prf('sha256', masterSecret, 'key expansion', concatBytes(serverRandom, clientRandom), 40)
 */
export function prf(hash: PrfHash, secret: Uint8Array, label: string, seed: Uint8Array, length: number): Uint8Array {
  return pHash(hash, secret, concatBytes(utf8.encode(label), seed), length);
}
