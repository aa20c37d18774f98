/**
 * Certificate profile rules: what each certificate must look like for its place in the path.
 * - Key identifiers (RFC 5280 §4.2.1.1–2; CABF BR §7.1.2.1.3 for roots under webpki).
 * - Version and serial number (RFC 5280 §4.1.2.1–2; CABF BR §7.1.1).
 * - Consistency: basicConstraints critical in a CA, keyCertSign only with cA, a CA's subject not
 *   empty, policyConstraints / authorityInfoAccess criticality, nameConstraints only in a CA,
 *   and under webpki no end-entity with cA=TRUE (CABF BR §7.1.2.7.8).
 * - Extended key usage (RFC 5280 §4.2.1.12; CABF BR §7.1.2.7.10, §7.1.2.1.2 under webpki).
 * - Keys (CABF BR §6.1.5: RSA ≥ 2048 bits, a multiple of 8, under webpki; ≥ 2048 always).
 */
import type { CheckInput, RuleContext } from './checks';
import { OID, type ParsedCertificate } from './parse';

const hasExt = (c: ParsedCertificate, oid: string) => c.extensions.find((e) => e.oid === oid);
const isCa = (c: ParsedCertificate) => c.basicConstraints?.ca === true;
const role = (ctx: RuleContext, i: number) => (i === 0 ? 'leaf' : ctx.anchored && i === ctx.path.length - 1 ? 'root' : 'intermediate');
/** The path is a single trusted certificate: checked as a trust anchor, not as a leaf. */
export const anchorOnly = (ctx: RuleContext) => ctx.anchored && ctx.path.length === 1;

function result(id: CheckInput['id'], title: string, cert: number, compared: string, problems: string[], ok: string, rfc: string): CheckInput {
  return { id, title, cert, compared, pass: problems.length === 0, reason: problems.length ? problems.join('; ') : ok, rfc };
}

/** SKI / AKI presence, criticality and (webpki) the root's AKI form. */
export function keyIdentifiersCheck(ctx: RuleContext, i: number): CheckInput {
  const c = ctx.path[i]!;
  const ski = hasExt(c, OID.subjectKeyIdentifier);
  const aki = hasExt(c, OID.authorityKeyIdentifier);
  const problems: string[] = [];
  if (ski?.critical) problems.push('subjectKeyIdentifier is critical (RFC 5280 §4.2.1.2: MUST be non-critical)');
  if (aki?.critical) problems.push('authorityKeyIdentifier is critical (RFC 5280 §4.2.1.1: MUST be non-critical)');
  if (isCa(c) && !ski) problems.push('a CA certificate without subjectKeyIdentifier (RFC 5280 §4.2.1.2: MUST appear in every CA certificate)');
  if (!c.selfIssued && !c.authorityKeyId) problems.push('no authorityKeyIdentifier keyIdentifier in a certificate that is not self-issued (RFC 5280 §4.2.1.1)');
  // The root rules are for the top of the path only: a self-issued intermediate (key rollover) names another key.
  const root = c.selfIssued && i === ctx.path.length - 1;
  if (ctx.policy === 'webpki' && aki && root) {
    if (c.authorityKeyIdIssuerSerial) problems.push("the root's authorityKeyIdentifier carries authorityCertIssuer / authorityCertSerialNumber (CABF BR §7.1.2.1.3: MUST NOT)");
    if (!c.authorityKeyId) problems.push("the root's authorityKeyIdentifier has no keyIdentifier (CABF BR §7.1.2.1.3)");
    if (c.authorityKeyId && c.subjectKeyId && c.authorityKeyId !== c.subjectKeyId)
      problems.push("the root's authorityKeyIdentifier differs from its subjectKeyIdentifier (CABF BR §7.1.2.1.3)");
  }
  const show = (v?: string) => (v ? `${v.slice(0, 16)}…` : 'absent');
  return result(
    'key-identifiers',
    'Key identifiers',
    i,
    `SKI ${show(c.subjectKeyId)} · AKI ${aki ? show(c.authorityKeyId) : 'absent'}`,
    problems,
    'subjectKeyIdentifier / authorityKeyIdentifier are where they must be, non-critical',
    ctx.policy === 'webpki' ? 'RFC 5280 §4.2.1.1, §4.2.1.2; CABF BR §7.1.2.1.3' : 'RFC 5280 §4.2.1.1, §4.2.1.2',
  );
}

/** X.509 version: v3 everywhere under webpki; a CA must be v3 (a v1 root only as an rfc5280 anchor). */
export function versionCheck(ctx: RuleContext, i: number): CheckInput {
  const c = ctx.path[i]!;
  const r = role(ctx, i);
  const problems: string[] = [];
  if (c.version !== 3) {
    if (ctx.policy === 'webpki') problems.push(`a version ${c.version} certificate (CABF BR §7.1.1: certificates MUST be v3)`);
    else if (r === 'intermediate') problems.push(`a version ${c.version} certificate cannot be a CA: only v3 carries basicConstraints`);
  }
  return result(
    'version',
    'Certificate version',
    i,
    `version ${c.version}`,
    problems,
    c.version === 3 ? 'X.509 v3' : `v${c.version} accepted as a trust anchor`,
    'RFC 5280 §4.1.2.1; CABF BR §7.1.1',
  );
}

