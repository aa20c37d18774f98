/**
 * TLS 1.3 session resumption in process (RFC 8446 §2.2, §4.2.11, §4.6.1): a full handshake
 * gives the client a ticket; a second connection offers its PSK and resumes — no certificate
 * messages, both sides derive the same secrets — or falls back to a full handshake when the
 * server cannot use the ticket. Bad binders and malformed offers end in their alerts.
 */
import { describe, expect, it } from 'vitest';
import { concatBytes, toHex, utf8 } from '../src/codec/hex';
import type { ClientConfig, ResumptionTicket, ServerConfig } from '../src/config';
import type { TlsEventBody } from '../src/events';
import { decodeHandshake, encodeHandshake, type HandshakeMessage } from '../src/msgs/handshake';
import { openTicket } from '../src/server/tickets';
import { aeadSeal } from '../src/crypto/aead';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../src/cli/main';
import { parseArgs } from '../src/cli/args';
import { serveSetup, SERVE_FLAGS } from '../src/cli/serve';
import type { Io } from '../src/cli/output';
import { runScenario } from '../src/session';
import { DEFAULT_SCENARIO, type Scenario } from '../src/scenario';
import type { TlsEvent } from '../src/events';
import { alertsSent, AT, handshake, makePair, pki, pumpEarly, type Pair } from './tls13-helpers';

const TICKET_KEY = new Uint8Array(32).fill(7);
const OTHER_KEY = new Uint8Array(32).fill(9);

type Hs = Extract<TlsEventBody, { type: 'handshake' }>;
const sentNames = (events: TlsEventBody[]) => events.filter((e): e is Hs => e.type === 'handshake' && e.direction === 'sent').map((e) => e.name);
const allNames = (p: Pair) => [...p.clientEvents, ...p.serverEvents].filter((e): e is Hs => e.type === 'handshake').map((e) => e.name);
const secrets = (events: TlsEventBody[]) => {
  const out = new Map<string, string[]>();
  for (const e of events) if (e.type === 'secret') out.set(e.name, [...(out.get(e.name) ?? []), toHex(e.value)]);
  return out;
};
const negotiated = (events: TlsEventBody[]) => Object.assign({}, ...events.filter((e) => e.type === 'negotiated')) as Record<string, unknown>;

function rec(type: number, body: Uint8Array, version = 0x0303): Uint8Array {
  return concatBytes(new Uint8Array([type, version >> 8, version & 0xff, body.length >> 8, body.length & 0xff]), body);
}

/** A full handshake with a ticket-issuing server; returns the pair and the client's ticket. */
function firstConnection(opts: { client?: Partial<ClientConfig>; server?: Partial<ServerConfig>; seed?: string } = {}): { p: Pair; ticket: ResumptionTicket } {
  const p = makePair({ seed: opts.seed ?? 'first', client: opts.client, server: { sessionTickets: 1, ticketKey: TICKET_KEY, ...opts.server } });
  handshake(p);
  expect(p.client.state).toBe('Connected');
  expect(p.client.tickets.length).toBe(1);
  return { p, ticket: p.client.tickets[0]! };
}

function resume(
  ticket: ResumptionTicket,
  opts: { client?: Partial<ClientConfig>; server?: Partial<ServerConfig>; seed?: string } = {},
  mitm?: Parameters<typeof handshake>[1],
): Pair {
  const p = makePair({ seed: opts.seed ?? 'second', client: { resume: ticket, ...opts.client }, server: { ticketKey: TICKET_KEY, ...opts.server } });
  handshake(p, mitm);
  return p;
}

function exchange(p: Pair): void {
  for (const r of p.client.send(utf8.encode('ping'))) p.server.receive(r);
  expect(utf8.decode(p.server.readAppData())).toBe('ping');
  for (const r of p.server.send(utf8.encode('pong'))) p.client.receive(r);
  expect(utf8.decode(p.client.readAppData())).toBe('pong');
}

