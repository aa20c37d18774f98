/**
 * Certificate parsing (RFC 5280 §4.1): one DER certificate into a `ParsedCertificate` — plain
 * data the verifier needs: names as strings, the key as in crypto/keys.ts, extensions decoded
 * (RFC 5280 §4.2) — and a cache so certificates seen again are not parsed again. ASN.1 decoding
 * by @peculiar/asn1-* (synchronous).
 *
 * The rest of parsing lives in one file per job, re-exported here: oids.ts (the OIDs known),
 * x509-name.ts (Names, IP addresses, nameConstraints subtrees), public-key.ts
 * (SubjectPublicKeyInfo, signatureAlgorithm), private-key.ts (PKCS#8, SEC1, PKCS#1), pem.ts
 * (RFC 7468 PEM and pasted input).
 */
import { AsnConvert, AsnParser } from '@peculiar/asn1-schema';
import { AuthorityKeyIdentifier, BasicConstraints, Certificate, ExtendedKeyUsage, KeyUsage, SubjectKeyIdentifier, type KeyUsageType } from '@peculiar/asn1-x509';
import { toHex } from '../codec/hex';
import { certificateParts, children, readTlv } from './der';
import { decodePolicyExtension, type PolicyInfo } from './policies';
import { decodeGeneralNames, decodeNameConstraints, describeRawName, ipText, type RawGeneralName } from './general-names';
import type { PublicKey } from '../crypto/keys';
import { hash } from '../crypto/rsa';
import { type X509SignatureAlgorithm } from '../crypto/signature';
import { EKU_NAMES, EXTENSION_NAMES, OID } from './oids';
import { colonHex, derLength, PkiParseError, u8 } from './asn1-util';
import { attrsOf, formatName, nameAttributesFromDer, nameKey, subtreeBase } from './x509-name';
import { describePublicKey, describeSpkiAlgorithm, publicKeyFromSpki, decodeSignatureAlgorithm } from './public-key';

// Moved to files by job; re-exported so `from './parse'` keeps working.
export { OID } from './oids';
export { fingerprint, PkiParseError } from './asn1-util';
export { formatIpAddress, formatName, nameAttributesFromDer, nameKey, parseIpAddress } from './x509-name';
export { decodeSignatureAlgorithm, describePublicKey, publicKeyFromSpki, publicKeysEqual } from './public-key';
export { decodeBase64, MAX_INPUT_BYTES, parsePemBundle, privateKeyFromPem, toPem, type PemBundle } from './pem';

// ---------------------------------------------------------------------------------------------
// Types

export interface NameAttribute {
  oid: string;
  /** Short name (CN, O, ...) or the OID. */
  type: string;
  value: string;
}

/**
 * A name constraint subtree base (RFC 5280 §4.2.1.10). `unprocessable`: a form or encoding the
 * verifier cannot apply (otherName, x400Address, a dNSName with a leading dot, an iPAddress
 * without a proper mask, a minimum/maximum): a chain under it fails, never silently passes.
 */
export type GeneralSubtreeBase =
  | { kind: 'dns'; value: string }
  | { kind: 'email'; value: string }
  | { kind: 'uri'; value: string }
  | { kind: 'ip'; address: Uint8Array; mask: Uint8Array; text: string }
  | { kind: 'dn'; attributes: NameAttribute[][]; text: string }
  | { kind: 'unprocessable'; text: string; why: string };

export interface ParsedExtension {
  oid: string;
  name: string;
  critical: boolean;
  /** The verifier understands and checks it (RFC 5280 §4.2: a critical one it does not is a failure). */
  processed: boolean;
  /** Set when the extension value could not be decoded. */
  error?: string;
}

