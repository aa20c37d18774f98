/**
 * A run as a packet capture (pcapng) that Wireshark opens decrypted: every record each side
 * sent, in order, as TCP segments between 10.0.0.1 (client) and 10.0.0.2:443 (server), after a
 * TCP three-way handshake; with the run's key log embedded in a Decryption Secrets Block, so
 * no SSLKEYLOGFILE is needed.
 *
 * The addresses, ports and TCP framing are made up (the engine runs in memory); the TLS bytes
 * are exactly the records the engine sent (as the receiver got them, when a man in the middle
 * changed one). Format: the pcapng draft
 * (draft-ietf-opsawg-pcapng), little-endian; LINKTYPE_RAW (101): each packet is an IPv4 packet.
 */
import type { Side, TlsEvent } from './events';
import { keyLogText } from './keylog';

export interface CaptureOptions {
  /** Embed the key log (default true). Without it the capture shows ciphertext only. */
  keyLog?: boolean;
  /** Wall-clock time of the run's start, ms since the epoch (default: now). */
  startMs?: number;
}

const CLIENT = { ip: [10, 0, 0, 1], port: 50000 };
const SERVER = { ip: [10, 0, 0, 2], port: 443 };
const LINKTYPE_RAW = 101;
const SECRETS_TLS_KEYLOG = 0x544c534b; // "TLSK"
const TCP = { FIN: 0x01, SYN: 0x02, PSH: 0x08, ACK: 0x10 };

/** The pcapng file for a run's events. */
export function runToPcapng(events: readonly TlsEvent[], opts: CaptureOptions = {}): Uint8Array {
  const start = (opts.startMs ?? Date.now()) * 1000; // µs
  const blocks: Uint8Array[] = [sectionHeader(), interfaceDescription()];
  if (opts.keyLog !== false) {
    const text = keyLogText(events);
    if (text) blocks.push(decryptionSecrets(new TextEncoder().encode(text)));
  }
  const seq: Record<Side, number> = { client: 1000, server: 5000 };
  let ipId = 1;
  const packet = (from: Side, flags: number, payload: Uint8Array, tMs: number) => {
    const to: Side = from === 'client' ? 'server' : 'client';
    const ip = ipv4Tcp(ipId++, from, flags, seq[from], flags & TCP.ACK ? seq[to] : 0, payload);
    seq[from] += payload.length + (flags & (TCP.SYN | TCP.FIN) ? 1 : 0);
    blocks.push(enhancedPacket(ip, start + Math.round(tMs * 1000)));
  };
  const none = new Uint8Array(0);
  packet('client', TCP.SYN, none, 0);
  packet('server', TCP.SYN | TCP.ACK, none, 0);
  packet('client', TCP.ACK, none, 0);
  // The capture is taken at the receiver: a record a man in the middle changed appears as it
  // arrived. Timestamps never go back (the app's event order interleaves the two sides).
  const arrived = new Map<string, Uint8Array>();
  for (const e of events) if (e.type === 'record' && e.direction === 'received') arrived.set(e.recordId, e.bytes);
  let last = 0;
  const sent = new Set<string>();
  for (const e of events) {
    if (e.type !== 'record' || e.direction !== 'sent' || sent.has(`${e.side}:${e.recordId}`)) continue;
    sent.add(`${e.side}:${e.recordId}`);
    last = Math.max(last, e.t);
    packet(e.side, TCP.PSH | TCP.ACK, arrived.get(e.recordId) ?? e.bytes, last);
  }
  packet('client', TCP.FIN | TCP.ACK, none, last);
  packet('server', TCP.FIN | TCP.ACK, none, last);
  packet('client', TCP.ACK, none, last);
  return concat(blocks);
}

// ---- pcapng blocks ---------------------------------------------------------------------------

