/**
 * Issue 10, "the last alerts": the conversations a third-party TLS test suite still caught.
 * Each case sends the same bytes to an endpoint and checks the alert it answers with (level and
 * description) — or, for a declined renegotiation, that the connection goes on. The server cases
 * run again against `tlslab serve` over TCP (last-alerts-serve.test.ts), which must then serve
 * the next connection.
 */
import { describe, expect, it } from 'vitest';
import { concatBytes, utf8 } from '../src/codec/hex';
import type { ClientConfig, ServerConfig } from '../src/config';
import { TLS13_SUITES } from '../src/crypto/tls13-suites';
import type { TlsEventBody } from '../src/events';
import { encodeHandshake } from '../src/msgs/handshake';
import { Protection13 } from '../src/record/tls13';
import { Tls12RecordProtection } from '../src/record/tls12';
import { TLS12_SUITES } from '../src/crypto/tls12-suites';
import { handshake, makePair, pki, pump, type Pair } from './tls13-helpers';
import { decodeRecordMessage, editedClientHello, hsMsg, rec, sealAs, BOTH, TLS12_ONLY, type ClientHello, type ServerHello } from './last-alerts-helpers';

type Alert = { level: string; description: string };

function alerts(events: TlsEventBody[], direction: 'sent' | 'received'): Alert[] {
  return events.flatMap((e) => (e.type === 'alert' && e.direction === direction ? [{ level: e.level, description: String(e.description) }] : []));
}

const fatal = (description: string): Alert[] => [{ level: 'fatal', description }];
const warning = (description: string): Alert[] => [{ level: 'warning', description }];

function secret(events: TlsEventBody[], name: string): Uint8Array {
  const e = events.find((x) => x.type === 'secret' && x.name === name);
  if (!e || e.type !== 'secret') throw new Error(`no secret ${name}`);
  return e.value;
}

function negotiatedSuite(events: TlsEventBody[]): string {
  const e = events.find((x) => x.type === 'negotiated' && x.cipherSuite);
  if (!e || e.type !== 'negotiated') throw new Error('no suite');
  return e.cipherSuite!;
}

/** The first record the client protects (its handshake keys in TLS 1.3, right after its CCS in TLS 1.2), sealed from the server's view of the keys. */
function firstClientProtected(serverEvents: TlsEventBody[], version: 'TLS 1.3' | 'TLS 1.2', type: number, content: Uint8Array, padding = 0): Uint8Array {
  const name = negotiatedSuite(serverEvents);
  if (version === 'TLS 1.3') {
    const suite = TLS13_SUITES.find((s) => s.name === name)!;
    return new Protection13(suite, secret(serverEvents, 'client_handshake_write_key'), secret(serverEvents, 'client_handshake_write_iv'), 'k').seal(type, content, padding).bytes;
  }
  const suite = TLS12_SUITES.find((s) => s.name === name)!;
  return new Tls12RecordProtection(suite, secret(serverEvents, 'client_write_key'), secret(serverEvents, 'client_write_IV'), 'client_write_key').seal(type, content).bytes;
}

function connectedPair(opts: { client?: Partial<ClientConfig>; server?: Partial<ServerConfig>; seed?: string } = {}): Pair {
  const p = makePair(opts);
  handshake(p);
  expect(p.client.connected && p.server.connected).toBe(true);
  return p;
}

/** Application data both ways, after whatever happened: the connection still works. */
function expectExchange(p: Pair): void {
  for (const r of p.client.send(utf8.encode('ping'))) for (const b of p.server.receive(r)) p.client.receive(b);
  expect(utf8.decode(p.server.readAppData())).toBe('ping');
  for (const r of p.server.send(utf8.encode('pong'))) p.client.receive(r);
  expect(utf8.decode(p.client.readAppData())).toBe('pong');
}

/** Feeds `bytes` to a fresh server and returns what it wrote back. */
function serverAnswer(bytes: Uint8Array, server: Partial<ServerConfig> = BOTH): { out: Uint8Array; pair: Pair } {
  const pair = makePair({ server });
  pair.server.start();
  return { out: concatBytes(...pair.server.receive(bytes)), pair };
}

