/**
 * What the diagram and narration say about faults, 0.5-RTT timing, the master secret and
 * skipped client authentication, checked against real runs (issue 9): each statement must hold
 * in the events it is made from.
 */
import { describe, expect, it } from 'vitest';
import { runScenario, type Scenario, type TlsEvent } from '@tlslab/engine';
import { DEFAULT_SCENARIO, FAULT_NAMES } from '@tlslab/engine/scenario';
import { buildRunView, visibleCount, type RunView } from './derive';
import { dataTiming, faultMark, stepFacts } from './facts';
import { explainAppData } from '../narration/texts';

function view(patch: Partial<Scenario>): RunView {
  const events: TlsEvent[] = [];
  runScenario({ ...DEFAULT_SCENARIO, seed: 'facts-test', ...patch }, (e) => events.push(e));
  return buildRunView(events);
}

/** Every fact the narration adds, step by step. */
function allFacts(v: RunView) {
  return v.arrows.flatMap((a) => {
    const start = a.step <= 1 ? 0 : (v.stepEnds[a.step - 2] ?? -1) + 1;
    return stepFacts(v.events.slice(start, visibleCount(v, a.step)), a, v.events).map((f) => ({ step: a.step, ...f }));
  });
}

describe('fault marks: a faulty peer is not a change in transit', () => {
  for (const version of ['TLS 1.3', 'TLS 1.2'] as const) {
    it(`${version} corrupt Finished / signature: "wrong … from the server", never "changed in transit"`, () => {
      for (const fault of ['bad-server-finished', 'bad-signature'] as const) {
        const v = view({ version, fault });
        const marked = v.arrows.map((a) => [a, faultMark(a)] as const).filter(([, m]) => m);
        expect(marked, fault).toHaveLength(1);
        const [arrow, mark] = marked[0]!;
        expect(mark).toEqual({ kind: 'faulty', lines: ['faulty server:', fault === 'bad-server-finished' ? 'wrong Finished' : 'wrong signature'] });
        expect(arrow.messages).toContain(fault === 'bad-server-finished' ? 'Finished' : version === 'TLS 1.3' ? 'CertificateVerify' : 'ServerKeyExchange');
        expect(arrow.from).toBe('server');
        expect(arrow.tampered).toBe(false);
        // The bytes the client read are the bytes the server sent.
        const got = v.events.find((e) => e.type === 'record' && e.direction === 'received' && e.recordId === arrow.id);
        expect(got?.type === 'record' && Array.from(got.bytes)).toEqual(Array.from(arrow.record.bytes));
        // The narration blames the server at the alert, and never speaks of an attacker.
        const facts = allFacts(v);
        expect(facts.some((f) => f.title === 'Who is at fault: a faulty server')).toBe(true);
        // ...and says so at the step of the record that carries the wrong value.
        expect(facts.filter((f) => f.step === arrow.step).map((f) => f.title)).toContain(`A faulty server: it computed a wrong ${arrow.fault!.message}`);
        const aboutFault = facts.filter((f) => !/master secret/.test(f.title));
        expect(aboutFault.length).toBeGreaterThan(0);
        expect(aboutFault.map((f) => f.title + f.text).join(' ')).not.toMatch(/attacker|man in the middle|tamper/i);
      }
    });

    it(`${version} flipped ciphertext bit: "changed in transit", an on-path attacker, bad_record_mac`, () => {
      const v = view({ version, fault: 'tamper-ciphertext' });
      const marked = v.arrows.filter((a) => faultMark(a));
      expect(marked).toHaveLength(1);
      expect(faultMark(marked[0]!)).toEqual({ kind: 'on-path', lines: ['changed', 'in transit'] });
      expect(marked[0]!.tampered).toBe(true);
      const last = v.arrows[v.arrows.length - 1]!;
      expect(last.alert?.description).toBe('bad_record_mac');
      expect(allFacts(v).some((f) => f.title === 'Who is at fault: an on-path attacker' && /bad_record_mac/.test(f.text))).toBe(true);
    });
  }

  it('every fault with an alert: the narration names who is at fault at the alert that was sent', () => {
    for (const fault of FAULT_NAMES.filter((f) => f !== 'none')) {
      const patch: Partial<Scenario> = fault.startsWith('bad-premaster') ? { version: 'TLS 1.2', serverKeyType: 'rsa-2048' } : {};
      const v = view({ fault, ...patch });
      const fatal = v.arrows.find((a) => a.alert?.level === 'fatal');
      if (!fatal) continue;
      const facts = stepFacts([], fatal, v.events);
      expect(
        facts.map((f) => f.title),
        fault,
      ).toEqual([expect.stringMatching(/^Who is at fault: /)]);
    }
  });

  it('Bleichenbacher: the alert step explains the random premaster and the failed AEAD check', () => {
    for (const fault of ['bad-premaster', 'bad-premaster-padding'] as const) {
      const v = view({ version: 'TLS 1.2', fault, serverKeyType: 'rsa-2048' });
      const fatal = v.arrows.find((a) => a.alert?.level === 'fatal')!;
      expect(fatal.alert?.description).toBe('bad_record_mac');
      const [fact] = stepFacts([], fatal, v.events);
      expect(fact?.title).toBe('Who is at fault: a faulty client');
      expect(fact?.text).toMatch(/random premaster.*different master secrets and keys.*Finished.*bad_record_mac/);
      expect(fact?.text).toMatch(fault === 'bad-premaster' ? /client_version/ : /PKCS#1 v1\.5 padding/);
    }
  });
});

describe('0.5-RTT: when the answer arrives', () => {
  it('resume + early: the answer is marked 0.5-RTT and arrives at 1 RTT; a 1-RTT answer arrives at 2 RTT', () => {
    const early = view({ resumption: true, earlyData: true });
    const marks = early.arrows.map(dataTiming).filter(Boolean);
    expect(marks).toEqual([['0-RTT data'], ['0.5-RTT answer', 'at 1 RTT']]);
    const answer = early.arrows.find((a) => a.appdata && a.from === 'server')!;
    // It travels before the client's Finished in the diagram, too.
    const clientFinished = early.arrows.find((a) => a.from === 'client' && a.messages.includes('Finished'))!;
    expect(answer.index).toBeLessThan(clientFinished.index);
    expect(answer.phase).toBe('half-rtt');
    expect(explainAppData('server', 'TLS 1.3', false, answer.dataFlight).text).toMatch(/reaches the client 1 round trip after/);
    const full = view({});
    expect(full.arrows.map(dataTiming).filter(Boolean)).toEqual([['answer', 'at 2 RTT']]);
    const tls12 = view({ version: 'TLS 1.2' });
    // TLS 1.2: a 2-RTT handshake, then the request: the answer comes in flight 6.
    expect(tls12.arrows.map(dataTiming).filter(Boolean)).toEqual([['answer', 'at 3 RTT']]);
  });
});

describe('master secret and client authentication facts', () => {
  it('TLS 1.2: the step that derives master_secret says which formula, and why', () => {
    const on = allFacts(view({ version: 'TLS 1.2' })).filter((f) => /master secret/.test(f.title));
    expect(on.map((f) => f.title)).toEqual(['The extended master secret (RFC 7627)']);
    expect(on[0]!.text).toMatch(/session_hash/);
    const off = allFacts(view({ version: 'TLS 1.2', extendedMasterSecret: false })).filter((f) => /master secret/.test(f.title));
    expect(off.map((f) => f.title)).toEqual(['The classic master secret (RFC 5246 §8.1)']);
    expect(off[0]!.text).toMatch(/^master_secret = PRF\(pre_master_secret, "master secret", ClientHello.random \+ ServerHello.random\)/);
    expect(off[0]!.text).toMatch(/did not offer extended_master_secret/);
  });

  it('mutual + resume: the narration says client authentication is skipped, at the server’s first flight', () => {
    const v = view({ mutual: true, resumption: true });
    const facts = allFacts(v).filter((f) => f.rfc === 'RFC 8446 §4.3.2');
    expect(facts).toHaveLength(1);
    const at = v.arrows.find((a) => a.step === facts[0]!.step)!;
    expect(at.from).toBe('server');
    expect(allFacts(view({ mutual: true })).some((f) => f.rfc === 'RFC 8446 §4.3.2')).toBe(false);
  });
});
