/**
 * TLS 1.3 session resumption with OpenSSL through node:tls, on 127.0.0.1, both directions
 * (RFC 8446 §2.2, §4.2.11, §4.6.1):
 *   - our client gets NewSessionTickets from a node:tls server and resumes with one; node:tls
 *     reports isSessionReused(), and our events have no Certificate in the resumed connection;
 *   - a node:tls client takes our server's ticket (its `session` event) and resumes with it
 *     (tls.connect({ session })); node:tls reports isSessionReused().
 * Also with a HelloRetryRequest in the resumed handshake (the binder is recomputed), and the
 * fallback to a full handshake when the server cannot open the ticket. 0-RTT early data
 * (RFC 8446 §2.3) with the `openssl` command, which can send and receive it (node:tls cannot):
 * our client → `openssl s_server -early_data`, and `openssl s_client -early_data` → our server.
 */
import { writeFileSync } from 'node:fs';
import { connect as netConnect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type TlsClient } from '../src/client/client';
import type { ClientConfig } from '../src/config';
import { systemRng } from '../src/crypto/rng';
import { describeFailure, driveEndpoint } from '../src/cli/socket';
import type { TlsEvent } from '../src/events';
import { freePort, makeOpensslPki, pemCertsToDer, spawnProcess, type OpensslPki } from './interop-helpers';
import { HOST, negotiated, REQUEST, runEngineClient, runNodeClient, startEngineServer, startNodeServer, usePki, waitFor } from './interop-peers';

let pki: OpensslPki;

beforeAll(() => {
  pki = makeOpensslPki();
  usePki(pki);
}, 60_000);

afterAll(() => {
  pki?.cleanup();
});

const handshakeNames = (events: readonly TlsEvent[], side: 'client' | 'server') =>
  events.filter((e) => e.type === 'handshake' && e.side === side).map((e) => (e.type === 'handshake' ? `${e.direction}:${e.name}` : ''));

describe('our client resumes with a node:tls (OpenSSL) server', () => {
  for (const hrr of [false, true])
    it(`takes a ticket from the first connection and resumes with it${hrr ? ', through a HelloRetryRequest' : ''}`, async () => {
      const ns = await startNodeServer('ecdsa-p256', hrr ? { ecdhCurve: 'P-256' } : {});
      try {
        const over = hrr ? { groups: ['x25519' as const, 'secp256r1' as const], keyShareGroups: ['x25519' as const] } : {};
        const first = await runEngineClient(ns.port, over);
        expect(first.outcome.connected, describeFailure(first.outcome, 'server')).toBe(true);
        expect(ns.reused.get(first.localPort)).toBe(false);
        // OpenSSL sends two NewSessionTickets after a full handshake.
        expect(first.tickets.length).toBeGreaterThanOrEqual(1);
        expect(handshakeNames(first.events, 'client')).toContain('received:NewSessionTicket');
        expect(handshakeNames(first.events, 'client')).toContain('received:Certificate');

        const second = await runEngineClient(ns.port, { ...over, resume: first.tickets[0]! });
        expect(second.outcome.alertSent, describeFailure(second.outcome, 'server')).toBeUndefined();
        expect(second.outcome.alertReceived, describeFailure(second.outcome, 'server')).toBeUndefined();
        expect(second.outcome.connected).toBe(true);
        expect(second.answer).toContain('hello from node:tls, you asked GET /interop HTTP/1.1');
        // OpenSSL says the session was reused; our events say the same, and there was no certificate.
        expect(ns.reused.get(second.localPort)).toBe(true);
        expect(negotiated(second.events, 'client')).toMatchObject({ version: 'TLS 1.3', resumed: true, ...(hrr ? { helloRetry: true, group: 'secp256r1' } : {}) });
        const names = handshakeNames(second.events, 'client');
        expect(names).not.toContain('received:Certificate');
        expect(names).not.toContain('received:CertificateVerify');
        expect(names.slice(0, hrr ? 6 : 4)).toEqual(
          hrr
            ? ['sent:ClientHello', 'received:HelloRetryRequest', 'sent:ClientHello', 'received:ServerHello', 'received:EncryptedExtensions', 'received:Finished']
            : ['sent:ClientHello', 'received:ServerHello', 'received:EncryptedExtensions', 'received:Finished'],
        );
        expect(second.events.some((e) => e.type === 'cert-report')).toBe(false);
        expect(ns.errors).toEqual([]);
      } finally {
        ns.server.close();
      }
    });

  it('falls back to a full handshake when another node:tls server cannot open the ticket', async () => {
    const a = await startNodeServer('ecdsa-p256');
    const b = await startNodeServer('ecdsa-p256');
    try {
      const first = await runEngineClient(a.port);
      expect(first.tickets.length).toBeGreaterThanOrEqual(1);
      const second = await runEngineClient(b.port, { resume: first.tickets[0]! });
      expect(second.outcome.connected, describeFailure(second.outcome, 'server')).toBe(true);
      expect(b.reused.get(second.localPort)).toBe(false);
      expect(negotiated(second.events, 'client').resumed).toBe(false);
      expect(handshakeNames(second.events, 'client')).toContain('received:Certificate');
    } finally {
      a.server.close();
      b.server.close();
    }
  });
});

