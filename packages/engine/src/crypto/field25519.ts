/**
 * Arithmetic in GF(2^255 − 19) over 16-bit limbs in Float64Arrays, shared by X25519
 * (./x25519.ts) and Ed25519 (./ed25519.ts) in the noble provider.
 *
 * Why not bigint (as @noble/curves): a field product here is a fixed run of double-precision
 * multiply-adds that allocates nothing, where a bigint product allocates and reduces by
 * division; X25519 and Ed25519 built on it run 2–6× faster than noble's bigint versions.
 *
 * A field element is 16 limbs, limb i weighing 2^(16·i). Limbs may leave [0, 2^16) between
 * operations (sums and differences of a few reduced elements, possibly negative); `mul`,
 * `sqr` and `mulSmall` reduce their result again, using 2^256 ≡ 38 (mod p). With inputs' limbs
 * below 2^19 in magnitude every product and sum stays below 2^53, so the doubles are exact, and
 * the result's limbs lie in [0, 2^16) but for limb 2, in (−2^5, 2^16 + 2^5) (see `mul`). The arithmetic
 * does not branch on values (as far as JavaScript lets anyone promise that; `pack`'s borrow is
 * a comparison); `equal`, `isZero` and `isNegative` answer about a value, for public data
 * such as a point being decoded or the sign of x in an encoding.
 */
import { equalBytes } from '../codec/hex';

export type Fe = Float64Array;

/** A new element, zero. */
export const fe = (): Fe => new Float64Array(16);

/** The element with value n (0 ≤ n < 2^32). */
export function feOf(n: number): Fe {
  const o = fe();
  o[0] = n % 65536;
  o[1] = Math.floor(n / 65536);
  return o;
}

/** One carry pass: every limb into [0, 2^16), the carry out of the top limb folded in as ×38. */
function carry(o: Fe): void {
  for (let i = 0; i < 16; i++) {
    const c = Math.floor(o[i]! / 65536);
    o[i]! -= c * 65536;
    if (i < 15) o[i + 1]! += c;
    else o[0]! += 38 * c;
  }
}

export function add(o: Fe, a: Fe, b: Fe): void {
  for (let i = 0; i < 16; i++) o[i] = a[i]! + b[i]!;
}

export function sub(o: Fe, a: Fe, b: Fe): void {
  for (let i = 0; i < 16; i++) o[i] = a[i]! - b[i]!;
}

/** o = −a (o may be a); limbs negative until the next product. */
export function neg(o: Fe, a: Fe): void {
  for (let i = 0; i < 16; i++) o[i] = -a[i]!;
}

/**
 * o = a·b mod p (o may be a or b): the schoolbook product written out (31 column sums), the top
 * 15 columns folded down with 2^256 ≡ 38, then the carries, all in locals. Written out
 * because it is the whole cost of the curve arithmetic: the same steps as loops over the arrays
 * ran 2× slower.
 *
 * The carries: a column is below 16·2^38 + 38·15·2^38 < 2^47.2 in magnitude. One pass from limb
 * 0 up leaves limbs 1–15 in [0, 2^16) and folds the top carry (below 2^31.3) into limb 0 as ×38,
 * below 2^36.6; carrying limb 0 into 1 (a carry below 2^20.6) and then limb 1 into 2 (below
 * 2^4.7) leaves limb 2 within 2^5 of [0, 2^16) and every other limb in it. That is as good an
 * input to the next product as a second full pass gives, and 14 carry steps cheaper: the
 * carries were most of a product's time, and this made `mul` ~30% and `sqr` ~40% faster.
 */
