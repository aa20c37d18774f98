/**
 * TCP reassembly (RFC 9293): segments of each direction of each connection are put back into
 * the byte stream the sender wrote, by sequence number, whatever the capture saw —
 * retransmissions (the first copy of a byte wins), overlapping segments, segments out of
 * order, and sequence numbers that wrap around 2^32. A hole that is never filled (a packet the
 * capture missed) ends the stream there and is reported.
 *
 * Every delivered byte range remembers the packet that completed it, so a record found later
 * in the stream gets the time of the packet that carried its last byte.
 */
import { endpointName, TCP_FLAGS, type TcpSegment } from './packets';

/** A delivered range: bytes [.., end) were complete once packet `packet` (captured at `time`) arrived. */
interface Delivery {
  end: number;
  time: number;
  packet: number;
}

interface StreamGap {
  /** Offset in the stream where bytes are missing. */
  at: number;
  /** How many bytes are missing before the next segment we have. */
  missing: number;
}

/** One direction of a connection, reassembled. */
export interface ByteStream {
  bytes: Uint8Array;
  deliveries: Delivery[];
  /** The first hole (the stream is cut there). */
  gap?: StreamGap;
  /** Whether the capture saw this direction's SYN (so byte 0 is the real start). */
  sawSyn: boolean;
}

export interface TcpConnection {
  /** The side that sent the SYN (without SYN seen: the first sender), as "ip:port". */
  a: string;
  b: string;
  aIp: string;
  aPort: number;
  bIp: string;
  bPort: number;
  /** Time of the first packet, ms since the epoch. */
  start: number;
  /** Index of its first packet in the file. */
  firstPacket: number;
  /** a → b and b → a. */
  ab: ByteStream;
  ba: ByteStream;
  /** The connection was reset (RST seen). */
  reset: boolean;
}

const MOD = 2 ** 32;

/** A difference of sequence numbers as a signed distance (RFC 9293 §3.4 modular arithmetic). */
function signed(d: number): number {
  const m = ((d % MOD) + MOD) % MOD;
  return m >= MOD / 2 ? m - MOD : m;
}

/** Reassembles one direction's segments. */
class StreamAssembler {
  private synSeq: number | undefined;
  private readonly raw: { seq: number; data: Uint8Array; time: number; packet: number }[] = [];
  private delivered = 0;
  private readonly chunks: Uint8Array[] = [];
  private readonly deliveries: Delivery[] = [];
  /** Segments beyond what is delivered, by offset. */
  private pending: { off: number; data: Uint8Array; time: number; packet: number }[] = [];

  /** Adds a segment (`seq` as on the wire), in capture order. */
  add(seq: number, flags: number, payload: Uint8Array, time: number, packet: number): void {
    if (flags & TCP_FLAGS.SYN) {
      // RFC 9293 §3.4: the SYN occupies one sequence number; data starts after it.
      this.synSeq ??= seq;
      seq = (seq + 1) % MOD;
    }
    if (payload.length > 0) this.raw.push({ seq, data: payload, time, packet });
  }

  /** Whether any payload was seen. */
  hasData(): boolean {
    return this.raw.length > 0;
  }

  /**
   * The stream starts after the SYN when the capture saw it; otherwise at the lowest sequence
   * number seen (distances taken in 32-bit sequence space, so a wrap is not a jump back).
   */
  private baseSeq(): number | undefined {
    if (this.synSeq !== undefined) return (this.synSeq + 1) % MOD;
    const first = this.raw[0];
    if (!first) return undefined;
    let base = first.seq;
    for (const r of this.raw) if (signed(r.seq - base) < 0) base = r.seq;
    return base;
  }

