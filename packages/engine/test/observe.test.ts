/**
 * The observer without live captures: every link layer (built here by wrapping the IP packets
 * of a run in Ethernet, SLL, SLL2, BSD null/loopback and raw headers; IPv4 and IPv6), TCP
 * reassembly as a property (any segmentation, reordering, duplication and ISN gives back the
 * same records), the pcapng Decryption Secrets Block, what real clients put in a ClientHello
 * (GREASE, X25519MLKEM768, ECH, ALPS, compress_certificate, padding...), a committed capture of
 * openssl and curl, and bad input (not a capture, truncated, no TLS, a key log matching nothing,
 * a file too big).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SCENARIO, runScenario, type Scenario, type TlsEvent } from '../src/index';
import { keyLogText } from '../src/keylog';
import { runToPcapng } from '../src/pcap';
import { openCapture, sizeProblem, MAX_CAPTURE_BYTES } from '../src/observe/index';
import { readCapture } from '../src/observe/capture-file';
import { Writer } from '../src/codec/writer';
import { encodeHandshake } from '../src/msgs/handshake';
import { main } from '../src/cli/main';

function run(s: Partial<Scenario> = {}): TlsEvent[] {
  const events: TlsEvent[] = [];
  runScenario({ ...DEFAULT_SCENARIO, at: '2026-11-25T12:00:00Z', seed: 'observe', ...s }, (e) => events.push(e));
  return events;
}

/** The records each side sent, as bytes, in order. */
function sentRecords(events: TlsEvent[], side: 'client' | 'server'): Uint8Array[] {
  const out: Uint8Array[] = [];
  const seen = new Set<string>();
  for (const e of events) {
    if (e.type !== 'record' || e.direction !== 'sent' || e.side !== side || seen.has(e.recordId)) continue;
    seen.add(e.recordId);
    out.push(e.bytes);
  }
  return out;
}

const concat = (parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};

// ---- building packets ------------------------------------------------------------------------

interface Seg {
  from: 'client' | 'server';
  seq: number;
  ack: number;
  flags: number;
  payload: Uint8Array;
}
const SYN = 0x02;
const ACK = 0x10;
const PSH = 0x08;

function tcp(sport: number, dport: number, s: Seg): Uint8Array {
  const t = new Uint8Array(20 + s.payload.length);
  const v = new DataView(t.buffer);
  v.setUint16(0, sport);
  v.setUint16(2, dport);
  v.setUint32(4, s.seq >>> 0);
  v.setUint32(8, s.ack >>> 0);
  t[12] = 5 << 4;
  t[13] = s.flags;
  v.setUint16(14, 65535);
  t.set(s.payload, 20);
  return t;
}

function ip(v6: boolean, from: 'client' | 'server', seg: Uint8Array): Uint8Array {
  const c = from === 'client';
  if (!v6) {
    const p = new Uint8Array(20 + seg.length);
    const v = new DataView(p.buffer);
    p[0] = 0x45;
    v.setUint16(2, p.length);
    p[8] = 64;
    p[9] = 6;
    p.set(c ? [192, 0, 2, 1] : [192, 0, 2, 2], 12);
    p.set(c ? [192, 0, 2, 2] : [192, 0, 2, 1], 16);
    p.set(seg, 20);
    return p;
  }
  const p = new Uint8Array(40 + seg.length);
  const v = new DataView(p.buffer);
  p[0] = 0x60;
  v.setUint16(4, seg.length);
  p[6] = 6;
  p[7] = 64;
  const a = new Uint8Array(16);
  a.set([0x20, 0x01, 0x0d, 0xb8]);
  const b = a.slice();
  a[15] = 1;
  b[15] = 2;
  p.set(c ? a : b, 8);
  p.set(c ? b : a, 24);
  p.set(seg, 40);
  return p;
}

