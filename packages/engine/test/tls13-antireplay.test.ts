/**
 * 0-RTT anti-replay by ClientHello recording (RFC 8446 §8.2): a server that records the PSK
 * binders of the ClientHellos it took early data from rejects the early data of the same
 * ClientHello sent again (a replay) while still resuming the handshake; without a record the
 * replay's early data is delivered a second time.
 */
import { describe, expect, it } from 'vitest';
import { utf8 } from '../src/codec/hex';
import type { ResumptionTicket, ServerConfig } from '../src/config';
import type { TlsEventBody } from '../src/events';
import { seededRng } from '../src/crypto/rng';
import { createServer } from '../src/server/server';
import { MemoryAntiReplay, ZERO_RTT_RECORD_MS, ZERO_RTT_WINDOW_MS, type AntiReplay } from '../src/server/antireplay';
import { serveSetup, SERVE_FLAGS } from '../src/cli/serve';
import { parseArgs } from '../src/cli/args';
import { runScenario } from '../src/session';
import { DEFAULT_SCENARIO } from '../src/scenario';
import type { TlsEvent } from '../src/events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { alertsSent, AT, handshake, makePair, pki, pumpEarly } from './tls13-helpers';

const TICKET_KEY = new Uint8Array(32).fill(7);
const EARLY = utf8.encode('POST /transfer?amount=100 HTTP/1.1\r\n\r\n');
const REPLAY_NOTE = /this ClientHello was seen before: a replay; early data rejected \(RFC 8446 §8\.2\)/i;

type Hs = Extract<TlsEventBody, { type: 'handshake' }>;
const sentNames = (events: TlsEventBody[]) => events.filter((e): e is Hs => e.type === 'handshake' && e.direction === 'sent').map((e) => e.name);
const notes = (events: TlsEventBody[]) => events.filter((e): e is Extract<TlsEventBody, { type: 'note' }> => e.type === 'note').map((e) => e.text);
const negotiated = (events: TlsEventBody[]) => Object.assign({}, ...events.filter((e) => e.type === 'negotiated')) as Record<string, unknown>;

/** A full handshake with a server that allows 0-RTT in its tickets. */
function takeTicket(): ResumptionTicket {
  const p = makePair({ seed: 'first', server: { sessionTickets: 1, ticketKey: TICKET_KEY, maxEarlyData: 1024 } });
  handshake(p);
  expect(p.client.tickets).toHaveLength(1);
  return p.client.tickets[0]!;
}

/**
 * A 0-RTT connection pumped to the end; returns its client's first flight (ClientHello, CCS,
 * 0-RTT record) as sent on the wire, and the early data the server read before it connected.
 */
function zeroRtt(ticket: ResumptionTicket, server: Partial<ServerConfig>, seed = 'early') {
  const p = makePair({ seed, client: { resume: ticket, earlyData: EARLY }, server: { ticketKey: TICKET_KEY, maxEarlyData: 1024, ...server } });
  const flight = p.client.start();
  expect(flight).toHaveLength(3);
  const recorded = flight.map((b) => b.slice());
  return { p, flight: recorded, early: pumpEarly(p, flight) };
}

/** The recorded first flight sent again to a fresh server endpoint (same ticket key); the replayer has no keys. */
function replay(flight: Uint8Array[], server: Partial<ServerConfig>) {
  const p = pki();
  const events: TlsEventBody[] = [];
  const s = createServer({
    rng: seededRng('replay', 'server'),
    sink: (e) => events.push(e),
    cert: { chain: p.serverChain, key: p.serverKey },
    now: AT,
    ticketKey: TICKET_KEY,
    maxEarlyData: 1024,
    ...server,
  });
  let early = '';
  const out: Uint8Array[] = [];
  for (const bytes of flight) {
    out.push(...s.receive(bytes));
    early += utf8.decode(s.readAppData());
  }
  const states = events.filter((e) => e.type === 'state').map((e) => (e as { to: string }).to);
  return { server: s, events, early, out, states };
}

