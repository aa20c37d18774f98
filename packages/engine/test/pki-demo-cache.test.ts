/**
 * The demo PKI's CAs are made once per seed (and UTC day) and reused across settings changes:
 * a run with another key type or server name signs only the new leaves, and gets the same CA
 * bytes as a run from scratch would.
 */
import { describe, expect, it } from 'vitest';
import { toHex } from '../src/codec/hex';
import { clearDemoPkiCache, demoKey, generateDemoPki, prepareDemoKey, type DemoPkiOptions } from '../src/pki/demo';
import { nodeCryptoProvider } from '../src/crypto/provider-node';
import { cryptoProvider, withCryptoProvider, type CryptoProvider } from '../src/crypto/provider';

const now = new Date('2026-11-25T12:00:00Z');
const opts = (o: Partial<DemoPkiOptions>): DemoPkiOptions => ({ seed: 'ca-cache', serverKeyType: 'ecdsa-p256', serverName: 'a.test', now, ...o });

function countingSignatures(fn: () => void): number {
  const base = cryptoProvider();
  let n = 0;
  const p: CryptoProvider = { ...base, ecdsaSign: (...a) => (n++, base.ecdsaSign(...a)), ed25519Sign: (...a) => (n++, base.ed25519Sign(...a)) };
  withCryptoProvider(p, fn);
  return n;
}

describe('demo PKI: CAs made once per seed', () => {
  it('a new key type, server name or expired leaf re-signs only the leaves', () => {
    clearDemoPkiCache();
    expect(countingSignatures(() => generateDemoPki(opts({})))).toBe(5); // root, intermediate, server leaf, client root, client leaf
    expect(countingSignatures(() => generateDemoPki(opts({ serverKeyType: 'ed25519' })))).toBe(2); // server leaf, client leaf
    expect(countingSignatures(() => generateDemoPki(opts({ serverName: 'b.test' })))).toBe(2);
    expect(countingSignatures(() => generateDemoPki(opts({ expired: true })))).toBe(2);
    expect(countingSignatures(() => generateDemoPki(opts({})))).toBe(0); // the whole PKI cached
    expect(countingSignatures(() => generateDemoPki(opts({ seed: 'other' })))).toBe(5);
  });

  it('the reused CAs are byte for byte those of a PKI made from scratch', () => {
    clearDemoPkiCache();
    generateDemoPki(opts({}));
    const reused = generateDemoPki(opts({ serverKeyType: 'ed25519', serverName: 'b.test' }));
    clearDemoPkiCache();
    const fresh = generateDemoPki(opts({ serverKeyType: 'ed25519', serverName: 'b.test' }));
    expect(toHex(reused.rootDer)).toBe(toHex(fresh.rootDer));
    expect(toHex(reused.intermediateDer)).toBe(toHex(fresh.intermediateDer));
    expect(toHex(reused.clientRootDer)).toBe(toHex(fresh.clientRootDer));
    expect(reused.serverChain.map(toHex)).toEqual(fresh.serverChain.map(toHex));
    expect(reused.clientChain.map(toHex)).toEqual(fresh.clientChain.map(toHex));
  });
});

describe('demo PKI: RSA keys prepared in the background', () => {
  // node:crypto keeps the test fast; the key is the same with either provider (crypto-provider.test.ts).
  const fast = <T>(fn: () => T): T => withCryptoProvider(nodeCryptoProvider, fn);

  it('stepping to the end gives the key demoKey makes from scratch, in many small steps', () =>
    fast(() => {
      clearDemoPkiCache();
      const { step } = prepareDemoKey('prep-1', 'rsa-2048');
      let steps = 1;
      while (!step()) steps++;
      expect(steps).toBeGreaterThan(10);
      const prepared = demoKey('prep-1', 'server', 'rsa-2048');
      clearDemoPkiCache();
      const scratch = demoKey('prep-1', 'server', 'rsa-2048');
      expect(prepared.type === 'rsa' && scratch.type === 'rsa' && prepared.n === scratch.n && prepared.d === scratch.d).toBe(true);
    }));

  it('a run that needs the key half-way finishes the same work; the stepper then reports done', () =>
    fast(() => {
      clearDemoPkiCache();
      const { step } = prepareDemoKey('prep-2', 'rsa-2048');
      for (let i = 0; i < 5; i++) expect(step()).toBe(false);
      const key = demoKey('prep-2', 'server', 'rsa-2048');
      expect(step()).toBe(true);
      clearDemoPkiCache();
      const scratch = demoKey('prep-2', 'server', 'rsa-2048');
      expect(key.type === 'rsa' && scratch.type === 'rsa' && key.n === scratch.n).toBe(true);
    }));

  it('non-RSA keys are made at once', () => {
    expect(prepareDemoKey('prep-3', 'ed25519').step()).toBe(true);
  });
});
