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
 * The steps live in one file per job: trust-store.ts (anchors by subject), path-build.ts
 * (candidate paths), path-checks.ts (the validation of one path); the rules in one file per
 * family: name-constraints.ts, identity.ts (host names, SAN, CN), profile.ts (key identifiers,
 * version, serial, EKU, keys, consistency), time.ts, revocation.ts, email.ts.
 */
import type { CertCheck, CertSummary, VerificationReportSummary } from '../events';
import { clearParseCache, parseCertificateCached, type ParsedCertificate } from './parse';
import { checkAlert, decisiveFailure, type Policy, type Purpose } from './checks';
import { hostnameCheck } from './identity';
import { type KeyExchange } from './profile';
import { iso } from './time';
import { createTrustStore, type TrustStore } from './trust-store';
import { buildPaths, DEFAULT_MAX_DEPTH, MAX_CHAIN, type Candidate } from './path-build';
import { validatePath, type PathContext } from './path-checks';

export type { Purpose, Policy, KeyExchange };
export { hostnameCheck };
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
export { createTrustStore, type TrustStore } from './trust-store';
export { DEFAULT_MAX_DEPTH } from './path-build';

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
    notes.push({
      id: 'extra-ignored',
      title: 'Extra certificates ignored',
      cert: null,
      compared: `${chain.length} certificates presented vs limit ${MAX_CHAIN}`,
      pass: true,
      reason,
      rfc: 'RFC 8446 §4.4.2',
    });
  }
  for (const [i, der] of chain.slice(1, MAX_CHAIN).entries()) {
    try {
      const p = parseCertificateCached(der);
      if (seen.has(p.sha256)) continue;
      seen.add(p.sha256);
      pool.push(p);
    } catch (e) {
      const reason = `certificate #${i + 2} cannot be parsed (${(e as Error).message}) and is not used`;
      notes.push({
        id: 'extra-ignored',
        title: 'Unreadable extra certificate ignored',
        cert: null,
        compared: `presented certificate #${i + 2}`,
        pass: true,
        reason,
        rfc: 'RFC 8446 §4.4.2',
      });
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
    return failedReport(base, {
      id: 'parse',
      title: 'Chain processed',
      cert: null,
      compared: `${opts.chain?.length ?? 0} certificate(s)`,
      pass: false,
      reason,
      rfc: 'RFC 5280 §6',
    });
  }
}

function verifyChainUnsafe(opts: VerifyChainOptions, at: Date, base: ReportBase): VerificationReportSummary {
  const store = Array.isArray(opts.anchors) ? createTrustStore(opts.anchors) : opts.anchors;
  if (opts.chain.length === 0) {
    return failedReport(base, {
      id: 'parse',
      title: 'Certificate present',
      cert: null,
      compared: 'presented chain is empty',
      pass: false,
      reason: 'no certificate was presented',
      rfc: 'RFC 8446 §4.4.2',
    });
  }
  let leaf: ParsedCertificate;
  try {
    leaf = parseCertificateCached(opts.chain[0]!);
  } catch (e) {
    const reason = `the leaf certificate cannot be parsed: ${(e as Error).message}`;
    return failedReport(base, {
      id: 'parse',
      title: 'Certificate readable',
      cert: null,
      compared: `${opts.chain[0]!.length} bytes of DER`,
      pass: false,
      reason,
      rfc: 'RFC 5280 §4.1',
    });
  }
  const { pool, notes } = presentedPool(opts.chain, leaf);
  const maxDepth = Math.max(0, Math.floor(opts.maxDepth ?? DEFAULT_MAX_DEPTH));
  const sigCache = new Map<string, boolean>();
  // Build one certificate further than allowed, so a path that is too long is reported as such.
  const candidates = buildPaths(leaf, pool, store, Math.min(maxDepth + 3, MAX_CHAIN));
  let best: { cand: Candidate; checks: CertCheck[]; failures: number } | undefined;
  for (const cand of candidates) {
    const ctx: PathContext = {
      path: cand.path,
      anchored: cand.anchored,
      curatedAnchor: store.curated,
      policy: base.policy,
      purpose: opts.purpose,
      at,
      host: opts.host,
      keyExchange: opts.keyExchange,
      maxDepth,
      crls: opts.crls ?? [],
      email: opts.email,
      sigCache,
    };
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
