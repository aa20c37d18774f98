/**
 * X25519 (src/crypto/x25519.ts, the noble provider's): RFC 7748 §5.2 and §6.1, the whole
 * Wycheproof x25519 suite (twist points, non-canonical and low-order public keys, edge-case
 * scalars) through both providers, and agreement with @noble/curves on random inputs.
 */
import { readFileSync } from 'node:fs';
import { x25519 as nobleX25519 } from '@noble/curves/ed25519.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../src/codec/hex';
import { x25519, x25519PublicKey } from '../src/crypto/x25519';
import { nobleCryptoProvider } from '../src/crypto/provider-noble';
import { nodeCryptoProvider } from '../src/crypto/provider-node';

interface Vector {
  tcId: number;
  comment: string;
  flags: string[];
  public: string;
  private: string;
  shared: string;
  result: 'valid' | 'acceptable' | 'invalid';
}

const wycheproof: Vector[] = JSON.parse(readFileSync(new URL('./vectors/wycheproof/x25519_test.json', import.meta.url), 'utf8')).testGroups.flatMap(
  (g: { tests: Vector[] }) => g.tests,
);

describe('X25519 (RFC 7748)', () => {
  it('§5.2: the two single-shot vectors', () => {
    expect(
      toHex(x25519(fromHex('a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4'), fromHex('e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c'))),
    ).toBe('c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552');
    expect(
      toHex(x25519(fromHex('4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d'), fromHex('e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493'))),
    ).toBe('95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957');
  });

  it('§5.2: k = X25519(k, u) iterated 1 and 1000 times from k = u = 9', () => {
    let k = fromHex('09' + '00'.repeat(31));
    let u = k;
    for (let i = 1; i <= 1000; i++) {
      [k, u] = [x25519(k, u), k];
      if (i === 1) expect(toHex(k)).toBe('422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079');
    }
    expect(toHex(k)).toBe('684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51');
  });

  it('§6.1: Alice and Bob', () => {
    const a = fromHex('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a');
    const b = fromHex('5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb');
    expect(toHex(x25519PublicKey(a))).toBe('8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a');
    expect(toHex(x25519PublicKey(b))).toBe('de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f');
    expect(toHex(x25519(a, x25519PublicKey(b)))).toBe('4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742');
    expect(toHex(x25519(b, x25519PublicKey(a)))).toBe('4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742');
  });

  it(`Wycheproof: all ${wycheproof.length} vectors, through both providers`, () => {
    expect(wycheproof.length).toBeGreaterThan(500);
    for (const v of wycheproof) {
      const [priv, pub] = [fromHex(v.private), fromHex(v.public)];
      const expected = v.shared;
      expect(toHex(x25519(priv, pub)), `tcId ${v.tcId} ${v.comment}`).toBe(expected);
      expect(toHex(nobleCryptoProvider.x25519SharedSecret(priv, pub)), `noble tcId ${v.tcId}`).toBe(expected);
      // node:crypto (OpenSSL) refuses an all-zero result itself; the engine rejects it either way.
      if (!v.flags.includes('ZeroSharedSecret')) expect(toHex(nodeCryptoProvider.x25519SharedSecret(priv, pub)), `node tcId ${v.tcId}`).toBe(expected);
    }
  });

  it('agrees with @noble/curves on random scalars and u-coordinates', () => {
    const bytes32 = fc.uint8Array({ minLength: 32, maxLength: 32 });
    fc.assert(
      fc.property(bytes32, bytes32, (k, u) => {
        expect(toHex(x25519PublicKey(k))).toBe(toHex(nobleX25519.getPublicKey(k)));
        let expected: string;
        try {
          expected = toHex(nobleX25519.getSharedSecret(k, u));
        } catch {
          expected = '00'.repeat(32); // noble throws where the result is all zeros
        }
        expect(toHex(x25519(k, u))).toBe(expected);
      }),
      { numRuns: 200 },
    );
  });

  it('refuses inputs that are not 32 bytes', () => {
    expect(() => x25519(new Uint8Array(31), new Uint8Array(32))).toThrow(/32-byte/);
    expect(() => x25519(new Uint8Array(32), new Uint8Array(33))).toThrow(/32-byte/);
  });
});