describe('1. legacy_version 0x0300 or lower in a hello → protocol_version (RFC 8446 §D.5)', () => {
  for (const v of [0x0300, 0x0000, 0x0102, 0x0200, 0x0002]) {
    for (const [label, server] of [
      ['TLS 1.3 server', {}],
      ['TLS 1.2 + 1.3 server', BOTH],
      ['TLS 1.2 server', TLS12_ONLY],
    ] as const) {
      it(`ClientHello.legacy_version 0x${v.toString(16).padStart(4, '0')} with supported_versions {1.3, 1.2} → ${label} sends fatal protocol_version`, () => {
        const { out, pair } = serverAnswer(
          editedClientHello((ch) => void (ch.legacyVersion = v)),
          server,
        );
        expect(alerts(pair.serverEvents, 'sent')).toEqual(fatal('protocol_version'));
        // The bytes on the wire: one plaintext alert record, level 2, description 70.
        expect([...out]).toEqual([...rec(21, [2, 70])]);
        expect(pair.server.closed).toBe(true);
      });
    }
  }

  it('a second ClientHello (after a HelloRetryRequest) with legacy_version 0x0300 → fatal protocol_version', () => {
    const p = makePair({ client: { groups: ['x25519', 'secp256r1'], keyShareGroups: ['secp256r1'] }, server: { groups: ['x25519'] } });
    const hrr = p.client.start().flatMap((r) => p.server.receive(r));
    expect(p.server.state).toBe('ExpectSecondClientHello');
    const ch2 = hrr.flatMap((r) => p.client.receive(r)).find((r) => r[0] === 22)!;
    const m = decodeRecordMessage(ch2) as ClientHello;
    m.legacyVersion = 0x0300;
    p.server.receive(rec(22, encodeHandshake(m).bytes));
    expect(alerts(p.serverEvents, 'sent')).toEqual(fatal('protocol_version'));
  });

  it('legacy_version 0x0301 (above SSL 3.0) with supported_versions offering 1.3 still negotiates TLS 1.3', () => {
    const p = makePair({ server: BOTH, client: BOTH });
    p.server.start();
    const ch = editedClientHello((c) => void (c.legacyVersion = 0x0301));
    p.server.receive(ch);
    expect(alerts(p.serverEvents, 'sent')).toEqual([]);
    expect(p.serverEvents.some((e) => e.type === 'negotiated' && e.version === 'TLS 1.3')).toBe(true);
  });

  /** The server's first record (ServerHello or HelloRetryRequest) with its legacy_version changed, fed to the client. */
  function clientGetsServerHello(v: number, opts: { client?: Partial<ClientConfig>; server?: Partial<ServerConfig> }): Pair {
    const p = makePair(opts);
    const flight = p.client.start().flatMap((r) => p.server.receive(r));
    const sh = decodeRecordMessage(flight[0]!) as ServerHello;
    sh.legacyVersion = v;
    p.client.receive(rec(22, encodeHandshake(sh).bytes));
    return p;
  }

  for (const v of [0x0300, 0x0000, 0x0200]) {
    const hex = `0x${v.toString(16).padStart(4, '0')}`;
    it(`client: a TLS 1.3 ServerHello with legacy_version ${hex} → fatal protocol_version`, () => {
      const p = clientGetsServerHello(v, {});
      expect(alerts(p.clientEvents, 'sent')).toEqual(fatal('protocol_version'));
    });
    it(`client: a HelloRetryRequest with legacy_version ${hex} → fatal protocol_version`, () => {
      const p = clientGetsServerHello(v, { client: { groups: ['x25519', 'secp256r1'], keyShareGroups: ['secp256r1'] }, server: { groups: ['x25519'] } });
      expect(p.clientEvents.some((e) => e.type === 'handshake' && e.name === 'HelloRetryRequest')).toBe(true);
      expect(alerts(p.clientEvents, 'sent')).toEqual(fatal('protocol_version'));
    });
    it(`client: a TLS 1.2 ServerHello with legacy_version ${hex} → fatal protocol_version`, () => {
      const p = clientGetsServerHello(v, { client: BOTH, server: TLS12_ONLY });
      expect(alerts(p.clientEvents, 'sent')).toEqual(fatal('protocol_version'));
    });
  }
});

