/**
 * Ed25519 (RFC 8032 §5.1: pure Ed25519, no context, no prehash), the noble provider's, on the
 * limb arithmetic of ./field25519.ts.
 *
 * Why not @noble/curves' ed25519: its points are bigint; a signature costs ~0.7–1 ms and a
 * verification ~1.4–2 ms there, a quarter and more of a TLS 1.3 handshake's CPU time with an
 * Ed25519 certificate. Here a verification costs ~0.5–0.7 ms (~0.3 ms for a key verified
 * often, which gets its own table) and a signature ~0.45–0.6 ms (~0.3 ms when the same seed
 * array signs again). Same outputs: public keys and signatures byte for byte (deterministic,
 * §5.1.6), and verdicts exactly those of noble's `verify(sig, msg, key, { zip215: false })`,
 * which the engine used before (RFC 8032 vectors, Wycheproof's ed25519 suite and property
 * tests against noble in test/ed25519.test.ts).
 *
 * Points are in extended twisted-Edwards coordinates (X : Y : Z : T), x = X/Z, y = Y/Z,
 * xy = T/Z, with the a = −1 formulas (Hisil, Wong, Carter, Dawson 2008). Signing's [r]B uses a
 * table of 256 multiples of B and 64 signed radix-16 digits, each entry picked by a full scan
 * with arithmetic masks, so the work does not depend on the scalar (as far as JavaScript lets
 * anyone promise that; the scalars mod L are bigint). Verification handles only public data
 * and may branch.
 */
import { bytesToNumberLE, numberToBytesLE } from '@noble/curves/utils.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { concatBytes, equalBytes, fromHex, toHex } from '../codec/hex';
import { HotKeys } from './hot-keys';
import { add, clampScalar, equal, fe, feOf, invert, isNegative, isZero, mul, neg, pack, pow2523, sqr, sub, unpack, type Fe } from './field25519';

/** The order L of B (RFC 8032 §5.1). */
const L = 2n ** 252n + 27742317777372353535851937790883648493n;

/** A point in extended coordinates. */
export interface Point {
  x: Fe;
  y: Fe;
  z: Fe;
  t: Fe;
}

/**
 * A point ready to be added: (Y + X, Y − X, Z, 2d·T), or affine (Z = 1, `z` absent) as the
 * base point's tables keep it.
 */
interface Addend {
  ypx: Fe;
  ymx: Fe;
  z?: Fe;
  t2d: Fe;
}

const ONE = feOf(1);

/*
 * The curve's constants, as their 32-byte little-endian encodings (decoding them costs nothing
 * at start-up; computing them took two inversions and a square root, 8 ms of a cold Worker's
 * module evaluation). RFC 8032 §5.1 defines them; ed25519.test.ts derives each again from
 * its definition and compares.
 */
/** d = −121665/121666 (RFC 8032 §5.1), and 2d. */
const D = unpack(fromHex('a3785913ca4deb75abd841414d0a700098e879777940c78c73fe6f2bee6c0352'));
const D2 = (() => {
  const d2 = fe();
  add(d2, D, D);
  return d2;
})();

/** √−1 = 2^((p − 1)/4) (RFC 8032 §5.1.3). */
const SQRT_M1 = unpack(fromHex('b0a00e4a271beec478e42fad0618432fa7d7fb3d99004d2b0bdfc14f8024832b'));

const identity = (): Point => ({ x: fe(), y: feOf(1), z: feOf(1), t: fe() });

const copyPoint = (p: Point): Point => ({ x: Float64Array.from(p.x), y: Float64Array.from(p.y), z: Float64Array.from(p.z), t: Float64Array.from(p.t) });

// Scratch space of `addTo` and `double`, which never call anything that uses it.
const tA = fe();
const tB = fe();
const tC = fe();
const tD = fe();
const tE = fe();
const tF = fe();
const tG = fe();
const tH = fe();

/**
 * o = p + q, or p − q when `minus` (o may be p): add-2008-hwcd-3, complete on Ed25519 (d is
 * not a square), 8 products (7 for an affine q).
 */
