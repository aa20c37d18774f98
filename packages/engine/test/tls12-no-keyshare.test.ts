/**
 * A TLS 1.2-only client computes no TLS 1.3 key share (no scalar multiplication before the
 * server has chosen anything), yet a seed gives the same ClientHello as it always has.
 */
import { describe, expect, it } from 'vitest';
import { createClient, seededRng } from '../src/index';
import { toHex } from '../src/codec/hex';
import { cryptoProvider, withCryptoProvider, type CryptoProvider } from '../src/crypto/provider';
import type { ClientConfig } from '../src/config';

function counting(): { provider: CryptoProvider; calls: () => number } {
  const base = cryptoProvider();
  let n = 0;
  const provider: CryptoProvider = {
    ...base,
    x25519PublicKey: (k) => (n++, base.x25519PublicKey(k)),
    ecPublicKey: (c, d) => (n++, base.ecPublicKey(c, d)),
  };
  return { provider, calls: () => n };
}

const hello = (cfg: Partial<ClientConfig>) => {
  const c = createClient({ rng: seededRng('no-keyshare'), sink: () => {}, trustAnchors: [], serverName: 'server.tlslab.test', ...cfg });
  return c.start();
};

describe('TLS 1.2-only ClientHello', () => {
  for (const groups of [['x25519'], ['secp256r1', 'x25519']] as const)
    it(`computes no key share (groups ${groups.join(', ')}); a TLS 1.3 offer computes one`, () => {
      const only12 = counting();
      withCryptoProvider(only12.provider, () => hello({ versions: ['TLS 1.2'], groups: [...groups] }));
      expect(only12.calls()).toBe(0);
      const with13 = counting();
      withCryptoProvider(with13.provider, () => hello({ versions: ['TLS 1.3', 'TLS 1.2'], groups: [...groups] }));
      expect(with13.calls()).toBe(1);
    });

  it('a seeded TLS 1.2 ClientHello keeps its bytes (random and session id drawn after the unused key)', () => {
    const [record] = hello({ versions: ['TLS 1.2'], groups: ['secp256r1'] });
    // Recorded before the change, when the unused secp256r1 share was still computed.
    expect(toHex(record!.subarray(11, 11 + 32))).toBe(GOLDEN_RANDOM);
    expect(record![43]).toBe(32); // legacy_session_id (middlebox compatibility), drawn after the random
    expect(toHex(record!.subarray(44, 44 + 32))).toBe(GOLDEN_SESSION_ID);
  });
});

const GOLDEN_RANDOM = '87037446af7b8b1a4b51b3845158a58c9ba2049fb745ded1ccada4e3b8039887';
const GOLDEN_SESSION_ID = '6662d5d66de1e7509668664f0592ab0718361ea32302483001e0921202ea39b5';
