/**
 * Certificate building (RFC 5280 §4.1) with @peculiar/asn1-x509 structures, signed with our own
 * synchronous signers (crypto/signature.ts) — no WebCrypto, so a seeded build is deterministic.
 * Also encodes keys: SubjectPublicKeyInfo (RFC 5280 §4.1.2.7, RFC 5480, RFC 8410) and PKCS#8
 * private keys (RFC 5958), so a demo key can be handed to OpenSSL / node:tls.
 *
 * Used by the demo PKI (pki/demo.ts) and by tests that need certificates with specific flaws.
 */
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import {
  AlgorithmIdentifier,
  AttributeTypeAndValue,
  AttributeValue,
  AuthorityKeyIdentifier,
  BasicConstraints,
  Certificate,
  ExtendedKeyUsage,
  Extension,
  Extensions,
  GeneralName,
  GeneralSubtree,
  GeneralSubtrees,
  KeyIdentifier,
  KeyUsage,
  KeyUsageFlags,
  Name,
  NameConstraints,
  RelativeDistinguishedName,
  SubjectAlternativeName,
  SubjectKeyIdentifier,
  SubjectPublicKeyInfo,
  TBSCertificate,
  Validity,
  Version,
  type KeyUsageType,
} from '@peculiar/asn1-x509';
import { ECParameters, ECPrivateKey } from '@peculiar/asn1-ecc';
import { RSAPrivateKey, RSAPublicKey } from '@peculiar/asn1-rsa';
import { PrivateKeyInfo, PrivateKey as Pkcs8PrivateKey } from '@peculiar/asn1-pkcs8';
import type { PrivateKey, PublicKey } from '../crypto/keys';
import type { Rng } from '../crypto/rng';
import { hash, i2osp } from '../crypto/rsa';
import { signX509 } from '../crypto/signature';
import { OID, parseIpAddress, toPem } from './parse';

const NULL_PARAMS = new Uint8Array([0x05, 0x00]).buffer;

const u8 = (b: ArrayBuffer): Uint8Array => new Uint8Array(b);
const ab = (b: Uint8Array): ArrayBuffer => b.slice().buffer as ArrayBuffer;

/** Unsigned big-endian integer bytes for ASN.1 INTEGER (leading 0x00 when the top bit is set). */
function intBytes(x: bigint): ArrayBuffer {
  let hex = x.toString(16);
  if (hex.length % 2) hex = '0' + hex;
  const b = i2osp(x, Math.max(1, hex.length / 2));
  if (b[0]! & 0x80) {
    const o = new Uint8Array(b.length + 1);
    o.set(b, 1);
    return o.buffer;
  }
  return ab(b);
}

const ATTR_OIDS: Record<string, string> = {
  CN: '2.5.4.3',
  C: '2.5.4.6',
  L: '2.5.4.7',
  ST: '2.5.4.8',
  O: '2.5.4.10',
  OU: '2.5.4.11',
};

/** A distinguished name as [type, value] pairs in certificate order, e.g. [['O','TLS Lab'],['CN','x']]. */
export type NameSpec = [keyof typeof ATTR_OIDS | string, string][];

export function buildName(spec: NameSpec): Name {
  return new Name(
    spec.map(([type, value]) => {
      const oid = ATTR_OIDS[type] ?? type;
      // countryName is a PrintableString (RFC 5280 Appendix A); others UTF8String.
      const v = oid === '2.5.4.6' ? new AttributeValue({ printableString: value }) : new AttributeValue({ utf8String: value });
      return new RelativeDistinguishedName([new AttributeTypeAndValue({ type: oid, value: v })]);
    }),
  );
}

/** DER SubjectPublicKeyInfo of a public key. */
export function spkiFromPublicKey(key: PublicKey): Uint8Array {
  return u8(AsnConvert.serialize(spkiStructure(key)));
}

function spkiStructure(key: PublicKey): SubjectPublicKeyInfo {
  switch (key.type) {
    case 'ecdsa-p256':
    case 'ecdsa-p384': {
      const params = AsnConvert.serialize(new ECParameters({ namedCurve: key.type === 'ecdsa-p256' ? OID.prime256v1 : OID.secp384r1 }));
      return new SubjectPublicKeyInfo({
        algorithm: new AlgorithmIdentifier({ algorithm: OID.ecPublicKey, parameters: params }),
        subjectPublicKey: ab(key.point),
      });
    }
    case 'ed25519':
      return new SubjectPublicKeyInfo({
        algorithm: new AlgorithmIdentifier({ algorithm: OID.ed25519 }),
        subjectPublicKey: ab(key.key),
      });
    case 'rsa':
      return new SubjectPublicKeyInfo({
        algorithm: new AlgorithmIdentifier({ algorithm: OID.rsaEncryption, parameters: NULL_PARAMS }),
        subjectPublicKey: AsnConvert.serialize(new RSAPublicKey({ modulus: intBytes(key.n), publicExponent: intBytes(key.e) })),
      });
  }
}

