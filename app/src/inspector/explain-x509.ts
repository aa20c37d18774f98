/**
 * Plain-language explanations of a certificate's ASN.1 fields (RFC 5280 §4.1), and which of
 * the verifier's checks used each one (by the check ids the engine reports).
 */
import type { CheckId } from '@tlslab/engine';
import type { CertCheckEvent } from '../store/derive';
import type { Explanation } from './explain';

type CertCheck = CertCheckEvent['check'];

interface X509Text {
  what: string;
  why: string;
  /** The check ids (engine's cert-check ids) that read this part. */
  checks?: CheckId[];
}

export const X509_FIELDS: Record<string, X509Text> = {
  Certificate: {
    what: 'The whole certificate: the signed part, the algorithm and the signature.',
    why: 'A certificate is a statement (“this key belongs to this name”) signed by an issuer.',
  },
  tbsCertificate: { what: 'The “to be signed” part: everything the issuer vouches for.', why: 'The issuer’s signature covers exactly these bytes.', checks: ['signature'] },
  version: { what: 'The X.509 version.', why: 'v3 is needed for extensions, which every TLS certificate has.' },
  serialNumber: { what: 'The serial number the issuer gave this certificate.', why: 'Unique per issuer; revocation lists name certificates by it.' },
  signature: {
    what: 'The signature algorithm the issuer used (inside the signed part).',
    why: 'It must equal signatureAlgorithm outside, so it cannot be swapped.',
    checks: ['signature'],
  },
  issuer: { what: 'The name of the CA that signed this certificate.', why: 'The next certificate up the chain must have this as its subject.', checks: ['name-chaining'] },
  validity: { what: 'The period the certificate is valid for.', why: 'Outside it the certificate must be rejected (certificate_expired).', checks: ['validity'] },
  notBefore: { what: 'The start of the validity period.', why: 'Before this time the certificate is not yet valid.', checks: ['validity'] },
  notAfter: { what: 'The end of the validity period.', why: 'After this time the certificate has expired.', checks: ['validity'] },
  subject: {
    what: 'The name this certificate is for.',
    why: 'For a CA it is matched with the issuer of the certificates it signed; servers are matched by subjectAltName.',
    checks: ['name-chaining'],
  },
  subjectPublicKeyInfo: {
    what: 'The public key being certified, with its algorithm.',
    why: 'It verifies the holder’s signatures (CertificateVerify, or the certificates a CA signed).',
    checks: ['key-supported', 'key-strength'],
  },
  algorithm: {
    what: 'The key’s algorithm (and curve, for EC keys).',
    why: 'The verifier must support it and it must be strong enough.',
    checks: ['key-supported', 'key-strength'],
  },
  subjectPublicKey: { what: 'The public key itself (a BIT STRING).', why: 'The key the peer proves it holds.', checks: ['key-supported', 'key-strength'] },
  extensions: {
    what: 'The v3 extensions: constraints and extra names.',
    why: 'They say what the certificate may be used for; a critical one the verifier does not understand must make it fail.',
    checks: ['critical-extensions'],
  },
  Extension: { what: 'One extension: its OID, whether it is critical, and its value.', why: 'See the extension’s name for what it restricts.', checks: ['critical-extensions'] },
  extnID: { what: 'Which extension this is (an OID).', why: 'The verifier looks up how to read the value by it.' },
  critical: {
    what: 'Whether the extension is critical.',
    why: 'A verifier that does not understand a critical extension must reject the certificate.',
    checks: ['critical-extensions'],
  },
  extnValue: { what: 'The extension’s value: DER inside an OCTET STRING.', why: 'Its meaning depends on the extension.' },
  signatureAlgorithm: { what: 'The algorithm of the issuer’s signature.', why: 'With the issuer’s public key, it verifies signatureValue.', checks: ['signature'] },
  signatureValue: {
    what: 'The issuer’s signature over tbsCertificate.',
    why: 'Only the issuer’s private key can make it: this is what makes the certificate trustworthy.',
    checks: ['signature'],
  },
};

/** Checks by extension name (the value of an Extension span). */
const EXTENSION_CHECKS: Record<string, CheckId[]> = {
  basicConstraints: ['basic-constraints', 'path-length'],
  keyUsage: ['key-usage'],
  extKeyUsage: ['ext-key-usage'],
  subjectAltName: ['hostname'],
  nameConstraints: ['name-constraints'],
};

const ASN1_TYPES = new Set([
  'BOOLEAN',
  'INTEGER',
  'BIT STRING',
  'OCTET STRING',
  'NULL',
  'OBJECT IDENTIFIER',
  'UTF8String',
  'PrintableString',
  'IA5String',
  'UTCTime',
  'GeneralizedTime',
  'SEQUENCE',
  'SET',
]);

export interface CertExplanation extends Explanation {
  checks: CertCheck[];
}

/** The explanation of one ASN.1 span of a certificate, with the checks (of this certificate) that used it. */
export function explainCertField(label: string, value: string | undefined, checks: readonly CertCheck[]): CertExplanation {
  const t = X509_FIELDS[label];
  const extName = label === 'Extension' ? (value ?? '').replace(/ \(critical\)$/, '') : undefined;
  const ids: CheckId[] = [...(t?.checks ?? []), ...(extName ? (EXTENSION_CHECKS[extName] ?? []) : [])];
  const used = checks.filter((c) => ids.includes(c.id));
  if (t) return { what: t.what, why: t.why, ...(value ? { value: `${value}.` } : {}), checks: used };
  if (ASN1_TYPES.has(label) || /^\[\d+\]$/.test(label))
    return { what: `An ASN.1 ${label} inside the field above.`, why: 'DER encodes every value as tag, length, contents.', ...(value ? { value: `${value}.` } : {}), checks: used };
  return { what: `${label}: a part of the certificate this view does not name.`, why: '', ...(value ? { value: `${value}.` } : {}), checks: used };
}