export function mul(o: Fe, a: Fe, b: Fe): void {
  const a0 = a[0]!;
  const a1 = a[1]!;
  const a2 = a[2]!;
  const a3 = a[3]!;
  const a4 = a[4]!;
  const a5 = a[5]!;
  const a6 = a[6]!;
  const a7 = a[7]!;
  const a8 = a[8]!;
  const a9 = a[9]!;
  const a10 = a[10]!;
  const a11 = a[11]!;
  const a12 = a[12]!;
  const a13 = a[13]!;
  const a14 = a[14]!;
  const a15 = a[15]!;
  const b0 = b[0]!;
  const b1 = b[1]!;
  const b2 = b[2]!;
  const b3 = b[3]!;
  const b4 = b[4]!;
  const b5 = b[5]!;
  const b6 = b[6]!;
  const b7 = b[7]!;
  const b8 = b[8]!;
  const b9 = b[9]!;
  const b10 = b[10]!;
  const b11 = b[11]!;
  const b12 = b[12]!;
  const b13 = b[13]!;
  const b14 = b[14]!;
  const b15 = b[15]!;
  let t0 = a0 * b0;
  let t1 = a0 * b1 + a1 * b0;
  let t2 = a0 * b2 + a1 * b1 + a2 * b0;
  let t3 = a0 * b3 + a1 * b2 + a2 * b1 + a3 * b0;
  let t4 = a0 * b4 + a1 * b3 + a2 * b2 + a3 * b1 + a4 * b0;
  let t5 = a0 * b5 + a1 * b4 + a2 * b3 + a3 * b2 + a4 * b1 + a5 * b0;
  let t6 = a0 * b6 + a1 * b5 + a2 * b4 + a3 * b3 + a4 * b2 + a5 * b1 + a6 * b0;
  let t7 = a0 * b7 + a1 * b6 + a2 * b5 + a3 * b4 + a4 * b3 + a5 * b2 + a6 * b1 + a7 * b0;
  let t8 = a0 * b8 + a1 * b7 + a2 * b6 + a3 * b5 + a4 * b4 + a5 * b3 + a6 * b2 + a7 * b1 + a8 * b0;
  let t9 = a0 * b9 + a1 * b8 + a2 * b7 + a3 * b6 + a4 * b5 + a5 * b4 + a6 * b3 + a7 * b2 + a8 * b1 + a9 * b0;
  let t10 = a0 * b10 + a1 * b9 + a2 * b8 + a3 * b7 + a4 * b6 + a5 * b5 + a6 * b4 + a7 * b3 + a8 * b2 + a9 * b1 + a10 * b0;
  let t11 = a0 * b11 + a1 * b10 + a2 * b9 + a3 * b8 + a4 * b7 + a5 * b6 + a6 * b5 + a7 * b4 + a8 * b3 + a9 * b2 + a10 * b1 + a11 * b0;
  let t12 = a0 * b12 + a1 * b11 + a2 * b10 + a3 * b9 + a4 * b8 + a5 * b7 + a6 * b6 + a7 * b5 + a8 * b4 + a9 * b3 + a10 * b2 + a11 * b1 + a12 * b0;
  let t13 = a0 * b13 + a1 * b12 + a2 * b11 + a3 * b10 + a4 * b9 + a5 * b8 + a6 * b7 + a7 * b6 + a8 * b5 + a9 * b4 + a10 * b3 + a11 * b2 + a12 * b1 + a13 * b0;
  let t14 = a0 * b14 + a1 * b13 + a2 * b12 + a3 * b11 + a4 * b10 + a5 * b9 + a6 * b8 + a7 * b7 + a8 * b6 + a9 * b5 + a10 * b4 + a11 * b3 + a12 * b2 + a13 * b1 + a14 * b0;
  let t15 =
    a0 * b15 + a1 * b14 + a2 * b13 + a3 * b12 + a4 * b11 + a5 * b10 + a6 * b9 + a7 * b8 + a8 * b7 + a9 * b6 + a10 * b5 + a11 * b4 + a12 * b3 + a13 * b2 + a14 * b1 + a15 * b0;
  const t16 = a1 * b15 + a2 * b14 + a3 * b13 + a4 * b12 + a5 * b11 + a6 * b10 + a7 * b9 + a8 * b8 + a9 * b7 + a10 * b6 + a11 * b5 + a12 * b4 + a13 * b3 + a14 * b2 + a15 * b1;
  const t17 = a2 * b15 + a3 * b14 + a4 * b13 + a5 * b12 + a6 * b11 + a7 * b10 + a8 * b9 + a9 * b8 + a10 * b7 + a11 * b6 + a12 * b5 + a13 * b4 + a14 * b3 + a15 * b2;
  const t18 = a3 * b15 + a4 * b14 + a5 * b13 + a6 * b12 + a7 * b11 + a8 * b10 + a9 * b9 + a10 * b8 + a11 * b7 + a12 * b6 + a13 * b5 + a14 * b4 + a15 * b3;
  const t19 = a4 * b15 + a5 * b14 + a6 * b13 + a7 * b12 + a8 * b11 + a9 * b10 + a10 * b9 + a11 * b8 + a12 * b7 + a13 * b6 + a14 * b5 + a15 * b4;
  const t20 = a5 * b15 + a6 * b14 + a7 * b13 + a8 * b12 + a9 * b11 + a10 * b10 + a11 * b9 + a12 * b8 + a13 * b7 + a14 * b6 + a15 * b5;
  const t21 = a6 * b15 + a7 * b14 + a8 * b13 + a9 * b12 + a10 * b11 + a11 * b10 + a12 * b9 + a13 * b8 + a14 * b7 + a15 * b6;
  const t22 = a7 * b15 + a8 * b14 + a9 * b13 + a10 * b12 + a11 * b11 + a12 * b10 + a13 * b9 + a14 * b8 + a15 * b7;
  const t23 = a8 * b15 + a9 * b14 + a10 * b13 + a11 * b12 + a12 * b11 + a13 * b10 + a14 * b9 + a15 * b8;
  const t24 = a9 * b15 + a10 * b14 + a11 * b13 + a12 * b12 + a13 * b11 + a14 * b10 + a15 * b9;
  const t25 = a10 * b15 + a11 * b14 + a12 * b13 + a13 * b12 + a14 * b11 + a15 * b10;
  const t26 = a11 * b15 + a12 * b14 + a13 * b13 + a14 * b12 + a15 * b11;
  const t27 = a12 * b15 + a13 * b14 + a14 * b13 + a15 * b12;
  const t28 = a13 * b15 + a14 * b14 + a15 * b13;
  const t29 = a14 * b15 + a15 * b14;
  const t30 = a15 * b15;
  t0 += 38 * t16;
  t1 += 38 * t17;
  t2 += 38 * t18;
  t3 += 38 * t19;
  t4 += 38 * t20;
  t5 += 38 * t21;
  t6 += 38 * t22;
  t7 += 38 * t23;
  t8 += 38 * t24;
  t9 += 38 * t25;
  t10 += 38 * t26;
  t11 += 38 * t27;
  t12 += 38 * t28;
  t13 += 38 * t29;
  t14 += 38 * t30;
  let c: number;
  c = Math.floor(t0 / 65536);
  t0 -= c * 65536;
  t1 += c;
  c = Math.floor(t1 / 65536);
  t1 -= c * 65536;
  t2 += c;
  c = Math.floor(t2 / 65536);
  t2 -= c * 65536;
  t3 += c;
  c = Math.floor(t3 / 65536);
  t3 -= c * 65536;
  t4 += c;
  c = Math.floor(t4 / 65536);
  t4 -= c * 65536;
  t5 += c;
  c = Math.floor(t5 / 65536);
  t5 -= c * 65536;
  t6 += c;
  c = Math.floor(t6 / 65536);
  t6 -= c * 65536;
  t7 += c;
  c = Math.floor(t7 / 65536);
  t7 -= c * 65536;
  t8 += c;
  c = Math.floor(t8 / 65536);
  t8 -= c * 65536;
  t9 += c;
  c = Math.floor(t9 / 65536);
  t9 -= c * 65536;
  t10 += c;
  c = Math.floor(t10 / 65536);
  t10 -= c * 65536;
  t11 += c;
  c = Math.floor(t11 / 65536);
  t11 -= c * 65536;
  t12 += c;
  c = Math.floor(t12 / 65536);
  t12 -= c * 65536;
  t13 += c;
  c = Math.floor(t13 / 65536);
  t13 -= c * 65536;
  t14 += c;
  c = Math.floor(t14 / 65536);
  t14 -= c * 65536;
  t15 += c;
  c = Math.floor(t15 / 65536);
  t15 -= c * 65536;
  t0 += 38 * c;
  c = Math.floor(t0 / 65536);
  t0 -= c * 65536;
  t1 += c;
  c = Math.floor(t1 / 65536);
  t1 -= c * 65536;
  t2 += c;
  o[0] = t0;
  o[1] = t1;
  o[2] = t2;
  o[3] = t3;
  o[4] = t4;
  o[5] = t5;
  o[6] = t6;
  o[7] = t7;
  o[8] = t8;
  o[9] = t9;
  o[10] = t10;
  o[11] = t11;
  o[12] = t12;
  o[13] = t13;
  o[14] = t14;
  o[15] = t15;
}

