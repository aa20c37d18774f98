/**
 * Revocation from given CRLs (RFC 5280 §5, §6.3) and the e-mail identity of a client
 * certificate (§4.2.1.6, §7.5). The CRLs are made by `openssl ca -gencrl` / `openssl crl`
 * (test/certs/make-crls.sh, fixed dates); a few variants are re-signed here with the CA's key
 * after one field is changed, to reach cases openssl cannot make.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AsnConvert, AsnParser, OctetString } from '@peculiar/asn1-schema';
import { CertificateList, DistributionPointName, Extension, GeneralName, IssuingDistributionPoint, RevokedCertificate, Time } from '@peculiar/asn1-x509';
import { parseCrl, parseCrlBundle, emailChecks, revocationChecks, serialKey } from '../src/pki/crl';
import { parseCertificate, parsePemBundle, privateKeyFromPem, toPem } from '../src/pki/parse';
import { verifyChain } from '../src/pki/verify';
import { signX509 } from '../src/crypto/signature';
import { seededRng } from '../src/crypto/rng';
import { runVerify } from '../src/cli/verify';

const DIR = new URL('./certs/crl/', import.meta.url).pathname;
const AT = new Date('2026-11-25T12:00:00Z');
const file = (name: string) => readFileSync(DIR + name);
const pem = (name: string) => parsePemBundle(file(name)).certificates;
const crl = (name: string) => {
  const b = parseCrlBundle(file(name));
  expect(b.problems).toEqual([]);
  return b.crls[0]!;
};
const root = pem('root.pem');
const ca = pem('ca.pem');

/**
 * These leaves' CN (e.g. good.crl.test) is not one of their SANs (crl.test), which webpki refuses
 * (CABF BR §7.1.4.3); revocation is what is tested here, so the RFC 5280 policy judges unless a
 * case asks for webpki.
 */
function verify(leaf: string, crls: Uint8Array[], extra: Partial<Parameters<typeof verifyChain>[0]> = {}) {
  return verifyChain({ chain: [...pem(leaf), ...ca], anchors: root, at: AT, purpose: 'server', policy: 'rfc5280', crls, ...extra });
}
const checks = (r: ReturnType<typeof verifyChain>, id: string) => r.checks.filter((c) => c.id === id);
/** The root's CRL (revokes nothing): once CRLs are given, the intermediate needs one too. */
const rootCrl = () => crl('root-empty.crl');

/** The CRL with `mutate` applied to its tbsCertList, signed again with `keyFile`. */
function resign(name: string, keyFile: string, mutate: (l: CertificateList) => void): Uint8Array {
  const list = AsnParser.parse(crl(name), CertificateList);
  mutate(list);
  list.tbsCertListRaw = undefined;
  const tbs = new Uint8Array(AsnConvert.serialize(list.tbsCertList));
  const { signature } = signX509(privateKeyFromPem(readFileSync(DIR + keyFile, 'utf8')), tbs, seededRng('crl-test'));
  list.signature = signature.slice().buffer;
  return new Uint8Array(AsnConvert.serialize(list));
}