export interface ParsedCertificate {
  der: Uint8Array;
  /** DER of tbsCertificate — what the issuer signed. */
  tbs: Uint8Array;
  /** 1, 2 or 3. */
  version: number;
  /** Serial number as hex (colon-free, as on the wire). */
  serial: string;
  /** Contents octets of the serialNumber INTEGER (two's complement, as encoded). */
  serialBytes: Uint8Array;
  subject: string;
  issuer: string;
  subjectAttributes: NameAttribute[][];
  issuerAttributes: NameAttribute[][];
  /** Normalized names for chaining (RFC 5280 §7.1: case-insensitive, whitespace-folded). */
  subjectKey: string;
  issuerKey: string;
  notBefore: Date;
  notAfter: Date;
  /** DER of SubjectPublicKeyInfo. */
  spki: Uint8Array;
  /** Null when the key algorithm or curve is not supported (then `keyProblem` says why). */
  publicKey: PublicKey | null;
  keyProblem?: string;
  /** E.g. `ECDSA P-256`, `RSA 2048`, `Ed25519`, `DSA (unsupported)`. */
  keyDescription: string;
  signatureAlgorithm: X509SignatureAlgorithm;
  /** The signature AlgorithmIdentifier inside tbsCertificate (must equal the outer one, §4.1.1.2). */
  tbsSignatureOid: string;
  signatureAlgorithmsMatch: boolean;
  signature: Uint8Array;
  /** Unused bits declared in the signatureValue BIT STRING; must be 0 (see der.ts). */
  signatureUnusedBits: number;
  extensions: ParsedExtension[];
  basicConstraints?: { ca: boolean; pathLen?: number; critical: boolean };
  keyUsage?: { usages: KeyUsageType[]; critical: boolean };
  extKeyUsage?: { oids: string[]; names: string[]; critical: boolean };
  subjectAltName?: {
    dns: string[];
    ip: string[];
    ipBytes: Uint8Array[];
    email: string[];
    uri: string[];
    other: string[];
    /** directoryName entries. */
    dn: NameAttribute[][][];
    /** Every entry as encoded (malformed ones included, with their problem). */
    names: RawGeneralName[];
    critical: boolean;
  };
  nameConstraints?: { permitted: GeneralSubtreeBase[]; excluded: GeneralSubtreeBase[]; critical: boolean };
  subjectKeyId?: string;
  authorityKeyId?: string;
  /** certificatePolicies, policyMappings, policyConstraints, inhibitAnyPolicy (pki/policies.ts). */
  policies?: PolicyInfo;
  /** The authorityKeyIdentifier also names the issuer's issuer and serial (authorityCertIssuer / SerialNumber). */
  authorityKeyIdIssuerSerial?: boolean;
  /** SHA-256 fingerprint, uppercase hex with colons (as browsers show it). */
  sha256: string;
  /** subject equals issuer (RFC 5280 §6.1: self-issued). */
  selfIssued: boolean;
}

/** A parse failure with a message meant for people. */
// ---------------------------------------------------------------------------------------------
// Certificates

/** Parses one DER certificate. Throws PkiParseError with a readable message. */
export function parseCertificate(der: Uint8Array): ParsedCertificate {
  let cert: Certificate;
  let subjectAttributes: NameAttribute[][];
  let issuerAttributes: NameAttribute[][];
  let tbs: Uint8Array;
  let signatureUnusedBits: number;
  try {
    const parts = certificateParts(der);
    tbs = parts.tbs.slice();
    signatureUnusedBits = parts.signatureUnusedBits;
    subjectAttributes = nameAttributesFromDer(parts.subject);
    issuerAttributes = nameAttributesFromDer(parts.issuer);
    cert = AsnParser.parse(der, Certificate);
  } catch (e) {
    throw new PkiParseError(`not a DER X.509 certificate: ${(e as Error).message}`);
  }
  const tbsC = cert.tbsCertificate;
  const spkiDer = u8(AsnConvert.serialize(tbsC.subjectPublicKeyInfo));
  let publicKey: PublicKey | null = null;
  let keyProblem: string | undefined;
  let keyDescription: string;
  try {
    publicKey = publicKeyFromSpki(tbsC.subjectPublicKeyInfo);
    keyDescription = describePublicKey(publicKey);
  } catch (e) {
    keyProblem = (e as Error).message;
    keyDescription = `${describeSpkiAlgorithm(tbsC.subjectPublicKeyInfo)} (unsupported)`;
  }
  let signatureAlgorithm: X509SignatureAlgorithm;
  try {
    signatureAlgorithm = decodeSignatureAlgorithm(cert.signatureAlgorithm.algorithm, cert.signatureAlgorithm.parameters);
  } catch {
    signatureAlgorithm = { kind: 'unsupported', oid: cert.signatureAlgorithm.algorithm, name: 'unreadable algorithm parameters' };
  }
  const outerAlg = u8(AsnConvert.serialize(cert.signatureAlgorithm));
  const innerAlg = u8(AsnConvert.serialize(tbsC.signature));

  const parsed: ParsedCertificate = {
    der: der.slice(),
    tbs,
    version: tbsC.version + 1,
    serial: toHex(u8(tbsC.serialNumber)),
    serialBytes: u8(tbsC.serialNumber).slice(),
    subject: formatName(subjectAttributes),
    issuer: formatName(issuerAttributes),
    subjectAttributes,
    issuerAttributes,
    subjectKey: nameKey(subjectAttributes),
    issuerKey: nameKey(issuerAttributes),
    notBefore: tbsC.validity.notBefore.getTime(),
    notAfter: tbsC.validity.notAfter.getTime(),
    spki: spkiDer,
    publicKey,
    keyDescription,
    signatureAlgorithm,
    tbsSignatureOid: tbsC.signature.algorithm,
    signatureAlgorithmsMatch: toHex(outerAlg) === toHex(innerAlg),
    signature: u8(cert.signatureValue).slice(),
    signatureUnusedBits,
    extensions: [],
    sha256: colonHex(hash('sha256', der)),
    selfIssued: false,
  };
  if (keyProblem) parsed.keyProblem = keyProblem;
  parsed.selfIssued = parsed.subjectKey === parsed.issuerKey;

  for (const ext of tbsC.extensions ?? []) {
    const info = EXTENSION_NAMES[ext.extnID];
    const pe: ParsedExtension = {
      oid: ext.extnID,
      name: info?.name ?? ext.extnID,
      critical: ext.critical,
      processed: info?.processed ?? false,
    };
    parsed.extensions.push(pe);
    const value = u8(ext.extnValue.buffer);
    try {
      decodeExtension(parsed, ext.extnID, ext.critical, value);
    } catch (e) {
      pe.error = `cannot decode ${pe.name}: ${(e as Error).message}`;
    }
  }
  return parsed;
}