/** Wraps an IP packet in a link-layer header. */
const LINKS: Record<string, { type: number; wrap: (p: Uint8Array, v6: boolean) => Uint8Array }> = {
  Ethernet: { type: 1, wrap: (p, v6) => concat([new Uint8Array(12).fill(0xaa), new Uint8Array([0x81, 0x00, 0x00, 0x07]), new Uint8Array(v6 ? [0x86, 0xdd] : [0x08, 0x00]), p]) },
  SLL: { type: 113, wrap: (p, v6) => concat([new Uint8Array([0, 0, 0, 1, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0]), new Uint8Array(v6 ? [0x86, 0xdd] : [0x08, 0x00]), p]) },
  SLL2: { type: 276, wrap: (p, v6) => concat([new Uint8Array(v6 ? [0x86, 0xdd] : [0x08, 0x00]), new Uint8Array([0, 0, 0, 0, 0, 1, 0, 1, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0]), p]) },
  'BSD null': { type: 0, wrap: (p, v6) => concat([new Uint8Array(v6 ? [30, 0, 0, 0] : [2, 0, 0, 0]), p]) },
  'OpenBSD loop': { type: 108, wrap: (p, v6) => concat([new Uint8Array(v6 ? [0, 0, 0, 24] : [0, 0, 0, 2]), p]) },
  'raw IP': { type: 101, wrap: (p) => p },
  'raw IPv4/IPv6': { type: 0, wrap: (p) => p }, // type set per version below (228 / 229)
};

/** A classic pcap (little-endian, µs). */
function pcap(linkType: number, frames: { time: number; data: Uint8Array }[]): Uint8Array {
  const head = new Uint8Array(24);
  const hv = new DataView(head.buffer);
  hv.setUint32(0, 0xa1b2c3d4, true);
  hv.setUint16(4, 2, true);
  hv.setUint16(6, 4, true);
  hv.setUint32(16, 262144, true);
  hv.setUint32(20, linkType, true);
  const parts: Uint8Array[] = [head];
  for (const f of frames) {
    const h = new Uint8Array(16);
    const v = new DataView(h.buffer);
    v.setUint32(0, Math.floor(f.time / 1000), true);
    v.setUint32(4, Math.round((f.time % 1000) * 1000), true);
    v.setUint32(8, f.data.length, true);
    v.setUint32(12, f.data.length, true);
    parts.push(h, f.data);
  }
  return concat(parts);
}

/** The TCP conversation carrying each side's records: handshake, one segment per record (or per `cuts`). */
function conversation(events: TlsEvent[], isn = { client: 1000, server: 900000 }): Seg[] {
  const segs: Seg[] = [];
  const seq = { ...isn };
  segs.push({ from: 'client', seq: seq.client, ack: 0, flags: SYN, payload: new Uint8Array(0) });
  segs.push({ from: 'server', seq: seq.server, ack: seq.client + 1, flags: SYN | ACK, payload: new Uint8Array(0) });
  seq.client++;
  seq.server++;
  const seen = new Set<string>();
  for (const e of events) {
    if (e.type !== 'record' || e.direction !== 'sent' || seen.has(`${e.side}${e.recordId}`)) continue;
    seen.add(`${e.side}${e.recordId}`);
    const other = e.side === 'client' ? 'server' : 'client';
    segs.push({ from: e.side, seq: seq[e.side] >>> 0, ack: seq[other] >>> 0, flags: PSH | ACK, payload: e.bytes });
    seq[e.side] = (seq[e.side] + e.bytes.length) % 2 ** 32;
  }
  return segs;
}

function frames(segs: Seg[], wrap: (p: Uint8Array, v6: boolean) => Uint8Array, v6: boolean): { time: number; data: Uint8Array }[] {
  return segs.map((s, i) => ({
    time: 1_764_000_000_000 + i * 1.5,
    data: wrap(ip(v6, s.from, tcp(s.from === 'client' ? 51000 : 8443, s.from === 'client' ? 8443 : 51000, s)), v6),
  }));
}

const handshakeNames = (events: TlsEvent[]) =>
  events.filter((e) => e.type === 'handshake' && e.direction === 'sent').map((e) => (e.type === 'handshake' ? `${e.side}:${e.name}` : ''));
const appData = (events: TlsEvent[], side: 'client' | 'server') =>
  Buffer.from(
    concat(events.filter((e) => e.type === 'appdata' && e.direction === 'sent' && e.side === side).map((e) => (e.type === 'appdata' ? e.data : new Uint8Array(0)))),
  ).toString('latin1');

// ---- tests -----------------------------------------------------------------------------------

