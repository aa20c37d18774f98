/**
 * Pure views over a run's event log: steps, arrows, flights, round trips, states.
 *
 * Nothing here keeps state: every panel asks these functions about "the events up to the
 * cursor". A step is one record on the wire: what its sender computed before sending it
 * (secrets, checks, state changes), the record, and what the receiver did on reading it. The
 * engine decides the steps (its steps.ts): it emits a run in delivery order, each event
 * stamped with its `step`; these views only read them.
 */
import type { Side, TlsEvent } from '@tlslab/engine';
import { mergeNegotiated, type Negotiated } from '@tlslab/engine/negotiated';

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
  messages: RecordEvent['messages'];
  contentType: RecordEvent['contentType'];
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

/**
 * The index of the last event of each step, read from the events' `step` (the engine emits a run
 * in delivery order with its steps set, steps.ts). An event without one joins the step before it.
 */
function stepEndsOf(events: readonly TlsEvent[]): number[] {
  const ends: number[] = [];
  let step = 1;
  events.forEach((e, i) => {
    step = Math.max(step, e.step ?? step);
    ends[step - 1] = i;
  });
  // A step no event names (none in practice) ends where the one before it does.
  for (let k = 0; k < ends.length; k++) ends[k] ??= k > 0 ? ends[k - 1]! : -1;
  return ends;
}

/** Splits the log (in delivery order, as the engine emits it) into its steps and arrows. */
export function buildRunView(events: TlsEvent[]): RunView {
  const stepEnds = stepEndsOf(events);
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
    const ariaLabel = `${e.messages.length > 0 ? e.messages.join(', ') : label}, ${from} to ${to}` + (e.protected ? `, encrypted with ${e.protected.keyName}` : '');
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

/** Negotiated parameters merged per side among the first `count` events (a side that reported none is absent). */
export function negotiated(events: TlsEvent[], count: number): Partial<Record<Side, Negotiated>> {
  const out: Partial<Record<Side, Negotiated>> = {};
  for (const side of ['client', 'server'] as const) {
    if (events.slice(0, count).some((e) => e.type === 'negotiated' && e.side === side)) out[side] = mergeNegotiated(events, side, count);
  }
  return out;
}
