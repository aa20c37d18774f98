/**
 * Everything on screen is true: over a sample of the settings matrix (every version, suite,
 * group, key type, mutual, HRR, resume, 0-RTT and fault value at least once, with a fixed
 * seed), every step's narration and badges are built by the app's own pure functions and each
 * claim they make is checked against the run's events and bytes. The same link gives the same
 * bytes. And the checker is shown to catch a wrong claim.
 */
import { describe, expect, it } from 'vitest';
import { runScenario, type RunSummary, type Scenario, type TlsEvent } from '@tlslab/engine';
import { DEFAULT_SCENARIO, FAULT_NAMES, GROUP_NAMES, SERVER_KEY_TYPES, TLS12_SUITE_NAMES, TLS13_SUITE_NAMES } from '@tlslab/engine/scenario';
import { buildRunView, type RunView } from '../store/derive';
import { normalizeScenario } from '../store';
import { scenarioFromUrl, scenarioToSearch } from '../store/url';
import { arrowClaims, summaryBadges } from '../diagram/badges';
import { narrate, offeredVersion, firstClientHello } from './narrate';
import { MESSAGES, explainAlert } from './texts';
import { checkClaims } from './check-claims';
import type { Claim, ClaimBody } from './claims';

const AT = '2026-11-25T12:00:00Z';

/** A small deterministic PRNG (mulberry32), so the sample is the same on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Pick = <T>(xs: readonly T[]) => T;

function randomScenario(pick: Pick, i: number, fixed: Partial<Scenario>): Scenario {
  const version = fixed.version ?? pick(['TLS 1.3', 'TLS 1.2'] as const);
  const suites = version === 'TLS 1.3' ? TLS13_SUITE_NAMES : TLS12_SUITE_NAMES;
  const resumption = version === 'TLS 1.3' && pick([false, true]);
  return {
    ...DEFAULT_SCENARIO,
    // A few seeds, reused: the demo PKI's keys are cached per seed (an RSA key costs ~0.3 s).
    seed: `matrix-${i % 5}`,
    version,
    ...(pick([true, false, false]) ? {} : { cipherSuite: pick(suites) }),
    group: pick(GROUP_NAMES),
    serverKeyType: pick(SERVER_KEY_TYPES),
    mutual: pick([false, true]),
    helloRetry: version === 'TLS 1.3' && pick([false, true]),
    resumption,
    earlyData: resumption && pick([false, true, true]),
    fault: pick(FAULT_NAMES),
    ...fixed,
  };
}

/**
 * The sample: each fault with each version and with 0-RTT, each setting value at least once,
 * then random cases up to `size`.
 */
function matrix(size: number): Scenario[] {
  const rand = prng(0x7115);
  const pick: Pick = (xs) => xs[Math.floor(rand() * xs.length)]!;
  const fixed: Partial<Scenario>[] = [];
  for (const fault of FAULT_NAMES) {
    fixed.push({ fault, version: 'TLS 1.3' }, { fault, version: 'TLS 1.2' }, { fault, version: 'TLS 1.3', resumption: true, earlyData: true });
    fixed.push({ fault, version: 'TLS 1.3', resumption: true, earlyData: true, helloRetry: true, mutual: true });
  }
  for (const cipherSuite of TLS13_SUITE_NAMES) fixed.push({ version: 'TLS 1.3', cipherSuite });
  for (const cipherSuite of TLS12_SUITE_NAMES) fixed.push({ version: 'TLS 1.2', cipherSuite });
  for (const group of GROUP_NAMES) fixed.push({ group });
  for (const serverKeyType of SERVER_KEY_TYPES) fixed.push({ serverKeyType }, { serverKeyType, version: 'TLS 1.2' });
  const out = fixed.map((f, i) => randomScenario(pick, i, f));
  while (out.length < size) out.push(randomScenario(pick, out.length, {}));
  return out;
}

/** A scenario as the app runs it: normalized, through its link. */
function viaLink(s: Scenario): { scenario: Scenario; link: string } {
  const link = scenarioToSearch(normalizeScenario(s).scenario);
  return { scenario: { ...normalizeScenario(scenarioFromUrl(link)).scenario, at: AT }, link };
}

function run(s: Scenario): { events: TlsEvent[]; summary: RunSummary; view: RunView } {
  const events: TlsEvent[] = [];
  const summary = runScenario(s, (e) => events.push(e));
  return { events, summary, view: buildRunView(events) };
}

/** Every claim on screen at every step of a run: narration and badges. */
function claimsOf(view: RunView, summary: RunSummary): Claim[] {
  const out: Claim[] = [];
  for (let step = 0; step <= view.stepEnds.length; step++) {
    out.push(...narrate(view, step, 'done', summary).claims, ...summaryBadges(view, step).claims);
    if (step === view.stepEnds.length) out.push(...arrowClaims(view, step));
  }
  return out;
}

const records = (events: TlsEvent[]) => events.flatMap((e) => (e.type === 'record' && e.direction === 'sent' ? [e.bytes] : []));