/**
 * o = a·k mod p for a small constant 0 ≤ k < 2^17 (o may be a): X25519's ladder multiplies by
 * (A − 2)/4 = 121665 once a step, and 16 products with `mul`'s carries cost a fraction of
 * `mul`'s 256 products. With a's limbs below 2^19 in magnitude each product stays below 2^36, so
 * the result has `mul`'s bounds. Written out in locals, as `mul` is: the same steps over the
 * array cost as much as `mul`.
 */
export function mulSmall(o: Fe, a: Fe, k: number): void {
  let t0 = a[0]! * k;
  let t1 = a[1]! * k;
  let t2 = a[2]! * k;
  let t3 = a[3]! * k;
  let t4 = a[4]! * k;
  let t5 = a[5]! * k;
  let t6 = a[6]! * k;
  let t7 = a[7]! * k;
  let t8 = a[8]! * k;
  let t9 = a[9]! * k;
  let t10 = a[10]! * k;
  let t11 = a[11]! * k;
  let t12 = a[12]! * k;
  let t13 = a[13]! * k;
  let t14 = a[14]! * k;
  let t15 = a[15]! * k;
  let c: number;
  c = Math.floor(t0 / 65536);
  t0 -= c * 65536;
  t1 += c;
  c = Math.floor(t1 / 65536);
  t1 -= c * 65536;
  t2 += c;
  c = Math.floor(t2 / 65536);
  t2 -= c * 65536;
  t3 += c;
  c = Math.floor(t3 / 65536);
  t3 -= c * 65536;
  t4 += c;
  c = Math.floor(t4 / 65536);
  t4 -= c * 65536;
  t5 += c;
  c = Math.floor(t5 / 65536);
  t5 -= c * 65536;
  t6 += c;
  c = Math.floor(t6 / 65536);
  t6 -= c * 65536;
  t7 += c;
  c = Math.floor(t7 / 65536);
  t7 -= c * 65536;
  t8 += c;
  c = Math.floor(t8 / 65536);
  t8 -= c * 65536;
  t9 += c;
  c = Math.floor(t9 / 65536);
  t9 -= c * 65536;
  t10 += c;
  c = Math.floor(t10 / 65536);
  t10 -= c * 65536;
  t11 += c;
  c = Math.floor(t11 / 65536);
  t11 -= c * 65536;
  t12 += c;
  c = Math.floor(t12 / 65536);
  t12 -= c * 65536;
  t13 += c;
  c = Math.floor(t13 / 65536);
  t13 -= c * 65536;
  t14 += c;
  c = Math.floor(t14 / 65536);
  t14 -= c * 65536;
  t15 += c;
  c = Math.floor(t15 / 65536);
  t15 -= c * 65536;
  t0 += 38 * c;
  c = Math.floor(t0 / 65536);
  t0 -= c * 65536;
  t1 += c;
  c = Math.floor(t1 / 65536);
  t1 -= c * 65536;
  t2 += c;
  o[0] = t0;
  o[1] = t1;
  o[2] = t2;
  o[3] = t3;
  o[4] = t4;
  o[5] = t5;
  o[6] = t6;
  o[7] = t7;
  o[8] = t8;
  o[9] = t9;
  o[10] = t10;
  o[11] = t11;
  o[12] = t12;
  o[13] = t13;
  o[14] = t14;
  o[15] = t15;
}

