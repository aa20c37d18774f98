/**
 * `tlslab relay` and live runs over it: the bridge binds 127.0.0.1 only, refuses targets that
 * are not allowed and pages from other origins, and carries real TLS both ways — our client
 * (as the page runs it) against `openssl s_server`, and `openssl s_client` against our server.
 */
import { networkInterfaces } from 'node:os';
import { connect as netConnect, createServer as netCreateServer, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { RELAY_CLOSE, parseAllowList, startRelay, targetAllowed, type Relay } from '../src/cli/relay';
import { runLive } from '../src/live';
import { relayTransport, type RelaySocket } from '../src/io/websocket';
import type { TlsEvent } from '../src/events';
import { freePort, makeOpensslPki, spawnProcess, type OpensslPki, type Spawned } from './interop-helpers';

let pki: OpensslPki;
const spawned: Spawned[] = [];
const relays: Relay[] = [];

beforeAll(() => {
  pki = makeOpensslPki();
}, 30_000);

afterAll(async () => {
  for (const p of spawned) p.kill();
  for (const r of relays) await r.close();
  pki?.cleanup();
});

async function relay(opts: { allow?: string[]; listen?: number } = {}): Promise<Relay> {
  const r = await startRelay({ port: 0, allow: opts.allow ?? [], listen: opts.listen });
  relays.push(r);
  return r;
}

/** Opens a WebSocket and resolves with how it ended: the close code and reason (or the HTTP refusal). */
function closeOf(url: string, headers: Record<string, string> = {}): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers });
    ws.on('unexpected-response', (_req, res) => resolve({ code: res.statusCode ?? 0, reason: 'http' }));
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
    ws.on('error', () => {});
  });
}

describe('tlslab relay: who may use it, and where it may go', () => {
  it('listens on 127.0.0.1 only, for the page and for TCP clients', async () => {
    const r = await relay({ listen: 0 });
    expect(r.addresses).toEqual(['127.0.0.1', '127.0.0.1']);
    // Another address of this machine does not reach either port.
    const other = Object.values(networkInterfaces())
      .flat()
      .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
    if (other) {
      for (const port of [r.port, r.listenPort!]) {
        const err = await new Promise<string>((resolve) => {
          const s: Socket = netConnect({ host: other, port });
          s.on('connect', () => {
            s.destroy();
            resolve('connected');
          });
          s.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
        });
        expect(err).toBe('ECONNREFUSED');
      }
    }
  });

  it('reaches loopback targets by default and others only when --allow lists them', () => {
    expect(targetAllowed('127.0.0.1', 4433, [])).toBe(true);
    expect(targetAllowed('localhost', 443, [])).toBe(true);
    expect(targetAllowed('::1', 443, [])).toBe(true);
    expect(targetAllowed('example.com', 443, [])).toBe(false);
    expect(targetAllowed('10.0.0.5', 8443, [])).toBe(false);
    const allow = parseAllowList('Example.com:443, 10.0.0.5:8443');
    expect(allow).toEqual(['example.com:443', '10.0.0.5:8443']);
    expect(targetAllowed('example.com', 443, allow)).toBe(true);
    expect(targetAllowed('EXAMPLE.com', 443, allow)).toBe(true);
    expect(targetAllowed('example.com', 8443, allow)).toBe(false);
    expect(targetAllowed('www.example.com', 443, allow)).toBe(false);
  });

  it('refuses a target that is not allowed, with the reason and the flag that would allow it', async () => {
    // A TCP server on a non-loopback name would be reachable; the relay must not even try.
    let reached = false;
    const tcp = netCreateServer((s) => {
      reached = true;
      s.destroy();
    });
    await new Promise<void>((r) => tcp.listen(0, '127.0.0.1', () => r()));
    const port = (tcp.address() as AddressInfo).port;
    const r = await relay();
    const res = await closeOf(`ws://127.0.0.1:${r.port}/connect?to=example.com:${port}`);
    expect(res.code).toBe(RELAY_CLOSE.notAllowed);
    expect(res.reason).toContain(`--allow example.com:${port}`);
    const bad = await closeOf(`ws://127.0.0.1:${r.port}/connect?to=nonsense`);
    expect(bad.code).toBe(RELAY_CLOSE.badRequest);
    const noListen = await closeOf(`ws://127.0.0.1:${r.port}/accept`);
    expect(noListen.code).toBe(RELAY_CLOSE.badRequest);
    expect(noListen.reason).toContain('--listen');
    expect(reached).toBe(false);
    tcp.close();
  });

  it('refuses a page from another origin (no web site can drive it), accepts localhost pages', async () => {
    const port = await freePort();
    const tcp = netCreateServer((s) => s.end());
    await new Promise<void>((r) => tcp.listen(port, '127.0.0.1', () => r()));
    const r = await relay();
    const evil = await closeOf(`ws://127.0.0.1:${r.port}/connect?to=127.0.0.1:${port}`, { Origin: 'https://evil.example' });
    expect(evil).toEqual({ code: 401, reason: 'http' });
    const page = await closeOf(`ws://127.0.0.1:${r.port}/connect?to=127.0.0.1:${port}`, { Origin: 'http://127.0.0.1:4173' });
    expect(page.code).toBe(1000);
    tcp.close();
  });

  it('says why when the target does not answer', async () => {
    const r = await relay();
    const port = await freePort();
    const res = await closeOf(`ws://127.0.0.1:${r.port}/connect?to=127.0.0.1:${port}`);
    expect(res.code).toBe(RELAY_CLOSE.connectFailed);
    expect(res.reason).toContain('ECONNREFUSED');
  });
});

