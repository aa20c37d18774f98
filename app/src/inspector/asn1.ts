/**
 * A certificate's DER as a tree of byte spans (RFC 5280 §4.1 field names), for the same hex +
 * tree view as records: Certificate → tbsCertificate (version, serialNumber, signature, issuer,
 * validity, subject, subjectPublicKeyInfo, extensions) → signatureAlgorithm → signatureValue.
 * The TLVs are read with the engine's DER walker; anything this does not name is shown by its
 * ASN.1 type. Malformed DER gives the spans read so far and a note, never an exception.
 */
import { children, decodeOid, readTlv, type Tlv } from '@tlslab/engine/der';
import { ATTR_NAMES, EKU_NAMES, EXTENSION_NAMES } from '@tlslab/engine/oids';
import type { ByteSpan } from '../store/derive';

/**
 * Algorithm names for the inspector (with the curve's common name); extensions, Name attributes
 * and key purposes come from the certificate parser's own tables (pki/oids.ts).
 */
const ALGORITHMS: Record<string, string> = {
  '1.2.840.113549.1.1.1': 'rsaEncryption',
  '1.2.840.113549.1.1.10': 'RSASSA-PSS',
  '1.2.840.113549.1.1.11': 'sha256WithRSAEncryption',
  '1.2.840.113549.1.1.12': 'sha384WithRSAEncryption',
  '1.2.840.113549.1.1.13': 'sha512WithRSAEncryption',
  '1.2.840.113549.1.1.5': 'sha1WithRSAEncryption',
  '1.2.840.10045.2.1': 'ecPublicKey',
  '1.2.840.10045.3.1.7': 'prime256v1 (P-256)',
  '1.3.132.0.34': 'secp384r1 (P-384)',
  '1.3.132.0.35': 'secp521r1 (P-521)',
  '1.2.840.10045.4.3.2': 'ecdsa-with-SHA256',
  '1.2.840.10045.4.3.3': 'ecdsa-with-SHA384',
  '1.2.840.10045.4.3.4': 'ecdsa-with-SHA512',
  '1.3.101.112': 'Ed25519',
  '1.3.101.113': 'Ed448',
};

const OIDS: Record<string, string> = {
  ...ALGORITHMS,
  ...ATTR_NAMES,
  ...EKU_NAMES,
  ...Object.fromEntries(Object.entries(EXTENSION_NAMES).map(([oid, e]) => [oid, e.name])),
};

export const oidName = (oid: string) => OIDS[oid] ?? oid;

const UNIVERSAL: Record<number, string> = {
  0x01: 'BOOLEAN',
  0x02: 'INTEGER',
  0x03: 'BIT STRING',
  0x04: 'OCTET STRING',
  0x05: 'NULL',
  0x06: 'OBJECT IDENTIFIER',
  0x0c: 'UTF8String',
  0x13: 'PrintableString',
  0x16: 'IA5String',
  0x17: 'UTCTime',
  0x18: 'GeneralizedTime',
  0x30: 'SEQUENCE',
  0x31: 'SET',
};

function typeName(tag: number): string {
  if (UNIVERSAL[tag]) return UNIVERSAL[tag]!;
  if ((tag & 0xc0) === 0x80) return `[${tag & 0x1f}]`;
  return `tag 0x${tag.toString(16).padStart(2, '0')}`;
}

const text = new TextDecoder();
const hexOf = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

function contents(der: Uint8Array, t: Tlv): Uint8Array {
  return der.subarray(t.contentStart, t.end);
}

/** A readable value for a primitive TLV. */
function primitiveValue(der: Uint8Array, t: Tlv): string | undefined {
  const c = contents(der, t);
  switch (t.tag) {
    case 0x01:
      return c[0] ? 'TRUE' : 'FALSE';
    case 0x02:
      return c.length <= 6 ? String(c.reduce((n, b) => n * 256 + b, 0)) : hexOf(c);
    case 0x06:
      return oidName(decodeOid(c));
    case 0x0c:
    case 0x13:
    case 0x16:
      return JSON.stringify(text.decode(c));
    case 0x17:
    case 0x18:
      return timeValue(t.tag, text.decode(c));
    case 0x05:
      return '';
    default:
      return c.length <= 64 ? hexOf(c) : `${c.length} bytes`;
  }
}

function timeValue(tag: number, s: string): string {
  const m = tag === 0x17 ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s) : /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  if (!m) return s;
  const year = tag === 0x17 ? (Number(m[1]) < 50 ? 2000 : 1900) + Number(m[1]) : Number(m[1]);
  return `${year}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`;
}

/** "O=TLS Lab, CN=…" from a Name. */
function nameValue(der: Uint8Array, name: Tlv): string {
  const parts: string[] = [];
  for (const rdn of children(der, name))
    for (const atv of children(der, rdn)) {
      const [type, value] = children(der, atv);
      if (type && value) parts.push(`${oidName(decodeOid(contents(der, type)))}=${text.decode(contents(der, value))}`);
    }
  return parts.join(', ');
}