describe('a node:tls (OpenSSL) client resumes with our server', () => {
  const ticketKey = new Uint8Array(32).fill(0x42);

  for (const hrr of [false, true])
    it(`uses our ticket (tls.connect({ session })) and resumes${hrr ? ', through a HelloRetryRequest' : ''}`, async () => {
      const es = await startEngineServer('rsa-2048', { sessionTickets: 2, ticketKey, ...(hrr ? { groups: ['secp256r1' as const] } : {}) });
      try {
        const opts = hrr ? { ecdhCurve: 'X25519:P-256' } : {};
        const first = await runNodeClient(es.port, opts);
        expect(first.error).toBeUndefined();
        expect(first.ok).toBe(true);
        expect(first.reused).toBe(false);
        expect(first.session).toBeDefined();
        await waitFor(() => es.runs[0]?.outcome !== undefined);
        expect(handshakeNames(es.runs[0]!.events, 'server').filter((n) => n === 'sent:NewSessionTicket')).toHaveLength(2);

        const second = await runNodeClient(es.port, { ...opts, session: first.session! });
        expect(second.error).toBeUndefined();
        expect(second.ok).toBe(true);
        expect(second.protocol).toBe('TLSv1.3');
        expect(second.reused).toBe(true);
        expect(second.answer).toContain('hello from tlslab');
        await waitFor(() => es.runs[1]?.outcome !== undefined);
        const ev = es.runs[1]!.events;
        expect(es.runs[1]!.outcome!.alertSent).toBeUndefined();
        expect(negotiated(ev, 'server')).toMatchObject({ version: 'TLS 1.3', resumed: true, ...(hrr ? { helloRetry: true } : {}) });
        const names = handshakeNames(ev, 'server');
        expect(names).not.toContain('sent:Certificate');
        expect(names).not.toContain('sent:CertificateVerify');
        expect(names).toContain('sent:EncryptedExtensions');
        const binders = ev.filter((e) => e.type === 'secret' && e.name === 'psk_binder');
        expect(binders).toHaveLength(1);
      } finally {
        es.server.close();
      }
    });

  it('a node:tls client whose ticket another key sealed gets a full handshake', async () => {
    const a = await startEngineServer('ecdsa-p256', { sessionTickets: 1, ticketKey });
    const b = await startEngineServer('ecdsa-p256', { ticketKey: new Uint8Array(32).fill(0x43) });
    try {
      const first = await runNodeClient(a.port, {});
      expect(first.session).toBeDefined();
      const second = await runNodeClient(b.port, { session: first.session! });
      expect(second.error).toBeUndefined();
      expect(second.ok).toBe(true);
      expect(second.reused).toBe(false);
      await waitFor(() => b.runs[0]?.outcome !== undefined);
      expect(negotiated(b.runs[0]!.events, 'server').resumed).toBe(false);
      expect(handshakeNames(b.runs[0]!.events, 'server')).toContain('sent:Certificate');
    } finally {
      a.server.close();
      b.server.close();
    }
  });
});

