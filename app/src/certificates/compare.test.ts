/** Lining up two reports of one chain, one per policy. */
import { describe, expect, it } from 'vitest';
import type { CertCheck, CertSummary, CheckId, VerificationReportSummary } from '@tlslab/engine';
import { comparePolicies } from './compare';

const cert = (sha256: string): CertSummary => ({
  subject: sha256,
  issuer: '',
  serial: '1',
  notBefore: '',
  notAfter: '',
  key: '',
  signatureAlgorithm: '',
  sans: [],
  sha256,
  isCA: false,
  selfSigned: false,
  der: new Uint8Array(),
  role: 'leaf',
});
const check = (id: CheckId, certIdx: number | null, pass: boolean, title = id): CertCheck => ({ id, title, cert: certIdx, compared: '', pass, reason: '', rfc: '' });
const report = (certs: CertSummary[], checks: CertCheck[]): VerificationReportSummary => ({
  ok: checks.every((c) => c.pass),
  verdict: '',
  certificates: certs,
  checks,
  purpose: 'server',
  policy: 'webpki',
  at: '',
});

describe('comparePolicies', () => {
  it('identical reports: nothing differs', () => {
    const r = report([cert('A')], [check('validity', 0, true), check('hostname', 0, false)]);
    expect(comparePolicies(r, r)).toEqual({ verdictChanges: false, differs: [undefined, undefined], onlyThere: [] });
  });
  it('marks a check whose outcome flips, one the other policy lacks, and ones only the other has', () => {
    const here = report([cert('A'), cert('B')], [check('key-usage', 1, true), check('ext-key-usage', 0, false), check('common-name', 0, false)]);
    const there = report([cert('A'), cert('B')], [check('key-usage', 1, false), check('ext-key-usage', 0, false), check('key-identifiers', 1, false)]);
    const d = comparePolicies(here, there);
    expect(d.verdictChanges).toBe(false);
    expect(d.differs).toEqual([there.checks[0], undefined, null]);
    expect(d.onlyThere).toEqual([there.checks[2]]);
  });
  it('matches checks by certificate fingerprint, not position, when the paths differ', () => {
    const here = report([cert('A'), cert('B')], [check('signature', 1, true)]);
    const there = report([cert('A'), cert('C'), cert('B')], [check('signature', 1, false), check('signature', 2, true)]);
    const d = comparePolicies(here, there);
    expect(d.differs).toEqual([undefined]);
    expect(d.onlyThere).toEqual([there.checks[0]]);
    expect(comparePolicies(report([cert('A')], [check('profile', 0, true)]), report([cert('A')], [check('profile', 0, false)])).verdictChanges).toBe(true);
  });
});
