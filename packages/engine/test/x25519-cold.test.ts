/**
 * X25519 key generation in a fresh process (src/crypto/x25519.ts): the first keys come from
 * the Montgomery ladder from u = 9, later ones from Ed25519's base-point comb, built at the
 * HOT_AFTER-th key. Both give X25519(k, 9); this file runs alone, so it sees the switch.
 */
import { x25519 as nobleX25519 } from '@noble/curves/ed25519.js';
import { describe, expect, it } from 'vitest';
import { toHex } from '../src/codec/hex';
import { baseCombBuilt } from '../src/crypto/ed25519';
import { HOT_AFTER } from '../src/crypto/hot-keys';
import { x25519PublicKey } from '../src/crypto/x25519';

describe('X25519 key generation, cold and hot', () => {
  it('the ladder for the first keys, the comb from the HOT_AFTER-th on, the same public keys', () => {
    expect(baseCombBuilt()).toBe(false);
    for (let i = 0; i < HOT_AFTER + 3; i++) {
      const k = new Uint8Array(32).map((_, j) => (i * 37 + j * 11 + 5) & 255);
      expect(baseCombBuilt()).toBe(i >= HOT_AFTER);
      expect(toHex(x25519PublicKey(k))).toBe(toHex(nobleX25519.getPublicKey(k)));
    }
    expect(baseCombBuilt()).toBe(true);
  });
});