describe('tickets after a full handshake', () => {
  it('the server sends sessionTickets NewSessionTickets; the client keeps each with the PSK both sides derive', () => {
    const p = makePair({ server: { sessionTickets: 2, ticketKey: TICKET_KEY } });
    handshake(p);
    expect(sentNames(p.serverEvents).filter((n) => n === 'NewSessionTicket')).toHaveLength(2);
    expect(p.client.tickets).toHaveLength(2);
    const c = secrets(p.clientEvents);
    const s = secrets(p.serverEvents);
    for (const i of [0, 1]) {
      expect(c.get(`ticket_psk_${i}`), `ticket_psk_${i}`).toEqual(s.get(`ticket_psk_${i}`));
      expect(toHex(p.client.tickets[i]!.psk)).toBe(c.get(`ticket_psk_${i}`)![0]);
    }
    // Two tickets, two nonces, two PSKs.
    expect(toHex(p.client.tickets[0]!.ticketNonce)).not.toBe(toHex(p.client.tickets[1]!.ticketNonce));
    expect(toHex(p.client.tickets[0]!.psk)).not.toBe(toHex(p.client.tickets[1]!.psk));
    // The ticket is the server's sealed state: it opens with the ticket key to the same PSK.
    const opened = openTicket(TICKET_KEY, p.client.tickets[0]!.ticket)!;
    expect(toHex(opened.psk)).toBe(toHex(p.client.tickets[0]!.psk));
    expect(opened.suite.name).toBe(p.client.tickets[0]!.cipherSuite);
    expect(openTicket(OTHER_KEY, p.client.tickets[0]!.ticket)).toBeUndefined();
    const t = p.client.tickets[0]!;
    expect(t).toMatchObject({ cipherSuite: 'TLS_AES_128_GCM_SHA256', lifetime: 7200, serverName: 'server.tlslab.test', receivedAt: AT.getTime() });
    // Plain data: it survives structured cloning (the Worker boundary).
    expect(structuredClone(t)).toEqual(t);
  });

  it('by default the server sends no ticket (RFC 8448 byte-exact runs are unchanged)', () => {
    const p = makePair();
    handshake(p);
    expect(sentNames(p.serverEvents)).not.toContain('NewSessionTicket');
    expect(p.client.tickets).toEqual([]);
  });

  it('the ticket PSK is HKDF-Expand-Label(resumption_master_secret, "resumption", ticket_nonce, Hash.length)', () => {
    const { p } = firstConnection();
    const ev = p.clientEvents.find((e) => e.type === 'secret' && e.name === 'ticket_psk_0') as Extract<TlsEventBody, { type: 'secret' }>;
    expect(ev.formula).toBe('HKDF-Expand-Label(resumption_master_secret, "resumption", ticket_nonce, Hash.length)');
    expect(ev.rfc).toBe('RFC 8446 §4.6.1');
    const rms = secrets(p.clientEvents).get('resumption_master_secret')![0];
    expect(toHex(ev.inputs[0]!.value as Uint8Array)).toBe(rms);
  });
});

describe('a resumed handshake', () => {
  it('completes with the PSK: no Certificate, CertificateVerify or CertificateRequest; both sides agree', () => {
    const { ticket } = firstConnection();
    const p = resume(ticket, { server: { sessionTickets: 1 } });
    expect(alertsSent(p.clientEvents)).toEqual([]);
    expect(alertsSent(p.serverEvents)).toEqual([]);
    expect(p.client.state).toBe('Connected');
    expect(p.server.state).toBe('Connected');
    expect(sentNames(p.serverEvents)).toEqual(['ServerHello', 'EncryptedExtensions', 'Finished', 'NewSessionTicket']);
    expect(sentNames(p.clientEvents)).toEqual(['ClientHello', 'Finished']);
    for (const n of ['Certificate', 'CertificateVerify', 'CertificateRequest']) expect(allNames(p)).not.toContain(n);
    expect(p.clientEvents.some((e) => e.type === 'cert-report' || e.type === 'cert-check')).toBe(false);
    expect(negotiated(p.clientEvents)).toMatchObject({ resumed: true, cipherSuite: 'TLS_AES_128_GCM_SHA256' });
    expect(negotiated(p.serverEvents)).toMatchObject({ resumed: true, clientAuth: 'none' });
    expect(negotiated(p.serverEvents).signatureScheme).toBeUndefined();
    // The ClientHello offers psk_dhe_ke and ends with pre_shared_key; the ServerHello selects identity 0.
    const ch = decodeHandshake(frame(sentBytes(p.clientEvents, 'ClientHello')[0]!)).msg as Extract<HandshakeMessage, { type: 'ClientHello' }>;
    const last = ch.extensions[ch.extensions.length - 1]!;
    expect(last.type).toBe('pre_shared_key');
    expect(ch.extensions.find((e) => e.type === 'psk_key_exchange_modes')).toEqual({ type: 'psk_key_exchange_modes', modes: [1] });
    const sh = decodeHandshake(frame(sentBytes(p.serverEvents, 'ServerHello')[0]!)).msg as Extract<HandshakeMessage, { legacySessionIdEcho: Uint8Array }>;
    expect(sh.extensions.find((e) => e.type === 'pre_shared_key_selected')).toEqual({ type: 'pre_shared_key_selected', selectedIdentity: 0 });
    // Every secret both sides derive is the same, starting from the PSK.
    const c = secrets(p.clientEvents);
    const s = secrets(p.serverEvents);
    for (const name of [
      'early_secret',
      'binder_key',
      'binder_finished_key',
      'psk_binder',
      'handshake_secret',
      'client_handshake_traffic_secret',
      'server_handshake_traffic_secret',
      'master_secret',
      'client_application_traffic_secret_0',
      'server_application_traffic_secret_0',
      'resumption_master_secret',
      'ticket_psk_0',
    ]) {
      expect(c.get(name), name).toBeDefined();
      expect(c.get(name), name).toEqual(s.get(name));
    }
    const early = p.clientEvents.find((e) => e.type === 'secret' && e.name === 'early_secret') as Extract<TlsEventBody, { type: 'secret' }>;
    expect(early.formula).toContain('IKM = PSK');
    expect(toHex(early.inputs[1]!.value as Uint8Array)).toBe(toHex(ticket.psk));
    // The binder on the wire is the psk_binder both sides computed.
    expect(last.type === 'pre_shared_key' && toHex(last.binders[0]!)).toBe(c.get('psk_binder')![0]);
    exchange(p);
    // The resumed connection's own ticket can resume again.
    expect(p.client.tickets).toHaveLength(1);
    const again = resume(p.client.tickets[0]!, { seed: 'third' });
    expect(negotiated(again.serverEvents).resumed).toBe(true);
  });

  it('a resumed early secret differs from the no-PSK one, and the key schedule differs from a full handshake', () => {
    const { ticket } = firstConnection();
    const r = resume(ticket, { seed: 'same' });
    const f = makePair({ seed: 'same' });
    handshake(f);
    expect(secrets(r.clientEvents).get('early_secret')).not.toEqual(secrets(f.clientEvents).get('early_secret'));
  });

  it('a server that requires client certificates does not ask for one when resuming', () => {
    const { ticket } = firstConnection();
    const p = resume(ticket, { server: { clientAuth: 'require' } });
    expect(p.server.state).toBe('Connected');
    expect(allNames(p)).not.toContain('CertificateRequest');
  });

  it('a seeded resumption is deterministic: same seeds, same bytes', () => {
    const wire = () => {
      const { ticket } = firstConnection({ seed: 'det' });
      const out: string[] = [];
      resume(ticket, { seed: 'det2' }, (from, bytes) => {
        out.push(`${from}:${toHex(bytes)}`);
        return bytes;
      });
      return out;
    };
    const a = wire();
    expect(a.length).toBeGreaterThan(3);
    expect(wire()).toEqual(a);
  });
});

