/**
 * Host name matching: a reference identity against one presented identifier, RFC 6125 §6.4 /
 * RFC 9525 §6.3 (DNS, wildcards) and RFC 5280 §4.2.1.6 (iPAddress). Which identifiers are
 * presented (SAN only, or the CN as a legacy fallback under rfc5280) is decided in identity.ts.
 */
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
  // A dNSName is IA5 (ASCII) with IDNs as A-labels (RFC 5280 §7.2): a U-label in a certificate matches nothing.
  if (/[^\x21-\x7e]/.test(presented)) return { match: false, why: `${presented}: not an ASCII host name (IDNs are stored as xn-- A-labels)` };
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

// Name constraints live in name-constraints.ts; re-exported for the callers that import them here.
export { dnsWithinSubtree, ipWithinSubtree, nameConstraintViolations } from './name-constraints';
