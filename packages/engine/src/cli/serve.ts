/**
 * `tlslab serve --port N`: the engine's TLS server on a real TCP port.
 *
 * Each connection gets a fresh server endpoint; its request (an HTTP request, read up to the
 * end of its headers, or any other line of text) gets a small HTTP/1.1 response saying what was
 * negotiated, then close_notify. A request head larger than 16 KiB gets 431, one that does not
 * end within --request-timeout seconds of its first byte gets 408. Without
 * `--cert` it generates a demo chain (root → intermediate → leaf) and writes the root to
 * `.tlslab/demo-root.pem`, so `tlslab connect`, `openssl s_client -CAfile` or `curl --cacert`
 * can verify it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer as netCreateServer, type Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { createServer } from '../index';
import type { CertifiedKey, ServerConfig } from '../config';
import { MemoryAntiReplay } from '../server/antireplay';
import { systemRng } from '../crypto/rng';
import { utf8 } from '../codec/hex';
import type { TlsEvent } from '../events';
import { mergeNegotiated } from '../negotiated';
import {
  ALL_SUITES,
  GROUPS,
  KEY_TYPES,
  SIGNATURE_SCHEMES,
  UsageError,
  getBool,
  getString,
  helpText,
  parseAlpn,
  parseArgs,
  parseName,
  parseNameList,
  parsePort,
  parseVersions,
  suitesForVersions,
  type FlagSpecs,
} from './args';
import { DEMO_ROOT_PATH, loadCertifiedKey, loadTrustAnchors } from './files';
import { eventPrinter, type Io, type OutputMode } from './output';
import { summaryLines } from './trace';
import { demoServerChain } from './pki-io';
import { describeFailure, driveEndpoint, type Driver } from './socket';
import { keyLogAppender, keyLogFileFromFlags, keyLogFlag } from './keylog-file';
import { MAX_REQUEST_HEAD, readRequest } from '../io/http';

/** Default bound on the time from a request's first byte to the end of its headers. */
const REQUEST_TIMEOUT_S = 10;

export const SERVE_FLAGS: FlagSpecs = {
  port: { type: 'string', metavar: 'N', help: 'TCP port to listen on (0: any free port)' },
  host: { type: 'string', metavar: 'ADDR', help: 'address to listen on (default 127.0.0.1)' },
  cert: { type: 'string', metavar: 'FILE', help: 'certificate chain (PEM, leaf first); default: a generated demo chain' },
  key: { type: 'string', metavar: 'FILE', help: 'private key (PEM) of --cert' },
  servername: { type: 'string', metavar: 'NAME', help: 'an extra host name (or IP) for the generated demo leaf (always: localhost, 127.0.0.1, ::1)' },
  'key-type': { type: 'string', metavar: 'TYPE', help: `key type of the generated demo leaf (${KEY_TYPES.join(', ')}; default ecdsa-p256)` },
  suites: { type: 'string', metavar: 'LIST', help: 'cipher suites to accept, preferred first' },
  groups: { type: 'string', metavar: 'LIST', help: `key exchange groups to accept, preferred first (${GROUPS.join(', ')})` },
  sigalgs: { type: 'string', metavar: 'LIST', help: 'signature schemes the server may use / accept' },
  alpn: { type: 'string', metavar: 'LIST', help: 'ALPN protocols to accept (default http/1.1)' },
  tls: { type: 'string', metavar: 'VERSIONS', help: 'versions to accept: 1.3 (default), 1.2, or 1.2,1.3' },
  ca: { type: 'string', metavar: 'FILE', help: 'PEM trust anchors for client certificates (mutual TLS)' },
  'request-client-cert': { type: 'boolean', help: 'ask for a client certificate (optional)' },
  'require-client-cert': { type: 'boolean', help: 'require a client certificate' },
  tickets: { type: 'string', metavar: 'N', help: 'TLS 1.3: send N session tickets after each handshake (sealed with a key made at startup), so clients can resume' },
  'max-early-data': {
    type: 'string',
    metavar: 'BYTES',
    help: 'with --tickets: accept up to BYTES of 0-RTT data on a resumed connection (replayed ClientHellos are caught within this process)',
  },
  'request-timeout': {
    type: 'string',
    metavar: 'SECONDS',
    help: `how long a request may take from its first byte to the end of its headers (default ${REQUEST_TIMEOUT_S}; then 408)`,
  },
  once: { type: 'boolean', help: 'serve one connection, then exit (0 if its handshake succeeded)' },
  trace: { type: 'boolean', help: 'print an annotated trace of every connection' },
  json: { type: 'boolean', help: 'print the event stream as JSON lines, each with its connection number (status lines go to stderr)' },
  keylog: keyLogFlag(true),
  help: { type: 'boolean', help: 'show this help' },
};

