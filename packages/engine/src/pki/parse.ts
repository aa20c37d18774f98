/**
 * Certificate and key parsing (RFC 5280 §4.1, RFC 5208 / 5958 PKCS#8, RFC 5915 SEC1, RFC 8017
 * PKCS#1, RFC 8410 Ed25519, RFC 7468 PEM). ASN.1 decoding by @peculiar/asn1-* (synchronous);
 * everything here returns plain data: keys as in crypto/keys.ts, names as strings, extensions
 * decoded into what the verifier needs.
 *
 * `parsePemBundle` accepts whatever a person pastes (PEM with text around it, several blocks,
 * DER as binary or base64) and explains everything it cannot use instead of throwing.
 */
import { AsnConvert, AsnParser, OctetString } from '@peculiar/asn1-schema';
import {
  AlgorithmIdentifier,
  AuthorityKeyIdentifier,
  BasicConstraints,
  Certificate,
  ExtendedKeyUsage,
  KeyUsage,
  SubjectKeyIdentifier,
  SubjectPublicKeyInfo,
  type KeyUsageType,
} from '@peculiar/asn1-x509';
import { RSAPrivateKey, RSAPublicKey, RsaSaPssParams } from '@peculiar/asn1-rsa';
import { ECParameters, ECPrivateKey } from '@peculiar/asn1-ecc';
import { PrivateKeyInfo, EncryptedPrivateKeyInfo } from '@peculiar/asn1-pkcs8';
import { toHex } from '../codec/hex';
import { certificateParts, children, decodeName, readTlv } from './der';
import { decodePolicyExtension, type PolicyInfo } from './policies';
import { decodeGeneralNames, decodeNameConstraints, describeRawName, ipText, type RawGeneralName, type RawSubtree } from './general-names';
import type { PrivateKey, PublicKey } from '../crypto/keys';
import { isValidScalar } from '../crypto/ec';
import { cryptoProvider } from '../crypto/provider';
import { bitLength, hash, os2ip, rsaPrivateKeyFromComponents, type HashName } from '../crypto/rsa';
import {
  ecPublicPoint,
  ed25519PublicKey,
  HASH_OIDS,
  SIG_ALG_OIDS,
  type X509SignatureAlgorithm,
} from '../crypto/signature';

// ---------------------------------------------------------------------------------------------
// OIDs

export const OID = {
  rsaEncryption: '1.2.840.113549.1.1.1',
  rsassaPss: '1.2.840.113549.1.1.10',
  mgf1: '1.2.840.113549.1.1.8',
  ecPublicKey: '1.2.840.10045.2.1',
  prime256v1: '1.2.840.10045.3.1.7',
  secp384r1: '1.3.132.0.34',
  secp521r1: '1.3.132.0.35',
  ed25519: '1.3.101.112',
  ed448: '1.3.101.113',
  x25519: '1.3.101.110',
  dsa: '1.2.840.10040.4.1',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  subjectAltName: '2.5.29.17',
  nameConstraints: '2.5.29.30',
  subjectKeyIdentifier: '2.5.29.14',
  authorityKeyIdentifier: '2.5.29.35',
  authorityInfoAccess: '1.3.6.1.5.5.7.1.1',
  policyConstraints: '2.5.29.36',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  anyExtendedKeyUsage: '2.5.29.37.0',
} as const;

