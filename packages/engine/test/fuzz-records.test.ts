/**
 * Property tests (fast-check): mutated records of a valid handshake, fed to each endpoint.
 *
 * A valid in-process exchange (TLS 1.3; TLS 1.2 ECDHE-ECDSA; TLS 1.3 with HelloRetryRequest,
 * a required client certificate and record padding), handshake plus one request and one answer, is recorded
 * with seeded randomness. Because a seeded endpoint is deterministic, a fresh endpoint of the same
 * seed fed the other side's recorded records walks the same path — so one record of that
 * stream can be mutated (bit flips, truncation, length fields, content types, insertions,
 * deletions, reordering, duplication — and, inside protected records, changes to the
 * plaintext re-sealed with the record's own key and nonce, so they reach the handshake
 * parsers behind the AEAD) and the endpoint's reaction observed. Every case must
 * end in one of:
 *   - a completed handshake (the mutation was harmless, e.g. a dropped middlebox CCS);
 *   - a fatal alert from errors.ts's table (never internal_error, which means a bug) and the
 *     Closed state, after which more input is ignored without throwing;
 *   - waiting for more bytes (the mutation made the stream shorter than announced);
 * and never an exception out of the endpoint; a sent alert must be on the wire. Bit flips
 * inside a protected record's body (nonce, ciphertext, tag) must give exactly bad_record_mac
 * (RFC 8446 §5.2, RFC 5246 §6.2.3.3). Any chunking of an unmutated stream must connect.
 * About 3600 mutated streams in all (FUZZ_CASES=n sets the count per endpoint and version).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, createServer } from '../src/index';
import type { ClientConfig, Endpoint, ServerConfig } from '../src/config';
import { seededRng } from '../src/crypto/rng';
import { ALERT_CODES } from '../src/errors';
import type { ProtectedRecordInfo, TlsEventBody, TlsVersionName } from '../src/events';
import { aeadSeal } from '../src/crypto/aead';
import type { AeadName } from '../src/crypto/tls13-suites';
import { privateKeyFromPem } from '../src/pki/parse';
import { makeOpensslPki, pemCertsToDer, type OpensslPki } from './interop-helpers';

/** Cases per target (endpoint × version); FUZZ_CASES overrides both. */
const CASES_13 = Number(process.env.FUZZ_CASES ?? 800);
const CASES_12 = Number(process.env.FUZZ_CASES ?? 500);
const CASES_MTLS = Number(process.env.FUZZ_CASES ?? 500);
/** Set after the certificates exist (openssl's notBefore is the second they were made). */
let NOW = new Date();
const SEED = 'fuzz-records';
const REQUEST = new TextEncoder().encode('GET / HTTP/1.1\r\nHost: server.tlslab.test\r\n\r\n');
const ANSWER = new TextEncoder().encode('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');

type Side = 'client' | 'server';

interface Observed {
  endpoint: Endpoint;
  events: TlsEventBody[];
  threw?: unknown;
  /** What the endpoint returned from the receive() call that closed it. */
  closingOutput?: Uint8Array[];
}

let pki: OpensslPki;

/** One valid exchange to mutate: how to make its endpoints, and what each side received. */
interface Flow {
  name: string;
  version: TlsVersionName;
  makeClient: (sink: (e: TlsEventBody) => void) => Endpoint;
  makeServer: (sink: (e: TlsEventBody) => void) => Endpoint;
  /** Records each side received in the valid run, in order. */
  incoming: Record<Side, Uint8Array[]>;
  /** Indices (into `incoming[side]`) of records that are AEAD-protected. */
  protectedRecords: Record<Side, Set<number>>;
  /** For protected records: the sender's protection details (key, nonce, AAD, plaintext) by index. */
  sealing: Record<Side, Map<number, ProtectedRecordInfo>>;
  /** The AEAD of the negotiated suite. */
  aead?: AeadName;
}

const flows: Flow[] = [];

