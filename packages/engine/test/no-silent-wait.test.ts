/**
 * No endpoint waits silently (issue 10, item 7). A property over the endpoints' states: every
 * state a real handshake passes through (each endpoint just before each record it receives,
 * and both once connected) is fed one hostile input — a plaintext record of any content type
 * and body, a record sealed under exactly the keys the endpoint reads with (so it gets past the
 * AEAD), hand-made handshake messages of every type, or the real next record whole, cut short,
 * or with a byte changed. Whatever the input, the endpoint must take a defined next step:
 *
 *   - an answer (bytes on the wire) or a fatal alert from the table (never internal_error) and
 *     Closed — or Closed because the input was the peer's own alert;
 *   - or no output, and then only when waiting is legitimate, which this test decides from the
 *     input and the state, not from what the endpoint says: the record (or a handshake message
 *     in it) is incomplete and its remaining bytes can still come; the input moved the
 *     handshake on or delivered application data; or the RFCs say to ignore it here — a
 *     middlebox change_cipher_spec during a TLS 1.3 handshake (RFC 8446 §5), user_canceled
 *     (§6.1), rejected 0-RTT records before the second ClientHello (§4.2.10), a HelloRequest
 *     during a TLS 1.2 handshake (RFC 5246 §7.4.1.1), a warning no_renegotiation (§7.2.2).
 *
 * A cut-short record must then complete when its rest arrives. The endpoints are deterministic
 * (seeded), so each case replays the handshake to its state and forks there.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { utf8 } from '../src/codec/hex';
import type { ClientConfig, ResumptionTicket, ServerConfig } from '../src/config';
import type { TlsEventBody } from '../src/events';
import type { RecordProtection } from '../src/record/tls13';
import type { TlsClient } from '../src/client/client';
import type { TlsServer } from '../src/server/server';
import { handshake, makePair, pki, type Pair } from './tls13-helpers';
import { hsMsg, rec } from './last-alerts-helpers';

type Side = 'client' | 'server';

interface Scenario {
  name: string;
  version: 'TLS 1.3' | 'TLS 1.2';
  client: () => Partial<ClientConfig>;
  server: () => Partial<ServerConfig>;
  /** The client offers 0-RTT data that the server rejects with a HelloRetryRequest. */
  earlyRejectedByHrr?: boolean;
  seed: string;
}

const TICKET_KEY = new Uint8Array(32).fill(3);
const HRR = { client: { groups: ['x25519', 'secp256r1'] as const, keyShareGroups: ['secp256r1'] as const }, server: { groups: ['x25519'] as const } };

let ticketCache: ResumptionTicket | undefined;
/** A ticket that allows 0-RTT, from one full handshake. */
function earlyTicket(): ResumptionTicket {
  if (ticketCache) return ticketCache;
  const p = makePair({ seed: 'nsw-ticket', server: { sessionTickets: 1, ticketKey: TICKET_KEY, maxEarlyData: 1024 } });
  handshake(p);
  ticketCache = p.client.tickets[0]!;
  return ticketCache;
}

const k = pki();
const SCENARIOS: Scenario[] = [
  { name: 'TLS 1.3', version: 'TLS 1.3', seed: 'a', client: () => ({}), server: () => ({}) },
  {
    name: 'TLS 1.3, HelloRetryRequest, mutual TLS',
    version: 'TLS 1.3',
    seed: 'b',
    client: () => ({ groups: [...HRR.client.groups], keyShareGroups: [...HRR.client.keyShareGroups], clientCert: { chain: k.clientChain, key: k.clientKey } }),
    server: () => ({ groups: [...HRR.server.groups], clientAuth: 'require', clientTrustAnchors: [k.clientRootDer] }),
  },
  {
    name: 'TLS 1.3 resumption, 0-RTT accepted',
    version: 'TLS 1.3',
    seed: 'c',
    client: () => ({ resume: earlyTicket(), earlyData: utf8.encode('early') }),
    server: () => ({ ticketKey: TICKET_KEY, maxEarlyData: 1024 }),
  },
  {
    name: 'TLS 1.3 resumption, 0-RTT rejected by a HelloRetryRequest',
    version: 'TLS 1.3',
    seed: 'd',
    earlyRejectedByHrr: true,
    client: () => ({ resume: earlyTicket(), earlyData: utf8.encode('early'), groups: [...HRR.client.groups], keyShareGroups: [...HRR.client.keyShareGroups] }),
    server: () => ({ ticketKey: TICKET_KEY, maxEarlyData: 1024, groups: [...HRR.server.groups] }),
  },
  { name: 'TLS 1.2 ECDHE', version: 'TLS 1.2', seed: 'e', client: () => ({ versions: ['TLS 1.2'] }), server: () => ({ versions: ['TLS 1.2'] }) },
  {
    name: 'TLS 1.2 mutual TLS',
    version: 'TLS 1.2',
    seed: 'f',
    client: () => ({ versions: ['TLS 1.2'], clientCert: { chain: k.clientChain, key: k.clientKey } }),
    server: () => ({ versions: ['TLS 1.2'], clientAuth: 'require', clientTrustAnchors: [k.clientRootDer] }),
  },
];

