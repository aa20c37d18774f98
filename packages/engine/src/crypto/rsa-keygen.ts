/**
 * RSA key generation (FIPS 186-5 style, simplified: e = 65537, probable primes by Miller-Rabin)
 * and private keys from their components (RFC 8017 §3.2), step by step so a UI stays responsive.
 */
import { bitLength, gcd, modInverse, os2ip, SMALL_PRIMES } from './bigint';
import { cryptoProvider } from './provider';
import type { Rng } from './rng';
import type { RsaPrivateKey } from './rsa';

/**
 * A random prime of exactly `bits` bits (top two bits set so p·q has 2·bits bits), p ≢ 1 mod e.
 * A generator: it pauses after each candidate it tests, so a caller can spread the work.
 */
function* generatePrime(bits: number, e: bigint, rng: Rng): Generator<void, bigint> {
  const byteLen = Math.ceil(bits / 8);
  for (;;) {
    let start = os2ip(rng(byteLen)) >> BigInt(byteLen * 8 - bits);
    start |= 3n << BigInt(bits - 2); // top two bits
    start |= 1n; // odd
    // Sieve the window [start, start + 2·W): mark candidates divisible by a small prime.
    const W = 4096;
    const composite = new Uint8Array(W);
    for (const p of SMALL_PRIMES) {
      if (p === 2) continue;
      const bp = BigInt(p);
      const r = Number(start % bp);
      // index i ↔ start + 2i; find first i with start + 2i ≡ 0 (mod p)
      let i = r === 0 ? 0 : ((p - r) * ((p + 1) / 2)) % p; // (p - r) · 2⁻¹ mod p
      for (; i < W; i += p) composite[i] = 1;
    }
    for (let i = 0; i < W; i++) {
      if (composite[i]) continue;
      const c = start + 2n * BigInt(i);
      if (bitLength(c) !== bits) break;
      if ((c - 1n) % e === 0n) continue; // need gcd(e, p-1) = 1
      if (cryptoProvider().isProbablePrime(c, rng, bits >= 1024 ? 4 : 8)) return c;
      yield;
    }
  }
}

/**
 * Generates an RSA key of `bits` bits (e = 65537) deterministically from `rng`.
 * 2048 bits takes a few hundred ms with noble (tens with node:crypto); callers that need the
 * same key often should cache it.
 */
export function generateRsaKey(bits: number, rng: Rng): RsaPrivateKey {
  const steps = rsaKeySteps(bits, rng);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/**
 * generateRsaKey in small steps: each `next()` tests about one candidate prime, and the last
 * returns the key — the same key from the same Rng. A Worker runs it between messages to make
 * a key in the background without ever being busy for long.
 */
export function* rsaKeySteps(bits: number, rng: Rng): Generator<void, RsaPrivateKey> {
  if (bits < 512 || bits % 2) throw new Error(`RSA key size ${bits} not supported (even, ≥ 512)`);
  const e = 65537n;
  for (;;) {
    const p0 = yield* generatePrime(bits / 2, e, rng);
    const q0 = yield* generatePrime(bits / 2, e, rng);
    if (p0 === q0) continue;
    const [p, q] = p0 > q0 ? [p0, q0] : [q0, p0];
    const n = p * q;
    if (bitLength(n) !== bits) continue;
    const lambda = ((p - 1n) * (q - 1n)) / gcd(p - 1n, q - 1n);
    const d = modInverse(e, lambda);
    return rsaPrivateKeyFromComponents(n, e, d, p, q);
  }
}

/** Builds the plain-data key from n, e, d, p, q (CRT parameters computed). */
export function rsaPrivateKeyFromComponents(n: bigint, e: bigint, d: bigint, p: bigint, q: bigint): RsaPrivateKey {
  const bits = bitLength(n);
  return {
    type: 'rsa',
    n,
    e,
    d,
    p,
    q,
    dp: d % (p - 1n),
    dq: d % (q - 1n),
    qi: modInverse(q, p),
    bits,
    publicKey: { type: 'rsa', n, e, bits },
  };
}
