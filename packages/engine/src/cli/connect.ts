/**
 * `tlslab connect HOST:PORT`: the engine's TLS client over a real TCP socket.
 *
 * Handshake, send a request (an HTTP/1.1 GET by default), print the answer. Exit 0 only when
 * the handshake completed and an answer arrived; otherwise one line on stderr saying which
 * alert or error ended it, e.g. `tlslab: handshake failed: received fatal alert unknown_ca
 * from server`.
 */
import { connect as netConnect, isIP } from 'node:net';
import { createClient } from '../index';
import type { ClientConfig } from '../config';
import { systemRng, seededRng } from '../crypto/rng';
import { utf8 } from '../codec/hex';
import type { EventSink, TlsEvent } from '../events';
import {
  ALL_SUITES,
  GROUPS,
  SIGNATURE_SCHEMES,
  UsageError,
  getBool,
  getString,
  helpText,
  parseAlpn,
  parseArgs,
  parseHostPort,
  parseNameList,
  parseVersions,
  suitesForVersions,
  type FlagSpecs,
} from './args';
import { defaultTrustAnchors, loadCertifiedKey, loadTrustAnchors } from './files';
import { eventPrinter, unescapeText, type Io, type OutputMode } from './output';
import { summaryLines } from './trace';
import { describeFailure, driveEndpoint, type Outcome } from './socket';
import { keyLogAppender, keyLogFileFromFlags, keyLogFlag } from './keylog-file';
import { httpResponseComplete } from '../io/http';

export { httpResponseComplete };

export const CONNECT_FLAGS: FlagSpecs = {
  servername: { type: 'string', metavar: 'NAME', help: 'name to send as server_name and to check the certificate against (default: HOST; an IP address is checked, not sent)' },
  ca: { type: 'string', metavar: 'FILE', help: "PEM trust anchors (default: Node's Mozilla roots + .tlslab/demo-root.pem if present)" },
  suites: { type: 'string', metavar: 'LIST', help: `cipher suites to offer, preferred first (${ALL_SUITES.slice(0, 3).join(', ')}, ...)` },
  groups: { type: 'string', metavar: 'LIST', help: `key exchange groups to offer (${GROUPS.join(', ')})` },
  'key-share': { type: 'string', metavar: 'LIST', help: 'groups to send a key_share for in the first ClientHello (default: the first group)' },
  sigalgs: { type: 'string', metavar: 'LIST', help: 'signature schemes to offer (e.g. ecdsa_secp256r1_sha256,rsa_pss_rsae_sha256,ed25519)' },
  alpn: { type: 'string', metavar: 'LIST', help: 'ALPN protocols to offer, e.g. h2,http/1.1' },
  tls: { type: 'string', metavar: 'VERSIONS', help: 'versions to offer: 1.3 (default), 1.2, or 1.2,1.3' },
  send: { type: 'string', metavar: 'TEXT', help: 'what to send once connected (escapes \\r \\n \\t \\xHH; default: HTTP/1.1 GET / with Host)' },
  cert: { type: 'string', metavar: 'FILE', help: 'client certificate chain (PEM) for mutual TLS' },
  key: { type: 'string', metavar: 'FILE', help: 'private key (PEM) of --cert' },
  insecure: { type: 'boolean', help: 'do not reject a bad server certificate (checks are still shown)' },
  seed: { type: 'string', metavar: 'S', help: 'derive all randomness from a seed (reproducible bytes; for teaching only)' },
  timeout: { type: 'string', metavar: 'SECONDS', help: 'give up after this long (default 10)' },
  trace: { type: 'boolean', help: 'print an annotated trace: every record, field, secret and check' },
  json: { type: 'boolean', help: 'print the event stream as JSON lines' },
  keylog: keyLogFlag(true),
  help: { type: 'boolean', help: 'show this help' },
};

export const CONNECT_USAGE = 'tlslab connect HOST:PORT [options]';