interface Fork {
  pair: Pair;
  target: TlsClient | TlsServer;
  side: Side;
  /** The record the target would have received next (undefined once both are connected and quiet). */
  next?: Uint8Array;
  /** Index of the first of the target's events that the hostile input causes. */
  mark: number;
}

/** Replays the scenario up to delivery `at` (FIFO, as the wire would), or to the end; then the receiving endpoint is the target. */
function fork(sc: Scenario, at: number, finalSide: Side): { fork: Fork; deliveries: number } {
  const pair = makePair({ seed: sc.seed, client: sc.client(), server: sc.server() });
  const queue: { from: Side; bytes: Uint8Array }[] = pair.client.start().map((bytes) => ({ from: 'client', bytes }));
  let n = 0;
  while (queue.length > 0) {
    const item = queue.shift()!;
    const side: Side = item.from === 'client' ? 'server' : 'client';
    const target = side === 'server' ? pair.server : pair.client;
    if (n === at) return { fork: { pair, target, side, next: item.bytes, mark: eventsOf(pair, side).length }, deliveries: n };
    n++;
    for (const b of target.receive(item.bytes)) queue.push({ from: side, bytes: b });
  }
  expect(pair.client.connected && pair.server.connected).toBe(true);
  const target = finalSide === 'server' ? pair.server : pair.client;
  return { fork: { pair, target, side: finalSide, mark: eventsOf(pair, finalSide).length }, deliveries: n };
}

const eventsOf = (p: Pair, side: Side): TlsEventBody[] => (side === 'server' ? p.serverEvents : p.clientEvents);

/** A twin of the target's read protection (same key, IV and sequence number): seals what the target will open. */
function readTwin(target: TlsClient | TlsServer): RecordProtection | undefined {
  const rp = (target as unknown as { readProtection: RecordProtection | null }).readProtection;
  return rp ? (Object.assign(Object.create(Object.getPrototypeOf(rp) as object), rp) as RecordProtection) : undefined;
}

type InputKind = 'plain' | 'sealed' | 'real' | 'real-cut' | 'real-changed';
interface Hostile {
  kind: InputKind;
  type: number;
  body: Uint8Array;
  padding: number;
  cut: number;
  at: number;
  xor: number;
}

/** Bytes of the input, and the plaintext content the oracle reasons about (when it knows it). */
function build(f: Fork, h: Hostile): { bytes: Uint8Array; rest?: Uint8Array; type?: number; content?: Uint8Array; sealed: boolean } {
  const next = f.next;
  if ((h.kind === 'real' || h.kind === 'real-cut' || h.kind === 'real-changed') && next) {
    if (h.kind === 'real') return { bytes: next, ...plaintextOf(f, next), sealed: false };
    if (h.kind === 'real-cut') {
      const cut = 1 + (h.cut % (next.length - 1));
      return { bytes: next.slice(0, cut), rest: next.slice(cut), sealed: false };
    }
    const b = next.slice();
    b[h.at % b.length]! ^= h.xor;
    return { bytes: b, ...plaintextOf(f, b), sealed: false };
  }
  if (h.kind === 'sealed') {
    const twin = readTwin(f.target);
    if (twin) return { bytes: twin.seal(h.type, h.body, h.padding).bytes, type: h.type, content: h.body, sealed: true };
  }
  return { bytes: rec(h.type, h.body), type: h.type, content: h.body, sealed: false };
}

