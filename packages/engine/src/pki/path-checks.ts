/**
 * Validation of one candidate path (RFC 5280 §6.1): the anchor and the length, each link's
 * signature and name chaining, what every certificate is checked for, what an issuer must be,
 * the end-entity's purpose and identity, policies, revocation and e-mail. Each check is a
 * `CheckInput`; the rules of each family live in their own file (profile.ts, identity.ts,
 * name-constraints.ts, policies.ts, time.ts, revocation.ts, email.ts).
 */
import type { CertCheck } from '../events';
import { verifyX509Signature } from '../crypto/signature';
import { lastX509SignatureCached } from '../crypto/signature-cache';
import { type ParsedCertificate } from './parse';
import { withSubject, type CheckInput, type RuleContext } from './checks';
import { nameConstraintsCheck } from './name-constraints';
import { policyCheck } from './policies';
import { emailChecks, pathRevocationChecks } from './crl';
import { commonNameCheck, hostnameCheck, subjectAltNameCheck } from './identity';
import { anchorOnly, ekuCheck, keyIdentifiersCheck, keyStrengthCheck, leafKeyUsageCheck, profileCheck, serialCheck, versionCheck, type KeyExchange } from './profile';
import { validityCheck } from './time';

// ---------------------------------------------------------------------------------------------
// Validation of one path

export interface PathContext extends RuleContext {
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
    out.push({
      id: 'self-signed-leaf',
      title: 'Self-signed certificate',
      cert: 0,
      compared: `issuer "${leaf.issuer}" = subject, not in the trust store`,
      pass: false,
      reason,
      rfc,
    });
  } else if (top.selfIssued) {
    const reason = `the chain ends at the self-signed root "${top.subject}", which is not in the trust store`;
    out.push({
      id: 'trust-anchor',
      title: 'Ends at a trusted root',
      cert: topIdx,
      compared: `root "${top.subject}" (SHA-256 ${top.sha256.slice(0, 23)}…) vs trust store`,
      pass: false,
      reason,
      rfc,
    });
  } else {
    const reason = `no certificate for the issuer "${top.issuer}" was presented or is trusted: an intermediate certificate is missing (or the root is not trusted)`;
    out.push({
      id: 'missing-intermediate',
      title: 'Issuer certificate available',
      cert: topIdx,
      compared: `issuer "${top.issuer}" vs presented certificates and trust store`,
      pass: false,
      reason,
      rfc,
    });
  }
  const intermediates = Math.max(0, n - (ctx.anchored ? 2 : 1));
  if (intermediates > ctx.maxDepth) {
    const reason = `the path has ${intermediates} intermediate certificates, more than the maximum of ${ctx.maxDepth}`;
    out.push({
      id: 'path-depth',
      title: 'Path length',
      cert: null,
      compared: `${intermediates} intermediates vs max depth ${ctx.maxDepth}`,
      pass: false,
      reason,
      rfc: 'RFC 5280 §6.1 (implementation limit)',
    });
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
    compared: `critical: [${
      c.extensions
        .filter((e) => e.critical)
        .map((e) => e.name)
        .join(', ') || 'none'
    }]`,
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

export function validatePath(ctx: PathContext): CertCheck[] {
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
