/**
 * `tlslab simulate`: a client and a server in one process (runScenario), exactly what the app
 * runs in its Worker. Plain output is the message flow and the result; `--trace` explains every
 * byte; `--json` is the event stream. Same seed, same bytes.
 */
import { writeFileSync } from 'node:fs';
import { runScenario } from '../index';
import { DEFAULT_SCENARIO, type Scenario } from '../scenario';
import type { TlsEvent } from '../events';
import { mergeNegotiated } from '../negotiated';
import { newSeed } from '../crypto/rng';
import { ALL_SUITES, FAULTS, GROUPS, KEY_TYPES, UsageError, getBool, getString, helpText, parseArgs, parseName, parseVersions, suitesForVersions, type FlagSpecs } from './args';
import { eventPrinter, type Io, type OutputMode } from './output';
import { summaryLines } from './trace';
import { keyLogAppender, keyLogFileFromFlags, keyLogFlag } from './keylog-file';
import { runToPcapng } from '../pcap';

export const SIMULATE_FLAGS: FlagSpecs = {
  seed: { type: 'string', metavar: 'S', help: 'seed for all randomness (default: a fresh one, printed)' },
  suite: { type: 'string', metavar: 'NAME', help: `cipher suite (${ALL_SUITES.slice(0, 3).join(', ')}, ...; default: the version's preference list)` },
  group: { type: 'string', metavar: 'NAME', help: `key exchange group (${GROUPS.join(', ')}; default x25519)` },
  tls: { type: 'string', metavar: 'VERSION', help: 'TLS version: 1.3 (default) or 1.2' },
  'key-type': { type: 'string', metavar: 'TYPE', help: `server certificate key type (${KEY_TYPES.join(', ')}; default ecdsa-p256)` },
  servername: { type: 'string', metavar: 'NAME', help: `server_name the client asks for (default ${DEFAULT_SCENARIO.serverName})` },
  mutual: { type: 'boolean', help: 'mutual TLS: the server requires a client certificate' },
  hrr: { type: 'boolean', help: 'client sends its key share for the other group first, so the server answers HelloRetryRequest' },
  resume: { type: 'boolean', help: 'TLS 1.3: resume a session with a ticket from an earlier full handshake (not shown): PSK, no certificate' },
  'early-data': { type: 'boolean', help: 'with --resume: the client sends its request as 0-RTT early data with the ClientHello' },
  fault: { type: 'string', metavar: 'NAME', help: `break the run on purpose (${FAULTS.join(', ')})` },
  send: { type: 'string', metavar: 'TEXT', help: 'application data the client sends (default: an HTTP/1.1 GET)' },
  at: { type: 'string', metavar: 'ISO-TIME', help: "the run's clock: certificate validity, ticket ages (default: a fixed instant derived from the seed)" },
  'no-sni': { type: 'boolean', help: 'the client sends no server_name (it still checks the certificate for --servername)' },
  'no-ems': { type: 'boolean', help: 'TLS 1.2: the client does not offer extended_master_secret (the classic RFC 5246 master secret)' },
  trace: { type: 'boolean', help: 'print an annotated trace: every record, field, secret and check' },
  json: { type: 'boolean', help: 'print the event stream as JSON lines' },
  keylog: keyLogFlag(false),
  pcap: { type: 'string', metavar: 'FILE', help: 'write the run as a pcapng capture (key log embedded) that Wireshark opens decrypted' },
  help: { type: 'boolean', help: 'show this help' },
};

export const SIMULATE_USAGE = 'tlslab simulate [options]';

/** The Scenario the flags describe (exported for tests). */
export function scenarioFromFlags(p: ReturnType<typeof parseArgs>): Scenario {
  const versions = parseVersions(getString(p, 'tls') ?? '1.3');
  if (versions.length !== 1) throw new UsageError('simulate runs one version: --tls 1.2 or --tls 1.3');
  const version = versions[0]!;
  const suiteArg = getString(p, 'suite');
  const cipherSuite = suiteArg ? suitesForVersions([parseName(suiteArg, ALL_SUITES, 'cipher suite')], versions)[0] : undefined;
  const at = getString(p, 'at');
  if (at !== undefined && Number.isNaN(Date.parse(at))) throw new UsageError(`bad --at "${at}" (an ISO time such as 2030-01-01T00:00:00Z)`);
  const scenario: Scenario = {
    ...DEFAULT_SCENARIO,
    seed: getString(p, 'seed') ?? newSeed(),
    version,
    group: parseName(getString(p, 'group') ?? DEFAULT_SCENARIO.group, GROUPS, 'group'),
    helloRetry: getBool(p, 'hrr'),
    serverKeyType: parseName(getString(p, 'key-type') ?? DEFAULT_SCENARIO.serverKeyType, KEY_TYPES, 'key type'),
    serverName: getString(p, 'servername') ?? DEFAULT_SCENARIO.serverName,
    mutual: getBool(p, 'mutual'),
    fault: parseName(getString(p, 'fault') ?? 'none', FAULTS, 'fault'),
  };
  if (cipherSuite) scenario.cipherSuite = cipherSuite;
  if (getBool(p, 'resume')) {
    if (version !== 'TLS 1.3') throw new UsageError('--resume needs TLS 1.3 (session tickets with a PSK, RFC 8446 §2.2)');
    scenario.resumption = true;
  }
  if (getBool(p, 'early-data')) {
    if (!scenario.resumption) throw new UsageError('--early-data needs --resume (0-RTT data goes with a resumed session, RFC 8446 §2.3)');
    scenario.earlyData = true;
  }
  const send = getString(p, 'send');
  if (send !== undefined) scenario.request = send;
  if (at !== undefined) scenario.at = new Date(at).toISOString();
  if (getBool(p, 'no-sni')) scenario.sni = false;
  if (getBool(p, 'no-ems')) scenario.extendedMasterSecret = false;
  return scenario;
}