/** A real record the target reads as plaintext (no read keys, or a TLS 1.3 outer type other than application_data): its type and content. */
function plaintextOf(f: Fork, bytes: Uint8Array): { type?: number; content?: Uint8Array } {
  const rp = (f.target as unknown as { readProtection: RecordProtection | null }).readProtection;
  if (bytes.length < 5 || (rp && (rp.keepsOuterType || bytes[0] === 23))) return {};
  return { type: bytes[0]!, content: bytes.subarray(5, 5 + ((bytes[3]! << 8) | bytes[4]!)) };
}

/** Whether a record header announces more bytes than arrived (they can still come). */
function recordIncomplete(bytes: Uint8Array): boolean {
  return bytes.length < 5 || bytes.length < 5 + ((bytes[3]! << 8) | bytes[4]!);
}

/** Whether a handshake content ends inside a message (more fragments can still come). */
function handshakeIncomplete(content: Uint8Array): boolean {
  let o = 0;
  while (o < content.length) {
    if (content.length - o < 4) return true;
    const len = (content[o + 1]! << 16) | (content[o + 2]! << 8) | content[o + 3]!;
    if (o + 4 + len > content.length) return true;
    o += 4 + len;
  }
  return false;
}

/** Is waiting without output legitimate for this input in this state? (The oracle; null = yes, else why not.) */
function waitingIsLegitimate(sc: Scenario, f: Fork, stateBefore: string, input: ReturnType<typeof build>, events: TlsEventBody[]): string | null {
  // The bytes of a record (or of a handshake message) are still to come.
  if (recordIncomplete(input.bytes)) return null;
  if (input.type === 22 && input.content && input.content.length > 0 && handshakeIncomplete(input.content)) return null;
  // The input moved the handshake on, or delivered a message or application data the state takes.
  if (events.some((e) => e.type === 'state' || (e.type === 'appdata' && e.direction === 'received') || (e.type === 'handshake' && e.direction === 'received'))) return null;
  const c = input.content;
  const plainType = input.sealed ? undefined : input.bytes[0];
  // RFC 8446 §5: one unprotected change_cipher_spec of value 1, after the first ClientHello and before the peer's Finished.
  if (sc.version === 'TLS 1.3' && plainType === 20 && input.bytes.length === 6 && input.bytes[5] === 1 && stateBefore !== 'Connected' && stateBefore !== 'ExpectClientHello')
    return null;
  if ((input.type === 21 || plainType === 21) && c && c.length === 2) {
    if (c[1] === 90) return null; // user_canceled: close_notify follows (RFC 8446 §6.1)
    if (sc.version === 'TLS 1.2' && c[0] === 1 && c[1] === 100 && stateBefore === 'Connected') return null; // RFC 5246 §7.2.2
  }
  // RFC 8446 §4.2.10: rejected 0-RTT records are skipped — only until the second ClientHello.
  if (sc.earlyRejectedByHrr && f.side === 'server' && stateBefore === 'ExpectSecondClientHello' && input.bytes[0] === 23) return null;
  // RFC 5246 §7.4.1.1: a HelloRequest during a TLS 1.2 handshake is ignored by the client.
  if (sc.version === 'TLS 1.2' && f.side === 'client' && stateBefore !== 'Connected' && input.type === 22 && c && c.length === 4 && c.every((x) => x === 0)) return null;
  return `no output, not closed, in ${stateBefore}, and nothing in the input lets it wait`;
}

const HS_TYPES = [0, 1, 2, 4, 5, 8, 11, 12, 13, 14, 15, 16, 20, 24, 254];
const arbBody: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.uint8Array({ maxLength: 40 }),
  fc.constant(new Uint8Array(0)),
  fc.constantFrom([1], [1, 1], [2], [1, 0], [2, 10], [1, 90], [2, 90], [1, 100], [2, 20], [0, 0, 0, 0], [24, 0, 0, 1, 0], [24, 0, 0, 1, 1]).map((a) => new Uint8Array(a)),
  // A handshake message of any type: consistent length, or announcing more than it carries.
  fc.tuple(fc.constantFrom(...HS_TYPES), fc.uint8Array({ maxLength: 24 }), fc.integer({ min: 0, max: 3 })).map(([t, b, extra]) => {
    const m = hsMsg(t, b);
    if (extra > 0) m[3] = (m[3]! + extra) & 0xff;
    return m;
  }),
);
const arbHostile: fc.Arbitrary<Hostile> = fc.record({
  kind: fc.constantFrom<InputKind>('plain', 'sealed', 'sealed', 'real', 'real-cut', 'real-changed'),
  type: fc.oneof(fc.constantFrom(20, 21, 22, 23), fc.integer({ min: 0, max: 255 })),
  body: arbBody,
  padding: fc.integer({ min: 0, max: 8 }),
  cut: fc.nat(),
  at: fc.nat(),
  xor: fc.integer({ min: 1, max: 255 }),
});