function frame(bytes: Uint8Array) {
  return { msgType: bytes[0]!, bytes, body: bytes.subarray(4) };
}
function sentBytes(events: TlsEventBody[], name: string): Uint8Array[] {
  return events.filter((e): e is Hs => e.type === 'handshake' && e.direction === 'sent' && e.name === name).map((e) => e.bytes);
}

describe('HelloRetryRequest with a PSK', () => {
  for (const cookie of [false, true])
    it(`the second ClientHello carries a new binder over message_hash ‖ HelloRetryRequest ‖ Truncate(ClientHello2)${cookie ? ' (with a cookie)' : ''}`, () => {
      const { ticket } = firstConnection();
      const p = resume(ticket, {
        client: { groups: ['x25519', 'secp256r1'], keyShareGroups: ['secp256r1'] },
        server: { groups: ['x25519'], ...(cookie ? { helloRetryCookie: true } : {}) },
      });
      expect(alertsSent(p.serverEvents)).toEqual([]);
      expect(p.client.state).toBe('Connected');
      expect(p.server.state).toBe('Connected');
      expect(negotiated(p.clientEvents)).toMatchObject({ helloRetry: true, resumed: true, group: 'x25519' });
      expect(allNames(p)).not.toContain('Certificate');
      const chs = sentBytes(p.clientEvents, 'ClientHello').map((b) => decodeHandshake(frame(b)).msg as Extract<HandshakeMessage, { type: 'ClientHello' }>);
      expect(chs).toHaveLength(2);
      const binders = chs.map((m) => {
        const e = m.extensions[m.extensions.length - 1]!;
        return e.type === 'pre_shared_key' ? toHex(e.binders[0]!) : '';
      });
      expect(binders[0]).not.toBe('');
      expect(binders[1]).not.toBe('');
      expect(binders[1]).not.toBe(binders[0]);
      const ctx = p.serverEvents.filter((e) => e.type === 'secret' && e.name === 'psk_binder').map((e) => (e as { formula: string }).formula);
      expect(ctx).toEqual(['HMAC(binder_finished_key, Transcript-Hash(ClientHello1, HelloRetryRequest, Truncate(ClientHello2)))']);
      exchange(p);
    });

  it('a retry to a suite of another hash drops the PSK from the second ClientHello (full handshake)', () => {
    const { ticket } = firstConnection();
    const p = resume(ticket, {
      client: { groups: ['x25519', 'secp256r1'], keyShareGroups: ['secp256r1'] },
      server: { groups: ['x25519'], cipherSuites: ['TLS_AES_256_GCM_SHA384'] },
    });
    expect(p.client.state).toBe('Connected');
    const chs = sentBytes(p.clientEvents, 'ClientHello').map((b) => decodeHandshake(frame(b)).msg as Extract<HandshakeMessage, { type: 'ClientHello' }>);
    expect(chs[0]!.extensions.some((e) => e.type === 'pre_shared_key')).toBe(true);
    expect(chs[1]!.extensions.some((e) => e.type === 'pre_shared_key')).toBe(false);
    expect(allNames(p)).toContain('Certificate');
  });
});