function addTo(o: Point, p: Point, q: Addend, minus = false): void {
  sub(tE, p.y, p.x);
  add(tH, p.y, p.x);
  // −q = (Y − X, Y + X, Z, −2d·T): the same products with the roles swapped.
  mul(tA, tE, minus ? q.ypx : q.ymx);
  mul(tB, tH, minus ? q.ymx : q.ypx);
  mul(tC, p.t, q.t2d);
  if (q.z === undefined) add(tD, p.z, p.z);
  else {
    mul(tD, p.z, q.z);
    add(tD, tD, tD);
  }
  sub(tE, tB, tA);
  add(tH, tB, tA);
  if (minus) {
    add(tF, tD, tC);
    sub(tG, tD, tC);
  } else {
    sub(tF, tD, tC);
    add(tG, tD, tC);
  }
  mul(o.x, tE, tF);
  mul(o.y, tG, tH);
  mul(o.z, tF, tG);
  mul(o.t, tE, tH);
}

/**
 * o = 2p (o may be p): dbl-2008-hwcd, 4 squarings and 3 products, a 4th for T — skipped when
 * the next step is another doubling, which does not read T.
 */
function double(o: Point, p: Point, withT: boolean): void {
  sqr(tA, p.x);
  sqr(tB, p.y);
  sqr(tC, p.z);
  add(tC, tC, tC);
  add(tH, tA, tB);
  add(tE, p.x, p.y);
  sqr(tE, tE);
  sub(tE, tE, tH); // 2XY
  sub(tG, tB, tA);
  sub(tF, tC, tG);
  mul(o.x, tE, tF);
  mul(o.y, tH, tG);
  mul(o.z, tG, tF);
  if (withT) mul(o.t, tE, tH);
}

/** p in the form `addTo` takes. */
function addend(p: Point): Addend {
  const a: Addend = { ypx: fe(), ymx: fe(), z: Float64Array.from(p.z), t2d: fe() };
  add(a.ypx, p.y, p.x);
  sub(a.ymx, p.y, p.x);
  mul(a.t2d, p.t, D2);
  return a;
}

/** Affine addends for many points with one inversion (Montgomery's trick: 1/Zᵢ from the product of all). */
function affineAddends(points: Point[]): Addend[] {
  const prefixes: Fe[] = [];
  const acc = feOf(1);
  for (const p of points) {
    prefixes.push(Float64Array.from(acc));
    mul(acc, acc, p.z);
  }
  const inv = fe();
  invert(inv, acc);
  const out = new Array<Addend>(points.length);
  const zi = fe();
  const x = fe();
  const y = fe();
  for (let i = points.length - 1; i >= 0; i--) {
    const p = points[i]!;
    mul(zi, inv, prefixes[i]!);
    mul(inv, inv, p.z);
    mul(x, p.x, zi);
    mul(y, p.y, zi);
    const a: Addend = { ypx: fe(), ymx: fe(), t2d: fe() };
    add(a.ypx, y, x);
    sub(a.ymx, y, x);
    mul(a.t2d, x, y);
    mul(a.t2d, a.t2d, D2);
    out[i] = a;
  }
  return out;
}

/** The point with this y and x's parity, or undefined when (y² − 1)/(dy² + 1) has no square root (RFC 8032 §5.1.3 steps 2–4). */
function recoverX(y: Fe, xSign: number): Point | undefined {
  const u = fe();
  const v = fe();
  sqr(u, y);
  mul(v, u, D);
  sub(u, u, ONE); // u = y² − 1
  add(v, v, ONE); // v = dy² + 1
  // x = u·v³·(u·v⁷)^((p − 5)/8)
  const v3 = fe();
  sqr(v3, v);
  mul(v3, v3, v);
  const x = fe();
  sqr(x, v3);
  mul(x, x, v);
  mul(x, x, u);
  pow2523(x, x);
  mul(x, x, v3);
  mul(x, x, u);
  const vx2 = fe();
  sqr(vx2, x);
  mul(vx2, vx2, v);
  if (!equal(vx2, u)) {
    neg(u, u);
    if (!equal(vx2, u)) return undefined; // not a square
    mul(x, x, SQRT_M1);
  }
  if (xSign === 1 && isZero(x)) return undefined;
  if (isNegative(x) !== xSign) neg(x, x);
  const t = fe();
  mul(t, x, y);
  return { x, y: Float64Array.from(y), z: feOf(1), t };
}