/** Which records of a stream are protected: TLS 1.3 application_data records; TLS 1.2 every record after ChangeCipherSpec. */
function protectedIndices(records: Uint8Array[], version: TlsVersionName): Set<number> {
  const out = new Set<number>();
  let afterCcs = false;
  records.forEach((r, i) => {
    if (version === 'TLS 1.3' ? r[0] === 23 : afterCcs) out.add(i);
    if (r[0] === 20) afterCcs = true;
  });
  return out;
}

/** Splits a byte stream into TLS records (5-byte header + length). */
function splitRecords(bytes: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let o = 0;
  while (o + 5 <= bytes.length) {
    const len = (bytes[o + 3]! << 8) | bytes[o + 4]!;
    out.push(bytes.slice(o, o + 5 + len));
    o += 5 + len;
  }
  if (o < bytes.length) out.push(bytes.slice(o));
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const n = parts.reduce((a, p) => a + p.length, 0);
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Runs the valid exchange once, recording what each side received. */
function recordValidRun(flow: Flow): void {
  const { makeClient, makeServer, incoming } = flow;
  const alerts: string[] = [];
  const sent = new Map<string, ProtectedRecordInfo>();
  const onAlert = (e: TlsEventBody): void => {
    if (e.type === 'alert') alerts.push(`${e.side} ${e.direction} ${String(e.description)}${e.reason ? `: ${e.reason}` : ''}`);
    if (e.type === 'record' && e.direction === 'sent' && e.protected) sent.set(Buffer.from(e.bytes).toString('hex'), e.protected);
    if (e.type === 'negotiated' && e.cipherSuite) flow.aead = aeadOf(e.cipherSuite);
  };
  const c = makeClient(onAlert);
  const s = makeServer(onAlert);
  let toServer = c.start();
  let toClient: Uint8Array[] = [];
  let sentRequest = false;
  let sentAnswer = false;
  for (let round = 0; round < 20; round++) {
    if (toServer.length > 0) {
      const bytes = concat(toServer);
      incoming.server.push(...splitRecords(bytes));
      toServer = [];
      toClient.push(...s.receive(bytes));
    }
    if (s.connected && !sentAnswer && sentRequest) {
      toClient.push(...s.send(ANSWER));
      sentAnswer = true;
    }
    if (toClient.length > 0) {
      const bytes = concat(toClient);
      incoming.client.push(...splitRecords(bytes));
      toClient = [];
      toServer.push(...c.receive(bytes));
    }
    if (c.connected && !sentRequest) {
      toServer.push(...c.send(REQUEST));
      sentRequest = true;
    }
    if (sentAnswer && toServer.length === 0 && toClient.length === 0) break;
  }
  if (!c.connected || !s.connected) throw new Error(`${flow.name}: valid run did not connect: client ${c.state}, server ${s.state}; ${alerts.join('; ')}`);
  flow.protectedRecords.client = protectedIndices(incoming.client, flow.version);
  flow.protectedRecords.server = protectedIndices(incoming.server, flow.version);
  for (const side of ['client', 'server'] as const) {
    incoming[side].forEach((r, i) => {
      const info = sent.get(Buffer.from(r).toString('hex'));
      if (info) flow.sealing[side].set(i, info);
    });
  }
}

/** Offsets of a plaintext handshake record's length-bearing headers: the record's and each message's. */
function handshakeHeaderBytes(record: Uint8Array): Set<number> {
  const out = new Set([0, 1, 2, 3, 4]);
  for (let o = 5; o < record.length;) {
    for (let k = 0; k < 4; k++) out.add(o + k);
    if (o + 4 > record.length) break;
    o += 4 + ((record[o + 1]! << 16) | (record[o + 2]! << 8) | record[o + 3]!);
  }
  return out;
}

function aeadOf(suite: string): AeadName {
  if (suite.includes('CHACHA20')) return 'CHACHA20-POLY1305';
  return suite.includes('AES_256') ? 'AES-256-GCM' : 'AES-128-GCM';
}

/**
 * Re-protects a changed plaintext with the record's own key and nonce, so the mutation gets
 * past the AEAD and reaches the parsers behind it (as a man in the middle holding the keys
 * would). TLS 1.3: AAD = the new record header (RFC 8446 §5.2). TLS 1.2: AAD = seq_num ‖
 * type ‖ version ‖ plaintext length (RFC 5246 §6.2.3.3), explicit nonce kept (RFC 5288).
 */
function reseal(flow: Flow, original: Uint8Array, info: ProtectedRecordInfo, plaintext: Uint8Array): Uint8Array {
  const aead = flow.aead!;
  const explicit = info.explicitNonce ?? new Uint8Array(0);
  const bodyLen = explicit.length + plaintext.length + 16;
  const header = new Uint8Array([original[0]!, original[1]!, original[2]!, (bodyLen >> 8) & 0xff, bodyLen & 0xff]);
  let aad: Uint8Array;
  if (flow.version === 'TLS 1.3') aad = header;
  else {
    aad = new Uint8Array(13);
    aad.set(info.aad.subarray(0, 11));
    aad[11] = (plaintext.length >> 8) & 0xff;
    aad[12] = plaintext.length & 0xff;
  }
  const sealed = aeadSeal(aead, info.key, info.nonce, aad, plaintext);
  return concat([header, explicit, sealed]);
}

/** A fresh endpoint of `side` fed `records` (each delivered in `chunks`-sized pieces). */
function feed(flow: Flow, side: Side, records: Uint8Array[], chunk = 0): Observed {
  const events: TlsEventBody[] = [];
  const endpoint = side === 'client' ? flow.makeClient((e) => events.push(e)) : flow.makeServer((e) => events.push(e));
  const obs: Observed = { endpoint, events };
  try {
    endpoint.start();
    const stream = concat(records);
    const step = chunk <= 0 ? Math.max(1, stream.length) : chunk;
    for (let o = 0; o < stream.length; o += step) {
      const wasClosed = endpoint.closed;
      const out = endpoint.receive(stream.subarray(o, o + step));
      if (!wasClosed && endpoint.closed) obs.closingOutput = out;
    }
    // Once closed, more input must be ignored without throwing.
    if (endpoint.closed) endpoint.receive(new Uint8Array([23, 3, 3, 0, 1, 0]));
  } catch (err) {
    obs.threw = err;
  }
  return obs;
}

type Verdict = { kind: 'connected' } | { kind: 'alert'; description: string } | { kind: 'waiting'; state: string };

function verdict(o: Observed): Verdict {
  const sent = o.events.find((e) => e.type === 'alert' && e.direction === 'sent' && e.level === 'fatal');
  if (sent && sent.type === 'alert') return { kind: 'alert', description: String(sent.description) };
  const received = o.events.find((e) => e.type === 'alert' && e.direction === 'received' && e.level === 'fatal');
  if (received && received.type === 'alert') return { kind: 'alert', description: `received:${String(received.description)}` };
  if (o.endpoint.connected) return { kind: 'connected' };
  return { kind: 'waiting', state: o.endpoint.state };
}

/** The checks every case must pass. */
function checkDefined(o: Observed, what: string): Verdict {
  if (o.threw !== undefined) {
    throw new Error(`${what}: endpoint threw ${o.threw instanceof Error ? (o.threw.stack ?? o.threw.message) : String(o.threw)}`);
  }
  const v = verdict(o);
  if (v.kind === 'alert') {
    const name = v.description.replace(/^received:/, '');
    if (!(name in ALERT_CODES) && !v.description.startsWith('received:')) throw new Error(`${what}: undefined alert ${name}`);
    if (v.description === 'internal_error') {
      const a = o.events.find((e) => e.type === 'alert' && e.direction === 'sent');
      throw new Error(`${what}: internal_error (a bug): ${a && a.type === 'alert' ? a.reason : ''}`);
    }
    if (!o.endpoint.closed) throw new Error(`${what}: sent ${v.description} but is in state ${o.endpoint.state}, not Closed`);
    if (!v.description.startsWith('received:')) {
      // The alert goes on the wire: a plaintext alert record (21) or a protected one (23).
      const wire = o.closingOutput ?? [];
      if (!wire.some((r) => r.length >= 7 && (r[0] === 21 || r[0] === 23))) {
        throw new Error(`${what}: sent ${v.description} but returned no alert record`);
      }
    }
  }
  if (o.endpoint.closed && v.kind !== 'alert') {
    // Closed without a fatal alert: only a received close_notify may do that.
    const cn = o.events.some((e) => e.type === 'alert' && e.description === 'close_notify');
    if (!cn) throw new Error(`${what}: Closed without any alert`);
  }
  return v;
}

// ---------------------------------------------------------------------------------------------
// Mutations

type Mutation =
  | { op: 'flip'; rec: number; byte: number; bit: number }
  | { op: 'truncate-stream'; rec: number; keep: number }
  | { op: 'shorten'; rec: number; by: number }
  | { op: 'length'; rec: number; value: number }
  | { op: 'type'; rec: number; value: number }
  | { op: 'version'; rec: number; value: number }
  | { op: 'insert'; rec: number; type: number; body: Uint8Array }
  | { op: 'delete'; rec: number }
  | { op: 'swap'; rec: number; other: number }
  | { op: 'duplicate'; rec: number }
  | { op: 'append'; rec: number; extra: Uint8Array }
  /** Inside a protected record, re-sealed: flip a plaintext bit, cut it, extend it, or overwrite bytes. */
  | { op: 'inner'; rec: number; kind: 'flip' | 'cut' | 'extend' | 'set'; pos: number; bit: number; bytes: Uint8Array };

const mutationArb = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      op: fc.constant('inner' as const),
      rec: fc.nat(),
      kind: fc.constantFrom('flip' as const, 'flip' as const, 'cut' as const, 'extend' as const, 'set' as const),
      pos: fc.nat(),
      bit: fc.integer({ min: 0, max: 7 }),
      bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }),
    }),
  },
  { weight: 5, arbitrary: fc.record({ op: fc.constant('flip' as const), rec: fc.nat(), byte: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('truncate-stream' as const), rec: fc.nat(), keep: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('shorten' as const), rec: fc.nat(), by: fc.integer({ min: 1, max: 64 }) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('length' as const),
      rec: fc.nat(),
      value: fc.oneof(fc.integer({ min: 0, max: 0xffff }), fc.constantFrom(0, 1, 16384, 16385, 16640, 16641, 0xffff)),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('type' as const), rec: fc.nat(), value: fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(20, 21, 22, 23, 24)) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('version' as const), rec: fc.nat(), value: fc.integer({ min: 0, max: 0xffff }) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('insert' as const),
      rec: fc.nat(),
      type: fc.constantFrom(20, 21, 22, 23, 24, 0, 255),
      body: fc.uint8Array({ minLength: 0, maxLength: 64 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('delete' as const), rec: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('swap' as const), rec: fc.nat(), other: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('duplicate' as const), rec: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('append' as const), rec: fc.nat(), extra: fc.uint8Array({ minLength: 1, maxLength: 16 }) }) },
);