describe('link layers and IP versions', () => {
  const events = run();
  const keyLog = keyLogText(events);
  for (const [name, link] of Object.entries(LINKS)) {
    for (const v6 of [false, true]) {
      it(`${name} over IPv${v6 ? 6 : 4}: the same handshake, decrypted`, () => {
        const type = name === 'raw IPv4/IPv6' ? (v6 ? 229 : 228) : link.type;
        const cap = openCapture(pcap(type, frames(conversation(events), link.wrap, v6)), { keyLog });
        expect(cap.problems).toEqual([]);
        expect(cap.connections).toHaveLength(1);
        const c = cap.connections[0]!;
        expect(c.client).toBe(v6 ? '[2001:db8::1]:51000' : '192.0.2.1:51000');
        expect(c.server).toBe(v6 ? '[2001:db8::2]:8443' : '192.0.2.2:8443');
        expect(c.serverName).toBe(DEFAULT_SCENARIO.serverName);
        const seen = cap.events(1);
        expect(handshakeNames(seen)).toEqual(handshakeNames(events));
        expect(appData(seen, 'client')).toBe(appData(events, 'client'));
        expect(appData(seen, 'server')).toBe(appData(events, 'server'));
        expect(cap.connections[0]!.decryption).toBe('decrypted');
      });
    }
  }
});

describe('TCP reassembly', () => {
  const scenarios: Partial<Scenario>[] = [{}, { version: 'TLS 1.2' }, { helloRetry: true, mutual: true }];
  const runs = scenarios.map((s) => run(s));

  it('any segmentation, reordering, duplication and initial sequence number gives the same records (fast-check, fixed seed)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: runs.length - 1 }),
        fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 40 }),
        fc.array(fc.nat(), { maxLength: 40 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        fc.constantFrom(0, 0xffffff00, 0xfffffff0, 123456789),
        (which, cuts, swaps, dups, isn) => {
          const events = runs[which]!;
          const segs = conversation(events, { client: isn, server: (isn + 0x7fff) >>> 0 });
          // Re-cut each side's byte stream into segments of the generated sizes.
          const streams = { client: concat(sentRecords(events, 'client')), server: concat(sentRecords(events, 'server')) };
          const out: Seg[] = segs.slice(0, 2);
          const base = { client: (isn + 1) >>> 0, server: (isn + 0x7fff + 1) >>> 0 };
          const pos = { client: 0, server: 0 };
          let k = 0;
          // Interleave the two directions by the order of the original records.
          for (const s of segs.slice(2)) {
            const side = s.from;
            const end = pos[side] + s.payload.length;
            while (pos[side] < end) {
              const n = Math.min(cuts[k++ % cuts.length]!, end - pos[side]);
              out.push({ from: side, seq: (base[side] + pos[side]) >>> 0, ack: 0, flags: ACK, payload: streams[side].subarray(pos[side], pos[side] + n) });
              pos[side] += n;
            }
          }
          // Duplicate some segments (retransmissions, later in the capture) and swap neighbours
          // of the same direction (out of order).
          for (const d of dups) {
            const i = 2 + (d % (out.length - 2));
            out.push(out[i]!);
          }
          for (const s of swaps) {
            const i = 2 + (s % (out.length - 3));
            if (out[i]!.from === out[i + 1]!.from) [out[i], out[i + 1]] = [out[i + 1]!, out[i]!];
          }
          const cap = openCapture(
            pcap(
              101,
              frames(out, (p) => p, false),
            ),
          );
          expect(cap.connections).toHaveLength(1);
          const seen = cap.events(1);
          for (const side of ['client', 'server'] as const) {
            const got = seen
              .filter((e) => e.type === 'record' && e.direction === 'sent' && e.side === side)
              .map((e) => (e.type === 'record' ? Buffer.from(e.bytes).toString('hex') : ''));
            expect(got).toEqual(sentRecords(events, side).map((b) => Buffer.from(b).toString('hex')));
          }
        },
      ),
      { seed: 1313, numRuns: 60 },
    );
  });

  it('a segment the capture missed: the records before it, and a clear message', () => {
    const events = run();
    const segs = conversation(events);
    const server = segs.findIndex((s, i) => i > 2 && s.from === 'server');
    const cut = segs.filter((_, i) => i !== server + 1);
    const cap = openCapture(
      pcap(
        101,
        frames(cut, (p) => p, false),
      ),
    );
    expect(cap.connections[0]!.problems.join(' ')).toMatch(/bytes the server sent are missing from the capture/);
    expect(cap.events(1).some((e) => e.type === 'handshake' && e.name === 'ServerHello')).toBe(true);
  });
});