describe('2. an empty alert record → unexpected_message (RFC 8446 §5.1, RFC 5246 §6.2.1)', () => {
  it('server: a plaintext zero-length alert instead of ClientHello → fatal unexpected_message', () => {
    const { out, pair } = serverAnswer(rec(21, []));
    expect(alerts(pair.serverEvents, 'sent')).toEqual(fatal('unexpected_message'));
    expect([...out]).toEqual([...rec(21, [2, 10])]);
  });

  it('client: a plaintext zero-length alert instead of ServerHello → fatal unexpected_message', () => {
    const p = makePair();
    p.client.start();
    p.client.receive(rec(21, []));
    expect(alerts(p.clientEvents, 'sent')).toEqual(fatal('unexpected_message'));
  });

  for (const padding of [0, 1, 12]) {
    it(`server, TLS 1.3 handshake keys: an alert with no content${padding ? ` and ${padding} bytes of padding` : ''} → fatal unexpected_message`, () => {
      const p = makePair();
      p.client.start().forEach((r) => p.server.receive(r));
      expect(p.server.state).toBe('ExpectClientFinished');
      p.server.receive(firstClientProtected(p.serverEvents, 'TLS 1.3', 21, new Uint8Array(0), padding));
      expect(alerts(p.serverEvents, 'sent')).toEqual(fatal('unexpected_message'));
    });
    it(`server and client, TLS 1.3 application keys: an empty alert${padding ? ` with ${padding} bytes of padding` : ''} → fatal unexpected_message`, () => {
      const p = connectedPair();
      sealAs(p.client, 21, new Uint8Array(0), padding).forEach((r) => p.server.receive(r));
      expect(alerts(p.serverEvents, 'sent')).toEqual(fatal('unexpected_message'));
      const q = connectedPair();
      sealAs(q.server, 21, new Uint8Array(0), padding).forEach((r) => q.client.receive(r));
      expect(alerts(q.clientEvents, 'sent')).toEqual(fatal('unexpected_message'));
    });
  }

  for (const padding of [0, 3]) {
    it(`client, TLS 1.3 handshake keys: an empty alert${padding ? ' with padding' : ''} where EncryptedExtensions belongs → fatal unexpected_message`, () => {
      const p = makePair();
      const flight = p.client.start().flatMap((r) => p.server.receive(r));
      p.client.receive(flight[0]!); // the ServerHello record: the client now reads with the server's handshake keys
      expect(p.client.state).toBe('ExpectEncryptedExtensions');
      const suite = TLS13_SUITES.find((s) => s.name === negotiatedSuite(p.serverEvents))!;
      const sealer = new Protection13(suite, secret(p.serverEvents, 'server_handshake_write_key'), secret(p.serverEvents, 'server_handshake_write_iv'), 'k');
      p.client.receive(sealer.seal(21, new Uint8Array(0), padding).bytes);
      expect(alerts(p.clientEvents, 'sent')).toEqual(fatal('unexpected_message'));
    });
  }

  it('server, TLS 1.2: an empty alert as the first protected record (after the client CCS) → fatal unexpected_message', () => {
    const p = makePair({ client: TLS12_ONLY, server: TLS12_ONLY });
    let protectedRecord: Uint8Array | undefined;
    pump(p, p.client.start(), (from, r) => {
      // Replace the client's Finished (its first protected record) with an empty alert under the same key.
      if (from === 'client' && p.server.state === 'ExpectFinished' && r[0] === 22)
        return (protectedRecord = firstClientProtected(p.serverEvents, 'TLS 1.2', 21, new Uint8Array(0)));
      return r;
    });
    expect(protectedRecord).toBeDefined();
    expect(alerts(p.serverEvents, 'sent')).toEqual(fatal('unexpected_message'));
  });

  it('server and client, TLS 1.2 application keys: an empty alert → fatal unexpected_message', () => {
    const p = connectedPair({ client: TLS12_ONLY, server: TLS12_ONLY });
    sealAs(p.client, 21, new Uint8Array(0)).forEach((r) => p.server.receive(r));
    expect(alerts(p.serverEvents, 'sent')).toEqual(fatal('unexpected_message'));
    const q = connectedPair({ client: TLS12_ONLY, server: TLS12_ONLY });
    sealAs(q.server, 21, new Uint8Array(0)).forEach((r) => q.client.receive(r));
    expect(alerts(q.clientEvents, 'sent')).toEqual(fatal('unexpected_message'));
  });
});

