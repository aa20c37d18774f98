/**
 * Bad input to TLS 1.3 endpoints: each case ends in its RFC 8446 §6.2 alert, the Closed
 * state and a `closed` event — and `receive()` never throws.
 */
import { describe, expect, it } from 'vitest';
import { concatBytes } from '../src/codec/hex';
import { aeadSeal } from '../src/crypto/aead';
import { suite13ByName } from '../src/crypto/tls13-suites';
import type { TlsEventBody } from '../src/events';
import { decodeHandshake, encodeHandshake, type HandshakeMessage } from '../src/msgs/handshake';
import type { Extension } from '../src/msgs/extensions';
import { alertsSent, makePair, pump, type Pair } from './tls13-helpers';

function rec(type: number, body: Uint8Array, version = 0x0303): Uint8Array {
  return concatBytes(new Uint8Array([type, version >> 8, version & 0xff, body.length >> 8, body.length & 0xff]), body);
}

/** Feeds bytes and checks: no throw, the alert, Closed, a closed event. */
function expectAlert(p: Pair, side: 'client' | 'server', bytes: Uint8Array | Uint8Array[], alert: string): void {
  const ep = side === 'client' ? p.client : p.server;
  const events = side === 'client' ? p.clientEvents : p.serverEvents;
  for (const b of Array.isArray(bytes) ? bytes : [bytes]) expect(() => ep.receive(b)).not.toThrow();
  expect(alertsSent(events)).toEqual([alert]);
  expect(ep.state).toBe('Closed');
  expect(ep.closed).toBe(true);
  expect(events.some((e) => e.type === 'closed' && e.reason === 'alert-sent')).toBe(true);
}

/** Client after start(), server answered: returns the server's first records (SH, [CCS], flight). */
function serverFlight(p: Pair): Uint8Array[] {
  const ch = p.client.start();
  return ch.flatMap((r) => p.server.receive(r));
}

/** Rewrites the ServerHello record (plaintext) with `f`. */
function rewriteServerHello(recordBytes: Uint8Array, f: (m: Extract<HandshakeMessage, { legacySessionIdEcho: Uint8Array }>) => void): Uint8Array {
  const body = recordBytes.slice(5);
  const dec = decodeHandshake({ msgType: body[0]!, bytes: body, body: body.subarray(4) });
  const m = dec.msg as Extract<HandshakeMessage, { legacySessionIdEcho: Uint8Array }>;
  f(m);
  return rec(22, encodeHandshake(m).bytes);
}

/** Re-encrypts a protected record the server sent, after changing its inner plaintext. */
function tamperPlaintext(p: Pair, recordBytes: Uint8Array, f: (pt: Uint8Array) => void): Uint8Array {
  const ev = p.serverEvents.find((e) => e.type === 'record' && e.direction === 'sent' && e.bytes === recordBytes) as Extract<TlsEventBody, { type: 'record' }>;
  const info = ev.protected!;
  const pt = info.plaintext.slice();
  f(pt);
  const suite = suite13ByName('TLS_AES_128_GCM_SHA256')!;
  return concatBytes(info.aad, aeadSeal(suite.aead, info.key, info.nonce, info.aad, pt));
}

/** Encrypts a new inner plaintext with the key and nonce of a record the server sent. */
function resealAs(p: Pair, recordBytes: Uint8Array, pt: Uint8Array): Uint8Array {
  const ev = p.serverEvents.find((e) => e.type === 'record' && e.direction === 'sent' && e.bytes === recordBytes) as Extract<TlsEventBody, { type: 'record' }>;
  const info = ev.protected!;
  const len = pt.length + 16;
  const aad = new Uint8Array([23, 3, 3, len >> 8, len & 0xff]);
  return concatBytes(aad, aeadSeal('AES-128-GCM', info.key, info.nonce, aad, pt));
}

/** Offset of handshake message `type` inside a record plaintext. */
function findMsg(pt: Uint8Array, type: number): { start: number; len: number } {
  for (let o = 0; o + 4 <= pt.length;) {
    const len = (pt[o + 1]! << 16) | (pt[o + 2]! << 8) | pt[o + 3]!;
    if (pt[o] === type) return { start: o, len };
    o += 4 + len;
  }
  throw new Error('message not found');
}

const oneSuite = { client: { cipherSuites: ['TLS_AES_128_GCM_SHA256' as const] } };

