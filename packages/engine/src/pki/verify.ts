/**
 * Certificate path building and validation (RFC 5280 §6), with a report that explains itself.
 *
 * `verifyChain` builds every candidate path from the leaf through the presented certificates
 * (any order, extras, duplicates) to a trust anchor, validates each, and reports the first
 * path that passes — or, if none does, the most complete one with every failed check. Each
 * check is one `CertCheck` (what was compared with what, pass/fail, a plain reason, its source:
 * RFC 5280 §…, RFC 9525 §…, CABF BR §…); the report's `alert` is what a TLS endpoint sends when
 * it fails, and `policy` says which policy judged it (pki/checks.ts):
 * - `webpki` (default for server certificates): RFC 5280 plus the CA/Browser Forum rules
 *   browsers enforce — SAN required (no CN fallback), CN a copy of a SAN, serverAuth EKU,
 *   key identifiers, RSA sizes, no wildcard on a public suffix…
 * - `rfc5280` (default for client certificates): the RFC alone, for private PKIs.
 * Both refuse MD5/SHA-1 signatures and RSA keys under 2048 bits (a TLS endpoint would), and the
 * anchor's own self-signature is not checked (RFC 5280 §6.1: trust comes from the store).
 *
 * The rules live in one file per family: name-constraints.ts, identity.ts (host names, SAN,
 * CN), profile.ts (key identifiers, version, serial, EKU, keys, consistency), time.ts.
 */
import type { CertCheck, CertSummary, VerificationReportSummary } from '../events';
import { verifyX509Signature } from '../crypto/signature';
import { lastX509SignatureCached } from '../crypto/signature-cache';
import { clearParseCache, nameAttributesFromDer, nameKey, parseCertificateCached, type ParsedCertificate } from './parse';
import { certificateParts } from './der';
import { equalBytes } from '../codec/hex';
import { checkAlert, decisiveFailure, withSubject, type CheckInput, type Policy, type Purpose, type RuleContext } from './checks';
import { nameConstraintsCheck } from './name-constraints';
import { policyCheck } from './policies';
import { emailChecks, pathRevocationChecks } from './crl';
import { commonNameCheck, hostnameCheck, subjectAltNameCheck } from './identity';
import {
  anchorOnly,
  ekuCheck,
  keyIdentifiersCheck,
  keyStrengthCheck,
  leafKeyUsageCheck,
  profileCheck,
  serialCheck,
  versionCheck,
  type KeyExchange,
} from './profile';
import { iso, validityCheck } from './time';

export type { Purpose, Policy, KeyExchange };
export { hostnameCheck };
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
  /**
   * The roots come from a root program (Mozilla's store): their own profile (key identifiers,
   * basicConstraints criticality, EKU, version) was judged by that program and is not judged
   * again, as browsers do not — a few long-trusted roots predate today's rules.
   */
  readonly curated: boolean;
}

export interface VerifyChainOptions {
  /** Leaf first, then any extra certificates in any order. */
  chain: Uint8Array[];
  anchors: Uint8Array[] | TrustStore;
  /** Validation time (default: now). */
  at?: Date;
  /** Reference identity (DNS name or IP literal). Absent: not checked. */
  host?: string;
  /** Expected e-mail address of the leaf (rfc822Name SAN), e.g. a client's (pki/crl.ts). Absent: not checked. */
  email?: string;
  purpose: Purpose;
  /**
   * The TLS use of the leaf's key, checked against its keyUsage: 'rsa' = TLS 1.2 RSA key
   * transport (keyEncipherment), 'ecdhe' = it signs the handshake (digitalSignature; TLS 1.3
   * and client certificates too), 'any' = either. Absent: no TLS key-usage check (a plain path
   * validation, e.g. of a CA certificate as the target).
   */
  keyExchange?: KeyExchange;
  /** Default: 'webpki' for the server purpose, 'rfc5280' for the client purpose. */
  policy?: Policy;
  /** DER CRLs given by the user: each certificate whose issuer issued one is checked against it (pki/crl.ts). */
  crls?: readonly Uint8Array[];
  /** Intermediate certificates allowed between the leaf and the trust anchor (default 10). */
  maxDepth?: number;
}