describe('3. a handshake message of the wrong type → unexpected_message, before its body is parsed', () => {
  const bodies: [string, number[]][] = [
    ['an empty body', []],
    ['a 3-byte body', [0x03, 0x03, 0x00]],
    ['a 40-byte 0xff body', new Array(40).fill(0xff)],
  ];
  // Where ClientHello belongs: every other type (the issue lists 2, 4, 5, 8, 11, 13, 15, 24).
  for (const t of [2, 4, 5, 8, 11, 13, 15, 24, 0, 12, 14, 16, 20, 254]) {
    for (const [label, body] of bodies) {
      it(`server: type ${t} with ${label} where ClientHello belongs → fatal unexpected_message (TLS 1.3, 1.2 and both)`, () => {
        for (const server of [{}, BOTH, TLS12_ONLY]) {
          const { out, pair } = serverAnswer(rec(22, hsMsg(t, body)), server);
          expect(alerts(pair.serverEvents, 'sent')).toEqual(fatal('unexpected_message'));
          expect([...out]).toEqual([...rec(21, [2, 10])]);
        }
      });
    }
  }

  for (const t of [1, 4, 5, 8, 11, 12, 13, 14, 15, 16, 20, 24]) {
    it(`client: type ${t} with a 3-byte body where ServerHello belongs → fatal unexpected_message`, () => {
      for (const client of [{}, BOTH]) {
        const p = makePair({ client });
        p.client.start();
        p.client.receive(rec(22, hsMsg(t, [0x03, 0x03, 0x00])));
        expect(alerts(p.clientEvents, 'sent')).toEqual(fatal('unexpected_message'));
      }
    });
  }

  it('server, TLS 1.2: a malformed Finished where ClientKeyExchange belongs → unexpected_message (not decode_error)', () => {
    const p = makePair({ client: TLS12_ONLY, server: TLS12_ONLY });
    p.client.start().forEach((r) => p.server.receive(r));
    expect(p.server.state).toBe('ExpectClientKeyExchange');
    p.server.receive(rec(22, hsMsg(20, [1])));
    expect(alerts(p.serverEvents, 'sent')).toEqual(fatal('unexpected_message'));
  });

  it('client, TLS 1.2: a malformed ServerHelloDone where Certificate belongs → unexpected_message', () => {
    const p = makePair({ client: TLS12_ONLY, server: TLS12_ONLY });
    const flight = p.client.start().flatMap((r) => p.server.receive(r));
    // Only the ServerHello of the first flight, then a ServerHelloDone with a body.
    const first = flight[0]!;
    const shLen = (first[6]! << 16) | (first[7]! << 8) | first[8]!;
    p.client.receive(rec(22, first.subarray(5, 5 + 4 + shLen)));
    p.client.receive(rec(22, hsMsg(14, [1, 2])));
    expect(alerts(p.clientEvents, 'sent')).toEqual(fatal('unexpected_message'));
  });

  it('server, TLS 1.3: a malformed Certificate where Finished belongs → unexpected_message', () => {
    const p = makePair();
    p.client.start().forEach((r) => p.server.receive(r));
    p.server.receive(firstClientProtected(p.serverEvents, 'TLS 1.3', 22, hsMsg(11, [9])));
    expect(alerts(p.serverEvents, 'sent')).toEqual(fatal('unexpected_message'));
  });
});