/** o = a² mod p (o may be a): as `mul`, each cross product computed once and doubled. */
export function sqr(o: Fe, a: Fe): void {
  const a0 = a[0]!;
  const a1 = a[1]!;
  const a2 = a[2]!;
  const a3 = a[3]!;
  const a4 = a[4]!;
  const a5 = a[5]!;
  const a6 = a[6]!;
  const a7 = a[7]!;
  const a8 = a[8]!;
  const a9 = a[9]!;
  const a10 = a[10]!;
  const a11 = a[11]!;
  const a12 = a[12]!;
  const a13 = a[13]!;
  const a14 = a[14]!;
  const a15 = a[15]!;
  let t0 = a0 * a0;
  let t1 = 2 * (a0 * a1);
  let t2 = 2 * (a0 * a2) + a1 * a1;
  let t3 = 2 * (a0 * a3 + a1 * a2);
  let t4 = 2 * (a0 * a4 + a1 * a3) + a2 * a2;
  let t5 = 2 * (a0 * a5 + a1 * a4 + a2 * a3);
  let t6 = 2 * (a0 * a6 + a1 * a5 + a2 * a4) + a3 * a3;
  let t7 = 2 * (a0 * a7 + a1 * a6 + a2 * a5 + a3 * a4);
  let t8 = 2 * (a0 * a8 + a1 * a7 + a2 * a6 + a3 * a5) + a4 * a4;
  let t9 = 2 * (a0 * a9 + a1 * a8 + a2 * a7 + a3 * a6 + a4 * a5);
  let t10 = 2 * (a0 * a10 + a1 * a9 + a2 * a8 + a3 * a7 + a4 * a6) + a5 * a5;
  let t11 = 2 * (a0 * a11 + a1 * a10 + a2 * a9 + a3 * a8 + a4 * a7 + a5 * a6);
  let t12 = 2 * (a0 * a12 + a1 * a11 + a2 * a10 + a3 * a9 + a4 * a8 + a5 * a7) + a6 * a6;
  let t13 = 2 * (a0 * a13 + a1 * a12 + a2 * a11 + a3 * a10 + a4 * a9 + a5 * a8 + a6 * a7);
  let t14 = 2 * (a0 * a14 + a1 * a13 + a2 * a12 + a3 * a11 + a4 * a10 + a5 * a9 + a6 * a8) + a7 * a7;
  let t15 = 2 * (a0 * a15 + a1 * a14 + a2 * a13 + a3 * a12 + a4 * a11 + a5 * a10 + a6 * a9 + a7 * a8);
  const t16 = 2 * (a1 * a15 + a2 * a14 + a3 * a13 + a4 * a12 + a5 * a11 + a6 * a10 + a7 * a9) + a8 * a8;
  const t17 = 2 * (a2 * a15 + a3 * a14 + a4 * a13 + a5 * a12 + a6 * a11 + a7 * a10 + a8 * a9);
  const t18 = 2 * (a3 * a15 + a4 * a14 + a5 * a13 + a6 * a12 + a7 * a11 + a8 * a10) + a9 * a9;
  const t19 = 2 * (a4 * a15 + a5 * a14 + a6 * a13 + a7 * a12 + a8 * a11 + a9 * a10);
  const t20 = 2 * (a5 * a15 + a6 * a14 + a7 * a13 + a8 * a12 + a9 * a11) + a10 * a10;
  const t21 = 2 * (a6 * a15 + a7 * a14 + a8 * a13 + a9 * a12 + a10 * a11);
  const t22 = 2 * (a7 * a15 + a8 * a14 + a9 * a13 + a10 * a12) + a11 * a11;
  const t23 = 2 * (a8 * a15 + a9 * a14 + a10 * a13 + a11 * a12);
  const t24 = 2 * (a9 * a15 + a10 * a14 + a11 * a13) + a12 * a12;
  const t25 = 2 * (a10 * a15 + a11 * a14 + a12 * a13);
  const t26 = 2 * (a11 * a15 + a12 * a14) + a13 * a13;
  const t27 = 2 * (a12 * a15 + a13 * a14);
  const t28 = 2 * (a13 * a15) + a14 * a14;
  const t29 = 2 * (a14 * a15);
  const t30 = a15 * a15;
  t0 += 38 * t16;
  t1 += 38 * t17;
  t2 += 38 * t18;
  t3 += 38 * t19;
  t4 += 38 * t20;
  t5 += 38 * t21;
  t6 += 38 * t22;
  t7 += 38 * t23;
  t8 += 38 * t24;
  t9 += 38 * t25;
  t10 += 38 * t26;
  t11 += 38 * t27;
  t12 += 38 * t28;
  t13 += 38 * t29;
  t14 += 38 * t30;
  let c: number;
  c = Math.floor(t0 / 65536);
  t0 -= c * 65536;
  t1 += c;
  c = Math.floor(t1 / 65536);
  t1 -= c * 65536;
  t2 += c;
  c = Math.floor(t2 / 65536);
  t2 -= c * 65536;
  t3 += c;
  c = Math.floor(t3 / 65536);
  t3 -= c * 65536;
  t4 += c;
  c = Math.floor(t4 / 65536);
  t4 -= c * 65536;
  t5 += c;
  c = Math.floor(t5 / 65536);
  t5 -= c * 65536;
  t6 += c;
  c = Math.floor(t6 / 65536);
  t6 -= c * 65536;
  t7 += c;
  c = Math.floor(t7 / 65536);
  t7 -= c * 65536;
  t8 += c;
  c = Math.floor(t8 / 65536);
  t8 -= c * 65536;
  t9 += c;
  c = Math.floor(t9 / 65536);
  t9 -= c * 65536;
  t10 += c;
  c = Math.floor(t10 / 65536);
  t10 -= c * 65536;
  t11 += c;
  c = Math.floor(t11 / 65536);
  t11 -= c * 65536;
  t12 += c;
  c = Math.floor(t12 / 65536);
  t12 -= c * 65536;
  t13 += c;
  c = Math.floor(t13 / 65536);
  t13 -= c * 65536;
  t14 += c;
  c = Math.floor(t14 / 65536);
  t14 -= c * 65536;
  t15 += c;
  c = Math.floor(t15 / 65536);
  t15 -= c * 65536;
  t0 += 38 * c;
  c = Math.floor(t0 / 65536);
  t0 -= c * 65536;
  t1 += c;
  c = Math.floor(t1 / 65536);
  t1 -= c * 65536;
  t2 += c;
  o[0] = t0;
  o[1] = t1;
  o[2] = t2;
  o[3] = t3;
  o[4] = t4;
  o[5] = t5;
  o[6] = t6;
  o[7] = t7;
  o[8] = t8;
  o[9] = t9;
  o[10] = t10;
  o[11] = t11;
  o[12] = t12;
  o[13] = t13;
  o[14] = t14;
  o[15] = t15;
}

