/**
 * Revocation from the CRLs the user gives (RFC 5280 §6.3): which CRL applies to which
 * certificate of the path, whether it can be used (signed by the issuer, current, no unknown
 * critical extension), and whether it lists the certificate. CRLs are parsed by pki/crl.ts.
 *
 * Every decision is a `CertCheck`: `crl` (this CRL can be used for this certificate),
 * `revocation` (not revoked) and `crl-unused` (a CRL that covers no certificate of the path).
 */
import { AsnParser } from '@peculiar/asn1-schema';
import { Certificate, CRLDistributionPoints } from '@peculiar/asn1-x509';
import type { CertCheck } from '../events';
import type { Policy } from './verify';
import { verifyX509Signature } from '../crypto/signature';
import { type ParsedCertificate } from './parse';
import { iso } from './time';
import { generalNameText, parseCrlCached, serialKey, type ParsedCrl } from './crl';

/** `CRL of "issuer" (thisUpdate …, #number)`: how a CRL is named in the report. */
function describeCrl(crl: ParsedCrl): string {
  const n = crl.crlNumber;
  const number = n === undefined ? '' : `, number ${n.length <= 12 ? parseInt(n, 16) : `0x${n}`}`;
  return `CRL of "${crl.issuer}" issued ${iso(crl.thisUpdate)}${number}`;
}

const DP_OID = '2.5.29.31';
const certDps = new WeakMap<ParsedCertificate, string[] | null>();
/** The fullName URIs/names of a certificate's cRLDistributionPoints, or null when it has none. */
function distributionPointNames(cert: ParsedCertificate): string[] | null {
  if (certDps.has(cert)) return certDps.get(cert)!;
  let names: string[] | null = null;
  if (cert.extensions.some((e) => e.oid === DP_OID)) {
    try {
      const c = AsnParser.parse(cert.der, Certificate);
      const ext = c.tbsCertificate.extensions?.find((e) => e.extnID === DP_OID);
      if (ext) {
        const dps = AsnParser.parse(ext.extnValue.buffer, CRLDistributionPoints);
        names = Array.from(dps).flatMap((dp) => (dp.distributionPoint?.fullName ?? []).map(generalNameText));
      }
    } catch {
      names = [];
    }
  }
  certDps.set(cert, names);
  return names;
}

/**
 * Why this CRL does not cover this certificate (issuer and scope, §6.3.3 (b)), or null when it
 * does. An issuingDistributionPoint that names points must name one the certificate's
 * cRLDistributionPoints names; under webpki only URIs, compared byte for byte (CABF BR
 * 7.1.2.11.2, 7.2.2.1).
 */
function notApplicable(crl: ParsedCrl, cert: ParsedCertificate, issuer: ParsedCertificate, policy: Policy): string | null {
  if (crl.issuerKey !== cert.issuerKey) return `its issuer "${crl.issuer}" is not the certificate's issuer "${cert.issuer}"`;
  if (crl.issuerKey !== issuer.subjectKey) return `its issuer "${crl.issuer}" is not the issuing CA "${issuer.subject}"`;
  if (crl.authorityKeyId && issuer.subjectKeyId && crl.authorityKeyId !== issuer.subjectKeyId) {
    return `its authorityKeyIdentifier ${crl.authorityKeyId} is not the issuer's subjectKeyIdentifier ${issuer.subjectKeyId}: another key of a CA with this name signed it`;
  }
  const idp = crl.idp;
  if (idp) {
    const isCa = cert.basicConstraints?.ca === true;
    if (idp.onlyUser && isCa) return 'its issuingDistributionPoint says it lists only end-entity certificates, and this is a CA certificate';
    if (idp.onlyCA && !isCa) return 'its issuingDistributionPoint says it lists only CA certificates, and this is an end-entity certificate';
    if (idp.onlyAttribute) return 'its issuingDistributionPoint says it lists only attribute certificates';
    const dps = distributionPointNames(cert) ?? [];
    if (idp.fullNames.length > 0) {
      const list = `its issuingDistributionPoint [${idp.fullNames.join(', ')}]`;
      if (dps.length === 0) return `${list} names a distribution point, and the certificate has no cRLDistributionPoints to match it`;
      const nonUri = [...idp.fullNames, ...dps].filter((n) => !n.startsWith('URI:'));
      if (policy === 'webpki' && nonUri.length > 0)
        return `${list} vs the certificate's cRLDistributionPoints [${dps.join(', ')}]: only URIs may name distribution points (CABF BR 7.1.2.11.2, 7.2.2.1), not ${nonUri.join(', ')}`;
      if (!idp.fullNames.some((n) => dps.includes(n))) return `${list} is none of the certificate's cRLDistributionPoints [${dps.join(', ')}]`;
    }
  }
  return null;
}

