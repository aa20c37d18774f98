/**
 * Integers for RSA over JavaScript bigint (RFC 8017 §4): OS2IP / I2OSP, modular exponentiation
 * and inverse, Miller–Rabin. Provider-independent; the noble provider's RSA runs on these.
 * Not constant-time (see rsa.ts).
 */
import { toHex } from '../codec/hex';
import type { Rng } from './rng';

/** Big-endian bytes → bigint (OS2IP, RFC 8017 §4.2). */
export function os2ip(b: Uint8Array): bigint {
  return b.length === 0 ? 0n : BigInt('0x' + toHex(b));
}

/** bigint → big-endian bytes of exactly `len` (I2OSP, RFC 8017 §4.1). Throws if too large. */
export function i2osp(x: bigint, len: number): Uint8Array {
  if (x < 0n) throw new Error('I2OSP: negative integer');
  let hex = x.toString(16);
  if (hex.length % 2) hex = '0' + hex;
  if (hex.length / 2 > len) throw new Error(`I2OSP: integer too large for ${len} octets`);
  const out = new Uint8Array(len);
  const off = len - hex.length / 2;
  for (let i = 0; i < hex.length / 2; i++) out[off + i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** Bit length of a non-negative bigint. */
export function bitLength(x: bigint): number {
  return x === 0n ? 0 : x.toString(2).length;
}

export const mod = (a: bigint, m: bigint): bigint => {
  const r = a % m;
  return r < 0n ? r + m : r;
};

/**
 * base^exp mod m, left to right: bit by bit for a short exponent (an RSA public exponent such
 * as 65537 costs 16 squarings and one product, where a window table would cost more products
 * than it saves), else with sliding windows over the odd powers of base. For a 1024-bit CRT
 * exponent, 6-bit windows cost ~180 products besides the 1023 squarings where fixed 4-bit
 * windows cost ~270: 7% less time for each half of an RSA private operation.
 */
export function modPow(base: bigint, exp: bigint, m: bigint): bigint {
  if (m === 1n) return 0n;
  base = mod(base, m);
  const bits = exp.toString(2);
  if (exp < 1n << 32n) {
    let r = 1n;
    for (let i = 0; i < bits.length; i++) {
      if (i > 0) r = (r * r) % m;
      if (bits[i] === '1') r = (r * base) % m;
    }
    return r;
  }
  const k = bits.length > 512 ? 6 : bits.length > 128 ? 5 : 4;
  const reduce = reducer(m);
  // odd[j] = base^(2j+1).
  const square = reduce(base * base);
  const odd: bigint[] = [base];
  for (let j = 1; j < 1 << (k - 1); j++) odd.push(reduce(odd[j - 1]! * square));
  // The top bit is 1: the first window starts the result.
  let r = 1n;
  let i = 0;
  while (i < bits.length) {
    if (bits[i] === '0') {
      r = reduce(r * r);
      i++;
      continue;
    }
    // The longest window of at most k bits from here that ends in a 1.
    let end = Math.min(i + k, bits.length);
    while (bits[end - 1] === '0') end--;
    const w = parseInt(bits.slice(i, end), 2);
    if (i === 0) r = odd[w >> 1]!;
    else {
      for (let s = i; s < end; s++) r = reduce(r * r);
      r = reduce(r * odd[w >> 1]!);
    }
    i = end;
  }
  return r;
}

/**
 * x ↦ x mod m for x ≥ 0 (modPow's products, below m²). For m of b ≥ 512 bits the top
 * half of x's 2b bits is folded down first: x = h·2^(3b/2) + l becomes h·(2^(3b/2) mod m) + l, a
 * 3b/2-bit number, with a b/2 × b-bit product, so the division that follows finds b/2 quotient
 * bits instead of b. V8's bigint division costs about twice a product of the same size; for a
 * 1024-bit modulus this takes 4% off each exponentiation.
 */
function reducer(m: bigint): (x: bigint) => bigint {
  const b = bitLength(m);
  if (b < 512) return (x) => x % m;
  const shift = BigInt(b + (b >> 1));
  const fold = (1n << shift) % m;
  const low = (1n << shift) - 1n;
  return (x) => ((x >> shift) * fold + (x & low)) % m;
}

/** Modular inverse by the extended Euclidean algorithm. Throws if not invertible. */
export function modInverse(a: bigint, m: bigint): bigint {
  let [oldR, r] = [mod(a, m), m];
  let [oldS, s] = [1n, 0n];
  while (r !== 0n) {
    const q = oldR / r;
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  if (oldR !== 1n) throw new Error('modInverse: not invertible');
  return mod(oldS, m);
}

export function gcd(a: bigint, b: bigint): bigint {
  while (b) [a, b] = [b, a % b];
  return a;
}

// ---------------------------------------------------------------------------------------------
// Primes

/** The primes below 20000 (trial division and the key-generation sieve). */
export const SMALL_PRIMES: number[] = (() => {
  const limit = 20000;
  const sieve = new Uint8Array(limit);
  const out: number[] = [];
  for (let i = 2; i < limit; i++) {
    if (sieve[i]) continue;
    out.push(i);
    for (let j = i * i; j < limit; j += i) sieve[j] = 1;
  }
  return out;
})();

/** Miller–Rabin with `rounds` bases drawn from `rng` (plus base 2). */
export function millerRabin(n: bigint, rng: Rng, rounds = 8): boolean {
  if (n < 2n) return false;
  for (const p of SMALL_PRIMES.slice(0, 50)) {
    const bp = BigInt(p);
    if (n === bp) return true;
    if (n % bp === 0n) return false;
  }
  let d = n - 1n;
  let s = 0;
  while ((d & 1n) === 0n) {
    d >>= 1n;
    s++;
  }
  const byteLen = Math.ceil(bitLength(n) / 8);
  const witness = (a: bigint): boolean => {
    let x = modPow(a, d, n);
    if (x === 1n || x === n - 1n) return false;
    for (let r = 1; r < s; r++) {
      x = (x * x) % n;
      if (x === n - 1n) return false;
    }
    return true; // composite
  };
  if (witness(2n)) return false;
  for (let i = 0; i < rounds; i++) {
    const a = 2n + (os2ip(rng(byteLen + 8)) % (n - 3n));
    if (witness(a)) return false;
  }
  return true;
}
