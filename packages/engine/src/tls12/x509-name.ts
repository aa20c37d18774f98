/**
 * Just enough DER to lift the subject Name out of a certificate, for the
 * certificate_authorities list of a TLS 1.2 CertificateRequest (RFC 5246 §7.4.4:
 * DistinguishedName = DER-encoded X.501 Name).
 *
 *   Certificate ::= SEQUENCE { tbsCertificate TBSCertificate, ... }
 *   TBSCertificate ::= SEQUENCE { [0] version OPTIONAL, serialNumber, signature, issuer,
 *                                 validity, subject, ... }          (RFC 5280 §4.1)
 */

interface Tlv {
  tag: number;
  /** Offset of the whole element (tag byte). */
  start: number;
  /** Offset of the contents. */
  body: number;
  end: number;
}

function readTlv(der: Uint8Array, at: number, limit: number): Tlv | undefined {
  if (at + 2 > limit) return undefined;
  const tag = der[at]!;
  let len = der[at + 1]!;
  let body = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 3 || body + n > limit) return undefined;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + der[body + i]!;
    body += n;
  }
  const end = body + len;
  if (end > limit) return undefined;
  return { tag, start: at, body, end };
}

/** The DER of the certificate's subject Name, or undefined if the certificate does not parse. */
export function subjectNameDer(cert: Uint8Array): Uint8Array | undefined {
  const outer = readTlv(cert, 0, cert.length);
  if (!outer || outer.tag !== 0x30) return undefined;
  const tbs = readTlv(cert, outer.body, outer.end);
  if (!tbs || tbs.tag !== 0x30) return undefined;
  let at = tbs.body;
  let el = readTlv(cert, at, tbs.end);
  if (el && el.tag === 0xa0) {
    at = el.end; // [0] EXPLICIT version
    el = readTlv(cert, at, tbs.end);
  }
  // serialNumber, signature, issuer, validity, then subject.
  for (let i = 0; i < 4; i++) {
    if (!el) return undefined;
    at = el.end;
    el = readTlv(cert, at, tbs.end);
  }
  if (!el || el.tag !== 0x30) return undefined;
  return cert.slice(el.start, el.end);
}