/** RFC 8032 §5.1.3, strictly: undefined for y ≥ p, for x = 0 with the sign bit set, and off the curve. */
export function decodePoint(bytes: Uint8Array): Point | undefined {
  if (bytes.length !== 32) return undefined;
  const y = unpack(bytes);
  const yBytes = bytes.slice();
  yBytes[31]! &= 0x7f;
  if (!equalBytes(pack(y), yBytes)) return undefined; // y ≥ p
  return recoverX(y, bytes[31]! >> 7);
}

/** RFC 8032 §5.1.2: y, with x's parity in the top bit. */
export function encodePoint(p: Point): Uint8Array {
  const zi = fe();
  invert(zi, p.z);
  const x = fe();
  const y = fe();
  mul(x, p.x, zi);
  mul(y, p.y, zi);
  const out = pack(y);
  out[31]! |= isNegative(x) << 7;
  return out;
}

/** The neutral element, (0 : c : c : 0). */
const isIdentity = (p: Point): boolean => isZero(p.x) && equal(p.y, p.z);

/** B = (x, 4/5), x even (RFC 8032 §5.1). */
const BASE: Point = (() => {
  const x = unpack(fromHex('1ad5258f602d56c9b2a7259560c72c695cdcd6fd31e2a4c0fe536ecdd3366921'));
  const y = unpack(fromHex('5866666666666666666666666666666666666666666666666666666666666666'));
  const t = fe();
  mul(t, x, y);
  return { x, y, z: feOf(1), t };
})();

/** The constants as field elements, for ed25519.test.ts to check against their definitions. */
export const curveConstantsForTest = { D, SQRT_M1, BASE };

/**
 * P's comb: row j holds (k + 1)·256^j·P for k < 8, so any [e·16^i]P with |e| ≤ 8 is an entry,
 * its negation or (i odd) 16 times one. 256 affine points, a few ms.
 */
function buildComb(p: Point): Addend[][] {
  const points: Point[] = [];
  const row = copyPoint(p);
  for (let j = 0; j < 32; j++) {
    const step = addend(row);
    const multiple = copyPoint(row);
    for (let k = 0; k < 8; k++) {
      points.push(copyPoint(multiple));
      addTo(multiple, multiple, step);
    }
    for (let i = 0; i < 8; i++) double(row, row, i === 7);
  }
  const flat = affineAddends(points);
  return Array.from({ length: 32 }, (_, j) => flat.slice(8 * j, 8 * j + 8));
}

let baseCombTable: { rows: Addend[][]; flat: Float64Array[] } | undefined;

/** B's comb, built on first use: its rows, and the same rows flat for `selectFromRow`. */
function baseCombTables(): { rows: Addend[][]; flat: Float64Array[] } {
  if (!baseCombTable) {
    const rows = buildComb(BASE);
    baseCombTable = { rows, flat: rows.map(flatRow) };
  }
  return baseCombTable;
}

const baseComb = (): Addend[][] => baseCombTables().rows;

/** Whether B's comb has been built (X25519 key generation uses the ladder until it pays off). */
export const baseCombBuilt = (): boolean => baseCombTable !== undefined;

/** 1 when a = b, else 0, for small non-negative integers, without a comparison. */
const eqMask = (a: number, b: number): number => ((a ^ b) - 1) >>> 31;

/**
 * A comb row for the constant-time scan, flat: entry k's Y + X, Y − X and 2dT at
 * 48k, 48k + 16 and 48k + 32 — one array, where eight entries of three arrays each made the
 * scan's loads most of a key generation's time.
 */
function flatRow(row: Addend[]): Float64Array {
  const flat = new Float64Array(48 * row.length);
  row.forEach((e, k) => {
    flat.set(e.ypx, 48 * k);
    flat.set(e.ymx, 48 * k + 16);
    flat.set(e.t2d, 48 * k + 32);
  });
  return flat;
}