interface Problem {
  text: string;
  rfc: string;
}

/** Why this (applicable) CRL cannot be used to judge a certificate of `issuer` at `at`. */
function crlProblems(crl: ParsedCrl, issuer: ParsedCertificate, at: Date): Problem[] {
  const out: Problem[] = [];
  // §6.3.3 (f): the CRL issuer's key must be allowed to sign CRLs.
  if (issuer.keyUsage && !issuer.keyUsage.usages.includes('crlSign')) {
    out.push({ text: `the issuer's keyUsage [${issuer.keyUsage.usages.join(', ')}] does not allow cRLSign, so its key may not sign CRLs`, rfc: 'RFC 5280 §4.2.1.3, §6.3.3 (f)' });
  }
  // §6.3.3 (g): the signature, with the issuer's key.
  let sigOk = false;
  if (!crl.signatureAlgorithmsMatch) out.push({ text: 'the signature algorithm inside tbsCertList differs from the outer one', rfc: 'RFC 5280 §5.1.1.2' });
  else if (crl.signatureUnusedBits !== 0)
    out.push({ text: `the signatureValue BIT STRING declares ${crl.signatureUnusedBits} unused bits, so the encoding was altered`, rfc: 'RFC 5280 §5.1.1.3' });
  else if (crl.signatureAlgorithm.kind === 'unsupported') out.push({ text: `signature algorithm ${crl.signatureAlgorithm.name} is not supported`, rfc: 'RFC 5280 §5.1.1.2' });
  else if (!issuer.publicKey) out.push({ text: `the issuer's key (${issuer.keyDescription}) is not supported`, rfc: 'RFC 5280 §6.3.3 (g)' });
  else if (!(sigOk = verifyX509Signature(crl.signatureAlgorithm, issuer.publicKey, crl.tbs, crl.signature))) {
    out.push({ text: `the signature does not verify with the key of "${issuer.subject}": the CRL was signed by another key or altered`, rfc: 'RFC 5280 §6.3.3 (g)' });
  }
  const h = 'hash' in crl.signatureAlgorithm ? crl.signatureAlgorithm.hash : undefined;
  if (sigOk && (h === 'md5' || h === 'sha1')) {
    out.push({ text: `it is signed with ${crl.signatureAlgorithm.name}; ${h === 'md5' ? 'MD5' : 'SHA-1'} collisions make such a signature forgeable`, rfc: 'RFC 9155; RFC 6151' });
  }
  // §5.1.2.4 / §5.1.2.5 / §6.3.3 (a): current at the validation time.
  if (Number.isNaN(at.getTime()) || Number.isNaN(crl.thisUpdate.getTime()) || (crl.nextUpdate && Number.isNaN(crl.nextUpdate.getTime()))) {
    out.push({ text: 'its dates or the validation time cannot be read', rfc: 'RFC 5280 §5.1.2.4' });
  } else {
    if (at < crl.thisUpdate) out.push({ text: `it was issued ${iso(crl.thisUpdate)}, after the validation time ${iso(at)}`, rfc: 'RFC 5280 §5.1.2.4' });
    if (crl.nextUpdate && at > crl.nextUpdate) {
      out.push({
        text: `it is out of date: its nextUpdate ${iso(crl.nextUpdate)} has passed (validation time ${iso(at)}); a newer CRL is needed`,
        rfc: 'RFC 5280 §5.1.2.5, §6.3.3 (a)',
      });
    }
  }
  // §5.1.2.1: extensions only in v2 CRLs.
  if (crl.version !== 2 && (crl.extensions.length > 0 || crl.entries.some((e) => e.extensions.length > 0))) {
    out.push({ text: `it is a version ${crl.version} CRL with extensions (only v2 may have them)`, rfc: 'RFC 5280 §5.1.2.1' });
  }
  for (const p of crl.decodeProblems) out.push({ text: p, rfc: 'RFC 5280 §5.2, §5.3' });
  // §5.2.3: every CRL carries a non-critical cRLNumber.
  const number = crl.extensions.find((e) => e.oid === '2.5.29.20');
  if (!number) out.push({ text: 'it has no cRLNumber extension, which every CRL must carry', rfc: 'RFC 5280 §5.2.3' });
  else if (number.critical) out.push({ text: 'its cRLNumber extension is marked critical; it must not be', rfc: 'RFC 5280 §5.2.3' });
  // A serial listed twice: which entry (reason, date) holds is ambiguous.
  const serials = new Set<string>();
  const twice = new Set<string>();
  for (const e of crl.entries) (serials.has(e.serial) ? twice : serials).add(e.serial);
  if (twice.size > 0)
    out.push({ text: `it lists the serial number${twice.size > 1 ? 's' : ''} ${[...twice].slice(0, 3).join(', ')} more than once`, rfc: 'RFC 5280 §5.1.2.6; CABF BR §7.2.2' });
  // §5.2: critical extensions we do not process make the CRL unusable; some by name.
  for (const e of crl.extensions) {
    if (e.oid === '2.5.29.27') out.push({ text: 'it is a delta CRL (deltaCRLIndicator); delta CRLs are not supported, give the complete CRL', rfc: 'RFC 5280 §5.2.4' });
    else if (e.critical && !e.processed) out.push({ text: `it has the critical extension ${e.name}, which this verifier does not process`, rfc: 'RFC 5280 §5.2' });
  }
  if (crl.idp?.indirect) out.push({ text: 'it is an indirect CRL (issuingDistributionPoint indirectCRL); indirect CRLs are not supported', rfc: 'RFC 5280 §5.2.5' });
  if (crl.idp?.someReasons)
    out.push({
      text: 'it covers only some revocation reasons (issuingDistributionPoint onlySomeReasons); a CRL covering all reasons is needed',
      rfc: 'RFC 5280 §5.2.5, §6.3.3 (d)',
    });
  if (crl.idp?.relativeName) out.push({ text: 'its issuingDistributionPoint names the point relative to the issuer, which is not supported', rfc: 'RFC 5280 §5.2.5' });
  const entryCritical = new Set<string>();
  for (const en of crl.entries) for (const e of en.extensions) if (e.critical && !e.processed) entryCritical.add(e.name);
  for (const name of entryCritical) out.push({ text: `an entry has the critical extension ${name}, which this verifier does not process`, rfc: 'RFC 5280 §5.3' });
  return out;
}