describe('falling back to a full handshake', () => {
  const full = (p: Pair) => {
    expect(alertsSent(p.clientEvents)).toEqual([]);
    expect(alertsSent(p.serverEvents)).toEqual([]);
    expect(p.client.state).toBe('Connected');
    expect(p.server.state).toBe('Connected');
    expect(negotiated(p.clientEvents).resumed).toBe(false);
    expect(negotiated(p.serverEvents).resumed).toBe(false);
    expect(sentNames(p.serverEvents)).toEqual(['ServerHello', 'EncryptedExtensions', 'Certificate', 'CertificateVerify', 'Finished']);
    expect(p.clientEvents.some((e) => e.type === 'cert-report')).toBe(true);
    exchange(p);
  };

  it('a ticket from a server with another ticket key', () => {
    const { ticket } = firstConnection();
    const p = resume(ticket, { server: { ticketKey: OTHER_KEY } });
    full(p);
    expect(p.serverEvents.some((e) => e.type === 'note' && /cannot open/.test(e.text))).toBe(true);
  });

  it('a server without a ticket key', () => {
    const { ticket } = firstConnection();
    const p = makePair({ seed: 'x', client: { resume: ticket } });
    handshake(p);
    full(p);
  });

  it('an altered ticket (it no longer opens, so its binder is never checked)', () => {
    const { ticket } = firstConnection();
    const bad = { ...ticket, ticket: ticket.ticket.slice() };
    bad.ticket[20]! ^= 1;
    full(resume(bad));
  });

  it('an expired ticket (server clock past issue time + lifetime)', () => {
    const { ticket } = firstConnection();
    const later = new Date(AT.getTime() + 7201_000);
    // The client's clock says the ticket is young (it was received "later"), the server's that it expired.
    full(resume({ ...ticket, receivedAt: later.getTime() }, { client: { now: later }, server: { now: later } }));
  });

  it('a ticket whose suite hash the server does not choose (SHA-256 ticket, SHA-384 suite)', () => {
    const { ticket } = firstConnection();
    const p = resume(ticket, { server: { cipherSuites: ['TLS_AES_256_GCM_SHA384', 'TLS_AES_128_GCM_SHA256'] } });
    full(p);
    expect(p.serverEvents.some((e) => e.type === 'note' && /SHA-384/.test(e.text))).toBe(true);
  });

  it('the client does not offer an expired ticket, or one for another server name', () => {
    const { ticket } = firstConnection();
    const old = makePair({
      seed: 'y',
      client: { resume: ticket, now: new Date(AT.getTime() + 7201_000) },
      server: { ticketKey: TICKET_KEY, now: new Date(AT.getTime() + 7201_000) },
    });
    handshake(old);
    expect(old.client.state).toBe('Connected');
    const other = makePair({ seed: 'z', client: { resume: { ...ticket, serverName: 'other.test' } }, server: { ticketKey: TICKET_KEY } });
    handshake(other);
    for (const p of [old, other]) {
      const ch = decodeHandshake(frame(sentBytes(p.clientEvents, 'ClientHello')[0]!)).msg as Extract<HandshakeMessage, { type: 'ClientHello' }>;
      expect(ch.extensions.some((e) => e.type === 'pre_shared_key')).toBe(false);
      expect(negotiated(p.clientEvents).resumed).toBeUndefined();
    }
  });
});