describe('pcapng', () => {
  it('the key log in a Decryption Secrets Block is used without a key log file', () => {
    const events = run({ version: 'TLS 1.2' });
    const cap = openCapture(runToPcapng(events));
    expect(cap.keyLog.embedded).toBe(true);
    expect(cap.connections[0]!.decryption).toBe('decrypted');
    expect(appData(cap.events(1), 'client')).toBe(appData(events, 'client'));
  });

  it('0-RTT: the early data opens under client_early_traffic_secret, then the handshake keys take over', () => {
    const events = run({ resumption: true, earlyData: true });
    const cap = openCapture(runToPcapng(events));
    expect(cap.connections[0]!.decryption).toBe('decrypted');
    const seen = cap.events(1);
    const early = seen.filter((e) => e.type === 'appdata' && e.direction === 'sent' && e.phase === 'early');
    expect(early).toHaveLength(1);
    expect(appData(seen, 'client')).toBe(appData(events, 'client'));
    expect(handshakeNames(seen)).toEqual(handshakeNames(events));
    expect(seen.filter((e) => e.type === 'note' && /Finished is correct/.test(e.text))).toHaveLength(2);
  });

  it('a big-endian section and a nanosecond interface read the same', () => {
    const le = runToPcapng(run(), { startMs: 1_700_000_000_123 });
    const a = readCapture(le);
    // Rewrite the file big-endian with if_tsresol = 9 (nanoseconds).
    const blocks: Uint8Array[] = [];
    const v = new DataView(le.buffer, le.byteOffset, le.byteLength);
    for (let o = 0; o < le.length;) {
      const type = v.getUint32(o, true);
      const len = v.getUint32(o + 4, true);
      const body = le.slice(o + 8, o + len - 4);
      const bv = new DataView(body.buffer);
      let out = body;
      if (type === 0x0a0d0d0a) {
        bv.setUint32(0, bv.getUint32(0, true), false);
        bv.setUint16(4, 1, false);
        bv.setUint16(6, 0, false);
      } else if (type === 1) {
        out = new Uint8Array(8 + 8 + 4);
        const ov = new DataView(out.buffer);
        ov.setUint16(0, bv.getUint16(0, true), false);
        ov.setUint16(8, 9, false); // if_tsresol
        ov.setUint16(10, 1, false);
        out[12] = 9;
      } else if (type === 6) {
        const ts = ((BigInt(bv.getUint32(4, true)) << 32n) | BigInt(bv.getUint32(8, true))) * 1000n;
        bv.setUint32(0, bv.getUint32(0, true), false);
        bv.setUint32(4, Number(ts >> 32n), false);
        bv.setUint32(8, Number(ts & 0xffffffffn), false);
        bv.setUint32(12, bv.getUint32(12, true), false);
        bv.setUint32(16, bv.getUint32(16, true), false);
      } else if (type === 0x0a) {
        bv.setUint32(0, bv.getUint32(0, true), false);
        bv.setUint32(4, bv.getUint32(4, true), false);
      }
      const blk = new Uint8Array(12 + out.length);
      const kv = new DataView(blk.buffer);
      kv.setUint32(0, type, false);
      kv.setUint32(4, blk.length, false);
      blk.set(out, 8);
      kv.setUint32(blk.length - 4, blk.length, false);
      blocks.push(blk);
      o += len;
    }
    const b = readCapture(concat(blocks));
    expect(b.problems).toEqual([]);
    expect(b.packets.map((p) => [p.time, Buffer.from(p.data).toString('hex')])).toEqual(a.packets.map((p) => [p.time, Buffer.from(p.data).toString('hex')]));
    expect(b.keyLog).toBe(a.keyLog);
    expect(a.packets[0]!.time).toBe(1_700_000_000_123);
  });
});

