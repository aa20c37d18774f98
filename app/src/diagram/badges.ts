/**
 * The diagram's summary line (version, suite, round trips, 0-RTT, how it ended) and its flight
 * labels, as a pure function of the events up to the cursor, with the claims each badge makes
 * (checked against the bytes by the consistency test).
 */
import { handshakeCompleted, negotiated, visibleCount, type RunView } from '../store/derive';
import type { Claim, ClaimBody } from '../narration/claims';
import { firstClientHello, offeredVersion } from '../narration/narrate';

export interface Badge {
  text: string;
  /** `version`, `rtt`, `bad`…: how it is drawn (and its test id). */
  kind: 'version' | 'detail' | 'rtt' | 'bad';
}

export function summaryBadges(view: RunView, cursor: number): { badges: Badge[]; claims: Claim[] } {
  const count = visibleCount(view, cursor);
  const badges: Badge[] = [];
  const claims: Claim[] = [];
  const add = (b: Badge, ...bodies: ClaimBody[]) => {
    badges.push(b);
    for (const c of bodies) claims.push({ ...c, step: cursor });
  };
  const params = negotiated(view.events, count);
  const visible = view.arrows.filter((a) => a.step <= cursor);
  // The version the server chose, once its ServerHello (or HelloRetryRequest) is on screen
  // (the client may have aborted before recording it: a downgrade).
  const sh = visible.find((a) => a.from === 'server' && (a.messages.includes('ServerHello') || a.messages.includes('HelloRetryRequest')));
  const version = sh ? (params.client?.version ?? params.server?.version) : undefined;
  const ch = firstClientHello(view);
  const offered = ch && visible.length > 0 ? offeredVersion(ch) : undefined;
  if (version) {
    const shown = offered && offered !== version ? `${version} (the client offered ${offered})` : version;
    add({ text: shown, kind: 'version' }, { kind: 'negotiated-version', version });
  } else add({ text: 'Handshake', kind: 'version' });
  const p = { ...params.server, ...params.client };
  if (p.cipherSuite) add({ text: p.cipherSuite, kind: 'detail' });
  if (p.group) add({ text: p.group, kind: 'detail' });
  if (p.signatureScheme) add({ text: p.signatureScheme, kind: 'detail' });
  const hrr = visible.find((a) => a.messages.includes('HelloRetryRequest'));
  if (hrr) add({ text: 'HelloRetryRequest', kind: 'detail' });
  const serverHello = visible.find((a) => a.from === 'server' && a.messages.includes('ServerHello'));
  if (params.client?.resumed && serverHello) {
    badges.push({ text: 'resumed (PSK)', kind: 'detail' });
    claims.push({ kind: 'resumed', step: cursor, recordId: serverHello.id });
  }
  const early = params.client?.earlyData;
  if (early) add({ text: `0-RTT data ${early}`, kind: 'detail' }, { kind: 'early-data', value: early });
  if (view.handshakeRtts !== null && handshakeCompleted(view.events, count)) {
    add({ text: `${view.handshakeRtts}-RTT handshake`, kind: 'rtt' }, { kind: 'handshake-rtts', value: view.handshakeRtts });
  }
  const last = visible[visible.length - 1];
  if (last?.alert && last.alert.level === 'fatal') {
    badges.push({ text: `ended with ${last.alert.description}`, kind: 'bad' });
    claims.push({ kind: 'alert', side: last.from, description: last.alert.description, step: cursor, recordId: last.id });
  }
  // The round-trip labels of the flights on screen.
  for (const f of view.flights) {
    const first = view.arrows[f.first];
    if (f.rtt && first && first.step <= cursor) claims.push({ kind: 'flight-rtt', value: f.rtt, step: cursor, recordId: first.id });
  }
  return { badges, claims };
}

/**
 * What the arrows on screen draw about their records: a lock and a key's name (sealed under
 * that key) or none (in the clear), an alert's name, "tampered" (changed on the wire).
 */
export function arrowClaims(view: RunView, cursor: number): Claim[] {
  const out: Claim[] = [];
  for (const a of view.arrows) {
    if (a.step > cursor) break;
    const at = { step: cursor, recordId: a.id };
    out.push(a.keyName ? { kind: 'encrypted', key: a.keyName, ...at } : { kind: 'plaintext', ...at });
    if (a.alert) out.push({ kind: 'alert', side: a.from, description: a.alert.description, ...at });
    if (a.tampered) out.push({ kind: 'changed-in-transit', ...at });
  }
  return out;
}