function setLength(r: Uint8Array, n: number): void {
  r[3] = (n >> 8) & 0xff;
  r[4] = n & 0xff;
}

/** Applies `m` to a copy of `records`; also says whether the result must be bad_record_mac. */
function mutate(flow: Flow, side: Side, m: Mutation): { out: Uint8Array[]; expectMac: boolean; mustNotWait?: boolean; where: string } {
  const records = flow.incoming[side];
  const prot = flow.protectedRecords[side];
  const out: Uint8Array[] = records.map((r) => r.slice());
  if (m.op === 'inner') {
    // Mostly records carrying handshake messages (changed application data is just other data).
    const all = [...flow.sealing[side].keys()];
    const hs = all.filter((k) => flow.sealing[side].get(k)!.innerContentType !== 'application_data');
    const pool = m.rec % 4 === 0 || hs.length === 0 ? all : hs;
    const i = pool[Math.floor(m.rec / 4) % pool.length]!;
    const info = flow.sealing[side].get(i)!;
    const pt = info.plaintext.slice();
    const pos = m.pos % pt.length;
    let next: Uint8Array;
    switch (m.kind) {
      case 'flip':
        pt[pos]! ^= 1 << m.bit;
        next = pt;
        break;
      case 'cut':
        next = pt.subarray(0, pos);
        break;
      case 'extend':
        next = concat([pt.subarray(0, pos), m.bytes, pt.subarray(pos)]);
        break;
      case 'set':
        pt.set(m.bytes.subarray(0, pt.length - pos), pos);
        next = pt;
        break;
    }
    out[i] = reseal(flow, records[i]!, info, next);
    return { out, expectMac: false, where: `protected record ${i} (${info.innerContentType}, plaintext ${pt.length} bytes) at ${pos}` };
  }
  const i = m.rec % out.length;
  const r = out[i]!;
  let expectMac = false;
  let where = `record ${i} (type ${r[0]}, ${r.length} bytes)`;
  switch (m.op) {
    case 'flip': {
      const byte = m.byte % r.length;
      r[byte]! ^= 1 << m.bit;
      where += ` byte ${byte}`;
      // A flip in the body (explicit nonce, ciphertext or tag) of a protected record.
      expectMac = prot.has(i) && byte >= 5;
      // A flip inside a plaintext handshake message (not in a record or message header, where
      // a length could now announce more bytes) must be answered, not silently waited on.
      if (!prot.has(i) && records[i]![0] === 22 && !handshakeHeaderBytes(records[i]!).has(byte)) {
        return { out, expectMac, mustNotWait: true, where };
      }
      break;
    }
    case 'truncate-stream': {
      const keep = m.keep % r.length;
      out.splice(i, out.length - i, r.subarray(0, keep));
      break;
    }
    case 'shorten': {
      const body = Math.max(0, r.length - 5 - m.by);
      const s = r.slice(0, 5 + body);
      setLength(s, body);
      out[i] = s;
      break;
    }
    case 'length':
      setLength(r, m.value);
      break;
    case 'type':
      r[0] = m.value;
      break;
    case 'version':
      r[1] = m.value >> 8;
      r[2] = m.value & 0xff;
      break;
    case 'insert': {
      const ins = new Uint8Array(5 + m.body.length);
      ins.set([m.type, 3, 3]);
      setLength(ins, m.body.length);
      ins.set(m.body, 5);
      out.splice(i, 0, ins);
      break;
    }
    case 'delete':
      out.splice(i, 1);
      break;
    case 'swap': {
      const j = m.other % out.length;
      [out[i], out[j]] = [out[j]!, out[i]!];
      break;
    }
    case 'duplicate':
      out.splice(i, 0, r.slice());
      break;
    case 'append': {
      // Extra bytes inside the record (length fixed up): a protected record fails its tag,
      // a plaintext handshake record carries trailing garbage.
      const s = new Uint8Array(r.length + m.extra.length);
      s.set(r);
      s.set(m.extra, r.length);
      setLength(s, s.length - 5);
      out[i] = s;
      expectMac = prot.has(i);
      break;
    }
  }
  return { out, expectMac, where };
}