describe('reading CRLs (RFC 5280 §5.1)', () => {
  it('PEM and DER give the same CRL, with issuer, dates, entries and reason codes', () => {
    const fromPem = parseCrl(crl('ca.crl'));
    const fromDer = parseCrl(crl('ca.crl.der'));
    expect(fromDer.sha256).toBe(fromPem.sha256);
    expect(fromPem.issuer).toBe('O=TLS Lab Corpus, CN=TLS Lab CRL CA');
    expect(fromPem.version).toBe(2);
    expect(fromPem.thisUpdate.toISOString()).toBe('2026-06-01T00:00:00.000Z');
    expect(fromPem.nextUpdate?.toISOString()).toBe('2027-06-01T00:00:00.000Z');
    expect(fromPem.crlNumber).toBe('01');
    expect(fromPem.entries.map((e) => [e.serial, e.reason, e.revocationDate.toISOString()])).toEqual([
      ['2000', 'keyCompromise', '2026-03-01T00:00:00.000Z'],
      ['2002', 'certificateHold', '2026-03-15T00:00:00.000Z'],
    ]);
  });
  it('bad input is a message, never an exception', () => {
    expect(parseCrlBundle('').problems[0]).toMatch(/empty/);
    expect(parseCrlBundle('hello').problems[0]).toMatch(/no CRL found/);
    expect(parseCrlBundle(readFileSync(DIR + 'root.pem', 'utf8')).problems[0]).toMatch(/certificate, not a CRL/);
    const text = readFileSync(DIR + 'ca.crl', 'utf8');
    expect(parseCrlBundle(text.slice(0, 200)).problems[0]).toMatch(/truncated/);
    expect(parseCrlBundle(text.replace(/[A-Za-z0-9+/]{20}\n/, '!!!!\n')).problems[0]).toMatch(/base64/);
    const der = crl('ca.crl.der');
    expect(parseCrlBundle(der.subarray(0, der.length - 5)).problems[0]).toMatch(/not a DER X.509 CRL/);
  });
  it('serial numbers compare without leading zero octets', () => {
    expect(serialKey('00A1')).toBe('a1');
    expect(serialKey('00')).toBe('00');
  });
});