export const SERVE_USAGE = 'tlslab serve --port N [options]';

interface ServeSetup {
  config: Omit<ServerConfig, 'sink' | 'rng'>;
  lines: string[];
}

/** Reads the flags into the parts of a ServerConfig every connection shares. */
export async function serveSetup(p: ReturnType<typeof parseArgs>, cwd = process.cwd()): Promise<ServeSetup> {
  const lines: string[] = [];
  const versions = parseVersions(getString(p, 'tls') ?? '1.3');
  const suitesArg = getString(p, 'suites');
  const groupsArg = getString(p, 'groups');
  const sigArg = getString(p, 'sigalgs');
  const alpnArg = getString(p, 'alpn');
  const certFile = getString(p, 'cert');
  const keyFile = getString(p, 'key');
  if (Boolean(certFile) !== Boolean(keyFile)) throw new UsageError('--cert and --key go together');
  if (certFile && getString(p, 'key-type')) throw new UsageError("--key-type is for the generated demo chain; with --cert the key type is the certificate's");
  const request = getBool(p, 'request-client-cert');
  const require = getBool(p, 'require-client-cert');
  if (request && require) throw new UsageError('choose one of --request-client-cert and --require-client-cert');
  const caFile = getString(p, 'ca');
  if ((request || require) && !caFile) throw new UsageError('mutual TLS needs --ca FILE (the trust anchors for client certificates)');

  const ticketsArg = getString(p, 'tickets');
  const tickets = ticketsArg === undefined ? 0 : Number(ticketsArg);
  if (!Number.isInteger(tickets) || tickets < 0 || tickets > 16) throw new UsageError(`bad --tickets "${ticketsArg}" (a number of tickets from 0 to 16)`);
  if (tickets > 0) lines.push(`sending ${tickets} session ticket${tickets > 1 ? 's' : ''} after each TLS 1.3 handshake: clients can resume until this server stops`);
  const earlyArg = getString(p, 'max-early-data');
  const maxEarlyData = earlyArg === undefined ? 0 : Number(earlyArg);
  if (!Number.isInteger(maxEarlyData) || maxEarlyData < 0 || maxEarlyData > 1 << 20) {
    throw new UsageError(`bad --max-early-data "${earlyArg}" (a number of bytes from 0 to 1048576)`);
  }
  if (maxEarlyData > 0 && tickets === 0) throw new UsageError('--max-early-data needs --tickets: 0-RTT data rides on a resumed session');
  if (maxEarlyData > 0) lines.push(`accepting up to ${maxEarlyData} bytes of 0-RTT data on resumed connections; a replayed ClientHello's early data is rejected`);

  let cert: CertifiedKey;
  if (certFile && keyFile) {
    cert = loadCertifiedKey(certFile, keyFile);
  } else {
    const keyType = parseName(getString(p, 'key-type') ?? 'ecdsa-p256', KEY_TYPES, 'key type');
    const demo = demoServerChain(keyType, getString(p, 'servername') ?? undefined);
    cert = demo.cert;
    const rootPath = join(cwd, DEMO_ROOT_PATH);
    mkdirSync(dirname(rootPath), { recursive: true });
    writeFileSync(rootPath, demo.rootPem);
    lines.push(`using a generated demo chain (${keyType} leaf for ${demo.names.join(', ')}); its root CA is in ${DEMO_ROOT_PATH}`);
  }
  return {
    config: {
      versions,
      cipherSuites: suitesArg ? suitesForVersions(parseNameList(suitesArg, ALL_SUITES, 'cipher suite'), versions) : undefined,
      groups: groupsArg ? parseNameList(groupsArg, GROUPS, 'group') : undefined,
      signatureSchemes: sigArg ? parseNameList(sigArg, SIGNATURE_SCHEMES, 'signature scheme') : undefined,
      // It answers HTTP/1.1, so that is what it accepts by default (RFC 7301).
      alpn: alpnArg ? parseAlpn(alpnArg) : ['http/1.1'],
      cert,
      clientAuth: require ? 'require' : request ? 'request' : 'none',
      clientTrustAnchors: caFile ? loadTrustAnchors(caFile) : undefined,
      // One ticket key for every connection, so a ticket from one opens in the next (server/tickets.ts).
      // And one ClientHello record for every connection, so a replayed 0-RTT ClientHello is caught (RFC 8446 §8.2).
      ...(tickets > 0 ? { sessionTickets: tickets, ticketKey: systemRng()(32), antiReplay: new MemoryAntiReplay() } : {}),
      ...(maxEarlyData > 0 ? { maxEarlyData } : {}),
    },
    lines,
  };
}