beforeAll(() => {
  pki = makeOpensslPki();
  NOW = new Date(Date.now() + 60_000);
  const leaf = pki.server['ecdsa-p256'];
  const chain = pemCertsToDer(leaf.chainPem);
  const key = privateKeyFromPem(leaf.keyPem);
  const anchors = pemCertsToDer(pki.rootPem);
  const flow = (name: string, version: TlsVersionName, over: Partial<ClientConfig & ServerConfig>, serverOver: Partial<ServerConfig> = {}): Flow => ({
    name,
    version,
    makeClient: (sink) =>
      createClient({
        rng: seededRng(SEED, `${name}:client`),
        sink,
        now: NOW,
        serverName: 'server.tlslab.test',
        trustAnchors: anchors,
        alpn: ['http/1.1'],
        versions: [version],
        ...over,
      }),
    makeServer: (sink) =>
      createServer({
        rng: seededRng(SEED, `${name}:server`),
        sink,
        now: NOW,
        cert: { chain, key },
        alpn: ['http/1.1'],
        versions: [version],
        ...over,
        ...serverOver,
      }),
    incoming: { client: [], server: [] },
    protectedRecords: { client: new Set(), server: new Set() },
    sealing: { client: new Map(), server: new Map() },
  });
  flows.push(flow('TLS 1.3', 'TLS 1.3', {}));
  flows.push(flow('TLS 1.2 ECDHE-ECDSA', 'TLS 1.2', { cipherSuites: ['TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256'] }));
  // HelloRetryRequest (x25519 share, server only takes secp256r1) and a required client
  // certificate: CertificateRequest, the client's Certificate and CertificateVerify.
  flows.push(
    flow(
      'TLS 1.3 HRR + mutual TLS',
      'TLS 1.3',
      {
        cipherSuites: ['TLS_CHACHA20_POLY1305_SHA256'],
        groups: ['x25519', 'secp256r1'],
        keyShareGroups: ['x25519'],
        clientCert: { chain: pemCertsToDer(pki.client.chainPem), key: privateKeyFromPem(pki.client.keyPem) },
        clientAuth: 'require',
        clientTrustAnchors: anchors,
        recordPadding: 5, // RFC 8446 §5.4 zero padding in every protected record
      },
      { groups: ['secp256r1'] },
    ),
  );
  for (const f of flows) recordValidRun(f);
}, 60_000);

