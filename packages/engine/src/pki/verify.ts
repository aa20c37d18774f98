/**
 * Certificate path building and validation (RFC 5280 §6), with a report that explains itself.
 *
 * `verifyChain` builds every candidate path from the leaf through the presented certificates
 * (any order, extras, duplicates) to a trust anchor, validates each, and reports the first
 * path that passes — or, if none does, the most complete one with every failed check. Each
 * check is one `CertCheck` (what was compared with what, pass/fail, a plain reason, the RFC
 * section); the report's `alert` is what a TLS endpoint sends when it fails.
 *
 * Policy, as a browser applies it: MD5/SHA-1 signatures and RSA keys under 2048 bits fail;
 * the anchor's own self-signature is not checked (RFC 5280 §6.1: trust comes from the store);
 * the CN is used for the host only when there is no subjectAltName at all.
 */
import type { AlertDescription } from '../errors';
import type { CertCheck, CertSummary, VerificationReportSummary } from '../events';
import { verifyX509Signature } from '../crypto/signature';
import { lastX509SignatureCached } from '../crypto/signature-cache';
import {
  clearParseCache,
  nameAttributesFromDer,
  nameKey,
  parseCertificateCached,
  type GeneralSubtreeBase,
  type ParsedCertificate,
} from './parse';
import { certificateParts } from './der';
import { equalBytes } from '../codec/hex';
import { hostIp, ipEquals, matchDnsName, nameConstraintViolations, normalizeDnsName } from './hostname';
import { emailChecks, pathRevocationChecks, REVOCATION_CHECK_ALERTS } from './crl';

export type Purpose = 'server' | 'client';
/** Which rules judge a chain: `webpki` (RFC 5280 + CA/Browser Forum / browsers) or `rfc5280` alone. */
export type Policy = 'webpki' | 'rfc5280';

/**
 * A trust store: anchors indexed by normalized subject name (exact bytes compared). Built with a light
 * DER scan (pki/der.ts), so a store of ~150 roots costs milliseconds; an anchor is fully parsed
 * only when a path reaches it. Build it once for big stores (Mozilla's) and reuse it.
 */
export interface TrustStore {
  readonly kind: 'trust-store';
  /** DER of every indexed anchor. */
  readonly ders: Uint8Array[];
  /** By normalized subject (RFC 5280 §7.1 comparison key, as ParsedCertificate.subjectKey). */
  readonly bySubject: Map<string, Uint8Array[]>;
  /** Anchors that could not be indexed, with the reason. */
  readonly rejected: string[];
}

export interface VerifyChainOptions {
  /** Leaf first, then any extra certificates in any order. */
  chain: Uint8Array[];
  anchors: Uint8Array[] | TrustStore;
  /** Validation time (default: now). */
  at?: Date;
  /** Reference identity (DNS name or IP literal). Absent: not checked. */
  host?: string;
  purpose: Purpose;
  /** TLS 1.2 key exchange the leaf's key serves (keyUsage check); default: either. */
  keyExchange?: 'rsa' | 'ecdhe';
  /** Rules to apply (default webpki). This verifier applies one browser-like rule set either way. */
  policy?: Policy;
  /** CRLs (DER) the caller has: each certificate whose issuer issued one is checked against it (pki/crl.ts). */
  crls?: readonly Uint8Array[];
  /** Expected e-mail address of the leaf (rfc822Name SAN), e.g. a client certificate's. Absent: not checked. */
  email?: string;
}

export { parseCertificateCached, clearParseCache };

/** Builds a trust store from DER anchors (duplicates dropped; unreadable ones listed in `rejected`). */
export function createTrustStore(ders: Uint8Array[]): TrustStore {
  const bySubject = new Map<string, Uint8Array[]>();
  const kept: Uint8Array[] = [];
  const rejected: string[] = [];
  for (const [i, der] of ders.entries()) {
    try {
      const key = nameKey(nameAttributesFromDer(certificateParts(der).subject));
      const list = bySubject.get(key) ?? [];
      if (list.some((d) => equalBytes(d, der))) continue;
      kept.push(der);
      list.push(der);
      bySubject.set(key, list);
    } catch (e) {
      rejected.push(`anchor ${i + 1}: ${(e as Error).message}`);
    }
  }
  return { kind: 'trust-store', ders: kept, bySubject, rejected };
}