/** DER PKCS#8 PrivateKeyInfo (RFC 5958) of a private key. */
function privateKeyToPkcs8(key: PrivateKey): Uint8Array {
  let algorithm: AlgorithmIdentifier;
  let inner: ArrayBuffer;
  switch (key.type) {
    case 'ecdsa-p256':
    case 'ecdsa-p384': {
      const curve = key.type === 'ecdsa-p256' ? OID.prime256v1 : OID.secp384r1;
      algorithm = new AlgorithmIdentifier({
        algorithm: OID.ecPublicKey,
        parameters: AsnConvert.serialize(new ECParameters({ namedCurve: curve })),
      });
      const pub = key.publicKey.type === key.type ? key.publicKey.point : undefined;
      inner = AsnConvert.serialize(new ECPrivateKey({ version: 1, privateKey: new OctetString(ab(key.d)), ...(pub ? { publicKey: ab(pub) } : {}) }));
      break;
    }
    case 'ed25519':
      algorithm = new AlgorithmIdentifier({ algorithm: OID.ed25519 });
      inner = AsnConvert.serialize(new OctetString(ab(key.seed)));
      break;
    case 'rsa':
      algorithm = new AlgorithmIdentifier({ algorithm: OID.rsaEncryption, parameters: NULL_PARAMS });
      inner = AsnConvert.serialize(
        new RSAPrivateKey({
          version: 0,
          modulus: intBytes(key.n),
          publicExponent: intBytes(key.e),
          privateExponent: intBytes(key.d),
          prime1: intBytes(key.p),
          prime2: intBytes(key.q),
          exponent1: intBytes(key.dp),
          exponent2: intBytes(key.dq),
          coefficient: intBytes(key.qi),
        }),
      );
      break;
  }
  return u8(AsnConvert.serialize(new PrivateKeyInfo({ version: 0, privateKeyAlgorithm: algorithm, privateKey: new Pkcs8PrivateKey(inner) })));
}

/** PEM (`-----BEGIN PRIVATE KEY-----`, PKCS#8) of a private key, for OpenSSL and node:tls. */
export function privateKeyToPem(key: PrivateKey): string {
  return toPem(privateKeyToPkcs8(key), 'PRIVATE KEY');
}

/** Key identifier: SHA-1 of the subjectPublicKey bits (RFC 5280 §4.2.1.2 method 1). */
function keyIdentifier(key: PublicKey): Uint8Array {
  const spki = spkiStructure(key);
  return hash('sha1', u8(spki.subjectPublicKey));
}

export interface CertificateSpec {
  subject: NameSpec;
  publicKey: PublicKey;
  /** The issuer's name and key; absent → self-signed with `selfKey`. */
  issuer?: { name: NameSpec; key: PrivateKey };
  /** Private key of a self-signed certificate (when `issuer` is absent). */
  selfKey?: PrivateKey;
  /** Serial bytes (positive); default 16 bytes from rng. */
  serial?: Uint8Array;
  notBefore: Date;
  notAfter: Date;
  /** basicConstraints (critical). Absent → no extension. */
  ca?: { ca: boolean; pathLen?: number };
  keyUsage?: KeyUsageType[];
  /** EKU OIDs (e.g. OID.serverAuth). */
  extKeyUsage?: string[];
  /** SAN entries: DNS names and IP addresses (text). */
  dns?: string[];
  ips?: string[];
  /** Name constraints (critical). */
  nameConstraints?: { permittedDns?: string[]; excludedDns?: string[] };
  /** Extra extensions (e.g. an unknown critical one for tests). */
  extraExtensions?: { oid: string; critical: boolean; value: Uint8Array }[];
  /** Test corpora: leave out standard extensions, or flip their criticality (by OID). */
  omit?: ('subjectKeyIdentifier' | 'authorityKeyIdentifier' | 'basicConstraints')[];
  critical?: Record<string, boolean>;
  /** X.509 version (default 3); a v1 certificate carries no extensions. */
  version?: 1 | 3;
  rng: Rng;
}

const KU_FLAGS: Record<KeyUsageType, number> = {
  digitalSignature: KeyUsageFlags.digitalSignature,
  nonRepudiation: KeyUsageFlags.nonRepudiation,
  keyEncipherment: KeyUsageFlags.keyEncipherment,
  dataEncipherment: KeyUsageFlags.dataEncipherment,
  keyAgreement: KeyUsageFlags.keyAgreement,
  keyCertSign: KeyUsageFlags.keyCertSign,
  crlSign: KeyUsageFlags.cRLSign,
  encipherOnly: KeyUsageFlags.encipherOnly,
  decipherOnly: KeyUsageFlags.decipherOnly,
};