describe('4. renegotiation in TLS 1.2 is declined with a warning no_renegotiation; the connection goes on', () => {
  function renegotiationHello(p: Pair, withInfo: boolean): Uint8Array {
    const fin = p.clientEvents.find((e) => e.type === 'handshake' && e.direction === 'sent' && e.name === 'Finished');
    if (!fin || fin.type !== 'handshake') throw new Error('no Finished');
    const verifyData = fin.bytes.subarray(4);
    const ch = decodeRecordMessage(makePair({ client: TLS12_ONLY, seed: 'r' }).client.start()[0]!) as ClientHello;
    ch.cipherSuites = ch.cipherSuites.filter((s) => s !== 0x00ff);
    ch.extensions = ch.extensions.filter((e) => e.type !== 'renegotiation_info');
    // RFC 5746 §3.5: a secure renegotiation carries the client's previous verify_data.
    if (withInfo) ch.extensions.push({ type: 'renegotiation_info', renegotiatedConnection: verifyData });
    return encodeHandshake(ch).bytes;
  }

  for (const withInfo of [true, false]) {
    it(`server: a ClientHello after the handshake ${withInfo ? 'with renegotiation_info (RFC 5746)' : 'without renegotiation_info'} → warning no_renegotiation, then application data both ways`, () => {
      const p = connectedPair({ client: TLS12_ONLY, server: TLS12_ONLY });
      const answer = sealAs(p.client, 22, renegotiationHello(p, withInfo)).flatMap((r) => p.server.receive(r));
      expect(alerts(p.serverEvents, 'sent')).toEqual(warning('no_renegotiation'));
      expect(p.server.state).toBe('Connected');
      expect(p.server.closed).toBe(false);
      // Our client takes the warning and goes on (RFC 5246 §7.2.2: the requester decides).
      answer.forEach((r) => p.client.receive(r));
      expect(alerts(p.clientEvents, 'received')).toEqual(warning('no_renegotiation'));
      expect(p.client.connected).toBe(true);
      expectExchange(p);
    });
  }

  it('server: the ClientHello split across two records is declined once', () => {
    const p = connectedPair({ client: TLS12_ONLY, server: TLS12_ONLY });
    const ch = renegotiationHello(p, true);
    const answer = [...sealAs(p.client, 22, ch.slice(0, 10)), ...sealAs(p.client, 22, ch.slice(10))].flatMap((r) => p.server.receive(r));
    expect(alerts(p.serverEvents, 'sent')).toEqual(warning('no_renegotiation'));
    answer.forEach((r) => p.client.receive(r));
    expectExchange(p);
  });

  it('client: a HelloRequest after the handshake → warning no_renegotiation (RFC 5246 §7.4.1.1), and the server goes on', () => {
    const p = connectedPair({ client: TLS12_ONLY, server: TLS12_ONLY });
    const answer = sealAs(p.server, 22, hsMsg(0, [])).flatMap((r) => p.client.receive(r));
    expect(alerts(p.clientEvents, 'sent')).toEqual(warning('no_renegotiation'));
    expect(p.client.connected).toBe(true);
    answer.forEach((r) => p.server.receive(r));
    expect(alerts(p.serverEvents, 'received')).toEqual(warning('no_renegotiation'));
    expect(p.server.connected).toBe(true);
    expectExchange(p);
  });

  it('client: a HelloRequest during the handshake is ignored (RFC 5246 §7.4.1.1) and the handshake completes', () => {
    const p = makePair({ client: TLS12_ONLY, server: TLS12_ONLY });
    const flight = p.client.start().flatMap((r) => p.server.receive(r));
    const out = [...flight.flatMap((r) => p.client.receive(r)), ...p.client.receive(rec(22, hsMsg(0, [])))];
    expect(p.client.state).toBe('ExpectChangeCipherSpec');
    expect(alerts(p.clientEvents, 'sent')).toEqual([]);
    pump(p, out);
    expect(p.client.connected && p.server.connected).toBe(true);
    expectExchange(p);
  });

  it('client: a HelloRequest before the ServerHello is ignored when TLS 1.2 is offered; with only TLS 1.3 it is unexpected_message', () => {
    for (const client of [TLS12_ONLY, BOTH]) {
      const p = makePair({ client, server: TLS12_ONLY });
      const ch = p.client.start();
      expect(p.client.receive(rec(22, hsMsg(0, [])))).toEqual([]);
      expect(alerts(p.clientEvents, 'sent')).toEqual([]);
      pump(p, ch);
      expect(p.client.connected && p.server.connected).toBe(true);
    }
    const q = makePair();
    q.client.start();
    q.client.receive(rec(22, hsMsg(0, [])));
    expect(alerts(q.clientEvents, 'sent')).toEqual(fatal('unexpected_message'));
  });

  it('a HelloRequest with a body is a decode_error; a ClientHello after a TLS 1.3 handshake stays unexpected_message', () => {
    const p = connectedPair({ client: TLS12_ONLY, server: TLS12_ONLY });
    sealAs(p.server, 22, hsMsg(0, [1])).forEach((r) => p.client.receive(r));
    expect(alerts(p.clientEvents, 'sent')).toEqual(fatal('decode_error'));
    const q = connectedPair();
    const ch13 = encodeHandshake(decodeRecordMessage(makePair().client.start()[0]!)).bytes;
    sealAs(q.client, 22, ch13).forEach((r) => q.server.receive(r));
    expect(alerts(q.serverEvents, 'sent')).toEqual(fatal('unexpected_message'));
  });
});