function decodeExtension(c: ParsedCertificate, oid: string, critical: boolean, value: Uint8Array): void {
  switch (oid) {
    case OID.basicConstraints: {
      const bc = AsnParser.parse(value, BasicConstraints);
      c.basicConstraints = { ca: bc.cA, critical };
      if (bc.pathLenConstraint !== undefined) c.basicConstraints.pathLen = bc.pathLenConstraint;
      return;
    }
    case OID.keyUsage: {
      const ku = AsnParser.parse(value, KeyUsage);
      c.keyUsage = { usages: ku.toJSON(), critical };
      return;
    }
    case OID.extKeyUsage: {
      const eku = AsnParser.parse(value, ExtendedKeyUsage);
      const oids = Array.from(eku, String);
      c.extKeyUsage = { oids, names: oids.map((o) => EKU_NAMES[o] ?? o), critical };
      return;
    }
    case OID.subjectAltName: {
      const names = decodeGeneralNames(value);
      const out = {
        dns: [] as string[],
        ip: [] as string[],
        ipBytes: [] as Uint8Array[],
        email: [] as string[],
        uri: [] as string[],
        other: [] as string[],
        dn: [] as NameAttribute[][][],
        names,
        critical,
      };
      for (const g of names) {
        if (g.kind === 'dns') out.dns.push(g.value);
        else if (g.kind === 'ip') {
          out.ip.push(ipText(g.bytes));
          if (g.bytes.length === 4 || g.bytes.length === 16) out.ipBytes.push(g.bytes);
        } else if (g.kind === 'email') out.email.push(g.value);
        else if (g.kind === 'uri') out.uri.push(g.value);
        else if (g.kind === 'dn') {
          out.dn.push(attrsOf(g.attributes));
          out.other.push(describeRawName(g, (x) => formatName(attrsOf(x))));
        } else out.other.push(g.text);
      }
      c.subjectAltName = out;
      return;
    }
    case OID.nameConstraints: {
      const nc = decodeNameConstraints(value);
      c.nameConstraints = { permitted: nc.permitted.map(subtreeBase), excluded: nc.excluded.map(subtreeBase), critical };
      return;
    }
    case OID.subjectKeyIdentifier: {
      c.subjectKeyId = toHex(u8(AsnParser.parse(value, SubjectKeyIdentifier).buffer));
      return;
    }
    case OID.authorityKeyIdentifier: {
      const aki = AsnParser.parse(value, AuthorityKeyIdentifier);
      if (aki.keyIdentifier) c.authorityKeyId = toHex(u8(aki.keyIdentifier.buffer));
      if (aki.authorityCertIssuer || aki.authorityCertSerialNumber) c.authorityKeyIdIssuerSerial = true;
      return;
    }
    case OID.authorityInfoAccess: {
      // RFC 5280 §4.2.2.1: SEQUENCE SIZE (1..MAX) OF AccessDescription { accessMethod OID, accessLocation GeneralName }
      const seq = readTlv(value, 0);
      if (seq.tag !== 0x30 || seq.end !== value.length) throw new Error('not a SEQUENCE');
      const items = children(value, seq);
      if (items.length === 0) throw new Error('no AccessDescription (SIZE (1..MAX))');
      for (const ad of items) {
        const [method, location, extra] = ad.tag === 0x30 ? children(value, ad) : [];
        if (!method || method.tag !== 0x06 || !location || extra) throw new Error('malformed AccessDescription');
        decodeGeneralNames(Uint8Array.of(0x30, ...derLength(location.end - location.start), ...value.subarray(location.start, location.end)));
      }
      return;
    }
    case '2.5.29.32':
    case '2.5.29.33':
    case '2.5.29.36':
    case '2.5.29.54':
      decodePolicyExtension(oid, value, (c.policies ??= {}));
      return;
    default:
      return;
  }
}

const parsedByArray = new WeakMap<Uint8Array, ParsedCertificate>();
const parsedByHash = new Map<string, ParsedCertificate>();

/**
 * parseCertificate with a cache (by array identity, then by content hash), so trust stores and
 * chains seen again are not parsed again. Throws like parseCertificate.
 */
export function parseCertificateCached(der: Uint8Array): ParsedCertificate {
  const hit = parsedByArray.get(der);
  if (hit) return hit;
  const id = toHex(hash('sha256', der));
  let p = parsedByHash.get(id);
  if (!p) {
    p = parseCertificate(der);
    if (parsedByHash.size > 2000) parsedByHash.clear();
    parsedByHash.set(id, p);
  }
  parsedByArray.set(der, p);
  return p;
}

/** Empties the content cache (benchmarks measure cold parsing with it). */
export function clearParseCache(): void {
  parsedByHash.clear();
}
