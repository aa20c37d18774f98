/**
 * A small DER walker (X.690 §8.1: tag, length, contents) for the hot paths of the PKI: finding
 * a certificate's raw issuer / subject Names and decoding Names, without a full ASN.1 parse.
 * Trust stores of ~150 roots are indexed with it in a few milliseconds; the full parse
 * (@peculiar/asn1-x509, pki/parse.ts) runs only for certificates a path actually uses.
 * Names are decoded here for both uses, so their comparison keys always agree.
 */

export interface Tlv {
  tag: number;
  /** Offset of the tag byte. */
  start: number;
  /** Offset of the contents. */
  contentStart: number;
  /** Offset just past the contents. */
  end: number;
}

/** Reads one TLV at `offset` (single-byte tags, definite lengths). Throws on malformed input. */
export function readTlv(der: Uint8Array, offset: number, limit = der.length): Tlv {
  if (offset + 2 > limit) throw new Error('DER: truncated header');
  const tag = der[offset]!;
  if ((tag & 0x1f) === 0x1f) throw new Error('DER: multi-byte tags not supported here');
  let len = der[offset + 1]!;
  let p = offset + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4) throw new Error('DER: bad length');
    if (p + n > limit) throw new Error('DER: truncated length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + der[p + i]!;
    p += n;
  }
  if (p + len > limit) throw new Error('DER: contents run past the end');
  return { tag, start: offset, contentStart: p, end: p + len };
}

/** The children of a constructed TLV. */
export function children(der: Uint8Array, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let p = parent.contentStart; p < parent.end;) {
    const t = readTlv(der, p, parent.end);
    out.push(t);
    p = t.end;
  }
  return out;
}

/** Dotted OID from the contents of an OBJECT IDENTIFIER. */
export function decodeOid(b: Uint8Array): string {
  const parts: number[] = [];
  let v = 0;
  for (let i = 0; i < b.length; i++) {
    v = v * 128 + (b[i]! & 0x7f);
    if (!(b[i]! & 0x80)) {
      if (parts.length === 0) parts.push(v < 80 ? Math.floor(v / 40) : 2, v < 80 ? v % 40 : v - 80);
      else parts.push(v);
      v = 0;
    }
  }
  return parts.join('.');
}

export interface RawCertificateParts {
  /** DER of tbsCertificate. */
  tbs: Uint8Array;
  issuer: Uint8Array;
  subject: Uint8Array;
  /**
   * The first content byte of the signatureValue BIT STRING: how many bits of its last byte are
   * unused. A signature is whole bytes, so anything but 0 means the certificate was altered
   * (X.690 §8.6.2.2); -1 if the BIT STRING is empty.
   */
  signatureUnusedBits: number;
}

/**
 * Locates tbsCertificate, issuer and subject (RFC 5280 §4.1) in a certificate's DER.
 * Throws if the outer structure is not Certificate-shaped.
 */
export function certificateParts(der: Uint8Array): RawCertificateParts {
  const cert = readTlv(der, 0);
  if (cert.tag !== 0x30 || cert.end !== der.length) throw new Error('not a single DER SEQUENCE');
  const top = children(der, cert);
  if (top.length !== 3 || top[0]!.tag !== 0x30 || top[1]!.tag !== 0x30 || top[2]!.tag !== 0x03) {
    throw new Error('not a Certificate (SEQUENCE of tbsCertificate, signatureAlgorithm, signatureValue)');
  }
  const tbsTlv = top[0]!;
  const sig = top[2]!;
  const f = children(der, tbsTlv);
  let i = f[0]?.tag === 0xa0 ? 1 : 0; // [0] EXPLICIT version
  i += 2; // serialNumber, signature
  const issuer = f[i];
  const subject = f[i + 2]; // after validity
  if (!issuer || !subject || issuer.tag !== 0x30 || subject.tag !== 0x30 || f[i + 1]?.tag !== 0x30) {
    throw new Error('tbsCertificate fields are not where RFC 5280 §4.1 puts them');
  }
  return {
    tbs: der.subarray(tbsTlv.start, tbsTlv.end),
    issuer: der.subarray(issuer.start, issuer.end),
    subject: der.subarray(subject.start, subject.end),
    signatureUnusedBits: sig.end > sig.contentStart ? der[sig.contentStart]! : -1,
  };
}

export interface DecodedAttribute {
  oid: string;
  value: string;
}

function decodeString(tag: number, b: Uint8Array): string {
  switch (tag) {
    case 0x0c: // UTF8String
      return new TextDecoder().decode(b);
    case 0x13: // PrintableString
    case 0x16: // IA5String
    case 0x1a: // VisibleString
    case 0x14: // TeletexString (treated as Latin-1)
      return String.fromCharCode(...b);
    case 0x1e: {
      // BMPString: UTF-16BE
      let s = '';
      for (let i = 0; i + 1 < b.length; i += 2) s += String.fromCharCode((b[i]! << 8) | b[i + 1]!);
      return s;
    }
    case 0x1c: {
      // UniversalString: UTF-32BE
      let s = '';
      for (let i = 0; i + 3 < b.length; i += 4) s += String.fromCodePoint(((b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!) >>> 0);
      return s;
    }
    default:
      return '#' + Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  }
}

/** Decodes a Name (RDNSequence, RFC 5280 §4.1.2.4) into RDNs of (OID, string value). */
export function decodeName(nameDer: Uint8Array): DecodedAttribute[][] {
  const name = readTlv(nameDer, 0);
  if (name.tag !== 0x30) throw new Error('Name is not a SEQUENCE');
  return children(nameDer, name).map((rdn) => {
    if (rdn.tag !== 0x31) throw new Error('RelativeDistinguishedName is not a SET');
    return children(nameDer, rdn).map((atv) => {
      const [type, value] = children(nameDer, atv);
      if (!type || !value || type.tag !== 0x06) throw new Error('AttributeTypeAndValue malformed');
      return {
        oid: decodeOid(nameDer.subarray(type.contentStart, type.end)),
        value: decodeString(value.tag, nameDer.subarray(value.contentStart, value.end)),
      };
    });
  });
}
