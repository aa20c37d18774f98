/**
 * Event stamping for the CLI: turns an endpoint's `EventSink` calls into `TlsEvent`s with a
 * run-wide `seq` and `t` (ms since the run started), and hands them to one listener.
 */
import type { EventSink, TlsEvent, TlsEventBody } from '../events';

export interface StampingSink {
  sink: EventSink;
  /** Every event stamped so far, in order. */
  events: TlsEvent[];
}

/** A sink that stamps events and forwards them; `keep` retains them in `events` (default true). */
export function stampingSink(onEvent: (e: TlsEvent) => void = () => {}, keep = true): StampingSink {
  const start = performance.now();
  const events: TlsEvent[] = [];
  let seq = 0;
  const sink: EventSink = (body: TlsEventBody) => {
    const e = { ...body, seq: seq++, t: performance.now() - start } as TlsEvent;
    if (keep) events.push(e);
    onEvent(e);
  };
  return { sink, events };
}
