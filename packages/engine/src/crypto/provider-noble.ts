/**
 * The `noble` crypto provider, pure JavaScript: @noble/hashes, @noble/ciphers, @noble/curves
 * for P-256 and P-384, X25519 and Ed25519 on our own 16-bit limbs (./x25519.ts, ./ed25519.ts
 * over ./field25519.ts), RSA over bigint (./bigint.ts). Runs in the browser, a Worker and
 * Node; the engine's default. See ./provider.ts for the contract.
 */
import { gcm } from '@noble/ciphers/aes.js';
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { p256, p384 } from '@noble/curves/nist.js';
import { expand, extract } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { md5, sha1 } from '@noble/hashes/legacy.js';
import { sha224, sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import { millerRabin, mod, modPow } from './bigint';
import { ed25519PublicKey, ed25519Sign, ed25519Verify } from './ed25519';
import { x25519, x25519PublicKey } from './x25519';
import { nobleEcdsaVerify } from './noble-ecdsa-verify';
import type { AeadName } from './tls13-suites';
import type { CryptoProvider, EcCurve, HashAlgorithm, RsaPrivateNumbers } from './provider';

const HASHES = { md5, sha1, sha224, sha256, sha384, sha512 } as const;
const CURVES = { p256, p384 } as const;

function aead(name: AeadName, key: Uint8Array, nonce: Uint8Array, aad: Uint8Array) {
  return name === 'CHACHA20-POLY1305' ? chacha20poly1305(key, nonce, aad) : gcm(key, nonce, aad);
}

function hashOf(alg: HashAlgorithm) {
  return HASHES[alg];
}

export const nobleCryptoProvider: CryptoProvider = {
  name: 'noble',

  hash: (alg, data) => hashOf(alg)(data),
  hashStream(alg) {
    const h = hashOf(alg).create();
    return { update: (data) => void h.update(data), digest: () => h.clone().digest() };
  },
  hmac: (alg, key, data) => hmac(hashOf(alg), key, data),
  hkdfExtract: (alg, salt, ikm) => extract(hashOf(alg), ikm, salt),
  hkdfExpand: (alg, prk, info, length) => expand(hashOf(alg), prk, info, length),

  aeadSeal: (name, key, nonce, aad, plaintext) => aead(name, key, nonce, aad).encrypt(plaintext),
  aeadOpen(name, key, nonce, aad, sealed) {
    try {
      return aead(name, key, nonce, aad).decrypt(sealed);
    } catch {
      return null;
    }
  },

  // Our own limb arithmetic (./x25519.ts), ~3× noble's bigint ladder; a low-order peer share
  // gives all zeros, which the caller refuses (RFC 8446 §7.4.2).
  x25519PublicKey: (privateKey) => x25519PublicKey(privateKey),
  x25519SharedSecret: (privateKey, peerPublic) => x25519(privateKey, peerPublic),

  ecPublicKey: (curve, d) => CURVES[curve].getPublicKey(d, false),
  ecPointDecode: (curve, point) => CURVES[curve].Point.fromBytes(point).toBytes(false),
  ecdhSharedSecret(curve: EcCurve, d, peerPoint) {
    CURVES[curve].Point.fromBytes(peerPoint).assertValidity();
    return CURVES[curve].getSharedSecret(d, peerPoint, true).slice(1);
  },
  ecdsaSign(curve, d, hashAlg, message, extraEntropy) {
    // prehash: false — we hash ourselves (X.509 may pair SHA-384 with P-256); noble truncates.
    // lowS: false — standard ECDSA (OpenSSL neither produces nor requires low-S).
    return CURVES[curve].sign(hashOf(hashAlg)(message), d, { prehash: false, format: 'der', lowS: false, extraEntropy });
  },
  // A key verified again and again gets its precomputed table (./noble-ecdsa-verify.ts).
  ecdsaVerify: (curve, point, hashAlg, message, derSignature) => nobleEcdsaVerify(curve, point, hashOf(hashAlg)(message), derSignature),

  // Our own limb arithmetic (./ed25519.ts): the same keys and signatures as @noble/curves and
  // the verdicts of its strict `verify(…, { zip215: false })`, at 2–6× the speed (the most for
  // a key verified often and a seed that signs again). Verification never throws: a malformed
  // key or signature is false.
  ed25519PublicKey: (seed) => ed25519PublicKey(seed),
  ed25519Sign: (seed, message) => ed25519Sign(seed, message),
  ed25519Verify: (publicKey, message, signature) => ed25519Verify(publicKey, message, signature),

  rsaPublic: (key, m) => modPow(m, key.e, key.n),
  rsaPrivate(key: RsaPrivateNumbers, c) {
    // RFC 8017 §5.1.2 2.b: the Chinese Remainder Theorem.
    const m1 = modPow(c, key.dp, key.p);
    const m2 = modPow(c, key.dq, key.q);
    const h = mod(key.qi * (m1 - m2), key.p);
    return m2 + h * key.q;
  },
  isProbablePrime(candidate, rng, rounds) {
    // Fermat base 2 first (cheap rejection), then Miller–Rabin.
    if (modPow(2n, candidate - 1n, candidate) !== 1n) return false;
    return millerRabin(candidate, rng, rounds);
  },

  randomBytes(n) {
    const out = new Uint8Array(n);
    for (let o = 0; o < n; o += 65536) crypto.getRandomValues(out.subarray(o, Math.min(n, o + 65536)));
    return out;
  },
};

/**
 * For a fresh browser Worker: P-256 / P-384 base-point tables of window 4 instead of noble's 6.
 * The first signature or key pair then builds a table a third the size (about 25 ms less before
 * the first handshake here); each later base-point multiplication costs about 0.4 ms more. The
 * app's Worker calls it before its first run; Node (CLI, benchmarks) keeps noble's default.
 */
export function preferQuickStart(): void {
  for (const c of Object.values(CURVES)) c.Point.BASE.precompute(4);
}