describe('bad PSK offers and answers', () => {
  it('a tampered binder → decrypt_error', () => {
    const { ticket } = firstConnection();
    const p = resume(ticket, {}, (from, bytes, i) => {
      if (from !== 'client' || i !== 0) return bytes;
      const out = bytes.slice();
      out[out.length - 1]! ^= 0x01; // the binder is the last byte of the ClientHello
      return out;
    });
    expect(alertsSent(p.serverEvents)).toEqual(['decrypt_error']);
    expect(p.server.state).toBe('Closed');
    expect(p.client.state).toBe('Closed');
  });

  it('a binder for another PSK (a stolen ticket without its PSK) → decrypt_error', () => {
    const { ticket } = firstConnection();
    const p = resume({ ...ticket, psk: new Uint8Array(32).fill(1) });
    expect(alertsSent(p.serverEvents)).toEqual(['decrypt_error']);
  });

  /** The resuming client's ClientHello, re-encoded after `f` changes it, as a record to the server. */
  function serverGets(ticket: ResumptionTicket, f: (m: Extract<HandshakeMessage, { type: 'ClientHello' }>) => void): Pair {
    const p = makePair({ seed: 'bad', client: { resume: ticket }, server: { ticketKey: TICKET_KEY } });
    const ch = p.client.start()[0]!;
    const body = ch.slice(5);
    const m = decodeHandshake(frame(body)).msg as Extract<HandshakeMessage, { type: 'ClientHello' }>;
    f(m);
    expect(() => p.server.receive(rec(22, encodeHandshake(m).bytes, 0x0301))).not.toThrow();
    return p;
  }

  it('pre_shared_key not the last extension → illegal_parameter', () => {
    const { ticket } = firstConnection();
    const p = serverGets(ticket, (m) => {
      const psk = m.extensions.pop()!;
      m.extensions.splice(m.extensions.length - 1, 0, psk);
    });
    expect(alertsSent(p.serverEvents)).toEqual(['illegal_parameter']);
  });

  it('pre_shared_key without psk_key_exchange_modes → missing_extension', () => {
    const { ticket } = firstConnection();
    const p = serverGets(ticket, (m) => {
      m.extensions = m.extensions.filter((e) => e.type !== 'psk_key_exchange_modes');
    });
    expect(alertsSent(p.serverEvents)).toEqual(['missing_extension']);
  });

  it('more identities than binders → illegal_parameter', () => {
    const { ticket } = firstConnection();
    const p = serverGets(ticket, (m) => {
      const e = m.extensions[m.extensions.length - 1]!;
      if (e.type === 'pre_shared_key') e.identities.push({ ...e.identities[0]! });
    });
    expect(alertsSent(p.serverEvents)).toEqual(['illegal_parameter']);
  });

  it('psk_ke only (no (EC)DHE) → the server declines the PSK and does a full handshake', () => {
    const { ticket } = firstConnection();
    const p = serverGets(ticket, (m) => {
      const e = m.extensions.find((x) => x.type === 'psk_key_exchange_modes');
      if (e && e.type === 'psk_key_exchange_modes') e.modes = [0];
    });
    expect(alertsSent(p.serverEvents)).toEqual([]);
    expect(sentNames(p.serverEvents)).toContain('Certificate');
  });

  /** A resumption whose ServerHello the man in the middle rewrites. */
  function clientGets(f: (m: Extract<HandshakeMessage, { legacySessionIdEcho: Uint8Array }>) => void, server: Partial<ServerConfig> = {}): Pair {
    const { ticket } = firstConnection();
    return resume(ticket, { server }, (from, bytes) => {
      if (from !== 'server' || bytes[0] !== 22) return bytes;
      const body = bytes.slice(5);
      const m = decodeHandshake(frame(body)).msg as Extract<HandshakeMessage, { legacySessionIdEcho: Uint8Array }>;
      f(m);
      return rec(22, encodeHandshake(m).bytes);
    });
  }

  it('the server selecting an identity we did not offer → illegal_parameter', () => {
    const p = clientGets((m) => {
      const e = m.extensions.find((x) => x.type === 'pre_shared_key_selected');
      if (e && e.type === 'pre_shared_key_selected') e.selectedIdentity = 1;
    });
    expect(alertsSent(p.clientEvents)).toEqual(['illegal_parameter']);
  });

  it('the server selecting the PSK with a suite of another hash → illegal_parameter', () => {
    const p = clientGets((m) => {
      m.cipherSuite = 0x1302; // TLS_AES_256_GCM_SHA384; the ticket is SHA-256
    });
    expect(alertsSent(p.clientEvents)).toEqual(['illegal_parameter']);
  });

  it('a Certificate in a resumed handshake → unexpected_message', () => {
    const { ticket } = firstConnection();
    const p = makePair({ seed: 'cert', client: { resume: ticket }, server: { ticketKey: TICKET_KEY } });
    const flight = p.client.start().flatMap((r) => p.server.receive(r));
    // The server's EncryptedExtensions ‖ Finished record, re-sealed as EncryptedExtensions ‖ Certificate.
    const ev = p.serverEvents.find((e) => e.type === 'record' && e.direction === 'sent' && e.messages.includes('EncryptedExtensions')) as Extract<TlsEventBody, { type: 'record' }>;
    const info = ev.protected!;
    const eeLen = 4 + ((info.plaintext[1]! << 16) | (info.plaintext[2]! << 8) | info.plaintext[3]!);
    const cert = encodeHandshake({ type: 'Certificate', context: new Uint8Array(0), entries: [{ certData: pki().serverChain[0]!, extensions: [] }] }).bytes;
    const pt = concatBytes(info.plaintext.subarray(0, eeLen), cert, new Uint8Array([22]));
    const aad = new Uint8Array([23, 3, 3, (pt.length + 16) >> 8, (pt.length + 16) & 0xff]);
    const forged = concatBytes(aad, aeadSeal('AES-128-GCM', info.key, info.nonce, aad, pt));
    for (const r of flight) p.client.receive(r === ev.bytes ? forged : r);
    expect(alertsSent(p.clientEvents)).toEqual(['unexpected_message']);
    expect(p.clientEvents.some((e) => e.type === 'alert' && e.direction === 'sent' && /expected Finished, got Certificate/.test(e.reason ?? ''))).toBe(true);
  });
});