/** What the server negotiated, from its own events. */
function negotiated(events: readonly TlsEvent[]): Record<string, string> {
  return Object.fromEntries(Object.entries(mergeNegotiated(events, 'server')).map(([k, v]) => [k, String(v)]));
}

function clientCertText(events: readonly TlsEvent[]): string {
  const r = [...events].reverse().find((e) => e.type === 'cert-report' && e.side === 'server');
  if (!r || r.type !== 'cert-report') return 'none';
  const leaf = r.report.certificates[0];
  return `${leaf ? leaf.subject : '(empty)'} — ${r.report.ok ? 'verified' : `rejected: ${r.report.verdict}`}`;
}

/** The small HTTP response to one request. */
export function responseFor(request: string, events: readonly TlsEvent[]): string {
  const n = negotiated(events);
  const firstLine = request.split(/\r?\n/, 1)[0] ?? '';
  const body =
    `Hello from TLS Lab.\n` +
    `You spoke ${n.version ?? '?'} with ${n.cipherSuite ?? '?'}` +
    (n.group ? ` over ${n.group}` : '') +
    (n.keyExchange === 'RSA' ? ' (RSA key transport)' : '') +
    (n.signatureScheme ? `; the server signed with ${n.signatureScheme}` : '') +
    (n.helloRetry === 'true' ? '; after a HelloRetryRequest' : '') +
    (n.resumed === 'true' ? '; resumed with a session ticket (no certificate)' : '') +
    `.\n` +
    `ALPN: ${n.alpn ?? 'none'}. Client certificate: ${clientCertText(events)}.\n` +
    `Your request: ${firstLine}\n`;
  return `HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${utf8.encode(body).length}\r\nConnection: close\r\nServer: tlslab\r\n\r\n${body}`;
}

/** An error response (no request was served). */
function errorResponse(status: string, text: string): string {
  const body = `${text}\n`;
  return `HTTP/1.1 ${status}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${utf8.encode(body).length}\r\nConnection: close\r\nServer: tlslab\r\n\r\n${body}`;
}

function parseRequestTimeout(arg: string | undefined): number {
  if (arg === undefined) return REQUEST_TIMEOUT_S * 1000;
  const s = Number(arg);
  if (!Number.isFinite(s) || s <= 0 || s > 3600) throw new UsageError(`bad --request-timeout "${arg}" (seconds, more than 0 and at most 3600)`);
  return s * 1000;
}

/**
 * Reads one HTTP request from a connection's application data and answers it once: 408 when it
 * does not end within `requestTimeoutMs` of its first byte (RFC 9110 §15.5.9), 431 for a head
 * over MAX_REQUEST_HEAD bytes, else the page. `say` reports what was answered.
 */
function httpAnswerer(say: (line: string) => void, requestTimeoutMs: number): { onAppData: (data: Uint8Array, d: Driver) => void; stop: () => void } {
  let buf = '';
  let answered = false;
  let requestTimer: ReturnType<typeof setTimeout> | undefined;
  // One decoder per connection: a character split across records is read whole.
  const decoder = new TextDecoder();
  const onAppData = (data: Uint8Array, d: Driver): void => {
    if (answered) return;
    buf += decoder.decode(data, { stream: true });
    const answer = (response: string, line: string): void => {
      answered = true;
      clearTimeout(requestTimer);
      say(line);
      d.send(utf8.encode(response));
      d.close();
    };
    // The bound on time runs from the request's first byte (RFC 9110 §15.5.9: 408).
    requestTimer ??= setTimeout(() => {
      if (!answered)
        answer(
          errorResponse('408 Request Timeout', `The request did not end (an empty line after its headers) within ${requestTimeoutMs / 1000} s.`),
          `request incomplete after ${requestTimeoutMs / 1000} s: 408`,
        );
    }, requestTimeoutMs);
    const r = readRequest(buf);
    if (r.kind === 'incomplete') return;
    if (r.kind === 'too-large') {
      answer(
        errorResponse('431 Request Header Fields Too Large', `The request head is larger than ${MAX_REQUEST_HEAD} bytes.`),
        `request head over ${MAX_REQUEST_HEAD} bytes: 431`,
      );
      return;
    }
    answer(responseFor(r.head, d.events), JSON.stringify(r.head.split(/\r?\n/, 1)[0]));
  };
  return { onAppData, stop: () => clearTimeout(requestTimer) };
}