/** o = a^(2^n) (o may be a). */
function squareTimes(o: Fe, a: Fe, n: number): void {
  if (o !== a) o.set(a);
  for (let i = 0; i < n; i++) sqr(o, o);
}

/**
 * The common start of `invert` and `pow2523`'s addition chains: returns z^(2^250 − 1) and
 * z^11 (249 squarings, 11 products).
 */
function pow22501(z: Fe): { t: Fe; z11: Fe } {
  const z2 = fe();
  const z9 = fe();
  const z11 = fe();
  const z5 = fe(); // z^(2^5 − 1)
  const z10 = fe(); // z^(2^10 − 1), and so on
  const z20 = fe();
  const z50 = fe();
  const z100 = fe();
  const t = fe();
  sqr(z2, z);
  squareTimes(t, z2, 2);
  mul(z9, t, z);
  mul(z11, z9, z2);
  sqr(t, z11);
  mul(z5, t, z9);
  squareTimes(t, z5, 5);
  mul(z10, t, z5);
  squareTimes(t, z10, 10);
  mul(z20, t, z10);
  squareTimes(t, z20, 20);
  mul(t, t, z20); // 2^40 − 1
  squareTimes(t, t, 10);
  mul(z50, t, z10);
  squareTimes(t, z50, 50);
  mul(z100, t, z50);
  squareTimes(t, z100, 100);
  mul(t, t, z100); // 2^200 − 1
  squareTimes(t, t, 50);
  mul(t, t, z50); // 2^250 − 1
  return { t, z11 };
}

