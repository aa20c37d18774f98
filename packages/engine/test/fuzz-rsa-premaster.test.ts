/**
 * Property test: TLS 1.2 RSA key transport is not a padding oracle (RFC 5246 §7.4.7.1).
 *
 * A valid seeded TLS 1.2 TLS_RSA_WITH_AES_128_GCM_SHA256 handshake is recorded; then the
 * EncryptedPreMasterSecret in the client's ClientKeyExchange is replaced (bit flips in the
 * ciphertext, random ciphertexts — some not even below the modulus — and well-formed PKCS#1
 * v1.5 encryptions of a premaster with the wrong version, the wrong length, or no padding
 * zero) and the rest of the client's records are fed unchanged. Whatever was wrong, the
 * server must behave exactly as for a well-formed premaster that is merely different: no
 * alert until the client's Finished, then the same alert, every time. A different alert, or an
 * alert earlier, would tell an attacker something about the padding.
 */
import { constants, createPublicKey, publicEncrypt, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, createServer } from '../src/index';
import type { Endpoint } from '../src/config';
import { seededRng } from '../src/crypto/rng';
import type { TlsEventBody } from '../src/events';
import { privateKeyFromPem } from '../src/pki/parse';
import { makeOpensslPki, pemCertsToDer, type OpensslPki } from './interop-helpers';

const SUITE = 'TLS_RSA_WITH_AES_128_GCM_SHA256' as const;
let pki: OpensslPki;
let now: Date;
let makeServer: (sink: (e: TlsEventBody) => void) => Endpoint;
/** The client's records as the server received them in the valid run. */
const toServer: Uint8Array[] = [];
/** Index of the record holding ClientKeyExchange, and where its ciphertext starts. */
let ckeIndex = -1;
let rsaPublicPem = '';

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function splitRecords(bytes: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let o = 0; o + 5 <= bytes.length;) {
    const len = (bytes[o + 3]! << 8) | bytes[o + 4]!;
    out.push(bytes.slice(o, o + 5 + len));
    o += 5 + len;
  }
  return out;
}

beforeAll(() => {
  pki = makeOpensslPki();
  now = new Date(Date.now() + 60_000);
  const pair = pki.server['rsa-2048'];
  const chain = pemCertsToDer(pair.chainPem);
  const key = privateKeyFromPem(pair.keyPem);
  rsaPublicPem = createPublicKey(pair.keyPem).export({ type: 'spki', format: 'pem' }).toString();
  makeServer = (sink) => createServer({ rng: seededRng('rsa-oracle', 'server'), sink, now, versions: ['TLS 1.2'], cipherSuites: [SUITE], cert: { chain, key } });
  const client = createClient({
    rng: seededRng('rsa-oracle', 'client'),
    sink: () => {},
    now,
    versions: ['TLS 1.2'],
    cipherSuites: [SUITE],
    serverName: 'server.tlslab.test',
    trustAnchors: pemCertsToDer(pki.rootPem),
  });
  const server = makeServer(() => {});
  let c2s = client.start();
  for (let i = 0; i < 10 && !(client.connected && server.connected); i++) {
    const bytes = concat(c2s);
    toServer.push(...splitRecords(bytes));
    c2s = client.receive(concat(server.receive(bytes)));
  }
  if (!client.connected || !server.connected) throw new Error(`valid RSA run did not connect: ${client.state} / ${server.state}`);
  ckeIndex = toServer.findIndex((r) => r[0] === 22 && r[5] === 16);
  if (ckeIndex < 0) throw new Error('no ClientKeyExchange record');
}, 60_000);

afterAll(() => pki?.cleanup());

/** The client's records with the EncryptedPreMasterSecret replaced by `ciphertext` (256 bytes). */
function withCiphertext(ciphertext: Uint8Array): Uint8Array[] {
  const recs = toServer.map((r) => r.slice());
  const r = recs[ckeIndex]!;
  // record header (5) ‖ msg_type (1) ‖ length (3) ‖ EncryptedPreMasterSecret length (2) ‖ ciphertext
  r.set(ciphertext, 11);
  return recs;
}

interface Reaction {
  alert?: string;
  /** The server's state when it sent the alert. */
  stateAtAlert?: string;
  threw?: unknown;
}