describe('5. a change_cipher_spec that is not the single byte 1 → unexpected_message', () => {
  for (const [label, body] of [
    ['two bytes 01 01', [1, 1]],
    ['zero bytes', []],
    ['the value 2', [2]],
  ] as const) {
    it(`TLS 1.2 server: ${label} where the client's ChangeCipherSpec belongs → fatal unexpected_message`, () => {
      const p = makePair({ client: TLS12_ONLY, server: TLS12_ONLY });
      pump(p, p.client.start(), (from, r) => (from === 'client' && r[0] === 20 ? rec(20, [...body]) : r));
      expect(alerts(p.serverEvents, 'sent')).toEqual(fatal('unexpected_message'));
    });
    it(`TLS 1.2 client: ${label} where the server's ChangeCipherSpec belongs → fatal unexpected_message`, () => {
      const p = makePair({ client: TLS12_ONLY, server: TLS12_ONLY });
      pump(p, p.client.start(), (from, r) => (from === 'server' && r[0] === 20 ? rec(20, [...body]) : r));
      expect(alerts(p.clientEvents, 'sent')).toEqual(fatal('unexpected_message'));
    });
    it(`TLS 1.3 server: ${label} after the ClientHello → fatal unexpected_message`, () => {
      const p = makePair();
      p.client.start().forEach((r) => p.server.receive(r));
      p.server.receive(rec(20, [...body]));
      expect(alerts(p.serverEvents, 'sent')).toEqual(fatal('unexpected_message'));
    });
  }

  it('a client offering only TLS 1.2: a CCS before ServerHello → fatal unexpected_message; one offering TLS 1.3 drops it (RFC 8446 §5)', () => {
    const p = makePair({ client: TLS12_ONLY });
    p.client.start();
    p.client.receive(rec(20, [1]));
    expect(alerts(p.clientEvents, 'sent')).toEqual(fatal('unexpected_message'));
    const q = makePair({ client: BOTH });
    q.client.start();
    expect(q.client.receive(rec(20, [1]))).toEqual([]);
    expect(alerts(q.clientEvents, 'sent')).toEqual([]);
    expect(q.client.closed).toBe(false);
  });

  it('TLS 1.3 client: a two-byte CCS after the ServerHello → fatal unexpected_message', () => {
    const p = makePair();
    const flight = p.client.start().flatMap((r) => p.server.receive(r));
    p.client.receive(flight[0]!); // the ServerHello record
    p.client.receive(rec(20, [1, 1]));
    expect(alerts(p.clientEvents, 'sent')).toEqual(fatal('unexpected_message'));
  });

  it('TLS 1.2 server: a two-byte CCS before ClientKeyExchange → fatal unexpected_message', () => {
    const p = makePair({ client: TLS12_ONLY, server: TLS12_ONLY });
    p.client.start().forEach((r) => p.server.receive(r));
    p.server.receive(rec(20, [1, 1]));
    expect(alerts(p.serverEvents, 'sent')).toEqual(fatal('unexpected_message'));
  });
});

