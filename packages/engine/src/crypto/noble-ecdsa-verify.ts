/**
 * ECDSA verification for the noble provider, with what a client that keeps talking to one
 * server can reuse: the server key's table of precomputed multiples.
 *
 * @noble/curves' `verify` decodes the public key and builds its small wNAF tables on every
 * call (~3 ms for P-256 here). A key verified {@link HOT_AFTER} times gets a window-6 table
 * once (~12 ms), after which each verification costs ~1 ms. The table is only a faster way to
 * compute the same u1·G + u2·Q: the verdict is the same for every input (the Wycheproof ECDSA
 * suites run through this path, test/signature-wycheproof.test.ts, and test/crypto-provider.test.ts
 * compares it with node:crypto). Bounded: at most {@link MAX_KEYS} keys, least recently used out.
 */
import { p256, p384 } from '@noble/curves/nist.js';
import { bytesToNumberBE } from '@noble/curves/utils.js';
import { toHex } from '../codec/hex';
import { HOT_AFTER, HotKeys, MAX_KEYS } from './hot-keys';
import type { EcCurve } from './provider';

const CURVES = { p256, p384 } as const;

/** The window of a hot key's table. */
const WINDOW = 6;

type CurvePoint = ReturnType<(typeof CURVES)[EcCurve]['Point']['fromBytes']>;

const keys = new HotKeys<CurvePoint>((point) => point.precompute(WINDOW));

/** The decoded, validated point for `encoded`, precomputed once hot; undefined when not on the curve. */
function cachedPoint(curve: EcCurve, encoded: Uint8Array): CurvePoint | undefined {
  return keys.use(curve + toHex(encoded), () => {
    try {
      return CURVES[curve].Point.fromBytes(encoded);
    } catch {
      return undefined;
    }
  });
}

/** ECDSA verification of `derSignature` over the digest `msgHash` (not low-S only). Never throws. */
export function nobleEcdsaVerify(curve: EcCurve, encodedPoint: Uint8Array, msgHash: Uint8Array, derSignature: Uint8Array): boolean {
  try {
    const c = CURVES[curve];
    const Q = cachedPoint(curve, encodedPoint);
    if (!Q || Q.is0()) return false;
    const { r, s } = c.Signature.fromBytes(derSignature, 'der'); // strict DER; 1 ≤ r, s < n
    const Fn = c.Point.Fn;
    // SEC 1 §4.1.4 / FIPS 186-5: the digest's leftmost n-bit-length bits, mod n.
    const delta = msgHash.length * 8 - Fn.BITS;
    const e = Fn.create(delta > 0 ? bytesToNumberBE(msgHash) >> BigInt(delta) : bytesToNumberBE(msgHash));
    const w = Fn.inv(s);
    const R = c.Point.BASE.multiplyUnsafe(Fn.create(e * w)).add(Q.multiplyUnsafe(Fn.create(r * w)));
    if (R.is0()) return false;
    return Fn.create(R.toAffine().x) === r;
  } catch {
    return false;
  }
}

/** Forgets every cached key (tests). */
export function clearEcdsaKeyCache(): void {
  keys.clear();
}

/** How many keys are cached, and how many of them have a table (tests). */
export function ecdsaKeyCacheStats(): { keys: number; precomputed: number } {
  return keys.stats();
}

export { HOT_AFTER, MAX_KEYS };
