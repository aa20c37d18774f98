/**
 * Pure views over a run's event log: steps, arrows, flights, round trips, states.
 *
 * Nothing here keeps state: every panel asks these functions about "the events up to the
 * cursor". A step is one record on the wire: what its sender computed before sending it
 * (secrets, checks, state changes), the record, and what the receiver did on reading it.
 * The engine runs one side until it waits for the other, so its log has the server's whole
 * flight before the client reads any of it; `deliveryOrder` re-merges the two sides' event
 * streams (each side's own order kept, except that a side's state change shows from the first
 * record of the flight it decided) so each record is read as soon as it is sent.
 */
import type { Side, TlsEvent } from '@tlslab/engine';

export type RecordEvent = Extract<TlsEvent, { type: 'record' }>;
/** The codec's field span (the engine's ByteSpan, as carried by records). */
export type ByteSpan = RecordEvent['spans'][number];
export type ProtectedInfo = NonNullable<RecordEvent['protected']>;
export type SecretEvent = Extract<TlsEvent, { type: 'secret' }>;
export type AlertEvent = Extract<TlsEvent, { type: 'alert' }>;
export type NegotiatedEvent = Extract<TlsEvent, { type: 'negotiated' }>;
export type CertReportEvent = Extract<TlsEvent, { type: 'cert-report' }>;
export type CertCheckEvent = Extract<TlsEvent, { type: 'cert-check' }>;
export type HandshakeEvent = Extract<TlsEvent, { type: 'handshake' }>;
export type AppdataEvent = Extract<TlsEvent, { type: 'appdata' }>;
export type FaultEvent = Extract<TlsEvent, { type: 'fault' }>;
export type RunEvent = Extract<TlsEvent, { type: 'run' }>;

export interface Arrow {
  /** The sender's record id (`client:0`). */
  id: string;
  /** Position among the run's arrows. */
  index: number;
  /** Index of the sent-record event in the log. */
  eventIndex: number;
  /** The step (1-based) in which the arrow travels. */
  step: number;
  from: Side;
  to: Side;
  label: string;
  /** Accessible name: "ClientHello, client to server". */
  ariaLabel: string;
  messages: string[];
  contentType: string;
  keyName?: string;
  /** `reason`: why the sender sent it (the engine's words). */
  alert?: { description: string; level: string; reason?: string };
  appdata: boolean;
  changeCipherSpec: boolean;
  /** 1-based flight number: consecutive records of one side. */
  flight: number;
  /** Engine notes that name this record (e.g. the man in the middle that changed it). */
  notes: string[];
  /** An on-path attacker changed this record on the wire (a fault the user picked). */
  tampered: boolean;
  /** The engine's fault report about this record: who is at fault (faulty peer / on-path attacker) and why. */
  fault?: FaultEvent;
  /** Application data: when in the handshake it travels (0-RTT `early`, 0.5-RTT `half-rtt`, `application`). */
  phase?: AppdataEvent['phase'];
  /** Application data: the flight it travels in (the engine's count; flight 2 arrives one round trip after the start). */
  dataFlight?: number;
  record: RecordEvent;
}

export interface Flight {
  n: number;
  from: Side;
  first: number;
  last: number;
  /** Set on server→client flights that complete a round trip of the handshake (up to the server's Finished). */
  rtt?: number;
}

export interface RunView {
  events: TlsEvent[];
  /** stepEnds[k] = index of the last event of step k+1. */
  stepEnds: number[];
  arrows: Arrow[];
  flights: Flight[];
  /** Round trips the handshake took (null: it did not complete). */
  handshakeRtts: number | null;
}

const peerOf = (side: Side): Side => (side === 'client' ? 'server' : 'client');

/**
 * The engine's events re-merged so that each record is read as soon as it arrives: after a
 * record is sent (and its sender's bookkeeping), the receiver processes it — up to the moment it
 * prepares a message of its own. Each side's own events keep their order; a side only reads a
 * record after it was sent. Returns the events in that order and, for each record (first send
 * of its id), the index of the last event of its step.
 */