/**
 * serialNumber: a positive INTEGER of at most 20 octets (RFC 5280 §4.1.2.2). Not judged for a
 * trust anchor above other certificates: roots with serial 0 are in browser stores and trusted
 * as configured (RFC 5280 §6.1).
 */
export function serialCheck(ctx: RuleContext, i: number): CheckInput | undefined {
  if (ctx.anchored && i === ctx.path.length - 1 && !anchorOnly(ctx)) return undefined;
  const b = ctx.path[i]!.serialBytes;
  const problems: string[] = [];
  const significant = b.length > 1 && b[0] === 0 ? b.subarray(1) : b;
  if (b.length === 0) problems.push('the serial number is empty');
  else if (b[0]! & 0x80) problems.push('the serial number is negative');
  else if (b.every((x) => x === 0)) problems.push('the serial number is zero');
  if (significant.length > 20) problems.push(`the serial number is ${significant.length} octets, over 20`);
  return result('serial-number', 'Serial number', i, `${b.length} octet(s): ${ctx.path[i]!.serial.slice(0, 42)}`, problems, 'positive, at most 20 octets', 'RFC 5280 §4.1.2.2');
}

/** Consistency of basicConstraints, keyUsage, subject and the criticality of a few extensions. */
export function profileCheck(ctx: RuleContext, i: number): CheckInput {
  const c = ctx.path[i]!;
  const problems: string[] = [];
  const bc = c.basicConstraints;
  const issuing = i > 0;
  if (issuing && bc?.ca && !bc.critical) problems.push('basicConstraints is not critical in a CA certificate (RFC 5280 §4.2.1.9)');
  if (c.keyUsage && c.keyUsage.usages.length === 0) problems.push('a keyUsage extension with no bit set (RFC 5280 §4.2.1.3: at least one)');
  if (c.signatureAlgorithmsMatch === false && ctx.anchored && i === ctx.path.length - 1)
    problems.push('the signature algorithm inside tbsCertificate differs from the outer one (RFC 5280 §4.1.1.2)');
  if (c.keyUsage?.usages.includes('keyCertSign') && !isCa(c)) problems.push('keyUsage keyCertSign without basicConstraints cA=TRUE (RFC 5280 §4.2.1.3)');
  if (bc && !bc.ca && bc.pathLen !== undefined) problems.push('pathLenConstraint without cA=TRUE (RFC 5280 §4.2.1.9)');
  if (issuing && c.subjectAttributes.length === 0) problems.push('a CA certificate with an empty subject (RFC 5280 §4.1.2.6)');
  if (hasExt(c, OID.policyConstraints)?.critical === false) problems.push('policyConstraints is not critical (RFC 5280 §4.2.1.11: MUST be critical)');
  if (hasExt(c, OID.authorityInfoAccess)?.critical) problems.push('authorityInfoAccess is critical (RFC 5280 §4.2.2.1: MUST be non-critical)');
  if (c.nameConstraints && !isCa(c)) problems.push('nameConstraints in a certificate that is not a CA (RFC 5280 §4.2.1.10)');
  if (ctx.policy === 'webpki' && i === 0 && !anchorOnly(ctx) && isCa(c)) problems.push('an end-entity certificate with cA=TRUE (CABF BR §7.1.2.7.8)');
  return result(
    'profile',
    'Certificate profile',
    i,
    `basicConstraints ${bc ? `cA=${bc.ca}${bc.critical ? ' (critical)' : ''}` : 'absent'} · keyUsage [${c.keyUsage?.usages.join(', ') ?? 'absent'}] · subject ${c.subjectAttributes.length ? 'set' : 'empty'}`,
    problems,
    'extensions consistent with its role',
    ctx.policy === 'webpki' ? 'RFC 5280 §4.2; CABF BR §7.1.2' : 'RFC 5280 §4.2',
  );
}

/** EKUs a TLS server (subscriber) certificate must not carry beside serverAuth (CABF BR §7.1.2.7.10). */
const FORBIDDEN_IN_TLS_SERVER: Record<string, string> = {
  '1.3.6.1.5.5.7.3.3': 'codeSigning',
  '1.3.6.1.5.5.7.3.4': 'emailProtection',
  '1.3.6.1.5.5.7.3.8': 'timeStamping',
  '1.3.6.1.5.5.7.3.9': 'OCSPSigning',
  '1.3.6.1.4.1.11129.2.4.4': 'precertificate signing (RFC 6962)',
};

