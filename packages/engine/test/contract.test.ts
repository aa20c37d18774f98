/**
 * The engine ↔ app contract (issue 11): a run comes in delivery order with its steps, each
 * certificate report names the record that carried the chain, each secret says where it sits
 * in its key schedule, `negotiated` events merge in one place, and the scenario's rules live in
 * scenario.ts.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_SCENARIO, inDeliveryOrder, mergeNegotiated, runScenario, type Scenario, type TlsEvent } from '../src/index';
import { FAULT_NAMES, FAULT_VERSIONS, normalizeScenario, suiteKeyType, TLS12_SUITE_NAMES } from '../src/scenario';

const SETTINGS: Partial<Scenario>[] = [
  {},
  { helloRetry: true },
  { mutual: true },
  { resumption: true, earlyData: true },
  { version: 'TLS 1.2' },
  { version: 'TLS 1.2', mutual: true },
  { version: 'TLS 1.2', cipherSuite: 'TLS_RSA_WITH_AES_128_GCM_SHA256', serverKeyType: 'rsa-2048' },
  { fault: 'expired-certificate' },
  { fault: 'downgrade' },
];

function run(patch: Partial<Scenario>, engineOrder = false): TlsEvent[] {
  const events: TlsEvent[] = [];
  runScenario({ ...DEFAULT_SCENARIO, seed: 'contract', ...patch }, (e) => events.push(e), { engineOrder });
  return events;
}

describe('a run is emitted in delivery order, with its steps', () => {
  for (const patch of SETTINGS) {
    it(JSON.stringify(patch), () => {
      const events = run(patch);
      expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i));
      // Steps start at 1, never go back, and there is one per record put on the wire.
      const steps = events.map((e) => e.step!);
      expect(steps[0]).toBe(1);
      steps.forEach((s, i) => expect(s).toBeGreaterThanOrEqual(steps[i - 1] ?? 1));
      const records = new Set(events.flatMap((e) => (e.type === 'record' && e.direction === 'sent' ? [e.recordId] : [])));
      expect(steps[steps.length - 1]).toBe(records.size);
      // A record's first send opens its step, and it is read after it was sent.
      const sentAt = new Map<string, number>();
      events.forEach((e, i) => {
        if (e.type !== 'record') return;
        if (e.direction === 'sent' && !sentAt.has(e.recordId)) {
          sentAt.set(e.recordId, i);
          expect(e.step).toBe(sentAt.size);
        }
        if (e.direction === 'received') expect(sentAt.get(e.recordId)).toBeLessThan(i);
      });
      // The same events as the endpoints' own order, re-merged.
      const raw = run(patch, true);
      expect(raw.some((e) => e.step !== undefined)).toBe(false);
      expect(inDeliveryOrder(raw).map((e) => `${e.side}:${e.type}`)).toEqual(events.map((e) => `${e.side}:${e.type}`));
    });
  }
});

describe('a certificate report names the record that carried the chain', () => {
  it('the checker received that record, and it carries the Certificate message', () => {
    let reports = 0;
    for (const patch of [...SETTINGS, { mutual: true, version: 'TLS 1.2' as const, fault: 'untrusted-root' as const }]) {
      const events = run(patch);
      reports += events.filter((e) => e.type === 'cert-report').length;
      for (const r of events.filter((e) => e.type === 'cert-report' || e.type === 'cert-check')) {
        const carrier = events.find((e) => e.type === 'record' && e.direction === 'received' && e.side === r.side && e.recordId === r.recordId);
        expect(carrier?.type === 'record' && carrier.messages.some((m) => m === 'Certificate' || m === 'Certificate (fragment)')).toBe(true);
      }
    }
    // A resumed handshake and a downgrade caught at the ServerHello check no chain; the others do (mutual TLS: both sides).
    expect(reports).toBe(10);
  });
});

describe('each secret says where it sits in its key schedule', () => {
  /** What the key panel used to infer from names and formulas: the oracle the engine's report must agree with. */
  const inferredTrunk = (s: Extract<TlsEvent, { type: 'secret' }>) =>
    s.stage === 'tls12'
      ? /^(pre_master_secret|master_secret|key_block)$/.test(s.name)
      : /^HKDF-Extract/i.test(s.formula) || /^Derive-Secret\([^,]*, "derived"/.test(s.formula) || (s.parents !== undefined && s.parents.length === 0);

  it('chain and inputs are the trunk; every other secret a branch', () => {
    const stages = new Set<string>();
    for (const patch of SETTINGS) {
      const secrets = run(patch).filter((e) => e.type === 'secret');
      for (const s of secrets) stages.add(s.stage);
      for (const s of secrets) expect(s.position !== 'branch', `${s.name} (${s.stage})`).toBe(inferredTrunk(s));
      // Inputs come from outside the schedule: nothing they are computed from is a secret of it.
      for (const s of secrets.filter((x) => x.position === 'input')) expect(s.parents).toEqual([]);
    }
    expect([...stages].sort()).toEqual(['early', 'handshake', 'master', 'tls12', 'traffic']);
  });
});

describe('mergeNegotiated', () => {
  it('a later value wins, an absent field keeps the earlier one, per side and up to a count', () => {
    const events = run({ helloRetry: true });
    const client = mergeNegotiated(events, 'client');
    expect(client).toMatchObject({ version: 'TLS 1.3', helloRetry: true, group: 'x25519' });
    expect(client).not.toHaveProperty('seq');
    expect(client).not.toHaveProperty('side');
    const firstNeg = events.findIndex((e) => e.type === 'negotiated' && e.side === 'client');
    expect(mergeNegotiated(events, 'client', firstNeg)).toEqual({});
  });
});

describe('normalizeScenario (the scenario rules the app follows)', () => {
  it('a fault of one version goes back to none in the other, and says so', () => {
    for (const fault of FAULT_NAMES) {
      const needs = FAULT_VERSIONS[fault];
      for (const version of ['TLS 1.2', 'TLS 1.3'] as const) {
        const { scenario, changes } = normalizeScenario({
          ...DEFAULT_SCENARIO,
          seed: 's',
          fault,
          version,
          ...(version === 'TLS 1.2' ? { serverKeyType: 'rsa-2048' as const } : {}),
        });
        const refused = needs !== undefined && needs !== version;
        expect(scenario.fault).toBe(refused ? 'none' : fault);
        expect(changes.some((c) => c.kind === 'fault-needs-version' && c.fault === fault)).toBe(refused);
      }
    }
  });

  it('every TLS 1.2 suite that needs a key type gets it, and the change says why', () => {
    for (const suite of TLS12_SUITE_NAMES) {
      const { scenario, changes } = normalizeScenario({ ...DEFAULT_SCENARIO, seed: 's', version: 'TLS 1.2', serverKeyType: 'ed25519', cipherSuite: suite }, { cipherSuite: suite });
      const want = suiteKeyType(suite);
      expect(scenario.serverKeyType).toBe(want ?? 'ed25519');
      expect(changes).toEqual(want ? [{ kind: 'key-follows-suite', suite, keyType: want }] : []);
    }
  });
});