const sections = (ps: Problem[]) => [...new Set(ps.map((p) => p.rfc))].join('; ');

/**
 * The revocation checks of one certificate against the CRLs given: a `crl` check for each CRL
 * of its issuer (usable or not, and why), and a `revocation` check when a usable one decides.
 * Returns no checks when no CRL covers the certificate. `cert` and `issuer` are the child and
 * the next certificate of a path (the issuer's key must have signed the CRL); `index` is the
 * position of `cert` in the report's certificates; `policy` decides how distribution points
 * are matched.
 */
export function revocationChecks(cert: ParsedCertificate, issuer: ParsedCertificate, crls: ParsedCrl[], at: Date, index = 0, policy: Policy = 'webpki'): CertCheck[] {
  const base = { subject: cert.subject };
  const applicable = crls.filter((c) => notApplicable(c, cert, issuer, policy) === null);
  if (applicable.length === 0) return [];
  const judged = applicable.map((crl) => ({ crl, problems: crlProblems(crl, issuer, at) }));
  const usable = judged.filter((j) => j.problems.length === 0).map((j) => j.crl);
  const checks: CertCheck[] = [];
  for (const { crl, problems } of judged) {
    const ok = problems.length === 0;
    checks.push({
      id: 'crl',
      title: ok ? 'CRL usable' : usable.length > 0 ? 'Unusable CRL ignored' : 'CRL rejected',
      cert: index,
      ...base,
      compared: `${describeCrl(crl)}, next update ${crl.nextUpdate ? iso(crl.nextUpdate) : 'not given'} vs issuer key (${issuer.keyDescription}) of "${issuer.subject}" at ${iso(at)}`,
      // An unusable CRL fails the chain only when no usable one decides (status undetermined, §6.3.3).
      pass: ok || usable.length > 0,
      reason: ok
        ? `signed by the issuer's key, current at the validation time${crl.nextUpdate ? '' : ' (it has no nextUpdate, so it never goes out of date)'}, no unprocessed critical extension`
        : `the CRL is rejected: ${problems.map((p) => p.text).join('; ')}${usable.length > 0 ? '. Another CRL of this issuer decides instead' : '. With no usable CRL the revocation status cannot be determined'}`,
      rfc: ok ? 'RFC 5280 §6.3.3' : sections(problems),
    });
  }
  if (usable.length > 0) {
    const mine = serialKey(cert.serial);
    const hits = usable.flatMap((crl) => crl.entries.filter((e) => e.serial === mine).map((entry) => ({ crl, entry })));
    const revoked = hits.find((h) => h.entry.reason !== 'removeFromCRL');
    const newest = usable.reduce((a, b) => (b.thisUpdate > a.thisUpdate ? b : a));
    const shown = revoked?.crl ?? newest;
    const r = revoked?.entry;
    checks.push({
      id: 'revocation',
      title: 'Not revoked',
      cert: index,
      ...base,
      compared: `serial ${cert.serial} vs ${shown.entries.length} revoked serial(s) on the ${describeCrl(shown)}`,
      pass: !revoked,
      reason: r
        ? `revoked on ${iso(r.revocationDate)}, reason ${r.reason ?? 'not given (no reasonCode entry extension)'}${r.reason === 'certificateHold' ? ' (on hold: suspended, may be released)' : ''}${r.invalidityDate ? `; the key is considered compromised since ${iso(r.invalidityDate)}` : ''}`
        : hits.length > 0
          ? 'the serial number is listed with reason removeFromCRL: it is no longer revoked'
          : `the serial number is not on the CRL (next update ${shown.nextUpdate ? iso(shown.nextUpdate) : 'not given'})`,
      rfc: r ? 'RFC 5280 §6.3.3 (i), §5.3.1' : 'RFC 5280 §6.3.3 (i)',
    });
  }
  return checks;
}