/** o = z^(p − 2) = z^(2^255 − 21) = 1/z (and 0 for z = 0). */
export function invert(o: Fe, z: Fe): void {
  const { t, z11 } = pow22501(z);
  squareTimes(t, t, 5); // 2^255 − 32
  mul(o, t, z11);
}

/** o = z^((p − 5)/8) = z^(2^252 − 3): the exponent of RFC 8032 §5.1.3's square root. */
export function pow2523(o: Fe, z: Fe): void {
  const { t } = pow22501(z);
  squareTimes(t, t, 2); // 2^252 − 4
  mul(o, t, z);
}

/** Swaps a and b when bit is 1, with the same arithmetic either way. */
export function cswap(a: Fe, b: Fe, bit: number): void {
  for (let i = 0; i < 16; i++) {
    const t = bit * (a[i]! - b[i]!);
    a[i]! -= t;
    b[i]! += t;
  }
}

/** RFC 7748 §5 decodeUCoordinate: little-endian, the top bit masked; values ≥ p are accepted. */
export function unpack(bytes: Uint8Array): Fe {
  const o = fe();
  for (let i = 0; i < 16; i++) o[i] = bytes[2 * i]! | (bytes[2 * i + 1]! << 8);
  o[15]! &= 0x7fff;
  return o;
}