/** True when this exact certificate is in the store. */
export function isTrustAnchor(store: TrustStore, c: ParsedCertificate): boolean {
  return (store.bySubject.get(c.subjectKey) ?? []).some((d) => equalBytes(d, c.der));
}

// ---------------------------------------------------------------------------------------------
// Report helpers

/** Which alert each failing check sends, and in which order failures decide the alert. */
const CHECK_ALERT: Record<string, AlertDescription> = {
  parse: 'bad_certificate',
  'trust-anchor': 'unknown_ca',
  'self-signed-leaf': 'unknown_ca',
  'missing-intermediate': 'unknown_ca',
  signature: 'bad_certificate',
  'signature-algorithm': 'bad_certificate',
  'weak-signature': 'bad_certificate',
  'key-supported': 'unsupported_certificate',
  'key-strength': 'bad_certificate',
  validity: 'certificate_expired',
  ...REVOCATION_CHECK_ALERTS,
  'name-chaining': 'bad_certificate',
  'basic-constraints': 'bad_certificate',
  'path-length': 'bad_certificate',
  'key-usage': 'unsupported_certificate',
  'ext-key-usage': 'unsupported_certificate',
  'critical-extensions': 'unsupported_certificate',
  'name-constraints': 'bad_certificate',
  hostname: 'bad_certificate',
};
const CHECK_PRIORITY = Object.keys(CHECK_ALERT);

const iso = (d: Date) => (Number.isNaN(d.getTime()) ? 'invalid date' : d.toISOString().replace('.000Z', 'Z'));

function summarize(c: ParsedCertificate, role: CertSummary['role']): CertSummary {
  const sans = [
    ...(c.subjectAltName?.dns.map((d) => `DNS:${d}`) ?? []),
    ...(c.subjectAltName?.ip.map((d) => `IP:${d}`) ?? []),
    ...(c.subjectAltName?.email.map((d) => `email:${d}`) ?? []),
    ...(c.subjectAltName?.uri.map((d) => `URI:${d}`) ?? []),
    ...(c.subjectAltName?.other ?? []),
  ];
  return {
    subject: c.subject,
    issuer: c.issuer,
    serial: c.serial,
    notBefore: iso(c.notBefore),
    notAfter: iso(c.notAfter),
    key: c.keyDescription,
    signatureAlgorithm: c.signatureAlgorithm.name,
    sans,
    sha256: c.sha256,
    isCA: c.basicConstraints?.ca ?? false,
    selfSigned: c.selfIssued,
    der: c.der,
    role,
  };
}

