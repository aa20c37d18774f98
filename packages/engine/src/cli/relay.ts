/**
 * `tlslab relay`: a bridge between the TLS Lab page and TCP, so the engine in the page can talk
 * to a real TLS server (client mode) or answer a real TLS client (server mode).
 *
 * It relays bytes and nothing else: the TLS is done by the engine in the page. Both of its
 * sockets are bound to 127.0.0.1 only.
 *
 * The page's side is a WebSocket on `ws://127.0.0.1:PORT` (default 8090):
 *
 * - `/connect?to=HOST:PORT` — the relay opens a TCP connection to HOST:PORT and relays binary
 *   frames both ways. Only 127.0.0.1, ::1 and localhost are reachable unless `--allow` lists the
 *   target (`--allow example.com:443,10.0.0.5:8443`).
 * - `/accept` — with `--listen N`, the relay accepts TCP connections on 127.0.0.1:N (curl,
 *   `openssl s_client`, a browser) and hands each to the page waiting on `/accept`.
 *
 * Before relaying, the relay sends one text frame `{"type":"open","remote":"HOST:PORT"}`; a
 * refused or failed connection ends with a close frame whose reason says why (code 4403: not
 * allowed, 4502: the TCP connection failed, 4400: a bad request). A WebSocket from a page on
 * another origin than localhost is refused, so no web site can use the relay to reach your
 * machine's services.
 */
import { createServer as createHttpServer, type IncomingMessage } from 'node:http';
import { connect as netConnect, createServer as netCreateServer, type AddressInfo, type Socket } from 'node:net';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { UsageError, getString, helpText, parseArgs, parseHostPort, parsePort, type FlagSpecs } from './args';
import type { Io } from './output';

export const RELAY_FLAGS: FlagSpecs = {
  port: { type: 'string', metavar: 'N', help: 'WebSocket port for the page, on 127.0.0.1 (default 8090; 0: any free port)' },
  allow: { type: 'string', metavar: 'LIST', help: 'HOST:PORT targets beyond 127.0.0.1/localhost the page may reach, comma-separated' },
  listen: { type: 'string', metavar: 'N', help: 'also accept TCP connections on 127.0.0.1:N and hand each to the page (server mode)' },
  help: { type: 'boolean', help: 'show this help' },
};

export const RELAY_USAGE = 'tlslab relay [--port 8090] [--allow HOST:PORT,...] [--listen N]';

/** Close codes the relay uses (4000-4999 are for applications, RFC 6455 §7.4.2). */
export const RELAY_CLOSE = { badRequest: 4400, notAllowed: 4403, connectFailed: 4502, noClient: 4408 } as const;

const LOOPBACK_NAMES = new Set(['127.0.0.1', '::1', 'localhost']);
/** How long an accepted TCP client waits for a page on `/accept` before it is dropped. */
const CLIENT_WAIT_MS = 30_000;
/** The most TCP clients waiting for a page at once (more are refused). */
const MAX_WAITING_CLIENTS = 8;

export interface RelayOptions {
  /** WebSocket port (0: any free port). */
  port: number;
  /** Extra `host:port` targets, lower-case host. */
  allow: string[];
  /** TCP port for server mode (0: any free port), or absent. */
  listen?: number;
  /** One line per connection event. */
  log?: (line: string) => void;
}

export interface Relay {
  /** The WebSocket port actually bound. */
  port: number;
  /** The TCP port accepting clients (server mode), if any. */
  listenPort?: number;
  /** The addresses actually bound (always 127.0.0.1). */
  addresses: string[];
  close(): Promise<void>;
}

/** Whether the page may reach `host:port`: loopback always, anything else only when listed. */
export function targetAllowed(host: string, port: number, allow: readonly string[]): boolean {
  const h = host.toLowerCase();
  if (LOOPBACK_NAMES.has(h)) return true;
  return allow.includes(`${h}:${port}`);
}

/** A page on localhost (any port), or a program that sends no Origin (a CLI, a test). */
function originAllowed(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  try {
    const host = new URL(origin).hostname.replace(/^\[|\]$/g, '');
    return LOOPBACK_NAMES.has(host);
  } catch {
    return false;
  }
}