/** Builds the ClientConfig from parsed flags (exported for tests). */
export function clientConfigFromFlags(p: ReturnType<typeof parseArgs>, host: string, sink: ClientConfig['sink'], cwd = process.cwd()): { config: ClientConfig; notes: string[] } {
  const notes: string[] = [];
  const versions = parseVersions(getString(p, 'tls') ?? '1.3');
  const suitesArg = getString(p, 'suites');
  const cipherSuites = suitesArg ? suitesForVersions(parseNameList(suitesArg, ALL_SUITES, 'cipher suite'), versions) : undefined;
  const groupsArg = getString(p, 'groups');
  const groups = groupsArg ? parseNameList(groupsArg, GROUPS, 'group') : undefined;
  const ksArg = getString(p, 'key-share');
  const keyShareGroups = ksArg ? parseNameList(ksArg, GROUPS, 'group') : undefined;
  if (keyShareGroups && groups) {
    for (const g of keyShareGroups) if (!groups.includes(g)) throw new UsageError(`--key-share ${g} is not in --groups ${groups.join(',')}`);
  }
  const sigArg = getString(p, 'sigalgs');
  const signatureSchemes = sigArg ? parseNameList(sigArg, SIGNATURE_SCHEMES, 'signature scheme') : undefined;
  const alpnArg = getString(p, 'alpn');
  // The name the certificate must match: --servername, else HOST. An IP address is checked
  // against the certificate's IP SANs but never sent as server_name (RFC 6066 §3).
  const serverName = getString(p, 'servername') ?? host;
  const caFile = getString(p, 'ca');
  let trustAnchors: Uint8Array[];
  if (caFile) trustAnchors = loadTrustAnchors(caFile);
  else {
    const d = defaultTrustAnchors(cwd);
    trustAnchors = d.anchors;
    notes.push(...d.notes);
  }
  const certFile = getString(p, 'cert');
  const keyFile = getString(p, 'key');
  if (Boolean(certFile) !== Boolean(keyFile)) throw new UsageError('--cert and --key go together');
  const seed = getString(p, 'seed');
  const config: ClientConfig = {
    versions,
    cipherSuites,
    groups,
    keyShareGroups,
    signatureSchemes,
    alpn: alpnArg ? parseAlpn(alpnArg) : undefined,
    serverName,
    trustAnchors,
    insecureSkipVerify: getBool(p, 'insecure'),
    clientCert: certFile && keyFile ? loadCertifiedKey(certFile, keyFile) : undefined,
    rng: seed !== undefined ? seededRng(seed, 'client') : systemRng(),
    sink,
  };
  return { config, notes };
}

function defaultRequest(host: string, port: number): string {
  const h = isIP(host) === 6 ? `[${host}]` : host;
  return `GET / HTTP/1.1\r\nHost: ${port === 443 ? h : `${h}:${port}`}\r\nUser-Agent: tlslab\r\nAccept: */*\r\nConnection: close\r\n\r\n`;
}