describe('runScenario with resumption', () => {
  const run = (s: Partial<Scenario>) => {
    const events: TlsEvent[] = [];
    const summary = runScenario({ ...DEFAULT_SCENARIO, at: '2026-11-25T12:00:00Z', seed: 'resume', resumption: true, ...s }, (e) => events.push(e));
    return { summary, events };
  };
  const names = (events: TlsEvent[]) => events.filter((e) => e.type === 'handshake' && e.direction === 'sent').map((e) => (e.type === 'handshake' ? `${e.side}:${e.name}` : ''));

  it('shows only the resumed handshake, after a note naming the earlier full handshake', () => {
    const { summary, events } = run({});
    expect(summary).toMatchObject({ ok: true, version: 'TLS 1.3', resumed: true });
    // The run's setup, then the note: before anything of the handshake shown.
    expect(events[0]).toMatchObject({ type: 'run', atSource: 'scenario', at: '2026-11-25T12:00:00.000Z' });
    events.shift();
    expect(events[0]).toMatchObject({ type: 'note', side: 'client', rfc: 'RFC 8446 §2.2' });
    const first = events[0] as Extract<TlsEvent, { type: 'note' }>;
    expect(first.text).toMatch(/earlier full handshake.*seed "resume".*not shown/);
    expect(names(events)).toEqual(['client:ClientHello', 'server:ServerHello', 'server:EncryptedExtensions', 'server:Finished', 'client:Finished', 'server:NewSessionTicket']);
    expect(events.some((e) => e.type === 'cert-report' || e.type === 'cert-check')).toBe(false);
    // Only the shown run's records: the first is the resuming ClientHello, and record ids start at 0.
    const recs = events.filter((e) => e.type === 'record' && e.side === 'client' && e.direction === 'sent');
    expect(recs[0]!.type === 'record' && recs[0]!.recordId).toBe('c2s:0');
    expect(events.filter((e) => e.type === 'state' && e.to === 'Connected')).toHaveLength(2);
  });

  it('same seed → same bytes; another seed → other bytes', () => {
    const bytes = (seed: string) =>
      run({ seed })
        .events.filter((e) => e.type === 'record' && e.direction === 'sent')
        .map((e) => (e.type === 'record' ? toHex(e.bytes) : ''));
    const a = bytes('d1');
    expect(bytes('d1')).toEqual(a);
    expect(bytes('d2')).not.toEqual(a);
  });

  it('with HelloRetryRequest and mutual TLS: resumes, no client certificate asked', () => {
    const { summary, events } = run({ helloRetry: true, mutual: true });
    expect(summary).toMatchObject({ ok: true, resumed: true });
    expect(names(events)).toEqual([
      'client:ClientHello',
      'server:HelloRetryRequest',
      'client:ClientHello',
      'server:ServerHello',
      'server:EncryptedExtensions',
      'server:Finished',
      'client:Finished',
      'server:NewSessionTicket',
    ]);
  });

  it('TLS 1.2: a note, and a full handshake', () => {
    const { summary, events } = run({ version: 'TLS 1.2' });
    expect(summary.ok).toBe(true);
    expect(summary.resumed).toBeUndefined();
    expect(events.some((e) => e.type === 'note' && /TLS 1\.3 option/.test(e.text))).toBe(true);
    expect(names(events)).toContain('server:Certificate');
  });

  it('an earlier handshake that fails gives no ticket: the run is a full handshake (and fails the same way)', () => {
    const { summary, events } = run({ fault: 'untrusted-root' });
    expect(summary.alert).toBe('unknown_ca');
    expect(events.some((e) => e.type === 'note' && /No ticket to resume with: the earlier full handshake failed: client sent unknown_ca/.test(e.text))).toBe(true);
  });

  it('faults: an altered server Finished still fails; bad-signature has nothing to break (a note says so)', () => {
    expect(run({ fault: 'bad-server-finished' }).summary).toMatchObject({ alert: 'decrypt_error', resumed: true });
    const { summary, events } = run({ fault: 'bad-signature' });
    expect(summary).toMatchObject({ ok: true, resumed: true });
    expect(events.some((e) => e.type === 'note' && /bad-signature fault .* unaffected/.test(e.text))).toBe(true);
    expect(run({ fault: 'downgrade' }).summary.alert).toBe('illegal_parameter');
  });

  it('without resumption nothing changes: no ticket, no note', () => {
    const { summary, events } = run({ resumption: false });
    expect(summary.ok).toBe(true);
    expect(summary.resumed).toBeUndefined();
    expect(names(events)).not.toContain('server:NewSessionTicket');
    expect(events.some((e) => e.type === 'note' && /resum/i.test(e.text))).toBe(false);
  });

  it('0-RTT: the request goes with the ClientHello and is answered once; rejected by a HelloRetryRequest, it is sent again', () => {
    const { summary, events } = run({ earlyData: true });
    expect(summary).toMatchObject({ ok: true, resumed: true });
    const flow = events
      .filter((e) => (e.type === 'handshake' || e.type === 'appdata') && e.direction === 'sent')
      .map((e) => (e.type === 'handshake' ? `${e.side}:${e.name}` : `${e.side}:appdata`));
    expect(flow.slice(0, 3)).toEqual(['client:ClientHello', 'client:appdata', 'server:ServerHello']);
    expect(flow).toContain('client:EndOfEarlyData');
    expect(flow.filter((f) => f === 'client:appdata')).toHaveLength(1);
    expect(flow.filter((f) => f === 'server:appdata')).toHaveLength(1);
    const retried = run({ earlyData: true, helloRetry: true });
    expect(retried.summary.ok).toBe(true);
    const appdata = retried.events.filter((e) => e.type === 'appdata' && e.direction === 'sent' && e.side === 'client');
    expect(appdata).toHaveLength(2);
    expect(retried.events.some((e) => e.type === 'note' && /rejected the 0-RTT request/.test(e.text))).toBe(true);
    // Without resumption there is no ticket, so no early data.
    const alone = run({ earlyData: true, resumption: false });
    expect(alone.summary.ok).toBe(true);
    expect(alone.events.some((e) => e.type === 'note' && /needs a resumed session/.test(e.text))).toBe(true);
  });

  it('tlslab simulate --resume', async () => {
    let out = '';
    let err = '';
    const io: Io = { out: (t) => (out += t), err: (t) => (err += t), isTty: false };
    expect(await main(['simulate', '--resume', '--seed', 'cli', '--at', '2026-11-25T12:00:00Z'], io)).toBe(0);
    expect(out).toContain('resumed with a session ticket (PSK)');
    expect(out).not.toContain('Certificate');
    expect(await main(['simulate', '--resume', '--tls', '1.2'], io)).toBe(2);
    expect(err).toContain('--resume needs TLS 1.3');
    out = '';
    expect(await main(['simulate', '--resume', '--early-data', '--seed', 'cli', '--at', '2026-11-25T12:00:00Z'], io)).toBe(0);
    expect(out).toContain('0-RTT data accepted');
    expect(out).toContain('EndOfEarlyData');
    expect(await main(['simulate', '--early-data'], io)).toBe(2);
    expect(err).toContain('--early-data needs --resume');
  });
});