/**
 * o = digit·(row's unit), |digit| ≤ 8: every entry read, the right one kept by masks — each limb
 * the sum of the eight entries' limbs times their 0/1 masks (plus the neutral element's when the
 * digit is 0), in one pass over the limbs; a negative digit then swaps Y + X with Y − X and
 * negates 2dT, by multiplying with ±1.
 */
function selectFromRow(o: Addend, row: Float64Array, digit: number): void {
  const negative = (digit >> 31) & 1;
  const magnitude = (digit ^ -negative) + negative;
  const m0 = eqMask(magnitude, 1);
  const m1 = eqMask(magnitude, 2);
  const m2 = eqMask(magnitude, 3);
  const m3 = eqMask(magnitude, 4);
  const m4 = eqMask(magnitude, 5);
  const m5 = eqMask(magnitude, 6);
  const m6 = eqMask(magnitude, 7);
  const m7 = eqMask(magnitude, 8);
  const neutral = eqMask(magnitude, 0); // (1, 1, 0)
  const keep = 1 - negative;
  const sign = 1 - 2 * negative;
  const { ypx: oypx, ymx: oymx, t2d: ot2d } = o;
  for (let i = 0; i < 16; i++) {
    const one = i === 0 ? neutral : 0;
    const ypx = one + m0 * row[i]! + m1 * row[48 + i]! + m2 * row[96 + i]! + m3 * row[144 + i]! + m4 * row[192 + i]! + m5 * row[240 + i]! + m6 * row[288 + i]! + m7 * row[336 + i]!;
    const ymx =
      one + m0 * row[16 + i]! + m1 * row[64 + i]! + m2 * row[112 + i]! + m3 * row[160 + i]! + m4 * row[208 + i]! + m5 * row[256 + i]! + m6 * row[304 + i]! + m7 * row[352 + i]!;
    oypx[i] = keep * ypx + negative * ymx;
    oymx[i] = keep * ymx + negative * ypx;
    ot2d[i] =
      sign * (m0 * row[32 + i]! + m1 * row[80 + i]! + m2 * row[128 + i]! + m3 * row[176 + i]! + m4 * row[224 + i]! + m5 * row[272 + i]! + m6 * row[320 + i]! + m7 * row[368 + i]!);
  }
}

/** The scalar's 64 signed radix-16 digits, each in [−8, 8) (the last in [0, 8]); needs a < 2^255. */
function radix16(scalar: Uint8Array): Int8Array {
  const e = new Int8Array(64);
  for (let i = 0; i < 32; i++) {
    e[2 * i] = scalar[i]! & 15;
    e[2 * i + 1] = scalar[i]! >> 4;
  }
  let carry = 0;
  for (let i = 0; i < 63; i++) {
    e[i]! += carry;
    carry = (e[i]! + 8) >> 4;
    e[i]! -= carry << 4;
  }
  e[63]! += carry;
  return e;
}

/**
 * Σ eᵢ·16^i·P over 64 digits from P's comb: the odd digits' terms, times 16, then the even
 * digits' — `addTerm(q, i)` adds digit i's term, from comb row i >> 1.
 */
function combSum(addTerm: (q: Point, i: number) => void): Point {
  const q = identity();
  for (let i = 1; i < 64; i += 2) addTerm(q, i);
  for (let j = 0; j < 4; j++) double(q, q, j === 3);
  for (let i = 0; i < 64; i += 2) addTerm(q, i);
  return q;
}

/**
 * [a]B for a scalar given as 32 little-endian bytes below 2^255: 64 table additions and 4
 * doublings, each entry picked by a full scan — the same work for every scalar.
 */
function baseMul(scalar: Uint8Array): Point {
  const table = baseCombTables().flat;
  const e = radix16(scalar);
  const entry: Addend = { ypx: fe(), ymx: fe(), t2d: fe() };
  return combSum((q, i) => {
    selectFromRow(entry, table[i >> 1]!, e[i]!);
    addTo(q, q, entry);
  });
}

/**
 * X25519(k, 9) through the Edwards base-point comb: [k]B, then u = (1 + y)/(1 − y) =
 * (Z + Y)/(Z − Y), the birational map that takes Ed25519's B to Curve25519's u = 9 (RFC 7748
 * §4.1). About twice as fast as the Montgomery ladder from u = 9. `clamped` is a clamped
 * X25519 scalar (below 2^255, a multiple of 8, so [k]B is never the identity).
 */
