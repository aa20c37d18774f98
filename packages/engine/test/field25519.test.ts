/**
 * GF(2^255 − 19) over 16-bit limbs (src/crypto/field25519.ts): `mul`, `sqr` and `mulSmall`
 * against bigint arithmetic mod p, on inputs whose limbs reach the documented bound (2^19 in
 * magnitude, either sign), and the bounds of their results, which the next product relies on
 * to stay exact: limbs in [0, 2^16) but limb 2, which may be off by less than 2^5.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { add, fe, mul, mulSmall, pack, sqr, sub, type Fe } from '../src/crypto/field25519';

const P = (1n << 255n) - 19n;
const LIMB_BOUND = 2 ** 19;

/** The value of an element, limbs of any sign, as a bigint mod p. */
function value(a: Fe): bigint {
  let v = 0n;
  for (let i = 15; i >= 0; i--) v = v * 65536n + BigInt(a[i]!);
  return ((v % P) + P) % P;
}

const packed = (a: Fe): bigint => {
  let v = 0n;
  const b = pack(a);
  for (let i = 31; i >= 0; i--) v = v * 256n + BigInt(b[i]!);
  return v;
};

/** Limbs in (−2^19, 2^19), with the extremes more often than chance would give them. */
const limb = fc.oneof(fc.integer({ min: -LIMB_BOUND + 1, max: LIMB_BOUND - 1 }), fc.constantFrom(-LIMB_BOUND + 1, LIMB_BOUND - 1, 0, 65535, 65536));
const element = fc.array(limb, { minLength: 16, maxLength: 16 }).map((l) => Float64Array.from(l));

function expectReduced(o: Fe): void {
  for (let i = 0; i < 16; i++) {
    const x = o[i]!;
    expect(Number.isInteger(x)).toBe(true);
    if (i === 2) {
      expect(x).toBeGreaterThan(-32);
      expect(x).toBeLessThan(65536 + 32);
    } else {
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(65536);
    }
  }
}

describe('field25519', () => {
  it('mul: a·b mod p, and a result with the documented limb bounds', () => {
    fc.assert(
      fc.property(element, element, (a, b) => {
        const o = fe();
        mul(o, a, b);
        expect(value(o)).toBe((value(a) * value(b)) % P);
        expectReduced(o);
      }),
      { numRuns: 1000 },
    );
  });

  it('sqr: a² mod p, with the same bounds', () => {
    fc.assert(
      fc.property(element, (a) => {
        const o = fe();
        sqr(o, a);
        expect(value(o)).toBe((value(a) * value(a)) % P);
        expectReduced(o);
      }),
      { numRuns: 1000 },
    );
  });

  it('mulSmall: a·k mod p for k < 2^17, with the same bounds', () => {
    fc.assert(
      fc.property(element, fc.integer({ min: 0, max: 2 ** 17 - 1 }), (a, k) => {
        const o = fe();
        mulSmall(o, a, k);
        expect(value(o)).toBe((value(a) * BigInt(k)) % P);
        expectReduced(o);
      }),
      { numRuns: 1000 },
    );
  });

  it('results feed the next product exactly: sums and differences of four products, squared, 40 rounds deep', () => {
    fc.assert(
      fc.property(element, element, (a0, b0) => {
        let a: Fe = a0;
        let b: Fe = b0;
        let va = value(a);
        let vb = value(b);
        for (let round = 0; round < 40; round++) {
          const ab = fe();
          const aa = fe();
          const bb = fe();
          const s = fe();
          mul(ab, a, b);
          sqr(aa, a);
          sqr(bb, b);
          add(s, ab, aa);
          add(s, s, bb);
          sub(s, s, ab); // limbs of s: a sum of four reduced results, at most about 2^18
          const next = fe();
          sqr(next, s);
          const vs = (va * vb + va * va + vb * vb - va * vb) % P;
          expect(value(next)).toBe((vs * vs) % P);
          expect(packed(next)).toBe((vs * vs) % P);
          a = next;
          b = aa;
          vb = (va * va) % P;
          va = (vs * vs) % P;
        }
      }),
      { numRuns: 100 },
    );
  });
});
