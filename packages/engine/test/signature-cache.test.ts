/**
 * The process-wide cache of verified certificate signatures (src/crypto/signature-cache.ts):
 * only the same key, algorithm, bytes and signature hit; a changed bit is verified afresh; a
 * hit is reported; the cache stays bounded.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { generateDemoPki } from '../src/pki/demo';
import { parseCertificate } from '../src/pki/parse';
import { verifyX509Signature } from '../src/crypto/signature';
import { clearSignatureCache, lastX509SignatureCached, MAX_ENTRIES, signatureCacheStats } from '../src/crypto/signature-cache';
import type { PublicKey } from '../src/crypto/keys';

const pki = generateDemoPki({ seed: 'sig-cache', serverKeyType: 'ecdsa-p256', serverName: 'cache.test', now: new Date('2026-11-25T12:00:00Z') });
const leaf = parseCertificate(pki.serverChain[0]!);
const inter = parseCertificate(pki.intermediateDer);
const root = parseCertificate(pki.rootDer);
const check = (tbs = leaf.tbs, sig = leaf.signature, key: PublicKey = inter.publicKey!) => verifyX509Signature(leaf.signatureAlgorithm, key, tbs, sig);

describe('signature cache', () => {
  beforeEach(() => clearSignatureCache());

  it('verifies once, then answers from the cache and says so', () => {
    expect(check()).toBe(true);
    expect(lastX509SignatureCached()).toBe(false);
    expect(check()).toBe(true);
    expect(lastX509SignatureCached()).toBe(true);
    expect(signatureCacheStats()).toMatchObject({ entries: 1, hits: 1, misses: 1 });
  });

  it('a flipped bit in the signature, in the signed bytes, or another key is a miss and fails', () => {
    expect(check()).toBe(true);
    const sig = leaf.signature.slice();
    sig[sig.length - 2]! ^= 1;
    expect(check(leaf.tbs, sig)).toBe(false);
    expect(lastX509SignatureCached()).toBe(false);
    const tbs = leaf.tbs.slice();
    tbs[tbs.length - 1]! ^= 1;
    expect(check(tbs)).toBe(false);
    expect(lastX509SignatureCached()).toBe(false);
    expect(check(leaf.tbs, leaf.signature, root.publicKey!)).toBe(false);
    expect(lastX509SignatureCached()).toBe(false);
    // and a bad signature stays bad when asked again
    expect(check(leaf.tbs, sig)).toBe(false);
    expect(lastX509SignatureCached()).toBe(true);
  });

  it(`holds at most ${MAX_ENTRIES} entries; the least recently used goes first`, () => {
    expect(check()).toBe(true);
    for (let i = 0; i < MAX_ENTRIES + 5; i++) {
      const tbs = leaf.tbs.slice();
      tbs[10] = i & 0xff;
      tbs[11] = i >> 8;
      check(tbs); // a different message each time (fails, cached as failed)
      if (i === 100) {
        check(); // touching the first entry keeps it
        expect(lastX509SignatureCached()).toBe(true);
      }
    }
    expect(signatureCacheStats().entries).toBe(MAX_ENTRIES);
    check();
    expect(lastX509SignatureCached()).toBe(true);
    const first = leaf.tbs.slice();
    first[10] = 0;
    first[11] = 0;
    check(first);
    expect(lastX509SignatureCached()).toBe(false);
  });
});
