/**
 * Issue 10 against `tlslab serve` as the CLI runs it (in process, on a real TCP port): the same
 * bytes as last-alerts.test.ts, the alert read off the socket (level and description), and then
 * a fresh connection from node:tls (OpenSSL) that must get its HTTP answer — the server keeps
 * serving. Also item 8: the request is read up to the end of its headers before it is answered.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect as netConnect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { concatBytes, utf8 } from '../src/codec/hex';
import { createClient, type TlsClient } from '../src/client/client';
import type { ClientConfig } from '../src/config';
import { seededRng } from '../src/crypto/rng';
import type { TlsEventBody } from '../src/events';
import { readRequest, MAX_REQUEST_HEAD } from '../src/io/http';
import { freePort, serveInProcess, type InProcessServer } from './interop-helpers';
import { editedClientHello, hsMsg, rec, sealAs } from './last-alerts-helpers';

let cwd: string;
let port: number;
let serve: InProcessServer;
let demoRoot: string;

beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), 'tlslab-last-alerts-'));
  port = await freePort();
  serve = serveInProcess(['serve', '--port', String(port), '--tls', '1.2,1.3', '--tickets', '1', '--max-early-data', '1024', '--groups', 'x25519'], cwd);
  await serve.waitFor(`listening on 127.0.0.1:${port}`);
  demoRoot = readFileSync(join(cwd, '.tlslab', 'demo-root.pem'), 'utf8');
});

afterAll(() => {
  serve.stop();
  rmSync(cwd, { recursive: true, force: true });
});

const within = <T>(p: Promise<T>, ms: number, what: string): Promise<T> =>
  Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what}: nothing after ${ms} ms (the server waits silently)`)), ms))]);

/** Writes raw bytes and collects everything the server sends until it closes the connection. */
function raw(bytes: Uint8Array): Promise<Uint8Array> {
  return within(
    new Promise((resolve, reject) => {
      const chunks: Uint8Array[] = [];
      const s = netConnect({ host: '127.0.0.1', port }, () => s.write(bytes));
      s.on('data', (d) => chunks.push(new Uint8Array(d)));
      s.on('error', reject);
      s.on('close', () => resolve(concatBytes(...chunks)));
    }),
    5000,
    'raw exchange',
  );
}

/** The records in a byte stream: [type, body]. */
function records(bytes: Uint8Array): [number, Uint8Array][] {
  const out: [number, Uint8Array][] = [];
  for (let o = 0; o + 5 <= bytes.length;) {
    const len = (bytes[o + 3]! << 8) | bytes[o + 4]!;
    out.push([bytes[o]!, bytes.subarray(o + 5, o + 5 + len)]);
    o += 5 + len;
  }
  return out;
}

/** The next connection, from node:tls (OpenSSL): it must be served. */
async function expectServesNext(opts: { maxVersion?: 'TLSv1.2' | 'TLSv1.3'; sigalgs?: string } = {}): Promise<string> {
  const answer = await within(
    new Promise<string>((resolve, reject) => {
      let got = '';
      const s = tlsConnect({ host: '127.0.0.1', port, servername: 'localhost', ca: demoRoot, ...opts }, () => s.write('GET /next HTTP/1.1\r\nHost: localhost\r\n\r\n'));
      s.on('data', (d: Buffer) => void (got += d.toString('utf8')));
      s.on('error', reject);
      s.on('close', () => resolve(got));
    }),
    5000,
    'next connection',
  );
  expect(answer).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
  expect(answer).toContain('Your request: GET /next HTTP/1.1');
  return answer;
}

interface TcpClient {
  client: TlsClient;
  events: TlsEventBody[];
  socket: Socket;
  write(chunks: Uint8Array[]): void;
  waitFor(what: string, pred: () => boolean, ms?: number): Promise<void>;
  closed(): boolean;
  received(): string;
}

