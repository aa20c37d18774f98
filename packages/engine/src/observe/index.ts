/**
 * The observer's front door: a capture file (pcap or pcapng) and an optional key log become a
 * list of the TLS connections in it, and each connection the same event stream a run of our
 * endpoints gives (observe/tls.ts).
 *
 * TLS is found by its bytes, on any port: a TCP connection is TLS when one of its directions
 * starts with a TLS record (a ClientHello, a ServerHello, or — for a capture that started
 * mid-connection — a run of well-formed records).
 */
import type { TlsEvent } from '../events';
import { parseKeyLog, type ParsedKeyLog } from '../keylog';
import { createTrustStore, type TrustStore } from '../pki/verify';
import { readCapture, type CaptureFile } from './capture-file';
import { decodeFrame, LINKTYPES } from './packets';
import { TcpReassembler, type TcpConnection } from './tcp';
import { observeConnection, startsLikeTls, type ObservedConnection, type ObserveOptions } from './tls';

export { KEY_LOG_HINT, type ObservedConnection } from './tls';
export { MAX_CAPTURE_BYTES, sizeProblem, looksLikeCapture, formatSize } from './capture-file';

export interface OpenCaptureOptions {
  /** The NSS key log text the user gave (SSLKEYLOGFILE format). */
  keyLog?: string;
  /** Trust anchors for certificate reports (DER list or a prepared store). */
  trust?: TrustStore | Uint8Array[];
  trustName?: string;
}

/** An opened capture: its TLS connections, and what went wrong reading it. */
export interface OpenedCapture {
  format: CaptureFile['format'];
  packets: number;
  connections: ObservedConnection[];
  /** Problems with the file as a whole (not a capture, truncated, no TLS...), in words. */
  problems: string[];
  /** Whether a key log was used (given, or inside the pcapng), and how many secrets it held. */
  keyLog: { given: boolean; embedded: boolean; secrets: number; badLines: number; matched: number };
  /** The events of connection `index` (1-based). */
  events(index: number): TlsEvent[];
}

interface Found {
  tcp: TcpConnection;
  /** Whether the TCP opener (a) is the TLS client. */
  clientIsA: boolean;
}

/** The capture's TCP connections that carry TLS, which side is the client, and what was skipped. */
function tlsConnections(file: ReturnType<typeof readCapture>): { found: Found[]; tcpPackets: number; skipped: Map<string, number> } {
  const tcp = new TcpReassembler();
  const skipped = new Map<string, number>();
  let tcpPackets = 0;
  for (const p of file.packets) {
    const d = decodeFrame(p.linkType, p.data, p.originalLength);
    if (!d.ok) {
      skipped.set(d.skip, (skipped.get(d.skip) ?? 0) + 1);
      continue;
    }
    tcpPackets++;
    tcp.add(d.segment, p.time, p.index);
  }
  const found: Found[] = [];
  for (const c of tcp.finish()) {
    const ab = startsLikeTls(c.ab.bytes);
    const ba = startsLikeTls(c.ba.bytes);
    if (!ab && !ba) continue;
    // The client sent the ClientHello; without one, the side that opened the TCP connection.
    const clientIsA = ab === 'client-hello' ? true : ba === 'client-hello' ? false : ab === 'server-hello' ? false : true;
    found.push({ tcp: c, clientIsA });
  }
  return { found, tcpPackets, skipped };
}

/** Why a capture shows no TLS connection, and which packets were skipped. */
function noTlsProblems(packets: number, found: number, tcpPackets: number, skipped: Map<string, number>, problemsSoFar: number): string[] {
  const problems: string[] = [];
  if (packets > 0 && found === 0) {
    const why =
      tcpPackets === 0
        ? `none of its ${packets} packets is TCP${
            skipped.size
              ? ` (${[...skipped]
                  .slice(0, 3)
                  .map(([k, n]) => `${n}× ${k}`)
                  .join('; ')})`
              : ''
          }`
        : `none of its ${tcpPackets} TCP packets carries a TLS record`;
    problems.push(`This capture has no TLS connection: ${why}.`);
  } else if (packets === 0 && problemsSoFar === 0) {
    problems.push('This capture holds no packets.');
  }
  const unsupported = [...skipped.keys()].find((k) => k.startsWith('link type'));
  if (unsupported) problems.push(`Some packets were skipped: ${unsupported}. Known link types: ${[...new Set(Object.values(LINKTYPES))].join(', ')}.`);
  return problems;
}

