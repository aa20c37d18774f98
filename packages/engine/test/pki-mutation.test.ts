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

describe('random DER mutations under both policies (property)', () => {
  it('never throw, and the verdict always matches the checks', () => {
    const pki = generateDemoPki({ seed: 'mutation', serverKeyType: 'ecdsa-p256', serverName: 'm.test', now: NOW });
    const edit = fc.record({
      which: fc.nat(2),
      kind: fc.constantFrom('xor', 'truncate', 'insert', 'delete', 'length'),
      pos: fc.nat(),
      byte: fc.integer({ min: 0, max: 255 }),
    });
    const opts = fc.record({
      policy: fc.constantFrom('webpki' as const, 'rfc5280' as const),
      purpose: fc.constantFrom('server' as const, 'client' as const),
      maxDepth: fc.integer({ min: 0, max: 3 }),
      keyExchange: fc.constantFrom(undefined, 'rsa' as const, 'ecdhe' as const, 'any' as const),
      host: fc.constantFrom(undefined, 'm.test', '127.0.0.1', '*.test', ''),
    });
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 3 }), opts, (edits, o) => {
        const certs: Uint8Array[] = [pki.serverChain[0]!.slice(), pki.serverChain[1]!.slice(), pki.rootDer.slice()];
        for (const e of edits) {
          const c = certs[e.which]!;
          const p = e.pos % Math.max(1, c.length);
          let out: Uint8Array<ArrayBufferLike>;
          if (e.kind === 'xor') {
            out = c.slice();
            out[p] = out[p]! ^ (e.byte || 1);
          } else if (e.kind === 'truncate') out = c.slice(0, p);
          else if (e.kind === 'insert') out = Uint8Array.of(...c.subarray(0, p), e.byte, ...c.subarray(p));
          else if (e.kind === 'delete') out = Uint8Array.of(...c.subarray(0, p), ...c.subarray(p + 1));
          // a length octet of some inner TLV: the likeliest place for a decoder to go wrong
          else {
            out = c.slice();
            out[Math.min(c.length - 1, 1 + (p % 64))] = e.byte;
          }
          certs[e.which] = out;
        }
        const { host, keyExchange, ...rest } = o;
        const r = verifyChain({
          chain: [certs[0]!, certs[1]!],
          anchors: [certs[2]!],
          at: NOW,
          ...rest,
          ...(host !== undefined ? { host } : {}),
          ...(keyExchange ? { keyExchange } : {}),
        });
        expect(r.policy).toBe(o.policy);
        // verifyChain's last-resort catch ("Chain processed") must never be what answered.
        expect(r.checks.filter((c) => c.title === 'Chain processed')).toEqual([]);
        expect(r.ok).toBe(r.checks.every((c) => c.pass));
        if (!r.ok) {
          expect(r.alert).toBeDefined();
          expect(r.verdict.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 300, seed: 9525 },
    );
  });
});
