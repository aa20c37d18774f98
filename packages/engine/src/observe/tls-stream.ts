/**
 * What the parts of the TLS observer share (observe/tls.ts): its options and result, the records
 * of a captured byte stream (RFC 8446 §5.1 / RFC 5246 §6.2 framing), what a decoded handshake
 * message carries, and the key log labels (NSS SSLKEYLOGFILE format).
 */
import { type ByteSpan } from '../codec/bytespan';
import { Reader } from '../codec/reader';
import { toHex } from '../codec/hex';
import type { SecretStage, Side, TlsVersionName } from '../events';
import { ContentType, HandshakeType, type HandshakeMessageName } from '../msgs/enums';
import { type HandshakeFrame, type HandshakeMessage } from '../msgs/handshake';
import { RECORD_HEADER_LEN } from '../msgs/record';
import { type Tls12Message } from '../msgs/handshake12';
import { type TrustStore } from '../pki/verify';
import type { ParsedKeyLog } from '../keylog';
import type { ByteStream } from './tcp';

import { MAX_CIPHERTEXT_TLS12 } from '../msgs/record';

export type Dir = 'c2s' | 's2c';
export const SENDER: Record<Dir, Side> = { c2s: 'client', s2c: 'server' };
export const RECEIVER: Record<Dir, Side> = { c2s: 'server', s2c: 'client' };
/** TLSCiphertext.length limit of TLS 1.2 (RFC 5246 §6.2.3), the larger of the two versions'. */
const MAX_RECORD = MAX_CIPHERTEXT_TLS12;

export interface ObserveOptions {
  /** Secrets from the key log file and/or the capture's Decryption Secrets Blocks. */
  keyLog?: ParsedKeyLog;
  /** Whether the user gave a key log at all (changes how a missing key is worded). */
  keyLogGiven?: boolean;
  /** Trust anchors for the certificate report (Mozilla's roots, or the user's). */
  trust?: TrustStore | Uint8Array[];
  /** Name of the trust store, for the report ("Mozilla roots", "2 roots from roots.pem"). */
  trustName?: string;
  /** Skip crypto and certificate checks (a quick pass to list connections). */
  listOnly?: boolean;
}

/** What one TLS connection of a capture is, for a picker or a list. */
export interface ObservedConnection {
  /** 1-based, in the order the connections started. */
  index: number;
  client: string;
  server: string;
  serverName?: string;
  version?: string;
  cipherSuite?: string;
  /** ISO time of the first packet. */
  start: string;
  startMs: number;
  records: number;
  /** decrypted: every protected record opened; partly: some did; no-matching-keys: the key log has none for it; no-key-log; plaintext: nothing was encrypted; unsupported: a suite or version TLS Lab does not decrypt (CBC, TLS 1.0/1.1). */
  decryption: 'decrypted' | 'partly' | 'no-matching-keys' | 'no-key-log' | 'plaintext' | 'unsupported';
  /** What was odd about this connection, in words. */
  problems: string[];
}

export interface RawRecord {
  dir: Dir;
  n: number;
  bytes: Uint8Array;
  time: number;
  packet: number;
}

/** Whether a byte stream starts like TLS: a record header of a known content type and a sane length. */
export function startsLikeTls(b: Uint8Array): 'client-hello' | 'server-hello' | 'records' | null {
  if (b.length < 6) return null;
  if (!plausibleHeader(b, 0)) return null;
  if (b[0] === ContentType.handshake && b[5] === HandshakeType.client_hello) return 'client-hello';
  if (b[0] === ContentType.handshake && b[5] === HandshakeType.server_hello) return 'server-hello';
  // A capture that started mid-connection: ask for two records in a row (or one filling the stream).
  const len = (b[3]! << 8) | b[4]!;
  const next = 5 + len;
  if (next === b.length || plausibleHeader(b, next)) return 'records';
  return null;
}

export function plausibleHeader(b: Uint8Array, o: number): boolean {
  if (b.length < o + 5) return false;
  const type = b[o]!;
  const len = (b[o + 3]! << 8) | b[o + 4]!;
  return type >= 20 && type <= 24 && b[o + 1] === 3 && b[o + 2]! <= 4 && len <= MAX_RECORD && len > 0;
}

