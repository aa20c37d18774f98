/**
 * "Asymmetric vs symmetric" and "one-way vs mutual" are named at the step where they happen,
 * from the run's events: which record each side seals first, which record's reading is the last
 * public-key operation, whether the server sent a CertificateRequest. And the checker catches
 * each of these texts when it is put on a record the events disagree with.
 */
import { describe, expect, it } from 'vitest';
import { runScenario, type RunSummary, type Scenario, type TlsEvent, type RecordMessageName } from '@tlslab/engine';
import { DEFAULT_SCENARIO } from '@tlslab/engine/scenario';
import { buildRunView, type Arrow, type RunView } from '../store/derive';
import { narrate } from './narrate';
import { checkClaims } from './check-claims';
import type { Claim, ClaimBody } from './claims';

const AT = '2026-11-25T12:00:00Z';

const summaries = new WeakMap<RunView, RunSummary>();

function run(patch: Partial<Scenario>): RunView {
  const events: TlsEvent[] = [];
  const summary = runScenario({ ...DEFAULT_SCENARIO, seed: 'milestones', at: AT, ...patch }, (e) => events.push(e));
  const view = buildRunView(events);
  summaries.set(view, summary);
  return view;
}

/** The steps whose narration has a part titled like `title`, as the arrows narrated there. */
function told(view: RunView, title: RegExp): Arrow[] {
  const out: Arrow[] = [];
  for (let step = 1; step <= view.stepEnds.length; step++) {
    const n = narrate(view, step, 'done', null);
    if (n.parts.some((p) => title.test(p.title))) out.push(view.arrows.find((a) => a.step === step)!);
  }
  return out;
}

const has = (a: Arrow | undefined, m: RecordMessageName) => !!a && a.messages.includes(m);
const ONE_WAY = /^One-way TLS/;
const MUTUAL = /^Mutual TLS, not one-way/;
const SEALED = /^Symmetric from here/;
const LAST_PK = /^The last public-key operation/;

describe('named where it happens, from the events', () => {
  it('TLS 1.3, one-way: the server flight ends one-way and holds the last public-key operation; each side’s first sealed record', () => {
    const view = run({ version: 'TLS 1.3' });
    const [oneWay] = told(view, ONE_WAY);
    expect(has(oneWay, 'Finished') && oneWay!.from).toBe('server');
    expect(told(view, MUTUAL)).toEqual([]);
    const [last] = told(view, LAST_PK);
    expect(has(last, 'CertificateVerify') && last!.from).toBe('server');
    const sealed = told(view, SEALED);
    expect(sealed.map((a) => `${a.from}:${a.keyName}`)).toEqual(['server:server_handshake_traffic_secret', 'client:client_handshake_traffic_secret']);
    for (const a of sealed) expect(view.arrows.filter((b) => b.from === a.from && b.index < a.index).every((b) => !b.keyName)).toBe(true);
  });

  it('TLS 1.3, mutual: the CertificateRequest says mutual, never one-way; the client’s CertificateVerify is the last public-key operation', () => {
    const view = run({ version: 'TLS 1.3', mutual: true });
    expect(told(view, MUTUAL).map((a) => has(a, 'CertificateRequest'))).toEqual([true]);
    expect(told(view, ONE_WAY)).toEqual([]);
    const [last] = told(view, LAST_PK);
    expect(has(last, 'CertificateVerify') && last!.from).toBe('client');
    const step = narrate(view, last!.step, 'done', null);
    expect(step.parts.find((p) => LAST_PK.test(p.title))!.text).toContain('the server checks the client’s CertificateVerify signature');
  });

  it('TLS 1.2: symmetric starts with each Finished; ECDHE ends at ClientKeyExchange, RSA key transport with the premaster decrypted', () => {
    const view = run({ version: 'TLS 1.2' });
    expect(told(view, SEALED).map((a) => `${a.from}:${a.messages.join('+')}`)).toEqual(['client:Finished', 'server:Finished']);
    const [oneWay] = told(view, ONE_WAY);
    expect(has(oneWay, 'ServerHelloDone')).toBe(true);
    const [last] = told(view, LAST_PK);
    expect(has(last, 'ClientKeyExchange')).toBe(true);
    expect(narrate(view, last!.step, 'done', null).parts.find((p) => LAST_PK.test(p.title))!.text).toContain('(ECDHE)');
    const rsa = run({ version: 'TLS 1.2', cipherSuite: 'TLS_RSA_WITH_AES_128_GCM_SHA256', serverKeyType: 'rsa-2048' });
    const [rsaLast] = told(rsa, LAST_PK);
    expect(narrate(rsa, rsaLast!.step, 'done', null).parts.find((p) => LAST_PK.test(p.title))!.text).toContain('decrypts the premaster secret with its RSA private key');
  });

  it('resumed: the ServerHello’s key share is the last public-key operation; one-way without any certificate', () => {
    const view = run({ version: 'TLS 1.3', resumption: true });
    const [last] = told(view, LAST_PK);
    expect(has(last, 'ServerHello')).toBe(true);
    const [oneWay] = told(view, ONE_WAY);
    expect(narrate(view, oneWay!.step, 'done', null).parts.find((p) => ONE_WAY.test(p.title))!.text).toContain('shows no certificate either');
  });

  it('a run that fails says nothing about the last public-key operation', () => {
    expect(told(run({ fault: 'bad-signature' }), LAST_PK)).toEqual([]);
    expect(told(run({ version: 'TLS 1.2', fault: 'expired-certificate' }), LAST_PK)).toEqual([]);
  });

  it('every claim these texts make holds', () => {
    for (const patch of [{}, { mutual: true }, { version: 'TLS 1.2' as const }, { version: 'TLS 1.2' as const, mutual: true }, { resumption: true, earlyData: true }]) {
      const view = run(patch);
      const claims: Claim[] = [];
      for (let step = 1; step <= view.stepEnds.length; step++) claims.push(...narrate(view, step, 'done', summaries.get(view)!).claims);
      expect(claims.some((c) => c.kind === 'first-sealed')).toBe(true);
      expect(checkClaims(view, claims), JSON.stringify(patch)).toEqual([]);
    }
  });
});

