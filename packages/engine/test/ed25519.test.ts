/**
 * Ed25519 (src/crypto/ed25519.ts, the noble provider's): RFC 8032 §7.1's vectors, the whole
 * Wycheproof ed25519 suite through the noble provider (keys used often go through their own
 * comb), and agreement with what the provider called before — @noble/curves'
 * `verify(…, { zip215: false })` — on random and hostile inputs: mutated signatures, keys and
 * messages, non-canonical encodings, small-order keys, torsion in R or A (where only a
 * cofactored check accepts).
 */
import { readFileSync } from 'node:fs';
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToNumberLE, numberToBytesLE } from '@noble/curves/utils.js';
import { sha512 } from '@noble/hashes/sha2.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concatBytes, fromHex, toHex } from '../src/codec/hex';
import { curveConstantsForTest, decodePoint, ed25519PublicKey, ed25519Sign, ed25519Verify, encodePoint } from '../src/crypto/ed25519';
import { pack } from '../src/crypto/field25519';
import { HOT_AFTER, MAX_KEYS } from '../src/crypto/hot-keys';
import { nobleCryptoProvider } from '../src/crypto/provider-noble';

interface RfcVector {
  name: string;
  secretKey: string;
  publicKey: string;
  message: string;
  signature: string;
}
interface WycheproofTest {
  tcId: number;
  comment: string;
  msg: string;
  sig: string;
  result: 'valid' | 'invalid';
}
interface WycheproofGroup {
  publicKey: { pk: string };
  tests: WycheproofTest[];
}

const rfc: RfcVector[] = JSON.parse(readFileSync(new URL('./vectors/rfc8032-ed25519.json', import.meta.url), 'utf8')).vectors;
const wycheproof: WycheproofGroup[] = JSON.parse(readFileSync(new URL('./vectors/wycheproof/ed25519_test.json', import.meta.url), 'utf8')).testGroups;

const P = 2n ** 255n - 19n;
const L = 2n ** 252n + 27742317777372353535851937790883648493n;
const Point = ed25519.Point;
type NoblePoint = InstanceType<typeof Point>;

/** What the noble provider returned before it had its own Ed25519. */
function nobleVerdict(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  try {
    return ed25519.verify(signature, message, publicKey, { zip215: false });
  } catch {
    return false;
  }
}

function nobleDecodes(bytes: Uint8Array): boolean {
  try {
    Point.fromBytes(bytes, false);
    return true;
  } catch {
    return false;
  }
}

const flipBit = (bytes: Uint8Array, bit: number): Uint8Array => {
  const out = bytes.slice();
  out[(bit >> 3) % out.length]! ^= 1 << (bit & 7);
  return out;
};

/** y (possibly ≥ p) as a point encoding with the given x sign bit. */
function encodingOf(y: bigint, xSign: number): Uint8Array {
  const out = numberToBytesLE(y, 32);
  out[31]! |= xSign << 7;
  return out;
}

/** A point of order 8: the torsion part [L]P of points P until one has it. */
const T8: NoblePoint = (() => {
  for (let i = 0; ; i++) {
    const bytes = sha512(Uint8Array.of(i)).slice(0, 32);
    bytes[31]! &= 0x7f;
    if (!nobleDecodes(bytes)) continue;
    const p = Point.fromBytes(bytes);
    const t = p.multiplyUnsafe(L - 1n).add(p);
    if (!t.double().double().is0()) return t;
  }
})();
const torsion = (j: number): NoblePoint => (j === 0 ? Point.ZERO : T8.multiplyUnsafe(BigInt(j)));

/** R ‖ S for R's bytes, its nonce r and secret scalar a under key bytes `publicKey`: S = r + H(R ‖ A ‖ M)·a mod L (RFC 8032 §5.1.6 steps 4–6). */
function signWith(rBytes: Uint8Array, r: bigint, a: bigint, publicKey: Uint8Array, message: Uint8Array): Uint8Array {
  const k = bytesToNumberLE(sha512(concatBytes(rBytes, publicKey, message))) % L;
  return concatBytes(rBytes, numberToBytesLE((r + k * a) % L, 32));
}

const bytes32 = fc.uint8Array({ minLength: 32, maxLength: 32 });
const message = fc.uint8Array({ maxLength: 200 });