describe('narration and badges agree with the bytes over the settings matrix', () => {
  const cases = matrix(220);

  it('covers every value of every setting', () => {
    const seen = (f: (s: Scenario) => unknown) => new Set(cases.map((c) => f(viaLink(c).scenario)));
    expect(seen((s) => s.fault)).toEqual(new Set(FAULT_NAMES));
    for (const f of ['version', 'group', 'serverKeyType', 'mutual', 'helloRetry', 'resumption', 'earlyData'] as const) {
      expect(seen((s) => s[f]).size, f).toBeGreaterThanOrEqual(2);
    }
    expect(seen((s) => s.serverKeyType).size).toBe(SERVER_KEY_TYPES.length);
    expect(seen((s) => s.cipherSuite)).toEqual(new Set([undefined, ...TLS13_SUITE_NAMES, ...TLS12_SUITE_NAMES]));
  });

  it('every claim of every step holds; the same link gives the same bytes', () => {
    const kinds = new Map<string, number>();
    const problems: string[] = [];
    cases.forEach((c, i) => {
      const { scenario, link } = viaLink(c);
      const { events, summary, view } = run(scenario);
      const claims = claimsOf(view, summary);
      for (const k of claims) kinds.set(k.kind, (kinds.get(k.kind) ?? 0) + 1);
      for (const p of checkClaims(view, claims)) problems.push(`${link}: ${p}`);
      // The same link, run again, gives the same bytes (every 10th case: it costs a run).
      if (i % 10 === 0) {
        const again = run(viaLink(scenarioFromUrl(link)).scenario);
        expect(records(again.events), link).toEqual(records(events));
      }
    });
    expect(problems.slice(0, 20)).toEqual([]);
    // Not vacuous: each kind of claim was made, and checked, somewhere in the matrix.
    for (const kind of [
      'version',
      'plaintext',
      'encrypted',
      'offers-ticket',
      'after-retry',
      'resumed',
      'handshake-encrypted-after',
      'next-encrypted',
      'last-of-flight',
      'alert',
      'fatal',
      'no-data-before',
      'changed-in-transit',
      'certificates',
      'retry-group',
      'completed',
      'key-exchange',
      'early-data',
      'handshake-complete',
      'handshake-rtts',
      'flight-rtt',
      'negotiated-version',
      'outcome',
      'first-sealed',
      'last-public-key',
      'client-auth',
    ])
      expect(kinds.get(kind) ?? 0, kind).toBeGreaterThan(0);
  });
});

describe('the seen bugs (issue 9)', () => {
  const at = (patch: Partial<Scenario>) => run({ ...DEFAULT_SCENARIO, seed: 'lesson', at: AT, ...patch });

  it('resume + expired certificate: no ticket, so step 1 does not say the ClientHello offers one', () => {
    const { view, summary } = at({ resumption: true, fault: 'expired-certificate' });
    const step1 = narrate(view, 1, 'done', summary);
    expect(step1.parts[0]!.text).not.toContain('pre_shared_key');
    expect(step1.claims.some((c) => c.kind === 'offers-ticket')).toBe(false);
  });

  it('resume + 0-RTT + downgrade: TLS 1.3 texts for the ClientHello and CCS, a clear alert, an outcome naming both alerts', () => {
    const { view, summary } = at({ resumption: true, earlyData: true, fault: 'downgrade' });
    const n = (step: number) => narrate(view, step, 'done', summary);
    expect(n(1).claims).toContainEqual(expect.objectContaining({ kind: 'version', version: 'TLS 1.3' }));
    expect(n(2).parts[0]!.title).toBe('A compatibility record');
    const last = view.stepEnds.length;
    const caught = view.arrows.find((a) => a.alert?.reason?.includes('downgrade sentinel'))!;
    expect(caught.keyName).toBeUndefined(); // the TLS 1.2 server never had the early key
    expect(n(caught.step).parts[0]!.text).toContain('before using any handshake key');
    const outcome = n(last).outcome!;
    for (const a of view.arrows.filter((x) => x.alert?.level === 'fatal')) expect(outcome.text).toContain(a.alert!.description);
    // The header names the version the server chose, and what the client offered.
    expect(summaryBadges(view, last).badges[0]!.text).toBe('TLS 1.2 (the client offered TLS 1.3)');
  });

  it('HRR + 0-RTT: the early data step does not say the server declined; the HelloRetryRequest step does', () => {
    const { view, summary } = at({ resumption: true, earlyData: true, helloRetry: true, mutual: true });
    const early = view.arrows.find((a) => a.keyName === 'client_early_traffic_secret')!;
    const hrr = view.arrows.find((a) => a.messages.includes('HelloRetryRequest'))!;
    expect(early.step).toBeLessThan(hrr.step);
    const atEarly = narrate(view, early.step, 'done', summary);
    expect(atEarly.parts.map((p) => p.text).join(' ')).not.toMatch(/declined|rejected/);
    expect(narrate(view, hrr.step, 'done', summary).parts.map((p) => p.title)).toContain('The server declined the 0-RTT request');
  });

  it('round trips: 0-RTT keeps the 1-RTT handshake and its labels; HRR is 2; a failed run has no RTT badge', () => {
    const rtt = (patch: Partial<Scenario>) => {
      const { view } = at(patch);
      const end = summaryBadges(view, view.stepEnds.length).badges;
      return {
        badge: end.find((b) => b.kind === 'rtt')?.text,
        labels: view.flights.filter((f) => f.rtt).map((f) => f.rtt),
        early: end.find((b) => b.text.startsWith('0-RTT'))?.text,
      };
    };
    expect(rtt({ resumption: true, earlyData: true })).toEqual({ badge: '1-RTT handshake', labels: [1], early: '0-RTT data accepted' });
    expect(rtt({ resumption: true, earlyData: true, helloRetry: true, mutual: true })).toEqual({ badge: '2-RTT handshake', labels: [1, 2], early: '0-RTT data rejected' });
    expect(rtt({ version: 'TLS 1.2' })).toMatchObject({ badge: '2-RTT handshake', labels: [1, 2] });
    for (const fault of ['expired-certificate', 'bad-server-finished', 'no-client-certificate', 'downgrade'] as const) expect(rtt({ fault }).badge, fault).toBeUndefined();
  });

  it('a Certificate message is told as what it holds: an empty client one, a server chain of two', () => {
    for (const version of ['TLS 1.3', 'TLS 1.2'] as const) {
      const { view, summary } = at({ version, fault: 'no-client-certificate' });
      const told = (from: 'client' | 'server') => {
        const a = view.arrows.find((x) => x.from === from && x.messages.includes('Certificate'))!;
        return narrate(view, a.step, 'done', summary).parts.find((p) => p.claims.some((c) => c.kind === 'certificates'))!;
      };
      expect(told('client').title, version).toBe('The client has no certificate to show');
      expect(told('server').text, version).toContain('the CA certificate that signed it');
    }
  });

  it('TLS 1.3 ServerHello: every handshake message after it is encrypted (a plaintext CCS may follow)', () => {
    const { view, summary } = at({});
    const sh = view.arrows.find((a) => a.label === 'ServerHello')!;
    expect(view.arrows[sh.index + 1]!.changeCipherSpec).toBe(true);
    const text = narrate(view, sh.step, 'done', summary).parts[0]!.text;
    expect(text).toContain('Every handshake message after this one is encrypted');
    expect(text).not.toContain('Everything after this message is encrypted');
  });
});

