/**
 * Host name and name-constraint matching.
 * - Reference identity vs presented identifiers: RFC 6125 §6.4 (DNS, wildcards) and RFC 5280
 *   §4.2.1.6 (iPAddress); the CN is consulted only when the certificate has no subjectAltName
 *   at all (RFC 6125 §6.4.4), never when a SAN is present.
 * - Name constraints: RFC 5280 §4.2.1.10 (dNSName, iPAddress, rfc822Name, directoryName).
 */
import type { GeneralSubtreeBase, NameAttribute } from './parse';
import { parseIpAddress } from './parse';

/**
 * Lower-case, strip one trailing dot (absolute names), and turn an internationalized name into
 * its A-labels (xn--…), the form certificates carry (RFC 6125 §6.4.2, RFC 5890).
 */
export function normalizeDnsName(name: string): string {
  let n = name.trim().toLowerCase();
  // eslint-disable-next-line no-control-regex -- "any non-ASCII character" is the range above \x7f
  if (/[^\x00-\x7f]/.test(n) && !n.includes('*')) {
    try {
      n = new URL(`http://${n}/`).hostname;
    } catch {
      // not a valid IDN: compare as given (it will not match)
    }
  }
  return n.endsWith('.') ? n.slice(0, -1) : n;
}

export type DnsMatch = { match: true; how: string } | { match: false; why: string };

/**
 * Matches a host against one DNS identifier from a certificate, with RFC 6125 §6.4.3 wildcard
 * rules: `*` only as the whole left-most label, matching exactly one label, and never directly
 * under a top-level label (`*.com`); partial wildcards (`f*.example.com`) are refused, as
 * browsers do.
 */
export function matchDnsName(host: string, presented: string): DnsMatch {
  const h = normalizeDnsName(host);
  const p = normalizeDnsName(presented);
  if (!p.includes('*')) return h === p ? { match: true, how: `exact match with ${presented}` } : { match: false, why: 'different name' };
  const labels = p.split('.');
  if (labels[0] !== '*' || labels.slice(1).some((l) => l.includes('*'))) {
    return { match: false, why: `${presented}: a wildcard must be the whole left-most label (RFC 6125 §6.4.3)` };
  }
  if (labels.length < 3) return { match: false, why: `${presented}: wildcard directly under a top-level domain is not allowed` };
  const hl = h.split('.');
  if (hl.length !== labels.length) return { match: false, why: `${presented} matches exactly one label in place of *` };
  if (hl[0] === '') return { match: false, why: 'empty left-most label' };
  if (hl.slice(1).join('.') !== labels.slice(1).join('.')) return { match: false, why: 'different parent domain' };
  return { match: true, how: `wildcard ${presented} covers the single label "${hl[0]}"` };
}