export { parseCertificateCached, clearParseCache };

/** Builds a trust store from DER anchors (duplicates dropped; unreadable ones listed in `rejected`). */
export function createTrustStore(ders: Uint8Array[], opts: { curated?: boolean } = {}): TrustStore {
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
  return { kind: 'trust-store', ders: kept, bySubject, rejected, curated: opts.curated === true };
}

/** True when this exact certificate is in the store. */
function isTrustAnchor(store: TrustStore, c: ParsedCertificate): boolean {
  return (store.bySubject.get(c.subjectKey) ?? []).some((d) => equalBytes(d, c.der));
}

// ---------------------------------------------------------------------------------------------
// Report helpers

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

// ---------------------------------------------------------------------------------------------
// Path building

interface Candidate {
  /** leaf … top; the last is an anchor when `anchored`. */
  path: ParsedCertificate[];
  anchored: boolean;
}

/** Default bound on intermediates (VerifyChainOptions.maxDepth). */
export const DEFAULT_MAX_DEPTH = 10;
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

function buildPaths(leaf: ParsedCertificate, pool: ParsedCertificate[], store: TrustStore, maxCerts: number): Candidate[] {
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
    const next = path.length < maxCerts ? issuerCandidates(top, pool, store) : [];
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

interface PathContext extends RuleContext {
  at: Date;
  host: string | undefined;
  keyExchange: KeyExchange | undefined;
  maxDepth: number;
  crls: readonly Uint8Array[];
  email: string | undefined;
  /** Cache of signature results by child/parent fingerprints. */
  sigCache: Map<string, boolean>;
}

/** RFC 5280 §6.1: the path ends at a trust anchor (or why it does not), and its length. */
function anchorChecks(ctx: PathContext): CheckInput[] {
  const { path } = ctx;
  const n = path.length;
  const topIdx = n - 1;
  const top = path[topIdx]!;
  const rfc = 'RFC 5280 §6.1';
  const out: CheckInput[] = [];
  if (ctx.anchored) {
    const reason = n === 1 ? 'the certificate itself is in the trust store' : `"${top.subject}" is a trust anchor`;
    out.push({ id: 'trust-anchor', title: 'Ends at a trusted root', cert: topIdx, compared: `top of path "${top.subject}" vs trust store`, pass: true, reason, rfc });
  } else if (n === 1 && path[0]!.selfIssued) {
    const leaf = path[0]!;
    const reason = 'the certificate is self-signed and is not in the trust store; nobody vouches for it';
    out.push({ id: 'self-signed-leaf', title: 'Self-signed certificate', cert: 0, compared: `issuer "${leaf.issuer}" = subject, not in the trust store`, pass: false, reason, rfc });
  } else if (top.selfIssued) {
    const reason = `the chain ends at the self-signed root "${top.subject}", which is not in the trust store`;
    out.push({ id: 'trust-anchor', title: 'Ends at a trusted root', cert: topIdx, compared: `root "${top.subject}" (SHA-256 ${top.sha256.slice(0, 23)}…) vs trust store`, pass: false, reason, rfc });
  } else {
    const reason = `no certificate for the issuer "${top.issuer}" was presented or is trusted: an intermediate certificate is missing (or the root is not trusted)`;
    out.push({ id: 'missing-intermediate', title: 'Issuer certificate available', cert: topIdx, compared: `issuer "${top.issuer}" vs presented certificates and trust store`, pass: false, reason, rfc });
  }
  const intermediates = Math.max(0, n - (ctx.anchored ? 2 : 1));
  if (intermediates > ctx.maxDepth) {
    const reason = `the path has ${intermediates} intermediate certificates, more than the maximum of ${ctx.maxDepth}`;
    out.push({ id: 'path-depth', title: 'Path length', cert: null, compared: `${intermediates} intermediates vs max depth ${ctx.maxDepth}`, pass: false, reason, rfc: 'RFC 5280 §6.1 (implementation limit)' });
  }
  return out;
}

/** The link from certificate `i` to its issuer: signature, its hash, name chaining. */
function linkChecks(ctx: PathContext, i: number): CheckInput[] {
  const c = ctx.path[i]!;
  const issuer = ctx.path[i + 1]!;
  const key = `${c.sha256}|${issuer.sha256}`;
  let ok = ctx.sigCache.get(key);
  let cached = false;
  if (ok === undefined) {
    const checkable = issuer.publicKey !== null && c.signatureAlgorithmsMatch && c.signatureUnusedBits === 0;
    ok = checkable && verifyX509Signature(c.signatureAlgorithm, issuer.publicKey!, c.tbs, c.signature);
    // The process-wide signature cache answered (crypto/signature-cache.ts): say so.
    cached = checkable && lastX509SignatureCached();
    ctx.sigCache.set(key, ok);
  }
  const out: CheckInput[] = [
    {
      id: 'signature',
      title: 'Signature by issuer',
      cert: i,
      compared: `${c.signatureAlgorithm.name} signature on "${c.subject}" vs public key (${issuer.keyDescription}) of "${issuer.subject}"`,
      pass: ok,
      reason: `${ok ? `the issuer's key verifies the signature over tbsCertificate` : signatureFailure(c, issuer)}${cached ? ' (signature checked earlier, cached)' : ''}`,
      rfc: 'RFC 5280 §6.1.3 (a)(1)',
      ...(cached ? { cached: true } : {}),
    },
  ];
  const h = 'hash' in c.signatureAlgorithm ? c.signatureAlgorithm.hash : undefined;
  if (h === 'md5' || h === 'sha1') {
    out.push({
      id: 'weak-signature',
      title: 'Signature algorithm strength',
      cert: i,
      compared: `${c.signatureAlgorithm.name} vs SHA-256 or better`,
      pass: false,
      reason: `${h === 'md5' ? 'MD5' : 'SHA-1'} is broken: collisions let an attacker forge a certificate with the same signature`,
      rfc: 'RFC 9155; RFC 6151',
    });
  }
  const chained = c.issuerKey === issuer.subjectKey;
  out.push({
    id: 'name-chaining',
    title: 'Issuer name matches',
    cert: i,
    compared: `issuer "${c.issuer}" vs subject "${issuer.subject}"`,
    pass: chained,
    reason: chained ? 'the issuer field names the next certificate' : 'the issuer field does not name the next certificate',
    rfc: 'RFC 5280 §6.1.3 (a)(4)',
  });
  return out;
}

/** Extensions decodable, not repeated, only in v3, no unknown critical one (RFC 5280 §4.2, §4.1.2.9). */
function extensionsCheck(c: ParsedCertificate, i: number): CheckInput {
  const problems: string[] = [];
  for (const e of c.extensions) {
    if (e.error) problems.push(e.error);
    else if (e.critical && !e.processed) problems.push(`unknown critical extension ${e.name}: a verifier must reject what it cannot process`);
  }
  const oids = c.extensions.map((e) => e.oid);
  for (const dup of new Set(oids.filter((o, k) => oids.indexOf(o) !== k))) problems.push(`extension ${c.extensions.find((e) => e.oid === dup)!.name} appears more than once`);
  if (c.extensions.length > 0 && c.version !== 3) problems.push(`extensions in a version ${c.version} certificate (only v3 may have them)`);
  return {
    id: 'critical-extensions',
    title: 'Extensions understood',
    cert: i,
    compared: `critical: [${c.extensions.filter((e) => e.critical).map((e) => e.name).join(', ') || 'none'}]`,
    pass: problems.length === 0,
    reason: problems.length ? problems.join('; ') : 'every critical extension is understood',
    rfc: 'RFC 5280 §4.2, §4.1.2.9',
  };
}

/** What every certificate of the path is checked for, whatever its place. */
function certificateChecks(ctx: PathContext, i: number): CheckInput[] {
  const c = ctx.path[i]!;
  const isAnchor = ctx.anchored && i === ctx.path.length - 1;
  const role = i === 0 ? 'leaf' : isAnchor ? 'trust anchor' : 'intermediate';
  const supported: CheckInput = {
    id: 'key-supported',
    title: 'Public key type supported',
    cert: i,
    compared: c.keyDescription,
    pass: c.publicKey !== null,
    reason: c.publicKey ? `${c.keyDescription} key` : (c.keyProblem ?? 'unsupported key'),
    rfc: ctx.policy === 'webpki' ? 'RFC 5280 §4.1.2.7; CABF BR §6.1.5' : 'RFC 5280 §4.1.2.7',
  };
  const out: (CheckInput | undefined)[] = [supported, keyStrengthCheck(ctx, i)];
  if (i < ctx.path.length - 1) out.push(...linkChecks(ctx, i));
  out.push(validityCheck(c, i, ctx.at, role), extensionsCheck(c, i));
  // A root from a root program keeps the profile that program accepted (TrustStore.curated).
  if (!(isAnchor && ctx.curatedAnchor && !anchorOnly(ctx))) out.push(versionCheck(ctx, i), serialCheck(ctx, i), keyIdentifiersCheck(ctx, i), profileCheck(ctx, i));
  out.push(subjectAltNameCheck(ctx, i));
  return out.filter((x): x is CheckInput => x !== undefined);
}

/** Certificate `i` > 0 issues the one below it: CA, path length, keyCertSign, EKU, name constraints. */
function issuerChecks(ctx: PathContext, i: number): CheckInput[] {
  const { path } = ctx;
  const c = path[i]!;
  const isAnchor = ctx.anchored && i === path.length - 1;
  const bc = c.basicConstraints;
  const isCa = bc?.ca === true;
  // RFC 5280 §6.1: a v1 trust anchor is a CA by being trusted (not under webpki: BR §7.1.1, v3 only).
  const anchorOk = isAnchor && bc === undefined && c.version < 3 && ctx.policy === 'rfc5280';
  const out: (CheckInput | undefined)[] = [
    {
      id: 'basic-constraints',
      title: 'Issuer is a CA',
      cert: i,
      compared: bc ? `basicConstraints cA=${bc.ca}` : `no basicConstraints (v${c.version})`,
      pass: isCa || anchorOk,
      reason: isCa
        ? 'basicConstraints says cA=TRUE'
        : anchorOk
          ? 'a v1 trust anchor is accepted as a CA by being trusted'
          : `${bc ? 'basicConstraints says cA=FALSE' : 'no basicConstraints extension'}: this certificate may not issue certificates`,
      rfc: 'RFC 5280 §4.2.1.9, §6.1.4 (k)',
    },
  ];
  if (bc?.pathLen !== undefined) {
    let below = 0;
    for (let j = 1; j < i; j++) if (!path[j]!.selfIssued) below++;
    out.push({
      id: 'path-length',
      title: 'Path length constraint',
      cert: i,
      compared: `${below} intermediate(s) below vs pathLenConstraint ${bc.pathLen}`,
      pass: below <= bc.pathLen,
      reason: below <= bc.pathLen ? 'within the allowed number of intermediates' : `this CA allows at most ${bc.pathLen} intermediate(s) below it, the path has ${below}`,
      rfc: 'RFC 5280 §4.2.1.9, §6.1.4 (m)',
    });
  }
  if (c.keyUsage) {
    const ok = c.keyUsage.usages.includes('keyCertSign');
    out.push({
      id: 'key-usage',
      title: 'Issuer may sign certificates',
      cert: i,
      compared: `keyUsage [${c.keyUsage.usages.join(', ')}] vs keyCertSign`,
      pass: ok,
      reason: ok ? 'keyCertSign is set' : 'keyCertSign is not set: this key may not sign certificates',
      rfc: 'RFC 5280 §4.2.1.3, §6.1.4 (n)',
    });
  }
  out.push(ekuCheck(ctx, i));
  if (c.nameConstraints) out.push(nameConstraintsCheck(ctx, i));
  return out.filter((x): x is CheckInput => x !== undefined);
}

/** The end-entity's checks: EKU, TLS key usage, identity (skipped when the path is only a trusted certificate). */
function leafChecks(ctx: PathContext): CheckInput[] {
  const leaf = ctx.path[0]!;
  const out: (CheckInput | undefined)[] = [];
  if (!anchorOnly(ctx)) {
    out.push(ekuCheck(ctx, 0));
    if (ctx.keyExchange) out.push(leafKeyUsageCheck(leaf, ctx.keyExchange));
    out.push(commonNameCheck(ctx));
  }
  if (ctx.host !== undefined) out.push(hostnameCheck(leaf, ctx.host, ctx.policy));
  return out.filter((x): x is CheckInput => x !== undefined);
}

function validatePath(ctx: PathContext): CertCheck[] {
  const checks: CheckInput[] = anchorChecks(ctx);
  for (let i = 0; i < ctx.path.length; i++) {
    checks.push(...certificateChecks(ctx, i));
    if (i > 0) checks.push(...issuerChecks(ctx, i));
  }
  checks.push(...leafChecks(ctx));
  const policies = policyCheck(ctx);
  if (policies) checks.push(policies);
  // Revocation from the given CRLs (RFC 5280 §6.3) and the expected e-mail identity (§4.2.1.6): pki/crl.ts.
  checks.push(...pathRevocationChecks(ctx.path, ctx.crls, ctx.at, ctx.policy));
  if (ctx.email !== undefined) checks.push(...emailChecks(ctx.path[0]!, ctx.email));
  return checks.map((c) => withSubject(c, ctx.path));
}

// ---------------------------------------------------------------------------------------------
// Entry point

type ReportBase = Pick<VerificationReportSummary, 'purpose' | 'policy' | 'at' | 'host'>;

function failedReport(base: ReportBase, check: CertCheck): VerificationReportSummary {
  return { ...base, ok: false, alert: checkAlert(check), verdict: check.reason, certificates: [], checks: [check] };
}

/** Parses the presented extras (duplicates dropped; unreadable ones become notes). */
function presentedPool(chain: Uint8Array[], leaf: ParsedCertificate): { pool: ParsedCertificate[]; notes: CertCheck[] } {
  const notes: CertCheck[] = [];
  const pool: ParsedCertificate[] = [];
  const seen = new Set<string>([leaf.sha256]);
  if (chain.length > MAX_CHAIN) {
    const reason = `only the first ${MAX_CHAIN} certificates are considered for path building`;
    notes.push({ id: 'extra-ignored', title: 'Extra certificates ignored', cert: null, compared: `${chain.length} certificates presented vs limit ${MAX_CHAIN}`, pass: true, reason, rfc: 'RFC 8446 §4.4.2' });
  }
  for (const [i, der] of chain.slice(1, MAX_CHAIN).entries()) {
    try {
      const p = parseCertificateCached(der);
      if (seen.has(p.sha256)) continue;
      seen.add(p.sha256);
      pool.push(p);
    } catch (e) {
      const reason = `certificate #${i + 2} cannot be parsed (${(e as Error).message}) and is not used`;
      notes.push({ id: 'extra-ignored', title: 'Unreadable extra certificate ignored', cert: null, compared: `presented certificate #${i + 2}`, pass: true, reason, rfc: 'RFC 8446 §4.4.2' });
    }
  }
  return { pool, notes };
}

/**
 * Builds and validates the certification path of `chain[0]` under the policy. Never throws:
 * unparseable input becomes a failed `parse` check, anything unexpected a failed check too.
 */
export function verifyChain(opts: VerifyChainOptions): VerificationReportSummary {
  const at = opts.at ?? new Date();
  const policy: Policy = opts.policy ?? (opts.purpose === 'client' ? 'rfc5280' : 'webpki');
  const base: ReportBase = { purpose: opts.purpose, policy, at: iso(at), ...(opts.host !== undefined ? { host: opts.host } : {}) };
  try {
    return verifyChainUnsafe(opts, at, base);
  } catch (e) {
    const reason = `the chain could not be processed: ${e instanceof Error ? e.message : String(e)}`;
    return failedReport(base, { id: 'parse', title: 'Chain processed', cert: null, compared: `${opts.chain?.length ?? 0} certificate(s)`, pass: false, reason, rfc: 'RFC 5280 §6' });
  }
}

function verifyChainUnsafe(opts: VerifyChainOptions, at: Date, base: ReportBase): VerificationReportSummary {
  const store = Array.isArray(opts.anchors) ? createTrustStore(opts.anchors) : opts.anchors;
  if (opts.chain.length === 0) {
    return failedReport(base, { id: 'parse', title: 'Certificate present', cert: null, compared: 'presented chain is empty', pass: false, reason: 'no certificate was presented', rfc: 'RFC 8446 §4.4.2' });
  }
  let leaf: ParsedCertificate;
  try {
    leaf = parseCertificateCached(opts.chain[0]!);
  } catch (e) {
    const reason = `the leaf certificate cannot be parsed: ${(e as Error).message}`;
    return failedReport(base, { id: 'parse', title: 'Certificate readable', cert: null, compared: `${opts.chain[0]!.length} bytes of DER`, pass: false, reason, rfc: 'RFC 5280 §4.1' });
  }
  const { pool, notes } = presentedPool(opts.chain, leaf);
  const maxDepth = Math.max(0, Math.floor(opts.maxDepth ?? DEFAULT_MAX_DEPTH));
  const sigCache = new Map<string, boolean>();
  // Build one certificate further than allowed, so a path that is too long is reported as such.
  const candidates = buildPaths(leaf, pool, store, Math.min(maxDepth + 3, MAX_CHAIN));
  let best: { cand: Candidate; checks: CertCheck[]; failures: number } | undefined;
  for (const cand of candidates) {
    const ctx: PathContext = { path: cand.path, anchored: cand.anchored, curatedAnchor: store.curated, policy: base.policy, purpose: opts.purpose, at, host: opts.host, keyExchange: opts.keyExchange, maxDepth, crls: opts.crls ?? [], email: opts.email, sigCache };
    const checks = validatePath(ctx);
    const failures = checks.filter((c) => !c.pass).length;
    const better = !best || failures < best.failures || (failures === best.failures && cand.path.length > best.cand.path.length && !best.cand.anchored);
    if (better) best = { cand, checks, failures };
    if (failures === 0) break;
  }
  const { cand, checks } = best!;
  const certificates: CertSummary[] = cand.path.map((c, i) => summarize(c, i === 0 ? 'leaf' : cand.anchored && i === cand.path.length - 1 ? 'anchor' : 'intermediate'));
  for (const p of pool) if (!cand.path.includes(p)) certificates.push(summarize(p, 'unused'));
  const allChecks = [...checks, ...notes];
  const first = decisiveFailure(allChecks.filter((c) => !c.pass));
  if (!first) {
    const verdict = `valid under ${base.policy}: ${cand.path.length} certificate(s) up to trusted root "${cand.path[cand.path.length - 1]!.subject}"`;
    return { ...base, ok: true, verdict, certificates, checks: allChecks };
  }
  const verdict = first.subject && first.cert !== null ? `${first.reason} (${first.subject})` : first.reason;
  return { ...base, ok: false, alert: checkAlert(first), verdict, certificates, checks: allChecks };
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
