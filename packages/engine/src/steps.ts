/**
 * The steps of a run, as the app plays them: a step is one record on the wire — what its sender
 * computed before sending it (secrets, checks, state changes), the record, and what the receiver
 * did on reading it. Every stamped event carries the step it belongs to (`TlsEvent.step`).
 *
 * An endpoint runs until it waits for its peer, so a Session's raw log has the server's whole
 * flight before the client reads any of it. `inDeliveryOrder` re-merges the two sides' streams
 * so each record is read as soon as it is sent (each side's own order kept, except that a side's
 * state change shows from the first record of the flight it decided) and stamps the steps. A
 * live run or anything else already in the order one side observed it is stamped as it goes by
 * `observedSteps` (a step is a record and what happened after it, up to the next record).
 */
import type { Side, TlsEvent } from './events';

const peerOf = (side: Side): Side => (side === 'client' ? 'server' : 'client');

/**
 * The events in delivery order, `seq` renumbered in that order and each event's `step` (1-based)
 * set: after a record is sent (and its sender's bookkeeping), the receiver processes it — up to
 * the moment it prepares a message of its own. A side only reads a record after it was sent.
 */
export function inDeliveryOrder(events: readonly TlsEvent[]): TlsEvent[] {
  const { events: ordered, stepEnds } = deliveryOrder(events);
  return withSteps(ordered, stepEnds);
}

/** Stamps `step` on events already in observed order (see the module comment); returns a stamper for a stream. */
export function observedSteps(): (e: TlsEvent) => TlsEvent {
  const seen = new Set<string>();
  return (e) => {
    if (e.type === 'record' && e.direction === 'sent') seen.add(e.recordId);
    return { ...e, step: Math.max(1, seen.size) };
  };
}

/** Every event's step from the index of each step's last event (trailing events join the last step). */
function withSteps(events: TlsEvent[], stepEnds: number[]): TlsEvent[] {
  let k = 0;
  return events.map((e, i) => {
    while (k < stepEnds.length - 1 && i > stepEnds[k]!) k++;
    return { ...e, seq: i, step: k + 1 };
  });
}

/** Per side: its events in order, and how far the merge has taken them. */
interface Queues {
  q: Record<Side, TlsEvent[]>;
  at: Record<Side, number>;
  sent: Set<string>;
}

const nextOf = (s: Queues, side: Side): TlsEvent | undefined => s.q[side][s.at[side]];

/** Whether `side` waits for a record its peer has not sent yet (or has nothing left). */
function waiting(s: Queues, side: Side): boolean {
  const e = nextOf(s, side);
  return e === undefined || (e.type === 'record' && e.direction === 'received' && !s.sent.has(e.recordId));
}

function readsArrived(s: Queues, side: Side): boolean {
  const e = nextOf(s, side);
  return e?.type === 'record' && e.direction === 'received' && s.sent.has(e.recordId);
}

/** The receiver stops before anything it does for its own next message. */
function ownMove(e: TlsEvent | undefined): boolean {
  return e === undefined || e.type === 'record' || ((e.type === 'handshake' || e.type === 'alert' || e.type === 'appdata') && e.direction === 'sent');
}

/** The merge itself: events in delivery order and, per record (first send of its id), the index of the last event of its step. */
function deliveryOrder(events: readonly TlsEvent[]): { events: TlsEvent[]; stepEnds: number[] } {
  const s: Queues = { q: { client: [], server: [] }, at: { client: 0, server: 0 }, sent: new Set() };
  for (const e of events) s.q[e.side].push(e);
  const out: TlsEvent[] = [];
  const emit = (side: Side) => out.push(s.q[side][s.at[side]++]!);
  const stepEnds: number[] = [];
  let actor: Side | undefined = events[0]?.side;
  while (actor !== undefined) {
    if (waiting(s, actor)) {
      const other = peerOf(actor);
      if (waiting(s, other)) break;
      actor = other;
    }
    const e = nextOf(s, actor)!;
    emit(actor);
    if (e.type !== 'record' || e.direction !== 'sent') continue;
    const first = !s.sent.has(e.recordId);
    s.sent.add(e.recordId);
    // An endpoint reports its new state after it has written its whole flight; the state was
    // decided before the flight's first record, so the lifeline shows it from there.
    if (first) hoistStates(s.q[actor], s.at[actor]);
    // The sender's bookkeeping right after the record (new state, secrets it now holds).
    for (let n = nextOf(s, actor); n && n.type !== 'record' && n.type !== 'handshake' && n.type !== 'alert'; n = nextOf(s, actor)) emit(actor);
    // The receiver reads what has arrived.
    const peer = peerOf(actor);
    while (readsArrived(s, peer)) {
      emit(peer);
      while (!ownMove(nextOf(s, peer))) emit(peer);
    }
    if (first) stepEnds.push(out.length - 1);
    else if (stepEnds.length > 0) stepEnds[stepEnds.length - 1] = out.length - 1;
  }
  // Anything left (a side waiting for a record that never came): in the engine's order.
  const done = new Set(out);
  for (const e of events) if (!done.has(e)) out.push(e);
  return { events: out, stepEnds };
}

/**
 * Moves the state events a side emits before it next reads a record up to `from`, keeping
 * their order (everything else stays where it was).
 */
function hoistStates(queue: TlsEvent[], from: number): void {
  const states: TlsEvent[] = [];
  for (let i = from; i < queue.length; i++) {
    const e = queue[i]!;
    if (e.type === 'record' && e.direction === 'received') break;
    if (e.type === 'state') states.push(...queue.splice(i--, 1));
  }
  queue.splice(from, 0, ...states);
}
