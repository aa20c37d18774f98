/**
 * The in-memory wire between a run's two endpoints: one queue of records, each delivered on its
 * own, in the order sent, to the other side, whose answer joins the end of the queue (a TLS
 * record stream keeps its order, RFC 8446 §5). The man in the middle sits in `deliver`.
 */
import type { Side } from '../events';

/** What the wire needs of an endpoint. */
export interface Peer {
  /** Feeds one record; returns the records sent in answer. */
  receive(bytes: Uint8Array): Uint8Array[];
}

/** Queues records sent by `from`. */
export type Push = (from: Side, records: Uint8Array[]) => void;

export interface PumpOptions {
  /** Safety bound on deliveries. */
  maxSteps: number;
  /** What reaches the other side of a record sent by `from` (null drops it). Default: the record. */
  deliver?: (from: Side, bytes: Uint8Array) => Uint8Array | null;
  /** After each delivery: the run's application step (it may send more). */
  after?: (push: Push) => void;
}

/** Sends the client's `first` records and pumps until the wire is quiet (or `maxSteps`). */
export function pump(peers: { client: Peer; server: Peer }, first: Uint8Array[], options: PumpOptions): void {
  const queue: { from: Side; bytes: Uint8Array }[] = [];
  const push: Push = (from, records) => {
    for (const bytes of records) queue.push({ from, bytes });
  };
  push('client', first);
  for (let steps = 0; queue.length > 0 && steps < options.maxSteps; steps++) {
    const item = queue.shift()!;
    const bytes = options.deliver ? options.deliver(item.from, item.bytes) : item.bytes;
    if (!bytes) continue;
    const to: Side = item.from === 'client' ? 'server' : 'client';
    push(to, peers[to].receive(bytes));
    options.after?.(push);
  }
}