export function deliveryOrder(events: TlsEvent[]): { events: TlsEvent[]; stepEnds: number[] } {
  if (events.some((e) => e.type === 'note' && e.realPeer)) return observedOrder(events);
  const queues: Record<Side, TlsEvent[]> = { client: [], server: [] };
  for (const e of events) queues[e.side].push(e);
  const at: Record<Side, number> = { client: 0, server: 0 };
  const next = (side: Side) => queues[side][at[side]];
  const out: TlsEvent[] = [];
  const emit = (side: Side) => out.push(queues[side][at[side]++]!);
  const sent = new Set<string>();
  const stepEnds: number[] = [];
  const waiting = (side: Side) => {
    const e = next(side);
    return e === undefined || (e.type === 'record' && e.direction === 'received' && !sent.has(e.recordId));
  };
  const readsArrived = (side: Side) => {
    const e = next(side);
    return e?.type === 'record' && e.direction === 'received' && sent.has(e.recordId);
  };
  // The receiver stops before anything it does for its own next message.
  const ownMove = (e: TlsEvent | undefined) =>
    e === undefined || e.type === 'record' || ((e.type === 'handshake' || e.type === 'alert' || e.type === 'appdata') && e.direction === 'sent');
  let actor: Side | undefined = events[0]?.side;
  while (actor !== undefined) {
    if (waiting(actor)) {
      const other = peerOf(actor);
      if (waiting(other)) break;
      actor = other;
    }
    const e = next(actor)!;
    emit(actor);
    if (e.type !== 'record' || e.direction !== 'sent') continue;
    const first = !sent.has(e.recordId);
    sent.add(e.recordId);
    // The engine reports a side's new state after it has written its whole flight; the state
    // was decided before the flight's first record, so the lifeline shows it from there.
    if (first) hoistStates(queues[actor], at[actor]);
    // The sender's bookkeeping right after the record (new state, secrets it now holds).
    for (let n = next(actor); n && n.type !== 'record' && n.type !== 'handshake' && n.type !== 'alert'; n = next(actor)) emit(actor);
    // The receiver reads what has arrived.
    const peer = peerOf(actor);
    while (readsArrived(peer)) {
      emit(peer);
      while (!ownMove(next(peer))) emit(peer);
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
 * A live run (one side a real peer): the log is already in the order our side observed it — the
 * peer's records appear as they arrived — so it is not re-merged. A step is a record and what
 * happened after it, up to the next record.
 */
function observedOrder(events: TlsEvent[]): { events: TlsEvent[]; stepEnds: number[] } {
  const stepEnds: number[] = [];
  const seen = new Set<string>();
  events.forEach((e, i) => {
    if (e.type !== 'record' || e.direction !== 'sent' || seen.has(e.recordId)) return;
    if (seen.size > 0) stepEnds.push(i - 1);
    seen.add(e.recordId);
  });
  if (seen.size > 0) stepEnds.push(events.length - 1);
  return { events, stepEnds };
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

/** Splits the log into steps and arrows (after putting it in delivery order). */
export function buildRunView(engineEvents: TlsEvent[]): RunView {
  const { events, stepEnds } = deliveryOrder(engineEvents);
  const arrows: Arrow[] = [];
  const alertsBySide: Record<Side, AlertEvent[]> = { client: [], server: [] };
  for (const e of events) if (e.type === 'alert' && e.direction === 'sent') alertsBySide[e.side].push(e);
  const alertCursor: Record<Side, number> = { client: 0, server: 0 };
  const seen = new Set<string>();

  events.forEach((e, i) => {
    if (e.type !== 'record' || e.direction !== 'sent' || seen.has(e.recordId)) return;
    seen.add(e.recordId);
    const from = e.side;
    const to: Side = from === 'client' ? 'server' : 'client';
    const inner = e.protected?.innerContentType ?? e.contentType;
    let alert: Arrow['alert'];
    if (inner === 'alert') {
      const a = alertsBySide[from][alertCursor[from]++];
      alert = a ? { description: String(a.description), level: a.level, ...(a.reason ? { reason: a.reason } : {}) } : { description: 'alert', level: 'fatal' };
    }
    // A capture's record that could not be decrypted carries something unknown, not data.
    const appdata = inner === 'application_data' && e.messages.length === 0 && !e.undecrypted;
    const ccs = e.contentType === 'change_cipher_spec';
    let label: string;
    if (e.messages.length > 0) label = e.messages.join(' + ');
    else if (ccs) label = 'ChangeCipherSpec';
    else if (alert) label = `Alert: ${alert.description}`;
    else if (appdata) label = 'Application Data';
    else if (e.undecrypted) label = 'Encrypted record';
    else label = inner;
    const ariaLabel =
      `${e.messages.length > 0 ? e.messages.join(', ') : label}, ${from} to ${to}` +
      (e.protected ? `, encrypted with ${e.protected.keyName}` : '');
    arrows.push({
      id: e.recordId,
      index: arrows.length,
      eventIndex: i,
      step: arrows.length + 1,
      from,
      to,
      label,
      ariaLabel,
      messages: e.messages,
      contentType: e.contentType,
      keyName: e.protected?.keyName,
      alert,
      appdata,
      changeCipherSpec: ccs,
      flight: 0,
      notes: [],
      tampered: false,
      record: e,
    });
  });
  // Notes about a record belong to its arrow.
  const byId = new Map(arrows.map((a) => [a.id, a]));
  for (const e of events) {
    if (e.type === 'fault' && e.recordId !== undefined) {
      const a = byId.get(e.recordId);
      if (a) a.fault = e;
      continue;
    }
    if (e.type === 'appdata' && e.direction === 'sent') {
      const a = byId.get(e.recordId);
      if (a) {
        if (e.phase) a.phase = e.phase;
        if (e.flight !== undefined) a.dataFlight = e.flight;
      }
      continue;
    }
    if (e.type !== 'note' || e.recordId === undefined) continue;
    const a = byId.get(e.recordId);
    if (!a) continue;
    a.notes.push(e.text);
    if (e.tampered) a.tampered = true;
  }
  for (const a of arrows) {
    if (a.tampered) a.ariaLabel += ', changed in transit';
    else if (a.fault?.actor === 'faulty-peer') a.ariaLabel += `, wrong ${a.fault.message ?? 'value'} from the ${a.fault.culprit}`;
  }
  // Trailing events (the last receiver's processing, closed) belong to the last step.
  if (events.length > 0) {
    if (stepEnds.length === 0) stepEnds.push(events.length - 1);
    else stepEnds[stepEnds.length - 1] = events.length - 1;
  }

  const flights: Flight[] = [];
  for (const a of arrows) {
    const cur = flights[flights.length - 1];
    if (cur && cur.from === a.from) cur.last = a.index;
    else flights.push({ n: flights.length + 1, from: a.from, first: a.index, last: a.index });
    a.flight = flights.length;
  }
  // Each server flight answers a client flight: one round trip, up to the flight that carries
  // the server's Finished (RFC 8446 §2: 1-RTT, 2 with a HelloRetryRequest; RFC 5246 §7.3: 2).
  // Early data rides in the client's first flight and changes nothing here: only data is 0-RTT.
  const serverFinished = arrows.find((a) => a.from === 'server' && a.messages.includes('Finished'));
  let rtt = 0;
  for (const f of flights) {
    if (serverFinished && f.n > serverFinished.flight) break;
    if (f.from === 'server') f.rtt = ++rtt;
  }
  return { events, stepEnds, arrows, flights, handshakeRtts: handshakeCompleted(events) ? rtt : null };
}

/**
 * Whether the handshake completed: each side read the other's Finished and nobody sent a fatal
 * alert (a failed run has no "n-RTT handshake").
 */
export function handshakeCompleted(events: readonly TlsEvent[], count = events.length): boolean {
  const read: Record<Side, boolean> = { client: false, server: false };
  const sent: Record<Side, boolean> = { client: false, server: false };
  let realPeer: Side | undefined;
  for (let i = 0; i < count; i++) {
    const e = events[i]!;
    if (e.type === 'note' && e.realPeer) realPeer = e.realPeer.side;
    if (e.type === 'alert' && e.direction === 'sent' && e.level === 'fatal') return false;
    if (e.type === 'handshake' && e.name === 'Finished') (e.direction === 'received' ? read : sent)[e.side] = true;
  }
  // A real peer reports nothing of its own: it read our Finished if it raised no alert over it.
  if (realPeer) read[realPeer] = sent[realPeer === 'client' ? 'server' : 'client'];
  return read.client && read.server;
}

/** Number of events visible after `cursor` steps. */
export function visibleCount(view: RunView, cursor: number): number {
  if (cursor <= 0) return 0;
  const end = view.stepEnds[Math.min(cursor, view.stepEnds.length) - 1];
  return end === undefined ? 0 : end + 1;
}

/** The last state each side entered among the first `count` events. */
export function currentStates(events: TlsEvent[], count: number): Record<Side, string | null> {
  const out: Record<Side, string | null> = { client: null, server: null };
  // Before a side's first move, it is in the state that move starts from.
  for (const e of events) {
    if (e.type !== 'state' || out[e.side] !== null) continue;
    out[e.side] = e.from;
    if (out.client !== null && out.server !== null) break;
  }
  for (let i = 0; i < count; i++) {
    const e = events[i];
    if (e?.type === 'state') out[e.side] = e.to;
    else if (e?.type === 'closed') out[e.side] = 'Closed';
  }
  return out;
}

/** Negotiated parameters merged per side among the first `count` events. */
export function negotiated(events: TlsEvent[], count: number): Partial<Record<Side, Omit<NegotiatedEvent, 'type' | 'side' | 'seq' | 't'>>> {
  const out: Partial<Record<Side, Omit<NegotiatedEvent, 'type' | 'side' | 'seq' | 't'>>> = {};
  for (let i = 0; i < count; i++) {
    const e = events[i];
    if (e?.type !== 'negotiated') continue;
    const { type: _t, side, seq: _s, t: _tt, ...rest } = e;
    const prev = out[side] ?? {};
    const merged: Record<string, unknown> = { ...prev };
    for (const [k, v] of Object.entries(rest)) if (v !== undefined) merged[k] = v;
    out[side] = merged as Omit<NegotiatedEvent, 'type' | 'side' | 'seq' | 't'>;
  }
  return out;
}
