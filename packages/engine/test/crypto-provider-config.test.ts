/**
 * A provider per endpoint (ClientConfig.cryptoProvider / ServerConfig.cryptoProvider) and per
 * run (RunOptions.cryptoProvider): the endpoint's own provider computes its crypto, the
 * installed one stays installed, and a seeded run gives the same bytes either way.
 */
import { describe, expect, it } from 'vitest';
import { runScenario, DEFAULT_SCENARIO, type TlsEvent } from '../src/index';
import { toHex } from '../src/codec/hex';
import { createClient } from '../src/client/client';
import { createServer } from '../src/server/server';
import { cryptoProvider, type CryptoProvider } from '../src/crypto/provider';
import { nobleCryptoProvider } from '../src/crypto/provider-noble';
import { seededRng } from '../src/crypto/rng';
import { generateDemoPki } from '../src/pki/demo';
import type { Endpoint } from '../src/config';

/** A provider that delegates to noble and counts the calls made through it. */
function counting(): { provider: CryptoProvider; calls: Map<string, number> } {
  const calls = new Map<string, number>();
  const provider = new Proxy(nobleCryptoProvider, {
    get(target, key, receiver) {
      const v = Reflect.get(target, key, receiver) as unknown;
      if (typeof v !== 'function') return key === 'name' ? 'counting' : v;
      return (...args: unknown[]) => {
        calls.set(String(key), (calls.get(String(key)) ?? 0) + 1);
        return (v as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  }) as CryptoProvider;
  return { provider, calls };
}

function pump(client: Endpoint, server: Endpoint): void {
  let toServer = client.start();
  for (let i = 0; i < 20 && !(client.connected && server.connected); i++) {
    const toClient = toServer.flatMap((r) => server.receive(r));
    toServer = toClient.flatMap((r) => client.receive(r));
  }
}

describe('crypto provider in the endpoint configuration', () => {
  const at = new Date('2026-06-01T00:00:00Z');
  const pki = generateDemoPki({ seed: 'provider-config', serverKeyType: 'ecdsa-p256', serverName: 'example.com', now: at });
  const installed = cryptoProvider();

  it('each endpoint computes with its own provider; the installed one is untouched', () => {
    const c = counting();
    const s = counting();
    const client = createClient({ rng: seededRng('p', 'client'), sink: () => {}, trustAnchors: [pki.rootDer], serverName: 'example.com', now: at, cryptoProvider: c.provider });
    const server = createServer({ rng: seededRng('p', 'server'), sink: () => {}, cert: { chain: pki.serverChain, key: pki.serverKey }, now: at, cryptoProvider: s.provider });
    pump(client, server);
    expect(client.connected && server.connected).toBe(true);
    // The client verifies the server's ECDSA signatures and both sides derive keys and seal records.
    expect(c.calls.get('ecdsaVerify') ?? 0).toBeGreaterThan(0);
    expect(s.calls.get('ecdsaSign') ?? 0).toBeGreaterThan(0);
    expect(s.calls.get('ecdsaVerify') ?? 0).toBe(0);
    for (const calls of [c.calls, s.calls]) {
      expect(calls.get('hkdfExpand') ?? 0).toBeGreaterThan(0);
      expect(calls.get('aeadSeal') ?? 0).toBeGreaterThan(0);
    }
    expect(cryptoProvider()).toBe(installed);
  });

  it('RunOptions.cryptoProvider computes the whole run, with the same bytes as the installed provider', () => {
    const sc = { ...DEFAULT_SCENARIO, seed: 'provider-run', serverKeyType: 'ecdsa-p256' as const };
    const bytesOf = (events: TlsEvent[]) =>
      events
        .filter((e) => e.type === 'record')
        .map((e) => (e.type === 'record' ? toHex(e.bytes) : ''))
        .join(' ');
    const plain: TlsEvent[] = [];
    runScenario(sc, (e) => plain.push(e));
    const c = counting();
    const viaOption: TlsEvent[] = [];
    const summary = runScenario(sc, (e) => viaOption.push(e), { cryptoProvider: c.provider });
    expect(summary.ok).toBe(true);
    expect(c.calls.get('aeadSeal') ?? 0).toBeGreaterThan(0);
    expect(bytesOf(viaOption)).toBe(bytesOf(plain));
    expect(bytesOf(plain).length).toBeGreaterThan(0);
    expect(cryptoProvider()).toBe(installed);
  });
});