/** True when `host` is an IP address literal (v4 or v6, optionally in [brackets]). */
export function hostIp(host: string): Uint8Array | null {
  const h = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  return parseIpAddress(h);
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

export function ipEquals(a: Uint8Array, b: Uint8Array): boolean {
  return equal(a, b);
}

// ---------------------------------------------------------------------------------------------
// Name constraints (RFC 5280 §4.2.1.10)

/** dNSName constraint: "example.com" covers it and subdomains; ".example.com" subdomains only. */
export function dnsWithinSubtree(name: string, base: string): boolean {
  const n = normalizeDnsName(name).replace(/^\*\./, 'x.');
  const b = normalizeDnsName(base);
  if (b === '') return true;
  if (b.startsWith('.')) return n.endsWith(b);
  return n === b || n.endsWith('.' + b);
}

export function ipWithinSubtree(ip: Uint8Array, address: Uint8Array, mask: Uint8Array): boolean {
  if (ip.length !== address.length) return false;
  for (let i = 0; i < ip.length; i++) if ((ip[i]! & mask[i]!) !== (address[i]! & mask[i]!)) return false;
  return true;
}

export function emailWithinSubtree(email: string, base: string): boolean {
  const e = email.toLowerCase();
  const b = base.toLowerCase();
  if (b.includes('@')) return e === b;
  const host = e.slice(e.lastIndexOf('@') + 1);
  if (b.startsWith('.')) return host.endsWith(b);
  return host === b;
}

/** directoryName constraint: the name's RDN sequence starts with the base's (RFC 5280 §7.1 comparison). */
export function dnWithinSubtree(name: NameAttribute[][], base: NameAttribute[][]): boolean {
  if (base.length > name.length) return false;
  const norm = (rdn: NameAttribute[]) =>
    rdn
      .map((a) => `${a.oid}=${a.value.toLowerCase().trim().replace(/\s+/g, ' ')}`)
      .sort()
      .join('+');
  return base.every((rdn, i) => norm(rdn) === norm(name[i]!));
}

export interface NamesToConstrain {
  dns: string[];
  ips: Uint8Array[];
  emails: string[];
  subject: NameAttribute[][];
}

/** Checks names against one CA's permitted / excluded subtrees. Returns the violations. */
export function nameConstraintViolations(
  names: NamesToConstrain,
  permitted: GeneralSubtreeBase[],
  excluded: GeneralSubtreeBase[],
): string[] {
  const problems: string[] = [];
  const ofKind = <K extends GeneralSubtreeBase['kind']>(list: GeneralSubtreeBase[], k: K) =>
    list.filter((s): s is Extract<GeneralSubtreeBase, { kind: K }> => s.kind === k);
  const ipText = (b: Uint8Array) => (b.length === 4 ? Array.from(b).join('.') : Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(''));

  const pDns = ofKind(permitted, 'dns');
  const xDns = ofKind(excluded, 'dns');
  for (const d of names.dns) {
    if (pDns.length && !pDns.some((s) => dnsWithinSubtree(d, s.value)))
      problems.push(`DNS:${d} is outside the permitted subtrees [${pDns.map((s) => s.value).join(', ')}]`);
    const x = xDns.find((s) => dnsWithinSubtree(d, s.value));
    if (x) problems.push(`DNS:${d} is inside the excluded subtree ${x.value}`);
  }
  const pIp = ofKind(permitted, 'ip');
  const xIp = ofKind(excluded, 'ip');
  for (const ip of names.ips) {
    const same = (s: { address: Uint8Array }) => s.address.length === ip.length;
    const pSame = pIp.filter(same);
    if (pIp.length && !pSame.some((s) => ipWithinSubtree(ip, s.address, s.mask)))
      problems.push(`IP:${ipText(ip)} is outside the permitted subtrees [${pIp.map((s) => s.text).join(', ')}]`);
    const x = xIp.filter(same).find((s) => ipWithinSubtree(ip, s.address, s.mask));
    if (x) problems.push(`IP:${ipText(ip)} is inside the excluded subtree ${x.text}`);
  }
  const pMail = ofKind(permitted, 'email');
  const xMail = ofKind(excluded, 'email');
  for (const e of names.emails) {
    if (pMail.length && !pMail.some((s) => emailWithinSubtree(e, s.value)))
      problems.push(`email:${e} is outside the permitted subtrees [${pMail.map((s) => s.value).join(', ')}]`);
    const x = xMail.find((s) => emailWithinSubtree(e, s.value));
    if (x) problems.push(`email:${e} is inside the excluded subtree ${x.value}`);
  }
  const pDn = ofKind(permitted, 'dn');
  const xDn = ofKind(excluded, 'dn');
  if (names.subject.length) {
    if (pDn.length && !pDn.some((s) => dnWithinSubtree(names.subject, s.attributes)))
      problems.push(`subject is outside the permitted directoryName subtrees [${pDn.map((s) => s.text).join('; ')}]`);
    const x = xDn.find((s) => dnWithinSubtree(names.subject, s.attributes));
    if (x) problems.push(`subject is inside the excluded directoryName subtree ${x.text}`);
  }
  return problems;
}
