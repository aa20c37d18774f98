/**
 * The crypto provider seam (after rustls's `CryptoProvider`): every primitive the engine uses —
 * hashes, HMAC, HKDF, AEAD, X25519 / P-256 / P-384 arithmetic, ECDSA, Ed25519, the raw RSA
 * operations, randomness — comes from one provider object. The TLS-specific parts stay above
 * the seam and are shared by every provider: the key schedules, the PRF, RSA padding (PKCS#1
 * v1.5, PSS, the Bleichenbacher countermeasure), RFC 6979 nonce derivation, key generation from
 * the run's Rng. So a seeded run gives the same bytes whichever provider computes them.
 *
 * Two providers:
 * - `noble` (./provider-noble.ts): @noble/*, pure JavaScript; runs everywhere; the default.
 * - `node` (./provider-node.ts): node:crypto (OpenSSL), synchronous; Node only, several times
 *   faster. The CLI installs it; Node users call `installCryptoProvider(nodeCryptoProvider)`.
 *
 * The provider is process-wide (Worker-wide), as rustls's installed default is: the engine is
 * synchronous, so `withCryptoProvider(p, fn)` can also run one piece of work with another.
 *
 * @example
 *   import { nodeCryptoProvider } from '@tlslab/engine/crypto/node';
 *   installCryptoProvider(nodeCryptoProvider);
 */
import type { AeadName } from './tls13-suites';
import { nobleCryptoProvider } from './provider-noble';

/** Every hash a provider computes (md5 / sha1 only to recognise and reject weak certificates). */
export type HashAlgorithm = 'md5' | 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512';

/** The Weierstrass curves of ECDH and ECDSA. */
export type EcCurve = 'p256' | 'p384';

/** An RSA public key as the raw operation needs it. */
export interface RsaPublicNumbers {
  n: bigint;
  e: bigint;
}

/** An RSA private key with its CRT parameters (RFC 8017 §3.2, second form). */
export interface RsaPrivateNumbers extends RsaPublicNumbers {
  d: bigint;
  p: bigint;
  q: bigint;
  dp: bigint;
  dq: bigint;
  qi: bigint;
}

/** Hash fed piece by piece; `digest` is Hash(everything fed so far) and the hash goes on. */
export interface HashStream {
  update(data: Uint8Array): void;
  digest(): Uint8Array;
}

export interface CryptoProvider {
  /** `noble` or `node`: shown by the CLI and the benchmarks. */
  readonly name: string;

  /** Hash(data). */
  hash(alg: HashAlgorithm, data: Uint8Array): Uint8Array;
  /** A running hash (the transcript hash, RFC 8446 §4.4.1, without rehashing every message). */
  hashStream(alg: HashAlgorithm): HashStream;
  /** HMAC-Hash(key, data) (RFC 2104). */
  hmac(alg: HashAlgorithm, key: Uint8Array, data: Uint8Array): Uint8Array;
  /** HKDF-Extract(salt, IKM) (RFC 5869 §2.2); `salt` is already HashLen zeros when absent. */
  hkdfExtract(alg: HashAlgorithm, salt: Uint8Array, ikm: Uint8Array): Uint8Array;
  /** HKDF-Expand(PRK, info, L) (RFC 5869 §2.3). */
  hkdfExpand(alg: HashAlgorithm, prk: Uint8Array, info: Uint8Array, length: number): Uint8Array;

  /** AEAD-Encrypt: ciphertext ‖ 16-byte tag. */
  aeadSeal(aead: AeadName, key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Uint8Array;
  /** AEAD-Decrypt: the plaintext, or null when the tag does not verify. Never throws. */
  aeadOpen(aead: AeadName, key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, sealed: Uint8Array): Uint8Array | null;

  /** X25519(k, 9): the public u-coordinate of a 32-byte private key (RFC 7748 §6.1). */
  x25519PublicKey(privateKey: Uint8Array): Uint8Array;
  /** X25519(k, u); all zeros for a low-order u (the caller rejects that, RFC 8446 §7.4.2). */
  x25519SharedSecret(privateKey: Uint8Array, peerPublic: Uint8Array): Uint8Array;

  /** d·G as an uncompressed point 04‖x‖y; `d` is a valid scalar in [1, n-1]. */
  ecPublicKey(curve: EcCurve, d: Uint8Array): Uint8Array;
  /** A SEC 1 point (compressed or not) checked to be on the curve, as 04‖x‖y. Throws if invalid. */
  ecPointDecode(curve: EcCurve, point: Uint8Array): Uint8Array;
  /** The x-coordinate of d·P (RFC 8446 §7.4.2). Throws if the peer point is invalid. */
  ecdhSharedSecret(curve: EcCurve, d: Uint8Array, peerPoint: Uint8Array): Uint8Array;
  /**
   * DER ECDSA signature of Hash(message) (truncated to the curve order's length), its nonce
   * from RFC 6979 hedged with `extraEntropy` (§3.6: k' appended to the seed), S not normalised
   * to low-S: the same bytes from every provider for the same inputs.
   */
  ecdsaSign(curve: EcCurve, d: Uint8Array, hash: HashAlgorithm, message: Uint8Array, extraEntropy: Uint8Array): Uint8Array;
  /** ECDSA verification of a DER signature over Hash(message) (high S accepted). Never throws. */
  ecdsaVerify(curve: EcCurve, point: Uint8Array, hash: HashAlgorithm, message: Uint8Array, derSignature: Uint8Array): boolean;

  /** Ed25519 public key from its 32-byte seed (RFC 8032 §5.1.5). */
  ed25519PublicKey(seed: Uint8Array): Uint8Array;
  /** Ed25519 signature (RFC 8032 §5.1.6, deterministic). */
  ed25519Sign(seed: Uint8Array, message: Uint8Array): Uint8Array;
  /** Strict RFC 8032 §5.1.7 verification (canonical S and A, no ZIP-215 leniency). Never throws. */
  ed25519Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;

  /** RSAEP / RSAVP1: m^e mod n, for 0 ≤ m < n (RFC 8017 §5.1.1). */
  rsaPublic(key: RsaPublicNumbers, m: bigint): bigint;
  /** RSADP / RSASP1: c^d mod n, for 0 ≤ c < n (RFC 8017 §5.1.2). */
  rsaPrivate(key: RsaPrivateNumbers, c: bigint): bigint;
  /**
   * Whether an odd candidate without small factors is a probable prime, for RSA key generation:
   * Fermat base 2, then Miller–Rabin with `rounds` bases, each drawn as rng(byteLength + 8). A
   * provider that tests otherwise draws the same bytes for a prime (and none for a composite),
   * so a seeded key is the same key with every provider.
   */
  isProbablePrime(candidate: bigint, rng: (n: number) => Uint8Array, rounds: number): boolean;

  /** `n` bytes from the platform CSPRNG. */
  randomBytes(n: number): Uint8Array;
}

let current: CryptoProvider = nobleCryptoProvider;

/** The provider the engine uses now. */
export function cryptoProvider(): CryptoProvider {
  return current;
}

/** Makes `provider` the process-wide (Worker-wide) provider; returns the previous one. */
export function installCryptoProvider(provider: CryptoProvider): CryptoProvider {
  const previous = current;
  current = provider;
  return previous;
}

/** Runs `fn` with `provider` installed, then restores the previous one (the engine is synchronous). */
export function withCryptoProvider<T>(provider: CryptoProvider, fn: () => T): T {
  const previous = installCryptoProvider(provider);
  try {
    return fn();
  } finally {
    current = previous;
  }
}