describe('0-RTT replay of a recorded ClientHello (RFC 8446 §8.2)', () => {
  it('with a shared store the replay resumes the handshake but its early data is rejected, not delivered', () => {
    const ticket = takeTicket();
    const store = new MemoryAntiReplay();
    const first = zeroRtt(ticket, { antiReplay: store });
    expect(first.early).toBe(utf8.decode(EARLY));
    expect(first.p.client.earlyData).toBe('accepted');
    expect(first.p.server.state).toBe('Connected');
    expect(notes(first.p.serverEvents).some((t) => /^0-RTT accepted: .*binder is now recorded/.test(t))).toBe(true);
    expect(notes(first.p.serverEvents).some((t) => REPLAY_NOTE.test(t))).toBe(false);
    expect(store.size).toBe(1);

    const r = replay(first.flight, { antiReplay: store });
    // The early data never reaches the server application.
    expect(r.early).toBe('');
    expect(r.server.readAppData()).toHaveLength(0);
    expect(r.events.some((e) => e.type === 'appdata')).toBe(false);
    // The note says why; the 0-RTT record was skipped, not decrypted.
    const replayNotes = r.events.filter((e) => e.type === 'note' && REPLAY_NOTE.test(e.text));
    expect(replayNotes).toHaveLength(1);
    expect(replayNotes[0]).toMatchObject({ rfc: 'RFC 8446 §8.2' });
    expect(notes(r.events).filter((t) => /Dropped a 0-RTT record/.test(t))).toHaveLength(1);
    expect(notes(r.events).some((t) => /^0-RTT accepted/.test(t))).toBe(false);
    // The connection is not rejected: a 1-RTT resumption, waiting for the client's Finished.
    expect(alertsSent(r.events)).toEqual([]);
    expect(negotiated(r.events)).toMatchObject({ resumed: true, earlyData: 'rejected' });
    expect(sentNames(r.events)).toEqual(['ServerHello', 'EncryptedExtensions', 'Finished']);
    expect(r.states).not.toContain('ExpectEndOfEarlyData');
    expect(r.server.state).toBe('ExpectClientFinished');
    expect(r.server.connected).toBe(false);
    expect(r.events.some((e) => e.type === 'secret' && e.name === 'client_early_traffic_secret')).toBe(false);
    expect(store.size).toBe(1);

    // A third try is a replay too.
    const again = replay(first.flight, { antiReplay: store });
    expect(again.early).toBe('');
    expect(notes(again.events).some((t) => REPLAY_NOTE.test(t))).toBe(true);
  });

  it('without a store the same replay IS accepted: the early data is delivered twice (the risk §8 describes)', () => {
    const ticket = takeTicket();
    const first = zeroRtt(ticket, {});
    expect(first.early).toBe(utf8.decode(EARLY));
    expect(notes(first.p.serverEvents).some((t) => /^0-RTT accepted without replay protection/.test(t))).toBe(true);

    const r = replay(first.flight, {});
    expect(r.early).toBe(utf8.decode(EARLY));
    expect([first.early, r.early].join('')).toBe(utf8.decode(EARLY).repeat(2));
    expect(notes(r.events).some((t) => REPLAY_NOTE.test(t))).toBe(false);
    expect(notes(r.events).some((t) => /^0-RTT accepted without replay protection/.test(t))).toBe(true);
    expect(negotiated(r.events)).toMatchObject({ resumed: true, earlyData: 'accepted' });
    expect(r.server.state).toBe('ExpectEndOfEarlyData');
    expect(alertsSent(r.events)).toEqual([]);
  });

  it('a store that is not shared does not help: each server endpoint must consult the same record', () => {
    const ticket = takeTicket();
    const first = zeroRtt(ticket, { antiReplay: new MemoryAntiReplay() });
    const r = replay(first.flight, { antiReplay: new MemoryAntiReplay() });
    expect(r.early).toBe(utf8.decode(EARLY));
  });

  it('a different ClientHello with the same ticket (a new binder) is not a replay', () => {
    const ticket = takeTicket();
    const store = new MemoryAntiReplay();
    const a = zeroRtt(ticket, { antiReplay: store }, 'one');
    const b = zeroRtt(ticket, { antiReplay: store }, 'two');
    expect(a.flight[0]).not.toEqual(b.flight[0]);
    expect(a.early).toBe(utf8.decode(EARLY));
    expect(b.early).toBe(utf8.decode(EARLY));
    expect(b.p.client.earlyData).toBe('accepted');
    expect(notes(b.p.serverEvents).some((t) => REPLAY_NOTE.test(t))).toBe(false);
    expect(store.size).toBe(2);
    // And each is caught when replayed.
    expect(replay(a.flight, { antiReplay: store }).early).toBe('');
    expect(replay(b.flight, { antiReplay: store }).early).toBe('');
  });

  it('the store is keyed on the PSK binder', () => {
    const ticket = takeTicket();
    const keys: Uint8Array[] = [];
    const spy: AntiReplay = {
      seen(key, nowMs, windowMs) {
        keys.push(key.slice());
        expect(nowMs).toBe(AT.getTime());
        expect(windowMs).toBe(ZERO_RTT_RECORD_MS);
        return false;
      },
    };
    const first = zeroRtt(ticket, { antiReplay: spy });
    const binder = first.p.serverEvents.find((e) => e.type === 'secret' && e.name === 'psk_binder') as Extract<TlsEventBody, { type: 'secret' }> | undefined;
    expect(keys).toHaveLength(1);
    expect(binder).toBeDefined();
    expect(keys[0]).toEqual(binder!.value);
    // A store that is only consulted for 0-RTT: a resumption without early data records nothing.
    const p = makePair({ seed: 'plain', client: { resume: ticket }, server: { ticketKey: TICKET_KEY, maxEarlyData: 1024, antiReplay: spy } });
    handshake(p);
    expect(p.server.state).toBe('Connected');
    expect(keys).toHaveLength(1);
  });
});