export function x25519BaseU(clamped: Uint8Array): Uint8Array {
  const p = baseMul(clamped);
  const num = fe();
  const den = fe();
  add(num, p.z, p.y);
  sub(den, p.z, p.y);
  invert(den, den);
  mul(num, num, den);
  return pack(num);
}

/**
 * The width-w non-adjacent form of a scalar below 2^253: digits odd and below 2^(w−1) in
 * magnitude, any w consecutive ones holding at most one non-zero.
 */
function naf(scalar: Uint8Array, w: number): Int8Array {
  const digits = new Int8Array(256);
  const bit = (i: number): number => (i < 256 ? (scalar[i >> 3]! >> (i & 7)) & 1 : 0);
  let carry = 0;
  for (let pos = 0; pos < 256;) {
    if (bit(pos) === carry) {
      pos++; // this position's digit is 0 (with or without a carry passing through)
      continue;
    }
    let window = carry;
    for (let j = 0; j < w; j++) window += bit(pos + j) << j;
    carry = window >> (w - 1); // a window of 2^(w−1) or more becomes negative and carries
    digits[pos] = window - (carry << w);
    pos += w;
  }
  return digits;
}

/** P, 3P, 5P, …, (2n − 1)P as addends. */
function oddMultiples(p: Point, n: number): Point[] {
  const twice = identity();
  double(twice, p, true);
  const step = addend(twice);
  const out = [copyPoint(p)];
  for (let i = 1; i < n; i++) {
    const next = copyPoint(out[i - 1]!);
    addTo(next, next, step);
    out.push(next);
  }
  return out;
}

let baseOddTable: Addend[] | undefined;

/** B, 3B, …, 127B, affine: verification's width-8 NAF of s. */
const baseOdd = (): Addend[] => (baseOddTable ??= affineAddends(oddMultiples(BASE, 64)));

/**
 * [k]A − [s]B by Straus's method: both NAFs (width 5 for A, 8 for B's bigger fixed table)
 * share one run of doublings. Public inputs only.
 */
function verifyCombination(k: Uint8Array, a: Point, s: Uint8Array): Point {
  const kDigits = naf(k, 5);
  const sDigits = naf(s, 8);
  const aTable = oddMultiples(a, 8).map(addend);
  const bTable = baseOdd();
  const q = identity();
  let i = 255;
  while (i > 0 && kDigits[i] === 0 && sDigits[i] === 0) i--;
  for (; i >= 0; i--) {
    const kd = kDigits[i]!;
    const sd = sDigits[i]!;
    double(q, q, kd !== 0 || sd !== 0 || i === 0);
    if (kd !== 0) addTo(q, q, aTable[Math.abs(kd) >> 1]!, kd < 0);
    if (sd !== 0) addTo(q, q, bTable[Math.abs(sd) >> 1]!, sd > 0);
  }
  return q;
}

/** A SHA-512 digest as a scalar mod L (RFC 8032 §5.1.6–7 read it little-endian). */
const scalarOfDigest = (digest: Uint8Array): bigint => bytesToNumberLE(digest) % L;

const scalarBytes = (n: bigint): Uint8Array => numberToBytesLE(n, 32);

interface ExpandedKey {
  scalar: Uint8Array;
  prefix: Uint8Array;
  publicKey: Uint8Array;
}

/** RFC 8032 §5.1.5: the secret scalar s (clamped), the nonce prefix and the public key A. */
function expandSeed(seed: Uint8Array): ExpandedKey {
  if (seed.length !== 32) throw new Error(`an Ed25519 private key is 32 bytes, got ${seed.length}`);
  const h = sha512(seed);
  const scalar = clampScalar(h.subarray(0, 32));
  return { scalar, prefix: h.subarray(32), publicKey: encodePoint(baseMul(scalar)) };
}

/**
 * Each seed array's expansion, kept while the array lives: a server signs with the same key
 * object again and again, and the expansion (A = [s]B above all) is half a signature's cost.
 * An entry holds a copy of the seed's bytes and is only used while they still match, so a
 * seed changed in place is expanded afresh.
 */