function ext(oid: string, critical: boolean, value: unknown): Extension {
  return new Extension({ extnID: oid, critical, extnValue: new OctetString(AsnConvert.serialize(value)) });
}

/** Builds and signs one certificate; returns its DER. */
export function buildCertificate(spec: CertificateSpec): Uint8Array {
  const signer = spec.issuer?.key ?? spec.selfKey;
  if (!signer) throw new Error('buildCertificate: need issuer.key or selfKey');
  let serial = spec.serial ?? spec.rng(16);
  if (!spec.serial) {
    serial = serial.slice();
    serial[0] = (serial[0]! & 0x7f) | 0x01; // positive, 16 octets
  }
  const extensions: Extension[] = [];
  if (spec.ca) {
    const bc = new BasicConstraints({ cA: spec.ca.ca });
    if (spec.ca.pathLen !== undefined) bc.pathLenConstraint = spec.ca.pathLen;
    extensions.push(ext(OID.basicConstraints, true, bc));
  }
  if (spec.keyUsage) {
    let flags = 0;
    for (const u of spec.keyUsage) flags |= KU_FLAGS[u];
    extensions.push(ext(OID.keyUsage, true, new KeyUsage(flags)));
  }
  if (spec.extKeyUsage) extensions.push(ext(OID.extKeyUsage, false, new ExtendedKeyUsage(spec.extKeyUsage)));
  const sans: GeneralName[] = [
    ...(spec.dns ?? []).map((d) => new GeneralName({ dNSName: d })),
    ...(spec.ips ?? []).map((ip) => {
      if (!parseIpAddress(ip)) throw new Error(`not an IP address: ${ip}`);
      return new GeneralName({ iPAddress: ip });
    }),
  ];
  if (sans.length) extensions.push(ext(OID.subjectAltName, false, new SubjectAlternativeName(sans)));
  if (spec.nameConstraints) {
    const nc = new NameConstraints();
    const sub = (names?: string[]) => (names?.length ? new GeneralSubtrees(names.map((n) => new GeneralSubtree({ base: new GeneralName({ dNSName: n }) }))) : undefined);
    const p = sub(spec.nameConstraints.permittedDns);
    const x = sub(spec.nameConstraints.excludedDns);
    if (p) nc.permittedSubtrees = p;
    if (x) nc.excludedSubtrees = x;
    extensions.push(ext(OID.nameConstraints, true, nc));
  }
  if (!spec.omit?.includes('subjectKeyIdentifier')) extensions.push(ext(OID.subjectKeyIdentifier, false, new SubjectKeyIdentifier(ab(keyIdentifier(spec.publicKey)))));
  if (!spec.omit?.includes('authorityKeyIdentifier'))
    extensions.push(ext(OID.authorityKeyIdentifier, false, new AuthorityKeyIdentifier({ keyIdentifier: new KeyIdentifier(ab(keyIdentifier(signer.publicKey))) })));
  const kept = extensions.filter((e) => !(spec.omit as string[] | undefined)?.some((o) => OID[o as keyof typeof OID] === e.extnID));
  for (const e of kept) if (spec.critical?.[e.extnID] !== undefined) e.critical = spec.critical[e.extnID]!;
  for (const e of spec.extraExtensions ?? []) kept.push(new Extension({ extnID: e.oid, critical: e.critical, extnValue: new OctetString(ab(e.value)) }));

  const sigOid = signatureOidFor(signer);
  const sigAlg = () => new AlgorithmIdentifier(signer.type === 'rsa' ? { algorithm: sigOid, parameters: NULL_PARAMS } : { algorithm: sigOid });
  const tbs = new TBSCertificate({
    version: spec.version === 1 ? Version.v1 : Version.v3,
    serialNumber: ab(serial),
    signature: sigAlg(),
    issuer: buildName(spec.issuer?.name ?? spec.subject),
    validity: new Validity({ notBefore: spec.notBefore, notAfter: spec.notAfter }),
    subject: buildName(spec.subject),
    subjectPublicKeyInfo: spkiStructure(spec.publicKey),
    ...(spec.version === 1 ? {} : { extensions: new Extensions(kept) }),
  });
  const tbsDer = u8(AsnConvert.serialize(tbs));
  const { oid, signature } = signX509(signer, tbsDer, spec.rng);
  if (oid !== sigOid) throw new Error('signature algorithm mismatch');
  const cert = new Certificate({ tbsCertificate: tbs, signatureAlgorithm: sigAlg(), signatureValue: ab(signature) });
  return u8(AsnConvert.serialize(cert));
}

function signatureOidFor(key: PrivateKey): string {
  switch (key.type) {
    case 'ecdsa-p256':
      return '1.2.840.10045.4.3.2';
    case 'ecdsa-p384':
      return '1.2.840.10045.4.3.3';
    case 'ed25519':
      return OID.ed25519;
    case 'rsa':
      return '1.2.840.113549.1.1.11';
  }
}