describe('the checker catches these texts on the wrong record', () => {
  const at = (view: RunView, a: Arrow, body: ClaimBody): Claim[] => [{ ...body, step: a.step, recordId: a.id }];

  it('one-way in a mutual run; mutual without a CertificateRequest; one-way before the server’s flight ends', () => {
    const mutual = run({ mutual: true });
    const fin = mutual.arrows.find((a) => a.from === 'server' && has(a, 'Finished'))!;
    expect(checkClaims(mutual, at(mutual, fin, { kind: 'client-auth', value: 'one-way' })).join()).toMatch(/sent a CertificateRequest/);
    const oneWay = run({});
    const sh = oneWay.arrows.find((a) => has(a, 'ServerHello'))!;
    expect(checkClaims(oneWay, at(oneWay, sh, { kind: 'client-auth', value: 'mutual' })).join()).toMatch(/no CertificateRequest/);
    expect(checkClaims(oneWay, at(oneWay, sh, { kind: 'client-auth', value: 'one-way' })).join()).toMatch(/does not end the server’s handshake flight/);
  });

  it('first sealed on a record in the clear or on a side’s second sealed record; last public-key with a certificate still to come', () => {
    const view = run({ version: 'TLS 1.2' });
    const ch = view.arrows[0]!;
    expect(checkClaims(view, at(view, ch, { kind: 'first-sealed' })).join()).toMatch(/in the clear/);
    const data = view.arrows.find((a) => a.from === 'client' && a.appdata)!;
    expect(checkClaims(view, at(view, data, { kind: 'first-sealed' })).join()).toMatch(/sealed .* before it/);
    const v13 = run({});
    const sh = v13.arrows.find((a) => has(a, 'ServerHello'))!;
    expect(checkClaims(v13, at(v13, sh, { kind: 'last-public-key' })).join()).toMatch(/carries one after it/);
    const fin = v13.arrows.find((a) => a.from === 'client' && has(a, 'Finished'))!;
    expect(checkClaims(v13, at(v13, fin, { kind: 'last-public-key' })).join()).toMatch(/no key exchange, certificate or signature/);
  });
});