function openWs(url: string): RelaySocket {
  return new WebSocket(url) as unknown as RelaySocket;
}

describe('live runs through the relay', () => {
  it("the page's client against openssl s_server: the real server's records, chain report and answer", async () => {
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
      '-www',
      '-tls1_3',
      '-naccept',
      '1',
    ]);
    spawned.push(server);
    await server.waitFor('ACCEPT');
    const r = await relay();
    const events: TlsEvent[] = [];
    const summary = await runLive(
      { mode: 'client', target: `127.0.0.1:${port}`, scenario: { seed: 'relay', serverName: 'localhost', extraTrustPem: pki.rootPem } as never },
      relayTransport(openWs(`ws://127.0.0.1:${r.port}/connect?to=127.0.0.1:${port}`)),
      (e) => events.push(e),
    );
    expect(summary.error).toBeUndefined();
    expect(summary.ok).toBe(true);
    expect(summary.version).toBe('TLS 1.3');
    // The real server's flight is drawn as its own records, with the bytes the client received.
    const serverSent = events.filter((e) => e.type === 'record' && e.side === 'server' && e.direction === 'sent');
    const clientGot = events.filter((e) => e.type === 'record' && e.side === 'client' && e.direction === 'received');
    expect(serverSent.length).toBeGreaterThan(2);
    expect(serverSent.map((e) => (e as Extract<TlsEvent, { type: 'record' }>).recordId)).toEqual(clientGot.map((e) => (e as Extract<TlsEvent, { type: 'record' }>).recordId));
    const names = events.filter((e) => e.type === 'handshake' && e.side === 'client' && e.direction === 'received').map((e) => (e as { name: string }).name);
    expect(names.slice(0, 5)).toEqual(['ServerHello', 'EncryptedExtensions', 'Certificate', 'CertificateVerify', 'Finished']);
    const report = events.find((e) => e.type === 'cert-report');
    expect(report && report.type === 'cert-report' && report.report.ok).toBe(true);
    const answer = events
      .filter((e) => e.type === 'appdata' && e.direction === 'received')
      .map((e) => new TextDecoder().decode((e as { data: Uint8Array }).data))
      .join('');
    expect(answer).toMatch(/^HTTP\/1\.0 200 ok/);
    expect(answer).toContain('TLS_AES_128_GCM_SHA256');
    expect(events.some((e) => e.type === 'note' && e.text.includes('real TLS server'))).toBe(true);
    // seq numbers stay in order after the mirrored records were added.
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i));
  }, 30_000);

  it("without the server's CA, the real server's certificate fails the check and the client says so", async () => {
    const port = await freePort();
    const pair = pki.server['ecdsa-p256'];
    const server = spawnProcess('openssl', ['s_server', '-accept', `127.0.0.1:${port}`, '-cert', pair.certFile, '-key', pair.keyFile, '-www', '-tls1_3', '-naccept', '1']);
    spawned.push(server);
    await server.waitFor('ACCEPT');
    const r = await relay();
    const events: TlsEvent[] = [];
    const summary = await runLive(
      { mode: 'client', target: `127.0.0.1:${port}`, scenario: { seed: 'relay', serverName: 'localhost' } as never },
      relayTransport(openWs(`ws://127.0.0.1:${r.port}/connect?to=127.0.0.1:${port}`)),
      (e) => events.push(e),
    );
    expect(summary.ok).toBe(false);
    expect(summary.alert).toBe('unknown_ca');
    expect(events.some((e) => e.type === 'note' && e.text.includes('No trust anchors were added'))).toBe(true);
  }, 30_000);

  it("openssl s_client against the page's server: curl-like clients reach the engine through --listen", async () => {
    const r = await relay({ listen: 0 });
    const events: TlsEvent[] = [];
    const ws = openWs(`ws://127.0.0.1:${r.port}/accept`);
    await new Promise((res) => (ws as unknown as WebSocket).once('open', res));
    let remote = '';
    const live = runLive(
      { mode: 'server', scenario: { seed: 'relay-server', serverName: 'localhost' } as never },
      relayTransport(ws, (addr) => (remote = addr)),
      (e) => events.push(e),
      { remoteAddress: () => remote },
    );
    const client = spawnProcess('openssl', ['s_client', '-connect', `127.0.0.1:${r.listenPort}`, '-servername', 'localhost', '-tls1_3', '-ign_eof'], {
      stdin: 'GET / HTTP/1.1\r\nHost: localhost\r\n\r\n',
    });
    spawned.push(client);
    const summary = await live;
    await client.exited;
    expect(summary.error).toBeUndefined();
    expect(summary.ok).toBe(true);
    expect(remote).toMatch(/^127\.0\.0\.1:\d+$/);
    // The run opens with a note naming the real client and where it came from.
    expect(events[0]).toMatchObject({ type: 'note', realPeer: { side: 'client', address: remote } });
    expect(client.output()).toContain("Hello from TLS Lab's engine in your browser!");
    const got = events.filter((e) => e.type === 'handshake' && e.side === 'server' && e.direction === 'received').map((e) => (e as { name: string }).name);
    expect(got[0]).toBe('ClientHello');
    // OpenSSL's own ClientHello is drawn as the client's record.
    const first = events.find((e) => e.type === 'record' && e.side === 'client' && e.direction === 'sent');
    expect(first && first.type === 'record' && first.messages).toEqual(['ClientHello']);
  }, 30_000);
});