/** Opens a capture file. Never throws: every problem is in `problems` (or a connection's). */
export function openCapture(bytes: Uint8Array, opts: OpenCaptureOptions = {}): OpenedCapture {
  const file = readCapture(bytes);
  const problems = [...file.problems];
  const { found, tcpPackets, skipped } = tlsConnections(file);

  const keyLog: ParsedKeyLog = { byClientRandom: new Map(), badLines: 0, lines: 0 };
  if (file.keyLog) parseKeyLog(file.keyLog, keyLog);
  if (opts.keyLog) parseKeyLog(opts.keyLog, keyLog);
  const given = Boolean(opts.keyLog?.trim()) || Boolean(file.keyLog);
  if (opts.keyLog?.trim() && keyLog.lines === 0)
    problems.push('The key log holds no secrets: expected lines such as "CLIENT_RANDOM <64 hex digits> <96 hex digits>" (the SSLKEYLOGFILE format).');

  problems.push(...noTlsProblems(file.packets.length, found.length, tcpPackets, skipped, problems.length));

  const trust = opts.trust === undefined ? undefined : Array.isArray(opts.trust) ? createTrustStore(opts.trust) : opts.trust;
  const observe = (f: Found, o: ObserveOptions) => {
    const client = f.clientIsA ? f.tcp.ab : f.tcp.ba;
    const server = f.clientIsA ? f.tcp.ba : f.tcp.ab;
    return observeConnection(client, server, f.tcp.start, o);
  };
  let matched = 0;
  const connections: ObservedConnection[] = found.map((f, i) => {
    const r = observe(f, { keyLog, keyLogGiven: given, listOnly: true });
    const ch = r.events.find((e) => e.type === 'handshake' && e.name === 'ClientHello');
    if (ch && ch.type === 'handshake' && ch.bytes.length >= 38) {
      const random = Array.from(ch.bytes.subarray(6, 38), (b) => b.toString(16).padStart(2, '0')).join('');
      if (keyLog.byClientRandom.has(random)) matched++;
    }
    const s = r.summary;
    return {
      index: i + 1,
      client: f.clientIsA ? f.tcp.a : f.tcp.b,
      server: f.clientIsA ? f.tcp.b : f.tcp.a,
      start: new Date(f.tcp.start).toISOString(),
      startMs: f.tcp.start,
      ...s,
      decryption: s.decryption === 'plaintext' || s.decryption === 'unsupported' ? s.decryption : !given ? 'no-key-log' : s.decryption,
      problems: r.problems,
    };
  });
  if (given && keyLog.lines > 0 && matched === 0 && found.length > 0)
    problems.push(
      `The key log (${keyLog.lines} secrets) matches none of the ${found.length} TLS connection${found.length === 1 ? '' : 's'} in this capture: its client randoms are from other connections.`,
    );

  return {
    format: file.format,
    packets: file.packets.length,
    connections,
    problems,
    keyLog: { given, embedded: Boolean(file.keyLog), secrets: keyLog.lines, badLines: keyLog.badLines, matched },
    events(index) {
      const f = found[index - 1];
      if (!f) return [];
      const r = observe(f, { keyLog, keyLogGiven: given, ...(trust ? { trust } : {}), ...(opts.trustName ? { trustName: opts.trustName } : {}) });
      const info = connections[index - 1]!;
      // Decryption state is only known after the full pass.
      info.decryption = r.summary.decryption === 'plaintext' || r.summary.decryption === 'unsupported' ? r.summary.decryption : !given ? 'no-key-log' : r.summary.decryption;
      // So are the checks that need keys and certificates (signatures, Finished).
      info.problems = r.problems;
      return r.events;
    },
  };
}