/** The canonical 32-byte encoding (the value reduced below p). */
export function pack(a: Fe): Uint8Array {
  const t = Float64Array.from(a);
  carry(t);
  carry(t);
  carry(t);
  // Now 0 ≤ t < 2^256 < 2p + 38: two conditional subtractions of p leave it below p.
  const m = fe();
  for (let round = 0; round < 2; round++) {
    let borrow = 0;
    for (let i = 0; i < 16; i++) {
      const limbOfP = i === 0 ? 0xffed : i === 15 ? 0x7fff : 0xffff;
      const d = t[i]! - limbOfP - borrow;
      borrow = d < 0 ? 1 : 0;
      m[i] = d + borrow * 65536;
    }
    cswap(t, m, 1 - borrow); // t − p ≥ 0: keep it
  }
  const out = new Uint8Array(32);
  for (let i = 0; i < 16; i++) {
    out[2 * i] = t[i]! & 0xff;
    out[2 * i + 1] = t[i]! >> 8;
  }
  return out;
}

/** Whether a and b are the same element (compared canonically). */
export function equal(a: Fe, b: Fe): boolean {
  return equalBytes(pack(a), pack(b));
}

/** Whether a is zero (mod p). */
export function isZero(a: Fe): boolean {
  let bits = 0;
  for (const byte of pack(a)) bits |= byte;
  return bits === 0;
}

/** RFC 8032 §5.1.2's sign of x: whether its canonical value is odd ("negative"). */
export function isNegative(a: Fe): number {
  return pack(a)[0]! & 1;
}

/**
 * A copy of 32 scalar bytes clamped as both Curve25519 uses do it (RFC 7748 §5
 * decodeScalar25519, RFC 8032 §5.1.5): the low 3 bits and the top bit cleared, bit 254 set.
 */
export function clampScalar(bytes: Uint8Array): Uint8Array {
  const k = Uint8Array.from(bytes);
  k[0]! &= 248;
  k[31]! &= 127;
  k[31]! |= 64;
  return k;
}
