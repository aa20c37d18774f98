/**
 * Private keys from DER: PKCS#8 (RFC 5208 / RFC 5958), SEC1 EC (RFC 5915), PKCS#1 RSA (RFC 8017),
 * Ed25519 (RFC 8410), into crypto/keys.ts keys whose public half is checked against the private.
 */
import { AsnParser, OctetString } from '@peculiar/asn1-schema';
import { RSAPrivateKey } from '@peculiar/asn1-rsa';
import { ECParameters, ECPrivateKey } from '@peculiar/asn1-ecc';
import { PrivateKeyInfo } from '@peculiar/asn1-pkcs8';
import type { PrivateKey } from '../crypto/keys';
import { isValidScalar } from '../crypto/ec';
import { os2ip, rsaPrivateKeyFromComponents } from '../crypto/rsa';
import { ecPublicPoint, ed25519PublicKey } from '../crypto/signature';
import { OID } from './oids';
import { CURVES, curveName } from './public-key';
import { PkiParseError, u8 } from './asn1-util';

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
      const params = info.privateKeyAlgorithm.parameters ? AsnParser.parse(info.privateKeyAlgorithm.parameters, ECParameters).namedCurve : undefined;
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

export type PrivateKeyFormat = 'pkcs8' | 'sec1' | 'pkcs1';

/** Parses a DER private key; without `format`, tries PKCS#8, then SEC1, then PKCS#1. */
export function privateKeyFromDer(der: Uint8Array, format?: PrivateKeyFormat): PrivateKey {
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