/** Extended key usage of certificate `i` for the purpose, under the policy. */
export function ekuCheck(ctx: RuleContext, i: number): CheckInput | undefined {
  const c = ctx.path[i]!;
  const want = ctx.purpose === 'server' ? 'serverAuth' : 'clientAuth';
  const eku = c.extKeyUsage;
  const r = role(ctx, i);
  const webpki = ctx.policy === 'webpki';
  const problems: string[] = [];
  if (r === 'root') {
    if (!webpki || !eku || anchorOnly(ctx) || ctx.curatedAnchor) return undefined;
    problems.push('a root certificate with extKeyUsage (CABF BR §7.1.2.1.2: MUST NOT be present)');
  } else if (!eku) {
    if (!(webpki && r === 'leaf')) return undefined;
    problems.push(`no extKeyUsage: a ${ctx.purpose} certificate must list ${want} (CABF BR §7.1.2.7.10)`);
  } else {
    const any = eku.names.includes('anyExtendedKeyUsage');
    if (!eku.names.includes(want) && !(any && !(webpki && r === 'leaf')))
      problems.push(`${want} is not listed: the certificate is not meant for TLS ${ctx.purpose === 'server' ? 'servers' : 'clients'}`);
    if (webpki && r === 'leaf' && any) problems.push('anyExtendedKeyUsage in a subscriber certificate (CABF BR §7.1.2.7.10: MUST NOT)');
    const forbidden = webpki && r === 'leaf' && ctx.purpose === 'server' ? eku.oids.filter((o) => FORBIDDEN_IN_TLS_SERVER[o]) : [];
    if (forbidden.length) problems.push(`${forbidden.map((o) => FORBIDDEN_IN_TLS_SERVER[o]).join(', ')} in a TLS server certificate (CABF BR §7.1.2.7.10: MUST NOT)`);
    if (webpki && eku.critical) problems.push('extKeyUsage is critical (CABF BR §7.1.2.7.10: MUST NOT)');
  }
  return result(
    'ext-key-usage',
    r === 'leaf' ? `Extended key usage allows ${want}` : `Issuer's extended key usage allows ${want}`,
    i,
    `extKeyUsage [${eku?.names.join(', ') ?? 'absent'}]${eku?.critical ? ' (critical)' : ''} vs ${want}`,
    problems,
    `${eku?.names.includes(want) ? want : 'anyExtendedKeyUsage'} is listed`,
    webpki ? 'RFC 5280 §4.2.1.12; CABF BR §7.1.2.7.10' : 'RFC 5280 §4.2.1.12',
  );
}

/** RSA key size: ≥ 2048 bits (both policies) and a whole number of bytes (webpki). */
export function keyStrengthCheck(ctx: RuleContext, i: number): CheckInput | undefined {
  const k = ctx.path[i]!.publicKey;
  if (k?.type !== 'rsa') return undefined;
  const problems: string[] = [];
  if (k.bits < 2048) problems.push(`RSA ${k.bits} is weak: keys under 2048 bits can be factored with enough computing power`);
  if (ctx.policy === 'webpki' && k.bits % 8 !== 0) problems.push(`an RSA modulus of ${k.bits} bits is not a multiple of 8 (CABF BR §6.1.5)`);
  return result(
    'key-strength',
    'Key size',
    i,
    `RSA ${k.bits} bits vs minimum 2048${ctx.policy === 'webpki' ? ', multiple of 8' : ''}`,
    problems,
    `RSA ${k.bits} is at least 2048 bits`,
    'RFC 8446 §4.4.2.4; CABF BR §6.1.5',
  );
}

export type KeyExchange = 'rsa' | 'ecdhe' | 'any';

/** The TLS use of the leaf's key against its keyUsage (RFC 5280 §4.2.1.3; RFC 5246 §7.4.2, RFC 8446 §4.4.2.2). */
export function leafKeyUsageCheck(leaf: ParsedCertificate, keyExchange: KeyExchange): CheckInput | undefined {
  if (!leaf.keyUsage) return undefined;
  const u = leaf.keyUsage.usages;
  const need = keyExchange === 'ecdhe' ? 'digitalSignature' : keyExchange === 'rsa' ? 'keyEncipherment' : 'digitalSignature or keyEncipherment';
  const ok =
    keyExchange === 'ecdhe'
      ? u.includes('digitalSignature')
      : keyExchange === 'rsa'
        ? u.includes('keyEncipherment')
        : u.includes('digitalSignature') || u.includes('keyEncipherment') || u.includes('keyAgreement');
  return {
    id: 'key-usage',
    title: 'Key usage allows TLS',
    cert: 0,
    compared: `keyUsage [${u.join(', ')}] vs ${need}`,
    pass: ok,
    reason: ok
      ? `${need} is allowed`
      : `the key may not be used for ${need}${keyExchange === 'rsa' ? ' (RSA key transport encrypts the premaster with it)' : ' (the handshake signature needs it)'}`,
    rfc: 'RFC 5280 §4.2.1.3',
  };
}
