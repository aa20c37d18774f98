/**
 * The certificate report says when a signature check was answered by the process-wide cache
 * of verified signatures (src/crypto/signature-cache.ts), and a tampered chain is never a hit.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { generateDemoPki } from '../src/pki/demo';
import { verifyChain } from '../src/pki/verify';
import { clearSignatureCache } from '../src/crypto/signature-cache';

const at = new Date('2026-11-25T12:00:00Z');
const pki = generateDemoPki({ seed: 'report-cache', serverKeyType: 'ed25519', serverName: 'cache.test', now: at });
const verify = (chain: Uint8Array[]) => verifyChain({ chain, anchors: [pki.rootDer], at, host: 'cache.test', purpose: 'server' });
const signatureChecks = (r: ReturnType<typeof verify>) => r.checks.filter((c) => c.id === 'signature');

describe('certificate report: cached signatures', () => {
  beforeEach(() => clearSignatureCache());

  it('first verification checks each signature; the second says "signature checked earlier, cached"', () => {
    const first = verify(pki.serverChain);
    expect(first.ok).toBe(true);
    expect(signatureChecks(first).length).toBe(2);
    for (const c of signatureChecks(first)) {
      expect(c.cached).toBeUndefined();
      expect(c.reason).not.toMatch(/cached/);
    }
    const second = verify(pki.serverChain);
    expect(second.ok).toBe(true);
    for (const c of signatureChecks(second)) {
      expect(c.pass).toBe(true);
      expect(c.cached).toBe(true);
      expect(c.reason).toMatch(/signature checked earlier, cached/);
    }
  });

  it('a leaf whose signature was changed is verified afresh and fails', () => {
    verify(pki.serverChain);
    const leaf = pki.serverChain[0]!.slice();
    leaf[leaf.length - 3]! ^= 1; // inside the signature value
    const r = verify([leaf, pki.serverChain[1]!]);
    const leafSig = signatureChecks(r).find((c) => c.cert === 0)!;
    expect(leafSig.pass).toBe(false);
    expect(leafSig.cached).toBeUndefined();
    // the untouched intermediate's signature by the root is still a hit
    expect(signatureChecks(r).find((c) => c.cert === 1)!.cached).toBe(true);
  });
});