/** Names of extensions (for the report); `processed` ones are understood by the verifier. */
const EXTENSION_NAMES: Record<string, { name: string; processed: boolean }> = {
  '2.5.29.19': { name: 'basicConstraints', processed: true },
  '2.5.29.15': { name: 'keyUsage', processed: true },
  '2.5.29.37': { name: 'extKeyUsage', processed: true },
  '2.5.29.17': { name: 'subjectAltName', processed: true },
  '2.5.29.30': { name: 'nameConstraints', processed: true },
  '2.5.29.14': { name: 'subjectKeyIdentifier', processed: true },
  '2.5.29.35': { name: 'authorityKeyIdentifier', processed: true },
  // Policies: processed by pki/policies.ts with the RFC 5280 §6.1.1 defaults a browser uses
  // (any initial policy, no explicit policy required by the caller).
  '2.5.29.32': { name: 'certificatePolicies', processed: true },
  '2.5.29.36': { name: 'policyConstraints', processed: true },
  '2.5.29.54': { name: 'inhibitAnyPolicy', processed: true },
  '2.5.29.33': { name: 'policyMappings', processed: true },
  '2.5.29.31': { name: 'cRLDistributionPoints', processed: false },
  '2.5.29.18': { name: 'issuerAltName', processed: false },
  '2.5.29.9': { name: 'subjectDirectoryAttributes', processed: false },
  '1.3.6.1.5.5.7.1.1': { name: 'authorityInfoAccess', processed: true },
  '1.3.6.1.5.5.7.1.11': { name: 'subjectInfoAccess', processed: false },
  '1.3.6.1.4.1.11129.2.4.2': { name: 'signedCertificateTimestampList', processed: false },
  '1.3.6.1.5.5.7.1.24': { name: 'tlsFeature', processed: false },
  '2.16.840.1.113730.1.1': { name: 'nsCertType', processed: false },
  '2.16.840.1.113730.1.13': { name: 'nsComment', processed: false },
};

const EKU_NAMES: Record<string, string> = {
  '1.3.6.1.5.5.7.3.1': 'serverAuth',
  '1.3.6.1.5.5.7.3.2': 'clientAuth',
  '1.3.6.1.5.5.7.3.3': 'codeSigning',
  '1.3.6.1.5.5.7.3.4': 'emailProtection',
  '1.3.6.1.5.5.7.3.8': 'timeStamping',
  '1.3.6.1.5.5.7.3.9': 'OCSPSigning',
  '2.5.29.37.0': 'anyExtendedKeyUsage',
};

const ATTR_NAMES: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.5': 'serialNumber',
  '2.5.4.9': 'street',
  '2.5.4.17': 'postalCode',
  '2.5.4.42': 'GN',
  '2.5.4.4': 'SN',
  '2.5.4.12': 'title',
  '2.5.4.97': 'organizationIdentifier',
  '0.9.2342.19200300.100.1.25': 'DC',
  '0.9.2342.19200300.100.1.1': 'UID',
  '1.2.840.113549.1.9.1': 'emailAddress',
  '1.3.6.1.4.1.311.60.2.1.3': 'jurisdictionC',
  '2.5.4.15': 'businessCategory',
};

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
class PkiParseError extends Error {
  override readonly name = 'PkiParseError';
}

// ---------------------------------------------------------------------------------------------
// Helpers

const u8 = (b: ArrayBuffer | ArrayBufferView): Uint8Array =>
  b instanceof Uint8Array ? b : ArrayBuffer.isView(b) ? new Uint8Array(b.buffer, b.byteOffset, b.byteLength) : new Uint8Array(b);

/** DER length octets for a length. */
function derLength(n: number): number[] {
  if (n < 0x80) return [n];
  const out: number[] = [];
  for (let x = n; x > 0; x = Math.floor(x / 256)) out.unshift(x & 0xff);
  return [0x80 | out.length, ...out];
}

function colonHex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0').toUpperCase()).join(':');
}

