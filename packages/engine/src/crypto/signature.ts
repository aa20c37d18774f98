/**
 * Signatures, synchronous: TLS SignatureSchemes (RFC 8446 §4.2.3) for CertificateVerify and
 * ServerKeyExchange, and X.509 signature algorithms (RFC 5280 §4.1.1.2, RFC 4055, RFC 5758,
 * RFC 8410) for the certificate verifier.
 *
 * ECDSA (P-256, P-384) and Ed25519 come from the crypto provider; RSA from ./rsa. ECDSA signatures
 * are DER-encoded (Ecdsa-Sig-Value), as both TLS and X.509 carry them. Verification never
 * throws: malformed keys or signatures verify as false.
 */
import { isValidScalar } from './ec';
import { verifyX509SignatureCached } from './signature-cache';
import type { PrivateKey, PublicKey, SignatureSchemeName } from './keys';
import type { Rng } from './rng';
import { namesOf, SIGNATURE_SCHEME_CODES as SCHEME_TABLE } from '../msgs/registry';
import { cryptoProvider, type EcCurve } from './provider';
import { type HashName, rsaSignPkcs1v15, rsaSignPss, rsaVerifyPkcs1v15, rsaVerifyPss } from './rsa';

/** IANA code points of the schemes (RFC 8446 §4.2.3): the registry table, msgs/registry.ts. */
export const SIGNATURE_SCHEME_CODES: Readonly<Record<SignatureSchemeName, number>> = SCHEME_TABLE;

/** Every scheme the engine can sign and verify, in the order we offer them. */
export const SIGNATURE_SCHEMES: readonly SignatureSchemeName[] = namesOf(SIGNATURE_SCHEME_CODES);

/** Scheme name for a code point, or undefined when the engine does not support it. */
export function signatureSchemeFromCode(code: number): SignatureSchemeName | undefined {
  for (const [name, c] of Object.entries(SIGNATURE_SCHEME_CODES)) if (c === code) return name as SignatureSchemeName;
  return undefined;
}

/** The hash a scheme uses (ed25519 hashes internally with SHA-512; reported as such). */
export function schemeHash(scheme: SignatureSchemeName): HashName {
  switch (scheme) {
    case 'ecdsa_secp256r1_sha256':
    case 'rsa_pss_rsae_sha256':
    case 'rsa_pkcs1_sha256':
      return 'sha256';
    case 'ecdsa_secp384r1_sha384':
    case 'rsa_pss_rsae_sha384':
    case 'rsa_pkcs1_sha384':
      return 'sha384';
    case 'rsa_pss_rsae_sha512':
    case 'rsa_pkcs1_sha512':
    case 'ed25519':
      return 'sha512';
  }
}

/**
 * Schemes this public key can verify, in TLS 1.3 preference order. RSA keys list PSS first
 * (TLS 1.3 allows only PSS in CertificateVerify, RFC 8446 §4.4.3), then PKCS#1 v1.5 (TLS 1.2).
 */
export function schemesForKey(key: PublicKey): SignatureSchemeName[] {
  switch (key.type) {
    case 'ecdsa-p256':
      return ['ecdsa_secp256r1_sha256'];
    case 'ecdsa-p384':
      return ['ecdsa_secp384r1_sha384'];
    case 'ed25519':
      return ['ed25519'];
    case 'rsa':
      return ['rsa_pss_rsae_sha256', 'rsa_pss_rsae_sha384', 'rsa_pss_rsae_sha512', 'rsa_pkcs1_sha256', 'rsa_pkcs1_sha384', 'rsa_pkcs1_sha512'];
  }
}

/** True when `scheme` is made with keys of this type (RFC 8446 §4.2.3: the curve is bound). */
export function schemeMatchesKey(scheme: SignatureSchemeName, key: PublicKey): boolean {
  return schemesForKey(key).includes(scheme);
}

/**
 * TLS 1.2 reading of a scheme: there the ECDSA code points name only the hash, and the curve is
 * the certificate's (RFC 8446 §4.2.3: "in TLS 1.2 ... ecdsa_secp256r1_sha256 ... ECDSA with
 * SHA-256 on any curve"). Other schemes fit as in TLS 1.3.
 */