function cnOf(c: ParsedCertificate): string | undefined {
  for (const rdn of [...c.subjectAttributes].reverse()) for (const a of rdn) if (a.oid === '2.5.4.3') return a.value;
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Path building

interface Candidate {
  /** leaf … top; the last is an anchor when `anchored`. */
  path: ParsedCertificate[];
  anchored: boolean;
}

const MAX_DEPTH = 10;
/** Presented certificates considered at most (leaf included). */
const MAX_CHAIN = 64;
const MAX_PATHS = 24;
/** Bound on path-building steps: a hostile chain of many same-named certificates must not explode. */
const MAX_STEPS = 256;
/** Failed attempts validated to choose the one to report. */
const MAX_PARTIAL_REPORTED = 4;

function issuerCandidates(
  child: ParsedCertificate,
  pool: ParsedCertificate[],
  store: TrustStore,
): { cert: ParsedCertificate; anchor: boolean }[] {
  const out: { cert: ParsedCertificate; anchor: boolean }[] = [];
  for (const der of store.bySubject.get(child.issuerKey) ?? []) {
    try {
      out.push({ cert: parseCertificateCached(der), anchor: true });
    } catch {
      // an anchor that indexes but does not parse cannot be used
    }
  }
  for (const p of pool) if (p.subjectKey === child.issuerKey && !isTrustAnchor(store, p)) out.push({ cert: p, anchor: false });
  // Prefer issuers whose subjectKeyIdentifier matches the child's authorityKeyIdentifier,
  // then anchors (shorter paths).
  const score = (x: { cert: ParsedCertificate; anchor: boolean }) =>
    (child.authorityKeyId && x.cert.subjectKeyId === child.authorityKeyId ? 0 : child.authorityKeyId && x.cert.subjectKeyId ? 2 : 1) * 2 +
    (x.anchor ? 0 : 1);
  return out.sort((a, b) => score(a) - score(b));
}

function buildPaths(leaf: ParsedCertificate, pool: ParsedCertificate[], store: TrustStore): Candidate[] {
  const found: Candidate[] = [];
  const partial: Candidate[] = [];
  if (isTrustAnchor(store, leaf)) found.push({ path: [leaf], anchored: true });
  let steps = 0;
  const walk = (path: ParsedCertificate[]) => {
    if (found.length >= MAX_PATHS || ++steps > MAX_STEPS) {
      if (partial.length < MAX_PATHS) partial.push({ path, anchored: false });
      return;
    }
    const top = path[path.length - 1]!;
    const next = path.length < MAX_DEPTH ? issuerCandidates(top, pool, store) : [];
    const usable = next.filter((n) => !path.some((p) => p.sha256 === n.cert.sha256));
    let extended = false;
    for (const n of usable) {
      if (n.anchor) {
        found.push({ path: [...path, n.cert], anchored: true });
        extended = true;
      } else {
        extended = true;
        walk([...path, n.cert]);
      }
    }
    if (!extended && partial.length < MAX_PATHS) partial.push({ path, anchored: false });
  };
  walk([leaf]);
  if (found.length) return found;
  // No path reaches an anchor: report the most complete attempts (longest first).
  return partial.sort((a, b) => b.path.length - a.path.length).slice(0, MAX_PARTIAL_REPORTED);
}

// ---------------------------------------------------------------------------------------------
// Validation of one path

interface PathContext {
  path: ParsedCertificate[];
  anchored: boolean;
  at: Date;
  host: string | undefined;
  purpose: Purpose;
  keyExchange: 'rsa' | 'ecdhe' | undefined;
  crls: readonly Uint8Array[];
  email: string | undefined;
  policy: Policy;
  /** Cache of signature results by child/parent fingerprints. */
  sigCache: Map<string, boolean>;
}

function validatePath(ctx: PathContext): CertCheck[] {
  const { path, at } = ctx;
  const checks: CertCheck[] = [];
  const n = path.length;
  const leaf = path[0]!;
  const topIdx = n - 1;
  const top = path[topIdx]!;
  const push = (c: Omit<CertCheck, 'subject'> & { cert: number | null }) =>
    checks.push(c.cert === null ? c : { ...c, subject: path[c.cert]!.subject });

  // --- Chain-level: trust anchor (RFC 5280 §6.1: the path must end at a trust anchor)
  if (ctx.anchored) {
    push({
      id: 'trust-anchor',
      title: 'Ends at a trusted root',
      cert: topIdx,
      compared: `top of path "${top.subject}" vs trust store`,
      pass: true,
      reason: n === 1 ? 'the certificate itself is in the trust store' : `"${top.subject}" is a trust anchor`,
      rfc: 'RFC 5280 §6.1',
    });
  } else if (n === 1 && leaf.selfIssued) {
    push({
      id: 'self-signed-leaf',
      title: 'Self-signed certificate',
      cert: 0,
      compared: `issuer "${leaf.issuer}" = subject, not in the trust store`,
      pass: false,
      reason: 'the certificate is self-signed and is not in the trust store; nobody vouches for it',
      rfc: 'RFC 5280 §6.1',
    });
  } else if (top.selfIssued) {
    push({
      id: 'trust-anchor',
      title: 'Ends at a trusted root',
      cert: topIdx,
      compared: `root "${top.subject}" (SHA-256 ${top.sha256.slice(0, 23)}…) vs trust store`,
      pass: false,
      reason: `the chain ends at the self-signed root "${top.subject}", which is not in the trust store`,
      rfc: 'RFC 5280 §6.1',
    });
  } else {
    push({
      id: 'missing-intermediate',
      title: 'Issuer certificate available',
      cert: topIdx,
      compared: `issuer "${top.issuer}" vs presented certificates and trust store`,
      pass: false,
      reason: `no certificate for the issuer "${top.issuer}" was presented or is trusted: an intermediate certificate is missing (or the root is not trusted)`,
      rfc: 'RFC 5280 §6.1',
    });
  }

  for (let i = 0; i < n; i++) {
    const c = path[i]!;
    const isAnchor = ctx.anchored && i === topIdx;
    const issuer = i < topIdx ? path[i + 1]! : undefined;
    const role = i === 0 ? 'leaf' : isAnchor ? 'trust anchor' : 'intermediate';

    // --- Public key supported
    push({
      id: 'key-supported',
      title: 'Public key type supported',
      cert: i,
      compared: c.keyDescription,
      pass: c.publicKey !== null,
      reason: c.publicKey ? `${c.keyDescription} key` : (c.keyProblem ?? 'unsupported key'),
      rfc: 'RFC 5280 §4.1.2.7',
    });

    // --- Key strength: RSA ≥ 2048 (CA/Browser Forum Baseline Requirements §6.1.5)
    if (c.publicKey?.type === 'rsa') {
      const ok = c.publicKey.bits >= 2048;
      push({
        id: 'key-strength',
        title: 'Key size',
        cert: i,
        compared: `RSA ${c.publicKey.bits} bits vs minimum 2048`,
        pass: ok,
        reason: ok ? `RSA ${c.publicKey.bits} is at least 2048 bits` : `RSA ${c.publicKey.bits} is weak: keys under 2048 bits can be factored with enough computing power`,
        rfc: 'RFC 8446 §4.4.2.4; CA/B BR §6.1.5',
      });
    }

    // --- Signature of this link (not for the anchor: trusted by being in the store)
    if (issuer) {
      const key = `${c.sha256}|${issuer.sha256}`;
      let ok = ctx.sigCache.get(key);
      let cached = false;
      if (ok === undefined) {
        ok =
          issuer.publicKey !== null &&
          c.signatureAlgorithmsMatch &&
          c.signatureUnusedBits === 0 &&
          verifyX509Signature(c.signatureAlgorithm, issuer.publicKey, c.tbs, c.signature);
        // The process-wide signature cache answered (crypto/signature-cache.ts): say so.
        cached = issuer.publicKey !== null && c.signatureAlgorithmsMatch && c.signatureUnusedBits === 0 && lastX509SignatureCached();
        ctx.sigCache.set(key, ok);
      }
      push({
        id: 'signature',
        title: 'Signature by issuer',
        cert: i,
        compared: `${c.signatureAlgorithm.name} signature on "${c.subject}" vs public key (${issuer.keyDescription}) of "${issuer.subject}"`,
        pass: ok,
        reason: `${ok ? `the issuer's key verifies the signature over tbsCertificate` : signatureFailure(c, issuer)}${cached ? ' (signature checked earlier, cached)' : ''}`,
        rfc: 'RFC 5280 §6.1.3 (a)(1)',
        ...(cached ? { cached: true } : {}),
      });
      // --- Weak hash in the signature
      const h = 'hash' in c.signatureAlgorithm ? c.signatureAlgorithm.hash : undefined;
      if (h === 'md5' || h === 'sha1') {
        push({
          id: 'weak-signature',
          title: 'Signature algorithm strength',
          cert: i,
          compared: `${c.signatureAlgorithm.name} vs SHA-256 or better`,
          pass: false,
          reason: `${h === 'md5' ? 'MD5' : 'SHA-1'} is broken: collisions let an attacker forge a certificate with the same signature`,
          rfc: 'RFC 9155; RFC 6151',
        });
      }
      // --- Name chaining
      const chained = c.issuerKey === issuer.subjectKey;
      push({
        id: 'name-chaining',
        title: 'Issuer name matches',
        cert: i,
        compared: `issuer "${c.issuer}" vs subject "${issuer.subject}"`,
        pass: chained,
        reason: chained ? 'the issuer field names the next certificate' : 'the issuer field does not name the next certificate',
        rfc: 'RFC 5280 §6.1.3 (a)(4)',
      });
    }

    // --- Validity window (all certificates, as OpenSSL does, including the anchor)
    // Comparisons with an invalid date are all false: an unusable time must fail, not pass.
    const badTime = Number.isNaN(at.getTime()) || Number.isNaN(c.notBefore.getTime()) || Number.isNaN(c.notAfter.getTime());
    const notYet = at < c.notBefore;
    const expired = at > c.notAfter;
    push({
      id: 'validity',
      title: `Valid at ${iso(at)}`,
      cert: i,
      compared: `${iso(at)} vs [${iso(c.notBefore)}, ${iso(c.notAfter)}]`,
      pass: !badTime && !notYet && !expired,
      reason: badTime
        ? Number.isNaN(at.getTime())
          ? 'the validation time is not a valid date'
          : `the ${role} certificate's validity dates cannot be read`
        : expired
          ? `the ${role} certificate expired on ${iso(c.notAfter)}`
          : notYet
            ? `the ${role} certificate is not valid before ${iso(c.notBefore)}`
            : 'inside the validity period',
      rfc: 'RFC 5280 §6.1.3 (a)(2)',
    });

    // --- Extensions decodable, not repeated, only in v3, no unknown critical one (RFC 5280 §4.2, §4.1.2.9)
    const problems: string[] = [];
    for (const e of c.extensions) {
      if (e.error) problems.push(e.error);
      else if (e.critical && !e.processed) problems.push(`unknown critical extension ${e.name}: a verifier must reject what it cannot process`);
    }
    const oids = c.extensions.map((e) => e.oid);
    for (const dup of new Set(oids.filter((o, k) => oids.indexOf(o) !== k))) {
      problems.push(`extension ${c.extensions.find((e) => e.oid === dup)!.name} appears more than once`);
    }
    if (c.extensions.length > 0 && c.version !== 3) problems.push(`extensions in a version ${c.version} certificate (only v3 may have them)`);
    push({
      id: 'critical-extensions',
      title: 'Extensions understood',
      cert: i,
      compared: `critical: [${c.extensions.filter((e) => e.critical).map((e) => e.name).join(', ') || 'none'}]`,
      pass: problems.length === 0,
      reason: problems.length ? problems.join('; ') : 'every critical extension is understood',
      rfc: 'RFC 5280 §4.2, §4.1.2.9',
    });

    if (i > 0) {
      // --- Issuer must be a CA (basicConstraints cA), RFC 5280 §6.1.4 (k)
      const bc = c.basicConstraints;
      const isCa = bc?.ca === true;
      const anchorOk = isAnchor && bc === undefined && c.version < 3;
      push({
        id: 'basic-constraints',
        title: 'Issuer is a CA',
        cert: i,
        compared: bc ? `basicConstraints cA=${bc.ca}` : `no basicConstraints (v${c.version})`,
        pass: isCa || anchorOk,
        reason: isCa
          ? 'basicConstraints says cA=TRUE'
          : anchorOk
            ? 'a v1 trust anchor is accepted as a CA by being trusted'
            : bc
              ? 'basicConstraints says cA=FALSE: this certificate may not issue certificates'
              : 'no basicConstraints extension: this certificate may not issue certificates',
        rfc: 'RFC 5280 §4.2.1.9, §6.1.4 (k)',
      });
      // --- pathLenConstraint: non-self-issued intermediates below this CA (§6.1.4 (l)(m))
      if (bc?.pathLen !== undefined) {
        let below = 0;
        for (let j = 1; j < i; j++) if (!path[j]!.selfIssued) below++;
        push({
          id: 'path-length',
          title: 'Path length constraint',
          cert: i,
          compared: `${below} intermediate(s) below vs pathLenConstraint ${bc.pathLen}`,
          pass: below <= bc.pathLen,
          reason:
            below <= bc.pathLen
              ? 'within the allowed number of intermediates'
              : `this CA allows at most ${bc.pathLen} intermediate(s) below it, the path has ${below}`,
          rfc: 'RFC 5280 §4.2.1.9, §6.1.4 (m)',
        });
      }
      // --- keyUsage keyCertSign, §4.2.1.3 / §6.1.4 (n)
      if (c.keyUsage) {
        const ok = c.keyUsage.usages.includes('keyCertSign');
        push({
          id: 'key-usage',
          title: 'Issuer may sign certificates',
          cert: i,
          compared: `keyUsage [${c.keyUsage.usages.join(', ')}] vs keyCertSign`,
          pass: ok,
          reason: ok ? 'keyCertSign is set' : 'keyCertSign is not set: this key may not sign certificates',
          rfc: 'RFC 5280 §4.2.1.3, §6.1.4 (n)',
        });
      }
      // --- EKU on intermediates constrains the purpose (CA/B BR §7.1.2.2; OpenSSL, browsers)
      if (c.extKeyUsage && !isAnchor) checks.push(ekuCheck(c, i, ctx.purpose));
      // --- Name constraints of this CA over every certificate below it (§6.1.3 (b)(c))
      if (c.nameConstraints) {
        const problems: string[] = [];
        for (let j = 0; j < i; j++) {
          const sub = path[j]!;
          if (j > 0 && sub.selfIssued) continue;
          const dns = [...(sub.subjectAltName?.dns ?? [])];
          // No SAN on the leaf: its CN is a host name that the constraints must also cover.
          if (j === 0 && !sub.subjectAltName) {
            const cn = cnOf(sub);
            if (cn && /^[a-z0-9*.-]+\.[a-z0-9-]+$/i.test(cn)) dns.push(cn);
          }
          problems.push(
            ...nameConstraintViolations(
              { dns, ips: sub.subjectAltName?.ipBytes ?? [], emails: sub.subjectAltName?.email ?? [], subject: sub.subjectAttributes },
              c.nameConstraints.permitted,
              c.nameConstraints.excluded,
            ).map((p) => (j === 0 ? p : `${sub.subject}: ${p}`)),
          );
        }
        const desc = (l: GeneralSubtreeBase[]) => l.map((s) => `${s.kind}:${'value' in s ? s.value : s.text}`).join(', ');
        push({
          id: 'name-constraints',
          title: 'Name constraints',
          cert: i,
          compared: `names below vs permitted [${desc(c.nameConstraints.permitted)}] excluded [${desc(c.nameConstraints.excluded)}]`,
          pass: problems.length === 0,
          reason: problems.length ? problems.join('; ') : 'every name below is within the constraints',
          rfc: 'RFC 5280 §4.2.1.10, §6.1.3 (b)(c)',
        });
      }
    }
  }

  // --- Leaf checks
  if (n > 1 || !ctx.anchored) {
    // keyUsage of the leaf, RFC 5280 §4.2.1.3 + RFC 5246 §7.4.2 / RFC 8446 §4.4.2.2
    if (leaf.keyUsage) {
      const u = leaf.keyUsage.usages;
      let need: string;
      let ok: boolean;
      if (ctx.purpose === 'client' || ctx.keyExchange === 'ecdhe') {
        need = 'digitalSignature';
        ok = u.includes('digitalSignature');
      } else if (ctx.keyExchange === 'rsa') {
        need = 'keyEncipherment';
        ok = u.includes('keyEncipherment');
      } else {
        need = 'digitalSignature or keyEncipherment';
        ok = u.includes('digitalSignature') || u.includes('keyEncipherment') || u.includes('keyAgreement');
      }
      push({
        id: 'key-usage',
        title: 'Key usage allows TLS',
        cert: 0,
        compared: `keyUsage [${u.join(', ')}] vs ${need}`,
        pass: ok,
        reason: ok
          ? `${need} is allowed`
          : `the key may not be used for ${need}${ctx.keyExchange === 'rsa' ? ' (RSA key transport encrypts the premaster with it)' : ' (the handshake signature needs it)'}`,
        rfc: 'RFC 5280 §4.2.1.3',
      });
    }
    if (leaf.extKeyUsage) checks.push(ekuCheck(leaf, 0, ctx.purpose));
  }

  // --- Host name (RFC 6125 §6.4, RFC 5280 §4.2.1.6)
  if (ctx.host !== undefined) checks.push(hostnameCheck(leaf, ctx.host));

  // --- [crl branch] Revocation from the given CRLs (RFC 5280 §6.3) and the expected e-mail
  // identity (§4.2.1.6): pki/crl.ts; a self-contained block for the policy rewrite to keep.
  checks.push(...pathRevocationChecks(path, ctx.crls, at, ctx.policy));
  if (ctx.email !== undefined) checks.push(...emailChecks(leaf, ctx.email));
  return checks;
}

function ekuCheck(c: ParsedCertificate, idx: number, purpose: Purpose): CertCheck {
  const want = purpose === 'server' ? 'serverAuth' : 'clientAuth';
  const names = c.extKeyUsage!.names;
  const ok = names.includes(want) || names.includes('anyExtendedKeyUsage');
  return {
    id: 'ext-key-usage',
    title: idx === 0 ? `Extended key usage allows ${want}` : `Issuer's extended key usage allows ${want}`,
    cert: idx,
    subject: c.subject,
    compared: `extKeyUsage [${names.join(', ')}] vs ${want}`,
    pass: ok,
    reason: ok
      ? `${names.includes(want) ? want : 'anyExtendedKeyUsage'} is listed`
      : `${want} is not listed: the certificate is not meant for TLS ${purpose === 'server' ? 'servers' : 'clients'}`,
    rfc: 'RFC 5280 §4.2.1.12',
  };
}

/** The host-name check of a leaf (exported for the CLI and tests). */
export function hostnameCheck(leaf: ParsedCertificate, host: string): CertCheck {
  const base = { id: 'hostname', title: `Name matches "${host}"`, cert: 0, subject: leaf.subject, rfc: 'RFC 6125 §6.4; RFC 5280 §4.2.1.6' };
  const ip = hostIp(host);
  const san = leaf.subjectAltName;
  if (ip) {
    const ips = san?.ipBytes ?? [];
    const ok = ips.some((x) => ipEquals(x, ip));
    return {
      ...base,
      compared: `IP ${host} vs SAN [${(san?.ip ?? []).map((x) => `IP:${x}`).join(', ')}]`,
      pass: ok,
      reason: ok ? 'an iPAddress entry equals the address' : san ? 'no iPAddress entry in the subjectAltName equals the address (DNS entries and the CN do not count for IP addresses)' : 'the certificate has no subjectAltName, so it names no IP address',
    };
  }
  if (san) {
    const list = san.dns.map((d) => `DNS:${d}`).concat(san.ip.map((x) => `IP:${x}`));
    const whys: string[] = [];
    for (const d of san.dns) {
      const m = matchDnsName(host, d);
      if (m.match) return { ...base, compared: `host "${host}" vs SAN [${list.join(', ')}]`, pass: true, reason: m.how };
      if (d.includes('*')) whys.push(m.why);
    }
    return {
      ...base,
      compared: `host "${host}" vs SAN [${list.join(', ')}]`,
      pass: false,
      reason: `no subjectAltName entry matches "${normalizeDnsName(host)}"${whys.length ? ` (${whys.join('; ')})` : ''}; the CN is not consulted when a subjectAltName is present`,
    };
  }
  const cn = cnOf(leaf);
  const m = cn ? matchDnsName(host, cn) : undefined;
  return {
    ...base,
    compared: `host "${host}" vs CN "${cn ?? ''}" (no subjectAltName)`,
    pass: !!m?.match,
    reason: m?.match
      ? `no subjectAltName, so the CN is used (legacy; browsers refuse this): ${m.how}`
      : 'no subjectAltName and the CN does not match',
  };
}

// ---------------------------------------------------------------------------------------------
// Entry point

/**
 * Builds and validates the certification path of `chain[0]`. Never throws: unparseable input
 * becomes a failed `parse` check.
 */
export function verifyChain(opts: VerifyChainOptions): VerificationReportSummary {
  const at = opts.at ?? new Date();
  const base = { purpose: opts.purpose, at: iso(at), ...(opts.host !== undefined ? { host: opts.host } : {}) };
  const store = Array.isArray(opts.anchors) ? createTrustStore(opts.anchors) : opts.anchors;

  if (opts.chain.length === 0) {
    const check: CertCheck = {
      id: 'parse',
      title: 'Certificate present',
      cert: null,
      compared: 'presented chain is empty',
      pass: false,
      reason: 'no certificate was presented',
      rfc: 'RFC 8446 §4.4.2',
    };
    return { ...base, ok: false, alert: 'bad_certificate', verdict: 'no certificate was presented', certificates: [], checks: [check] };
  }

  let leaf: ParsedCertificate;
  try {
    leaf = parseCertificateCached(opts.chain[0]!);
  } catch (e) {
    const check: CertCheck = {
      id: 'parse',
      title: 'Certificate readable',
      cert: null,
      compared: `${opts.chain[0]!.length} bytes of DER`,
      pass: false,
      reason: `the leaf certificate cannot be parsed: ${(e as Error).message}`,
      rfc: 'RFC 5280 §4.1',
    };
    return { ...base, ok: false, alert: 'bad_certificate', verdict: check.reason, certificates: [], checks: [check] };
  }

  const extraChecks: CertCheck[] = [];
  const pool: ParsedCertificate[] = [];
  const seen = new Set<string>([leaf.sha256]);
  if (opts.chain.length > MAX_CHAIN) {
    extraChecks.push({
      id: 'extra-ignored',
      title: 'Extra certificates ignored',
      cert: null,
      compared: `${opts.chain.length} certificates presented vs limit ${MAX_CHAIN}`,
      pass: true,
      reason: `only the first ${MAX_CHAIN} certificates are considered for path building`,
      rfc: 'RFC 8446 §4.4.2',
    });
  }
  for (const [i, der] of opts.chain.slice(1, MAX_CHAIN).entries()) {
    try {
      const p = parseCertificateCached(der);
      if (seen.has(p.sha256)) continue; // duplicates
      seen.add(p.sha256);
      pool.push(p);
    } catch (e) {
      extraChecks.push({
        id: 'extra-ignored',
        title: 'Unreadable extra certificate ignored',
        cert: null,
        compared: `presented certificate #${i + 2}`,
        pass: true,
        reason: `certificate #${i + 2} cannot be parsed (${(e as Error).message}) and is not used`,
        rfc: 'RFC 8446 §4.4.2',
      });
    }
  }

  const sigCache = new Map<string, boolean>();
  const candidates = buildPaths(leaf, pool, store);
  let best: { cand: Candidate; checks: CertCheck[]; failures: number } | undefined;
  for (const cand of candidates) {
    const checks = validatePath({
      path: cand.path,
      anchored: cand.anchored,
      at,
      host: opts.host,
      purpose: opts.purpose,
      keyExchange: opts.keyExchange,
      crls: opts.crls ?? [],
      email: opts.email,
      policy: opts.policy ?? 'webpki',
      sigCache,
    });
    const failures = checks.filter((c) => !c.pass).length;
    const better =
      !best ||
      failures < best.failures ||
      (failures === best.failures && cand.path.length > best.cand.path.length && !best.cand.anchored);
    if (better) best = { cand, checks, failures };
    if (failures === 0) break;
  }
  const { cand, checks } = best!;
  const certificates: CertSummary[] = cand.path.map((c, i) =>
    summarize(c, i === 0 ? 'leaf' : cand.anchored && i === cand.path.length - 1 ? 'anchor' : 'intermediate'),
  );
  for (const p of pool) if (!cand.path.includes(p)) certificates.push(summarize(p, 'unused'));
  const allChecks = [...checks, ...extraChecks];
  const failed = allChecks.filter((c) => !c.pass);
  if (failed.length === 0) {
    return {
      ...base,
      ok: true,
      verdict: `valid: ${cand.path.length} certificate(s) up to trusted root "${cand.path[cand.path.length - 1]!.subject}"`,
      certificates,
      checks: allChecks,
    };
  }
  const first = [...failed].sort((a, b) => CHECK_PRIORITY.indexOf(a.id) - CHECK_PRIORITY.indexOf(b.id))[0]!;
  return {
    ...base,
    ok: false,
    alert: CHECK_ALERT[first.id] ?? 'certificate_unknown',
    verdict: first.subject && first.cert !== null ? `${first.reason} (${first.subject})` : first.reason,
    certificates,
    checks: allChecks,
  };
}

/** Why a link's signature check failed, most specific cause first. */
function signatureFailure(c: ParsedCertificate, issuer: ParsedCertificate): string {
  if (!c.signatureAlgorithmsMatch) return 'the signature algorithm inside tbsCertificate differs from the outer one';
  if (c.signatureUnusedBits !== 0) {
    return `the signatureValue BIT STRING declares ${c.signatureUnusedBits} unused bits; a signature is whole bytes, so the encoding was altered`;
  }
  if (c.signatureAlgorithm.kind === 'unsupported') return `signature algorithm ${c.signatureAlgorithm.name} is not supported`;
  if (issuer.publicKey === null) return 'the issuer key is not supported';
  return 'the signature does not verify with the issuer key: the certificate was altered or signed by another key';
}