  /** Delivers what has become contiguous; it became so when packet `packet` arrived. */
  private drain(time: number, packet: number): void {
    this.pending.sort((x, y) => x.off - y.off || x.packet - y.packet);
    let progressed = true;
    while (progressed) {
      progressed = false;
      const rest: typeof this.pending = [];
      for (const p of this.pending) {
        const end = p.off + p.data.length;
        if (end <= this.delivered) continue; // entirely old
        if (p.off <= this.delivered) {
          const fresh = p.data.subarray(this.delivered - p.off);
          this.chunks.push(fresh);
          this.delivered = end;
          this.deliveries.push({ end, time, packet });
          progressed = true;
        } else rest.push(p);
      }
      this.pending = rest;
    }
  }

  finish(): ByteStream {
    const base = this.baseSeq();
    if (base !== undefined) {
      // Replay the segments in the order they were captured, as the receiver got them.
      for (const r of this.raw) {
        let off = signed(r.seq - base);
        let data = r.data;
        if (off < this.delivered) {
          // A retransmission (or an overlap): the first copy of a byte wins.
          const cut = this.delivered - off;
          if (cut >= data.length) continue;
          data = data.subarray(cut);
          off = this.delivered;
        }
        this.pending.push({ off, data, time: r.time, packet: r.packet });
        if (off === this.delivered) this.drain(r.time, r.packet);
      }
    }
    const bytes = new Uint8Array(this.delivered);
    let o = 0;
    for (const c of this.chunks) {
      bytes.set(c, o);
      o += c.length;
    }
    const next = this.pending.reduce((m, p) => Math.min(m, p.off), Infinity);
    return {
      bytes,
      deliveries: this.deliveries,
      sawSyn: this.synSeq !== undefined,
      ...(Number.isFinite(next) ? { gap: { at: this.delivered, missing: next - this.delivered } } : {}),
    };
  }
}

/** A connection while its packets are read: the streams are still being assembled. */
interface FlowBuilder extends Omit<TcpConnection, 'ab' | 'ba'> {
  ab: StreamAssembler;
  ba: StreamAssembler;
  /** Whether a SYN without ACK came from b (b opened it: swap at the end). */
  bOpened: boolean;
}

/** Groups segments into connections and reassembles both directions of each. */
export class TcpReassembler {
  private readonly flows = new Map<string, FlowBuilder>();
  private readonly order: FlowBuilder[] = [];

  add(s: TcpSegment, time: number, packet: number): void {
    const from = endpointName(s.src, s.srcPort);
    const to = endpointName(s.dst, s.dstPort);
    const key = from < to ? `${from}|${to}` : `${to}|${from}`;
    let f = this.flows.get(key);
    const isSyn = (s.flags & TCP_FLAGS.SYN) !== 0 && (s.flags & TCP_FLAGS.ACK) === 0;
    // A new SYN on a finished 4-tuple (a port reused) starts a new connection.
    if (f && isSyn && f.a === from && f.ab.hasData()) {
      this.flows.delete(key);
      f = undefined;
    }
    if (!f) {
      f = {
        a: from,
        b: to,
        aIp: s.src,
        aPort: s.srcPort,
        bIp: s.dst,
        bPort: s.dstPort,
        start: time,
        firstPacket: packet,
        ab: new StreamAssembler(),
        ba: new StreamAssembler(),
        reset: false,
        bOpened: false,
      };
      this.flows.set(key, f);
      this.order.push(f);
    }
    if (isSyn && from === f.b) f.bOpened = true;
    if (s.flags & TCP_FLAGS.RST) f.reset = true;
    (from === f.a ? f.ab : f.ba).add(s.seq, s.flags, s.payload, time, packet);
  }

  /** The connections in the order their first packet was captured. */
  finish(): TcpConnection[] {
    return this.order.map((f) => {
      const ab = f.ab.finish();
      const ba = f.ba.finish();
      const c: TcpConnection = { a: f.a, b: f.b, aIp: f.aIp, aPort: f.aPort, bIp: f.bIp, bPort: f.bPort, start: f.start, firstPacket: f.firstPacket, ab, ba, reset: f.reset };
      if (!f.bOpened) return c;
      return { ...c, a: f.b, b: f.a, aIp: f.bIp, aPort: f.bPort, bIp: f.aIp, bPort: f.aPort, ab: ba, ba: ab };
    });
  }
}