const expansions = new WeakMap<Uint8Array, { seed: Uint8Array; key: ExpandedKey }>();

function expandedKey(seed: Uint8Array): ExpandedKey {
  const hit = expansions.get(seed);
  if (hit && equalBytes(hit.seed, seed)) return hit.key;
  const key = expandSeed(seed);
  expansions.set(seed, { seed: seed.slice(), key });
  return key;
}

/** The public key of a 32-byte private key (seed), RFC 8032 §5.1.5. */
export function ed25519PublicKey(seed: Uint8Array): Uint8Array {
  return expandSeed(seed).publicKey.slice();
}

/** R ‖ S (64 bytes), RFC 8032 §5.1.6. */
export function ed25519Sign(seed: Uint8Array, message: Uint8Array): Uint8Array {
  const { scalar, prefix, publicKey } = expandedKey(seed);
  const r = scalarOfDigest(sha512(concatBytes(prefix, message)));
  const rEncoded = encodePoint(baseMul(scalarBytes(r)));
  const k = scalarOfDigest(sha512(concatBytes(rEncoded, publicKey, message)));
  const s = (r + k * bytesToNumberLE(scalar)) % L;
  return concatBytes(rEncoded, scalarBytes(s));
}

interface KeyEntry {
  point: Point;
  comb?: Addend[][];
}

/**
 * Decoded public keys: a client verifies its server's key on every handshake. The decoding is
 * kept, and from the HOT_AFTER-th verification on the key's comb, which replaces 253 doublings
 * (verification then costs about half).
 */
const keys = new HotKeys<KeyEntry>((entry) => (entry.comb = buildComb(entry.point)));

/** The decoded point of a public key that passes §5.1.3 and is not of small order, else undefined. */
function publicKeyEntry(publicKey: Uint8Array): KeyEntry | undefined {
  return keys.use(toHex(publicKey), () => {
    const point = decodePoint(publicKey);
    return point && !isSmallOrder(point) ? { point } : undefined;
  });
}

/** q += digit·(row's unit), or −= when `minus`; public digits. */
function addDigit(q: Point, row: Addend[], digit: number, minus: boolean): void {
  if (digit !== 0) addTo(q, q, row[Math.abs(digit) - 1]!, digit < 0 !== minus);
}

/** [k]A − [S]B from A's and B's combs: 128 table additions, 4 doublings. Public inputs only. */
function combCombination(k: Uint8Array, aComb: Addend[][], s: Uint8Array): Point {
  const kDigits = radix16(k);
  const sDigits = radix16(s);
  const bComb = baseComb();
  return combSum((q, i) => {
    addDigit(q, aComb[i >> 1]!, kDigits[i]!, false);
    addDigit(q, bComb[i >> 1]!, sDigits[i]!, true);
  });
}

/**
 * RFC 8032 §5.1.7 as @noble/curves 2.x checks it with `zip215: false`: A and R decoded
 * strictly (§5.1.3), S < L, A not of small order ([8]A ≠ 0: noble's addition, against keys
 * that verify unrelated messages), and the cofactored equation [8][S]B = [8]R + [8][k]A.
 * Any malformed input is false, never an exception.
 */
export function ed25519Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (publicKey.length !== 32 || signature.length !== 64) return false;
  const key = publicKeyEntry(publicKey);
  const rEncoded = signature.subarray(0, 32);
  const r = decodePoint(rEncoded);
  const sEncoded = signature.subarray(32);
  if (!key || !r || bytesToNumberLE(sEncoded) >= L) return false;
  const k = scalarBytes(scalarOfDigest(sha512(concatBytes(rEncoded, publicKey, message))));
  const q = key.comb ? combCombination(k, key.comb, sEncoded) : verifyCombination(k, key.point, sEncoded); // [k]A − [S]B
  addTo(q, q, addend(r));
  for (let i = 0; i < 3; i++) double(q, q, false);
  return isIdentity(q);
}

/** Whether [8]p is the neutral element. */
function isSmallOrder(p: Point): boolean {
  const q = copyPoint(p);
  for (let i = 0; i < 3; i++) double(q, q, false);
  return isIdentity(q);
}
