/**
 * 0-RTT anti-replay by ClientHello recording (RFC 8446 §8.2).
 *
 * Self-contained tickets keep no server state, so the same ClientHello with its early data
 * could be sent again and again while its ticket age is fresh (§8.3). A server that records
 * the ClientHellos it accepted 0-RTT for, within the freshness window, can tell a replay
 * and reject its early data (the handshake itself goes on as a 1-RTT resumption: a replayer
 * has no keys to finish it). The record is keyed on the PSK binder, unique per ClientHello
 * (§8.2); entries older than the window can be forgotten because the freshness check (§8.3)
 * already rejects 0-RTT for those.
 */
import { toHex } from '../codec/hex';

/** How far (ms) the client's and the server's ticket ages may differ for 0-RTT (RFC 8446 §8.3). */
export const ZERO_RTT_WINDOW_MS = 10_000;

/**
 * How long (ms) one ClientHello passes the freshness check: its ticket age is fixed, the
 * server's grows, and |difference| ≤ ZERO_RTT_WINDOW_MS holds over twice that span. The
 * record must remember it that long, or a replay late in the span would find it forgotten.
 */
export const ZERO_RTT_RECORD_MS = 2 * ZERO_RTT_WINDOW_MS;

/** A ClientHello recorder the server consults before accepting 0-RTT (RFC 8446 §8.2). */
export interface AntiReplay {
  /**
   * Records `key` (a PSK binder) at `nowMs` and says whether it was already recorded within
   * the last `windowMs` — true: a replay.
   */
  seen(key: Uint8Array, nowMs: number, windowMs: number): boolean;
}

/** An in-memory recorder: entries older than the window are forgotten as new ones come in. */
export class MemoryAntiReplay implements AntiReplay {
  /** Hex key → when it was first recorded, in insertion order. */
  private readonly entries = new Map<string, number>();

  seen(key: Uint8Array, nowMs: number, windowMs: number): boolean {
    this.forget(nowMs, windowMs);
    const k = toHex(key);
    if (this.entries.has(k)) return true;
    this.entries.set(k, nowMs);
    return false;
  }

  /** How many ClientHellos are recorded (for tests and diagnostics). */
  get size(): number {
    return this.entries.size;
  }

  private forget(nowMs: number, windowMs: number): void {
    // Entries are in insertion order; with a clock that goes forward that is time order.
    for (const [k, at] of this.entries) {
      if (nowMs - at < windowMs) break;
      this.entries.delete(k);
    }
  }
}