afterAll(() => pki?.cleanup());

const TARGETS = [
  { flow: 0, side: 'server' as const, cases: CASES_13, seed: 42 },
  { flow: 0, side: 'client' as const, cases: CASES_13, seed: 43 },
  { flow: 1, side: 'server' as const, cases: CASES_12, seed: 44 },
  { flow: 1, side: 'client' as const, cases: CASES_12, seed: 45 },
  { flow: 2, side: 'server' as const, cases: CASES_MTLS, seed: 46 },
  { flow: 2, side: 'client' as const, cases: CASES_MTLS, seed: 47 },
].map((t) => ({ ...t, label: `${['TLS 1.3', 'TLS 1.2', 'TLS 1.3 HRR + mTLS'][t.flow]!} ${t.side}` }));

describe.each(TARGETS)('mutated records fed to the $label', ({ flow: fi, side, cases, seed }) => {
  it('the unmutated stream, in any chunking, completes the handshake', () => {
    const flow = flows[fi]!;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 700 }), (chunk) => {
        const o = feed(flow, side, flow.incoming[side], chunk);
        const v = checkDefined(o, `chunk ${chunk}`);
        expect(v).toEqual({ kind: 'connected' });
      }),
      { numRuns: 25, seed: 1 },
    );
  });

  it(`ends every mutation in a defined alert, a completed handshake or a wait for more bytes`, () => {
    const flow = flows[fi]!;
    const tally = new Map<string, number>();
    fc.assert(
      fc.property(mutationArb, fc.constantFrom(0, 0, 0, 1, 7, 300), (m, chunk) => {
        const { out, expectMac, mustNotWait, where } = mutate(flow, side, m);
        const o = feed(flow, side, out, chunk);
        const what = `${flow.name} ${side} ← ${where}: ${JSON.stringify(m, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v))}`;
        const v = checkDefined(o, what);
        const key = v.kind === 'alert' ? v.description : v.kind;
        tally.set(key, (tally.get(key) ?? 0) + 1);
        if (process.env.FUZZ_DEBUG && (v.kind === 'connected' || v.kind === 'waiting')) console.log(v.kind, what);
        if (mustNotWait) expect(v.kind, `${what}: a damaged message was neither accepted nor rejected`).not.toBe('waiting');
        if (expectMac) {
          // RFC 8446 §5.2 / RFC 5246 §6.2.3.3: a record that fails to deprotect ends in bad_record_mac.
          expect(v, what).toEqual({ kind: 'alert', description: 'bad_record_mac' });
        }
      }),
      { numRuns: cases, seed },
    );
    // The mutations must actually reach the checks: several different alerts, and successes.
    const alerts = [...tally.keys()].filter((k) => k !== 'connected' && k !== 'waiting');
    expect(alerts.length, JSON.stringify([...tally])).toBeGreaterThanOrEqual(4);
    expect(tally.get('bad_record_mac') ?? 0).toBeGreaterThan(0);
    expect(tally.get('decode_error') ?? 0).toBeGreaterThan(0);
    console.log(`${flow.name} ${side}: ${cases} mutated streams →`, Object.fromEntries([...tally].sort((a, b) => b[1] - a[1])));
  });
});
