/**
 * The app's views over real engine runs (no browser): steps, arrows, flights, round trips,
 * states, and the message spans placed inside records.
 */
import { describe, expect, it } from 'vitest';
import { inDeliveryOrder, observedSteps, runScenario, type Scenario, type TlsEvent } from '@tlslab/engine';
import { DEFAULT_SCENARIO } from '@tlslab/engine/scenario';
import { buildRunView, currentStates, visibleCount, type HandshakeEvent } from './derive';
import { withMessageSpans } from '../inspector/spans';

function run(patch: Partial<Scenario>, engineOrder = false): TlsEvent[] {
  const events: TlsEvent[] = [];
  runScenario({ ...DEFAULT_SCENARIO, seed: 'derive-test', ...patch }, (e) => events.push(e), { engineOrder });
  return events;
}

/** An event without what the delivery order stamps (`seq` renumbered, `step`). */
const unstamped = ({ seq: _seq, step: _step, ...e }: TlsEvent) => e;

describe('buildRunView', () => {
  it('TLS 1.2 bad-premaster: the fault note sits on the arrow that carries the ClientKeyExchange', () => {
    const view = buildRunView(run({ version: 'TLS 1.2', fault: 'bad-premaster', serverKeyType: 'rsa-2048' }));
    const withNote = view.arrows.filter((a) => a.notes.some((n) => n.startsWith('Fault: the client encrypts a premaster')));
    expect(withNote).toHaveLength(1);
    expect(withNote[0]!.record.messages).toContain('ClientKeyExchange');
  });

  it('TLS 1.3: one arrow per sent record, one step per arrow, 1-RTT', () => {
    const events = run({});
    const view = buildRunView(events);
    const sent = events.filter((e) => e.type === 'record' && e.direction === 'sent');
    expect(view.arrows.map((a) => a.id)).toEqual(sent.map((e) => (e.type === 'record' ? e.recordId : '')));
    expect(view.stepEnds).toHaveLength(view.arrows.length);
    expect(view.stepEnds[view.stepEnds.length - 1]).toBe(events.length - 1);
    // Steps only grow, and step k shows exactly k arrows.
    for (let k = 1; k <= view.stepEnds.length; k++) {
      expect(visibleCount(view, k)).toBeGreaterThan(visibleCount(view, k - 1));
      expect(view.arrows.filter((a) => a.step <= k)).toHaveLength(k);
    }
    expect(view.arrows[0]?.ariaLabel).toBe('ClientHello, client to server');
    expect(view.handshakeRtts).toBe(1);
    // The client's move after sending its ClientHello is part of step 1.
    expect(currentStates(events, visibleCount(view, 1)).client).toBe('ExpectServerHello');
    const last = view.arrows[view.arrows.length - 1]!;
    expect(last.alert?.description).toBe('close_notify');
    expect(view.arrows.some((a) => a.appdata && a.from === 'server')).toBe(true);
  });

  it("a record is read in the step it is sent: the ServerHello step shows both sides' handshake secrets", () => {
    for (const patch of [{}, { helloRetry: true }, { version: 'TLS 1.2' as const, mutual: true }, { fault: 'expired-certificate' as const }]) {
      // The endpoints' own order, and the same run in the delivery order a Session emits.
      const raw = run(patch, true);
      const view = buildRunView(inDeliveryOrder(raw));
      // Same events; each side's own order kept (a state change may move earlier, within the
      // flight it belongs to); nothing read before it was sent.
      expect(view.events).toHaveLength(raw.length);
      for (const side of ['client', 'server'] as const) {
        for (const keep of [(e: TlsEvent) => e.type !== 'state', (e: TlsEvent) => e.type === 'state'])
          expect(view.events.filter((e) => e.side === side && keep(e)).map(unstamped)).toEqual(raw.filter((e) => e.side === side && keep(e)).map(unstamped));
      }
      const sentAt = new Map<string, number>();
      view.events.forEach((e, i) => {
        if (e.type !== 'record') return;
        if (e.direction === 'sent' && !sentAt.has(e.recordId)) sentAt.set(e.recordId, i);
        if (e.direction === 'received') expect(sentAt.get(e.recordId)).toBeLessThan(i);
      });
      // The receiver reads each record in that record's step, unless it had its own message to
      // send first (after a HelloRetryRequest the client answers before reading the server's CCS).
      for (const a of view.arrows) {
        const readAt = view.events.findIndex((e) => e.type === 'record' && e.direction === 'received' && e.recordId === a.id);
        if (readAt < 0 || view.stepEnds[a.step - 1]! >= readAt) continue;
        const between = view.events.slice(a.eventIndex, readAt);
        expect(between.some((e) => e.type === 'record' && e.direction === 'sent' && e.side === a.to)).toBe(true);
      }
    }
    const view = buildRunView(run({}));
    const sh = view.arrows.find((a) => a.label === 'ServerHello')!;
    const shown = view.events.slice(0, visibleCount(view, sh.step));
    const secrets = shown.filter((e) => e.type === 'secret' && e.side === 'client').map((e) => (e.type === 'secret' ? e.name : ''));
    expect(secrets).toContain('client_handshake_traffic_secret');
    expect(secrets).toContain('server_handshake_traffic_secret');
    expect(currentStates(view.events, visibleCount(view, sh.step)).client).toBe('ExpectEncryptedExtensions');
    // The server derived the same secrets before the compatibility CCS that follows.
    const serverSecrets = shown.filter((e) => e.type === 'secret' && e.side === 'server').map((e) => (e.type === 'secret' ? e.name : ''));
    expect(serverSecrets).toContain('server_handshake_traffic_secret');
    const ccs = view.arrows[sh.index + 1]!;
    expect(ccs.changeCipherSpec).toBe(true);
    const ccsStep = view.events.slice(visibleCount(view, sh.step), visibleCount(view, ccs.step));
    expect(ccsStep.filter((e) => e.type === 'secret')).toEqual([]);
  });

  it('a side shows its new state from the first record of the flight it decided on', () => {
    for (const [patch, after] of [
      [{}, 'ExpectClientFinished'],
      [{ mutual: true }, 'ExpectClientCertificate'],
      [{ version: 'TLS 1.2' as const }, 'ExpectClientKeyExchange'],
    ] as const) {
      const view = buildRunView(run(patch));
      const sh = view.arrows.find((a) => a.label.startsWith('ServerHello'))!;
      expect(currentStates(view.events, visibleCount(view, sh.step - 1)).server).toBe('ExpectClientHello');
      expect(currentStates(view.events, visibleCount(view, sh.step)).server).toBe(after);
      // A state change never moves across a record the side reads.
      const states = view.events.filter((e) => e.type === 'state' && e.side === 'server');
      expect(states[0]).toMatchObject({ from: 'ExpectClientHello', to: after });
    }
  });

  it('TLS 1.2 RSA key transport and TLS 1.3 with HelloRetryRequest take 2 round trips', () => {
    expect(buildRunView(run({ version: 'TLS 1.2', cipherSuite: 'TLS_RSA_WITH_AES_128_GCM_SHA256', serverKeyType: 'rsa-2048' })).handshakeRtts).toBe(2);
    expect(buildRunView(run({ helloRetry: true })).handshakeRtts).toBe(2);
  });

  it('a failed check ends in a red alert arrow and no application data', () => {
    const view = buildRunView(run({ fault: 'expired-certificate' }));
    const last = view.arrows[view.arrows.length - 1]!;
    expect(last.alert?.description).toBe('certificate_expired');
    expect(last.ariaLabel.startsWith('Alert: certificate_expired, client to server')).toBe(true);
    expect(view.handshakeRtts).toBeNull();
  });

  it('marks the record a man in the middle changed', () => {
    for (const [fault, differ] of [
      ['tamper-ciphertext', 1],
      ['downgrade', -2],
    ] as const) {
      const view = buildRunView(run({ fault }));
      const tampered = view.arrows.filter((a) => a.tampered);
      expect(tampered).toHaveLength(1);
      // The receiver's record event holds what arrived — even when it could not decrypt it.
      const got = view.events.find((e) => e.type === 'record' && e.direction === 'received' && e.recordId === tampered[0]!.id);
      expect(got?.type).toBe('record');
      const sent = tampered[0]!.record.bytes;
      const bytes = got?.type === 'record' ? got.bytes : new Uint8Array();
      if (differ > 0) expect(sent.reduce((n, x, i) => n + (x === bytes[i] ? 0 : 1), 0)).toBe(differ);
      else expect(bytes.length - sent.length).toBe(differ);
    }
  });
});