describe('0-RTT early data with the openssl command', () => {
  /** Our client over TCP, closed by us as soon as `done(client)` holds (openssl s_server never closes first). */
  async function engineClientUntil(port: number, over: Partial<ClientConfig>, done: (c: TlsClient) => boolean) {
    const socket = netConnect({ host: '127.0.0.1', port });
    let client: TlsClient | undefined;
    let closing = false;
    const driver = driveEndpoint(socket, (sink) => (client = createClient({ rng: systemRng(), sink, serverName: HOST, trustAnchors: pemCertsToDer(pki.rootPem), ...over })), {
      onEvent: () => {
        if (!closing && client && done(client)) {
          closing = true;
          setImmediate(() => driver.close());
        }
      },
    });
    const timer = setTimeout(() => socket.destroy(new Error('test timeout')), 15_000);
    const outcome = await driver.finished;
    clearTimeout(timer);
    return { outcome, events: driver.events, client: client! };
  }

  it('our client sends 0-RTT data that openssl s_server accepts', async () => {
    const port = await freePort();
    const pair = pki.server['ecdsa-p256'];
    const server = spawnProcess('openssl', [
      's_server',
      '-accept',
      `127.0.0.1:${port}`,
      '-cert',
      pair.certFile,
      '-cert_chain',
      join(pki.dir, 'inter.pem'),
      '-key',
      pair.keyFile,
      '-tls1_3',
      '-early_data',
      '-max_early_data',
      '16384',
      '-no_anti_replay',
    ]);
    try {
      await server.waitFor('ACCEPT');
      const first = await engineClientUntil(port, {}, (c) => c.tickets.length > 0);
      expect(first.outcome.alertSent, describeFailure(first.outcome, 'server')).toBeUndefined();
      const ticket = first.client.tickets[0]!;
      expect(ticket.maxEarlyDataSize).toBe(16384);
      const early = new TextEncoder().encode('tlslab 0-RTT hello\n');
      const second = await engineClientUntil(port, { resume: ticket, earlyData: early }, (c) => c.connected);
      expect(second.outcome.alertSent, describeFailure(second.outcome, 'server')).toBeUndefined();
      expect(second.outcome.alertReceived).toBeUndefined();
      expect(second.client.earlyData).toBe('accepted');
      expect(negotiated(second.events, 'client')).toMatchObject({ resumed: true, earlyData: 'accepted' });
      expect(handshakeNames(second.events, 'client')).toContain('sent:EndOfEarlyData');
      expect(handshakeNames(second.events, 'client')).not.toContain('received:Certificate');
      // s_server prints its status on stderr and the data on stdout: the two interleave in any order.
      await server.waitFor('End of early data', 5000);
      await server.waitFor('tlslab 0-RTT hello', 5000);
      expect(server.output()).toContain('Early data received:');
    } finally {
      server.kill();
    }
  });

  it('openssl s_client sends 0-RTT data that our server accepts and answers', async () => {
    const es = await startEngineServer('ecdsa-p256', { sessionTickets: 1, ticketKey: new Uint8Array(32).fill(5), maxEarlyData: 16384 });
    try {
      const sess = join(pki.dir, 'early-session.pem');
      const earlyFile = join(pki.dir, 'early-data.txt');
      writeFileSync(earlyFile, REQUEST);
      const common = ['s_client', '-connect', `127.0.0.1:${es.port}`, '-servername', HOST, '-CAfile', pki.rootFile, '-verify_return_error', '-tls1_3', '-ign_eof'];
      const c1 = spawnProcess('openssl', [...common, '-sess_out', sess], { stdin: REQUEST });
      expect(await c1.exited).toBe(0);
      expect(c1.output()).toContain('New, TLSv1.3');
      const c2 = spawnProcess('openssl', [...common, '-sess_in', sess, '-early_data', earlyFile], { stdin: '' });
      expect(await c2.exited).toBe(0);
      const out = c2.output();
      expect(out).toContain('Reused, TLSv1.3');
      expect(out).toContain('Early data was accepted');
      expect(out).toContain('hello from tlslab');
      await waitFor(() => es.runs[1]?.outcome !== undefined);
      const ev = es.runs[1]!.events;
      expect(es.runs[1]!.outcome!.alertSent).toBeUndefined();
      expect(negotiated(ev, 'server')).toMatchObject({ resumed: true, earlyData: 'accepted' });
      expect(handshakeNames(ev, 'server')).toContain('received:EndOfEarlyData');
      expect(handshakeNames(ev, 'server')).not.toContain('sent:Certificate');
    } finally {
      es.server.close();
    }
  });
});
