/**
 * The interop tests' peers: node:tls (OpenSSL) servers and clients, and the engine's client and
 * server over real TCP sockets on 127.0.0.1 (through the CLI's socket driver). Every function
 * reports what each side saw — negotiated parameters, alerts, the answer — so a test can check
 * both ends of a connection.
 */
import { connect as netConnect, createServer as netCreateServer, type Server as NetServer } from 'node:net';
import * as tls from 'node:tls';
import { createClient, createServer } from '../src/index';
import type { ClientConfig, GroupName, ResumptionTicket, ServerConfig } from '../src/config';
import type { ServerKeyType } from '../src/crypto/keys';
import { systemRng } from '../src/crypto/rng';
import type { TlsEvent } from '../src/events';
import { privateKeyFromPem } from '../src/pki/parse';
import { driveEndpoint, type Outcome } from '../src/cli/socket';
import { pemCertsToDer, type OpensslPki } from './interop-helpers';

export const NODE_CURVE: Record<GroupName, string> = { x25519: 'X25519', secp256r1: 'P-256' };
export const NODE_GROUP_NAME: Record<GroupName, string> = { x25519: 'X25519', secp256r1: 'prime256v1' };
export const HOST = 'server.tlslab.test';
export const REQUEST = `GET /interop HTTP/1.1\r\nHost: ${HOST}\r\n\r\n`;

let pki: OpensslPki;
let anchors: Uint8Array[];

/** Sets the certificates every peer below uses (call in beforeAll). */
export function usePki(p: OpensslPki): void {
  pki = p;
  anchors = pemCertsToDer(p.rootPem);
}

export function negotiated(events: readonly TlsEvent[], side: 'client' | 'server'): Record<string, unknown> {
  const n: Record<string, unknown> = {};
  for (const e of events) if (e.type === 'negotiated' && e.side === side) Object.assign(n, e);
  return n;
}

// ---------------------------------------------------------------------------------------------
// our client → node:tls server

export interface NodeServer {
  server: tls.Server;
  port: number;
  /** What node:tls saw per client port: cipher, protocol, ALPN (and the client certificate). */
  seen: Map<number, { cipher: string; protocol: string | null; alpn: string | false; authorized?: boolean; peerCN?: string }>;
  /** Per client port: node:tls's isSessionReused() (TLS 1.3 resumption). */
  reused: Map<number, boolean>;
  errors: string[];
}

