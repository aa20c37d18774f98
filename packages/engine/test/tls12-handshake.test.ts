/** In-process TLS 1.2 handshakes between our client and server: every suite × group, RSA and ECDHE, EMS, faults. */
import { describe, expect, it } from 'vitest';
import { createClient, type TlsClient } from '../src/client/client';
import { FaultyClient, type ClientFault } from '../src/faults/faulty-client';
import { concatBytes, equalBytes, toHex, utf8 } from '../src/codec/hex';
import { encodeHandshake } from '../src/msgs/handshake';
import type { Extension } from '../src/msgs/extensions';
import type { ClientConfig, GroupName, ServerConfig } from '../src/config';
import type { ServerKeyType } from '../src/crypto/keys';
import { seededRng } from '../src/crypto/rng';
import type { TlsEventBody } from '../src/events';
import { generateDemoPki } from '../src/pki/demo';
import { createServer, type TlsServer } from '../src/server/server';
import { createFaultyServer, type ServerFault } from '../src/faults/faulty-server';
import { TLS12_SUITES, type Tls12Suite } from '../src/crypto/tls12-suites';

const AT = new Date('2026-11-25T12:00:00Z');
const HOST = 'server.tlslab.test';

interface Run {
  client: TlsClient;
  server: TlsServer;
  ce: TlsEventBody[];
  se: TlsEventBody[];
}

function pki(keyType: ServerKeyType, seed = 'tls12') {
  return generateDemoPki({ seed, serverKeyType: keyType, serverName: HOST, now: AT });
}

/** `server.faults`: the server is a FaultyServer committing them (faults/faulty-server.ts); `clientFaults`: the client is a FaultyClient (faults/faulty-client.ts). */
function makeRun(
  keyType: ServerKeyType,
  client: Partial<ClientConfig> = {},
  server: Partial<ServerConfig> & { faults?: ServerFault[] } = {},
  seed = 's',
  clientFaults: ClientFault[] = [],
): Run {
  const p = pki(keyType);
  const { faults = [], ...serverCfg } = server;
  const ce: TlsEventBody[] = [];
  const se: TlsEventBody[] = [];
  const clientCfg: ClientConfig = {
    rng: seededRng(seed, 'client'),
    sink: (e) => ce.push(e),
    trustAnchors: [p.rootDer],
    serverName: HOST,
    now: AT,
    versions: ['TLS 1.2'],
    ...client,
  };
  return {
    ce,
    se,
    client: clientFaults.length > 0 ? new FaultyClient(clientCfg, clientFaults) : createClient(clientCfg),
    server: createFaultyServer(
      { rng: seededRng(seed, 'server'), sink: (e) => se.push(e), cert: { chain: p.serverChain, key: p.serverKey }, now: AT, versions: ['TLS 1.2'], ...serverCfg },
      faults,
    ),
  };
}

type Mitm = (from: 'client' | 'server', record: Uint8Array) => Uint8Array | null;

function pump(r: Run, first: Uint8Array[], mitm?: Mitm): void {
  const q = first.map((bytes) => ({ from: 'client' as 'client' | 'server', bytes }));
  for (let n = 0; q.length > 0 && n < 500; n++) {
    const item = q.shift()!;
    const bytes = mitm ? mitm(item.from, item.bytes) : item.bytes;
    if (!bytes) continue;
    const to = item.from === 'client' ? r.server : r.client;
    for (const b of to.receive(bytes)) q.push({ from: item.from === 'client' ? 'server' : 'client', bytes: b });
  }
}

const sentAlerts = (ev: TlsEventBody[]) => ev.filter((e) => e.type === 'alert' && e.direction === 'sent').map((e) => (e as { description: string }).description);
const secrets = (ev: TlsEventBody[]) => new Map(ev.filter((e) => e.type === 'secret').map((e) => [(e as { name: string }).name, (e as { value: Uint8Array }).value]));
const handshakeNames = (ev: TlsEventBody[], dir: 'sent' | 'received') => ev.filter((e) => e.type === 'handshake' && e.direction === dir).map((e) => (e as { name: string }).name);