describe('the checker catches a text that disagrees with the bytes', () => {
  const { view, summary } = run({ ...DEFAULT_SCENARIO, seed: 'liar', at: AT, fault: 'expired-certificate' });
  const ch = view.arrows[0]!;
  const claimAt = (bodies: readonly ClaimBody[], recordId = ch.id, step = 1): Claim[] => bodies.map((b) => ({ ...b, step, recordId }));

  it('a ClientHello text told (wrongly) that the hello offers a ticket', () => {
    const wrong = MESSAGES.ClientHello!({ from: 'client', version: 'TLS 1.3', keyExchange: undefined, offersTicket: true });
    expect(wrong.text).toContain('pre_shared_key');
    expect(checkClaims(view, claimAt(wrong.claims)).join('\n')).toMatch(/offers-ticket .* no pre_shared_key/);
    // The same text from the facts the events give holds.
    const right = narrate(view, 1, 'done', summary);
    expect(checkClaims(view, right.claims)).toEqual([]);
  });

  it('a TLS 1.2 text for a TLS 1.3 ClientHello', () => {
    expect(offeredVersion(firstClientHello(view)!)).toBe('TLS 1.3');
    const wrong = MESSAGES.ClientHello!({ from: 'client', version: 'TLS 1.2', keyExchange: undefined });
    expect(checkClaims(view, claimAt(wrong.claims)).join('\n')).toMatch(/version .* the bytes say TLS 1.3/);
  });

  it('"before using any key" over an encrypted alert; the wrong alert; a wrong round-trip count; early data never sent', () => {
    const alert = view.arrows.find((a) => a.alert)!;
    expect(alert.keyName).toBeDefined(); // the client's certificate_expired goes under its handshake key
    const clear = explainAlert('illegal_parameter', 'client', 'TLS 1.3', false, 'downgrade sentinel in ServerHello.random', false);
    const problems = checkClaims(view, claimAt(clear.claims, alert.id, alert.step));
    expect(problems.join('\n')).toMatch(/plaintext .* sealed/);
    expect(problems.join('\n')).toMatch(/alert .* alert code is 45/);
    const bad: Claim[] = [
      { kind: 'handshake-rtts', value: 1, step: alert.step },
      { kind: 'early-data', value: 'rejected', step: alert.step },
      { kind: 'outcome', ok: true, alerts: [], step: alert.step },
      { kind: 'negotiated-version', version: 'TLS 1.2', step: alert.step },
      { kind: 'flight-rtt', value: 2, step: 2, recordId: view.arrows[1]!.id },
    ];
    expect(checkClaims(view, bad)).toHaveLength(bad.length);
  });
});
