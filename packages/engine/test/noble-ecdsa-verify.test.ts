/**
 * The noble provider's ECDSA verification (src/crypto/noble-ecdsa-verify.ts): a key used again
 * and again gets a precomputed table, and the verdicts stay those of @noble/curves' own verify —
 * before and after the table, for good signatures, a flipped bit, another message, another key.
 */
import { p256, p384 } from '@noble/curves/nist.js';
import { sha256, sha384 } from '@noble/hashes/sha2.js';
import { beforeEach, describe, expect, it } from 'vitest';
import { clearEcdsaKeyCache, ecdsaKeyCacheStats, HOT_AFTER, MAX_KEYS, nobleEcdsaVerify } from '../src/crypto/noble-ecdsa-verify';
import { seededRng } from '../src/crypto/rng';

const opts = { prehash: false, format: 'der', lowS: false } as const;

describe('noble ECDSA verification with hot-key tables', () => {
  beforeEach(() => clearEcdsaKeyCache());

  for (const [name, curve, hash] of [
    ['P-256 / SHA-256', p256, sha256],
    ['P-256 / SHA-384 (truncated digest)', p256, sha384],
    ['P-384 / SHA-384', p384, sha384],
  ] as const)
    it(`${name}: the same verdicts as noble's verify, before and after the key is hot`, () => {
      const rng = seededRng(name);
      const d = curve.utils.randomSecretKey(rng(curve === p256 ? 48 : 72));
      const Q = curve.getPublicKey(d, false);
      const other = curve.getPublicKey(curve.utils.randomSecretKey(rng(curve === p256 ? 48 : 72)), false);
      const cname = curve === p256 ? 'p256' : 'p384';
      for (let i = 0; i < HOT_AFTER + 3; i++) {
        const msg = hash(rng(40));
        const sig = curve.sign(msg, d, opts);
        const flipped = sig.slice();
        flipped[flipped.length - 3]! ^= 0x10;
        const cases: [Uint8Array, Uint8Array, Uint8Array][] = [
          [Q, msg, sig],
          [Q, msg, flipped],
          [Q, hash(rng(8)), sig],
          [other, msg, sig],
        ];
        for (const [key, m, s] of cases) expect(nobleEcdsaVerify(cname, key, m, s), `round ${i}`).toBe(curve.verify(s, m, key, opts));
        expect(nobleEcdsaVerify(cname, Q, msg, sig)).toBe(true);
      }
      expect(ecdsaKeyCacheStats()).toEqual({ keys: 2, precomputed: 2 });
    });

  it(`keeps at most ${MAX_KEYS} keys; a point off the curve is refused, not cached`, () => {
    const rng = seededRng('many keys');
    for (let i = 0; i < MAX_KEYS + 5; i++) {
      const d = p256.utils.randomSecretKey(rng(48));
      const msg = sha256(rng(16));
      expect(nobleEcdsaVerify('p256', p256.getPublicKey(d, false), msg, p256.sign(msg, d, opts))).toBe(true);
    }
    expect(ecdsaKeyCacheStats().keys).toBe(MAX_KEYS);
    const bad = p256.getPublicKey(p256.utils.randomSecretKey(rng(48)), false);
    bad[64]! ^= 1;
    clearEcdsaKeyCache();
    expect(nobleEcdsaVerify('p256', bad, sha256(rng(4)), new Uint8Array([0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01]))).toBe(false);
    expect(ecdsaKeyCacheStats().keys).toBe(0);
  });
});