/** Exchanges application data both ways and closes; returns what each side received. */
function talk(r: Run): { atServer: string; atClient: string } {
  pump(r, r.client.send(utf8.encode('GET / HTTP/1.1\r\n\r\n')));
  const req = r.server.readAppData();
  const resp = r.server.send(utf8.encode('HTTP/1.1 200 OK\r\n\r\nhello'));
  for (const b of resp) r.client.receive(b);
  const atClient = utf8.decode(r.client.readAppData());
  pump(r, r.client.close());
  return { atServer: utf8.decode(req), atClient };
}

function keyTypeFor(s: Tls12Suite): ServerKeyType {
  return s.auth === 'rsa' ? 'rsa-2048' : 'ecdsa-p256';
}

describe('TLS 1.2 in-process handshakes', () => {
  for (const suite of TLS12_SUITES) {
    const groups: (GroupName | null)[] = suite.keyExchange === 'ECDHE' ? ['x25519', 'secp256r1'] : [null];
    for (const group of groups) {
      it(`${suite.name}${group ? ` over ${group}` : ''}`, () => {
        // The client offers both groups (an ECDSA certificate's curve must be among them, RFC 8422 §5.1); the server picks.
        const r = makeRun(keyTypeFor(suite), { cipherSuites: [suite.name] }, group ? { groups: [group] } : {});
        pump(r, r.client.start());
        expect(sentAlerts(r.ce)).toEqual([]);
        expect(sentAlerts(r.se)).toEqual([]);
        expect(r.client.state).toBe('Connected');
        expect(r.server.state).toBe('Connected');
        const neg = r.ce.filter((e) => e.type === 'negotiated');
        expect(neg).toContainEqual(expect.objectContaining({ version: 'TLS 1.2', cipherSuite: suite.name, keyExchange: suite.keyExchange, extendedMasterSecret: true }));
        if (group) expect(neg).toContainEqual(expect.objectContaining({ group }));
        // The flights as RFC 5246 §7.3 draws them.
        const serverFlight = ['ServerHello', 'Certificate', ...(suite.keyExchange === 'ECDHE' ? ['ServerKeyExchange'] : []), 'ServerHelloDone', 'Finished'];
        expect(handshakeNames(r.ce, 'received')).toEqual(serverFlight);
        expect(handshakeNames(r.se, 'received')).toEqual(['ClientHello', 'ClientKeyExchange', 'Finished']);
        // Both sides derived the same secrets, independently.
        const cs = secrets(r.ce);
        const ss = secrets(r.se);
        for (const name of [
          'pre_master_secret',
          'master_secret',
          'key_block',
          'client_write_key',
          'server_write_key',
          'client_write_IV',
          'server_write_IV',
          'client_verify_data',
          'server_verify_data',
        ]) {
          expect(cs.get(name), name).toBeDefined();
          expect(toHex(cs.get(name)!), name).toBe(toHex(ss.get(name)!));
        }
        expect(cs.get('client_write_key')!.length).toBe(suite.keyLength);
        expect(cs.get('client_write_IV')!.length).toBe(suite.fixedIvLength);
        // Protected records carry the explicit nonce for GCM, none for ChaCha20.
        const prot = r.ce.find((e) => e.type === 'record' && e.direction === 'sent' && e.protected);
        expect(prot && prot.type === 'record' && prot.protected!.explicitNonce !== undefined).toBe(suite.recordIvLength === 8);
        const { atServer, atClient } = talk(r);
        expect(atServer).toBe('GET / HTTP/1.1\r\n\r\n');
        expect(atClient).toBe('HTTP/1.1 200 OK\r\n\r\nhello');
        expect(r.client.closed).toBe(true);
        expect(r.server.closed).toBe(true);
      });
    }
  }

  it('without extended master secret the master secret comes from the randoms (RFC 5246 §8.1)', () => {
    for (const side of ['client', 'server'] as const) {
      const r = makeRun('ecdsa-p256', side === 'client' ? { extendedMasterSecret: false } : {}, side === 'server' ? { extendedMasterSecret: false } : {});
      pump(r, r.client.start());
      expect(r.client.state).toBe('Connected');
      const ms = r.ce.find((e) => e.type === 'secret' && e.name === 'master_secret');
      expect(ms && ms.type === 'secret' && ms.formula).toMatch(/"master secret", ClientHello.random/);
      expect(r.ce).toContainEqual(expect.objectContaining({ type: 'negotiated', extendedMasterSecret: false }));
    }
    const r = makeRun('ecdsa-p256');
    pump(r, r.client.start());
    const ms = r.ce.find((e) => e.type === 'secret' && e.name === 'master_secret');
    expect(ms && ms.type === 'secret' && ms.formula).toMatch(/extended master secret/);
  });

  it('a HelloRequest from the server is ignored (RFC 5246 §7.4.1.1), and is not part of the transcript', () => {
    const r = makeRun('ecdsa-p256');
    let first = true;
    pump(r, r.client.start(), (from, rec) => {
      if (from !== 'server' || !first) return rec;
      first = false;
      return concatBytes(rec, new Uint8Array([22, 3, 3, 0, 4, 0, 0, 0, 0]));
    });
    expect(handshakeNames(r.ce, 'received')).toContain('HelloRequest');
    expect(r.client.state).toBe('Connected');
    expect(r.server.state).toBe('Connected');
  });

  it('the same seed gives the same bytes', () => {
    const a = makeRun('ecdsa-p256', {}, {}, 'same');
    const b = makeRun('ecdsa-p256', {}, {}, 'same');
    pump(a, a.client.start());
    pump(b, b.client.start());
    const wire = (ev: TlsEventBody[]) =>
      ev
        .filter((e) => e.type === 'record')
        .map((e) => toHex((e as { bytes: Uint8Array }).bytes))
        .join('|');
    expect(wire(a.ce)).toBe(wire(b.ce));
  });

  it('Bleichenbacher: a corrupted premaster makes the server continue with a random one; the handshake fails at Finished, not with a padding alert', () => {
    const r = makeRun('rsa-2048', { cipherSuites: ['TLS_RSA_WITH_AES_128_GCM_SHA256'] }, {}, 's', ['tls12-corrupt-premaster']);
    pump(r, r.client.start());
    // The server decrypted the ClientKeyExchange without any complaint on the wire…
    const notes = r.se.filter((e) => e.type === 'note').map((e) => (e as { text: string }).text);
    expect(notes.some((t) => /Bleichenbacher countermeasure/.test(t))).toBe(true);
    expect(handshakeNames(r.se, 'received')).toContain('ClientKeyExchange');
    // …and its premaster differs from the client's, so the client's Finished record does not open.
    expect(toHex(secrets(r.ce).get('pre_master_secret')!)).not.toBe(toHex(secrets(r.se).get('pre_master_secret')!));
    expect(sentAlerts(r.se)).toEqual(['bad_record_mac']);
    expect(sentAlerts(r.se)).not.toContain('decode_error');
    expect(r.server.closed).toBe(true);
    expect(r.client.closed).toBe(true);
  });

  it('a tampered ciphertext ends with bad_record_mac; a bad server Finished with decrypt_error', () => {
    let r = makeRun('ecdsa-p256');
    let flipped = false;
    pump(r, r.client.start(), (from, rec) => {
      if (from === 'server' && rec[0] === 22 && !flipped && r.client.state === 'ExpectFinished') {
        const c = rec.slice();
        c[c.length - 1]! ^= 1;
        flipped = true;
        return c;
      }
      return rec;
    });
    expect(flipped).toBe(true);
    expect(sentAlerts(r.ce)).toEqual(['bad_record_mac']);
    r = makeRun('ecdsa-p256', {}, { faults: ['tls12-bad-finished'] });
    pump(r, r.client.start());
    expect(sentAlerts(r.ce)).toEqual(['decrypt_error']);
  });

  it('a corrupted ServerKeyExchange signature is decrypt_error', () => {
    const r = makeRun('rsa-2048', { cipherSuites: ['TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256'] }, { faults: ['tls12-bad-signature'] });
    pump(r, r.client.start());
    expect(sentAlerts(r.ce)).toEqual(['decrypt_error']);
  });

  it("RFC 8422 §5.1: no ECDSA suite when the client's supported_groups lacks the certificate's curve", () => {
    let r = makeRun('ecdsa-p256', { groups: ['x25519'] });
    pump(r, r.client.start());
    expect(sentAlerts(r.se)).toEqual(['handshake_failure']);
    // The RSA suites remain possible with an RSA certificate and an x25519-only client.
    r = makeRun('rsa-2048', { groups: ['x25519'] });
    pump(r, r.client.start());
    expect(r.client.state).toBe('Connected');
  });

  it('no common suite is handshake_failure; an ECDSA certificate cannot serve RSA key transport', () => {
    const r = makeRun('ecdsa-p256', { cipherSuites: ['TLS_RSA_WITH_AES_128_GCM_SHA256'] });
    pump(r, r.client.start());
    expect(sentAlerts(r.se)).toEqual(['handshake_failure']);
    expect(r.client.closed).toBe(true);
  });
});