describe('Ed25519 (RFC 8032)', () => {
  it(`§7.1: ${rfc.length} vectors — public key, signature, verification, directly and through the noble provider`, () => {
    expect(rfc.length).toBe(5);
    for (const v of rfc) {
      const [seed, msg] = [fromHex(v.secretKey), fromHex(v.message)];
      expect(toHex(ed25519PublicKey(seed)), v.name).toBe(v.publicKey);
      expect(toHex(ed25519Sign(seed, msg)), v.name).toBe(v.signature);
      expect(toHex(nobleCryptoProvider.ed25519PublicKey(seed)), v.name).toBe(v.publicKey);
      expect(toHex(nobleCryptoProvider.ed25519Sign(seed, msg)), v.name).toBe(v.signature);
      expect(ed25519Verify(fromHex(v.publicKey), msg, fromHex(v.signature)), v.name).toBe(true);
      expect(nobleCryptoProvider.ed25519Verify(fromHex(v.publicKey), msg, fromHex(v.signature)), v.name).toBe(true);
      for (const bit of [0, 255, 256, 511]) expect(ed25519Verify(fromHex(v.publicKey), msg, flipBit(fromHex(v.signature), bit)), `${v.name} bit ${bit}`).toBe(false);
    }
  });

  it('Wycheproof: every valid signature verifies and every invalid one does not, through the noble provider, as @noble/curves decides', () => {
    let n = 0;
    const failures: string[] = [];
    for (const g of wycheproof) {
      for (const t of g.tests) {
        n++;
        const args = [fromHex(g.publicKey.pk), fromHex(t.msg), fromHex(t.sig)] as const;
        const got = nobleCryptoProvider.ed25519Verify(...args);
        if (got !== (t.result === 'valid')) failures.push(`tcId ${t.tcId} (${t.comment}): expected ${t.result}, got ${got}`);
        if (got !== nobleVerdict(...args)) failures.push(`tcId ${t.tcId} (${t.comment}): @noble/curves disagrees`);
      }
    }
    expect(n).toBe(151);
    expect(failures).toEqual([]);
  });

  it('agrees with @noble/curves on public keys and signatures for random seeds and messages, and verifies them', () => {
    fc.assert(
      fc.property(bytes32, message, (seed, msg) => {
        const publicKey = ed25519PublicKey(seed);
        const signature = ed25519Sign(seed, msg);
        expect(toHex(publicKey)).toBe(toHex(ed25519.getPublicKey(seed)));
        expect(toHex(signature)).toBe(toHex(ed25519.sign(msg, seed)));
        expect(ed25519Verify(publicKey, msg, signature)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it('agrees with @noble/curves on signatures, keys and messages with one bit flipped', () => {
    fc.assert(
      fc.property(bytes32, message, fc.nat(), fc.constantFrom('signature', 'key', 'message'), (seed, msg, bit, target) => {
        let publicKey: Uint8Array = ed25519.getPublicKey(seed);
        let signature: Uint8Array = ed25519.sign(msg, seed);
        let m: Uint8Array = msg;
        if (target === 'signature') signature = flipBit(signature, bit);
        else if (target === 'key') publicKey = flipBit(publicKey, bit);
        else m = msg.length ? flipBit(msg, bit) : Uint8Array.of(bit & 0xff);
        expect(ed25519Verify(publicKey, m, signature)).toBe(nobleVerdict(publicKey, m, signature));
      }),
      { numRuns: 300 },
    );
  });

  it('decodes a point exactly when @noble/curves does (strict §5.1.3), to the same point', () => {
    const check = (bytes: Uint8Array): void => {
      const ours = decodePoint(bytes);
      expect(ours !== undefined, toHex(bytes)).toBe(nobleDecodes(bytes));
      if (ours) expect(toHex(encodePoint(ours))).toBe(toHex(Point.fromBytes(bytes).toBytes()));
    };
    fc.assert(fc.property(bytes32, check), { numRuns: 500 });
    // Around the edges: y near 0, 1, p − 1 and p, then the 19 encodings of y ≥ p, each with both x signs.
    const edges = [0n, 1n, 2n, P - 2n, P - 1n, ...Array.from({ length: 19 }, (_, i) => P + BigInt(i))];
    let nonCanonicalOnCurve = 0;
    for (const y of edges) {
      for (const sign of [0, 1]) {
        const bytes = encodingOf(y, sign);
        check(bytes);
        if (y >= P) expect(decodePoint(bytes), `y = p + ${y - P}`).toBeUndefined();
        if (y >= P && decodePoint(encodingOf(y - P, sign))) nonCanonicalOnCurve++;
      }
    }
    expect(nonCanonicalOnCurve).toBeGreaterThan(0); // some refused encodings are of real points
    // x = 0 with the sign bit set: y = 1 (the neutral element) and y = −1.
    expect(decodePoint(encodingOf(1n, 1))).toBeUndefined();
    expect(decodePoint(encodingOf(P - 1n, 1))).toBeUndefined();
    expect(decodePoint(encodingOf(1n, 0))).toBeDefined();
    expect(decodePoint(encodingOf(P - 1n, 0))).toBeDefined();
  });

  it('refuses a non-canonical S or R where the canonical one verifies', () => {
    const seed = sha512(Uint8Array.of(1)).slice(0, 32);
    const msg = Uint8Array.of(1, 2, 3);
    const { scalar: a, pointBytes: publicKey } = ed25519.utils.getExtendedPublicKey(seed);
    const signature = ed25519Sign(seed, msg);
    // S + L: the same equation, but S ≥ L (§5.1.7 step 1).
    const s = bytesToNumberLE(signature.subarray(32));
    const sPlusL = concatBytes(signature.subarray(0, 32), numberToBytesLE(s + L, 32));
    expect(ed25519Verify(publicKey, msg, sPlusL)).toBe(false);
    expect(nobleVerdict(publicKey, msg, sPlusL)).toBe(false);
    // R with y < 19, whose encodings y + p would be accepted by a lenient decoder: the neutral
    // element (y = 1, nonce r = 0) and the two points of order 4 (y = 0, cofactored check).
    for (const [y, sign] of [
      [1n, 0],
      [0n, 0],
      [0n, 1],
    ] as const) {
      const canonical = signWith(encodingOf(y, sign), 0n, a, publicKey, msg);
      expect(ed25519Verify(publicKey, msg, canonical), `R with y = ${y}`).toBe(true);
      expect(nobleVerdict(publicKey, msg, canonical)).toBe(true);
      const nonCanonical = signWith(encodingOf(y + P, sign), 0n, a, publicKey, msg);
      expect(ed25519Verify(publicKey, msg, nonCanonical), `R with y = p + ${y}`).toBe(false);
      expect(nobleVerdict(publicKey, msg, nonCanonical)).toBe(false);
    }
  });

  it('small-order public keys are refused even where the cofactored equation holds', () => {
    for (let j = 0; j < 8; j++) {
      const publicKey = torsion(j).toBytes();
      for (let i = 0; i < 8; i++) {
        // R small order and S = 0: [8](R + kA − SB) = 0 for every k.
        const signature = concatBytes(torsion(i).toBytes(), new Uint8Array(32));
        expect(ed25519Verify(publicKey, Uint8Array.of(j, i), signature), `A = ${j}T, R = ${i}T`).toBe(false);
        expect(nobleVerdict(publicKey, Uint8Array.of(j, i), signature)).toBe(false);
      }
    }
  });

  it('the cofactored equation: torsion in R or in A still verifies, as with @noble/curves', () => {
    fc.assert(
      fc.property(bytes32, message, fc.integer({ min: 1, max: 7 }), fc.bigInt({ min: 1n, max: L - 1n }), (seed, msg, j, r) => {
        const { scalar: a, point: aPoint, pointBytes } = ed25519.utils.getExtendedPublicKey(seed);
        // R' = rB + jT: [8]R' = [8]rB, but R' ≠ [S]B − [k]A.
        const withTorsionR = signWith(Point.BASE.multiply(r).add(torsion(j)).toBytes(), r, a, pointBytes, msg);
        expect(ed25519Verify(pointBytes, msg, withTorsionR)).toBe(true);
        expect(nobleVerdict(pointBytes, msg, withTorsionR)).toBe(true);
        // A' = A + jT, signed with a: [8][k]A' = [8][k]A.
        const keyWithTorsion = aPoint.add(torsion(j)).toBytes();
        const underTorsionA = signWith(Point.BASE.multiply(r).toBytes(), r, a, keyWithTorsion, msg);
        expect(ed25519Verify(keyWithTorsion, msg, underTorsionA)).toBe(true);
        expect(nobleVerdict(keyWithTorsion, msg, underTorsionA)).toBe(true);
        // …but not for another message.
        expect(ed25519Verify(keyWithTorsion, concatBytes(msg, Uint8Array.of(0)), underTorsionA)).toBe(false);
      }),
      { numRuns: 40 },
    );
  });

  it('random keys and signatures: the same verdict as @noble/curves (almost always false, through every refusal)', () => {
    fc.assert(
      fc.property(bytes32, fc.uint8Array({ minLength: 64, maxLength: 64 }), message, (publicKey, signature, msg) => {
        expect(ed25519Verify(publicKey, msg, signature)).toBe(nobleVerdict(publicKey, msg, signature));
      }),
      { numRuns: 300 },
    );
  });

  it('a key verified again and again (through its own comb once hot) keeps every verdict', () => {
    const seed = sha512(Uint8Array.of(2)).slice(0, 32);
    const publicKey = ed25519PublicKey(seed);
    const msg = Uint8Array.of(9, 8, 7);
    const signature = ed25519Sign(seed, msg);
    for (let i = 0; i < HOT_AFTER + 40; i++) {
      const candidate = i % 2 ? flipBit(signature, i * 37) : signature;
      expect(ed25519Verify(publicKey, msg, candidate), `round ${i}`).toBe(nobleVerdict(publicKey, msg, candidate));
    }
    // More keys than are kept: the first is evicted, decoded again, and still verifies.
    for (let j = 0; j < MAX_KEYS + 1; j++) {
      const other = sha512(Uint8Array.of(3, j)).slice(0, 32);
      expect(ed25519Verify(ed25519PublicKey(other), msg, ed25519Sign(other, msg))).toBe(true);
    }
    expect(ed25519Verify(publicKey, msg, signature)).toBe(true);
    // Torsion in R through the comb path too (the key is hot again after a few uses).
    const { scalar: a, pointBytes } = ed25519.utils.getExtendedPublicKey(seed);
    for (let j = 1; j < 8; j++) {
      const r = BigInt(j) * 1000003n;
      const sig = signWith(Point.BASE.multiply(r).add(torsion(j)).toBytes(), r, a, pointBytes, msg);
      expect(ed25519Verify(pointBytes, msg, sig), `R + ${j}T`).toBe(true);
      expect(ed25519Verify(pointBytes, concatBytes(msg, msg), sig)).toBe(false);
    }
  });

  it('signing twice with one seed array reuses its expansion, and a seed changed in place is expanded afresh', () => {
    const seed = sha512(Uint8Array.of(4)).slice(0, 32);
    const msg = Uint8Array.of(1);
    expect(toHex(ed25519Sign(seed, msg))).toBe(toHex(ed25519.sign(msg, seed)));
    expect(toHex(ed25519Sign(seed, msg))).toBe(toHex(ed25519.sign(msg, seed)));
    seed[0]! ^= 1;
    expect(toHex(ed25519Sign(seed, msg))).toBe(toHex(ed25519.sign(msg, seed)));
    expect(ed25519Verify(ed25519PublicKey(seed), msg, ed25519Sign(seed, msg))).toBe(true);
  });

  it('wrong lengths: verification is false, never an exception; a seed must be 32 bytes', () => {
    const seed = new Uint8Array(32).fill(7);
    const publicKey = ed25519PublicKey(seed);
    const signature = ed25519Sign(seed, new Uint8Array(0));
    expect(nobleCryptoProvider.ed25519Verify(publicKey, new Uint8Array(0), signature)).toBe(true);
    expect(nobleCryptoProvider.ed25519Verify(publicKey.subarray(1), new Uint8Array(0), signature)).toBe(false);
    expect(nobleCryptoProvider.ed25519Verify(concatBytes(publicKey, Uint8Array.of(0)), new Uint8Array(0), signature)).toBe(false);
    expect(nobleCryptoProvider.ed25519Verify(publicKey, new Uint8Array(0), signature.subarray(1))).toBe(false);
    expect(nobleCryptoProvider.ed25519Verify(publicKey, new Uint8Array(0), concatBytes(signature, Uint8Array.of(0)))).toBe(false);
    expect(nobleCryptoProvider.ed25519Verify(new Uint8Array(0), new Uint8Array(0), new Uint8Array(0))).toBe(false);
    expect(() => ed25519PublicKey(new Uint8Array(31))).toThrow(/32 bytes/);
    expect(() => ed25519Sign(new Uint8Array(33), new Uint8Array(0))).toThrow(/32 bytes/);
  });
});

describe('the curve constants (written out as bytes) are the ones RFC 8032 §5.1 defines', () => {
  const p = 2n ** 255n - 19n;
  const pow = (b: bigint, e: bigint): bigint => {
    let r = 1n;
    for (b %= p; e > 0n; e >>= 1n, b = (b * b) % p) if (e & 1n) r = (r * b) % p;
    return r;
  };
  const inv = (a: bigint): bigint => pow(a, p - 2n);
  const le = (n: bigint): string => toHex(numberToBytesLE(((n % p) + p) % p, 32));
  const d = (-121665n * inv(121666n)) % p;

  it('d = −121665/121666', () => expect(toHex(pack(curveConstantsForTest.D))).toBe(le(d)));
  it('√−1 = 2^((p − 1)/4), and its square is −1', () => {
    const s = pow(2n, (p - 1n) / 4n);
    expect((s * s) % p).toBe(p - 1n);
    expect(toHex(pack(curveConstantsForTest.SQRT_M1))).toBe(le(s));
  });
  it('B = (x, 4/5) with x even, on the curve, and T = XY/Z', () => {
    const y = (4n * inv(5n)) % p;
    const B = curveConstantsForTest.BASE;
    const x = bytesToNumberLE(pack(B.x));
    expect(x % 2n).toBe(0n);
    expect(toHex(pack(B.y))).toBe(le(y));
    // −x² + y² = 1 + d·x²·y²
    expect((((-x * x + y * y - 1n - d * x * x * y * y) % p) + p) % p).toBe(0n);
    expect(toHex(pack(B.z))).toBe(le(1n));
    expect(toHex(pack(B.t))).toBe(le(x * y));
    expect(toHex(encodePoint(B))).toBe('5866666666666666666666666666666666666666666666666666666666666666');
  });
});