/** Relays binary frames of `ws` to `tcp` and back until either side ends. */
function pipe(ws: WebSocket, tcp: Socket, remote: string, log: (line: string) => void): void {
  let up = 0;
  let down = 0;
  ws.send(JSON.stringify({ type: 'open', remote }));
  ws.on('message', (data: RawData, isBinary: boolean) => {
    if (!isBinary) return; // text frames are not part of the stream
    const chunk = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
    up += chunk.length;
    if (!tcp.destroyed) tcp.write(chunk);
  });
  tcp.on('data', (chunk: Buffer) => {
    down += chunk.length;
    if (ws.readyState === ws.OPEN) ws.send(chunk, { binary: true });
  });
  let ended = false;
  const end = (why: string): void => {
    if (ended) return;
    ended = true;
    log(`closed ${remote} (${why}; page → tcp ${up} bytes, tcp → page ${down} bytes)`);
    tcp.destroy();
    if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close(1000, why.slice(0, 120));
  };
  tcp.on('end', () => end('the TCP peer closed'));
  tcp.on('close', () => end('the TCP connection closed'));
  tcp.on('error', (err) => end(`TCP error ${(err as NodeJS.ErrnoException).code ?? err.message}`));
  ws.on('close', () => end('the page closed'));
  ws.on('error', () => end('WebSocket error'));
  tcp.resume();
}

/** A TCP client waiting for a page on /accept. */
interface WaitingClient {
  socket: Socket;
  timer: ReturnType<typeof setTimeout>;
}

/** With --listen: TCP clients wait (paused, at most MAX_WAITING_CLIENTS, for CLIENT_WAIT_MS) until a page takes one over. */
function clientServer(waitingClients: WaitingClient[], handOver: () => void, log: (line: string) => void): ReturnType<typeof netCreateServer> {
  const server = netCreateServer((socket) => {
    if (waitingClients.length >= MAX_WAITING_CLIENTS) {
      socket.destroy();
      return;
    }
    // Its bytes (the ClientHello) wait in the socket until a page takes it over.
    socket.pause();
    const entry = {
      socket,
      timer: setTimeout(() => {
        const i = waitingClients.indexOf(entry);
        if (i >= 0) waitingClients.splice(i, 1);
        log(`dropped ${socket.remoteAddress}:${socket.remotePort}: no page waited on /accept`);
        socket.destroy();
      }, CLIENT_WAIT_MS),
    };
    waitingClients.push(entry);
    handOver();
  });
  return server;
}

/** A page's /connect?to=HOST:PORT: a TCP connection to an allowed target, piped to the page. */
function connectPage(ws: WebSocket, url: URL, allow: RelayOptions['allow'], log: (line: string) => void): void {
  let target: { host: string; port: number };
  try {
    target = parseHostPort(url.searchParams.get('to') ?? '');
  } catch {
    ws.close(RELAY_CLOSE.badRequest, 'expected /connect?to=HOST:PORT');
    return;
  }
  const remote = `${target.host}:${target.port}`;
  if (!targetAllowed(target.host, target.port, allow)) {
    log(`refused ${remote}: not 127.0.0.1/localhost and not in --allow`);
    ws.close(RELAY_CLOSE.notAllowed, `${remote} is not allowed (start the relay with --allow ${remote})`);
    return;
  }
  const tcp = netConnect({ host: target.host, port: target.port });
  const onError = (err: NodeJS.ErrnoException): void => {
    log(`could not reach ${remote}: ${err.code ?? err.message}`);
    ws.close(RELAY_CLOSE.connectFailed, `could not reach ${remote}: ${err.code ?? err.message}`.slice(0, 120));
  };
  tcp.once('error', onError);
  tcp.once('connect', () => {
    tcp.off('error', onError);
    log(`page connected to ${remote}`);
    pipe(ws, tcp, remote, log);
  });
  ws.once('close', () => {
    if (tcp.connecting) tcp.destroy();
  });
}