/**
 * Runs the server until `signal` aborts (or, with --once, the first connection ends).
 * `cwd` is where the demo root file goes (default: the process's working directory).
 */
export async function runServe(argv: readonly string[], io: Io, signal?: AbortSignal, cwd = process.cwd()): Promise<number> {
  const p = parseArgs(argv, SERVE_FLAGS);
  if (getBool(p, 'help')) {
    io.out(helpText(SERVE_USAGE, 'Runs a TLS server with the TLS Lab engine; every request gets a small HTTP response.', SERVE_FLAGS));
    return 0;
  }
  if (p.positional.length > 0) throw new UsageError(`unexpected argument "${p.positional[0]}" (usage: ${SERVE_USAGE})`);
  if (getBool(p, 'trace') && getBool(p, 'json')) throw new UsageError('--trace and --json cannot be combined');
  const portArg = getString(p, 'port');
  if (portArg === undefined) throw new UsageError(`serve needs --port N (usage: ${SERVE_USAGE})`);
  const port = parsePort(portArg);
  const host = getString(p, 'host') ?? '127.0.0.1';
  const mode: OutputMode = getBool(p, 'json') ? 'json' : getBool(p, 'trace') ? 'trace' : 'plain';
  const status = (line: string): void => (mode === 'json' ? io.err(`tlslab: ${line}\n`) : io.out(`tlslab: ${line}\n`));
  const setup = await serveSetup(p, cwd);
  const keyLogNotes: string[] = [];
  const keyLogFile = keyLogFileFromFlags(p, true, keyLogNotes);
  for (const l of setup.lines) status(l);
  for (const n of keyLogNotes) status(`note: ${n}`);
  const once = getBool(p, 'once');
  const requestTimeoutMs = parseRequestTimeout(getString(p, 'request-timeout'));

  let nextConn = 0;
  const sockets = new Set<Socket>();
  return await new Promise<number>((resolve) => {
    const server = netCreateServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      const id = ++nextConn;
      const peer = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
      // A peer that goes quiet mid-handshake or never sends its request is dropped.
      socket.setTimeout(30_000, () => {
        status(`#${id} ${peer}: idle for 30 s, closing`);
        socket.destroy();
      });
      if (once) server.close();
      const http = httpAnswerer((line) => status(`#${id} ${peer}: ${line}`), requestTimeoutMs);
      socket.on('close', () => http.stop());
      const printer = eventPrinter(io, mode, mode === 'trace' ? `#${id} ` : '', { connection: id });
      const keyLog = keyLogFile ? keyLogAppender(keyLogFile, 'server', (m) => status(`#${id} ${m}`)) : undefined;
      if (mode === 'trace') io.out(`── connection #${id} from ${peer} ──\n`);
      const driver: Driver = driveEndpoint(socket, (sink) => createServer({ ...setup.config, rng: systemRng(), sink }), {
        onEvent: (e) => {
          keyLog?.(e);
          printer(e);
        },
        onConnected: (d) => {
          const n = negotiated(d.events);
          const resumed = n.resumed === 'true' ? 'resumed (PSK)' : undefined;
          const early = n.earlyData ? `0-RTT data ${n.earlyData}` : undefined;
          status(`#${id} ${peer}: handshake done: ${[n.version, n.cipherSuite, n.group, n.signatureScheme, n.alpn, resumed, early].filter(Boolean).join(', ')}`);
        },
        onAppData: http.onAppData,
      });
      void driver.finished.then((o) => {
        if (mode === 'trace')
          io.out(
            `${summaryLines(driver.events)
              .map((l) => `#${id} ${l}`)
              .join('\n')}\n`,
          );
        const ok = o.connected && !o.alertSent && !o.alertReceived && !o.endpointThrew;
        status(`#${id} ${peer}: ${ok ? 'closed' : describeFailure(o, 'client')}`);
        if (once) {
          for (const s of sockets) s.destroy();
          resolve(ok ? 0 : 1);
        }
      });
    });
    server.on('error', (err: NodeJS.ErrnoException) => {
      io.err(`tlslab: cannot listen on ${host}:${port}: ${err.code ?? err.message}\n`);
      resolve(1);
    });
    signal?.addEventListener('abort', () => {
      server.close();
      for (const s of sockets) s.destroy();
      resolve(0);
    });
    server.listen(port, host, () => {
      const addr = server.address();
      const actual = typeof addr === 'object' && addr ? addr.port : port;
      status(`listening on ${host}:${actual}${once ? ' (one connection)' : ''}`);
    });
  });
}