describe('revocation (RFC 5280 §6.3.3)', () => {
  it('a revoked leaf fails with the reason and the date (§6.3.3 (i), §5.3.1), and the alert certificate_revoked', () => {
    const r = verify('revoked.pem', [crl('ca.crl'), rootCrl()]);
    expect(r.ok).toBe(false);
    expect(r.alert).toBe('certificate_revoked');
    const [rev] = checks(r, 'revocation');
    expect(rev).toMatchObject({ pass: false, cert: 0, rfc: 'RFC 5280 §6.3.3 (i), §5.3.1' });
    expect(rev!.reason).toBe('revoked on 2026-03-01T00:00:00Z, reason keyCompromise');
    expect(r.verdict).toMatch(/revoked on 2026-03-01T00:00:00Z, reason keyCompromise/);
    expect(checks(r, 'crl')).toMatchObject([
      { pass: true, title: 'CRL usable', cert: 0 },
      { pass: true, title: 'CRL usable', cert: 1 },
    ]);
  });
  it('a certificate on hold is revoked, and says so', () => {
    const r = verify('held.pem', [crl('ca.crl')]);
    expect(r.ok).toBe(false);
    expect(checks(r, 'revocation')[0]!.reason).toMatch(/reason certificateHold \(on hold/);
  });
  it('a certificate not on the CRL passes, from PEM or DER', () => {
    for (const name of ['ca.crl', 'ca.crl.der']) {
      const r = verify('good.pem', [crl(name), rootCrl()]);
      expect(r.ok).toBe(true);
      expect(checks(r, 'revocation')).toMatchObject([
        { pass: true, cert: 0 },
        { pass: true, cert: 1 },
      ]);
      expect(checks(r, 'revocation')[0]!.reason).toMatch(/not on the CRL/);
    }
  });
  it('without CRLs there are no revocation checks', () => {
    const r = verify('revoked.pem', []);
    expect(r.ok).toBe(true);
    expect(r.checks.some((c) => c.id.startsWith('crl') || c.id === 'revocation')).toBe(false);
  });
  it('a revoked intermediate fails the chain at that certificate', () => {
    const r = verify('good.pem', [crl('ca.crl'), crl('root.crl')]);
    expect(r.ok).toBe(false);
    expect(checks(r, 'revocation').map((c) => [c.cert, c.pass])).toEqual([
      [0, true],
      [1, false],
    ]);
    expect(checks(r, 'revocation')[1]!.reason).toMatch(/reason cACompromise/);
    expect(verify('good.pem', [crl('ca.crl'), crl('root-empty.crl')]).ok).toBe(true);
  });

  it('once CRLs are given, a certificate without a usable CRL of its issuer fails: its status is undetermined (§6.3.3)', () => {
    const r = verify('good.pem', [crl('ca.crl')]);
    expect(r).toMatchObject({ ok: false, alert: 'certificate_unknown' });
    const [missing] = checks(r, 'crl').filter((c) => !c.pass);
    expect(missing).toMatchObject({ cert: 1, title: 'CRL of the issuer given', rfc: 'RFC 5280 §6.3.3' });
    expect(missing!.reason).toMatch(/no CRL given covers this certificate, so whether "O=TLS Lab Corpus, CN=TLS Lab CRL Root" revoked it cannot be determined/);
  });
  it('a CRL signed by another key is rejected (§6.3.3 (g)), and the chain fails', () => {
    const r = verify('good.pem', [crl('impostor.crl'), rootCrl()]);
    expect(r.ok).toBe(false);
    expect(r.alert).toBe('certificate_unknown');
    const [c] = checks(r, 'crl');
    expect(c).toMatchObject({ pass: false, title: 'CRL rejected', rfc: 'RFC 5280 §6.3.3 (g)' });
    expect(c!.reason).toMatch(/signature does not verify with the key of "O=TLS Lab Corpus, CN=TLS Lab CRL CA"/);
    expect(checks(r, 'revocation').map((c) => c.cert)).toEqual([1]);
  });
  it('a CRL whose authorityKeyIdentifier names another key does not apply (§6.3.3 (b))', () => {
    const r = verify('good.pem', [crl('impostor-aki.crl'), rootCrl()]);
    expect(r.ok).toBe(false);
    const [u] = checks(r, 'crl-unused');
    expect(u).toMatchObject({ pass: true, cert: null });
    expect(u!.reason).toMatch(/authorityKeyIdentifier .* is not the issuer's subjectKeyIdentifier/);
    expect(checks(r, 'crl').find((c) => !c.pass)).toMatchObject({ cert: 0, title: 'CRL of the issuer given' });
  });
  it('an expired CRL (nextUpdate passed) is rejected with the reason (§5.1.2.5, §6.3.3 (a))', () => {
    const r = verify('revoked.pem', [crl('ca-expired.crl')]);
    expect(r.ok).toBe(false);
    const [c] = checks(r, 'crl');
    expect(c).toMatchObject({ pass: false, rfc: 'RFC 5280 §5.1.2.5, §6.3.3 (a)' });
    expect(c!.reason).toMatch(/out of date: its nextUpdate 2025-02-01T00:00:00Z has passed/);
  });
  it('a CRL issued after the validation time is rejected (§5.1.2.4)', () => {
    const [c] = checks(verify('good.pem', [crl('ca-future.crl')]), 'crl');
    expect(c).toMatchObject({ pass: false, rfc: 'RFC 5280 §5.1.2.4' });
    expect(c!.reason).toMatch(/issued 2027-01-01T00:00:00Z, after the validation time/);
  });
  it('a CRL with an unknown critical extension is rejected (§5.2)', () => {
    const r = verify('good.pem', [crl('ca-critical.crl')]);
    expect(r.ok).toBe(false);
    expect(checks(r, 'crl')[0]!.reason).toMatch(/critical extension 1\.3\.6\.1\.4\.1\.55555\.1, which this verifier does not process/);
  });
  it('a delta CRL is rejected by name (§5.2.4)', () => {
    expect(checks(verify('good.pem', [crl('ca-delta.crl')]), 'crl')[0]!.reason).toMatch(/delta CRL/);
  });
  it('a CRL entry with an unknown critical extension makes the CRL unusable (§5.3)', () => {
    const der = resign('ca.crl', 'ca.key', (l) => {
      const e = l.tbsCertList.revokedCertificates![1]!;
      e.crlEntryExtensions = [
        ...(e.crlEntryExtensions ?? []),
        new Extension({ extnID: '1.3.6.1.4.1.55555.2', critical: true, extnValue: new OctetString(new Uint8Array([5, 0])) }),
      ];
    });
    const r = verify('good.pem', [der]);
    expect(r.ok).toBe(false);
    expect(checks(r, 'crl')[0]).toMatchObject({ pass: false, rfc: 'RFC 5280 §5.3' });
    expect(checks(r, 'crl')[0]!.reason).toMatch(/an entry has the critical extension 1\.3\.6\.1\.4\.1\.55555\.2/);
  });
  it('the re-signing helper itself yields a usable CRL (so the case above fails for its extension only)', () => {
    const der = resign('ca.crl', 'ca.key', () => undefined);
    expect(verify('good.pem', [der, rootCrl()]).ok).toBe(true);
    expect(verify('revoked.pem', [der, rootCrl()]).alert).toBe('certificate_revoked');
  });
  it('a CRL of a different issuer does not apply, even if it lists the serial', () => {
    const r = verify('good.pem', [crl('other.crl'), crl('ca.crl'), rootCrl()]);
    expect(r.ok).toBe(true);
    const [u] = checks(r, 'crl-unused');
    expect(u!.reason).toMatch(/its issuer "O=TLS Lab Corpus, CN=TLS Lab Other CA" is not the certificate's issuer/);
    expect(checks(r, 'revocation').map((c) => c.pass)).toEqual([true, true]);
    // Alone, it leaves the leaf's status undetermined: the chain fails for that, not as revoked.
    const alone = verify('good.pem', [crl('other.crl'), rootCrl()]);
    expect(alone.alert).toBe('certificate_unknown');
    expect(checks(alone, 'revocation').map((c) => c.cert)).toEqual([1]);
  });
  it('an issuer whose keyUsage lacks cRLSign cannot sign CRLs (§6.3.3 (f))', () => {
    const r = verifyChain({ chain: [...pem('nocrlsign-leaf.pem'), ...pem('nocrlsign-ca.pem')], anchors: root, at: AT, purpose: 'server', crls: [crl('nocrlsign.crl')] });
    expect(r.ok).toBe(false);
    expect(checks(r, 'crl')[0]).toMatchObject({ pass: false, rfc: 'RFC 5280 §4.2.1.3, §6.3.3 (f)' });
  });
  it('a SHA-1 signed CRL is refused like a SHA-1 certificate', () => {
    expect(checks(verify('good.pem', [crl('sha1.crl')]), 'crl')[0]!.reason).toMatch(/SHA-1/);
  });
  it('a stale CRL next to a current one is ignored, not fatal; the current one decides', () => {
    const r = verify('revoked.pem', [crl('ca-expired.crl'), crl('ca.crl'), rootCrl()]);
    expect(r.alert).toBe('certificate_revoked');
    expect(checks(r, 'crl').map((c) => [c.title, c.pass, c.cert])).toEqual([
      ['Unusable CRL ignored', true, 0],
      ['CRL usable', true, 0],
      ['CRL usable', true, 1],
    ]);
    expect(verify('good.pem', [crl('ca-expired.crl'), crl('ca.crl'), rootCrl()]).ok).toBe(true);
  });
  it('issuingDistributionPoint scope: onlyContainsCACerts does not cover a leaf; indirect CRLs are refused', () => {
    const withIdp = (idp: IssuingDistributionPoint) =>
      resign('ca.crl', 'ca.key', (l) => {
        l.tbsCertList.crlExtensions!.push(new Extension({ extnID: '2.5.29.28', critical: true, extnValue: new OctetString(AsnConvert.serialize(idp)) }));
      });
    const caOnly = verify('revoked.pem', [withIdp(new IssuingDistributionPoint({ onlyContainsCACerts: true })), rootCrl()]);
    expect(caOnly.alert).toBe('certificate_unknown');
    expect(checks(caOnly, 'crl')[0]!.reason).toMatch(/only CA certificates/);
    const userOnly = verify('revoked.pem', [withIdp(new IssuingDistributionPoint({ onlyContainsUserCerts: true })), rootCrl()]);
    expect(userOnly.alert).toBe('certificate_revoked');
    const indirect = verify('good.pem', [withIdp(new IssuingDistributionPoint({ indirectCRL: true }))]);
    expect(checks(indirect, 'crl')[0]!.reason).toMatch(/indirect CRL/);
  });
  it('issuingDistributionPoint names: a CRL for another distribution point does not cover a certificate that names its own (§6.3.3 (b)(2)(i))', () => {
    const uri = (u: string) => new GeneralName({ uniformResourceIdentifier: u });
    const at = (u: string, more: GeneralName[] = []) =>
      resign('ca.crl', 'ca.key', (l) => {
        const idp = new IssuingDistributionPoint({ distributionPoint: new DistributionPointName({ fullName: [uri(u), ...more] }) });
        l.tbsCertList.crlExtensions!.push(new Extension({ extnID: '2.5.29.28', critical: true, extnValue: new OctetString(AsnConvert.serialize(idp)) }));
      });
    const same = verify('dp.pem', [at('http://crl.test/ca.crl'), rootCrl()]);
    expect(same.ok).toBe(true);
    expect(checks(same, 'revocation')).toMatchObject([{ pass: true }, { pass: true }]);
    const other = verify('dp.pem', [at('http://crl.test/other.crl'), rootCrl()]);
    expect(other.alert).toBe('certificate_unknown');
    expect(checks(other, 'crl')[0]!.reason).toMatch(
      /issuingDistributionPoint \[URI:http:\/\/crl.test\/other.crl\] is none of the certificate's cRLDistributionPoints \[URI:http:\/\/crl.test\/ca.crl\]/,
    );
    // A CRL naming a distribution point cannot cover a certificate that names none.
    const none = verify('revoked.pem', [at('http://crl.test/ca.crl'), rootCrl()]);
    expect(none.alert).toBe('certificate_unknown');
    expect(checks(none, 'crl')[0]!.reason).toMatch(/the certificate has no cRLDistributionPoints to match it/);
    // webpki compares URIs only (CABF BR 7.2.2.1); the RFC alone accepts the matching URI among other names.
    const mixed = [at('http://crl.test/ca.crl', [new GeneralName({ dNSName: 'crl.test' })]), rootCrl()];
    expect(checks(verify('dp.pem', mixed, { policy: 'webpki' }), 'crl')[0]!.reason).toMatch(/only URIs may name distribution points/);
    expect(verify('dp.pem', mixed, { policy: 'rfc5280' }).ok).toBe(true);
  });
  it('a CRL that cannot be read is ignored, with a note, as if it had not been given', () => {
    const r = verify('revoked.pem', [new Uint8Array([0x30, 0x03, 1, 2, 3])]);
    expect(r.ok).toBe(true);
    expect(checks(r, 'crl')).toMatchObject([{ cert: null, pass: true, title: 'CRL ignored' }]);
    expect(checks(r, 'crl')[0]!.reason).toMatch(/cannot be read/);
  });
  it('a CRL that breaks the profile structure is ignored (§5.1.2.1, §5.1.2.4, §5.1.2.5)', () => {
    const cases: [string, (l: CertificateList) => void, RegExp][] = [
      ['no nextUpdate', (l) => (l.tbsCertList.nextUpdate = undefined), /no nextUpdate/],
      ['version v3', (l) => (l.tbsCertList.version = 2), /version field is 02, not v2/],
      ['GeneralizedTime in 2026', (l) => (l.tbsCertList.thisUpdate = new Time({ generalTime: new Date('2026-06-01T00:00:00Z') })), /thisUpdate \(2026\) is a GeneralizedTime/],
    ];
    for (const [what, mutate, why] of cases) {
      const r = verify('revoked.pem', [resign('ca.crl', 'ca.key', mutate)]);
      expect(r.ok, what).toBe(true);
      expect(checks(r, 'crl')[0]!.reason, what).toMatch(why);
    }
  });
  it('cRLNumber missing or critical, or a serial listed twice: the CRL is rejected (§5.2.3, §5.1.2.6)', () => {
    const noNumber = resign('ca.crl', 'ca.key', (l) => (l.tbsCertList.crlExtensions = l.tbsCertList.crlExtensions!.filter((e) => e.extnID !== '2.5.29.20')));
    expect(checks(verify('good.pem', [noNumber, rootCrl()]), 'crl')[0]!.reason).toMatch(/no cRLNumber/);
    const critical = resign('ca.crl', 'ca.key', (l) => {
      for (const e of l.tbsCertList.crlExtensions!) if (e.extnID === '2.5.29.20') e.critical = true;
    });
    expect(checks(verify('good.pem', [critical, rootCrl()]), 'crl')[0]!.reason).toMatch(/cRLNumber extension is marked critical/);
    const twice = resign('ca.crl', 'ca.key', (l) => l.tbsCertList.revokedCertificates!.push(l.tbsCertList.revokedCertificates![1]!));
    const r = verify('good.pem', [twice, rootCrl()]);
    expect(r.ok).toBe(false);
    expect(checks(r, 'crl')[0]!.reason).toMatch(/lists the serial number 2002 more than once/);
  });
  it('a CRL of 10,000 entries is read and used quickly', () => {
    const big = resign('ca.crl', 'ca.key', (l) => {
      const e = l.tbsCertList.revokedCertificates![0]!;
      for (let k = 0; k < 10_000; k++) {
        l.tbsCertList.revokedCertificates!.push(new RevokedCertificate({ userCertificate: new Uint8Array([0x10, k >> 8, k & 0xff]).buffer, revocationDate: e.revocationDate }));
      }
    });
    const t0 = performance.now();
    const r = verify('good.pem', [big, rootCrl()]);
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(r.checks.filter((c) => !c.pass || c.title === 'CRL ignored')).toEqual([]);
    expect(verify('revoked.pem', [big, rootCrl()]).alert).toBe('certificate_revoked');
  });
  it('revocationChecks on its own: no CRL of the issuer, no checks', () => {
    const leaf = parseCertificate(pem('good.pem')[0]!);
    const issuer = parseCertificate(ca[0]!);
    expect(revocationChecks(leaf, issuer, [parseCrl(crl('other.crl'))], AT)).toEqual([]);
    expect(revocationChecks(leaf, issuer, [parseCrl(crl('ca.crl'))], AT).map((c) => c.id)).toEqual(['crl', 'revocation']);
  });
  it('agrees with openssl verify -crl_check_all on the revoked, good and rejected cases', () => {
    const run = (leaf: string, crls: string[]) => {
      try {
        execFileSync(
          'openssl',
          [
            'verify',
            '-attime',
            String(AT.getTime() / 1000),
            '-crl_check_all',
            '-CAfile',
            DIR + 'root.pem',
            '-untrusted',
            DIR + 'ca.pem',
            ...crls.flatMap((c) => ['-CRLfile', DIR + c]),
            DIR + leaf,
          ],
          { stdio: 'pipe', env: { ...process.env, OPENSSL_CONF: '/dev/null' } },
        );
        return true;
      } catch {
        return false;
      }
    };
    for (const [leaf, crls] of [
      ['revoked.pem', ['ca.crl', 'root-empty.crl']],
      ['good.pem', ['ca.crl', 'root-empty.crl']],
      ['good.pem', ['ca-expired.crl', 'root-empty.crl']],
      ['good.pem', ['ca-critical.crl', 'root-empty.crl']],
      ['good.pem', ['impostor.crl', 'root-empty.crl']],
      ['good.pem', ['ca.crl', 'root.crl']],
    ] as const) {
      expect(verify(leaf, crls.map(crl)).ok, `${leaf} with ${crls.join(', ')}`).toBe(run(leaf, [...crls]));
    }
  });
});

describe('e-mail identity (RFC 5280 §4.2.1.6, §7.5)', () => {
  const leaf = parseCertificate(pem('email.pem')[0]!);
  it('the domain compares case-insensitively', () => {
    const [c] = emailChecks(leaf, 'Alice.Smith@example.com');
    expect(c).toMatchObject({ id: 'email', pass: true, cert: 0, rfc: 'RFC 5280 §4.2.1.6, §7.5' });
    expect(c!.reason).toMatch(/domains compare case-insensitively/);
    expect(emailChecks(leaf, 'Alice.Smith@Example.COM')[0]!.pass).toBe(true);
  });
  it('the local part is case-sensitive', () => {
    const [c] = emailChecks(leaf, 'alice.smith@example.com');
    expect(c!.pass).toBe(false);
    expect(c!.reason).toMatch(/differs only in the case of the local part, which is case-sensitive/);
  });
  it('another address, a non-address, and the legacy emailAddress attribute do not match', () => {
    expect(emailChecks(leaf, 'bob@example.com')[0]!.pass).toBe(false);
    expect(emailChecks(leaf, 'not-an-address')[0]!.reason).toMatch(/not an e-mail address/);
    const legacy = emailChecks(leaf, 'legacy@example.com')[0]!;
    expect(legacy.pass).toBe(false);
    expect(legacy.reason).toMatch(/emailAddress attribute \(legacy@example.com\) is a legacy form and is not used/);
    expect(emailChecks(parseCertificate(pem('good.pem')[0]!), 'a@crl.test')[0]!.reason).toMatch(/no rfc822Name/);
  });
  it('verifyChain with email: a mismatch fails the chain with bad_certificate', () => {
    const ok = verifyChain({ chain: [...pem('email.pem'), ...ca], anchors: root, at: AT, purpose: 'client', email: 'Alice.Smith@example.com' });
    expect(ok.ok).toBe(true);
    const bad = verifyChain({ chain: [...pem('email.pem'), ...ca], anchors: root, at: AT, purpose: 'client', email: 'mallory@example.com' });
    expect(bad).toMatchObject({ ok: false, alert: 'bad_certificate' });
    expect(checks(bad, 'email')[0]!.pass).toBe(false);
  });
});

describe('tlslab verify --crl / --email', () => {
  const run = async (...argv: string[]) => {
    let out = '';
    let err = '';
    const code = await runVerify(argv, { out: (t) => (out += t), err: (t) => (err += t), isTty: false });
    return { code, out, err };
  };
  const base = ['--chain', DIR + 'ca.pem', '--trust', DIR + 'root.pem', '--at', AT.toISOString(), '--policy', 'rfc5280'];
  it('--crl: a revoked leaf is NOT VALID with the reason and date; repeatable; PEM or DER', async () => {
    const r = await run(DIR + 'revoked.pem', ...base, '--crl', DIR + 'root-empty.crl', '--crl', DIR + 'ca.crl.der');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^NOT VALID: revoked on 2026-03-01T00:00:00Z, reason keyCompromise .*\(TLS alert: certificate_revoked\)/);
    expect(r.out).toMatch(/✓ CRL usable/);
    const good = await run(DIR + 'good.pem', ...base, '--crl', DIR + 'ca.crl', '--crl', DIR + 'root-empty.crl', '--json');
    expect(good.code).toBe(0);
    const json = JSON.parse(good.out) as { checks: { id: string; pass: boolean }[] };
    expect(json.checks.filter((c) => c.id === 'revocation')).toEqual([expect.objectContaining({ pass: true }), expect.objectContaining({ pass: true })]);
  });
  it('--crl with a file that holds no CRL is an input error (exit 1) with the reason', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tlslab-crl-'));
    writeFileSync(join(dir, 'x.pem'), toPem(root[0]!));
    const r = await run(DIR + 'good.pem', ...base, '--crl', join(dir, 'x.pem'));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/--crl .*x\.pem: .*certificate, not a CRL/);
    expect((await run(DIR + 'good.pem', ...base, '--crl', join(dir, 'missing.crl'))).err).toMatch(/cannot read the file/);
  });
  it('--email checks the rfc822Name SANs', async () => {
    const args = [DIR + 'email.pem', ...base, '--purpose', 'client'];
    expect((await run(...args, '--email', 'Alice.Smith@example.com')).code).toBe(0);
    const bad = await run(...args, '--email', 'alice.smith@example.com');
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/✗ E-mail address matches "alice.smith@example.com"/);
  });
});

describe('mutated CRLs (property)', () => {
  it('any single-byte change never throws, and a revoked leaf passes only if the CRL is ignored as unreadable or malformed', () => {
    const der = crl('ca.crl.der');
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: 1, max: 255 }), (pos, xor) => {
        const m = der.slice();
        m[pos % m.length]! ^= xor;
        expect(() => parseCrlBundle(m)).not.toThrow();
        const r = verify('revoked.pem', [m]);
        expect(r.ok).toBe(r.checks.every((c) => c.pass));
        if (r.ok) expect(checks(r, 'crl')).toMatchObject([{ title: 'CRL ignored', pass: true }]);
      }),
      { numRuns: 60, seed: 5280 },
    );
  });
});