function algValue(der: Uint8Array, alg: Tlv): string {
  const [oid, params] = children(der, alg);
  const name = oid ? oidName(decodeOid(contents(der, oid))) : '?';
  return params?.tag === 0x06 ? `${name}, ${oidName(decodeOid(contents(der, params)))}` : name;
}

interface Walk {
  der: Uint8Array;
  base: number;
  out: ByteSpan[];
}

function push(w: Walk, t: Tlv, depth: number, label: string, value?: string): void {
  // The RFC reference on the top-level parts only (the tree stays readable).
  w.out.push({ start: w.base + t.start, end: w.base + t.end, depth, label, ...(value !== undefined ? { value } : {}), ...(depth <= 2 ? { rfc: 'RFC 5280 §4.1' } : {}) });
}

/** Generic: every TLV by its ASN.1 type, constructed ones opened. */
function generic(w: Walk, t: Tlv, depth: number, label?: string): void {
  const constructed = (t.tag & 0x20) !== 0;
  push(w, t, depth, label ?? typeName(t.tag), constructed ? undefined : primitiveValue(w.der, t));
  if (constructed) for (const c of children(w.der, t)) generic(w, c, depth + 1);
}

function extension(w: Walk, ext: Tlv, depth: number): void {
  const parts = children(w.der, ext);
  const oid = parts[0];
  const name = oid ? oidName(decodeOid(contents(w.der, oid))) : 'Extension';
  const critical = parts.length === 3 && parts[1]!.tag === 0x01 && contents(w.der, parts[1]!)[0] !== 0;
  push(w, ext, depth, 'Extension', `${name}${critical ? ' (critical)' : ''}`);
  for (const p of parts) {
    if (p === oid) push(w, p, depth + 1, 'extnID', name);
    else if (p.tag === 0x01) push(w, p, depth + 1, 'critical', primitiveValue(w.der, p));
    else if (p.tag === 0x04) {
      push(w, p, depth + 1, 'extnValue', `${p.end - p.contentStart} bytes`);
      // The value is itself DER: open it.
      try {
        const inner = readTlv(w.der, p.contentStart, p.end);
        generic(w, inner, depth + 2);
      } catch {
        /* not DER inside: left as bytes */
      }
    }
  }
}

/** The spans of one DER certificate, placed at `base` in the buffer that holds it. */
export function certificateSpans(der: Uint8Array, base = 0): { spans: ByteSpan[]; problem?: string } {
  const w: Walk = { der, base, out: [] };
  try {
    const cert = readTlv(der, 0);
    push(w, cert, 0, 'Certificate');
    const [tbs, sigAlg, sigVal] = children(der, cert);
    if (!tbs || !sigAlg || !sigVal) throw new Error('a Certificate is a SEQUENCE of three');
    push(w, tbs, 1, 'tbsCertificate');
    const fields = children(der, tbs);
    let i = 0;
    if (fields[0]?.tag === 0xa0) {
      const v = children(der, fields[0])[0];
      const n = v ? (contents(der, v)[0] ?? 0) : 0;
      push(w, fields[0], 2, 'version', `v${n + 1}`);
      i = 1;
    }
    const names = ['serialNumber', 'signature', 'issuer', 'validity', 'subject', 'subjectPublicKeyInfo'];
    for (const label of names) {
      const t = fields[i++];
      if (!t) break;
      if (label === 'serialNumber') push(w, t, 2, label, hexOf(contents(der, t)));
      else if (label === 'signature') push(w, t, 2, label, algValue(der, t));
      else if (label === 'issuer' || label === 'subject') {
        push(w, t, 2, label, nameValue(der, t));
      } else if (label === 'validity') {
        push(w, t, 2, label);
        const [nb, na] = children(der, t);
        if (nb) push(w, nb, 3, 'notBefore', primitiveValue(der, nb));
        if (na) push(w, na, 3, 'notAfter', primitiveValue(der, na));
      } else {
        const [alg, key] = children(der, t);
        push(w, t, 2, label);
        if (alg) push(w, alg, 3, 'algorithm', algValue(der, alg));
        if (key) push(w, key, 3, 'subjectPublicKey', `${key.end - key.contentStart - 1} bytes`);
      }
    }
    for (; i < fields.length; i++) {
      const t = fields[i]!;
      if (t.tag === 0xa3) {
        push(w, t, 2, 'extensions');
        const seq = children(der, t)[0];
        if (seq) for (const e of children(der, seq)) extension(w, e, 3);
      } else generic(w, t, 2);
    }
    push(w, sigAlg, 1, 'signatureAlgorithm', algValue(der, sigAlg));
    push(w, sigVal, 1, 'signatureValue', `${sigVal.end - sigVal.contentStart - 1} bytes`);
    return { spans: w.out };
  } catch (e) {
    return { spans: w.out, problem: `The DER could not be read to the end: ${e instanceof Error ? e.message : String(e)}` };
  }
}