/** Cuts a byte stream into records; each gets the time of the packet that carried its last byte. */
export function splitRecords(dir: Dir, s: ByteStream, problems: string[]): RawRecord[] {
  const out: RawRecord[] = [];
  const who = dir === 'c2s' ? 'client' : 'server';
  let o = 0;
  let d = 0;
  while (o + RECORD_HEADER_LEN <= s.bytes.length) {
    if (!plausibleHeader(s.bytes, o)) {
      problems.push(
        `From byte ${o} of what the ${who} sent, the data is not TLS records (it starts ${toHex(s.bytes.subarray(o, o + 5))}); the rest of that direction is not shown.`,
      );
      return out;
    }
    const end = o + RECORD_HEADER_LEN + ((s.bytes[o + 3]! << 8) | s.bytes[o + 4]!);
    if (end > s.bytes.length) break;
    while (d < s.deliveries.length - 1 && s.deliveries[d]!.end < end) d++;
    const del = s.deliveries[d]!;
    out.push({ dir, n: out.length, bytes: s.bytes.subarray(o, end), time: del.time, packet: del.packet });
    o = end;
  }
  if (s.gap)
    problems.push(
      `${s.gap.missing} bytes the ${who} sent are missing from the capture (after byte ${s.gap.at}): a packet was not captured, so the records after it are not shown.`,
    );
  else if (o < s.bytes.length)
    problems.push(`The ${who}'s last record is incomplete: ${s.bytes.length - o} bytes of it were captured (the capture stopped, or the connection broke).`);
  return out;
}

/** A decoded handshake message as the observer reports it. */
export interface Decoded {
  name: HandshakeMessageName;
  bytes: Uint8Array;
  spans: ByteSpan[];
  summary: Record<string, string>;
  m13?: HandshakeMessage;
  m12?: Tls12Message;
  /** Why the body could not be decoded (framing only then). */
  error?: string;
}

export type Version = TlsVersionName | 'older';

/** The TLS 1.2 NewSessionTicket (RFC 5077 §3.3): uint32 ticket_lifetime_hint; opaque ticket<0..2^16-1>. */
export function decodeTicket12(frame: HandshakeFrame): Decoded {
  const r = new Reader(frame.bytes);
  r.u8('msg_type', (v) => `NewSessionTicket (${v})`);
  const body = r.vector24('NewSessionTicket', { rfc: 'RFC 5077 §3.3', value: 'NewSessionTicket' });
  const lt = r.bytesN(4, 'ticket_lifetime_hint');
  const lifetime = ((lt[0]! << 24) >>> 0) + (lt[1]! << 16) + (lt[2]! << 8) + lt[3]!;
  r.spans[r.spans.length - 1] = { ...r.spans[r.spans.length - 1]!, value: `${lifetime} s` };
  const ticket = r.opaque(2, 'ticket');
  body();
  r.expectEnd('NewSessionTicket');
  return { name: 'NewSessionTicket', bytes: frame.bytes, spans: r.spans, summary: { ticket_lifetime_hint: String(lifetime), ticket: `${ticket.length} bytes` } };
}

/** The secrets a key log line gives, by the names the key schedule uses. */
export const TLS13_KEYLOG: Record<string, { name: string; stage: SecretStage }> = {
  CLIENT_EARLY_TRAFFIC_SECRET: { name: 'client_early_traffic_secret', stage: 'early' },
  CLIENT_HANDSHAKE_TRAFFIC_SECRET: { name: 'client_handshake_traffic_secret', stage: 'handshake' },
  SERVER_HANDSHAKE_TRAFFIC_SECRET: { name: 'server_handshake_traffic_secret', stage: 'handshake' },
  CLIENT_TRAFFIC_SECRET_0: { name: 'client_application_traffic_secret_0', stage: 'master' },
  SERVER_TRAFFIC_SECRET_0: { name: 'server_application_traffic_secret_0', stage: 'master' },
  EXPORTER_SECRET: { name: 'exporter_master_secret', stage: 'master' },
};

export type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