describe('tlslab serve --tickets', () => {
  it('turns tickets on with one ticket key for every connection; rejects a bad count', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tlslab-tickets-'));
    try {
      const on = await serveSetup(parseArgs(['--port', '0', '--tickets', '2'], SERVE_FLAGS), dir);
      expect(on.config.sessionTickets).toBe(2);
      expect(on.config.ticketKey?.length).toBe(32);
      const off = await serveSetup(parseArgs(['--port', '0'], SERVE_FLAGS), dir);
      expect(off.config.sessionTickets).toBeUndefined();
      await expect(serveSetup(parseArgs(['--port', '0', '--tickets', 'x'], SERVE_FLAGS), dir)).rejects.toThrow(/bad --tickets/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('0-RTT early data (RFC 8446 §2.3, §4.2.10)', () => {
  const EARLY = utf8.encode('GET /early HTTP/1.1\r\n\r\n');
  const states = (events: TlsEventBody[]) => events.filter((e) => e.type === 'state').map((e) => (e as { to: string }).to);
  const ticketWithEarly = (server: Partial<ServerConfig> = {}) => firstConnection({ server: { maxEarlyData: 1024, ...server } }).ticket;

  it('accepted: the data arrives before the handshake ends, EndOfEarlyData closes it, both sides agree on the early secrets', () => {
    const ticket = ticketWithEarly();
    expect(ticket.maxEarlyDataSize).toBe(1024);
    const p = makePair({ seed: 'early', client: { resume: ticket, earlyData: EARLY }, server: { ticketKey: TICKET_KEY, maxEarlyData: 1024 } });
    const first = p.client.start();
    // The ClientHello, the middlebox CCS, then the 0-RTT record.
    expect(first).toHaveLength(3);
    const early = pumpEarly(p, first);
    expect(alertsSent(p.clientEvents)).toEqual([]);
    expect(alertsSent(p.serverEvents)).toEqual([]);
    expect(early).toBe(utf8.decode(EARLY));
    expect(p.client.earlyData).toBe('accepted');
    expect(negotiated(p.clientEvents)).toMatchObject({ resumed: true, earlyData: 'accepted' });
    expect(sentNames(p.clientEvents)).toEqual(['ClientHello', 'EndOfEarlyData', 'Finished']);
    expect(states(p.serverEvents)).toContain('ExpectEndOfEarlyData');
    const c = secrets(p.clientEvents);
    const s = secrets(p.serverEvents);
    for (const n of ['client_early_traffic_secret', 'early_exporter_master_secret', 'client_early_write_key', 'client_early_write_iv', 'resumption_master_secret']) {
      expect(c.get(n), n).toBeDefined();
      expect(c.get(n), n).toEqual(s.get(n));
    }
    const rec = p.clientEvents.find(
      (e) => e.type === 'record' && e.direction === 'sent' && e.contentType === 'application_data' && e.protected?.keyName === 'client_early_traffic_secret',
    );
    expect(rec).toBeDefined();
    exchange(p);
  });

  const rejected = (p: Pair, dropped: number) => {
    expect(alertsSent(p.clientEvents)).toEqual([]);
    expect(alertsSent(p.serverEvents)).toEqual([]);
    expect(p.client.state).toBe('Connected');
    expect(p.server.state).toBe('Connected');
    expect(p.client.earlyData).toBe('rejected');
    expect(negotiated(p.clientEvents).earlyData).toBe('rejected');
    expect(sentNames(p.clientEvents)).not.toContain('EndOfEarlyData');
    expect(p.serverEvents.filter((e) => e.type === 'note' && /Dropped a 0-RTT record/.test(e.text))).toHaveLength(dropped);
    expect(p.serverEvents.some((e) => e.type === 'appdata')).toBe(false);
    expect(p.server.readAppData()).toHaveLength(0);
    exchange(p);
  };

  it('rejected by a server that takes no early data: the records are skipped, the handshake resumes', () => {
    const p = resume(ticketWithEarly(), { client: { earlyData: EARLY }, server: { maxEarlyData: 0 } });
    rejected(p, 1);
    expect(negotiated(p.serverEvents).resumed).toBe(true);
  });

  it('rejected by a HelloRetryRequest: the second ClientHello has no early_data, the records are skipped', () => {
    const p = resume(ticketWithEarly(), {
      client: { earlyData: EARLY, groups: ['x25519', 'secp256r1'], keyShareGroups: ['secp256r1'] },
      server: { maxEarlyData: 1024, groups: ['x25519'] },
    });
    rejected(p, 1);
    const chs = sentBytes(p.clientEvents, 'ClientHello').map((b) => decodeHandshake(frame(b)).msg as Extract<HandshakeMessage, { type: 'ClientHello' }>);
    expect(chs[0]!.extensions.some((e) => e.type === 'early_data')).toBe(true);
    expect(chs[1]!.extensions.some((e) => e.type === 'early_data')).toBe(false);
    expect(negotiated(p.serverEvents).resumed).toBe(true);
  });

  it('rejected with the ticket (another ticket key): a full handshake, the records are skipped', () => {
    const p = resume(ticketWithEarly(), { client: { earlyData: EARLY }, server: { ticketKey: OTHER_KEY, maxEarlyData: 1024 } });
    rejected(p, 1);
    expect(sentNames(p.serverEvents)).toContain('Certificate');
  });

  it('rejected when the ALPN differs from the ticket’s', () => {
    const ticket = ticketWithEarly({ alpn: ['http/1.1'] });
    expect(ticket.alpn).toBeUndefined(); // the first client offered no ALPN
    const withAlpn = firstConnection({ client: { alpn: ['h2', 'http/1.1'] }, server: { maxEarlyData: 1024, alpn: ['http/1.1'] } }).ticket;
    expect(withAlpn.alpn).toBe('http/1.1');
    const p = resume(withAlpn, { client: { earlyData: EARLY, alpn: ['h2', 'http/1.1'] }, server: { maxEarlyData: 1024, alpn: ['h2'] } });
    rejected(p, 1);
    expect(p.serverEvents.some((e) => e.type === 'note' && /ALPN/.test(e.text))).toBe(true);
  });

  it('not sent when the ticket allows none, or less than the data', () => {
    for (const [ticket, re] of [
      [firstConnection().ticket, /allows no early data/],
      [ticketWithEarly({ maxEarlyData: 8 }), /more than the ticket's max_early_data_size 8/],
    ] as const) {
      const p = resume(ticket, { client: { earlyData: EARLY }, server: { maxEarlyData: 1024 } });
      expect(p.client.earlyData).toBeUndefined();
      expect(p.clientEvents.some((e) => e.type === 'note' && re.test(e.text))).toBe(true);
      expect(negotiated(p.serverEvents).resumed).toBe(true);
    }
  });

  it('more early data than the ticket allows → unexpected_message', () => {
    const ticket = ticketWithEarly({ maxEarlyData: 16 });
    const p = resume({ ...ticket, maxEarlyDataSize: 4096 }, { client: { earlyData: new Uint8Array(100) }, server: { maxEarlyData: 16 } });
    expect(alertsSent(p.serverEvents)).toEqual(['unexpected_message']);
  });

  it('a server that chooses TLS 1.2 cannot read the 0-RTT record (unexpected_message); the client drops its early key', () => {
    const ticket = ticketWithEarly();
    const p = makePair({ seed: 'v12', client: { resume: ticket, earlyData: EARLY, versions: ['TLS 1.3', 'TLS 1.2'] }, server: { versions: ['TLS 1.2'] } });
    handshake(p);
    expect(alertsSent(p.serverEvents)).toEqual(['unexpected_message']);
    expect(p.client.earlyData).toBe('rejected');
    expect(p.clientEvents.some((e) => e.type === 'note' && /chose TLS 1\.2/.test(e.text))).toBe(true);
  });

  it('early_data in a second ClientHello → illegal_parameter', () => {
    const p = makePair({ seed: 'eh', client: { groups: ['x25519', 'secp256r1'], keyShareGroups: ['secp256r1'] }, server: { groups: ['x25519'] } });
    const ch1 = p.client.start();
    const hrr = ch1.flatMap((r) => p.server.receive(r));
    const ch2 = hrr.flatMap((r) => p.client.receive(r)).filter((r) => r[0] === 22)[0]!;
    const m = decodeHandshake(frame(ch2.slice(5))).msg as Extract<HandshakeMessage, { type: 'ClientHello' }>;
    m.extensions.splice(0, 0, { type: 'early_data' });
    p.server.receive(rec(22, encodeHandshake(m).bytes));
    expect(alertsSent(p.serverEvents)).toEqual(['illegal_parameter']);
  });
});