describe('what real clients send', () => {
  /** A ClientHello like a browser's: GREASE everywhere, a hybrid post-quantum key share, ECH GREASE, ALPS, compress_certificate, padding. */
  function browserHello(): Uint8Array {
    const ext = (code: number, body: number[] | Uint8Array) => ({ type: 'opaque' as const, code, data: new Uint8Array(body) });
    const w = new Writer();
    const ks = w.vector16('client_shares');
    w.u16(0x2a2a, 'group');
    w.opaque(2, new Uint8Array([0]), 'key_exchange');
    w.u16(0x11ec, 'group');
    w.opaque(2, new Uint8Array(1216).fill(7), 'key_exchange');
    w.u16(0x001d, 'group');
    w.opaque(2, new Uint8Array(32).fill(9), 'key_exchange');
    ks();
    const keyShare = w.finish();
    const enc = encodeHandshake({
      type: 'ClientHello',
      legacyVersion: 0x0303,
      random: new Uint8Array(32).fill(1),
      legacySessionId: new Uint8Array(32).fill(2),
      cipherSuites: [0x4a4a, 0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc013, 0x009c, 0x002f],
      legacyCompressionMethods: new Uint8Array([0]),
      extensions: [
        ext(0x0a0a, []),
        { type: 'server_name', hostNames: ['www.example.com'] },
        ext(23, []),
        ext(0xff01, [0]),
        ext(10, [0, 8, 0x2a, 0x2a, 0x11, 0xec, 0x00, 0x1d, 0x00, 0x17]),
        ext(11, [1, 0]),
        ext(35, []),
        ext(16, [0, 12, 2, 0x68, 0x32, 8, ...Buffer.from('http/1.1')]),
        ext(5, [1, 0, 0, 0, 0]),
        ext(13, [0, 6, 4, 3, 8, 4, 4, 1]),
        ext(18, []),
        ext(51, keyShare),
        ext(45, [1, 1]),
        ext(43, [6, 0x3a, 0x3a, 3, 4, 3, 3]),
        ext(27, [2, 0, 2]),
        ext(0x44cd, [0, 3, 2, 0x68, 0x32]),
        ext(0xfe0d, [0, 0, 1, 0, 1, 0x42, 0, 32, ...new Uint8Array(32), 0, 144, ...new Uint8Array(144)]),
        ext(0x1a1a, [0]),
        ext(21, new Uint8Array(180)),
      ],
    });
    return enc.bytes;
  }

  it('every extension decodes; unknown values show their number and the IANA name where there is one', () => {
    const hello = browserHello();
    const record = concat([new Uint8Array([22, 3, 1, hello.length >> 8, hello.length & 0xff]), hello]);
    const events = [{ type: 'record', direction: 'sent', side: 'client', recordId: 'c2s:0', bytes: record } as unknown as TlsEvent];
    const cap = openCapture(
      pcap(
        101,
        frames(conversation(events), (p) => p, false),
      ),
    );
    expect(cap.connections[0]!.serverName).toBe('www.example.com');
    const seen = cap.events(1);
    expect(seen.some((e) => e.type === 'note' && /could not be decoded/.test(e.text))).toBe(false);
    const ch = seen.find((e) => e.type === 'handshake' && e.name === 'ClientHello');
    const values = ch?.type === 'handshake' ? ch.spans.map((s) => s.value ?? '') : [];
    for (const v of [
      'GREASE (0x4a4a)',
      'GREASE (0x0a0a)',
      'X25519MLKEM768 (0x11ec)',
      'encrypted_client_hello (0xfe0d)',
      'compress_certificate (0x001b)',
      'application_settings (ALPS draft) (0x44cd)',
      'padding (0x0015)',
      'session_ticket (0x0023)',
      'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA (0xc013)',
      'GREASE (0x3a3a)',
    ]) {
      expect(values).toContain(v);
    }
    expect(values.some((v) => v === 'X25519MLKEM768')).toBe(true); // the key share entry's name
  });
});

