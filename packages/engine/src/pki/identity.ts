/**
 * The leaf's identity: the reference host name against the SAN (RFC 9525 §6.3, RFC 6125 §6.4,
 * RFC 5280 §4.2.1.6), and under the webpki policy the rules the CA/Browser Forum sets for the
 * names themselves: a SAN is required and is the only identity (no CN fallback), the CN is a
 * copy of a SAN entry (BR §7.1.4.3), SAN criticality follows the subject (BR §7.1.2.7.12), DNS
 * names are LDH syntax, and no wildcard sits directly on a public suffix (BR §3.2.2.6, with the
 * Public Suffix List's ICANN section, shipped by `tldts-icann`).
 */
import { getPublicSuffix } from 'tldts-icann';
import type { CertCheck } from '../events';
import type { CheckInput, Policy, RuleContext } from './checks';
import { hostIp, ipEquals, matchDnsName, normalizeDnsName } from './hostname';
import { dnsNameSyntaxProblem } from './name-constraints';
import { formatIpAddress, parseIpAddress, type ParsedCertificate } from './parse';
import { ipText } from './general-names';

const CN = '2.5.4.3';

function commonNames(c: ParsedCertificate): string[] {
  return c.subjectAttributes
    .flat()
    .filter((a) => a.oid === CN)
    .map((a) => a.value);
}

/** The CN used as a host name (the most specific one, as legacy clients did). */
function cnOf(c: ParsedCertificate): string | undefined {
  const all = commonNames(c);
  return all[all.length - 1];
}

/** True when `suffix` is a public suffix (ICANN section of the PSL) or a single label. */
function isPublicSuffix(suffix: string): boolean {
  const s = suffix.toLowerCase().replace(/\.$/, '');
  if (!s.includes('.')) return true;
  // The ICANN section only: a name is a suffix when the list's longest match is the whole name.
  return getPublicSuffix(s) === s;
}

