/**
 * Time on the wire. With a round-trip time RTT and no other delay, a record takes RTT/2 to
 * arrive, and a side sends a record as soon as it has read everything the run shows it reading
 * before that record. From the run's own event order (who read what before sending what), this
 * gives each record's departure and arrival, when the client's request left and when the first
 * byte of the server's response arrived (time to first byte, from the ClientHello leaving).
 */
import type { Arrow, RunView } from '../store/derive';

export interface TimedArrow {
  arrow: Arrow;
  /** In round trips from the first record. */
  depart: number;
  arrive: number;
}

export interface Timeline {
  arrows: TimedArrow[];
  /** When the client's first application data (0-RTT data included) left. */
  requestSent?: number;
  /** When the first application data from the server arrived (the response's first byte). */
  firstByte?: number;
  /** The records those two times are of: the client's first and the server's first application data. */
  request?: TimedArrow;
  response?: TimedArrow;
}

export function timeline(run: RunView): Timeline {
  const arrival = new Map<string, number>();
  const byId = new Map(run.arrows.map((a) => [a.id, a]));
  const out: TimedArrow[] = [];
  // The latest arrival among the records each side has read so far (in the run's order).
  const ready = { client: 0, server: 0 };
  run.events.forEach((e, i) => {
    if (e.type !== 'record') return;
    if (e.direction === 'received') {
      const t = arrival.get(e.recordId);
      if (t !== undefined) ready[e.side] = Math.max(ready[e.side], t);
      return;
    }
    const a = byId.get(e.recordId);
    if (!a || a.eventIndex !== i) return;
    const depart = ready[a.from];
    arrival.set(a.id, depart + 0.5);
    out.push({ arrow: a, depart, arrive: depart + 0.5 });
  });
  const req = out.find((t) => t.arrow.from === 'client' && t.arrow.appdata);
  const resp = out.find((t) => t.arrow.from === 'server' && t.arrow.appdata);
  return { arrows: out, ...(req ? { requestSent: req.depart, request: req } : {}), ...(resp ? { firstByte: resp.arrive, response: resp } : {}) };
}

/** "1.5 RTT" / "300 ms" helpers. */
export const rtts = (n: number) => `${Number.isInteger(n) ? n : n.toFixed(1)} RTT`;
/** `n` round trips in whole ms at `rtt`. */
export const msAt = (n: number, rtt: number) => Math.round(n * rtt);
export const ms = (n: number, rtt: number) => `${msAt(n, rtt)} ms`;
