/**
 * Provider-independent facts and arithmetic of the NIST curves P-256 and P-384 (FIPS 186-5,
 * SEC 2): their orders, scalar validity, and ECDSA signing from a base-point multiplication —
 * the nonce by RFC 6979 §3.2 (hedged, §3.6), then r = (k·G).x mod n, s = k⁻¹(h + r·d) mod n,
 * DER-encoded (RFC 5480 §2.2 / RFC 3279 Ecdsa-Sig-Value). A provider with a fast k·G but no
 * way to choose the nonce (node:crypto) signs with this and gets the bytes noble gets.
 */
import { bitLength, i2osp, modInverse, os2ip } from './bigint';
import type { EcCurve, HashAlgorithm } from './provider';

interface CurveFacts {
  /** Order n of the base point. */
  n: bigint;
  /** Scalar / field element length in bytes. */
  len: number;
  /** The hash of the curve's RFC 6979 HMAC-DRBG (as noble pairs them: P-256 SHA-256, P-384 SHA-384). */
  drbgHash: HashAlgorithm;
}

const CURVE_FACTS: Record<EcCurve, CurveFacts> = {
  p256: { n: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n, len: 32, drbgHash: 'sha256' },
  p384: {
    n: 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n,
    len: 48,
    drbgHash: 'sha384',
  },
};

/** True when `d` is `len` bytes encoding a scalar in [1, n-1]. */
export function isValidScalar(curve: EcCurve, d: Uint8Array): boolean {
  const { n, len } = CURVE_FACTS[curve];
  if (d.length !== len) return false;
  const x = os2ip(d);
  return x > 0n && x < n;
}

/** bits2int (RFC 6979 §2.3.2): the leftmost qlen bits of `b` as an integer. */
function bits2int(b: Uint8Array, qlen: number): bigint {
  const x = os2ip(b);
  const excess = b.length * 8 - qlen;
  return excess > 0 ? x >> BigInt(excess) : x;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** DER INTEGER of a non-negative bigint (minimal, with a leading zero when the top bit is set). */
function derInteger(x: bigint): Uint8Array {
  let b = i2osp(x, Math.max(1, Math.ceil(bitLength(x) / 8)));
  if (b[0]! & 0x80) b = concat(new Uint8Array([0]), b);
  return concat(new Uint8Array([0x02, b.length]), b);
}

/** Ecdsa-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER } (both < 2^384, so short lengths). */
function derEcdsaSignature(r: bigint, s: bigint): Uint8Array {
  const body = concat(derInteger(r), derInteger(s));
  return concat(new Uint8Array([0x30, body.length]), body);
}

/**
 * ECDSA signature of `digest` with the RFC 6979 nonce hedged by `extraEntropy`.
 * `baseMul(k)` returns k·G as 04‖x‖y; `hmac` is the provider's.
 */
export function ecdsaSignWith(
  curve: EcCurve,
  d: Uint8Array,
  digest: Uint8Array,
  extraEntropy: Uint8Array,
  hmac: (alg: HashAlgorithm, key: Uint8Array, data: Uint8Array) => Uint8Array,
  baseMul: (k: Uint8Array) => Uint8Array,
): Uint8Array {
  const { n, len, drbgHash } = CURVE_FACTS[curve];
  const qlen = bitLength(n);
  const x = os2ip(d);
  if (d.length !== len || x <= 0n || x >= n) throw new Error('invalid private key');
  const h = bits2int(digest, qlen) % n;
  // RFC 6979 §3.2 steps b–g: V = 0x01…, K = 0x00…, seeded with int2octets(x) ‖ bits2octets(h1) ‖ k'.
  const seed = concat(i2osp(x, len), i2osp(h, len), extraEntropy);
  const hlen = drbgHash === 'sha256' ? 32 : 48;
  let v: Uint8Array = new Uint8Array(hlen).fill(1);
  let k: Uint8Array = new Uint8Array(hlen);
  k = hmac(drbgHash, k, concat(v, new Uint8Array([0]), seed));
  v = hmac(drbgHash, k, v);
  k = hmac(drbgHash, k, concat(v, new Uint8Array([1]), seed));
  v = hmac(drbgHash, k, v);
  for (let iter = 0; iter < 1000; iter++) {
    // Step h: T = V ‖ V ‖ … until qlen bits; k = bits2int(T).
    const t: Uint8Array[] = [];
    let tlen = 0;
    while (tlen < len) {
      v = hmac(drbgHash, k, v);
      t.push(v);
      tlen += v.length;
    }
    const kk = bits2int(concat(...t), qlen);
    if (kk > 0n && kk < n) {
      const point = baseMul(i2osp(kk, len));
      const r = os2ip(point.subarray(1, 1 + len)) % n;
      if (r !== 0n) {
        const s = (modInverse(kk, n) * ((h + r * x) % n)) % n;
        if (s !== 0n) return derEcdsaSignature(r, s);
      }
    }
    // Step h.3: K = HMAC_K(V ‖ 0x00), V = HMAC_K(V), and try again.
    k = hmac(drbgHash, k, concat(v, new Uint8Array([0])));
    v = hmac(drbgHash, k, v);
  }
  throw new Error('RFC 6979: no valid nonce after 1000 tries');
}
