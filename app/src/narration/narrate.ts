/**
 * The narration of a step, as a pure function of the run's events: the explanations to show
 * and the claims they make (checked against the bytes by check-claims.ts). Nothing here reads
 * the settings: what the ClientHello offers, which version a message belongs to, what became
 * of the early data all come from the events up to the step.
 */
import type { RunSummary, Side, TlsVersionName } from '@tlslab/engine';
import { handshakeCompleted, visibleCount, type Arrow, type HandshakeEvent, type RunView } from '../store/derive';
import { runSetup, stepFacts } from '../store/facts';
import type { Claim, ClaimBody } from './claims';
import { explainClientAuth, explainSymmetric } from './milestones';
import { explainAlert, explainAppData, explainEarlyData, explainEarlyDataVerdict, MESSAGES, type Ctx, type Explanation } from './texts';

export interface StepNarration {
  parts: Explanation[];
  /** The last step's outcome line (null before the end). */
  outcome: { ok: boolean; text: string } | null;
  /** Every claim on screen at this step (the parts' and the outcome's). */
  claims: Claim[];
}

/**
 * The handshake messages a record carries, as its sender reported them — or, when the sender
 * is a real peer that reports nothing, as our side read them.
 */
export function sentMessages(view: RunView, arrow: Arrow): HandshakeEvent[] {
  const of = (side: string, direction: string) =>
    view.events.filter((e): e is HandshakeEvent => e.type === 'handshake' && e.direction === direction && e.side === side && e.recordId === arrow.id);
  const sent = of(arrow.from, 'sent');
  return sent.length > 0 || !realPeerOf(view) ? sent : of(arrow.to, 'received');
}

/** A live run's real peer (the engine's note says which side it is). */
export function realPeerOf(view: RunView): { side: Side; address: string } | undefined {
  for (const e of view.events) if (e.type === 'note' && e.realPeer) return e.realPeer;
  return undefined;
}

/** Both close_notify alerts are in the log (sent by one side, or, from a real peer, received). */
function bothClosed(view: RunView): boolean {
  const closeBy = (side: Side) =>
    view.events.some(
      (e) => e.type === 'alert' && e.description === 'close_notify' && ((e.side === side && e.direction === 'sent') || (e.side !== side && e.direction === 'received')),
    );
  return closeBy('client') && closeBy('server');
}

/** Whether a hello carries an extension (from the codec's spans: `extension` = its name). */
export function hasExtension(msg: HandshakeEvent, name: string): boolean {
  return msg.spans.some((s) => s.label === 'extension' && s.value === name);
}

/** A ClientHello's highest offered version: TLS 1.3 when supported_versions lists it. */
export function offeredVersion(ch: HandshakeEvent): TlsVersionName {
  return ch.spans.some((s) => s.label === 'ProtocolVersion' && s.value?.startsWith('TLS 1.3')) ? 'TLS 1.3' : 'TLS 1.2';
}

/** The first ClientHello the client sent. */
export function firstClientHello(view: RunView): HandshakeEvent | undefined {
  return view.events.find((e): e is HandshakeEvent => e.type === 'handshake' && e.direction === 'sent' && e.name === 'ClientHello');
}

/**
 * The version a record belongs to: a ClientHello's highest offered version; otherwise the
 * version its sender had negotiated when it sent it (or the peer, if the sender had not yet);
 * before anything is negotiated, the version the client offered.
 */
export function versionOf(view: RunView, arrow: Arrow): TlsVersionName | undefined {
  const ch = sentMessages(view, arrow).find((m) => m.name === 'ClientHello');
  if (ch) return offeredVersion(ch);
  let own: TlsVersionName | undefined;
  let peer: TlsVersionName | undefined;
  for (let i = 0; i < arrow.eventIndex; i++) {
    const e = view.events[i]!;
    if (e.type !== 'negotiated' || !e.version) continue;
    if (e.side === arrow.from) own = e.version;
    else peer = e.version;
  }
  const first = firstClientHello(view);
  return own ?? peer ?? (first ? offeredVersion(first) : undefined);
}