function react(records: Uint8Array[]): Reaction {
  let state = 'Start';
  const out: Reaction = {};
  const server = makeServer((e) => {
    if (e.type === 'state') state = e.to;
    if (e.type === 'alert' && e.direction === 'sent' && out.alert === undefined) {
      out.alert = String(e.description);
      out.stateAtAlert = state;
    }
  });
  try {
    for (const r of records) server.receive(r);
  } catch (err) {
    out.threw = err;
  }
  return out;
}

/** A PKCS#1 v1.5 (type 2) block around `message`, with our own padding rules, encrypted raw. */
function encryptBlock(message: Uint8Array, opts: { zeroSeparator?: boolean; blockType?: number } = {}): Uint8Array {
  const k = 256;
  const em = new Uint8Array(k);
  em[0] = 0;
  em[1] = opts.blockType ?? 2;
  const psLen = k - 3 - message.length;
  const ps = randomBytes(psLen);
  for (let i = 0; i < psLen; i++) if (ps[i] === 0) ps[i] = 1;
  em.set(ps, 2);
  em[2 + psLen] = opts.zeroSeparator === false ? 1 : 0;
  em.set(message, 3 + psLen);
  return new Uint8Array(publicEncrypt({ key: rsaPublicPem, padding: constants.RSA_NO_PADDING }, em));
}

function premaster(version: [number, number], length = 48): Uint8Array {
  const pm = new Uint8Array(randomBytes(length));
  pm[0] = version[0];
  pm[1] = version[1];
  return pm;
}

describe('TLS 1.2 RSA key transport: no padding oracle', () => {
  let baseline: Reaction;
  beforeAll(() => {
    // A well-formed premaster that is simply not the client's: the Finished check fails.
    baseline = react(withCiphertext(new Uint8Array(publicEncrypt({ key: rsaPublicPem, padding: constants.RSA_PKCS1_PADDING }, premaster([3, 3])))));
  });

  it('a merely different premaster fails at the client Finished', () => {
    expect(baseline.threw).toBeUndefined();
    expect(baseline.alert).toBeDefined();
    expect(baseline.stateAtAlert).toBe('ExpectFinished');
  });

  it('the unchanged ClientKeyExchange still connects (the harness is sound)', () => {
    const r = react(toServer);
    expect(r.alert).toBeUndefined();
    expect(r.threw).toBeUndefined();
  });

  const crafted: [string, () => Uint8Array][] = [
    ['wrong client_version in the premaster (3,1)', () => encryptBlock(premaster([3, 1]))],
    ['premaster of 47 bytes', () => encryptBlock(premaster([3, 3], 47))],
    ['premaster of 49 bytes', () => encryptBlock(premaster([3, 3], 49))],
    ['no zero byte after the padding', () => encryptBlock(premaster([3, 3]), { zeroSeparator: false })],
    ['block type 1 instead of 2', () => encryptBlock(premaster([3, 3]), { blockType: 1 })],
    ['an empty message (all padding)', () => encryptBlock(new Uint8Array(0))],
    ['all zeros', () => new Uint8Array(256)],
    ['all 0xff (not below the modulus)', () => new Uint8Array(256).fill(0xff)],
  ];

  it.each(crafted)('%s: same alert, at Finished', (_name, make) => {
    const r = react(withCiphertext(make()));
    expect(r.threw).toBeUndefined();
    expect({ alert: r.alert, at: r.stateAtAlert }).toEqual({ alert: baseline.alert, at: 'ExpectFinished' });
  });

  it('any bit flip or random ciphertext: same alert, at Finished (fast-check)', () => {
    const original = toServer[ckeIndex]!.slice(11, 11 + 256);
    fc.assert(
      fc.property(
        fc.oneof(
          fc.record({ kind: fc.constant('flip' as const), pos: fc.integer({ min: 0, max: 255 }), bit: fc.integer({ min: 0, max: 7 }) }),
          fc.record({ kind: fc.constant('random' as const), bytes: fc.uint8Array({ minLength: 256, maxLength: 256 }) }),
        ),
        (m) => {
          let ct: Uint8Array;
          if (m.kind === 'flip') {
            ct = original.slice();
            ct[m.pos]! ^= 1 << m.bit;
          } else ct = m.bytes;
          const r = react(withCiphertext(ct));
          expect(r.threw).toBeUndefined();
          expect({ alert: r.alert, at: r.stateAtAlert }).toEqual({ alert: baseline.alert, at: 'ExpectFinished' });
        },
      ),
      { numRuns: 150, seed: 7 },
    );
  });
});
