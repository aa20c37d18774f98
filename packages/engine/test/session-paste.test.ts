/**
 * Issue 4 "In the handshake": the server presents a pasted chain. With its key the run
 * completes; without it (or with a key of another certificate, or an unusable key) the
 * client's checks still run and are shown, and the server stops with a note saying why
 * (TLS 1.3: no CertificateVerify; TLS 1.2 ECDHE: no ServerKeyExchange signature; TLS 1.2 RSA:
 * no premaster decryption) and an alert. Bad pastes end the run with a clear message.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { runScenario, DEFAULT_SCENARIO, type Scenario, type TlsEvent } from '../src/index';
import { generateDemoPki } from '../src/pki/demo';
import { toPem } from '../src/pki/parse';
import { privateKeyToPem } from '../src/pki/build';

const AT = '2026-11-25T12:00:00Z';
const rsa = generateDemoPki({ seed: 'paste-test', serverKeyType: 'rsa-2048', serverName: 'server.tlslab.test', now: new Date(AT) });
const ec = generateDemoPki({ seed: 'paste-test-ec', serverKeyType: 'ecdsa-p256', serverName: 'server.tlslab.test', now: new Date(AT) });
const chainPem = rsa.serverChain.map((c) => toPem(c)).join('');
const keyPem = privateKeyToPem(rsa.serverKey);
const rootPem = toPem(rsa.rootDer);

function run(s: Partial<Scenario>) {
  const events: TlsEvent[] = [];
  const summary = runScenario({ ...DEFAULT_SCENARIO, at: AT, seed: 'paste', ...s }, (e) => events.push(e));
  return { summary, events };
}
type Ev<T extends TlsEvent['type']> = Extract<TlsEvent, { type: T }>;
const of = <T extends TlsEvent['type']>(events: TlsEvent[], type: T, side?: 'client' | 'server') =>
  events.filter((e): e is Ev<T> => e.type === type && (side === undefined || e.side === side));
const notes = (events: TlsEvent[], side: 'client' | 'server') => of(events, 'note', side).map((n) => n.text);

const withoutKey: { name: string; s: Partial<Scenario>; why: RegExp; clientSent?: string }[] = [
  { name: 'TLS 1.3', s: { version: 'TLS 1.3' }, why: /cannot sign CertificateVerify/ },
  { name: 'TLS 1.2 ECDHE_RSA', s: { version: 'TLS 1.2', cipherSuite: 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256' }, why: /cannot sign ServerKeyExchange/ },
  {
    name: 'TLS 1.2 RSA key transport',
    s: { version: 'TLS 1.2', cipherSuite: 'TLS_RSA_WITH_AES_128_GCM_SHA256' },
    why: /cannot decrypt/,
    clientSent: 'ClientKeyExchange',
  },
];

describe('a pasted server chain in the handshake', () => {
  for (const v of withoutKey) {
    it(`${v.name}: with its private key the run completes`, () => {
      const { summary, events } = run({ ...v.s, pastedChainPem: chainPem, pastedKeyPem: keyPem, extraTrustPem: rootPem });
      expect(summary.ok).toBe(true);
      const report = of(events, 'cert-report', 'client')[0]!.report;
      expect(report.ok).toBe(true);
      expect(report.verdict).toMatch(/paste-test/);
    });
  }

  for (const v of withoutKey) {
    it(`${v.name}: without the key the client's checks run, then the server says why it cannot go on`, () => {
      const { summary, events } = run({ ...v.s, pastedChainPem: chainPem, extraTrustPem: rootPem });
      expect(summary.ok).toBe(false);
      expect(summary.alert).toBe('internal_error');
      // The client received the pasted chain and checked it (it is valid: the root is trusted).
      const got = of(events, 'handshake', 'client').filter((e) => e.direction === 'received' && e.name === 'Certificate');
      expect(got.length).toBe(1);
      const reports = of(events, 'cert-report', 'client');
      expect(reports.length).toBe(1);
      expect(reports[0]!.report.ok).toBe(true);
      expect(of(events, 'cert-check', 'client').length).toBeGreaterThan(5);
      if (v.clientSent) expect(of(events, 'handshake', 'client').some((e) => e.direction === 'sent' && e.name === v.clientSent)).toBe(true);
      // The server's note says why, before its alert; both sides end closed.
      const serverNotes = of(events, 'note', 'server');
      const why = serverNotes.find((n) => v.why.test(n.text));
      expect(why, notes(events, 'server').join(' | ')).toBeDefined();
      const alert = of(events, 'alert', 'server').find((a) => a.direction === 'sent')!;
      expect(alert.description).toBe('internal_error');
      expect(why!.seq).toBeLessThan(alert.seq);
      expect(of(events, 'alert', 'client').some((a) => a.direction === 'received' && a.description === 'internal_error')).toBe(true);
      expect(
        of(events, 'closed')
          .map((c) => c.side)
          .sort(),
      ).toEqual(['client', 'server']);
      expect(notes(events, 'server').some((t) => /No private key was pasted/.test(t))).toBe(true);
    });
  }

  it('a pasted key that belongs to another certificate is reported, and the server goes on without it', () => {
    for (const v of withoutKey) {
      const { summary, events } = run({ ...v.s, pastedChainPem: chainPem, pastedKeyPem: privateKeyToPem(ec.serverKey), extraTrustPem: rootPem });
      expect(notes(events, 'server').find((t) => /does not belong to the first certificate/.test(t))).toMatch(/ECDSA P-256.*RSA 2048/);
      expect(summary.alert).toBe('internal_error');
      expect(notes(events, 'server').some((t) => v.why.test(t))).toBe(true);
      expect(of(events, 'cert-report', 'client')[0]!.report.ok).toBe(true);
    }
  });

  it('an RSA key of another RSA certificate is caught too (same type, other modulus)', () => {
    const other = generateDemoPki({ seed: 'paste-other', serverKeyType: 'rsa-2048', serverName: 'server.tlslab.test', now: new Date(AT) });
    const { events } = run({ pastedChainPem: chainPem, pastedKeyPem: privateKeyToPem(other.serverKey), extraTrustPem: rootPem });
    expect(notes(events, 'server').some((t) => /does not belong/.test(t))).toBe(true);
  });

  it('a key pasted in the same box as the chain is used', () => {
    const { summary } = run({ pastedChainPem: chainPem + keyPem, extraTrustPem: rootPem });
    expect(summary.ok).toBe(true);
  });

  it('an encrypted key is named as such; the run goes on and the client still checks the chain', () => {
    const enc = '-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIBvTBXBgkqhkiG9w0BBQ0wSjApBgkqhkiG9w0BBQwwHAQI\n-----END ENCRYPTED PRIVATE KEY-----\n';
    const { summary, events } = run({ pastedChainPem: chainPem, pastedKeyPem: enc, extraTrustPem: rootPem });
    expect(notes(events, 'server').find((t) => /private key is not usable/.test(t))).toMatch(/encrypted/);
    expect(summary.alert).toBe('internal_error');
    expect(of(events, 'cert-report', 'client').length).toBe(1);
  });

  const badChains: [string, string, RegExp][] = [
    ['garbage', 'hello, this is not a certificate', /no PEM block found/],
    ['a CSR', '-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----\n', /certificate signing request/],
    ['a private key only', keyPem, /no certificate/],
    ['a truncated PEM', chainPem.slice(0, 200), /truncated/],
  ];
  for (const [what, pem, msg] of badChains)
    it(`a pasted chain that is ${what} ends the run with a clear message, no exception`, () => {
      const { summary, events } = run({ pastedChainPem: pem });
      expect(summary.ok).toBe(false);
      expect(summary.error).toMatch(msg);
      expect(events.some((e) => e.type === 'note' && msg.test(e.text))).toBe(true);
    });

  it('a pasted chain the client does not trust: unknown_ca, the trust check says why, even with its root inside the paste', () => {
    const withRoot = chainPem + rootPem;
    for (const pem of [chainPem, withRoot]) {
      const { summary, events } = run({ pastedChainPem: pem, pastedKeyPem: keyPem });
      expect(summary.alert).toBe('unknown_ca');
      const report = of(events, 'cert-report', 'client')[0]!.report;
      expect(report.ok).toBe(false);
      expect(report.checks.some((c) => !c.pass && (c.id === 'trust-anchor' || c.id === 'missing-intermediate'))).toBe(true);
    }
    // Trusting the pasted root (the app's trust box, or Mozilla's roots) makes it pass.
    expect(run({ pastedChainPem: withRoot, pastedKeyPem: keyPem, extraTrustPem: rootPem }).summary.ok).toBe(true);
  });

  it('a pasted certificate for another name: the client is told which names it holds; with that name it passes', () => {
    const other = generateDemoPki({ seed: 'paste-test', serverKeyType: 'rsa-2048', serverName: 'www.example.test', now: new Date(AT) });
    const pem = other.serverChain.map((c) => toPem(c)).join('');
    const s = { pastedChainPem: pem, pastedKeyPem: privateKeyToPem(other.serverKey), extraTrustPem: toPem(other.rootDer) };
    const wrong = run(s);
    expect(notes(wrong.events, 'client').find((t) => /does not name/.test(t))).toMatch(/server\.tlslab\.test.*DNS:www\.example\.test/);
    expect(wrong.summary.alert).toBe('bad_certificate');
    const right = run({ ...s, serverName: 'www.example.test' });
    expect(right.summary.ok).toBe(true);
    expect(notes(right.events, 'client').some((t) => /does not name/.test(t))).toBe(false);
  });

  it('an unusable trust paste is reported on the client side', () => {
    const { summary, events } = run({ extraTrustPem: '-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n' });
    expect(summary.ok).toBe(true); // the demo root is still trusted
    expect(notes(events, 'client').some((t) => /^Added trust anchors: /.test(t))).toBe(true);
  });
});

describe('a pasted client certificate (mutual TLS)', () => {
  const clientChainPem = rsa.clientChain.map((c) => toPem(c)).join('');
  const clientKeyPem = privateKeyToPem(rsa.clientKey);
  const clientRootPem = toPem(rsa.clientRootDer);
  for (const version of ['TLS 1.3', 'TLS 1.2'] as const) {
    it(`${version}: the server checks the pasted client chain against its client trust anchors`, () => {
      const ok = run({ version, mutual: true, pastedClientChainPem: clientChainPem, pastedClientKeyPem: clientKeyPem, extraClientTrustPem: clientRootPem });
      expect(ok.summary.ok).toBe(true);
      const report = of(ok.events, 'cert-report', 'server')[0]!.report;
      expect(report.ok).toBe(true);
      expect(report.verdict).toMatch(/Client CA paste-test/);
      // Not trusted by the server: unknown_ca from the server.
      const untrusted = run({ version, mutual: true, pastedClientChainPem: clientChainPem, pastedClientKeyPem: clientKeyPem });
      expect(untrusted.summary.alert).toBe('unknown_ca');
      expect(of(untrusted.events, 'alert', 'server').find((a) => a.direction === 'sent')?.description).toBe('unknown_ca');
    });
    it(`${version}: a pasted client chain without its key is not sent, and the server says a certificate is required`, () => {
      const { summary, events } = run({ version, mutual: true, pastedClientChainPem: clientChainPem, extraClientTrustPem: clientRootPem });
      expect(notes(events, 'client').some((t) => /No private key was pasted/.test(t) && /client cannot prove/.test(t))).toBe(true);
      expect(summary.alert).toBe(version === 'TLS 1.3' ? 'certificate_required' : 'handshake_failure');
    });
  }
  it('a bad client paste ends the run with a clear message; a client paste without mutual TLS is noted', () => {
    const bad = run({ mutual: true, pastedClientChainPem: 'nope' });
    expect(bad.summary.ok).toBe(false);
    expect(bad.summary.error).toMatch(/^The pasted client chain has no certificate/);
    const unused = run({ pastedClientChainPem: clientChainPem });
    expect(unused.summary.ok).toBe(true);
    expect(notes(unused.events, 'client').some((t) => /not mutual TLS/.test(t))).toBe(true);
  });
});

describe('an unusable validation time', () => {
  it('the run says the time is not valid instead of passing every validity check', () => {
    const { summary, events } = run({ at: 'next tuesday' });
    expect(summary.ok).toBe(false);
    expect(summary.error).toMatch(/"next tuesday" is not a valid ISO time/);
    expect(events.some((e) => e.type === 'record')).toBe(false);
  });
  it('verifyChain with an invalid date fails the validity check of every certificate (it used to pass)', async () => {
    const { verifyChain } = await import('../src/pki/verify');
    const r = verifyChain({ chain: rsa.serverChain, anchors: [rsa.rootDer], at: new Date('garbage'), purpose: 'server' });
    expect(r.ok).toBe(false);
    expect(r.alert).toBe('certificate_expired');
    const validity = r.checks.filter((c) => c.id === 'validity');
    expect(validity.length).toBe(3);
    for (const c of validity) {
      expect(c.pass).toBe(false);
      expect(c.reason).toBe('the validation time is not a valid date');
    }
    // The same chain at a real time passes.
    expect(verifyChain({ chain: rsa.serverChain, anchors: [rsa.rootDer], at: new Date(AT), purpose: 'server' }).ok).toBe(true);
  });
});

describe('a cipher suite of the other version', () => {
  it('is explained in a note; the run ends with handshake_failure', () => {
    const { summary, events } = run({ version: 'TLS 1.3', cipherSuite: 'TLS_RSA_WITH_AES_128_GCM_SHA256' });
    expect(summary.alert).toBe('handshake_failure');
    expect(notes(events, 'server').some((t) => /TLS_RSA_WITH_AES_128_GCM_SHA256 is not a TLS 1\.3 cipher suite/.test(t))).toBe(true);
    expect(notes(run({ version: 'TLS 1.2', cipherSuite: 'TLS_RSA_WITH_AES_128_GCM_SHA256', serverKeyType: 'rsa-2048' }).events, 'server').some((t) => /is not a/.test(t))).toBe(
      false,
    );
  });
});

describe('a pasted certificate whose key the engine cannot use', () => {
  // Made with: openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-521 -subj /CN=server.tlslab.test
  const p521 = `-----BEGIN CERTIFICATE-----
MIICNjCCAZegAwIBAgIUbKegztbGZAqYT9BxZEXP4AIPYrEwCgYIKoZIzj0EAwIw
HTEbMBkGA1UEAwwSc2VydmVyLnRsc2xhYi50ZXN0MB4XDTI2MTEyNTE5MjY0NVoX
DTI2MTIyNTE5MjY0NVowHTEbMBkGA1UEAwwSc2VydmVyLnRsc2xhYi50ZXN0MIGb
MBAGByqGSM49AgEGBSuBBAAjA4GGAAQANafWRguIcBLOboPK81VloxHxvh2Qq3q6
4QGNf+948B6iU2jgNuGsvpqgD1hvzNUBNCpINRa4no+uapDnTIubD/wBniQzA1iC
WkNd24tB7xOnZwWeZJStpR7eDp2p1F+KVjxLZvcVtoCKh7GLMLd+TM0VsEdHtkFn
BrFOkKPAVN0XOqyjcjBwMB0GA1UdDgQWBBQC5iKfToo1GZ4Xq5LGiS0JkBpl1zAf
BgNVHSMEGDAWgBQC5iKfToo1GZ4Xq5LGiS0JkBpl1zAPBgNVHRMBAf8EBTADAQH/
MB0GA1UdEQQWMBSCEnNlcnZlci50bHNsYWIudGVzdDAKBggqhkjOPQQDAgOBjAAw
gYgCQgFqzgb8TwKQymLWGQ5ZD/iKliHl6NjpzhvUrkKdwShoKZYtrvBHDqz8dHbD
RvEnu1UKCd9WTm2lALyczVbV1Lc+VgJCAURyPDOLdUxR5dhjQQJdxWoLU+n288Qd
/ND+68Q/WILVe4p+LY5rGVrRXhsujkfPH7sK854Ke15tdmlvFn4ZmlPp
-----END CERTIFICATE-----
`;
  it('a P-521 leaf: the server says why it cannot use it (1.3: after sending it, so the client checks it); an alert, no exception', () => {
    for (const version of ['TLS 1.3', 'TLS 1.2'] as const) {
      const { summary, events } = run({ version, pastedChainPem: p521 });
      expect(summary.ok).toBe(false);
      expect(summary.alert).toBe('internal_error');
      expect(notes(events, 'server').find((t) => /cannot sign a handshake here/.test(t))).toMatch(/P-521/);
      if (version === 'TLS 1.3') {
        // TLS 1.3: the chain still goes out, so the client's checks run and say why it is unusable.
        const report = of(events, 'cert-report', 'client')[0]?.report;
        expect(report?.ok).toBe(false);
        expect(report?.checks.some((c) => c.id === 'key-supported' && !c.pass)).toBe(true);
        expect(notes(events, 'server').some((t) => /key type cannot sign a TLS 1\.3 CertificateVerify/.test(t))).toBe(true);
      }
    }
    // A usable pasted leaf gets no such note.
    expect(notes(run({ pastedChainPem: chainPem, pastedKeyPem: keyPem, extraTrustPem: rootPem }).events, 'server').some((t) => /cannot sign a handshake here/.test(t))).toBe(false);
  });
});

describe('any paste: never an exception, always a summary', () => {
  /** A PEM with one base64 character of its body replaced (a damaged copy-paste). */
  const damage = (pem: string, at: number, ch: string) => {
    const body = pem.indexOf('\n') + 1;
    const i = body + (at % Math.max(1, pem.length - body - 30));
    return pem.slice(0, i) + ch + pem.slice(i + 1);
  };
  const pasteArb = fc.oneof(
    fc.string({ maxLength: 200 }),
    fc.tuple(fc.nat(), fc.constantFrom('A', 'z', '0', '+', '/', '=', '-', ' ', '\n')).map(([at, ch]) => damage(chainPem, at, ch)),
    fc.tuple(fc.nat(), fc.constantFrom('A', 'z', '9', '=')).map(([at, ch]) => damage(keyPem, at, ch)),
    fc.nat({ max: chainPem.length }).map((n) => chainPem.slice(0, n)),
    fc.constant(undefined),
  );
  it('runScenario with random or damaged chain / key / trust pastes (seeded)', () => {
    fc.assert(
      fc.property(pasteArb, pasteArb, pasteArb, fc.constantFrom('TLS 1.3', 'TLS 1.2') as fc.Arbitrary<'TLS 1.3' | 'TLS 1.2'>, (chain, key, trust, version) => {
        const s: Partial<Scenario> = {
          version,
          ...(chain !== undefined ? { pastedChainPem: chain } : {}),
          ...(key !== undefined ? { pastedKeyPem: key } : {}),
          ...(trust !== undefined ? { extraTrustPem: trust } : {}),
        };
        const { summary, events } = run(s);
        expect(typeof summary.ok).toBe('boolean');
        if (!summary.ok) expect(summary.error ?? summary.alert).toBeTruthy();
        // Whatever happened, no endpoint died with an internal error it did not explain in a note first.
        const internal = events.filter((e) => e.type === 'alert' && e.direction === 'sent' && e.description === 'internal_error');
        if (internal.length > 0) expect(events.some((e) => e.type === 'note' && e.side === 'server')).toBe(true);
      }),
      { numRuns: 150, seed: 20261125 },
    );
  });
});

describe('faults with a pasted chain', () => {
  const base = { pastedChainPem: chainPem, pastedKeyPem: keyPem, extraTrustPem: rootPem };
  for (const version of ['TLS 1.3', 'TLS 1.2'] as const) {
    it(`${version}: expired-certificate checks the pasted leaf after its notAfter → certificate_expired`, () => {
      const { summary, events } = run({ ...base, version, fault: 'expired-certificate' });
      expect(summary.alert).toBe('certificate_expired');
      const report = of(events, 'cert-report', 'client')[0]!.report;
      expect(report.checks.find((c) => c.id === 'validity' && c.cert === 0)?.pass).toBe(false);
      expect(notes(events, 'client').some((t) => /a day after it expired/.test(t))).toBe(true);
    });
    it(`${version}: untrusted-root also drops the added roots → unknown_ca`, () => {
      const { summary, events } = run({ ...base, version, fault: 'untrusted-root' });
      expect(summary.alert).toBe('unknown_ca');
      expect(notes(events, 'client').some((t) => /added roots/.test(t))).toBe(true);
    });
  }
});
