/**
 * Property tests: any single-byte change to a presented certificate makes verification fail
 * (everything but the signature is signed; the signature must verify), and neither the verifier
 * nor the PEM reader ever throws, whatever the input. Seeds are fixed so CI is repeatable; the
 * one survivor a random run once found (the BIT STRING's unused-bits byte) has its own test, and
 * an exhaustive single-bit scan of leaf and intermediate found no other.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateDemoPki } from '../src/pki/demo';
import { children, readTlv } from '../src/pki/der';
import { parsePemBundle, toPem } from '../src/pki/parse';
import { verifyChain } from '../src/pki/verify';

const NOW = new Date('2026-11-25T12:00:00Z');

describe('mutations', () => {
  for (const t of ['ecdsa-p256', 'rsa-2048', 'ed25519'] as const) {
    it(`${t}: every single-byte change of leaf or intermediate is rejected, without throwing`, () => {
      const pki = generateDemoPki({ seed: 'mutation', serverKeyType: t, serverName: 'm.test', now: NOW });
      const base = { anchors: [pki.rootDer], at: NOW, host: 'm.test', purpose: 'server' as const };
      expect(verifyChain({ chain: pki.serverChain, ...base }).ok).toBe(true);
      fc.assert(
        fc.property(fc.nat(1), fc.nat(), fc.integer({ min: 1, max: 255 }), (which, pos, xor) => {
          const chain = pki.serverChain.map((c) => c.slice());
          const target = chain[which]!;
          target[pos % target.length]! ^= xor;
          const r = verifyChain({ chain, ...base });
          expect(r.ok).toBe(false);
          expect(r.alert).toBeDefined();
        }),
        { numRuns: 150, seed: 5280 },
      );
    });
    it(`${t}: a signatureValue BIT STRING with unused bits fails the signature check`, () => {
      // The one byte outside both tbsCertificate and the signature bits: a random property run
      // found that flipping it went unnoticed.
      const pki = generateDemoPki({ seed: 'mutation', serverKeyType: t, serverName: 'm.test', now: NOW });
      const leaf = pki.serverChain[0]!.slice();
      const signatureValue = children(leaf, readTlv(leaf, 0))[2]!;
      expect(signatureValue.tag).toBe(0x03);
      expect(leaf[signatureValue.contentStart]).toBe(0);
      leaf[signatureValue.contentStart] = 3;
      const r = verifyChain({ chain: [leaf, pki.serverChain[1]!], anchors: [pki.rootDer], at: NOW, host: 'm.test', purpose: 'server' });
      expect(r.ok).toBe(false);
      expect(r.alert).toBe('bad_certificate');
      const check = r.checks.find((c) => c.id === 'signature' && c.cert === 0);
      expect(check?.pass).toBe(false);
      expect(check?.reason).toMatch(/3 unused bits/);
    });
  }
  it('parsePemBundle never throws on arbitrary text or bytes', () => {
    const pki = generateDemoPki({ seed: 'mutation', serverKeyType: 'ecdsa-p256', serverName: 'm.test', now: NOW });
    const pem = toPem(pki.serverChain[0]!);
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), fc.nat(), fc.uint8Array({ maxLength: 300 }), (s, cut, bytes) => {
        const inputs = [s, pem.slice(0, cut % pem.length) + s, pem.replace(/[A-Za-z]/, s.slice(0, 1)), bytes, Uint8Array.of(0x30, ...bytes)];
        for (const input of inputs) {
          const b = parsePemBundle(input);
          expect(b.certificates.length + b.keys.length + b.problems.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 300, seed: 7468 },
    );
  });
});
