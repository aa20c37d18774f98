/**
 * X.501 Names and IP addresses in certificates: a DER Name's attributes, its readable form and
 * its comparison key (RFC 5280 §7.1), textual IP addresses, nameConstraints subtrees
 * (RFC 5280 §4.2.1.10), and the DER subject Name for certificate_authorities in a
 * CertificateRequest (RFC 5246 §7.4.4 DistinguishedName, RFC 8446 §4.2.4). The DER walk is
 * pki/der.ts (RFC 5280 §4.1 field positions).
 */
import { toHex } from '../codec/hex';
import { certificateParts, decodeName } from './der';
import { describeRawName, ipText, type RawSubtree } from './general-names';
import { ATTR_NAMES } from './oids';
import type { GeneralSubtreeBase, NameAttribute } from './parse';

/** The DER of the certificate's subject Name, or undefined if the certificate does not parse. */
export function subjectNameDer(cert: Uint8Array): Uint8Array | undefined {
  try {
    return certificateParts(cert).subject.slice();
  } catch {
    return undefined;
  }
}

/** The attributes of a DER Name (decoded by pki/der.ts, the same code the trust index uses). */
export function nameAttributesFromDer(nameDer: Uint8Array): NameAttribute[][] {
  return decodeName(nameDer).map((rdn) => rdn.map((a) => ({ oid: a.oid, type: ATTR_NAMES[a.oid] ?? a.oid, value: a.value })));
}

/** Readable form, in certificate order: `C=US, O=Example, CN=example.com`. */
export function formatName(attrs: NameAttribute[][]): string {
  if (attrs.length === 0) return '(empty name)';
  return attrs.map((rdn) => rdn.map((a) => `${a.type}=${a.value}`).join(' + ')).join(', ');
}

/** Comparison key per RFC 5280 §7.1 (simplified RFC 4518: case fold, collapse spaces). */
export function nameKey(attrs: NameAttribute[][]): string {
  return attrs
    .map((rdn) =>
      rdn
        .map((a) => `${a.oid}=${a.value.normalize('NFKC').toLowerCase().trim().replace(/\s+/g, ' ')}`)
        .sort()
        .join('+'),
    )
    .join('/');
}

/** Parses a textual IPv4 / IPv6 address into bytes, or null. */
export function parseIpAddress(text: string): Uint8Array | null {
  const t = text.trim();
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(t)) {
    const parts = t.split('.').map(Number);
    if (parts.some((p) => p > 255)) return null;
    return Uint8Array.from(parts);
  }
  if (!/^[0-9a-fA-F:.]+$/.test(t) || !t.includes(':')) return null;
  let head = t;
  let v4: number[] = [];
  const lastColon = t.lastIndexOf(':');
  if (t.slice(lastColon + 1).includes('.')) {
    const b = parseIpAddress(t.slice(lastColon + 1));
    if (!b || b.length !== 4) return null;
    v4 = Array.from(b);
    head = t.slice(0, lastColon + 1) + '0:0';
  }
  const halves = head.split('::');
  if (halves.length > 2) return null;
  const parse = (s: string) => (s === '' ? [] : s.split(':'));
  const left = parse(halves[0]!);
  const right = halves.length === 2 ? parse(halves[1]!) : [];
  const missing = 8 - left.length - right.length;
  if ((halves.length === 1 && missing !== 0) || missing < 0) return null;
  const groups = [...left, ...Array(halves.length === 2 ? missing : 0).fill('0'), ...right];
  if (groups.length !== 8) return null;
  const out = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    const g = groups[i]!;
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
    const v = parseInt(g, 16);
    out[i * 2] = v >> 8;
    out[i * 2 + 1] = v & 0xff;
  }
  if (v4.length) out.set(v4, 12);
  return out;
}

/** Textual form of an IP address's bytes. */
export function formatIpAddress(b: Uint8Array): string {
  if (b.length === 4) return Array.from(b).join('.');
  if (b.length === 16) {
    const groups: string[] = [];
    for (let i = 0; i < 16; i += 2) groups.push(((b[i]! << 8) | b[i + 1]!).toString(16));
    // compress the longest run of zeros
    let best = -1;
    let bestLen = 0;
    for (let i = 0; i < 8;) {
      if (groups[i] !== '0') {
        i++;
        continue;
      }
      let j = i;
      while (j < 8 && groups[j] === '0') j++;
      if (j - i > bestLen && j - i > 1) [best, bestLen] = [i, j - i];
      i = j;
    }
    if (best < 0) return groups.join(':');
    return groups.slice(0, best).join(':') + '::' + groups.slice(best + bestLen).join(':');
  }
  return toHex(b);
}

export const attrsOf = (rdns: { oid: string; value: string }[][]): NameAttribute[][] =>
  rdns.map((rdn) => rdn.map((a) => ({ oid: a.oid, type: ATTR_NAMES[a.oid] ?? a.oid, value: a.value })));

/** A mask is a run of 1 bits then 0 bits (a CIDR prefix); null when not. */
function prefixLength(mask: Uint8Array): number | null {
  let len = 0;
  let seenZero = false;
  for (const byte of mask)
    for (let bit = 7; bit >= 0; bit--) {
      const one = (byte >> bit) & 1;
      if (one && seenZero) return null;
      if (one) len++;
      else seenZero = true;
    }
  return len;
}

export function subtreeBase(st: RawSubtree): GeneralSubtreeBase {
  const g = st.base;
  const text = describeRawName(g, (a) => formatName(attrsOf(a)));
  const bad = (why: string): GeneralSubtreeBase => ({ kind: 'unprocessable', text, why });
  if (st.problem) return bad(st.problem);
  if (g.problem) return bad(g.problem);
  switch (g.kind) {
    case 'dns':
      if (g.value.startsWith('.')) return bad('a dNSName constraint has no leading-dot form (RFC 5280 §4.2.1.10)');
      if (/[^a-z0-9.-]/i.test(g.value) || g.value.includes('..')) return bad('not a valid dNSName');
      return { kind: 'dns', value: g.value };
    case 'email':
      // A mailbox, a host, or a domain with a leading dot (RFC 5280 §4.2.1.10).
      if (!/^([^@\s]+@)?[^@\s]+$/.test(g.value)) return bad('not a mailbox, host or domain');
      return { kind: 'email', value: g.value };
    case 'uri':
      return { kind: 'uri', value: g.value };
    case 'ip': {
      if (g.bytes.length !== 8 && g.bytes.length !== 32) return bad(`an iPAddress constraint is an address and a mask (8 or 32 octets), not ${g.bytes.length} octets`);
      const half = g.bytes.length / 2;
      const address = g.bytes.slice(0, half);
      const mask = g.bytes.slice(half);
      const len = prefixLength(mask);
      if (len === null) return bad('the iPAddress mask is not a contiguous prefix');
      return { kind: 'ip', address, mask, text: `${ipText(address)}/${len}` };
    }
    case 'dn': {
      const attributes = attrsOf(g.attributes);
      return { kind: 'dn', attributes, text: formatName(attributes) };
    }
    case 'other':
      return bad(`${g.form} constraints are not supported`);
  }
}