/** Whether, when it sent `arrow`, its sender had sent its own Finished and read the peer's. */
export function handshakeDoneFor(view: RunView, arrow: Arrow): boolean {
  let sent = false;
  let read = false;
  for (let i = 0; i < arrow.eventIndex; i++) {
    const e = view.events[i]!;
    if (e.type !== 'handshake' || e.side !== arrow.from || e.name !== 'Finished') continue;
    if (e.direction === 'sent') sent = true;
    else read = true;
  }
  return sent && read;
}

/** The fatal alerts sent in the run, in the order they travel. */
export function fatalAlerts(view: RunView): { side: Side; description: string; reason?: string }[] {
  return view.events.flatMap((e) =>
    e.type === 'alert' && e.direction === 'sent' && e.level === 'fatal' ? [{ side: e.side, description: String(e.description), ...(e.reason ? { reason: e.reason } : {}) }] : [],
  );
}

/** What the client learnt about its early data in events [from, to), and how. */
function earlyDataVerdict(view: RunView, from: number, to: number, step: number): Explanation | undefined {
  for (let i = from; i < to; i++) {
    const e = view.events[i]!;
    if (e.type !== 'negotiated' || e.side !== 'client' || !e.earlyData) continue;
    if (e.earlyData === 'accepted') return explainEarlyDataVerdict('accepted', 'EncryptedExtensions');
    const hrr = view.arrows.some((a) => a.step <= step && a.messages.includes('HelloRetryRequest'));
    // The client's verdict on a TLS 1.2 ServerHello carries no version (it may still abort).
    return explainEarlyDataVerdict('rejected', hrr ? 'HelloRetryRequest' : e.version === 'TLS 1.3' ? 'EncryptedExtensions' : 'TLS 1.2');
  }
  return undefined;
}

function narrateArrow(view: RunView, arrow: Arrow): Explanation[] {
  const version = versionOf(view, arrow);
  const msgs = sentMessages(view, arrow);
  let keyExchange: Ctx['keyExchange'];
  for (let i = 0; i < arrow.eventIndex; i++) {
    const e = view.events[i]!;
    if (e.type === 'negotiated' && e.keyExchange) keyExchange = e.keyExchange;
  }
  const next = view.arrows[arrow.index + 1];
  const ctx: Ctx = { from: arrow.from, version, keyExchange, lastOfFlight: !next || next.from !== arrow.from, sni: runSetup(view.events)?.serverName };
  if (arrow.alert) {
    const afterData = view.events.slice(0, arrow.eventIndex).some((e) => e.type === 'appdata' && e.direction === 'received');
    return [explainAlert(arrow.alert.description, arrow.from, version, afterData, arrow.alert.reason, !!arrow.keyName)];
  }
  if (arrow.appdata && arrow.keyName === 'client_early_traffic_secret') return [explainEarlyData(), ...explainSymmetric(view, arrow, keyExchange)];
  if (arrow.appdata) return [explainAppData(arrow.from, version, handshakeDoneFor(view, arrow), arrow.dataFlight)];
  // A captured record without its key: the observer says what it is and how to get the key.
  if (arrow.record.undecrypted)
    return [{ title: 'An encrypted record', text: arrow.record.undecrypted, rfc: version === 'TLS 1.2' ? 'RFC 5246 §6.2.3' : 'RFC 8446 §5.2', claims: [] }];
  if (arrow.changeCipherSpec) return [MESSAGES.ChangeCipherSpec!(ctx)];
  const parts: Explanation[] = [];
  pushMessages(parts, view, arrow, ctx, msgs);
  // Where this record changes the kind of cryptography, or tells one-way from mutual TLS.
  parts.push(...explainClientAuth(view, arrow), ...explainSymmetric(view, arrow, keyExchange));
  return parts;
}