/** Our client over TCP; `afterReceive` may add bytes to what goes out after each receive. */
function tcpClient(config: Partial<ClientConfig>, afterReceive?: (c: TlsClient, events: TlsEventBody[]) => Uint8Array[]): TcpClient {
  const events: TlsEventBody[] = [];
  const client = createClient({
    rng: seededRng(`tcp-${Math.random()}`, 'c'),
    sink: (e) => events.push(e),
    trustAnchors: [],
    insecureSkipVerify: true,
    serverName: 'localhost',
    alpn: ['http/1.1'],
    ...config,
  });
  let isClosed = false;
  const socket = netConnect({ host: '127.0.0.1', port }, () => write(client.start()));
  const write = (chunks: Uint8Array[]): void => {
    for (const c of chunks) if (!socket.destroyed) socket.write(c);
  };
  socket.on('data', (d: Buffer) => {
    write(client.receive(new Uint8Array(d)));
    if (afterReceive) write(afterReceive(client, events));
  });
  socket.on('error', () => undefined);
  socket.on('close', () => void (isClosed = true));
  return {
    client,
    events,
    socket,
    write,
    closed: () => isClosed,
    received: () => events.flatMap((e) => (e.type === 'appdata' && e.direction === 'received' ? [utf8.decode(e.data)] : [])).join(''),
    async waitFor(what, pred, ms = 5000) {
      const t0 = Date.now();
      while (!pred()) {
        if (Date.now() - t0 > ms)
          throw new Error(`timed out waiting for ${what}; events: ${events.map((e) => e.type + (e.type === 'alert' ? `:${e.level}:${e.description}` : '')).join(' ')}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
  };
}

const alertsReceived = (events: TlsEventBody[]) => events.flatMap((e) => (e.type === 'alert' && e.direction === 'received' ? [`${e.level} ${String(e.description)}`] : []));

describe('tlslab serve answers the hostile conversations of issue 10 and serves the next connection', () => {
  it('1. ClientHello.legacy_version 0x0300 / 0x0000 / 0x0102 / 0x0200 with supported_versions {1.3} → fatal protocol_version', async () => {
    for (const v of [0x0300, 0x0000, 0x0102, 0x0200]) {
      const got = records(await raw(editedClientHello((ch) => void (ch.legacyVersion = v))));
      expect(got.map(([t, b]) => [t, [...b]])).toEqual([[21, [2, 70]]]);
    }
    await expectServesNext();
  });

  it('2. a zero-length alert (plaintext; and under TLS 1.3 and 1.2 application keys) → fatal unexpected_message', async () => {
    expect(records(await raw(rec(21, []))).map(([t, b]) => [t, [...b]])).toEqual([[21, [2, 10]]]);
    for (const versions of [['TLS 1.3'], ['TLS 1.2']] as const) {
      const c = tcpClient({ versions: [...versions] });
      await c.waitFor('handshake', () => c.client.connected);
      c.write(sealAs(c.client, 21, new Uint8Array(0)));
      await c.waitFor('alert', () => alertsReceived(c.events).length > 0);
      expect(alertsReceived(c.events)).toEqual(['fatal unexpected_message']);
      await c.waitFor('close', c.closed);
    }
    await expectServesNext();
  });

  it('3. types 2, 4, 5, 8, 11, 13, 15, 24 where ClientHello belongs → fatal unexpected_message', async () => {
    for (const t of [2, 4, 5, 8, 11, 13, 15, 24]) {
      const got = records(await raw(rec(22, hsMsg(t, [0x03, 0x03, 0x01]))));
      expect(got.map(([ty, b]) => [ty, [...b]])).toEqual([[21, [2, 10]]]);
    }
    await expectServesNext();
  });

  it('4. a TLS 1.2 renegotiation ClientHello → warning no_renegotiation, and the request that follows is answered', async () => {
    const c = tcpClient({ versions: ['TLS 1.2'] });
    await c.waitFor('handshake', () => c.client.connected);
    const again = createClient({ rng: seededRng('re', 'c'), sink: () => undefined, trustAnchors: [], versions: ['TLS 1.2'] }).start()[0]!;
    c.write(sealAs(c.client, 22, again.subarray(5)));
    await c.waitFor('warning', () => alertsReceived(c.events).length > 0);
    expect(alertsReceived(c.events)).toEqual(['warning no_renegotiation']);
    c.write(c.client.send(utf8.encode('GET /after-renegotiation HTTP/1.1\r\nHost: localhost\r\n\r\n')));
    await c.waitFor('answer', () => c.received().includes('Your request'));
    expect(c.received()).toMatch(/^HTTP\/1\.1 200 OK/);
    expect(c.received()).toContain('Your request: GET /after-renegotiation HTTP/1.1');
    await expectServesNext({ maxVersion: 'TLSv1.2' });
  });

  it('5. a two-byte ChangeCipherSpec in TLS 1.2 → fatal unexpected_message', async () => {
    const c = tcpClient({ versions: ['TLS 1.2'] }, () => []);
    // Our client writes CKE, CCS, Finished; the CCS goes out as 01 01 instead.
    const write = c.socket.write.bind(c.socket);
    c.socket.write = ((chunk: Uint8Array) => write(chunk[0] === 20 ? rec(20, [1, 1]) : chunk)) as typeof c.socket.write;
    await c.waitFor('alert', () => alertsReceived(c.events).length > 0);
    expect(alertsReceived(c.events)).toEqual(['fatal unexpected_message']);
    await expectServesNext({ maxVersion: 'TLSv1.2' });
  });

  it('6. TLS 1.2 with a P-256 key, the client offering only {sha384, ecdsa}: node:tls (OpenSSL) verifies a SHA-384 ServerKeyExchange', async () => {
    await expectServesNext({ maxVersion: 'TLSv1.2', sigalgs: 'ECDSA+SHA384' });
    const c = tcpClient({ versions: ['TLS 1.2'], signatureSchemes: ['ecdsa_secp384r1_sha384'] });
    await c.waitFor('handshake', () => c.client.connected);
    expect(c.events.some((e) => e.type === 'negotiated' && e.signatureScheme === 'ecdsa_secp384r1_sha384')).toBe(true);
    c.socket.destroy();
  });

  it('7. after a HelloRetryRequest and the second ClientHello, an application_data record that does not open → fatal bad_record_mac', async () => {
    const first = tcpClient({ versions: ['TLS 1.3'] });
    await first.waitFor('ticket', () => first.client.tickets.length > 0);
    first.socket.destroy();
    const ticket = first.client.tickets[0]!;
    expect(ticket.maxEarlyDataSize).toBe(1024);
    let injected = false;
    const c = tcpClient(
      { versions: ['TLS 1.3'], resume: ticket, earlyData: utf8.encode('GET /early HTTP/1.1\r\n\r\n'), groups: ['x25519', 'secp256r1'], keyShareGroups: ['secp256r1'] },
      (_client, events) => {
        // Right after the second ClientHello: a record no key of this handshake opens.
        if (injected || !events.some((e) => e.type === 'handshake' && e.name === 'HelloRetryRequest')) return [];
        injected = true;
        return [rec(23, new Uint8Array(48).fill(0xa5))];
      },
    );
    await c.waitFor('alert', () => alertsReceived(c.events).length > 0);
    expect(injected).toBe(true);
    expect(alertsReceived(c.events)).toEqual(['fatal bad_record_mac']);
    await expectServesNext();
  });
});

describe('8. tlslab serve reads the request up to the end of its headers', () => {
  it('"GET", then a KeyUpdate, then the rest: the answer comes only after the empty line', async () => {
    const c = tcpClient({ versions: ['TLS 1.3'] });
    await c.waitFor('handshake', () => c.client.connected);
    c.write(c.client.send(utf8.encode('GET')));
    c.write(c.client.keyUpdate(true));
    // The server answers the KeyUpdate (request_update) with its own: proof it read both records.
    await c.waitFor('the server KeyUpdate', () => c.events.some((e) => e.type === 'handshake' && e.direction === 'received' && e.name === 'KeyUpdate'));
    await new Promise((r) => setTimeout(r, 150));
    expect(c.received()).toBe('');
    c.write(c.client.send(utf8.encode(' /split HTTP/1.1\r\nHost: localhost\r\n')));
    await new Promise((r) => setTimeout(r, 100));
    expect(c.received()).toBe('');
    c.write(c.client.send(utf8.encode('\r\n')));
    await c.waitFor('answer', () => c.received().includes('Your request'));
    expect(c.received()).toMatch(/^HTTP\/1\.1 200 OK/);
    expect(c.received()).toContain('Your request: GET /split HTTP/1.1');
    await c.waitFor('close', c.closed);
  });

  it('a request head over 16 KiB → 431; a request that does not end in --request-timeout → 408', async () => {
    const c = tcpClient({ versions: ['TLS 1.3'] });
    await c.waitFor('handshake', () => c.client.connected);
    c.write(c.client.send(utf8.encode(`GET / HTTP/1.1\r\nX-Long: ${'a'.repeat(MAX_REQUEST_HEAD)}`)));
    await c.waitFor('answer', () => c.received().includes('\r\n\r\n'));
    expect(c.received()).toMatch(/^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);

    const p2 = await freePort();
    const quick = serveInProcess(['serve', '--port', String(p2), '--request-timeout', '0.3'], cwd);
    try {
      await quick.waitFor(`listening on 127.0.0.1:${p2}`);
      const events: TlsEventBody[] = [];
      const client = createClient({ rng: seededRng('t', 'c'), sink: (e) => events.push(e), trustAnchors: [], insecureSkipVerify: true, serverName: 'localhost' });
      const s = netConnect({ host: '127.0.0.1', port: p2 }, () => client.start().forEach((b) => s.write(b)));
      s.on('data', (d: Buffer) => client.receive(new Uint8Array(d)).forEach((b) => s.write(b)));
      const t0 = Date.now();
      while (!client.connected) await new Promise((r) => setTimeout(r, 10));
      client.send(utf8.encode('GET /slow HTTP/1.1\r\nHost: localhost\r\n')).forEach((b) => s.write(b));
      while (!client.closed && Date.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 10));
      const got = events.flatMap((e) => (e.type === 'appdata' && e.direction === 'received' ? [utf8.decode(e.data)] : [])).join('');
      expect(got).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
      expect(quick.output()).toContain('request incomplete after 0.3 s: 408');
      s.destroy();
    } finally {
      quick.stop();
    }
  });

  it('readRequest: waits for the empty line of an HTTP request; a plain line of text is a request of its own', () => {
    expect(readRequest('GET')).toEqual({ kind: 'incomplete' });
    expect(readRequest('GET / HTTP/1.1')).toEqual({ kind: 'incomplete' });
    expect(readRequest('GET / HTTP/1.1\r\nHost: x\r\n')).toEqual({ kind: 'incomplete' });
    expect(readRequest('GET / HTTP/1.1\r\nHost: x\r\n\r\n')).toEqual({ kind: 'complete', head: 'GET / HTTP/1.1\r\nHost: x\r\n\r\n' });
    expect(readRequest('GET / HTTP/1.1\nHost: x\n\n')).toEqual({ kind: 'complete', head: 'GET / HTTP/1.1\nHost: x\n\n' });
    expect(readRequest('GET / HTTP/1.0\r\n\r\nbody')).toEqual({ kind: 'complete', head: 'GET / HTTP/1.0\r\n\r\n' });
    expect(readRequest('hello\n')).toEqual({ kind: 'complete', head: 'hello\n' });
    expect(readRequest('hello')).toEqual({ kind: 'incomplete' });
    expect(readRequest('x'.repeat(MAX_REQUEST_HEAD + 1))).toEqual({ kind: 'too-large' });
    expect(readRequest(`GET / HTTP/1.1\r\nA: ${'b'.repeat(MAX_REQUEST_HEAD)}\r\n\r\n`)).toEqual({ kind: 'too-large' });
  });
});