/**
 * Every revocation check of a path (leaf … top). A CRL that cannot be read, or that breaks the
 * profile's structure, is ignored (a passing chain-level `crl` note says why), as if it had not
 * been given. When at least one CRL is left, revocation is checked for every certificate whose
 * issuer is in the path (the trust anchor itself is trusted as it is): a usable CRL of its
 * issuer must cover it, or the check fails because its status cannot be determined (RFC 5280
 * §6.3.3: UNDETERMINED), and a listed serial fails with the reason and date. A CRL that covers
 * no certificate of the path gets a passing chain-level `crl-unused` note saying why. No CRLs:
 * no checks.
 */
export function pathRevocationChecks(path: readonly ParsedCertificate[], crlDers: readonly Uint8Array[], at: Date, policy: Policy = 'webpki'): CertCheck[] {
  const checks: CertCheck[] = [];
  const crls: ParsedCrl[] = [];
  const ignored = (k: number, compared: string, why: string, rfc: string) =>
    checks.push({ id: 'crl', title: 'CRL ignored', cert: null, compared, pass: true, reason: `CRL #${k + 1} is ignored, as if it had not been given: ${why}`, rfc });
  crlDers.forEach((der, k) => {
    try {
      const c = parseCrlCached(der);
      if (c.malformed) ignored(k, describeCrl(c), c.malformed, 'RFC 5280 §5.1.2');
      else crls.push(c);
    } catch (e) {
      ignored(k, `CRL #${k + 1}: ${der.length} bytes of DER`, `it cannot be read (${(e as Error).message})`, 'RFC 5280 §5.1');
    }
  });
  if (crls.length === 0) return checks;
  const used = new Set<ParsedCrl>();
  for (let i = 0; i + 1 < path.length; i++) {
    const cert = path[i]!;
    const issuer = path[i + 1]!;
    const mine = crls.filter((c) => notApplicable(c, cert, issuer, policy) === null);
    for (const c of mine) used.add(c);
    if (mine.length > 0) {
      checks.push(...revocationChecks(cert, issuer, crls, at, i, policy));
      continue;
    }
    checks.push({
      id: 'crl',
      title: 'CRL of the issuer given',
      cert: i,
      subject: cert.subject,
      compared: `serial ${cert.serial} of "${cert.subject}" vs ${crls.length} CRL(s) given`,
      pass: false,
      reason: `no CRL given covers this certificate, so whether "${issuer.subject}" revoked it cannot be determined (${crls.map((c) => `${describeCrl(c)}: ${notApplicable(c, cert, issuer, policy)}`).join('; ')})`,
      rfc: 'RFC 5280 §6.3.3',
    });
  }
  for (const c of crls) {
    if (used.has(c)) continue;
    const whys = path.slice(0, -1).map((cert, i) => `"${cert.subject}": ${notApplicable(c, cert, path[i + 1]!, policy)}`);
    checks.push({
      id: 'crl-unused',
      title: 'CRL does not apply',
      cert: null,
      compared: `${describeCrl(c)} vs the issuers of the path`,
      pass: true,
      reason: whys.length > 0 ? `not used: it covers no certificate of this path (${whys.join('; ')})` : 'not used: the path has no certificate with its issuer in the path',
      rfc: 'RFC 5280 §6.3.3 (b)',
    });
  }
  return checks;
}