describe('record layer', () => {
  it('a record longer than 2^14 + 256 → record_overflow', () => {
    const p = makePair();
    expectAlert(p, 'server', new Uint8Array([22, 3, 3, 0x41, 0x01]), 'record_overflow');
  });
  it('a plaintext handshake record longer than 2^14 → record_overflow', () => {
    const p = makePair();
    expectAlert(p, 'server', rec(22, new Uint8Array((1 << 14) + 1)), 'record_overflow');
  });
  it('an unknown content type → unexpected_message', () => {
    const p = makePair();
    expectAlert(p, 'server', rec(0x63, new Uint8Array([1, 2])), 'unexpected_message');
  });
  it('application data before any keys → unexpected_message', () => {
    const p = makePair();
    expectAlert(p, 'server', rec(23, new Uint8Array(20)), 'unexpected_message');
  });
  it('a change_cipher_spec before ClientHello → unexpected_message', () => {
    const p = makePair();
    expectAlert(p, 'server', rec(20, new Uint8Array([1])), 'unexpected_message');
  });
  it('a change_cipher_spec with a value other than 1 → unexpected_message', () => {
    const p = makePair();
    const [sh] = serverFlight(p);
    p.client.receive(sh!);
    expectAlert(p, 'client', rec(20, new Uint8Array([2])), 'unexpected_message');
  });
  it('an alert of three bytes → decode_error', () => {
    const p = makePair();
    expectAlert(p, 'server', rec(21, new Uint8Array([2, 40, 0])), 'decode_error');
  });
  it('a zero-length handshake record → unexpected_message', () => {
    const p = makePair();
    expectAlert(p, 'server', rec(22, new Uint8Array(0)), 'unexpected_message');
  });
  it('a handshake fragment interleaved with an alert → unexpected_message', () => {
    const p = makePair();
    const ch = p.client.start()[0]!;
    expectAlert(p, 'server', [rec(22, ch.slice(5, 40)), rec(21, new Uint8Array([1, 0]))], 'unexpected_message');
  });
  it('a tampered protected record → bad_record_mac', () => {
    const p = makePair();
    const flight = serverFlight(p);
    p.client.receive(flight[0]!);
    p.client.receive(flight[1]!);
    const bad = flight[2]!.slice();
    bad[bad.length - 1]! ^= 1;
    expectAlert(p, 'client', bad, 'bad_record_mac');
  });
  it('a TLSInnerPlaintext longer than 2^14 + 1 → record_overflow', () => {
    const p = makePair();
    const flight = serverFlight(p);
    p.client.receive(flight[0]!);
    p.client.receive(flight[1]!);
    const pt = new Uint8Array((1 << 14) + 2);
    pt[0] = 22;
    expectAlert(p, 'client', resealAs(p, flight[2]!, pt), 'record_overflow');
  });
  it('a protected record whose plaintext is all zeros (no content type) → unexpected_message', () => {
    const p = makePair();
    const flight = serverFlight(p);
    p.client.receive(flight[0]!);
    p.client.receive(flight[1]!);
    expectAlert(p, 'client', resealAs(p, flight[2]!, new Uint8Array(40)), 'unexpected_message');
  });
  it('a protected change_cipher_spec → unexpected_message', () => {
    const p = makePair();
    const flight = serverFlight(p);
    p.client.receive(flight[0]!);
    p.client.receive(flight[1]!);
    expectAlert(p, 'client', resealAs(p, flight[2]!, new Uint8Array([1, 20])), 'unexpected_message');
  });
  it('an unprotected handshake record after keys are in use → unexpected_message', () => {
    const p = makePair();
    const flight = serverFlight(p);
    p.client.receive(flight[0]!);
    expectAlert(p, 'client', flight[0]!, 'unexpected_message');
  });
  it('a handshake message spanning a key change (ServerHello + more in one record) → unexpected_message', () => {
    const p = makePair();
    const flight = serverFlight(p);
    const sh = flight[0]!.slice(5);
    const junk = new Uint8Array([8, 0, 0, 2, 0, 0]);
    expectAlert(p, 'client', rec(22, concatBytes(sh, junk)), 'unexpected_message');
  });
});