describe('6. TLS 1.2 ECDSA signs with any hash the peer offers for ECDSA (RFC 5246 §7.4.1.4.1, RFC 8422 §5.1.1)', () => {
  it('a P-256 server key, a client offering only {sha384, ecdsa} (0x0503): ServerKeyExchange is signed with SHA-384 and verifies', () => {
    const p = connectedPair({ client: { ...TLS12_ONLY, signatureSchemes: ['ecdsa_secp384r1_sha384'] }, server: TLS12_ONLY });
    const ch = p.serverEvents.find((e) => e.type === 'handshake' && e.name === 'ClientHello');
    expect(ch?.type === 'handshake' && ch.summary).toBeTruthy();
    const sent = decodeRecordMessage(rec(22, (ch as Extract<TlsEventBody, { type: 'handshake' }>).bytes)) as ClientHello;
    const sa = sent.extensions.find((e) => e.type === 'signature_algorithms');
    expect(sa && 'schemes' in sa ? sa.schemes : []).toEqual([0x0503]);
    const ske = p.clientEvents.find((e) => e.type === 'handshake' && e.name === 'ServerKeyExchange');
    expect(ske?.type === 'handshake' && ske.summary.algorithm).toBe('ecdsa_secp384r1_sha384');
    expect(p.serverEvents.some((e) => e.type === 'negotiated' && e.signatureScheme === 'ecdsa_secp384r1_sha384')).toBe(true);
    expectExchange(p);
  });

  it('a P-256 client key, a server asking only for {sha384, ecdsa}: CertificateVerify is signed with SHA-384 and verifies', () => {
    const k = pki();
    expect(k.clientKey.type).toBe('ecdsa-p256');
    const p = connectedPair({
      client: { ...TLS12_ONLY, clientCert: { chain: k.clientChain, key: k.clientKey } },
      server: { ...TLS12_ONLY, clientAuth: 'require', clientTrustAnchors: [k.clientRootDer], signatureSchemes: ['ecdsa_secp384r1_sha384'] },
    });
    const cv = p.serverEvents.find((e) => e.type === 'handshake' && e.name === 'CertificateVerify');
    expect(cv?.type === 'handshake' && cv.summary.algorithm).toBe('ecdsa_secp384r1_sha384');
    expect(p.serverEvents.some((e) => e.type === 'negotiated' && e.clientAuth === 'required')).toBe(true);
    expectExchange(p);
  });

  it('TLS 1.3 still binds the curve: a P-256 key cannot answer a client offering only ecdsa_secp384r1_sha384 (handshake_failure)', () => {
    const p = makePair({ client: { signatureSchemes: ['ecdsa_secp384r1_sha384'] } });
    handshake(p);
    expect(alerts(p.serverEvents, 'sent')).toEqual(fatal('handshake_failure'));
  });
});

describe('7. no silent wait after a HelloRetryRequest: a record that does not open is bad_record_mac (RFC 8446 §4.2.10, §5.2)', () => {
  const TICKET_KEY = new Uint8Array(32).fill(7);
  const EARLY = utf8.encode('GET /early HTTP/1.1\r\n\r\n');
  const hrr = { client: { groups: ['x25519' as const, 'secp256r1' as const], keyShareGroups: ['secp256r1' as const] }, server: { groups: ['x25519' as const] } };

  function earlyAfterHrr(): Pair {
    const first = connectedPair({ seed: 'e1', server: { sessionTickets: 1, ticketKey: TICKET_KEY, maxEarlyData: 1024 } });
    const ticket = first.client.tickets[0]!;
    expect(ticket.maxEarlyDataSize).toBe(1024);
    return makePair({ seed: 'e2', client: { ...hrr.client, resume: ticket, earlyData: EARLY }, server: { ...hrr.server, ticketKey: TICKET_KEY, maxEarlyData: 1024 } });
  }

  it('after the second ClientHello, an application_data record the handshake key does not open → fatal bad_record_mac', () => {
    const p = earlyAfterHrr();
    const hrrOut = p.client.start().flatMap((r) => p.server.receive(r));
    expect(p.server.state).toBe('ExpectSecondClientHello');
    const ch2 = hrrOut.flatMap((r) => p.client.receive(r));
    ch2.forEach((r) => p.server.receive(r));
    expect(p.server.state).toBe('ExpectClientFinished');
    const out = p.server.receive(rec(23, new Uint8Array(40).fill(0x5a)));
    expect(alerts(p.serverEvents, 'sent')).toEqual(fatal('bad_record_mac'));
    expect(out.length).toBe(1);
    expect(p.server.closed).toBe(true);
  });

  it('before the second ClientHello the rejected 0-RTT records are still skipped, and the handshake completes', () => {
    const p = earlyAfterHrr();
    const hrrOut = p.client.start().flatMap((r) => p.server.receive(r));
    expect(p.server.receive(rec(23, new Uint8Array(40).fill(0x5a)))).toEqual([]);
    expect(alerts(p.serverEvents, 'sent')).toEqual([]);
    pump(p, []);
    const rest = hrrOut.flatMap((r) => p.client.receive(r));
    pump(p, rest);
    expect(p.client.connected && p.server.connected).toBe(true);
    expect(p.client.earlyData).toBe('rejected');
  });
});