describe('TLS 1.2 version negotiation and the downgrade sentinel', () => {
  it('a client offering 1.2 and 1.3 meets a 1.2-only server', () => {
    const r = makeRun('ecdsa-p256', { versions: ['TLS 1.3', 'TLS 1.2'] }, { versions: ['TLS 1.2'] });
    pump(r, r.client.start());
    expect(r.client.state).toBe('Connected');
    expect(r.ce).toContainEqual(expect.objectContaining({ type: 'negotiated', version: 'TLS 1.2' }));
    const sh = r.ce.find((e) => e.type === 'handshake' && e.name === 'ServerHello');
    expect(toHex((sh as { bytes: Uint8Array }).bytes.subarray(6 + 24, 6 + 32))).not.toBe('444f574e47524401');
  });

  it('a client offering 1.2 and 1.3 meets a 1.3-only server', () => {
    const r = makeRun('ecdsa-p256', { versions: ['TLS 1.3', 'TLS 1.2'] }, { versions: ['TLS 1.3'] });
    pump(r, r.client.start());
    expect(r.client.state).toBe('Connected');
    expect(r.ce).toContainEqual(expect.objectContaining({ type: 'negotiated', version: 'TLS 1.3' }));
  });

  it('a 1.3-capable server negotiating 1.2 sets DOWNGRD\\x01; a 1.2-only client accepts it, a 1.3-capable client refuses (illegal_parameter)', () => {
    let r = makeRun('ecdsa-p256', { versions: ['TLS 1.2'] }, { versions: ['TLS 1.3', 'TLS 1.2'] });
    pump(r, r.client.start());
    expect(r.client.state).toBe('Connected');
    const sh = r.ce.find((e) => e.type === 'handshake' && e.name === 'ServerHello') as { bytes: Uint8Array };
    expect(equalBytes(sh.bytes.subarray(6 + 24, 6 + 32), utf8.encode('DOWNGRD\x01'))).toBe(true);
    // A man in the middle strips TLS 1.3 from the client's offer (supported_versions → 1.2 only).
    r = makeRun('ecdsa-p256', { versions: ['TLS 1.3', 'TLS 1.2'] }, { versions: ['TLS 1.3', 'TLS 1.2'] });
    let first = true;
    pump(r, r.client.start(), (from, rec) => {
      if (from !== 'client' || !first) return rec;
      first = false;
      return stripTls13(rec);
    });
    expect(sentAlerts(r.ce)).toEqual(['illegal_parameter']);
  });

  it('no common version is protocol_version', () => {
    const r = makeRun('ecdsa-p256', { versions: ['TLS 1.3'] }, { versions: ['TLS 1.2'] });
    pump(r, r.client.start());
    expect(sentAlerts(r.se)).toEqual(['protocol_version']);
  });
});

