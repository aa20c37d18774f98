/**
 * The one event-stamping sink: turns an endpoint's `EventSink` calls into `TlsEvent`s with a
 * run-wide `seq` and `t` (ms since the log was created, to the microsecond), keeps them in order
 * and hands each to one listener. A Session, the CLI drivers and live runs all stamp through it.
 */
import type { EventSink, TlsEvent } from '../events';
import { now } from '../record/handshake-io';

export interface EventLog {
  /** Every event stamped so far, in order (empty when the log does not keep them). */
  readonly events: TlsEvent[];
  /** Stamps `seq` and `t` and records the event. */
  readonly sink: EventSink;
}

/** An event log; `forward` also receives every stamped event as it happens; `keep` retains them in `events` (default true). */
export function createEventLog(forward?: (e: TlsEvent) => void, keep = true): EventLog {
  const events: TlsEvent[] = [];
  const t0 = now();
  let seq = 0;
  return {
    events,
    sink: (e) => {
      const ev = { ...e, seq: seq++, t: Math.round((now() - t0) * 1000) / 1000 } as TlsEvent;
      if (keep) events.push(ev);
      forward?.(ev);
    },
  };
}