/** Plain-mode lines: the message flow, what was negotiated, how it ended. */
export function flowLines(events: readonly TlsEvent[]): string[] {
  const lines: string[] = [];
  for (const e of events) {
    if (e.type === 'handshake' && e.direction === 'sent') {
      lines.push(`${e.side === 'client' ? 'client → server' : 'client ← server'}  ${e.name}`);
    } else if (e.type === 'alert' && e.direction === 'sent') {
      lines.push(`${e.side === 'client' ? 'client → server' : 'client ← server'}  alert ${e.level} ${e.description}${e.reason ? ` (${e.reason})` : ''}`);
    } else if (e.type === 'appdata' && e.direction === 'sent') {
      lines.push(`${e.side === 'client' ? 'client → server' : 'client ← server'}  application data, ${e.data.length} bytes`);
    } else if (e.type === 'cert-report') {
      lines.push(`${e.side} checked the ${e.report.purpose} certificate: ${e.report.ok ? 'ok' : 'REJECTED'} — ${e.report.verdict}`);
    }
  }
  return lines;
}

export async function runSimulate(argv: readonly string[], io: Io): Promise<number> {
  const p = parseArgs(argv, SIMULATE_FLAGS);
  if (getBool(p, 'help')) {
    io.out(helpText(SIMULATE_USAGE, 'Runs a TLS client and server in one process, as the app does, and shows what happened.', SIMULATE_FLAGS));
    return 0;
  }
  if (p.positional.length > 0) throw new UsageError(`unexpected argument "${p.positional[0]}" (usage: ${SIMULATE_USAGE})`);
  if (getBool(p, 'trace') && getBool(p, 'json')) throw new UsageError('--trace and --json cannot be combined');
  const mode: OutputMode = getBool(p, 'json') ? 'json' : getBool(p, 'trace') ? 'trace' : 'plain';
  const scenario = scenarioFromFlags(p);
  // --keylog only: SSLKEYLOGFILE is for real connections, not this in-process run.
  const keyLogFile = keyLogFileFromFlags(p, false);
  const keyLog = keyLogFile ? keyLogAppender(keyLogFile, 'client', (m) => io.err(`tlslab: ${m}\n`)) : undefined;
  const events: TlsEvent[] = [];
  const printer = eventPrinter(io, mode);
  if (mode !== 'json') io.out(`tlslab: simulating ${scenario.version} with seed ${scenario.seed} (repeat with --seed ${scenario.seed})\n`);
  runScenario(scenario, (e: TlsEvent) => {
    events.push(e);
    keyLog?.(e);
    printer(e);
  });
  if (mode === 'trace') io.out(`${summaryLines(events).join('\n')}\n`);
  const pcap = getString(p, 'pcap');
  if (pcap !== undefined) {
    try {
      writeFileSync(pcap, runToPcapng(events));
      if (mode !== 'json') io.err(`tlslab: wrote ${pcap} (open it in Wireshark; the key log is inside)\n`);
    } catch (err) {
      io.err(`tlslab: cannot write ${pcap}: ${err instanceof Error ? err.message : String(err)}\n`);
      return 1;
    }
  }
  const connected = events.some((e) => e.type === 'state' && e.side === 'client' && e.to === 'Connected');
  const serverConnected = events.some((e) => e.type === 'state' && e.side === 'server' && e.to === 'Connected');
  const fatal = events.find((e) => e.type === 'alert' && e.direction === 'sent' && e.level === 'fatal');
  if (mode === 'plain') {
    for (const l of flowLines(events)) io.out(`${l}\n`);
    const n = mergeNegotiated(events, 'client');
    const parts = [n.version, n.cipherSuite, n.group, n.signatureScheme].filter((x): x is string => typeof x === 'string');
    if (parts.length > 0)
      io.out(
        `negotiated: ${parts.join(', ')}${n.helloRetry ? ', after HelloRetryRequest' : ''}${n.resumed === true ? ', resumed with a session ticket (PSK)' : n.resumed === false ? ', ticket declined: full handshake' : ''}${n.earlyData ? `, 0-RTT data ${String(n.earlyData)}` : ''}\n`,
      );
    const answer = [...events].reverse().find((e) => e.type === 'appdata' && e.side === 'client' && e.direction === 'received');
    if (answer && answer.type === 'appdata') io.out(`server answered: ${JSON.stringify(new TextDecoder().decode(answer.data).split('\r\n', 1)[0])}\n`);
  }
  if (connected && serverConnected && !fatal) return 0;
  if (fatal && fatal.type === 'alert') {
    io.err(`tlslab: handshake failed: ${fatal.side} sent fatal alert ${fatal.description} (${fatal.code})${fatal.reason ? `: ${fatal.reason}` : ''}\n`);
  } else {
    io.err('tlslab: handshake did not complete\n');
  }
  return 1;
}
