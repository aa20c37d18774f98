/**
 * X25519 (RFC 7748 §5): the noble provider's, a Montgomery ladder over ./field25519.ts.
 *
 * Why not @noble/curves' x25519: it works on bigint, and a shared secret costs ~1.8 ms there
 * against ~0.3 ms here — X25519 was a quarter of a TLS 1.3 handshake's CPU time. Same inputs,
 * same outputs (RFC 7748 vectors, Wycheproof's x25519 suite and a property test against noble
 * in test/x25519.test.ts). The ladder and the conditional swap do the same work whatever the
 * scalar (as far as JavaScript lets anyone promise that).
 */
import { baseCombBuilt, x25519BaseU } from './ed25519';
import { HOT_AFTER } from './hot-keys';
import { add, clampScalar, cswap, fe, invert, mul, mulSmall, pack, sqr, sub, unpack } from './field25519';

/** (A − 2)/4 for Curve25519's A = 486662 (RFC 7748 §5). */
const A24 = 121665;

/** RFC 7748 §5 decodeScalar25519, for a 32-byte scalar. */
function clamp(scalar: Uint8Array): Uint8Array {
  if (scalar.length !== 32) throw new Error('X25519 takes a 32-byte scalar and a 32-byte u-coordinate');
  return clampScalar(scalar);
}

/** X25519(k, u) (RFC 7748 §5): the scalar is clamped here; the result may be all zeros. */
export function x25519(scalar: Uint8Array, u: Uint8Array): Uint8Array {
  const k = clamp(scalar);
  if (u.length !== 32) throw new Error('X25519 takes a 32-byte scalar and a 32-byte u-coordinate');
  const x1 = unpack(u);
  const x2 = fe();
  const z2 = fe();
  const x3 = Float64Array.from(x1);
  const z3 = fe();
  x2[0] = 1;
  z3[0] = 1;
  const a = fe();
  const aa = fe();
  const b = fe();
  const bb = fe();
  const e = fe();
  const c = fe();
  const d = fe();
  let swap = 0;
  for (let t = 254; t >= 0; t--) {
    const bit = (k[t >> 3]! >> (t & 7)) & 1;
    swap ^= bit;
    cswap(x2, x3, swap);
    cswap(z2, z3, swap);
    swap = bit;
    add(a, x2, z2);
    sqr(aa, a);
    sub(b, x2, z2);
    sqr(bb, b);
    sub(e, aa, bb);
    add(c, x3, z3);
    sub(d, x3, z3);
    mul(d, d, a); // DA
    mul(c, c, b); // CB
    add(x3, d, c);
    sqr(x3, x3);
    sub(z3, d, c);
    sqr(z3, z3);
    mul(z3, z3, x1);
    mul(x2, aa, bb);
    mulSmall(z2, e, A24);
    add(z2, z2, aa);
    mul(z2, z2, e);
  }
  cswap(x2, x3, swap);
  cswap(z2, z3, swap);
  invert(z2, z2);
  mul(x2, x2, z2);
  return pack(x2);
}

/** u = 9, Curve25519's base point (RFC 7748 §4.1). */
const NINE = new Uint8Array(32);
NINE[0] = 9;

let baseUses = 0;

/**
 * The public key for a private key: X25519(k, 9), on Ed25519's base-point comb (./ed25519.ts)
 * — about three times faster than the ladder from u = 9 once the comb exists (0.12 against
 * 0.39 ms here), but building the comb's 256 points took 20 ms of a cold process's first
 * handshake (Node, before the JIT had compiled anything). So a fresh process's first keys take
 * the ladder, and the comb is built at the {@link HOT_AFTER}th (or was already, for Ed25519
 * signing). The same value either way.
 */
export function x25519PublicKey(privateKey: Uint8Array): Uint8Array {
  const k = clamp(privateKey);
  if (baseCombBuilt() || ++baseUses >= HOT_AFTER) return x25519BaseU(k);
  return x25519(k, NINE);
}
