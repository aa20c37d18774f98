/**
 * The handle a handshake state writes through (rustls's "output sink"): events, queued
 * handshake messages, key changes, declines. The Connection (record/connection.ts) implements
 * it; states never touch bytes or the connection directly.
 */
import type { TlsDeclineKind } from '../errors';
import type { Side, TlsEventBody } from '../events';
import type { EncodedMessage } from '../msgs/handshake';
import type { RecordProtection } from './tls13';

/** Events without `side` (the connection adds it). */
export type SidelessEvent = TlsEventBody extends infer T ? (T extends unknown ? Omit<T, 'side'> : never) : never;

/**
 * What a handshake state (client/, server/, either version) may do to its connection: emit
 * events, queue and flush handshake messages, switch keys. Flows never touch bytes directly.
 */
export interface HandshakeIo {
  readonly side: Side;
  emit(e: SidelessEvent): void;
  note(text: string, rfc?: string): void;
  /** Emits a `secret` event (the key schedule's sink). */
  secret(s: Omit<Extract<TlsEventBody, { type: 'secret' }>, 'type' | 'side'>): void;
  /** Returns the id of the record the message starts in (known before the record is written). */
  queueHandshake(enc: EncodedMessage<unknown>): string;
  flush(): void;
  sendCcs(): void;
  setReadProtection(p: RecordProtection | null): void;
  setWriteProtection(p: RecordProtection | null): void;
  /** Milliseconds since the endpoint was created (for timing events). */
  elapsed(): number;
  /**
   * TLS 1.3 0-RTT rejected (server, RFC 8446 §4.2.10): drop application_data records that do
   * not open with the read key (or, with none yet, after a HelloRetryRequest, all of them), up
   * to `maxBytes`; the first record that opens ends the skipping.
   */
  skipEarlyData(maxBytes: number): void;
  /** Declines a request with a warning alert (errors.ts `warningFor`); the connection goes on. */
  decline(kind: TlsDeclineKind, reason: string): void;
}

/** Runs `fn` and reports how long it took as a `timing` event (signatures, RSA, verification). */
export function timed<T>(io: Pick<HandshakeIo, 'emit' | 'elapsed'>, what: string, fn: () => T): T {
  const t0 = io.elapsed();
  const out = fn();
  io.emit({ type: 'timing', what, ms: io.elapsed() - t0 });
  return out;
}

/** Milliseconds from a monotonic clock (reading a clock is not I/O; no timers are used). */
export function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}
