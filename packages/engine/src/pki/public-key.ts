/**
 * Public keys and signature algorithms of X.509 (RFC 5280 §4.1.2.7, §4.1.1.2): SubjectPublicKeyInfo
 * decoding (RFC 3279 / RFC 5480 EC, RFC 8017 RSA, RFC 8410 Ed25519) into crypto/keys.ts keys, their
 * description, and the signatureAlgorithm (RFC 4055 RSASSA-PSS parameters).
 */
import { AsnParser } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier, SubjectPublicKeyInfo } from '@peculiar/asn1-x509';
import { RSAPublicKey, RsaSaPssParams } from '@peculiar/asn1-rsa';
import { ECParameters } from '@peculiar/asn1-ecc';
import { toHex } from '../codec/hex';
import type { PublicKey } from '../crypto/keys';
import { cryptoProvider } from '../crypto/provider';
import { bitLength, os2ip, type HashName } from '../crypto/rsa';
import { HASH_OIDS, SIG_ALG_OIDS, type X509SignatureAlgorithm } from '../crypto/signature';
import { OID } from './oids';
import { PkiParseError, u8 } from './asn1-util';

// ---------------------------------------------------------------------------------------------
// Public keys

export const CURVES = { 'ecdsa-p256': 'p256', 'ecdsa-p384': 'p384' } as const;

export function curveName(oid: string | undefined): string {
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

export function describeSpkiAlgorithm(info: SubjectPublicKeyInfo): string {
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
