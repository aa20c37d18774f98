/** A certificate's DER as an ASN.1 tree: the RFC 5280 parts, agreeing with the engine's parse. */
import { describe, expect, it } from 'vitest';
import { runScenario, type TlsEvent } from '@tlslab/engine';
import { DEFAULT_SCENARIO } from '@tlslab/engine/scenario';
import type { CertReportEvent } from '../store/derive';
import { certificateSpans } from './asn1';
import { explainCertField, X509_FIELDS } from './explain-x509';

function report(patch = {}) {
  const events: TlsEvent[] = [];
  runScenario({ ...DEFAULT_SCENARIO, seed: 'asn1', ...patch }, (e) => events.push(e));
  return events.find((e): e is CertReportEvent => e.type === 'cert-report' && e.side === 'client')!.report;
}

describe('certificate ASN.1 spans', () => {
  for (const key of ['ecdsa-p256', 'rsa-2048', 'ed25519'] as const) {
    it(`${key}: every part of the certificate, matching the engine's reading of it`, () => {
      const r = report({ serverKeyType: key, fault: 'expired-certificate' });
      for (const [k, cert] of r.certificates.entries()) {
        const { spans, problem } = certificateSpans(cert.der);
        expect(problem).toBeUndefined();
        const get = (label: string) => spans.find((s) => s.label === label);
        for (const l of [
          'Certificate',
          'tbsCertificate',
          'version',
          'serialNumber',
          'signature',
          'issuer',
          'validity',
          'notBefore',
          'notAfter',
          'subject',
          'subjectPublicKeyInfo',
          'extensions',
          'signatureAlgorithm',
          'signatureValue',
        ])
          expect(get(l), `${l} of certificate ${k}`).toBeDefined();
        expect(get('Certificate')).toMatchObject({ start: 0, end: cert.der.length });
        for (const s of spans) expect(s.start >= 0 && s.end <= cert.der.length && s.start < s.end).toBe(true);
        expect(get('issuer')!.value).toBe(cert.issuer);
        expect(get('subject')!.value).toBe(cert.subject);
        expect(new Date(String(get('notAfter')!.value)).toISOString()).toBe(new Date(cert.notAfter).toISOString());
        const exts = spans.filter((s) => s.label === 'Extension').map((s) => String(s.value));
        expect(exts.some((e) => e.startsWith('basicConstraints'))).toBe(true);
        // Each named part is explained, and the checks that read it are the report's.
        for (const s of spans) if (X509_FIELDS[s.label]) expect(explainCertField(s.label, String(s.value ?? ''), []).what.length).toBeGreaterThan(10);
        const checks = r.checks.filter((c) => c.cert === k);
        const validity = explainCertField('notAfter', String(get('notAfter')!.value), checks).checks;
        expect(validity.map((c) => c.id)).toEqual(checks.filter((c) => c.id === 'validity').map((c) => c.id));
        if (k === 0) expect(validity.some((c) => !c.pass)).toBe(true); // the expired leaf
      }
    });
  }

  it('malformed DER gives what was read and a problem, never an exception', () => {
    const der = report().certificates[0]!.der;
    for (const cut of [1, 5, 40, der.length - 1]) {
      const out = certificateSpans(der.subarray(0, cut));
      expect(out.problem).toMatch(/could not be read/);
    }
    expect(certificateSpans(new Uint8Array([0x30, 0x82, 0xff])).problem).toBeDefined();
  });
});