describe('withMessageSpans', () => {
  it('places ServerHello.random (32 bytes) inside the record, matching the message bytes', () => {
    const events = run({});
    const view = buildRunView(events);
    const sh = view.arrows.find((a) => a.label === 'ServerHello')!;
    const msgs = events.filter((e): e is HandshakeEvent => e.type === 'handshake' && e.direction === 'sent' && e.recordId === sh.id);
    const spans = withMessageSpans(sh.record.spans, sh.record.bytes, 5, sh.record.bytes.length, msgs);
    const random = spans.find((s) => s.label === 'random')!;
    expect(random.end - random.start).toBe(32);
    const inMessage = msgs[0]!.spans.find((s) => s.label === 'random')!;
    expect(sh.record.bytes.slice(random.start, random.end)).toEqual(msgs[0]!.bytes.slice(inMessage.start, inMessage.end));
    expect(spans.every((s) => s.end <= sh.record.bytes.length)).toBe(true);
    // Each field appears once, under the message body.
    expect(spans.filter((s) => s.label === 'random')).toHaveLength(1);
    const body = spans.find((s) => s.label === 'ServerHello' && s.depth > 0 && s.start > 5);
    if (body) expect(random.depth).toBeGreaterThan(body.depth);
  });
});

describe('a live run (one side a real peer)', () => {
  /** Our server's side of a run, as live.ts reports it: the client's records as they arrived, stamped with the steps our side observed. */
  function liveServerLog(): TlsEvent[] {
    const out: TlsEvent[] = [{ type: 'note', side: 'server', text: 'real client', realPeer: { side: 'client', address: '127.0.0.1:5555' }, seq: 0, t: 0 }];
    for (const e of run({})) {
      if (e.side !== 'server') continue;
      if (e.type === 'record' && e.direction === 'received') out.push({ ...e, side: 'client', direction: 'sent' });
      out.push(e);
    }
    const stepped = observedSteps();
    return out.map((e, i) => stepped({ ...e, seq: i }));
  }

  it("keeps the order our side observed: the real client's Finished and request come after the server's flight", () => {
    const view = buildRunView(liveServerLog());
    const labels = view.arrows.map((a) => `${a.from}:${a.label}`);
    const sh = labels.indexOf('server:ServerHello');
    const clientData = labels.indexOf('client:Application Data');
    expect(labels[0]).toBe('client:ClientHello');
    expect(sh).toBe(1);
    expect(clientData).toBeGreaterThan(sh);
    expect(view.handshakeRtts).toBe(1);
    // Every step ends at or after its own record, and steps cover the log.
    expect(view.stepEnds).toHaveLength(view.arrows.length);
    view.arrows.forEach((a, k) => expect(view.stepEnds[k]!).toBeGreaterThanOrEqual(a.eventIndex));
    expect(view.stepEnds[view.stepEnds.length - 1]).toBe(view.events.length - 1);
  });
});