/** type ‖ total length ‖ body (padded to 4) ‖ total length. */
function block(type: number, body: Uint8Array): Uint8Array {
  const padded = (body.length + 3) & ~3;
  const total = 12 + padded;
  const out = new Uint8Array(total);
  const v = new DataView(out.buffer);
  v.setUint32(0, type, true);
  v.setUint32(4, total, true);
  out.set(body, 8);
  v.setUint32(total - 4, total, true);
  return out;
}

function sectionHeader(): Uint8Array {
  const b = new Uint8Array(16);
  const v = new DataView(b.buffer);
  v.setUint32(0, 0x1a2b3c4d, true); // byte-order magic
  v.setUint16(4, 1, true); // major
  v.setUint16(6, 0, true); // minor
  v.setBigInt64(8, -1n, true); // section length: unknown
  return block(0x0a0d0d0a, b);
}

function interfaceDescription(): Uint8Array {
  const b = new Uint8Array(8);
  const v = new DataView(b.buffer);
  v.setUint16(0, LINKTYPE_RAW, true);
  v.setUint32(4, 0, true); // snaplen: no limit
  return block(0x00000001, b);
}

function decryptionSecrets(secrets: Uint8Array): Uint8Array {
  const padded = (secrets.length + 3) & ~3;
  const b = new Uint8Array(8 + padded);
  const v = new DataView(b.buffer);
  v.setUint32(0, SECRETS_TLS_KEYLOG, true);
  v.setUint32(4, secrets.length, true);
  b.set(secrets, 8);
  return block(0x0000000a, b);
}

function enhancedPacket(data: Uint8Array, timestampUs: number): Uint8Array {
  const padded = (data.length + 3) & ~3;
  const b = new Uint8Array(20 + padded);
  const v = new DataView(b.buffer);
  const ts = BigInt(timestampUs);
  v.setUint32(0, 0, true); // interface 0
  v.setUint32(4, Number(ts >> 32n), true);
  v.setUint32(8, Number(ts & 0xffffffffn), true);
  v.setUint32(12, data.length, true); // captured
  v.setUint32(16, data.length, true); // original
  b.set(data, 20);
  return block(0x00000006, b);
}

// ---- IPv4 + TCP ------------------------------------------------------------------------------

function ipv4Tcp(id: number, from: Side, flags: number, seq: number, ack: number, payload: Uint8Array): Uint8Array {
  const src = from === 'client' ? CLIENT : SERVER;
  const dst = from === 'client' ? SERVER : CLIENT;
  const out = new Uint8Array(40 + payload.length);
  const v = new DataView(out.buffer);
  // IPv4 header (RFC 791)
  v.setUint8(0, 0x45);
  v.setUint16(2, out.length);
  v.setUint16(4, id & 0xffff);
  v.setUint16(6, 0x4000); // don't fragment
  v.setUint8(8, 64); // TTL
  v.setUint8(9, 6); // TCP
  out.set(src.ip, 12);
  out.set(dst.ip, 16);
  v.setUint16(10, checksum(out.subarray(0, 20)));
  // TCP header (RFC 9293)
  const tcp = out.subarray(20);
  const t = new DataView(tcp.buffer, tcp.byteOffset);
  t.setUint16(0, src.port);
  t.setUint16(2, dst.port);
  t.setUint32(4, seq >>> 0);
  t.setUint32(8, ack >>> 0);
  t.setUint8(12, 5 << 4);
  t.setUint8(13, flags);
  t.setUint16(14, 65535);
  tcp.set(payload, 20);
  const pseudo = new Uint8Array(12 + tcp.length);
  pseudo.set(src.ip, 0);
  pseudo.set(dst.ip, 4);
  pseudo[9] = 6;
  new DataView(pseudo.buffer).setUint16(10, tcp.length);
  pseudo.set(tcp, 12);
  t.setUint16(16, checksum(pseudo));
  return out;
}

/** The Internet checksum (RFC 1071). */
function checksum(b: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < b.length; i += 2) sum += (b[i]! << 8) | (b[i + 1] ?? 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
