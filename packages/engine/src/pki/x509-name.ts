/**
 * The DER subject Name of a certificate, for certificate_authorities in a CertificateRequest
 * (RFC 5246 §7.4.4 DistinguishedName, RFC 8446 §4.2.4: DER-encoded X.501 Name). The DER walk
 * is pki/der.ts `certificateParts` (RFC 5280 §4.1 field positions).
 */
import { certificateParts } from './der';

/** The DER of the certificate's subject Name, or undefined if the certificate does not parse. */
export function subjectNameDer(cert: Uint8Array): Uint8Array | undefined {
  try {
    return certificateParts(cert).subject.slice();
  } catch {
    return undefined;
  }
}