/** Rewrites the supported_versions extension of a ClientHello record to offer only TLS 1.2 (same length). */
function stripTls13(rec: Uint8Array): Uint8Array {
  const out = rec.slice();
  // Find supported_versions (0x002b) with a versions list, and replace 0x0304 by 0x0303.
  for (let i = 5; i + 6 < out.length; i++) {
    if (out[i] === 0x00 && out[i + 1] === 0x2b) {
      const len = (out[i + 2]! << 8) | out[i + 3]!;
      const listLen = out[i + 4]!;
      if (listLen + 1 !== len) continue;
      for (let j = i + 5; j < i + 5 + listLen; j += 2) if (out[j] === 3 && out[j + 1] === 4) out[j + 1] = 3;
      return out;
    }
  }
  throw new Error('no supported_versions in ClientHello');
}

describe('TLS 1.2 server and hand-made ClientHellos', () => {
  function clientHello(suites: number[], extra: Extension[] = []): Uint8Array {
    const ch = encodeHandshake({
      type: 'ClientHello',
      legacyVersion: 0x0303,
      random: new Uint8Array(32).fill(7),
      legacySessionId: new Uint8Array(0),
      cipherSuites: suites,
      legacyCompressionMethods: new Uint8Array([0]),
      extensions: [{ type: 'supported_groups', groups: [0x1d, 0x17] }, { type: 'signature_algorithms', schemes: [0x0403, 0x0804, 0x0401] }, ...extra],
    });
    return concatBytes(new Uint8Array([22, 3, 1, ch.bytes.length >> 8, ch.bytes.length & 0xff]), ch.bytes);
  }

  function serve(versions: ('TLS 1.2' | 'TLS 1.3')[], hello: Uint8Array): { alerts: string[]; sent: string[] } {
    const p = pki('ecdsa-p256');
    const se: TlsEventBody[] = [];
    const server = createServer({ rng: seededRng('h', 's'), sink: (e) => se.push(e), cert: { chain: p.serverChain, key: p.serverKey }, now: AT, versions });
    server.receive(hello);
    return { alerts: sentAlerts(se), sent: handshakeNames(se, 'sent') };
  }

  it('a ClientHello without supported_versions (a TLS 1.2-only client) gets TLS 1.2', () => {
    expect(serve(['TLS 1.3', 'TLS 1.2'], clientHello([0xc02b])).sent).toEqual(['ServerHello', 'Certificate', 'ServerKeyExchange', 'ServerHelloDone']);
  });

  it('TLS_FALLBACK_SCSV to a server that speaks TLS 1.3 is inappropriate_fallback (RFC 7507)', () => {
    expect(serve(['TLS 1.3', 'TLS 1.2'], clientHello([0xc02b, 0x5600])).alerts).toEqual(['inappropriate_fallback']);
    expect(serve(['TLS 1.2'], clientHello([0xc02b, 0x5600])).alerts).toEqual([]);
  });

  it('renegotiation_info must be empty on an initial handshake (RFC 5746 §3.6); ec_point_formats must include uncompressed (RFC 8422 §5.1.2)', () => {
    expect(serve(['TLS 1.2'], clientHello([0xc02b], [{ type: 'renegotiation_info', renegotiatedConnection: new Uint8Array(12) }])).alerts).toEqual(['handshake_failure']);
    expect(serve(['TLS 1.2'], clientHello([0xc02b], [{ type: 'ec_point_formats', formats: [1] }])).alerts).toEqual(['illegal_parameter']);
  });

  it('an SSL 3.0 / TLS 1.0 ClientHello is protocol_version', () => {
    const hello = clientHello([0xc02b]);
    hello[9] = 3;
    hello[10] = 1; // client_version 3,1 (TLS 1.0)
    expect(serve(['TLS 1.2'], hello).alerts).toEqual(['protocol_version']);
  });
});