export async function runConnect(argv: readonly string[], io: Io): Promise<number> {
  const p = parseArgs(argv, CONNECT_FLAGS);
  if (getBool(p, 'help')) {
    io.out(helpText(CONNECT_USAGE, 'Connects to a TLS server with the TLS Lab engine, sends a request and prints the answer.', CONNECT_FLAGS));
    return 0;
  }
  if (p.positional.length !== 1) throw new UsageError(`connect needs exactly one HOST:PORT (usage: ${CONNECT_USAGE})`);
  if (getBool(p, 'trace') && getBool(p, 'json')) throw new UsageError('--trace and --json cannot be combined');
  const { host, port } = parseHostPort(p.positional[0]!);
  const mode: OutputMode = getBool(p, 'json') ? 'json' : getBool(p, 'trace') ? 'trace' : 'plain';
  const timeoutArg = getString(p, 'timeout');
  const timeoutMs = timeoutArg === undefined ? 10_000 : Number(timeoutArg) * 1000;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new UsageError(`bad --timeout "${timeoutArg}"`);
  const sendArg = getString(p, 'send');
  const request = utf8.encode(sendArg !== undefined ? unescapeText(sendArg) : defaultRequest(host, port));

  const printer = eventPrinter(io, mode);
  // Build (and so validate) the configuration before opening the socket.
  let forward: EventSink = () => {};
  const built = clientConfigFromFlags(p, host, (e) => forward(e));
  const keyLogFile = keyLogFileFromFlags(p, true, built.notes);
  const keyLog = keyLogFile ? keyLogAppender(keyLogFile, 'client', (m) => io.err(`tlslab: ${m}\n`)) : undefined;
  const socket = netConnect({ host, port });
  let answer = '';
  // One streaming decoder: a UTF-8 character may be split across records.
  const decoder = new TextDecoder();
  let idle: NodeJS.Timeout | undefined;
  const driver = driveEndpoint(
    socket,
    (sink) => {
      forward = sink;
      return createClient(built.config);
    },
    {
      onEvent: (e) => {
        keyLog?.(e);
        printer(e);
      },
      onConnected: (d) => d.send(request),
      onAppData: (data, d) => {
        // Report the connection once the server has answered: a TLS 1.3 server can still
        // reject the client (certificate_required, ...) after the client's Finished.
        if (mode !== 'json' && answer === '') io.err(`tlslab: ${connectedLine(d.events, host, port)}\n`);
        const text = decoder.decode(data, { stream: true });
        answer += text;
        if (mode === 'plain') io.out(text);
        if (httpResponseComplete(answer)) d.close();
        else {
          // Not HTTP (or no length): finish when the server has been quiet for a moment.
          clearTimeout(idle);
          idle = setTimeout(() => d.close(), 1500);
        }
      },
    },
  );
  if (mode !== 'json') for (const n of built.notes) io.err(`tlslab: note: ${n}\n`);
  const timer = setTimeout(() => {
    driver.outcome.socketError ??= `timed out after ${timeoutMs / 1000} s`;
    socket.destroy();
  }, timeoutMs);
  const outcome: Outcome = await driver.finished;
  clearTimeout(timer);
  clearTimeout(idle);
  if (mode === 'trace') io.out(`${summaryLines(driver.events).join('\n')}\n`);
  if (outcome.connected && outcome.bytesReceived > 0 && !outcome.alertReceived && !outcome.alertSent && !outcome.endpointThrew) {
    if (mode === 'plain' && !answer.endsWith('\n')) io.out('\n');
    return 0;
  }
  if (!outcome.connected && outcome.socketError?.startsWith('ECONNREFUSED')) {
    io.err(`tlslab: cannot connect to ${host}:${port}: connection refused\n`);
    return 1;
  }
  io.err(`tlslab: ${describeFailure(outcome, 'server')}\n`);
  return 1;
}

/** "connected to HOST:PORT: TLS 1.3, TLS_AES_128_GCM_SHA256, x25519, ..." from the client's events. */
export function connectedLine(events: readonly TlsEvent[], host: string, port: number): string {
  const n: Record<string, string | boolean | undefined> = {};
  for (const e of events) if (e.type === 'negotiated' && e.side === 'client') Object.assign(n, e);
  const report = [...events].reverse().find((e) => e.type === 'cert-report' && e.side === 'client');
  const parts = [n.version, n.cipherSuite, n.group, n.signatureScheme, n.alpn ? `ALPN ${String(n.alpn)}` : undefined, n.helloRetry ? 'after HelloRetryRequest' : undefined].filter(
    (x): x is string => typeof x === 'string' && x.length > 0,
  );
  const cert =
    report && report.type === 'cert-report' ? (report.report.ok ? 'certificate verified' : `certificate NOT verified (${report.report.verdict}; --insecure)`) : undefined;
  return `connected to ${host}:${port}: ${parts.join(', ')}${cert ? `; ${cert}` : ''}`;
}
