/**
 * TLS 1.2 signatures with our own key (ServerKeyExchange, client CertificateVerify). In TLS 1.2
 * an ECDSA code point names only the hash; the curve is the certificate's (RFC 5246
 * §7.4.1.4.1, RFC 8422 §5.1.1; RFC 8446 §4.2.3: "ecdsa_secp256r1_sha256 ... in TLS 1.2 ... ECDSA
 * with SHA-256 on any curve"). So a P-256 key may sign with SHA-384 when the peer offers only
 * {sha384, ecdsa}, and the other way round — and with SHA-512 or SHA-224 (0x0603, 0x0303),
 * pairs TLS 1.3 has no scheme for on our curves; likewise RSA PKCS#1 with SHA-224 (0x0301).
 * RFC 9155 §2: we MUST NOT sign with SHA-1 or MD5 (0x0201, 0x0203, 0x01xx), so a peer that
 * offers only those gets handshake_failure. Verification of the peer's is crypto/signature.ts
 * `verifyTls12`.
 */
import type { PrivateKey, PublicKey, SignatureSchemeName } from './keys';
import type { HashName } from './rsa';
import { rsaSignPkcs1v15 } from './rsa';
import { ecdsaSign, SIGNATURE_SCHEME_CODES, schemeFitsKeyTls12, schemeHash, schemesForKey, sign } from './signature';
import type { Rng } from './rng';

/** TLS 1.2 (hash, signature) pairs we sign with that have no TLS 1.3 scheme on our keys. */
const TLS12_ONLY_PAIRS = {
  ecdsa_secp521r1_sha512: { code: 0x0603, hash: 'sha512', sig: 'ecdsa' },
  ecdsa_sha224: { code: 0x0303, hash: 'sha224', sig: 'ecdsa' },
  rsa_pkcs1_sha224: { code: 0x0301, hash: 'sha224', sig: 'rsa' },
} as const satisfies Record<string, { code: number; hash: HashName; sig: 'ecdsa' | 'rsa' }>;

/** A scheme our key signs with in TLS 1.2: a TLS 1.3 name, or one of the TLS 1.2-only pairs. */
export type Tls12SchemeName = SignatureSchemeName | keyof typeof TLS12_ONLY_PAIRS;

const ECDSA_SCHEMES: readonly Tls12SchemeName[] = ['ecdsa_secp256r1_sha256', 'ecdsa_secp384r1_sha384', 'ecdsa_secp521r1_sha512', 'ecdsa_sha224'];

function tls12Only(scheme: Tls12SchemeName) {
  return scheme in TLS12_ONLY_PAIRS ? TLS12_ONLY_PAIRS[scheme as keyof typeof TLS12_ONLY_PAIRS] : undefined;
}

/** The code point on the wire (RFC 5246 §7.4.1.4.1: hash byte ‖ signature byte). */
export function tls12SchemeCode(scheme: Tls12SchemeName): number {
  return tls12Only(scheme)?.code ?? SIGNATURE_SCHEME_CODES[scheme as SignatureSchemeName];
}

/**
 * Schemes this key can sign with in TLS 1.2, in preference order: its own first (the TLS 1.3
 * pairing), then any other hash for ECDSA, then SHA-224 for RSA PKCS#1. Never SHA-1 (RFC 9155).
 */
export function schemesForKeyTls12(key: PublicKey): Tls12SchemeName[] {
  const own: Tls12SchemeName[] = schemesForKey(key);
  if (key.type === 'rsa') return [...own, 'rsa_pkcs1_sha224'];
  if (key.type !== 'ecdsa-p256' && key.type !== 'ecdsa-p384') return own;
  return [...own, ...ECDSA_SCHEMES.filter((s) => !own.includes(s))];
}

/** Signs with `scheme` read the TLS 1.2 way (ECDSA: the scheme's hash on the key's curve). */
export function signTls12(scheme: Tls12SchemeName, key: PrivateKey, message: Uint8Array, rng: Rng): Uint8Array {
  const extra = tls12Only(scheme);
  if (extra?.sig === 'ecdsa') return ecdsaSign(key, extra.hash, message, rng);
  if (extra?.sig === 'rsa') {
    if (key.type !== 'rsa') throw new Error(`${scheme} needs an RSA key, got ${key.type}`);
    return rsaSignPkcs1v15(key, extra.hash, message);
  }
  const s = scheme as SignatureSchemeName;
  if (ECDSA_SCHEMES.includes(s) && schemeFitsKeyTls12(s, key.publicKey)) return ecdsaSign(key, schemeHash(s), message, rng);
  return sign(s, key, message, rng);
}

/** Whether our `key` can sign with `scheme` in TLS 1.2. */
export function tls12SchemeFitsKey(scheme: Tls12SchemeName, key: PublicKey): boolean {
  const extra = tls12Only(scheme);
  if (extra) return extra.sig === 'rsa' ? key.type === 'rsa' : key.type === 'ecdsa-p256' || key.type === 'ecdsa-p384';
  return schemeFitsKeyTls12(scheme as SignatureSchemeName, key);
}

/** The first of the peer's offered code points (its order) that `mine` holds. */
export function pickOfferedTls12(offered: readonly number[], mine: readonly Tls12SchemeName[]): Tls12SchemeName | undefined {
  for (const code of offered) {
    const s = mine.find((m) => tls12SchemeCode(m) === code);
    if (s) return s;
  }
  return undefined;
}