describe('a committed capture: openssl s_server/s_client (TLS 1.3 with KeyUpdate, TLS 1.2) and curl', () => {
  const dir = join(__dirname, 'vectors', 'captures');
  const file = new Uint8Array(readFileSync(join(dir, 'openssl-curl-loopback.pcapng')));
  const keyLog = readFileSync(join(dir, 'openssl-curl-loopback.keys'), 'utf8');

  it('three connections, all decrypted, both Finished messages checked in each', () => {
    const cap = openCapture(file, { keyLog });
    expect(cap.connections.map((c) => [c.version, c.cipherSuite, c.serverName])).toEqual([
      ['TLS 1.3', 'TLS_AES_256_GCM_SHA384', 'localhost'],
      ['TLS 1.2', 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384', 'localhost'],
      ['TLS 1.3', 'TLS_AES_256_GCM_SHA384', 'localhost'],
    ]);
    for (const c of cap.connections) {
      const events = cap.events(c.index);
      expect(c.decryption).toBe('decrypted');
      expect(events.filter((e) => e.type === 'note' && /Finished is correct/.test(e.text))).toHaveLength(2);
      // The server's CertificateVerify (TLS 1.3) or ServerKeyExchange (TLS 1.2) signature, checked.
      expect(events.filter((e) => e.type === 'note' && /signature \(ecdsa_secp256r1_sha256\) verifies/.test(e.text))).toHaveLength(1);
    }
    const first = cap.events(1);
    expect(appData(first, 'client')).toBe('hello\nworld\n');
    expect(appData(first, 'server')).toBe('olleh\ndlrow\n');
    expect(appData(cap.events(3), 'client')).toMatch(/^GET \/ HTTP\/1.1\r\nHost: localhost:47003\r\nUser-Agent: curl/);
    // Real timing: the ServerHello's round trip, from the packet timestamps.
    const rtt = first.find((e) => e.type === 'timing');
    expect(rtt?.type === 'timing' && rtt.ms).toBeGreaterThan(0);
  });

  it('a ServerKeyExchange changed in the capture: its signature and both Finished messages fail, and say so', () => {
    const cap = openCapture(file, { keyLog });
    const ske = cap.events(2).find((e) => e.type === 'handshake' && e.name === 'ServerKeyExchange');
    const bytes = ske?.type === 'handshake' ? Buffer.from(ske.bytes) : Buffer.alloc(0);
    const at = Buffer.from(file).indexOf(bytes);
    expect(at).toBeGreaterThan(0);
    const changed = file.slice();
    changed[at + bytes.length - 1]! ^= 0x01; // the last byte of the signature
    const bad = openCapture(changed, { keyLog });
    const notes = bad
      .events(2)
      .filter((e) => e.type === 'note')
      .map((e) => (e.type === 'note' ? e.text : ''));
    expect(notes.some((t) => /ServerKeyExchange signature \(ecdsa_secp256r1_sha256\) does NOT verify/.test(t))).toBe(true);
    expect(notes.filter((t) => /Finished does NOT match/.test(t))).toHaveLength(2);
    expect(bad.connections[1]!.problems.join(' ')).toMatch(/signature does not verify/);
  });

  it('a key log that matches nothing says so, for the file and per connection', () => {
    const other = keyLogText(run());
    const cap = openCapture(file, { keyLog: other });
    expect(cap.problems.join(' ')).toMatch(/matches none of the 3 TLS connections/);
    expect(cap.connections.every((c) => c.decryption === 'no-matching-keys')).toBe(true);
    expect(cap.events(2).some((e) => e.type === 'note' && /key log has no secrets for this connection/.test(e.text))).toBe(true);
  });
});

describe('post-handshake messages (a committed openssl capture: post-handshake client authentication, tickets)', () => {
  it('decode, and are not checked against the handshake transcript (no false failures)', () => {
    const dir = join(__dirname, 'vectors', 'captures');
    const cap = openCapture(new Uint8Array(readFileSync(join(dir, 'openssl-post-handshake-auth.pcapng'))), {
      keyLog: readFileSync(join(dir, 'openssl-post-handshake-auth.keys'), 'utf8'),
    });
    const events = cap.events(1);
    const names = events.filter((e) => e.type === 'handshake' && e.direction === 'sent').map((e) => (e.type === 'handshake' ? e.name : ''));
    expect(names.slice(10)).toEqual([
      'NewSessionTicket',
      'NewSessionTicket',
      'CertificateRequest',
      'Certificate',
      'CertificateVerify',
      'Finished',
      'NewSessionTicket',
      'NewSessionTicket',
    ]);
    const notes = events.filter((e) => e.type === 'note').map((e) => (e.type === 'note' ? e.text : ''));
    expect(notes.filter((t) => /Finished is correct/.test(t))).toHaveLength(2);
    expect(notes.filter((t) => /does NOT|could not be decoded/.test(t))).toEqual([]);
    expect(notes.filter((t) => /post-handshake authentication/.test(t))).toHaveLength(2);
    expect(cap.connections[0]!.decryption).toBe('decrypted');
  });
});

describe('bad input gets a clear message', () => {
  it('not a capture (and a key log opened as the capture)', () => {
    expect(openCapture(new TextEncoder().encode('hello world, not a pcap')).problems[0]).toMatch(/not a pcap or pcapng capture/);
    expect(openCapture(new TextEncoder().encode(`CLIENT_RANDOM ${'00'.repeat(32)} ${'11'.repeat(48)}\n`)).problems[0]).toMatch(/looks like a key log/);
    expect(openCapture(new Uint8Array(0)).problems[0]).toMatch(/not a pcap or pcapng capture/);
  });

  it('a truncated file: the packets before the cut, and where it was cut', () => {
    const whole = pcap(
      101,
      frames(conversation(run()), (p) => p, false),
    );
    for (const at of [10, 30, 500, whole.length - 7]) {
      const cap = openCapture(whole.subarray(0, at));
      expect(cap.problems.join(' '), `cut at ${at}`).toMatch(/truncated/);
    }
    const pcapng = runToPcapng(run());
    expect(openCapture(pcapng.subarray(0, pcapng.length - 100)).problems.join(' ')).toMatch(/truncated/);
  });

  it('a capture without TLS', () => {
    const http = [{ type: 'record', direction: 'sent', side: 'client', recordId: 'c2s:0', bytes: new TextEncoder().encode('GET / HTTP/1.1\r\n\r\n') } as unknown as TlsEvent];
    const cap = openCapture(
      pcap(
        101,
        frames(conversation(http), (p) => p, false),
      ),
    );
    expect(cap.connections).toEqual([]);
    expect(cap.problems[0]).toMatch(/no TLS connection: none of its 3 TCP packets carries a TLS record/);
    const udp = pcap(1, [{ time: 0, data: new Uint8Array(60) }]);
    expect(openCapture(udp).problems[0]).toMatch(/none of its 1 packets is TCP/);
  });

  it('a file too big is refused with its size, before it is read', () => {
    expect(sizeProblem(500 * 1024 * 1024)).toMatch(/500\.0 MB.*up to 256\.0 MB/);
    expect(sizeProblem(MAX_CAPTURE_BYTES)).toBeUndefined();
  });

  it('garbage inside a TLS stream, and an undecodable message, are notes: decoding goes on', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 300 }), fc.nat(), (junk, at) => {
        const events = run();
        const segs = conversation(events);
        const i = 2 + (at % (segs.length - 2));
        const s = segs[i]!;
        const p = s.payload.slice();
        p.set(junk.subarray(0, Math.max(0, p.length - 5)), 5);
        segs[i] = { ...s, payload: p };
        const cap = openCapture(
          pcap(
            101,
            frames(segs, (x) => x, false),
          ),
          { keyLog: keyLogText(events) },
        );
        for (const c of cap.connections) expect(Array.isArray(cap.events(c.index))).toBe(true);
      }),
      { seed: 7, numRuns: 20 },
    );
  });

  it('tlslab inspect: a file that is not a capture exits 1 with the reason; a missing file is a usage error', async () => {
    let err = '';
    const io = { out: () => undefined, err: (t: string) => void (err += t), isTty: false };
    expect(await main(['inspect', join(__dirname, 'observe.test.ts')], io)).toBe(1);
    expect(err).toMatch(/not a pcap or pcapng capture/);
    expect(await main(['inspect', '/nonexistent/file.pcap'], io)).toBe(2);
    expect(err).toMatch(/no such file/);
  });
});