export function schemeFitsKeyTls12(scheme: SignatureSchemeName, key: PublicKey): boolean {
  if (isEcdsaScheme(scheme)) return key.type === 'ecdsa-p256' || key.type === 'ecdsa-p384';
  return schemeMatchesKey(scheme, key);
}

/** Verifies a TLS 1.2 signature (ECDSA on any curve, see schemeFitsKeyTls12). Never throws. */
export function verifyTls12(scheme: SignatureSchemeName, key: PublicKey, message: Uint8Array, signature: Uint8Array): boolean {
  if (!isEcdsaScheme(scheme)) return verify(scheme, key, message, signature);
  return schemeFitsKeyTls12(scheme, key) && ecdsaVerify(key, schemeHash(scheme), message, signature);
}

function isEcdsaScheme(scheme: SignatureSchemeName): boolean {
  return scheme === 'ecdsa_secp256r1_sha256' || scheme === 'ecdsa_secp384r1_sha384';
}

/**
 * Signs `message` with `scheme` (the scheme hashes the message itself).
 * ECDSA uses RFC 6979 deterministic nonces hedged with 32 bytes from `rng` (so a seeded run is
 * reproducible); RSA-PSS draws its salt (hash length) from `rng`.
 * Throws if the key type does not match the scheme.
 */
export function sign(scheme: SignatureSchemeName, key: PrivateKey, message: Uint8Array, rng: Rng): Uint8Array {
  if (!schemeMatchesKey(scheme, key.publicKey)) {
    throw new Error(`signature scheme ${scheme} cannot be used with a ${key.type} key`);
  }
  switch (scheme) {
    case 'ecdsa_secp256r1_sha256':
    case 'ecdsa_secp384r1_sha384':
      return ecdsaSign(key, schemeHash(scheme), message, rng);
    case 'ed25519':
      if (key.type !== 'ed25519') throw new Error('ed25519 needs an Ed25519 key');
      return cryptoProvider().ed25519Sign(key.seed, message);
    case 'rsa_pss_rsae_sha256':
    case 'rsa_pss_rsae_sha384':
    case 'rsa_pss_rsae_sha512':
      if (key.type !== 'rsa') throw new Error('RSA-PSS needs an RSA key');
      return rsaSignPss(key, schemeHash(scheme), message, rng);
    case 'rsa_pkcs1_sha256':
    case 'rsa_pkcs1_sha384':
    case 'rsa_pkcs1_sha512':
      if (key.type !== 'rsa') throw new Error('RSA PKCS#1 needs an RSA key');
      return rsaSignPkcs1v15(key, schemeHash(scheme), message);
  }
}

