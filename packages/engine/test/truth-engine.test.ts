/**
 * What the screen says needs the engine to report it (issue 9): 0.5-RTT timing, who is at fault,
 * the run's clock, both forms of a server name, why client authentication is skipped, the key
 * schedule's branches, what a record's key is, which master secret, and the Bleichenbacher case.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runScenario, DEFAULT_SCENARIO, type Scenario, type TlsEvent } from '../src/index';
import { toHex, utf8 } from '../src/codec/hex';
import { checkServerName, clockFromSeed, FAULT_NAMES, type FaultName } from '../src/scenario';
import { punycodeDecode, punycodeEncode } from '../src/names';
import { clearDemoPkiCache } from '../src/pki/demo';

type Ev<T extends TlsEvent['type']> = Extract<TlsEvent, { type: T }>;

function run(s: Partial<Scenario>) {
  const events: TlsEvent[] = [];
  const summary = runScenario({ ...DEFAULT_SCENARIO, seed: 'truth', ...s }, (e) => events.push(e));
  return { summary, events };
}
const of = <T extends TlsEvent['type']>(events: TlsEvent[], type: T): Ev<T>[] => events.filter((e) => e.type === type) as Ev<T>[];
const sentWire = (events: TlsEvent[]) =>
  of(events, 'record')
    .filter((e) => e.direction === 'sent')
    .map((e) => toHex(e.bytes));

describe('0.5-RTT: the server answers accepted early data in its first flight (RFC 8446 §2.3)', () => {
  it('resume + early: the answer is half-rtt data in flight 2, sent before the server has the client Finished', () => {
    const { summary, events } = run({ resumption: true, earlyData: true });
    expect(summary).toMatchObject({ ok: true, resumed: true });
    const app = of(events, 'appdata');
    const request = app.find((e) => e.side === 'client' && e.direction === 'sent')!;
    expect(request).toMatchObject({ phase: 'early', flight: 1 });
    const answer = app.find((e) => e.side === 'server' && e.direction === 'sent')!;
    expect(answer).toMatchObject({ phase: 'half-rtt', flight: 2 });
    expect(utf8.decode(answer.data)).toMatch(/^HTTP\/1.1 200 OK/);
    // Sent before the server read the client's Finished, in the flight after the ClientHello's.
    const serverReadsClientFinished = events.find((e) => e.type === 'handshake' && e.side === 'server' && e.direction === 'received' && e.name === 'Finished')!;
    expect(answer.seq).toBeLessThan(serverReadsClientFinished.seq);
    const serverFinished = events.find((e) => e.type === 'handshake' && e.side === 'server' && e.direction === 'sent' && e.name === 'Finished')!;
    expect(answer.seq).toBeGreaterThan(serverFinished.seq);
    // The client reads it as the same record, same phase and flight.
    expect(app.find((e) => e.side === 'client' && e.direction === 'received')).toMatchObject({ recordId: answer.recordId, phase: 'half-rtt', flight: 2 });
    // Under the server's application key, not a handshake key.
    const rec = of(events, 'record').find((e) => e.recordId === answer.recordId && e.direction === 'sent')!;
    expect(rec.protected?.keyName).toBe('server_application_traffic_secret_0');
  });

  it('a 1-RTT run answers in flight 4; rejected early data (HRR) is sent again and answered after the handshake', () => {
    const full = run({});
    const answer = of(full.events, 'appdata').find((e) => e.side === 'server' && e.direction === 'sent')!;
    expect(answer).toMatchObject({ phase: 'application', flight: 4 });
    const rejected = run({ resumption: true, earlyData: true, helloRetry: true });
    expect(rejected.summary.ok).toBe(true);
    const phases = of(rejected.events, 'appdata')
      .filter((e) => e.direction === 'sent')
      .map((e) => `${e.side}:${e.phase}`);
    expect(phases).toEqual(['client:early', 'client:application', 'server:application']);
  });
});

describe('faults say who is at fault', () => {
  const expected: Record<string, { actor: string; culprit: string; alert: string; message?: string }> = {
    'bad-server-finished': { actor: 'faulty-peer', culprit: 'server', alert: 'decrypt_error', message: 'Finished' },
    'bad-signature': { actor: 'faulty-peer', culprit: 'server', alert: 'decrypt_error' },
    'tamper-ciphertext': { actor: 'on-path-attacker', culprit: 'network', alert: 'bad_record_mac' },
    'wrong-host': { actor: 'setup', culprit: 'client', alert: 'bad_certificate' },
    'expired-certificate': { actor: 'setup', culprit: 'server', alert: 'certificate_expired' },
    'untrusted-root': { actor: 'setup', culprit: 'client', alert: 'unknown_ca' },
    'no-common-suite': { actor: 'setup', culprit: 'client', alert: 'handshake_failure' },
  };
  for (const version of ['TLS 1.3', 'TLS 1.2'] as const)
    for (const [fault, want] of Object.entries(expected))
      it(`${version} ${fault}: one fault event (${want.actor}, ${want.culprit}) naming the alert that was sent`, () => {
        const { summary, events } = run({ version, fault: fault as FaultName });
        const faults = of(events, 'fault');
        expect(faults).toHaveLength(1);
        expect(faults[0]).toMatchObject({ fault, actor: want.actor, culprit: want.culprit, expectedAlert: want.alert });
        expect(summary.alert).toBe(want.alert);
        if (want.message) expect(faults[0]!.message).toBe(want.message);
        // Only an on-path attacker changes bytes between the sides; its record is marked tampered.
        const sent = new Map(
          of(events, 'record')
            .filter((e) => e.direction === 'sent')
            .map((e) => [e.recordId, toHex(e.bytes)]),
        );
        const changed = of(events, 'record')
          .filter((e) => e.direction === 'received' && sent.get(e.recordId) !== toHex(e.bytes))
          .map((e) => e.recordId);
        const tampered = of(events, 'note')
          .filter((e) => e.tampered)
          .map((e) => e.recordId);
        if (want.actor === 'on-path-attacker') {
          expect(changed).toEqual([faults[0]!.recordId]);
          expect(tampered).toEqual([faults[0]!.recordId]);
        } else {
          expect(changed).toEqual([]);
          expect(tampered).toEqual([]);
        }
      });

  it('TLS 1.3 bad-server-finished: the server’s own Finished event holds the wrong verify_data (computed, not changed in transit)', () => {
    const { events } = run({ fault: 'bad-server-finished' });
    const sent = events.find((e) => e.type === 'handshake' && e.side === 'server' && e.direction === 'sent' && e.name === 'Finished') as Ev<'handshake'>;
    const expectedVd = of(events, 'secret').find((e) => e.side === 'client' && e.name === 'server_verify_data')!;
    expect(toHex(sent.bytes.subarray(4))).not.toBe(toHex(expectedVd.value));
    const fault = of(events, 'fault')[0]!;
    expect(fault.recordId).toBe(sent.recordId);
    expect(fault.text).toMatch(/Faulty server/);
  });

  it('the signature fault names the message that carries it in each version', () => {
    expect(of(run({ fault: 'bad-signature' }).events, 'fault')[0]!.message).toBe('CertificateVerify');
    expect(of(run({ version: 'TLS 1.2', fault: 'bad-signature' }).events, 'fault')[0]!.message).toBe('ServerKeyExchange');
  });

  it('downgrade: an on-path attacker on the plaintext ClientHello, caught by the sentinel (illegal_parameter)', () => {
    const { summary, events } = run({ fault: 'downgrade' });
    expect(of(events, 'fault')).toMatchObject([{ actor: 'on-path-attacker', culprit: 'network', recordId: 'c2s:0', expectedAlert: 'illegal_parameter', side: 'server' }]);
    expect(summary.alert).toBe('illegal_parameter');
  });

  it('a fault that does not apply reports none (resumed run: no CertificateVerify to corrupt)', () => {
    const { summary, events } = run({ fault: 'bad-signature', resumption: true });
    expect(summary).toMatchObject({ ok: true, resumed: true });
    expect(of(events, 'fault')).toEqual([]);
  });

  it('every fault name is covered by this file or the premaster tests', () => {
    const covered = new Set([...Object.keys(expected), 'downgrade', 'no-client-certificate', 'bad-premaster', 'bad-premaster-padding', 'none']);
    expect(FAULT_NAMES.filter((f) => !covered.has(f))).toEqual([]);
  });
});

describe('Bleichenbacher: a malformed RSA premaster ends in bad_record_mac (RFC 5246 §7.4.7.1)', () => {
  const cases: [FaultName, RegExp][] = [
    ['bad-premaster', /client_version in premaster is 2\.0/],
    ['bad-premaster-padding', /PKCS#1 v1\.5 padding is wrong/],
  ];
  for (const [fault, problem] of cases)
    it(`${fault}: the server substitutes a random premaster, the keys differ, the client Finished fails its AEAD check`, () => {
      const { summary, events } = run({ version: 'TLS 1.2', fault, serverKeyType: 'rsa-2048', cipherSuite: 'TLS_RSA_WITH_AES_128_GCM_SHA256' });
      expect(summary.alert).toBe('bad_record_mac');
      const first = of(events, 'alert').find((e) => e.direction === 'sent' && e.level === 'fatal')!;
      expect(first.side).toBe('server');
      expect(of(events, 'note').some((e) => e.side === 'server' && /Bleichenbacher countermeasure/.test(e.text) && problem.test(e.text))).toBe(true);
      const pms = (side: string) => toHex(of(events, 'secret').find((e) => e.side === side && e.name === 'pre_master_secret')!.value);
      expect(pms('server')).not.toBe(pms('client'));
      const f = of(events, 'fault');
      expect(f).toMatchObject([{ actor: 'faulty-peer', culprit: 'client', message: 'ClientKeyExchange', expectedAlert: 'bad_record_mac' }]);
      expect(f[0]!.text).toMatch(/random premaster.*different master secrets.*bad_record_mac/);
      // The alert answers the client's Finished record: the first protected record the server reads.
      const clientFinished = of(events, 'record').find((e) => e.side === 'client' && e.direction === 'sent' && e.messages.includes('Finished'))!;
      const serverRead = of(events, 'record').filter((e) => e.side === 'server' && e.direction === 'received');
      expect(serverRead[serverRead.length - 1]!.recordId).toBe(clientFinished.recordId);
    });
});

describe('the run’s clock comes from the link, never from the machine', () => {
  afterEach(() => vi.useRealTimers());
  const underClock = (now: string, s: Partial<Scenario>) => {
    vi.useFakeTimers({ toFake: ['Date'], now: new Date(now) });
    clearDemoPkiCache();
    try {
      return run(s);
    } finally {
      vi.useRealTimers();
    }
  };

  it('same link, two machine clocks a year apart: the same bytes (default clock from the seed)', () => {
    const a = underClock('2026-03-01T10:00:00Z', { seed: 'lesson' });
    const b = underClock('2027-09-17T23:59:00Z', { seed: 'lesson' });
    expect(a.summary.ok).toBe(true);
    expect(sentWire(a.events)).toEqual(sentWire(b.events));
    expect(of(a.events, 'run')[0]).toMatchObject({ atSource: 'seed', at: new Date(clockFromSeed('lesson')).toISOString() });
  });

  it('resumption and 0-RTT too (ticket ages use the run’s clock)', () => {
    const a = underClock('2026-03-01T10:00:00Z', { seed: 'lesson', resumption: true, earlyData: true });
    const b = underClock('2030-01-01T00:00:00Z', { seed: 'lesson', resumption: true, earlyData: true });
    expect(sentWire(a.events)).toEqual(sentWire(b.events));
  });

  it('t= sets the clock: another instant, other certificates, reported as given', () => {
    const a = run({ seed: 'lesson', at: '2026-06-01T00:00:00Z' });
    const b = run({ seed: 'lesson', at: '2026-06-03T00:00:00Z' });
    expect(of(a.events, 'run')[0]).toMatchObject({ atSource: 'scenario', at: '2026-06-01T00:00:00.000Z' });
    expect(sentWire(a.events)).not.toEqual(sentWire(b.events));
    const leaf = of(a.events, 'cert-report').find((e) => e.side === 'client')!.report.certificates[0]!;
    expect(new Date(leaf.notBefore).getTime()).toBeLessThanOrEqual(Date.parse('2026-06-01T00:00:00Z'));
    expect(new Date(leaf.notAfter).getTime()).toBeGreaterThan(Date.parse('2026-06-01T00:00:00Z'));
  });

  it('clockFromSeed is a fixed instant per seed', () => {
    expect(clockFromSeed('lesson')).toBe(clockFromSeed('lesson'));
    expect(clockFromSeed('lesson')).not.toBe(clockFromSeed('lesson2'));
    expect(clockFromSeed('0')).toMatch(/^2026-\d\d-\d\dT\d\d:\d\d:00Z$/);
  });
});

describe('server names: one IDNA conversion, both forms shown, bad names refused', () => {
  it('Punycode (RFC 3492 §7.1 samples and known A-labels)', () => {
    const vectors: [string, string][] = [
      ['☃', 'n3h'],
      ['bücher', 'bcher-kva'],
      ['münchen', 'mnchen-3ya'],
      ['ليهمابتكلموشعربي؟', 'egbpdaj6bu4bxfgehfvwxn'],
      ['他们为什么不说中文', 'ihqwcrb4cv8a8dqg056pqjye'],
      ['3年B組金八先生', '3B-ww4c5e180e575a65lsy2b'],
    ];
    for (const [u, a] of vectors) {
      expect(punycodeEncode(u)).toBe(a);
      expect(punycodeDecode(a)).toBe(u);
    }
  });

  it('☃.example: the ClientHello and the certificate carry xn--n3h.example; the run reports both forms', () => {
    const { summary, events } = run({ serverName: '☃.example' });
    expect(summary.ok).toBe(true);
    expect(of(events, 'run')[0]!.serverName).toEqual({ input: '☃.example', aLabel: 'xn--n3h.example', uLabel: '☃.example', idn: true });
    const ch = of(events, 'handshake').find((e) => e.name === 'ClientHello')!;
    expect(ch.spans.find((s) => s.label === 'host_name')?.value).toBe('"xn--n3h.example"');
    const leaf = of(events, 'cert-report').find((e) => e.side === 'client')!.report.certificates[0]!;
    expect(leaf.sans).toContain('DNS:xn--n3h.example');
  });

  it('an A-label typed in is shown with its U-label; upper case is folded', () => {
    expect(checkServerName('XN--N3H.Example')).toMatchObject({ ok: true, forms: { aLabel: 'xn--n3h.example', uLabel: '☃.example' } });
    expect(checkServerName('Bücher.example')).toMatchObject({ ok: true, forms: { aLabel: 'xn--bcher-kva.example', uLabel: 'bücher.example' } });
  });

  const refused: [string, RegExp][] = [
    ['', /empty.*SNI/],
    ['a..b', /empty label/],
    ['.a.b', /empty label/],
    ['a.b.', /trailing root dot/],
    ['-a.example', /hyphen/],
    ['a_b.example', /letter, digit or hyphen/],
    ['ab--c.example', /3rd and 4th/],
    ['xn--zz.example', /not a valid A-label/],
    [`${'a'.repeat(64)}.example`, /at most 63/],
    [`${'abcdefgh.'.repeat(28)}com`, /at most 253/],
    ['a b.example', /./],
  ];
  for (const [name, why] of refused)
    it(`refuses ${JSON.stringify(name.length > 30 ? `${name.slice(0, 30)}…` : name)} with a reason, and the run stops cleanly`, () => {
      const c = checkServerName(name);
      expect(c.ok).toBe(false);
      if (!c.ok) expect(c.reason).toMatch(why);
      const { summary, events } = run({ serverName: name });
      expect(summary.ok).toBe(false);
      expect(summary.error).toMatch(/cannot be used/);
      expect(of(events, 'record')).toEqual([]);
    });

  it('no SNI is a choice of its own: no server_name sent, the certificate still checked for the name', () => {
    const { summary, events } = run({ sni: false });
    expect(summary.ok).toBe(true);
    const ch = of(events, 'handshake').find((e) => e.name === 'ClientHello')!;
    expect(ch.spans.some((s) => s.label === 'host_name')).toBe(false);
    expect(of(events, 'run')[0]).toMatchObject({ serverName: null, checkedName: 'server.tlslab.test' });
    expect(of(events, 'cert-report').find((e) => e.side === 'client')!.report).toMatchObject({ ok: true, host: 'server.tlslab.test' });
  });
});

describe('client authentication: why it is asked for, and why it is skipped', () => {
  it('the no-client-certificate fault makes the server require one (the run says so)', () => {
    const { events } = run({ fault: 'no-client-certificate' });
    expect(of(events, 'run')[0]!.clientAuth).toBe('no-client-certificate-fault');
    expect(of(events, 'handshake').some((e) => e.side === 'server' && e.direction === 'sent' && e.name === 'CertificateRequest')).toBe(true);
    expect(of(events, 'fault')).toMatchObject([{ actor: 'setup', culprit: 'client', expectedAlert: 'certificate_required' }]);
    expect(of(run({ mutual: true }).events, 'run')[0]!.clientAuth).toBe('mutual-setting');
    expect(of(run({}).events, 'run')[0]!.clientAuth).toBe('off');
  });

  it('mutual + resumption: no CertificateRequest, and the server reports it skipped client auth (RFC 8446 §4.3.2)', () => {
    const { summary, events } = run({ mutual: true, resumption: true });
    expect(summary).toMatchObject({ ok: true, resumed: true });
    expect(of(events, 'handshake').some((e) => e.name === 'CertificateRequest')).toBe(false);
    expect(of(events, 'negotiated').find((e) => e.side === 'server' && e.clientAuthSkipped)).toMatchObject({ clientAuthSkipped: 'psk-resumption', clientAuth: 'none' });
    expect(of(run({ mutual: true }).events, 'negotiated').some((e) => e.clientAuthSkipped)).toBe(false);
  });
});

describe('the key schedule as derived: parents and record keys', () => {
  for (const s of [{}, { resumption: true, earlyData: true }, { version: 'TLS 1.2' as const }, { version: 'TLS 1.2' as const, extendedMasterSecret: false }])
    it(`${JSON.stringify(s)}: every parent is a secret derived before, on the same side`, () => {
      const { events } = run(s);
      const seen = { client: new Set<string>(), server: new Set<string>() };
      for (const e of of(events, 'secret')) {
        expect(e.parents, e.name).toBeDefined();
        for (const p of e.parents!) expect(seen[e.side].has(p), `${e.side} ${e.name} ← ${p}`).toBe(true);
        seen[e.side].add(e.name);
      }
    });

  it('TLS 1.3: exporter and resumption master secrets both branch off master_secret', () => {
    const secrets = of(run({}).events, 'secret').filter((e) => e.side === 'client');
    expect(secrets.find((e) => e.name === 'exporter_master_secret')!.parents).toEqual(['master_secret']);
    expect(secrets.find((e) => e.name === 'resumption_master_secret')!.parents).toEqual(['master_secret']);
    expect(secrets.find((e) => e.name === 'client_application_traffic_secret_0')!.parents).toEqual(['master_secret']);
  });

  for (const version of ['TLS 1.3', 'TLS 1.2'] as const)
    it(`${version}: a protected record's key and iv are the derived write key and iv of its sender`, () => {
      const { events } = run({ version });
      const secrets = of(events, 'secret');
      const records = of(events, 'record').filter((e) => e.protected);
      expect(records.length).toBeGreaterThan(3);
      for (const r of records) {
        const p = r.protected!;
        const key = secrets.find((s) => s.side === r.side && s.name === p.keyLabel && toHex(s.value) === toHex(p.key));
        expect(key, `${r.recordId} ${p.keyLabel}`).toBeDefined();
        const iv = secrets.find((s) => s.side === r.side && s.name === p.ivLabel && toHex(s.value) === toHex(p.iv));
        expect(iv, `${r.recordId} ${p.ivLabel}`).toBeDefined();
        if (version === 'TLS 1.3') {
          expect(key!.formula).toBe(p.keyFormula);
          expect(iv!.formula).toBe(p.ivFormula);
          expect(p.keyFormula).toBe(`HKDF-Expand-Label(${p.trafficSecret}, "key", "", ${p.key.length})`);
          expect(key!.parents).toEqual([p.trafficSecret]);
        } else {
          expect(p.keyFormula.startsWith(key!.formula)).toBe(true);
          expect(p.trafficSecret).toBeUndefined();
        }
      }
    });
});

describe('TLS 1.2: which master secret, and why (RFC 7627)', () => {
  it('by default both sides use the extended master secret', () => {
    const { events } = run({ version: 'TLS 1.2' });
    expect(
      of(events, 'negotiated')
        .filter((e) => e.masterSecretReason)
        .map((e) => `${e.side}:${e.masterSecretReason}:${e.extendedMasterSecret}`),
    ).toEqual(['server:both:true', 'client:both:true']);
    expect(of(events, 'secret').find((e) => e.name === 'master_secret')!.formula).toMatch(/"extended master secret", session_hash/);
  });

  it('ems=0: the client does not offer it, the classic formula over the randoms is used', () => {
    const { summary, events } = run({ version: 'TLS 1.2', extendedMasterSecret: false });
    expect(summary.ok).toBe(true);
    expect(of(events, 'run')[0]!.offersExtendedMasterSecret).toBe(false);
    const ch = of(events, 'handshake').find((e) => e.name === 'ClientHello')!;
    expect(ch.spans.some((s) => /extended_master_secret/.test(String(s.value)))).toBe(false);
    expect(
      of(events, 'negotiated')
        .filter((e) => e.masterSecretReason)
        .map((e) => `${e.side}:${e.masterSecretReason}:${e.extendedMasterSecret}`),
    ).toEqual(['server:client-did-not-offer:false', 'client:client-did-not-offer:false']);
    const ms = of(events, 'secret').filter((e) => e.name === 'master_secret');
    expect(ms).toHaveLength(2);
    for (const m of ms) expect(m.formula).toBe('PRF(pre_master_secret, "master secret", ClientHello.random + ServerHello.random)[0..47]');
    expect(toHex(ms[0]!.value)).toBe(toHex(ms[1]!.value));
  });
});

describe('tlslab simulate: the same choices on the command line', () => {
  it('--no-sni, --no-ems and --at reach the scenario; without --at the clock comes from the seed', async () => {
    const { parseArgs } = await import('../src/cli/args');
    const { scenarioFromFlags, SIMULATE_FLAGS } = await import('../src/cli/simulate');
    const s = scenarioFromFlags(parseArgs(['--seed', 'lesson', '--tls', '1.2', '--no-sni', '--no-ems', '--at', '2026-06-01T00:00:00Z'], SIMULATE_FLAGS));
    expect(s).toMatchObject({ sni: false, extendedMasterSecret: false, at: '2026-06-01T00:00:00.000Z' });
    const d = scenarioFromFlags(parseArgs(['--seed', 'lesson'], SIMULATE_FLAGS));
    expect(d.at).toBeUndefined();
    expect(of(run(d).events, 'run')[0]).toMatchObject({ atSource: 'seed', at: new Date(clockFromSeed('lesson')).toISOString() });
  });
});
