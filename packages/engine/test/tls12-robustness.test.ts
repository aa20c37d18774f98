/**
 * TLS 1.2 endpoints under mutated input (fast-check): a byte changed anywhere in any record of
 * a handshake must end in a defined alert and Closed — never an exception, never internal_error
 * (which would mean a bug: an error that is not a TlsError).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createClient } from '../src/client/client';
import type { CipherSuiteName } from '../src/config';
import { seededRng } from '../src/crypto/rng';
import type { TlsEventBody } from '../src/events';
import { generateDemoPki } from '../src/pki/demo';
import { createServer } from '../src/server/server';

const AT = new Date('2026-11-25T12:00:00Z');
const HOST = 'server.tlslab.test';
const ecPki = generateDemoPki({ seed: 'fuzz12', serverKeyType: 'ecdsa-p256', serverName: HOST, now: AT });
const rsaPki = generateDemoPki({ seed: 'fuzz12', serverKeyType: 'rsa-2048', serverName: HOST, now: AT });

function runMutated(suite: CipherSuiteName, mutate: { record: number; pos: number; xor: number; mutual: boolean }) {
  const p = suite.includes('ECDSA') ? ecPki : rsaPki;
  const ce: TlsEventBody[] = [];
  const se: TlsEventBody[] = [];
  const client = createClient({
    rng: seededRng('f', 'c'),
    sink: (e) => ce.push(e),
    trustAnchors: [p.rootDer],
    serverName: HOST,
    now: AT,
    versions: ['TLS 1.2'],
    cipherSuites: [suite],
    ...(mutate.mutual ? { clientCert: { chain: p.clientChain, key: p.clientKey } } : {}),
  });
  const server = createServer({
    rng: seededRng('f', 's'),
    sink: (e) => se.push(e),
    cert: { chain: p.serverChain, key: p.serverKey },
    now: AT,
    versions: ['TLS 1.2'],
    ...(mutate.mutual ? { clientAuth: 'require' as const, clientTrustAnchors: [p.clientRootDer] } : {}),
  });
  const q = client.start().map((bytes) => ({ from: 'client', bytes }));
  let index = 0;
  let mutated = false;
  for (let n = 0; q.length > 0 && n < 200; n++) {
    const it = q.shift()!;
    let bytes = it.bytes;
    if (index++ === mutate.record) {
      bytes = bytes.slice();
      // Not the record's version bytes (1–2): the record layer ignores them in plaintext records.
      const at = mutate.pos % bytes.length;
      bytes[at === 1 || at === 2 ? 0 : at]! ^= mutate.xor;
      mutated = true;
    }
    const to = it.from === 'client' ? server : client;
    for (const b of to.receive(bytes)) q.push({ from: it.from === 'client' ? 'server' : 'client', bytes: b });
  }
  return { client, server, ce, se, mutated };
}

const alerts = (ev: TlsEventBody[]) => ev.filter((e) => e.type === 'alert' && e.direction === 'sent').map((e) => e as { description: string; reason?: string });

describe('TLS 1.2 under mutated records', () => {
  for (const suite of ['TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', 'TLS_RSA_WITH_AES_256_GCM_SHA384', 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256'] as CipherSuiteName[]) {
    it(`${suite}: any single-byte change ends in a defined alert`, () => {
      let withAlert = 0;
      fc.assert(
        fc.property(fc.record({ record: fc.nat(8), pos: fc.nat(4000), xor: fc.integer({ min: 1, max: 255 }), mutual: fc.boolean() }), (m) => {
          const r = runMutated(suite, m);
          const all = [...alerts(r.ce), ...alerts(r.se)];
          for (const a of all) expect(a.description, a.reason).not.toBe('internal_error');
          if (!r.mutated) return;
          const where = `record ${m.record} pos ${m.pos} xor ${m.xor}`;
          // Every handshake byte is bound by the transcript (Finished) or the AEAD tag, so a
          // change never yields a handshake that both sides complete.
          expect(r.client.connected && r.server.connected, where).toBe(false);
          // Either a fatal alert closed a side, or a changed length left a side waiting for bytes.
          const fatal = all.filter((a) => a.description !== 'close_notify');
          if (fatal.length > 0) {
            withAlert++;
            expect(r.client.closed || r.server.closed, where).toBe(true);
          }
        }),
        { numRuns: 60, seed: 1205 },
      );
      // Most changes are caught by an alert (the rest changed a length and stalled the stream).
      expect(withAlert).toBeGreaterThan(30);
    });
  }
});