describe('handshake messages', () => {
  it('a ClientHello whose extensions length overruns → decode_error', () => {
    const p = makePair();
    const ch = p.client.start()[0]!.slice();
    // Last two bytes of the ClientHello header region: bump the extensions block length.
    const body = ch.slice(5);
    const extLenAt = 4 + 2 + 32 + 1 + body[4 + 2 + 32]! + 2 + ((body[4 + 2 + 32 + 1 + body[4 + 2 + 32]!]! << 8) | body[4 + 2 + 32 + 2 + body[4 + 2 + 32]!]!) + 2;
    const off = 5 + extLenAt;
    const len = ((ch[off]! << 8) | ch[off + 1]!) + 1;
    ch[off] = len >> 8;
    ch[off + 1] = len & 0xff;
    expectAlert(p, 'server', ch, 'decode_error');
  });
  it('a handshake body with trailing bytes → decode_error', () => {
    const p = makePair();
    const flight = serverFlight(p);
    const sh = flight[0]!.slice(5);
    const longer = concatBytes(sh, new Uint8Array([0]));
    const len = longer.length - 4;
    longer[1] = len >> 16;
    longer[2] = (len >> 8) & 0xff;
    longer[3] = len & 0xff;
    expectAlert(p, 'client', rec(22, longer), 'decode_error');
  });
  it('an unknown handshake type → unexpected_message', () => {
    const p = makePair();
    expectAlert(p, 'server', rec(22, new Uint8Array([0x63, 0, 0, 1, 0])), 'unexpected_message');
  });
  it('a Certificate instead of ServerHello → unexpected_message', () => {
    const p = makePair();
    p.client.start();
    expectAlert(p, 'client', rec(22, encodeHandshake({ type: 'Certificate', context: new Uint8Array(), entries: [] }).bytes), 'unexpected_message');
    expect(p.clientEvents.some((e) => e.type === 'alert' && /expected ServerHello or HelloRetryRequest, got Certificate/.test(e.reason ?? ''))).toBe(true);
  });
  it('ServerHello with a cipher suite the client did not offer → illegal_parameter', () => {
    const p = makePair(oneSuite);
    const flight = serverFlight(p);
    expectAlert(
      p,
      'client',
      rewriteServerHello(flight[0]!, (m) => (m.cipherSuite = 0x1302)),
      'illegal_parameter',
    );
  });
  it('ServerHello with a key share for a group the client sent no share for → illegal_parameter', () => {
    const p = makePair({ client: { groups: ['x25519', 'secp256r1'] } });
    const flight = serverFlight(p);
    const bad = rewriteServerHello(flight[0]!, (m) => {
      const ks = m.extensions.find((e) => e.type === 'key_share_server') as Extract<Extension, { type: 'key_share_server' }>;
      ks.share = { group: 0x0017, keyExchange: new Uint8Array(65).fill(4) };
    });
    expectAlert(p, 'client', bad, 'illegal_parameter');
  });
  it('ServerHello without key_share → missing_extension', () => {
    const p = makePair();
    const flight = serverFlight(p);
    expectAlert(
      p,
      'client',
      rewriteServerHello(flight[0]!, (m) => (m.extensions = m.extensions.filter((e) => e.type !== 'key_share_server'))),
      'missing_extension',
    );
  });
  it('ServerHello selecting a version the client did not offer → illegal_parameter', () => {
    const p = makePair();
    const flight = serverFlight(p);
    const bad = rewriteServerHello(flight[0]!, (m) => {
      m.extensions = m.extensions.map((e) => (e.type === 'supported_versions_selected' ? { ...e, version: 0x0305 } : e));
    });
    expectAlert(p, 'client', bad, 'illegal_parameter');
  });
  it('ServerHello with a wrong legacy_session_id_echo → illegal_parameter', () => {
    const p = makePair();
    const flight = serverFlight(p);
    expectAlert(
      p,
      'client',
      rewriteServerHello(flight[0]!, (m) => (m.legacySessionIdEcho = new Uint8Array(32))),
      'illegal_parameter',
    );
  });
  it('ServerHello with an extension the client never sent → unsupported_extension', () => {
    const p = makePair();
    const flight = serverFlight(p);
    expectAlert(
      p,
      'client',
      rewriteServerHello(flight[0]!, (m) => m.extensions.push({ type: 'opaque', code: 0x1234, data: new Uint8Array() })),
      'unsupported_extension',
    );
  });
  it('an all-zero (low-order) x25519 key share → illegal_parameter', () => {
    const p = makePair();
    const flight = serverFlight(p);
    const bad = rewriteServerHello(flight[0]!, (m) => {
      const ks = m.extensions.find((e) => e.type === 'key_share_server') as Extract<Extension, { type: 'key_share_server' }>;
      ks.share = { group: 0x001d, keyExchange: new Uint8Array(32) };
    });
    expectAlert(p, 'client', bad, 'illegal_parameter');
  });
  it('a secp256r1 key share that is not on the curve → illegal_parameter', () => {
    const p = makePair({ client: { groups: ['secp256r1'] }, server: { groups: ['secp256r1'] } });
    const flight = serverFlight(p);
    const bad = rewriteServerHello(flight[0]!, (m) => {
      const ks = m.extensions.find((e) => e.type === 'key_share_server') as Extract<Extension, { type: 'key_share_server' }>;
      const pt = ks.share.keyExchange.slice();
      pt[64]! ^= 1;
      ks.share = { group: 0x0017, keyExchange: pt };
    });
    expectAlert(p, 'client', bad, 'illegal_parameter');
  });
  it('a bad server Finished → decrypt_error', () => {
    const p = makePair();
    const flight = serverFlight(p);
    p.client.receive(flight[0]!);
    p.client.receive(flight[1]!);
    const bad = tamperPlaintext(p, flight[2]!, (pt) => {
      const f = findMsg(pt, 20);
      pt[f.start + 4]! ^= 1;
    });
    expectAlert(p, 'client', bad, 'decrypt_error');
  });
  it('a bad CertificateVerify signature → decrypt_error', () => {
    const p = makePair({ keyType: 'ed25519' });
    const flight = serverFlight(p);
    p.client.receive(flight[0]!);
    p.client.receive(flight[1]!);
    const bad = tamperPlaintext(p, flight[2]!, (pt) => {
      const f = findMsg(pt, 15);
      pt[f.start + 4 + f.len - 1]! ^= 1;
    });
    expectAlert(p, 'client', bad, 'decrypt_error');
  });
  it('a bad client Finished → decrypt_error at the server', () => {
    const p = makePair();
    const flight = serverFlight(p);
    const fromClient = flight.flatMap((r) => p.client.receive(r));
    const fin = fromClient[fromClient.length - 1]!;
    const ev = p.clientEvents.find((e) => e.type === 'record' && e.direction === 'sent' && e.bytes === fin) as Extract<TlsEventBody, { type: 'record' }>;
    const pt = ev.protected!.plaintext.slice();
    pt[5]! ^= 1;
    const info = ev.protected!;
    const bad = concatBytes(info.aad, aeadSeal('AES-128-GCM', info.key, info.nonce, info.aad, pt));
    for (const r of fromClient.slice(0, -1)) p.server.receive(r);
    expectAlert(p, 'server', bad, 'decrypt_error');
  });
  it('a ClientHello without key_share → missing_extension', () => {
    const p = makePair();
    const ch = p.client.start()[0]!;
    const body = ch.slice(5);
    const dec = decodeHandshake({ msgType: 1, bytes: body, body: body.subarray(4) });
    const m = dec.msg as Extract<HandshakeMessage, { type: 'ClientHello' }>;
    m.extensions = m.extensions.filter((e) => e.type !== 'key_share');
    expectAlert(p, 'server', rec(22, encodeHandshake(m).bytes, 0x0301), 'missing_extension');
  });
  it('a ClientHello without TLS 1.3 in supported_versions → protocol_version', () => {
    const p = makePair();
    const ch = p.client.start()[0]!;
    const body = ch.slice(5);
    const m = decodeHandshake({ msgType: 1, bytes: body, body: body.subarray(4) }).msg as Extract<HandshakeMessage, { type: 'ClientHello' }>;
    m.extensions = m.extensions.map((e) => (e.type === 'supported_versions' ? { ...e, versions: [0x0303] } : e));
    expectAlert(p, 'server', rec(22, encodeHandshake(m).bytes, 0x0301), 'protocol_version');
  });
  it('no common ALPN protocol → no_application_protocol', () => {
    const p = makePair({ client: { alpn: ['h2'] }, server: { alpn: ['http/1.1'] } });
    expectAlert(p, 'server', p.client.start()[0]!, 'no_application_protocol');
  });
  it('the server has no private key → internal_error with a note', () => {
    const p = makePair();
    const chain = p.server.config.cert.chain;
    (p.server.config as { cert: { chain: Uint8Array[] } }).cert = { chain };
    expectAlert(p, 'server', p.client.start()[0]!, 'internal_error');
    expect(p.serverEvents.some((e) => e.type === 'note' && /cannot sign CertificateVerify/.test(e.text))).toBe(true);
  });
});