export async function startNodeServer(keyType: ServerKeyType, opts: tls.TlsOptions = {}): Promise<NodeServer> {
  const pair = pki.server[keyType];
  const seen: NodeServer['seen'] = new Map();
  const reused = new Map<number, boolean>();
  const errors: string[] = [];
  const server = tls.createServer(
    {
      key: pair.keyPem,
      cert: pair.chainPem,
      minVersion: 'TLSv1.3',
      maxVersion: 'TLSv1.3',
      ecdhCurve: 'X25519:P-256',
      ...opts,
    },
    (sock) => {
      const entry: NodeServer['seen'] extends Map<number, infer V> ? V : never = {
        cipher: sock.getCipher().standardName,
        protocol: sock.getProtocol(),
        alpn: sock.alpnProtocol ?? false,
      };
      reused.set(sock.remotePort ?? 0, sock.isSessionReused());
      if (opts.requestCert) {
        entry.authorized = sock.authorized;
        const peer = sock.getPeerCertificate();
        if (peer && peer.subject) entry.peerCN = String(peer.subject.CN);
      }
      seen.set(sock.remotePort ?? 0, entry);
      let buf = '';
      sock.on('data', (d: Buffer) => {
        buf += d.toString('utf8');
        if (buf.includes('\r\n\r\n')) {
          const body = `hello from node:tls, you asked ${buf.split('\r\n', 1)[0]}\n`;
          sock.end(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`);
        }
      });
      sock.on('error', () => {});
    },
  );
  server.on('tlsClientError', (err) => errors.push(err.message));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  return { server, port: typeof addr === 'object' && addr ? addr.port : 0, seen, reused, errors };
}

export interface ClientRun {
  outcome: Outcome;
  events: TlsEvent[];
  answer: string;
  localPort: number;
  /** Session tickets our client received (RFC 8446 §4.6.1). */
  tickets: ResumptionTicket[];
}

/** Our client over TCP: handshake, send REQUEST, read until the server closes. */
export function runEngineClient(port: number, over: Partial<ClientConfig> = {}): Promise<ClientRun> {
  const socket = netConnect({ host: '127.0.0.1', port });
  let localPort = 0;
  socket.once('connect', () => {
    localPort = socket.localPort ?? 0;
  });
  let answer = '';
  let client: ReturnType<typeof createClient> | undefined;
  const driver = driveEndpoint(
    socket,
    (sink) =>
      (client = createClient({
        rng: systemRng(),
        sink,
        serverName: HOST,
        trustAnchors: anchors,
        ...over,
      })),
    {
      onConnected: (d) => d.send(new TextEncoder().encode(REQUEST)),
      onAppData: (data) => {
        answer += new TextDecoder().decode(data);
      },
    },
  );
  const timer = setTimeout(() => socket.destroy(new Error('test timeout')), 15_000);
  return driver.finished.then((outcome) => {
    clearTimeout(timer);
    return { outcome, events: driver.events, answer, localPort, tickets: client ? [...client.tickets] : [] };
  });
}

// ---------------------------------------------------------------------------------------------
// node:tls client → our server

export interface EngineServer {
  server: NetServer;
  port: number;
  /** Events of each connection, in order of arrival. */
  runs: { events: TlsEvent[]; outcome?: Outcome }[];
}

export async function startEngineServer(keyType: ServerKeyType, over: Partial<ServerConfig> = {}): Promise<EngineServer> {
  const pair = pki.server[keyType];
  const cert = { chain: pemCertsToDer(pair.chainPem), key: privateKeyFromPem(pair.keyPem) };
  const runs: EngineServer['runs'] = [];
  const server = netCreateServer((socket) => {
    let buf = '';
    let answered = false;
    const driver = driveEndpoint(socket, (sink) => createServer({ rng: systemRng(), sink, cert, ...over }), {
      onAppData: (data, d) => {
        buf += new TextDecoder().decode(data);
        if (!answered && buf.includes('\r\n\r\n')) {
          answered = true;
          const n = negotiated(d.events, 'server');
          const body = `hello from tlslab: ${String(n.cipherSuite)} ${String(n.group)} ${String(n.signatureScheme)}\n`;
          d.send(new TextEncoder().encode(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n${body}`));
          d.close();
        }
      },
    });
    const run: EngineServer['runs'][number] = { events: driver.events };
    runs.push(run);
    void driver.finished.then((o) => {
      run.outcome = o;
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  return { server, port: typeof addr === 'object' && addr ? addr.port : 0, runs };
}

export interface NodeClientRun {
  ok: boolean;
  error?: string;
  cipher?: string;
  protocol?: string | null;
  group?: string;
  alpn?: string | false;
  answer: string;
  /** node:tls's isSessionReused() after the handshake. */
  reused?: boolean;
  /** The last session node:tls reported (TLS 1.3: one per NewSessionTicket), for tls.connect({ session }). */
  session?: Buffer;
}

export function runNodeClient(port: number, opts: tls.ConnectionOptions): Promise<NodeClientRun> {
  return new Promise((resolve) => {
    const result: NodeClientRun = { ok: false, answer: '' };
    const sock = tls.connect({
      host: '127.0.0.1',
      port,
      servername: HOST,
      ca: pki.rootPem,
      minVersion: 'TLSv1.3',
      ...opts,
    });
    sock.on('secureConnect', () => {
      result.ok = sock.authorized;
      result.cipher = sock.getCipher().standardName;
      result.protocol = sock.getProtocol();
      result.group = (sock.getEphemeralKeyInfo() as { name?: string }).name;
      result.alpn = sock.alpnProtocol ?? false;
      result.reused = sock.isSessionReused();
      sock.write(REQUEST);
    });
    sock.on('data', (d: Buffer) => {
      result.answer += d.toString('utf8');
    });
    sock.on('session', (session: Buffer) => {
      result.session = session;
    });
    sock.on('error', (err) => {
      result.ok = false;
      result.error ??= err.message;
    });
    sock.on('close', () => resolve(result));
    sock.setTimeout(15_000, () => sock.destroy(new Error('test timeout')));
  });
}

// ---------------------------------------------------------------------------------------------

export async function waitFor(cond: () => boolean, ms = 5000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