/** SHA-256 fingerprint as browsers show it (the format of ParsedCertificate.sha256). */
export function fingerprint(der: Uint8Array): string {
  return colonHex(hash('sha256', der));
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
    for (let i = 0; i < 8; ) {
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

const attrsOf = (rdns: { oid: string; value: string }[][]): NameAttribute[][] =>
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

function subtreeBase(st: RawSubtree): GeneralSubtreeBase {
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

// ---------------------------------------------------------------------------------------------
// Public keys

const CURVES = { 'ecdsa-p256': 'p256', 'ecdsa-p384': 'p384' } as const;

function curveName(oid: string | undefined): string {
  switch (oid) {
    case OID.prime256v1:
      return 'P-256';
    case OID.secp384r1:
      return 'P-384';
    case OID.secp521r1:
      return 'P-521';
    default:
      return oid ?? 'explicit parameters';
  }
}

/** Decodes a SubjectPublicKeyInfo. Throws PkiParseError for unsupported or malformed keys. */
export function publicKeyFromSpki(spki: Uint8Array | SubjectPublicKeyInfo): PublicKey {
  const info = spki instanceof Uint8Array ? AsnParser.parse(spki, SubjectPublicKeyInfo) : spki;
  const alg = info.algorithm.algorithm;
  const bits = u8(info.subjectPublicKey);
  switch (alg) {
    case OID.rsaEncryption:
    case OID.rsassaPss: {
      const k = AsnParser.parse(bits, RSAPublicKey);
      const n = os2ip(u8(k.modulus));
      const e = os2ip(u8(k.publicExponent));
      if (n <= 0n || e < 3n || (e & 1n) === 0n) throw new PkiParseError('RSA public key has an invalid modulus or exponent');
      // Bounds as OpenSSL sets them (a huge modulus or exponent would make verification a DoS).
      if (bitLength(n) > 16384) throw new PkiParseError(`RSA modulus of ${bitLength(n)} bits is over the 16384-bit limit`);
      if (bitLength(e) > 64) throw new PkiParseError(`RSA public exponent of ${bitLength(e)} bits is over the 64-bit limit`);
      return { type: 'rsa', n, e, bits: bitLength(n) };
    }
    case OID.ecPublicKey: {
      if (!info.algorithm.parameters) throw new PkiParseError('EC public key without curve parameters');
      const params = AsnParser.parse(info.algorithm.parameters, ECParameters);
      const type = params.namedCurve === OID.prime256v1 ? 'ecdsa-p256' : params.namedCurve === OID.secp384r1 ? 'ecdsa-p384' : null;
      if (!params.namedCurve) throw new PkiParseError('EC key with explicit parameters: only named curves are allowed (RFC 5480 §2.1.1; CABF BR §6.1.5)');
      if (!type) throw new PkiParseError(`EC curve ${curveName(params.namedCurve)} is not supported (P-256 and P-384 are)`);
      try {
        const point = cryptoProvider().ecPointDecode(CURVES[type], bits);
        return { type, point };
      } catch {
        throw new PkiParseError(`EC public key is not a valid ${curveName(params.namedCurve)} point`);
      }
    }
    case OID.ed25519:
      if (bits.length !== 32) throw new PkiParseError(`Ed25519 public key must be 32 bytes, got ${bits.length}`);
      return { type: 'ed25519', key: bits.slice() };
    case OID.ed448:
      throw new PkiParseError('Ed448 keys are not supported (Ed25519 is)');
    case OID.dsa:
      throw new PkiParseError('DSA keys are not supported');
    default:
      throw new PkiParseError(`public key algorithm ${alg} is not supported`);
  }
}

/** True when two public keys are the same key (e.g. a pasted private key and its certificate). */
export function publicKeysEqual(a: PublicKey, b: PublicKey): boolean {
  switch (a.type) {
    case 'rsa':
      return b.type === 'rsa' && a.n === b.n && a.e === b.e;
    case 'ed25519':
      return b.type === 'ed25519' && toHex(a.key) === toHex(b.key);
    case 'ecdsa-p256':
    case 'ecdsa-p384':
      return b.type === a.type && toHex(a.point) === toHex(b.point);
  }
}

/** `RSA 2048`, `ECDSA P-256`, `Ed25519`. */
export function describePublicKey(key: PublicKey): string {
  switch (key.type) {
    case 'rsa':
      return `RSA ${key.bits}`;
    case 'ecdsa-p256':
      return 'ECDSA P-256';
    case 'ecdsa-p384':
      return 'ECDSA P-384';
    case 'ed25519':
      return 'Ed25519';
  }
}

function describeSpkiAlgorithm(info: SubjectPublicKeyInfo): string {
  const alg = info.algorithm.algorithm;
  if (alg === OID.ecPublicKey) {
    try {
      return `EC ${curveName(AsnParser.parse(info.algorithm.parameters!, ECParameters).namedCurve)}`;
    } catch {
      return 'EC (unreadable parameters)';
    }
  }
  if (alg === OID.ed448) return 'Ed448';
  if (alg === OID.dsa) return 'DSA';
  return alg;
}

// ---------------------------------------------------------------------------------------------
// Signature algorithm

/** Decodes a signatureAlgorithm (certificates and CRLs, RFC 5280 §4.1.1.2, §5.1.1.2). */
export function decodeSignatureAlgorithm(oid: string, params: ArrayBuffer | null | undefined): X509SignatureAlgorithm {
  const known = SIG_ALG_OIDS[oid];
  if (!known) return { kind: 'unsupported', oid, name: oid };
  switch (known.kind) {
    case 'rsa-pkcs1':
    case 'ecdsa':
      return { kind: known.kind, hash: known.hash!, name: known.name };
    case 'ed25519':
      return { kind: 'ed25519', name: known.name };
    case 'unsupported':
      return { kind: 'unsupported', oid, name: known.name };
    case 'rsa-pss': {
      // RFC 4055 §3.1: defaults are SHA-1, MGF1-SHA-1, salt 20.
      let p = new RsaSaPssParams();
      if (params) p = AsnParser.parse(params, RsaSaPssParams);
      const hashName = HASH_OIDS[p.hashAlgorithm.algorithm];
      let mgfHash: HashName | undefined = 'sha1';
      if (p.maskGenAlgorithm.algorithm !== OID.mgf1) mgfHash = undefined;
      else if (p.maskGenAlgorithm.parameters) {
        mgfHash = HASH_OIDS[AsnParser.parse(p.maskGenAlgorithm.parameters, AlgorithmIdentifier).algorithm];
      }
      if (!hashName || !mgfHash) return { kind: 'unsupported', oid, name: 'RSASSA-PSS (unsupported parameters)' };
      return {
        kind: 'rsa-pss',
        hash: hashName,
        mgfHash,
        saltLength: p.saltLength,
        name: `RSASSA-PSS (${hashName}, MGF1-${mgfHash}, salt ${p.saltLength})`,
      };
    }
  }
}

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
      const out = { dns: [] as string[], ip: [] as string[], ipBytes: [] as Uint8Array[], email: [] as string[], uri: [] as string[], other: [] as string[], dn: [] as NameAttribute[][][], names, critical };
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

// ---------------------------------------------------------------------------------------------
// Private keys

function ecKeyFromD(type: 'ecdsa-p256' | 'ecdsa-p384', dRaw: Uint8Array): PrivateKey {
  const len = type === 'ecdsa-p256' ? 32 : 48;
  if (dRaw.length > len) throw new PkiParseError(`EC private key is ${dRaw.length} bytes, expected ${len}`);
  const d = new Uint8Array(len);
  d.set(dRaw, len - dRaw.length);
  if (!isValidScalar(CURVES[type], d)) throw new PkiParseError('EC private key is out of range');
  return { type, d, publicKey: { type, point: ecPublicPoint(type, d) } };
}

function curveType(oid: string | undefined): 'ecdsa-p256' | 'ecdsa-p384' {
  if (oid === OID.prime256v1) return 'ecdsa-p256';
  if (oid === OID.secp384r1) return 'ecdsa-p384';
  throw new PkiParseError(`EC curve ${curveName(oid)} is not supported (P-256 and P-384 are)`);
}

function fromSec1(der: Uint8Array, curveOid?: string): PrivateKey {
  const k = AsnParser.parse(der, ECPrivateKey);
  return ecKeyFromD(curveType(k.parameters?.namedCurve ?? curveOid), u8(k.privateKey.buffer));
}

function fromPkcs1(der: Uint8Array): PrivateKey {
  const k = AsnParser.parse(der, RSAPrivateKey);
  const n = os2ip(u8(k.modulus));
  const e = os2ip(u8(k.publicExponent));
  const d = os2ip(u8(k.privateExponent));
  const p = os2ip(u8(k.prime1));
  const q = os2ip(u8(k.prime2));
  if (p * q !== n) throw new PkiParseError('RSA private key is inconsistent (p·q ≠ n)');
  return rsaPrivateKeyFromComponents(n, e, d, p, q);
}

function fromPkcs8(der: Uint8Array): PrivateKey {
  const info = AsnParser.parse(der, PrivateKeyInfo);
  const alg = info.privateKeyAlgorithm.algorithm;
  const inner = u8(info.privateKey.buffer);
  switch (alg) {
    case OID.rsaEncryption:
    case OID.rsassaPss:
      return fromPkcs1(inner);
    case OID.ecPublicKey: {
      const params = info.privateKeyAlgorithm.parameters
        ? AsnParser.parse(info.privateKeyAlgorithm.parameters, ECParameters).namedCurve
        : undefined;
      return fromSec1(inner, params);
    }
    case OID.ed25519: {
      // RFC 8410 §7: CurvePrivateKey ::= OCTET STRING
      const seed = u8(AsnParser.parse(inner, OctetString).buffer);
      if (seed.length !== 32) throw new PkiParseError(`Ed25519 private key must be 32 bytes, got ${seed.length}`);
      return { type: 'ed25519', seed: seed.slice(), publicKey: { type: 'ed25519', key: ed25519PublicKey(seed) } };
    }
    case OID.ed448:
      throw new PkiParseError('Ed448 private keys are not supported (Ed25519 is)');
    default:
      throw new PkiParseError(`private key algorithm ${alg} is not supported`);
  }
}

type PrivateKeyFormat = 'pkcs8' | 'sec1' | 'pkcs1';

/** Parses a DER private key; without `format`, tries PKCS#8, then SEC1, then PKCS#1. */
function privateKeyFromDer(der: Uint8Array, format?: PrivateKeyFormat): PrivateKey {
  const attempts: [PrivateKeyFormat, (d: Uint8Array) => PrivateKey][] = [
    ['pkcs8', fromPkcs8],
    ['sec1', (d) => fromSec1(d)],
    ['pkcs1', fromPkcs1],
  ];
  const errors: string[] = [];
  for (const [f, fn] of attempts) {
    if (format && f !== format) continue;
    try {
      return fn(der);
    } catch (e) {
      if (e instanceof PkiParseError) throw e; // structure recognised, content refused
      errors.push(`${f}: ${(e as Error).message}`);
    }
  }
  throw new PkiParseError(`not a private key (${format ? format.toUpperCase() : 'PKCS#8, SEC1 or PKCS#1'} expected)`);
}

/** Parses the first private key in PEM text (PKCS#8, SEC1 EC, PKCS#1 RSA). */
export function privateKeyFromPem(pem: string): PrivateKey {
  const bundle = parsePemBundle(pem);
  const key = bundle.keys[0];
  if (key) return key;
  throw new PkiParseError(bundle.problems[0] ?? 'no private key found (expected -----BEGIN PRIVATE KEY-----)');
}

// ---------------------------------------------------------------------------------------------
// PEM / DER input

export const MAX_INPUT_BYTES = 1024 * 1024;
/** Bundles with more certificates than this (trust stores) are only checked structurally. */
const LIGHT_VALIDATION_ABOVE = 16;

export interface PemBundle {
  certificates: Uint8Array[];
  keys: PrivateKey[];
  /** Everything that could not be used, one readable message each. */
  problems: string[];
}

/** Base64 (whitespace ignored) to bytes, or null when it is not base64. */
export function decodeBase64(text: string): Uint8Array | null {
  const clean = text.replace(/\s+/g, '');
  if (clean.length === 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(clean) || clean.length % 4 === 1) return null;
  const bin = atob(clean.padEnd(Math.ceil(clean.length / 4) * 4, '='));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** Encodes DER as PEM with the given label. */
export function toPem(der: Uint8Array, label = 'CERTIFICATE'): string {
  let bin = '';
  for (const b of der) bin += String.fromCharCode(b);
  const b64 = btoa(bin).replace(/.{1,64}/g, '$&\n');
  return `-----BEGIN ${label}-----\n${b64}-----END ${label}-----\n`;
}

/** Works out what a DER blob is and adds it to the bundle. */
function classifyDer(der: Uint8Array, where: string, out: PemBundle): void {
  if (der.length < 2 || der[0] !== 0x30) {
    out.problems.push(`${where}: not DER (does not start with an ASN.1 SEQUENCE); expected a certificate or a private key`);
    return;
  }
  try {
    parseCertificateCached(der);
    out.certificates.push(der);
    return;
  } catch {
    /* not a certificate */
  }
  try {
    out.keys.push(privateKeyFromDer(der));
    return;
  } catch (e) {
    if (e instanceof PkiParseError && !/^not a private key/.test(e.message)) {
      out.problems.push(`${where}: private key not usable: ${e.message}`);
      return;
    }
  }
  try {
    AsnParser.parse(der, SubjectPublicKeyInfo);
    out.problems.push(`${where}: this is a public key, not a certificate; paste the certificate (-----BEGIN CERTIFICATE-----)`);
    return;
  } catch {
    /* no */
  }
  try {
    AsnParser.parse(der, EncryptedPrivateKeyInfo);
    out.problems.push(`${where}: this is an encrypted private key; decrypt it first (openssl pkey -in key.pem -out plain.pem)`);
    return;
  } catch {
    /* no */
  }
  out.problems.push(`${where}: DER data that is neither a certificate nor a private key`);
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END ([A-Z0-9 ]+)-----/g;

/**
 * Reads everything usable from pasted text or file bytes: PEM blocks (with any text around
 * them), or a single DER blob (binary, or base64 without PEM armour). Never throws.
 */
export function parsePemBundle(input: string | Uint8Array): PemBundle {
  const out: PemBundle = { certificates: [], keys: [], problems: [] };
  try {
    const size = typeof input === 'string' ? input.length : input.length;
    if (size > MAX_INPUT_BYTES) {
      out.problems.push(
        `input is ${(size / 1024 / 1024).toFixed(1)} MB, over the 1 MB limit; expected one certificate chain and optionally a key`,
      );
      return out;
    }
    let text: string;
    if (typeof input !== 'string') {
      if (input.length > 0 && input[0] === 0x30) {
        classifyDer(input, 'binary input', out);
        return out;
      }
      text = new TextDecoder('utf-8', { fatal: false }).decode(input);
    } else text = input;

    if (text.trim().length === 0) {
      out.problems.push('input is empty; expected PEM (-----BEGIN CERTIFICATE-----) or DER');
      return out;
    }
    let found = 0;
    let lastEnd = 0;
    const light = (text.match(/-----BEGIN CERTIFICATE-----/g)?.length ?? 0) > LIGHT_VALIDATION_ABOVE;
    for (const m of text.matchAll(PEM_BLOCK)) {
      found++;
      const [whole, begin, body, end] = m as unknown as [string, string, string, string];
      lastEnd = m.index! + whole.length;
      const n = found;
      const where = `block ${n} (${begin})`;
      // A BEGIN inside the body means the previous block lost its END.
      const nested = body.indexOf('-----BEGIN ');
      if (nested >= 0) {
        out.problems.push(`block ${n} (${begin}) is truncated: "-----END ${begin}-----" missing before the next BEGIN`);
        const rest = body.slice(nested);
        const innerMatch = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*)$/.exec(rest);
        if (innerMatch) handleBlock(innerMatch[1]!, innerMatch[2]!, end, `block ${n}b (${innerMatch[1]})`, out);
        continue;
      }
      handleBlock(begin, body, end, where, out, light);
    }
    // BEGIN without END after the last complete block: truncated paste.
    const tail = text.slice(lastEnd);
    const dangling = /-----BEGIN ([A-Z0-9 ]+)-----/.exec(tail);
    if (dangling) {
      out.problems.push(`the ${dangling[1]} block starting after ${found} complete block(s) is truncated: "-----END ${dangling[1]}-----" is missing`);
      found++;
    }
    if (found === 0) {
      const der = decodeBase64(text);
      if (der && der.length > 1 && der[0] === 0x30) classifyDer(der, 'base64 input', out);
      else if (/-----END /.test(text)) out.problems.push('found an "-----END" line without its "-----BEGIN" line: the PEM is truncated at the start');
      else
        out.problems.push(
          'no PEM block found and the text is not base64 DER; expected "-----BEGIN CERTIFICATE-----" (as printed by openssl x509 or s_client -showcerts)',
        );
    }
  } catch (e) {
    out.problems.push(`could not read the input: ${(e as Error).message}`);
  }
  return out;
}

function handleBlock(begin: string, body: string, end: string, where: string, out: PemBundle, light = false): void {
  if (begin !== end) {
    out.problems.push(`${where}: BEGIN ${begin} ends with END ${end}; the PEM is damaged`);
    return;
  }
  // RFC 1421 headers (Proc-Type / DEK-Info) mean a legacy encrypted key.
  if (/Proc-Type:\s*4,ENCRYPTED/i.test(body)) {
    out.problems.push(`${where}: this private key is encrypted with a passphrase; decrypt it first (openssl pkey -in key.pem -out plain.pem)`);
    return;
  }
  const b64 = body.replace(/^[A-Za-z-]+:.*$/gm, '');
  const der = decodeBase64(b64);
  if (!der) {
    out.problems.push(`${where}: the base64 inside is damaged (invalid characters or length)`);
    return;
  }
  switch (begin) {
    case 'CERTIFICATE':
    case 'X509 CERTIFICATE':
    case 'TRUSTED CERTIFICATE': {
      const certDer = begin === 'TRUSTED CERTIFICATE' ? firstDerElement(der) : der;
      try {
        // Big bundles (trust stores) get a structural check here; the full parse happens when
        // a certificate is used. A paste of a few certificates is parsed fully right away.
        if (light) certificateParts(certDer);
        else parseCertificateCached(certDer);
        out.certificates.push(certDer);
      } catch (e) {
        out.problems.push(`${where}: ${(e as Error).message}`);
      }
      return;
    }
    case 'PRIVATE KEY':
    case 'EC PRIVATE KEY':
    case 'RSA PRIVATE KEY': {
      const format: PrivateKeyFormat = begin === 'PRIVATE KEY' ? 'pkcs8' : begin === 'EC PRIVATE KEY' ? 'sec1' : 'pkcs1';
      try {
        out.keys.push(privateKeyFromDer(der, format));
      } catch (e) {
        out.problems.push(`${where}: ${(e as Error).message}`);
      }
      return;
    }
    case 'ENCRYPTED PRIVATE KEY':
      out.problems.push(`${where}: this private key is encrypted (PKCS#8 with a passphrase); decrypt it first (openssl pkey -in key.pem -out plain.pem)`);
      return;
    case 'CERTIFICATE REQUEST':
    case 'NEW CERTIFICATE REQUEST':
      out.problems.push(`${where}: this is a certificate signing request (CSR), not a certificate; expected -----BEGIN CERTIFICATE-----`);
      return;
    case 'PUBLIC KEY':
    case 'RSA PUBLIC KEY':
      out.problems.push(`${where}: this is a bare public key, not a certificate; expected -----BEGIN CERTIFICATE-----`);
      return;
    case 'EC PARAMETERS':
      return; // printed by `openssl ecparam -genkey` before the key: harmless
    case 'X509 CRL':
      out.problems.push(`${where}: this is a certificate revocation list (CRL), not a certificate`);
      return;
    case 'PKCS7':
    case 'CMS':
      out.problems.push(`${where}: this is a PKCS#7 bundle; extract the certificates with: openssl pkcs7 -print_certs -in file.p7b`);
      return;
    default:
      out.problems.push(`${where}: unsupported PEM type "${begin}"; expected CERTIFICATE or a PRIVATE KEY`);
  }
}

/** The first complete DER element of `der` (TRUSTED CERTIFICATE carries trust settings after it). */
function firstDerElement(der: Uint8Array): Uint8Array {
  if (der.length < 2) return der;
  let len = der[1]!;
  let off = 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + der[2 + i]!;
    off = 2 + n;
  }
  return der.subarray(0, Math.min(der.length, off + len));
}
