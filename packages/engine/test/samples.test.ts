/**
 * The sample certificates the app offers (public/samples/, made by app/scripts/make-samples.sh
 * with the `openssl` command): in a run they end the way their names say, and the Worker's
 * paste check (`inspect-pem`) judges a server chain as the client does and a client chain as
 * the server does.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runScenario, DEFAULT_SCENARIO, type Scenario, type TlsEvent } from '../src/index';
import { parsePemBundle } from '../src/pki/parse';
import { serve, type FromWorker, type PemInspection, type ToWorker, type WorkerPort } from '../src/worker/serve';

const AT = '2026-11-25T12:00:00Z';
const sample = (name: string) => readFileSync(new URL(`../../../public/samples/${name}`, import.meta.url), 'utf8');
const root = sample('sample-root.pem');

function run(s: Partial<Scenario>) {
  return runScenario({ ...DEFAULT_SCENARIO, at: AT, seed: 'samples', ...s }, () => undefined);
}

function inspect(msg: Omit<Extract<ToWorker, { type: 'inspect-pem' }>, 'type' | 'id'>): PemInspection {
  const answers: FromWorker[] = [];
  const port: WorkerPort = { postMessage: (m) => answers.push(m), onmessage: null };
  serve(port);
  port.onmessage!({ data: { type: 'inspect-pem', id: 1, at: AT, ...msg } } as MessageEvent<ToWorker>);
  const answer = answers.find((a) => a.type === 'pem');
  if (answer?.type !== 'pem') throw new Error(`no answer: ${JSON.stringify(answers)}`);
  return answer.result;
}

describe('server samples', () => {
  for (const [id, alert] of [
    ['valid', undefined],
    ['expired', 'certificate_expired'],
    ['wrong-host', 'bad_certificate'],
    ['self-signed', 'unknown_ca'],
  ] as const) {
    it(`${id}: ${alert ?? 'the handshake completes'}`, () => {
      for (const version of ['TLS 1.3', 'TLS 1.2'] as const) {
        const summary = run({ version, pastedChainPem: sample(`${id}.pem`), pastedKeyPem: sample(`${id}.key`), extraTrustPem: root });
        expect(summary.ok).toBe(alert === undefined);
        expect(summary.alert).toBe(alert);
      }
      const report = inspect({ chainPem: sample(`${id}.pem`), keyPem: sample(`${id}.key`), extraTrustPem: root, host: 'server.tlslab.test' }).report!;
      expect(report.purpose).toBe('server');
      expect(report.ok).toBe(alert === undefined);
      expect(report.alert).toBe(alert);
    });
  }
});

describe('client samples (mutual TLS)', () => {
  for (const [id, alert] of [
    ['client-valid', undefined],
    ['client-expired', 'certificate_expired'],
    ['client-self-signed', 'unknown_ca'],
  ] as const) {
    it(`${id}: ${alert ?? 'the server accepts it'}`, () => {
      for (const version of ['TLS 1.3', 'TLS 1.2'] as const) {
        const summary = run({
          version,
          mutual: true,
          pastedClientChainPem: sample(`${id}.pem`),
          pastedClientKeyPem: sample(`${id}.key`),
          extraClientTrustPem: root,
        });
        expect(summary.ok).toBe(alert === undefined);
        expect(summary.alert).toBe(alert);
      }
      const insp = inspect({ chainPem: sample(`${id}.pem`), keyPem: sample(`${id}.key`), extraTrustPem: root, purpose: 'client' });
      expect(insp.problems).toEqual([]);
      expect(insp.report!.purpose).toBe('client');
      expect(insp.report!.ok).toBe(alert === undefined);
      expect(insp.report!.alert).toBe(alert);
    });
  }

  it('a client certificate is not a server certificate, nor the reverse (extendedKeyUsage)', () => {
    const asServer = inspect({ chainPem: sample('client-valid.pem'), extraTrustPem: root, host: 'server.tlslab.test' }).report!;
    expect(asServer.ok).toBe(false);
    expect(asServer.checks.find((c) => c.id === 'ext-key-usage')?.pass).toBe(false);
    const asClient = inspect({ chainPem: sample('valid.pem'), extraTrustPem: root, purpose: 'client' }).report!;
    expect(asClient.ok).toBe(false);
    expect(asClient.checks.find((c) => c.id === 'ext-key-usage')?.pass).toBe(false);
  });

  it('a key of another certificate: the paste check names the side that could not prove it', () => {
    const insp = inspect({ chainPem: sample('client-valid.pem'), keyPem: sample('valid.key'), extraTrustPem: root, purpose: 'client' });
    expect(insp.problems.join(' ')).toMatch(/the client could not prove it owns it/);
  });
});

describe('the revoked sample and pasted CRLs (RFC 5280 §6.3)', () => {
  const revoked = { pastedChainPem: sample('revoked.pem'), pastedKeyPem: sample('revoked.key'), extraTrustPem: sample('revoked-root.pem') };
  it('with its CRL the client ends the handshake with certificate_revoked; without it the handshake completes', () => {
    for (const version of ['TLS 1.3', 'TLS 1.2'] as const) {
      const events: TlsEvent[] = [];
      const summary = runScenario({ ...DEFAULT_SCENARIO, at: AT, seed: 'samples', version, ...revoked, crlPem: sample('revoked.crl') }, (e) => events.push(e));
      expect(summary.alert).toBe('certificate_revoked');
      const report = events.find((e): e is Extract<TlsEvent, { type: 'cert-report' }> => e.type === 'cert-report')!.report;
      expect(report.checks.find((c) => c.id === 'revocation')?.reason).toBe('revoked on 2025-05-01T00:00:00Z, reason keyCompromise');
      expect(run({ version, ...revoked }).ok).toBe(true);
    }
  });
  it('in mutual TLS the server checks the client certificate for the expected e-mail', () => {
    const client = { mutual: true, pastedClientChainPem: sample('client-valid.pem'), pastedClientKeyPem: sample('client-valid.key'), extraClientTrustPem: root };
    expect(run({ ...client, clientEmail: 'alice@tlslab.test' }).ok).toBe(true);
    expect(run({ ...client, clientEmail: 'Alice@tlslab.test' }).alert).toBe('bad_certificate');
  });
  it("CRLs that cover none of the server's chain leave its status undetermined: the client refuses it", () => {
    const events: TlsEvent[] = [];
    const summary = runScenario({ ...DEFAULT_SCENARIO, at: AT, seed: 'samples', crlPem: sample('revoked.crl') }, (e) => events.push(e));
    expect(summary.alert).toBe('certificate_unknown');
    const report = events.find((e): e is Extract<TlsEvent, { type: 'cert-report' }> => e.type === 'cert-report')!.report;
    expect(report.checks.find((c) => c.id === 'crl' && !c.pass)?.reason).toMatch(/no CRL given covers this certificate/);
  });
  it('a CRL box that holds no CRL is a note, and the run goes on', () => {
    const events: TlsEvent[] = [];
    runScenario({ ...DEFAULT_SCENARIO, at: AT, seed: 'samples', ...revoked, crlPem: 'not a crl' }, (e) => events.push(e));
    expect(events.some((e) => e.type === 'note' && /Pasted CRL: no CRL found/.test(e.text))).toBe(true);
  });
  it('the paste check uses the CRL box and judges under both policies', () => {
    const insp = inspect({
      chainPem: sample('revoked.pem'),
      extraTrustPem: sample('revoked-root.pem'),
      host: 'server.tlslab.test',
      crlPem: sample('revoked.crl'),
      policy: 'rfc5280',
    });
    expect(insp.crls).toBe(2);
    expect(insp.report).toMatchObject({ ok: false, alert: 'certificate_revoked' });
    expect(insp.comparison?.policy).toBe('webpki');
    expect(insp.comparison?.report.alert).toBe('certificate_revoked');
    const bad = inspect({ chainPem: sample('revoked.pem'), extraTrustPem: sample('revoked-root.pem'), crlPem: sample('revoked.pem') });
    expect(bad.problems.join(' ')).toMatch(/CRL box: .*certificate, not a CRL/);
    expect(bad.report!.ok).toBe(true);
  });
  it('verify: a chain given as DER is judged under the policy asked for', () => {
    const answers: FromWorker[] = [];
    const port: WorkerPort = { postMessage: (m) => answers.push(m), onmessage: null };
    serve(port);
    const ders = parsePemBundle(sample('revoked.pem')).certificates;
    const anchors = parsePemBundle(sample('revoked-root.pem')).certificates;
    port.onmessage!({
      data: { type: 'verify', id: 7, chain: ders, anchors, at: AT, purpose: 'server', policy: 'rfc5280', crlPem: sample('revoked.crl') },
    } as MessageEvent<ToWorker>);
    const a = answers.find((m) => m.type === 'verified');
    expect(a).toMatchObject({ id: 7, report: { ok: false, alert: 'certificate_revoked' } });
  });
});
