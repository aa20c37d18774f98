/**
 * Mutual TLS interop with OpenSSL through node:tls, TLS 1.2 and TLS 1.3, both directions:
 * required and optional client authentication, with a trusted client certificate, with none,
 * and with an untrusted (or, on our side, expired) one. Each case checks the outcome on both
 * ends and the alert that ended it: no certificate when required → certificate_required (1.3)
 * / handshake_failure (1.2); untrusted → unknown_ca; expired → certificate_expired.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CertifiedKey } from '../src/config';
import type { TlsVersionName } from '../src/events';
import { privateKeyFromPem } from '../src/pki/parse';
import { describeFailure } from '../src/cli/socket';
import { makeOpensslPki, pemCertsToDer, type OpensslPki } from './interop-helpers';
import { negotiated, runEngineClient, runNodeClient, startEngineServer, startNodeServer, usePki, waitFor } from './interop-peers';

let pki: OpensslPki;
let clientCert: CertifiedKey;
let untrustedClientCert: CertifiedKey;

beforeAll(() => {
  pki = makeOpensslPki();
  usePki(pki);
  clientCert = { chain: pemCertsToDer(pki.client.chainPem), key: privateKeyFromPem(pki.client.keyPem) };
  untrustedClientCert = { chain: pemCertsToDer(pki.untrustedClient.chainPem), key: privateKeyFromPem(pki.untrustedClient.keyPem) };
}, 30_000);

afterAll(() => pki?.cleanup());

const VERSIONS: { v: TlsVersionName; node: 'TLSv1.2' | 'TLSv1.3'; noCertAlert: string; noCertText: RegExp }[] = [
  { v: 'TLS 1.3', node: 'TLSv1.3', noCertAlert: 'certificate_required', noCertText: /certificate required/i },
  { v: 'TLS 1.2', node: 'TLSv1.2', noCertAlert: 'handshake_failure', noCertText: /handshake failure/i },
];

describe.each(VERSIONS)('mutual TLS, $v', ({ v, node, noCertAlert, noCertText }) => {
  const nodeVersion = { minVersion: node, maxVersion: node } as const;

  describe('our client → node:tls server', () => {
    it('required: presents a trusted client certificate and is accepted', async () => {
      const ns = await startNodeServer('ecdsa-p256', { ...nodeVersion, requestCert: true, rejectUnauthorized: true, ca: pki.rootPem });
      try {
        const run = await runEngineClient(ns.port, { versions: [v], clientCert });
        expect(run.outcome.connected, describeFailure(run.outcome, 'server')).toBe(true);
        expect(run.outcome.alertReceived).toBeUndefined();
        expect(run.answer).toContain('hello from node:tls');
        expect(ns.seen.get(run.localPort)).toMatchObject({ protocol: node, authorized: true, peerCN: 'TLS Lab Interop Client' });
        expect(negotiated(run.events, 'client').clientAuth).toBe('requested');
        const sent = run.events.filter((e) => e.type === 'handshake' && e.side === 'client' && e.direction === 'sent').map((e) => (e.type === 'handshake' ? e.name : ''));
        expect(sent).toEqual(expect.arrayContaining(['Certificate', 'CertificateVerify']));
      } finally {
        ns.server.close();
      }
    });

    it(`required: without a certificate it gets ${noCertAlert}`, async () => {
      const ns = await startNodeServer('ecdsa-p256', { ...nodeVersion, requestCert: true, rejectUnauthorized: true, ca: pki.rootPem });
      try {
        const run = await runEngineClient(ns.port, { versions: [v] });
        expect(run.answer).toBe('');
        expect(run.outcome.alertReceived?.description, describeFailure(run.outcome, 'server')).toBe(noCertAlert);
      } finally {
        ns.server.close();
      }
    });

    it('optional: without a certificate it is served', async () => {
      const ns = await startNodeServer('ecdsa-p256', { ...nodeVersion, requestCert: true, rejectUnauthorized: false, ca: pki.rootPem });
      try {
        const run = await runEngineClient(ns.port, { versions: [v] });
        expect(run.outcome.connected, describeFailure(run.outcome, 'server')).toBe(true);
        expect(run.answer).toContain('hello from node:tls');
        expect(ns.seen.get(run.localPort)).toMatchObject({ authorized: false });
        // An empty Certificate answers the request (RFC 8446 §4.4.2 / RFC 5246 §7.4.6).
        expect(run.events.some((e) => e.type === 'handshake' && e.side === 'client' && e.direction === 'sent' && e.name === 'Certificate')).toBe(true);
      } finally {
        ns.server.close();
      }
    });

    it('required: an untrusted client certificate is not authorized and gets no answer', async () => {
      // node:tls accepts the handshake in OpenSSL and checks the client chain in JavaScript
      // (sock.authorized); with rejectUnauthorized it then drops the connection. The alert
      // OpenSSL itself sends (unknown_ca) is checked against `openssl s_server` in interop-cli.
      const ns = await startNodeServer('ecdsa-p256', { ...nodeVersion, requestCert: true, rejectUnauthorized: true, ca: pki.rootPem });
      try {
        const run = await runEngineClient(ns.port, { versions: [v], clientCert: untrustedClientCert });
        expect(run.answer).toBe('');
        expect(ns.seen.get(run.localPort)).toBeUndefined(); // never reached the secure connection handler
        expect(ns.errors.length).toBeGreaterThan(0); // node:tls reports a client error
        expect(run.outcome.alertSent).toBeUndefined();
      } finally {
        ns.server.close();
      }
    });
  });

  describe('node:tls client → our server', () => {
    it('required: accepts a trusted client certificate and reports it', async () => {
      const es = await startEngineServer('ecdsa-p256', { versions: [v], clientAuth: 'require', clientTrustAnchors: pemCertsToDer(pki.rootPem) });
      try {
        const r = await runNodeClient(es.port, { ...nodeVersion, key: pki.client.keyPem, cert: pki.client.chainPem });
        expect(r.error).toBeUndefined();
        expect(r.answer).toContain('hello from tlslab');
        await waitFor(() => es.runs[0]?.outcome !== undefined);
        const ev = es.runs[0]!.events;
        const report = ev.find((e) => e.type === 'cert-report' && e.side === 'server');
        expect(report && report.type === 'cert-report' ? [report.report.ok, report.report.purpose, report.report.certificates[0]?.subject] : []).toEqual([
          true,
          'client',
          'CN=TLS Lab Interop Client',
        ]);
        expect(negotiated(ev, 'server').clientAuth).toBe('required');
      } finally {
        es.server.close();
      }
    });

    it(`required: a client without a certificate gets ${noCertAlert}`, async () => {
      const es = await startEngineServer('ecdsa-p256', { versions: [v], clientAuth: 'require', clientTrustAnchors: pemCertsToDer(pki.rootPem) });
      try {
        const r = await runNodeClient(es.port, nodeVersion);
        expect(r.answer).toBe('');
        expect(r.error).toMatch(noCertText);
        await waitFor(() => es.runs[0]?.outcome !== undefined);
        expect(es.runs[0]!.outcome!.alertSent?.description).toBe(noCertAlert);
      } finally {
        es.server.close();
      }
    });

    it('optional: a client without a certificate is served', async () => {
      const es = await startEngineServer('ecdsa-p256', { versions: [v], clientAuth: 'request', clientTrustAnchors: pemCertsToDer(pki.rootPem) });
      try {
        const r = await runNodeClient(es.port, nodeVersion);
        expect(r.error).toBeUndefined();
        expect(r.answer).toContain('hello from tlslab');
      } finally {
        es.server.close();
      }
    });

    it('required: an untrusted client certificate gets unknown_ca', async () => {
      const es = await startEngineServer('ecdsa-p256', { versions: [v], clientAuth: 'require', clientTrustAnchors: pemCertsToDer(pki.rootPem) });
      try {
        const r = await runNodeClient(es.port, { ...nodeVersion, key: pki.untrustedClient.keyPem, cert: pki.untrustedClient.chainPem });
        expect(r.answer).toBe('');
        expect(r.error).toMatch(/unknown ca/i);
        await waitFor(() => es.runs[0]?.outcome !== undefined);
        expect(es.runs[0]!.outcome!.alertSent?.description).toBe('unknown_ca');
      } finally {
        es.server.close();
      }
    });

    it('required: an expired client certificate gets certificate_expired', async () => {
      // The openssl-made client certificate is valid for 30 days; our server checks at a time 60 days on.
      const es = await startEngineServer('ecdsa-p256', {
        versions: [v],
        clientAuth: 'require',
        clientTrustAnchors: pemCertsToDer(pki.rootPem),
        now: new Date(Date.now() + 60 * 24 * 3600 * 1000),
      });
      try {
        const r = await runNodeClient(es.port, { ...nodeVersion, key: pki.client.keyPem, cert: pki.client.chainPem });
        expect(r.answer).toBe('');
        expect(r.error).toMatch(/certificate expired/i);
        await waitFor(() => es.runs[0]?.outcome !== undefined);
        expect(es.runs[0]!.outcome!.alertSent?.description).toBe('certificate_expired');
      } finally {
        es.server.close();
      }
    });
  });
});
