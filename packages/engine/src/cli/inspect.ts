/**
 * `tlslab inspect FILE [--keylog F] [--connection N] [--trace | --json]`: the TLS connections
 * of a capture (pcap or pcapng), decoded passively — the same events `simulate` prints, from
 * someone else's handshake. With a key log (or one inside the pcapng) the encrypted records are
 * decrypted and each Finished is checked. Without `--connection`, every TLS connection in the
 * file, in order, each introduced by a line (`--json`: a `connection` line).
 *
 * Exit codes: 0 at least one TLS connection shown, 1 the file holds none (or is not a capture,
 * or cannot be read), 2 usage error.
 */
import { readFileSync, statSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { openCapture, sizeProblem, KEY_LOG_HINT, type ObservedConnection } from '../observe/index';
import { parsePemBundle } from '../pki/parse';
import type { TlsEvent } from '../events';
import { UsageError, getBool, getString, helpText, parseArgs, type FlagSpecs } from './args';
import { eventPrinter, type Io, type OutputMode } from './output';
import { flowLines } from './simulate';
import { summaryLines, showText } from './trace';
import { loadTrustAnchors } from './files';

export const INSPECT_FLAGS: FlagSpecs = {
  keylog: { type: 'string', metavar: 'FILE', help: 'NSS key log (SSLKEYLOGFILE format) to decrypt with (keys inside a pcapng are used too)' },
  connection: { type: 'string', metavar: 'N', help: 'only the Nth TLS connection (1-based; see the list without this flag)' },
  ca: { type: 'string', metavar: 'FILE', help: "PEM trust anchors for the certificate report (default: Node's Mozilla roots)" },
  trace: { type: 'boolean', help: 'print an annotated trace: every record, field, secret and check' },
  json: { type: 'boolean', help: 'print the event stream as JSON lines (a "connection" line before each connection)' },
  help: { type: 'boolean', help: 'show this help' },
};

export const INSPECT_USAGE = 'tlslab inspect FILE [--keylog F] [--connection N] [--trace | --json]';

/** The line that introduces a connection in plain and trace output. */
export function connectionLine(c: ObservedConnection): string {
  const what = [c.version, c.cipherSuite].filter(Boolean).join(', ');
  const dec = {
    decrypted: 'decrypted',
    partly: 'partly decrypted',
    'no-matching-keys': 'encrypted: the key log has no secrets for it',
    'no-key-log': 'encrypted: no key log',
    plaintext: 'nothing encrypted',
    unsupported: 'encrypted with a suite TLS Lab does not decrypt (CBC, or before TLS 1.2)',
  }[c.decryption];
  return `── connection ${c.index}: ${c.client} → ${c.server}${c.serverName ? ` (${c.serverName})` : ''}, ${what || 'version unknown'}, ${c.start}, ${c.records} records, ${dec} ──`;
}

function readFile(path: string, what: string): Uint8Array {
  let size: number;
  try {
    size = statSync(path).size;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot read ${what} ${path}: ${code === 'ENOENT' ? 'no such file' : String(code ?? err)}`);
  }
  const big = what === 'capture' ? sizeProblem(size) : size > 64 * 1024 * 1024 ? `the ${what} is ${size} bytes, too big` : undefined;
  if (big) throw new InputError(`${path}: ${big}`);
  return new Uint8Array(readFileSync(path));
}

class InputError extends Error {}

export async function runInspect(argv: readonly string[], io: Io): Promise<number> {
  const p = parseArgs(argv, INSPECT_FLAGS);
  if (getBool(p, 'help')) {
    io.out(
      helpText(
        INSPECT_USAGE,
        'Decodes the TLS connections of a packet capture (pcap or pcapng): records, handshake messages, certificates; decrypted with a key log.',
        INSPECT_FLAGS,
      ),
    );
    return 0;
  }
  if (p.positional.length !== 1)
    throw new UsageError(`${p.positional.length === 0 ? 'a capture file is needed' : `unexpected argument "${p.positional[1]}"`} (usage: ${INSPECT_USAGE})`);
  if (getBool(p, 'trace') && getBool(p, 'json')) throw new UsageError('--trace and --json cannot be combined');
  const mode: OutputMode = getBool(p, 'json') ? 'json' : getBool(p, 'trace') ? 'trace' : 'plain';
  const connArg = getString(p, 'connection');
  const only = connArg === undefined ? undefined : Number(connArg);
  if (only !== undefined && (!Number.isInteger(only) || only < 1)) throw new UsageError(`bad --connection "${connArg}" (a number from 1)`);
  const file = p.positional[0]!;
  let capture;
  try {
    const bytes = readFile(file, 'capture');
    const keyLogFile = getString(p, 'keylog');
    const keyLog = keyLogFile !== undefined ? new TextDecoder().decode(readFile(keyLogFile, 'key log')) : undefined;
    const ca = getString(p, 'ca');
    const trust = ca !== undefined ? loadTrustAnchors(ca) : parsePemBundle(rootCertificates.join('\n')).certificates;
    const trustName = ca !== undefined ? `${trust.length} root(s) from ${ca}` : `${trust.length} Mozilla roots (Node ${process.version})`;
    capture = openCapture(bytes, { ...(keyLog !== undefined ? { keyLog } : {}), trust, trustName });
  } catch (err) {
    if (err instanceof InputError) {
      io.err(`tlslab inspect: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
  for (const problem of capture.problems) io.err(`tlslab inspect: ${problem}\n`);
  if (capture.connections.length === 0) return 1;
  if (only !== undefined && only > capture.connections.length) {
    io.err(`tlslab inspect: there is no connection ${only}: ${file} has ${capture.connections.length} TLS connection${capture.connections.length === 1 ? '' : 's'}\n`);
    return 1;
  }
  if (mode !== 'json') {
    const k = capture.keyLog;
    io.out(
      `tlslab: ${file}: ${capture.format}, ${capture.packets} packets, ${capture.connections.length} TLS connection${capture.connections.length === 1 ? '' : 's'}; ` +
        (k.given ? `key log: ${k.secrets} secrets${k.embedded ? ' (some inside the capture)' : ''}, matching ${k.matched} connection${k.matched === 1 ? '' : 's'}` : 'no key log') +
        '\n',
    );
  }
  const list = only !== undefined ? [capture.connections[only - 1]!] : capture.connections;
  for (const c of list) {
    const events = capture.events(c.index);
    if (mode === 'json') {
      io.out(`${JSON.stringify({ type: 'connection', ...c })}\n`);
    } else {
      io.out(`${connectionLine(capture.connections[c.index - 1]!)}\n`);
    }
    const printer = eventPrinter(io, mode);
    for (const e of events) printer(e);
    if (mode === 'trace') io.out(`${summaryLines(events).join('\n')}\n`);
    if (mode === 'plain') printPlain(io, events);
    for (const problem of c.problems) io.err(`tlslab inspect: connection ${c.index}: ${problem}\n`);
    if (mode !== 'json' && (c.decryption === 'no-key-log' || c.decryption === 'no-matching-keys'))
      io.out(`  (${c.decryption === 'no-key-log' ? KEY_LOG_HINT : 'The key log has no secrets for this connection.'})\n`);
  }
  return 0;
}

function printPlain(io: Io, events: readonly TlsEvent[]): void {
  for (const l of flowLines(events)) io.out(`  ${l}\n`);
  for (const e of events) {
    if (e.type === 'appdata' && e.direction === 'sent') {
      const first = showText(e.data, 200)[0];
      if (first) io.out(`    ${e.side === 'client' ? 'client' : 'server'} data: ${first}\n`);
    }
    if (e.type === 'note' && e.side === 'client' && /Finished (is correct|does NOT match)/.test(e.text)) io.out(`  ${e.text}\n`);
    if (e.type === 'note' && e.side === 'server' && /Finished (is correct|does NOT match)/.test(e.text)) io.out(`  ${e.text}\n`);
  }
}