describe('framing and chunking', () => {
  it('a handshake delivered one byte at a time completes', () => {
    const p = makePair();
    const queue: { to: 'client' | 'server'; bytes: Uint8Array }[] = p.client.start().map((bytes) => ({ to: 'server', bytes }));
    while (queue.length > 0) {
      const { to, bytes } = queue.shift()!;
      const ep = to === 'client' ? p.client : p.server;
      for (let i = 0; i < bytes.length; i++) {
        for (const out of ep.receive(bytes.subarray(i, i + 1))) queue.push({ to: to === 'client' ? 'server' : 'client', bytes: out });
      }
    }
    expect(p.client.state).toBe('Connected');
    expect(p.server.state).toBe('Connected');
  });
  it('a ClientHello split across two records, and records coalesced in one chunk, complete', () => {
    const p = makePair();
    const ch = p.client.start()[0]!;
    const body = ch.slice(5);
    const parts = concatBytes(rec(22, body.slice(0, 50), 0x0301), rec(22, body.slice(50), 0x0301));
    const out = p.server.receive(parts);
    pump(p, []);
    const back = out.flatMap((r) => p.client.receive(r));
    back.forEach((r) => p.server.receive(r));
    expect(p.client.state).toBe('Connected');
    expect(p.server.state).toBe('Connected');
  });
});