/** The explanation of each handshake message the record carries. */
function pushMessages(parts: Explanation[], view: RunView, arrow: Arrow, ctx: Ctx, msgs: HandshakeEvent[]): void {
  for (const m of arrow.messages) {
    let name = m.replace(/ \(fragment\)$/, '');
    const msg = msgs.find((x) => x.name === name);
    if (name === 'ClientHello' && view.arrows.some((a) => a.index < arrow.index && a.messages.includes('HelloRetryRequest'))) name = 'ClientHello (retry)';
    const entry = MESSAGES[name];
    if (!entry) continue;
    parts.push(
      entry({
        ...ctx,
        ...(msg && name === 'ClientHello' ? { offersTicket: hasExtension(msg, 'pre_shared_key') } : {}),
        ...(msg && name === 'ServerHello' ? { resumed: hasExtension(msg, 'pre_shared_key') } : {}),
        ...(msg && name === 'Certificate' ? { certificates: msg.spans.filter((sp) => sp.label === 'CertificateEntry' || sp.label === 'ASN.1Cert').length } : {}),
      }),
    );
  }
}

/** The narration at `cursor` (0: before the first step). */
export function narrate(view: RunView, cursor: number, status: string, summary: RunSummary | null): StepNarration {
  const claims: Claim[] = [];
  const add = (bodies: readonly ClaimBody[], recordId?: string) => {
    for (const b of bodies) claims.push({ ...b, step: cursor, ...(recordId ? { recordId } : {}) });
  };
  let parts: Explanation[] = [];
  const arrow = view.arrows.find((a) => a.step === cursor);
  if ((status === 'error' || status === 'done') && view.arrows.length === 0) {
    parts = [
      {
        title: 'No handshake to show',
        text: 'The engine could not compute a handshake for these settings; the message above says why. Change a setting or press "New handshake".',
        rfc: 'RFC 8446 §2',
        claims: [],
      },
    ];
  } else if (cursor === 0) {
    const done = handshakeCompleted(view.events);
    const realPeer = realPeerOf(view);
    parts = [
      {
        title: status === 'running' ? (realPeer ? 'Talking to a real peer…' : 'Computing a handshake…') : 'Ready',
        text: realPeer
          ? `TLS Lab's ${realPeer.side === 'server' ? 'client' : 'server'} (a real TLS state machine, running in your browser) and a real ${realPeer.side}${realPeer.address ? ` at ${realPeer.address}` : ''} exchanged the records below through tlslab relay. The ${realPeer.side}'s records are the bytes that arrived; what it computed inside is not known here. Press ▶ (or space) to watch it, or → to go one record at a time.`
          : `A client and a server (two real TLS state machines, running in your browser) have just ${done ? 'completed a handshake with real cryptography' : 'run a handshake with real cryptography, and it failed: step through to see where and why'}. Press ▶ (or space) to watch it, or → to go one record at a time. Click any arrow to see its bytes.`,
        rfc: 'RFC 8446 §2',
        claims: status === 'running' || realPeer ? [] : [{ kind: 'completed', value: done }],
      },
    ];
    add(parts[0]!.claims);
  } else if (arrow) {
    parts = narrateArrow(view, arrow);
    for (const p of parts) add(p.claims, arrow.id);
    const from = cursor <= 1 ? 0 : (view.stepEnds[cursor - 2] ?? -1) + 1;
    const to = visibleCount(view, cursor);
    const verdict = earlyDataVerdict(view, from, to, cursor);
    if (verdict) {
      parts.push(verdict);
      add(verdict.claims, arrow.id);
    }
    // What the engine reports about this step in so many words (faults, master secret, ...):
    // its own words, so no claim of ours.
    for (const f of stepFacts(view.events.slice(from, to), arrow, view.events)) parts.push({ ...f, claims: [] });
  }
  let outcome: StepNarration['outcome'] = null;
  if (cursor > 0 && cursor === view.stepEnds.length && view.arrows.length > 0) {
    const alerts = fatalAlerts(view);
    const ok = alerts.length === 0 && summary?.ok === true;
    const text = ok
      ? `handshake complete, request answered${bothClosed(view) ? ', both sides closed cleanly' : ''}.`
      : alerts.length > 0
        ? alerts.map((a) => `the ${a.side} sent ${a.description}${a.reason ? ` (${a.reason})` : ''}`).join('; then ')
        : (summary?.error ?? 'the run did not complete');
    outcome = { ok, text };
    add([{ kind: 'outcome', ok, alerts: alerts.map(({ side, description }) => ({ side, description })) }]);
  }
  return { parts, outcome, claims };
}