/** Runs one case; returns a failure message, or undefined. */
function check(sc: Scenario, at: number, finalSide: Side, h: Hostile): void {
  const { fork: f } = fork(sc, at, finalSide);
  const stateBefore = f.target.state;
  const input = build(f, h);
  let out: Uint8Array[];
  try {
    out = f.target.receive(input.bytes);
  } catch (e) {
    throw new Error(`${sc.name}, ${f.side} in ${stateBefore}: receive threw ${String(e)}`);
  }
  const events = eventsOf(f.pair, f.side).slice(f.mark);
  const where = `${sc.name}, ${f.side} in ${stateBefore}, ${h.kind} input ${Buffer.from(input.bytes.subarray(0, 24)).toString('hex')}`;
  const sent = events.filter((e) => e.type === 'alert' && e.direction === 'sent');
  for (const a of sent) if (a.type === 'alert') expect(a.description, where).not.toBe('internal_error');
  if (f.target.closed) {
    // RFC 8446 §6.2: an error alert ends the connection whatever its level (TLS 1.2 here treats them alike).
    const peerAlert = events.some((e) => e.type === 'alert' && e.direction === 'received' && e.description !== 'close_notify');
    const closeNotify = events.some((e) => e.type === 'alert' && e.direction === 'received' && e.description === 'close_notify');
    // Closed by our fatal alert, which is on the wire; or by the peer's alert (not answered); or close_notify (answered).
    expect(peerAlert || (sent.length > 0 && out.length > 0) || (closeNotify && out.length > 0), where).toBe(true);
    return;
  }
  if (out.length > 0) return;
  expect(
    waitingIsLegitimate(sc, f, stateBefore, input, events),
    `${where} → ${events.map((e) => e.type + ('name' in e ? `:${String(e.name)}` : '') + ('text' in e ? `:${e.text}` : '')).join(' | ')}`,
  ).toBeNull();
  if (input.rest) {
    // The rest of a cut record arrives: the endpoint goes on as with the whole record.
    f.target.receive(input.rest);
    expect(f.target.closed, `${where}: the rest of the cut record closed it`).toBe(false);
  }
}

describe('every input leaves each endpoint with a defined next step (no silent wait)', () => {
  for (const sc of SCENARIOS) {
    it(`${sc.name}: every state × hostile input → an answer, an alert, or a legitimate wait`, () => {
      const total = fork(sc, Number.MAX_SAFE_INTEGER, 'client').deliveries;
      const examples: [number, Side, Hostile][] = [];
      if (sc.earlyRejectedByHrr) {
        // Issue 10 item 7 as found: after the second ClientHello, an application_data record no key opens.
        const junk: Hostile = { kind: 'plain', type: 23, body: new Uint8Array(40).fill(0x5a), padding: 0, cut: 0, at: 0, xor: 1 };
        for (let at = 0; at <= total; at++) examples.push([at, 'server', junk]);
      }
      fc.assert(
        fc.property(fc.integer({ min: 0, max: total }), fc.constantFrom<Side>('client', 'server'), arbHostile, (at, side, h) => check(sc, at, side, h)),
        { numRuns: Number(process.env.NO_SILENT_WAIT_CASES ?? 60), seed: Number(process.env.NO_SILENT_WAIT_SEED ?? 10), examples },
      );
    });
  }

  it('the oracle is not vacuous: a known silent drop is flagged', () => {
    // A TLS 1.3 server in ExpectClientFinished that had dropped an unreadable record would be waiting illegitimately.
    const sc = SCENARIOS[0]!;
    const { fork: f } = fork(sc, 2, 'server');
    const input = { bytes: rec(23, new Uint8Array(40)), type: 23, content: new Uint8Array(40), sealed: false };
    expect(waitingIsLegitimate(sc, f, 'ExpectClientFinished', input, [])).toMatch(/nothing in the input lets it wait/);
    expect(waitingIsLegitimate(SCENARIOS[3]!, { ...f, side: 'server' }, 'ExpectSecondClientHello', input, [])).toBeNull();
  });
});