/** Verifies a TLS signature. Never throws: wrong key type, bad encoding → false. */
export function verify(scheme: SignatureSchemeName, key: PublicKey, message: Uint8Array, signature: Uint8Array): boolean {
  try {
    if (!schemeMatchesKey(scheme, key)) return false;
    switch (scheme) {
      case 'ecdsa_secp256r1_sha256':
      case 'ecdsa_secp384r1_sha384':
        return ecdsaVerify(key, schemeHash(scheme), message, signature);
      case 'ed25519':
        return key.type === 'ed25519' && ed25519Verify(key.key, message, signature);
      case 'rsa_pss_rsae_sha256':
      case 'rsa_pss_rsae_sha384':
      case 'rsa_pss_rsae_sha512':
        return key.type === 'rsa' && rsaVerifyPss(key, schemeHash(scheme), message, signature);
      case 'rsa_pkcs1_sha256':
      case 'rsa_pkcs1_sha384':
      case 'rsa_pkcs1_sha512':
        return key.type === 'rsa' && rsaVerifyPkcs1v15(key, schemeHash(scheme), message, signature);
    }
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// ECDSA and Ed25519 primitives (hash chosen by the caller: X.509 may pair any hash with a curve)

function curveOf(type: 'ecdsa-p256' | 'ecdsa-p384'): EcCurve {
  return type === 'ecdsa-p256' ? 'p256' : 'p384';
}

/** ECDSA signature (DER) of hash(message) with the key's curve. */
export function ecdsaSign(key: PrivateKey, hashName: HashName, message: Uint8Array, rng: Rng): Uint8Array {
  if (key.type !== 'ecdsa-p256' && key.type !== 'ecdsa-p384') throw new Error(`ECDSA needs an EC key, got ${key.type}`);
  // Any hash with any curve (X.509 may pair SHA-384 with P-256); not low-S (OpenSSL neither
  // produces nor requires it).
  return cryptoProvider().ecdsaSign(curveOf(key.type), key.d, hashName, message, rng(32));
}

/** ECDSA verification of a DER signature over hash(message). Never throws. */
export function ecdsaVerify(key: PublicKey, hashName: HashName, message: Uint8Array, derSignature: Uint8Array): boolean {
  try {
    if (key.type !== 'ecdsa-p256' && key.type !== 'ecdsa-p384') return false;
    return cryptoProvider().ecdsaVerify(curveOf(key.type), key.point, hashName, message, derSignature);
  } catch {
    return false;
  }
}

/** Strict RFC 8032 Ed25519 verification (no ZIP-215 leniency). Never throws. */
export function ed25519Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  return cryptoProvider().ed25519Verify(publicKey, message, signature);
}

// ---------------------------------------------------------------------------------------------
// X.509 signature algorithms (the verifier's view)

/** A certificate's signatureAlgorithm, decoded (RFC 5280 §4.1.1.2). */
export type X509SignatureAlgorithm =
  | { kind: 'rsa-pkcs1'; hash: HashName; name: string }
  | { kind: 'rsa-pss'; hash: HashName; mgfHash: HashName; saltLength: number; name: string }
  | { kind: 'ecdsa'; hash: HashName; name: string }
  | { kind: 'ed25519'; name: string }
  | { kind: 'unsupported'; oid: string; name: string };

/** Readable names of well-known signature algorithm OIDs (including ones we refuse). */
export const SIG_ALG_OIDS: Record<string, { name: string; kind: 'rsa-pkcs1' | 'ecdsa' | 'ed25519' | 'rsa-pss' | 'unsupported'; hash?: HashName }> = {
  '1.2.840.113549.1.1.4': { name: 'md5WithRSAEncryption', kind: 'rsa-pkcs1', hash: 'md5' },
  '1.2.840.113549.1.1.5': { name: 'sha1WithRSAEncryption', kind: 'rsa-pkcs1', hash: 'sha1' },
  '1.2.840.113549.1.1.14': { name: 'sha224WithRSAEncryption', kind: 'rsa-pkcs1', hash: 'sha224' },
  '1.2.840.113549.1.1.11': { name: 'sha256WithRSAEncryption', kind: 'rsa-pkcs1', hash: 'sha256' },
  '1.2.840.113549.1.1.12': { name: 'sha384WithRSAEncryption', kind: 'rsa-pkcs1', hash: 'sha384' },
  '1.2.840.113549.1.1.13': { name: 'sha512WithRSAEncryption', kind: 'rsa-pkcs1', hash: 'sha512' },
  '1.2.840.113549.1.1.10': { name: 'RSASSA-PSS', kind: 'rsa-pss' },
  '1.2.840.10045.4.1': { name: 'ecdsa-with-SHA1', kind: 'ecdsa', hash: 'sha1' },
  '1.2.840.10045.4.3.1': { name: 'ecdsa-with-SHA224', kind: 'ecdsa', hash: 'sha224' },
  '1.2.840.10045.4.3.2': { name: 'ecdsa-with-SHA256', kind: 'ecdsa', hash: 'sha256' },
  '1.2.840.10045.4.3.3': { name: 'ecdsa-with-SHA384', kind: 'ecdsa', hash: 'sha384' },
  '1.2.840.10045.4.3.4': { name: 'ecdsa-with-SHA512', kind: 'ecdsa', hash: 'sha512' },
  '1.3.101.112': { name: 'Ed25519', kind: 'ed25519' },
  '1.3.101.113': { name: 'Ed448', kind: 'unsupported' },
  '1.2.840.113549.1.1.2': { name: 'md2WithRSAEncryption', kind: 'unsupported' },
  '1.2.840.10040.4.3': { name: 'dsa-with-sha1', kind: 'unsupported' },
  '2.16.840.1.101.3.4.3.2': { name: 'dsa-with-sha256', kind: 'unsupported' },
};

/** Hash OIDs (for RSASSA-PSS parameters, RFC 4055 §2.1). */
export const HASH_OIDS: Record<string, HashName> = {
  '1.2.840.113549.2.5': 'md5',
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.4': 'sha224',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

/** OIDs for signing with our own keys (the demo PKI). */
const SIG_ALG_OID_BY_NAME = {
  sha256WithRSAEncryption: '1.2.840.113549.1.1.11',
  ecdsaWithSHA256: '1.2.840.10045.4.3.2',
  ecdsaWithSHA384: '1.2.840.10045.4.3.3',
  ed25519: '1.3.101.112',
} as const;

/**
 * Verifies an X.509 signature (over the DER of tbsCertificate) made with `alg` by `key`.
 * Never throws. Weakness (MD5, SHA-1) is the verifier's separate check, not decided here.
 *
 * Like a browser, the engine remembers signatures it has verified: a process-wide (Worker-wide)
 * cache keyed by (issuer key, algorithm, signed bytes, signature), bounded in size (./signature-
 * cache.ts). Whether this call's answer came from there: `lastX509SignatureCached()`.
 */
export function verifyX509Signature(alg: X509SignatureAlgorithm, key: PublicKey, tbs: Uint8Array, signature: Uint8Array): boolean {
  return verifyX509SignatureCached(alg, key, tbs, signature, verifyX509SignatureUncached);
}

function verifyX509SignatureUncached(alg: X509SignatureAlgorithm, key: PublicKey, tbs: Uint8Array, signature: Uint8Array): boolean {
  try {
    switch (alg.kind) {
      case 'rsa-pkcs1':
        return key.type === 'rsa' && rsaVerifyPkcs1v15(key, alg.hash, tbs, signature);
      case 'rsa-pss':
        return key.type === 'rsa' && rsaVerifyPss(key, alg.hash, tbs, signature, alg.saltLength, alg.mgfHash);
      case 'ecdsa':
        return ecdsaVerify(key, alg.hash, tbs, signature);
      case 'ed25519':
        return key.type === 'ed25519' && ed25519Verify(key.key, tbs, signature);
      case 'unsupported':
        return false;
    }
  } catch {
    return false;
  }
}

/** Signs `tbs` for an X.509 structure with our key, choosing the conventional algorithm. */
export function signX509(key: PrivateKey, tbs: Uint8Array, rng: Rng): { oid: string; signature: Uint8Array } {
  switch (key.type) {
    case 'ecdsa-p256':
      return { oid: SIG_ALG_OID_BY_NAME.ecdsaWithSHA256, signature: ecdsaSign(key, 'sha256', tbs, rng) };
    case 'ecdsa-p384':
      return { oid: SIG_ALG_OID_BY_NAME.ecdsaWithSHA384, signature: ecdsaSign(key, 'sha384', tbs, rng) };
    case 'ed25519':
      return { oid: SIG_ALG_OID_BY_NAME.ed25519, signature: cryptoProvider().ed25519Sign(key.seed, tbs) };
    case 'rsa':
      return { oid: SIG_ALG_OID_BY_NAME.sha256WithRSAEncryption, signature: rsaSignPkcs1v15(key, 'sha256', tbs) };
  }
}

/** Derives the public key of a private key from its secret part (EC / Ed25519). */
export function ecPublicPoint(type: 'ecdsa-p256' | 'ecdsa-p384', d: Uint8Array): Uint8Array {
  return cryptoProvider().ecPublicKey(curveOf(type), d);
}

/** Ed25519 public key from its 32-byte seed. */
export function ed25519PublicKey(seed: Uint8Array): Uint8Array {
  return cryptoProvider().ed25519PublicKey(seed);
}

/** Deterministic EC / Ed25519 private key from an Rng (rejection-samples a valid scalar). */
export function generateKeyFromRng(type: 'ecdsa-p256' | 'ecdsa-p384' | 'ed25519', rng: Rng): PrivateKey {
  if (type === 'ed25519') {
    const seed = rng(32);
    return { type, seed, publicKey: { type, key: cryptoProvider().ed25519PublicKey(seed) } };
  }
  const curve = curveOf(type);
  const len = type === 'ecdsa-p256' ? 32 : 48;
  for (;;) {
    const d = rng(len);
    if (!isValidScalar(curve, d)) continue;
    return { type, d, publicKey: { type, point: cryptoProvider().ecPublicKey(curve, d) } };
  }
}
