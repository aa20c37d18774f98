/**
 * The sample certificates the app offers (public/samples/, made by app/scripts/make-samples.sh
 * with the `openssl` command): in a run they end the way their names say, and the Worker's
 * paste check (`inspect-pem`) judges a server chain as the client does and a client chain as
 * the server does.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runScenario, DEFAULT_SCENARIO, type Scenario } from '../src/index';
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

  it("a key of another certificate: the paste check names the side that could not prove it", () => {
    const insp = inspect({ chainPem: sample('client-valid.pem'), keyPem: sample('valid.key'), extraTrustPem: root, purpose: 'client' });
    expect(insp.problems.join(' ')).toMatch(/the client could not prove it owns it/);
  });
});