/** Starts the relay; resolves once both sockets are listening. */
export async function startRelay(opts: RelayOptions): Promise<Relay> {
  const log = opts.log ?? (() => {});
  const http = createHttpServer((_req, res) => {
    res.writeHead(426, { 'content-type': 'text/plain' }).end('tlslab relay: connect with a WebSocket\n');
  });
  const wss = new WebSocketServer({ server: http, maxPayload: 1 << 20, verifyClient: ({ req }: { req: IncomingMessage }) => originAllowed(req) });
  const waitingPages: WebSocket[] = [];
  const waitingClients: WaitingClient[] = [];
  let tcpServer: ReturnType<typeof netCreateServer> | undefined;

  const handOver = (): void => {
    while (waitingPages.length > 0 && waitingClients.length > 0) {
      const ws = waitingPages.shift()!;
      const client = waitingClients.shift()!;
      clearTimeout(client.timer);
      if (ws.readyState !== ws.OPEN || client.socket.destroyed) {
        if (ws.readyState === ws.OPEN) waitingPages.unshift(ws);
        if (!client.socket.destroyed) waitingClients.unshift(client);
        continue;
      }
      const remote = `${client.socket.remoteAddress}:${client.socket.remotePort}`;
      log(`client ${remote} handed to the page`);
      pipe(ws, client.socket, remote, log);
    }
  };

  wss.on('connection', (ws, req) => {
    const url = new URL(req.url ?? '/', 'ws://relay');
    if (url.pathname === '/connect') {
      connectPage(ws, url, opts.allow, log);
      return;
    }
    if (url.pathname === '/accept') {
      if (!tcpServer) {
        ws.close(RELAY_CLOSE.badRequest, 'the relay was started without --listen: no TCP clients to accept');
        return;
      }
      waitingPages.push(ws);
      ws.once('close', () => {
        const i = waitingPages.indexOf(ws);
        if (i >= 0) waitingPages.splice(i, 1);
      });
      handOver();
      return;
    }
    ws.close(RELAY_CLOSE.badRequest, 'unknown path (use /connect?to=HOST:PORT or /accept)');
  });

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(opts.port, '127.0.0.1', () => resolve());
  });
  const addresses = [(http.address() as AddressInfo).address];
  let listenPort: number | undefined;
  if (opts.listen !== undefined) {
    tcpServer = clientServer(waitingClients, handOver, log);
    await new Promise<void>((resolve, reject) => {
      tcpServer!.once('error', reject);
      tcpServer!.listen(opts.listen, '127.0.0.1', () => resolve());
    });
    const a = tcpServer.address() as AddressInfo;
    listenPort = a.port;
    addresses.push(a.address);
  }
  return {
    port: (http.address() as AddressInfo).port,
    listenPort,
    addresses,
    async close() {
      for (const c of waitingClients) {
        clearTimeout(c.timer);
        c.socket.destroy();
      }
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
      await new Promise<void>((r) => http.close(() => r()));
      if (tcpServer) await new Promise<void>((r) => tcpServer!.close(() => r()));
    },
  };
}

/** Parses `--allow` into lower-case `host:port` entries. */
export function parseAllowList(value: string | undefined): string[] {
  if (value === undefined) return [];
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => {
      const { host, port } = parseHostPort(s);
      return `${host.toLowerCase()}:${port}`;
    });
}

export async function runRelay(argv: readonly string[], io: Io): Promise<number> {
  const p = parseArgs(argv, RELAY_FLAGS);
  if (p.flags.get('help') === true) {
    io.out(helpText(RELAY_USAGE, 'Relay bytes between the TLS Lab page (WebSocket) and TCP. The TLS is done by the engine in the page.', RELAY_FLAGS));
    return 0;
  }
  if (p.positional.length > 0) throw new UsageError(`unexpected argument "${p.positional[0]}"`);
  const listenArg = getString(p, 'listen');
  const relay = await startRelay({
    port: parsePort(getString(p, 'port') ?? '8090'),
    allow: parseAllowList(getString(p, 'allow')),
    listen: listenArg === undefined ? undefined : parsePort(listenArg),
    log: (line) => io.err(`relay: ${line}\n`),
  });
  io.err(`relay: page WebSocket on ws://127.0.0.1:${relay.port} (client mode: /connect?to=HOST:PORT)\n`);
  if (relay.listenPort !== undefined) io.err(`relay: accepting TLS clients on 127.0.0.1:${relay.listenPort}, handed to the page on /accept\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await relay.close();
  return 0;
}