/** The host-name check of a leaf (exported for the CLI and tests). */
export function hostnameCheck(leaf: ParsedCertificate, host: string, policy: Policy = 'rfc5280'): CertCheck {
  const base = {
    id: 'hostname' as const,
    title: `Name matches "${host}"`,
    cert: 0,
    subject: leaf.subject,
    rfc: policy === 'webpki' ? 'RFC 9525 §6.3; RFC 5280 §4.2.1.6' : 'RFC 6125 §6.4; RFC 5280 §4.2.1.6',
  };
  const ip = hostIp(host);
  const san = leaf.subjectAltName;
  if (ip) {
    const ok = (san?.ipBytes ?? []).some((x) => ipEquals(x, ip));
    return {
      ...base,
      compared: `IP ${host} vs SAN [${(san?.ip ?? []).map((x) => `IP:${x}`).join(', ')}]`,
      pass: ok,
      reason: ok
        ? 'an iPAddress entry equals the address'
        : san
          ? 'no iPAddress entry in the subjectAltName equals the address (DNS entries and the CN do not count for IP addresses)'
          : 'the certificate has no subjectAltName, so it names no IP address',
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
  if (policy === 'webpki') {
    return {
      ...base,
      compared: `host "${host}" vs CN "${cn ?? ''}" (no subjectAltName)`,
      pass: false,
      reason: 'the certificate has no subjectAltName; browsers do not fall back to the CN (RFC 9525 §6.3)',
    };
  }
  const m = cn ? matchDnsName(host, cn) : undefined;
  return {
    ...base,
    compared: `host "${host}" vs CN "${cn ?? ''}" (no subjectAltName)`,
    pass: !!m?.match,
    reason: m?.match ? `no subjectAltName, so the CN is used (legacy; browsers refuse this): ${m.how}` : 'no subjectAltName and the CN does not match',
  };
}

/** Problems with the SAN of certificate `c` (leaf under `webpki` gets the BR rules too). */
function sanProblems(c: ParsedCertificate, policy: Policy, isServerLeaf: boolean): string[] {
  const san = c.subjectAltName;
  const emptySubject = c.subjectAttributes.length === 0;
  const out: string[] = [];
  if (!san) {
    if (emptySubject) out.push('the subject is empty and there is no subjectAltName: the certificate names nobody (RFC 5280 §4.2.1.6)');
    else if (isServerLeaf && policy === 'webpki') out.push('no subjectAltName: a server certificate must name its hosts there (CABF BR §7.1.2.7.12)');
    return out;
  }
  if (san.names.length === 0) out.push('the subjectAltName extension is empty (RFC 5280: at least one name)');
  if (emptySubject && !san.critical) out.push('the subject is empty, so the subjectAltName MUST be critical (RFC 5280 §4.2.1.6)');
  if (!emptySubject && san.critical && policy === 'webpki') out.push('the subjectAltName is critical although the subject is not empty (CABF BR §7.1.2.7.12)');
  for (const g of san.names) {
    if (g.kind === 'ip' && g.bytes.length !== 4 && g.bytes.length !== 16) out.push(`IP:${ipText(g.bytes)} is ${g.bytes.length} octets (an iPAddress is 4 or 16)`);
    if (g.problem) out.push(`${g.kind} entry: ${g.problem}`);
    if (g.kind !== 'dns' || policy !== 'webpki' || !isServerLeaf) continue;
    const bad = dnsNameSyntaxProblem(g.value);
    if (bad) out.push(`DNS:${bad}`);
    else if (g.value.startsWith('*.') && isPublicSuffix(g.value.slice(2)))
      out.push(`DNS:${g.value} is a wildcard directly on the public suffix "${g.value.slice(2)}" (CABF BR §3.2.2.6)`);
  }
  return out;
}

/** The subjectAltName check (RFC 5280 §4.2.1.6 for every certificate; the BR rules for a webpki server leaf). */
export function subjectAltNameCheck(ctx: RuleContext, idx: number): CheckInput | undefined {
  const c = ctx.path[idx]!;
  // A path that is only a trusted certificate checks it as an anchor, not as a server's leaf.
  const serverLeaf = idx === 0 && ctx.purpose === 'server' && !(ctx.anchored && ctx.path.length === 1);
  const problems = sanProblems(c, ctx.policy, serverLeaf);
  if (problems.length === 0 && !(serverLeaf && ctx.policy === 'webpki')) return undefined;
  const san = c.subjectAltName;
  return {
    id: 'subject-alt-name',
    title: 'Subject alternative names',
    cert: idx,
    compared: san
      ? `SAN [${[...san.dns.map((d) => `DNS:${d}`), ...san.ip.map((i) => `IP:${i}`), ...san.email.map((e) => `email:${e}`), ...san.other].join(', ')}]${san.critical ? ' (critical)' : ''}`
      : 'no subjectAltName',
    pass: problems.length === 0,
    reason: problems.length ? problems.join('; ') : 'well-formed host names, none a wildcard on a public suffix',
    rfc: serverLeaf && ctx.policy === 'webpki' ? 'RFC 5280 §4.2.1.6; CABF BR §7.1.2.7.12, §3.2.2.6' : 'RFC 5280 §4.2.1.6',
  };
}

/** A CN that is meant as an IP address (even a badly written one: hex, leading zeros, IPv6 text). */
const ipLike = (cn: string) => parseIpAddress(cn) !== null || /^[0-9.]+$/.test(cn) || /^0x[0-9a-f]+$/i.test(cn) || cn.includes(':');

/**
 * webpki: every CN of a server leaf is a copy of one of its SAN entries (CABF BR §7.1.4.3):
 * character for character for a DNS name, the RFC 3986 / RFC 5952 text of an iPAddress entry.
 * A CN of a kind the SAN carries none of (a host name beside IP entries only) is not judged:
 * the SAN, not the CN, is the identity then.
 */
export function commonNameCheck(ctx: RuleContext): CheckInput | undefined {
  const leaf = ctx.path[0]!;
  const cns = commonNames(leaf);
  const san = leaf.subjectAltName;
  if (ctx.policy !== 'webpki' || ctx.purpose !== 'server' || cns.length === 0 || !san) return undefined;
  const ipTexts = san.ipBytes.map(formatIpAddress);
  const judged = cns.filter((cn) => (ipLike(cn) ? ipTexts.length > 0 : san.dns.length > 0));
  if (judged.length === 0) return undefined;
  const stray = judged.filter((cn) => !(ipLike(cn) ? ipTexts : san.dns).includes(cn));
  return {
    id: 'common-name',
    title: 'Common name is a SAN entry',
    cert: 0,
    compared: `CN ${cns.map((c) => `"${c}"`).join(', ')} vs SAN [${[...san.dns, ...ipTexts].join(', ')}]`,
    pass: stray.length === 0,
    reason: stray.length
      ? `CN "${stray[0]}" is not ${ipLike(stray[0]!) ? 'the RFC 3986 / RFC 5952 text form of' : 'a character-for-character copy of'} any subjectAltName entry`
      : 'each CN is a copy of a subjectAltName entry',
    rfc: 'CABF BR §7.1.4.3',
  };
}