describe('the record forgets after the window (RFC 8446 §8.2, §8.3)', () => {
  it('MemoryAntiReplay: a key is a duplicate within the window and forgotten after it', () => {
    const s = new MemoryAntiReplay();
    const k = new Uint8Array([1, 2, 3]);
    const t = 1_000_000;
    expect(s.seen(k, t, 1000)).toBe(false);
    expect(s.seen(k, t + 999, 1000)).toBe(true);
    expect(s.seen(new Uint8Array([1, 2, 4]), t + 500, 1000)).toBe(false);
    expect(s.size).toBe(2);
    // At t + 1000 the first entry is older than the window: forgotten, then recorded afresh.
    expect(s.seen(k, t + 1000, 1000)).toBe(false);
    expect(s.size).toBe(2);
    expect(s.seen(k, t + 1001, 1000)).toBe(true);
    // Much later both old entries go.
    expect(s.seen(new Uint8Array([9]), t + 10_000, 1000)).toBe(false);
    expect(s.size).toBe(1);
  });

  it('a replay is caught as long as its ticket age is fresh, also when that is more than one window after the original', () => {
    // The client's clock is 10 s ahead: its ticket age is 10 s more than the server's, at the edge of fresh.
    const ticket = takeTicket();
    const store = new MemoryAntiReplay();
    const first = zeroRtt({ ...ticket, receivedAt: ticket.receivedAt - ZERO_RTT_WINDOW_MS }, { antiReplay: store });
    expect(first.early).toBe(utf8.decode(EARLY));
    // 19.999 s later the ClientHello is still fresh (its age now 9.999 s behind): the record must still hold it.
    const late = replay(first.flight, { antiReplay: store, now: new Date(AT.getTime() + ZERO_RTT_RECORD_MS - 1) });
    expect(late.early).toBe('');
    expect(notes(late.events).some((t) => REPLAY_NOTE.test(t))).toBe(true);
    // Without the record the same late replay would pass the freshness check.
    expect(replay(first.flight, { now: new Date(AT.getTime() + ZERO_RTT_RECORD_MS - 1) }).early).toBe(utf8.decode(EARLY));
    // Past the span the record has forgotten it, and the freshness check rejects it instead.
    const stale = replay(first.flight, { antiReplay: store, now: new Date(AT.getTime() + ZERO_RTT_RECORD_MS + 1) });
    expect(stale.early).toBe('');
    expect(notes(stale.events).some((t) => REPLAY_NOTE.test(t))).toBe(false);
    expect(notes(stale.events).some((t) => /ticket age differs/.test(t))).toBe(true);
    expect(store.size).toBe(1);
  });

  it('after the window the store itself forgets the entry (the freshness check is what rejects an old replay)', () => {
    const ticket = takeTicket();
    const store = new MemoryAntiReplay();
    zeroRtt(ticket, { antiReplay: store });
    expect(store.size).toBe(1);
    // A new 0-RTT ClientHello one record span later: the old entry is dropped as this one is recorded.
    const later = new Date(AT.getTime() + ZERO_RTT_RECORD_MS);
    const b = zeroRtt({ ...ticket, receivedAt: ticket.receivedAt - ZERO_RTT_RECORD_MS }, { antiReplay: store, now: later }, 'later');
    expect(b.early).toBe(utf8.decode(EARLY));
    expect(store.size).toBe(1);
  });
});

describe('protected by default', () => {
  it('runScenario gives the server a ClientHello record: its 0-RTT note says so', () => {
    const events: TlsEvent[] = [];
    runScenario({ ...DEFAULT_SCENARIO, seed: 'antireplay', resumption: true, earlyData: true }, (e) => events.push(e));
    const texts = events.filter((e) => e.type === 'note' && e.side === 'server').map((e) => (e as { text: string }).text);
    expect(texts.some((t) => /^0-RTT accepted: .*binder is now recorded/.test(t))).toBe(true);
    expect(texts.some((t) => /without replay protection/.test(t))).toBe(false);
  });

  it('tlslab serve --tickets shares one store between its connections', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tlslab-antireplay-'));
    try {
      const on = await serveSetup(parseArgs(['--port', '0', '--tickets', '1'], SERVE_FLAGS), dir);
      expect(on.config.antiReplay).toBeInstanceOf(MemoryAntiReplay);
      const off = await serveSetup(parseArgs(['--port', '0'], SERVE_FLAGS), dir);
      expect(off.config.antiReplay).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
