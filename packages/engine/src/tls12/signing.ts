/**
 * TLS 1.2 signatures with our own key (ServerKeyExchange, client CertificateVerify). In TLS 1.2
 * an ECDSA code point names only the hash; the curve is the certificate's (RFC 5246
 * §7.4.1.4.1, RFC 8422 §5.1.1; RFC 8446 §4.2.3: "ecdsa_secp256r1_sha256 ... in TLS 1.2 ... ECDSA
 * with SHA-256 on any curve"). So a P-256 key may sign with SHA-384 when the peer offers only
 * {sha384, ecdsa}, and the other way round. Verification of the peer's is crypto/signature.ts
 * `verifyTls12`.
 */
import type { PrivateKey, PublicKey, SignatureSchemeName } from '../crypto/keys';
import { ecdsaSign, schemeFitsKeyTls12, schemeHash, schemesForKey, sign } from '../crypto/signature';
import type { Rng } from '../crypto/rng';

const ECDSA_SCHEMES: readonly SignatureSchemeName[] = ['ecdsa_secp256r1_sha256', 'ecdsa_secp384r1_sha384'];

/** Schemes this key can sign with in TLS 1.2: its own first (the TLS 1.3 pairing), then any other hash for ECDSA. */
export function schemesForKeyTls12(key: PublicKey): SignatureSchemeName[] {
  const own = schemesForKey(key);
  if (key.type !== 'ecdsa-p256' && key.type !== 'ecdsa-p384') return own;
  return [...own, ...ECDSA_SCHEMES.filter((s) => !own.includes(s))];
}

/** Signs with `scheme` read the TLS 1.2 way (ECDSA: the scheme's hash on the key's curve). */
export function signTls12(scheme: SignatureSchemeName, key: PrivateKey, message: Uint8Array, rng: Rng): Uint8Array {
  if (ECDSA_SCHEMES.includes(scheme) && schemeFitsKeyTls12(scheme, key.publicKey)) return ecdsaSign(key, schemeHash(scheme), message, rng);
  return sign(scheme, key, message, rng);
}
