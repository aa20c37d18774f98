/**
 * The `node` crypto provider: node:crypto (OpenSSL), synchronous. Node only (the CLI installs
 * it; import it from `@tlslab/engine/crypto/node`). See ./provider.ts for the contract.
 *
 * Where OpenSSL would choose randomness itself, the provider does not let it, so a seeded run
 * gives noble's bytes: ECDSA signs with the RFC 6979 nonce computed in ./ec.ts (OpenSSL only
 * multiplies k·G), RSA padding is done above the seam (OpenSSL only computes m^d mod n, with
 * RSA_NO_PADDING), and key generation keeps drawing its candidates from the run's Rng.
 * Keys are imported into OpenSSL once and kept in small bounded caches.
 */
import {
  checkPrimeSync,
  constants,
  createCipheriv,
  createDecipheriv,
  createECDH,
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  ECDH,
  privateDecrypt,
  publicEncrypt,
  randomFillSync,
  sign as nodeSign,
  verify as nodeVerify,
  type KeyObject,
} from 'node:crypto';
import { bitLength, i2osp, modPow, os2ip } from './bigint';
import { ecdsaSignWith } from './ec';
import { nobleCryptoProvider } from './provider-noble';
import type { CryptoProvider, EcCurve, HashAlgorithm, RsaPrivateNumbers, RsaPublicNumbers } from './provider';

/** A Uint8Array over a Buffer's bytes (copied when the Buffer is a slice of Node's pool). */
function u8(b: Buffer): Uint8Array {
  return b.byteOffset === 0 && b.byteLength === b.buffer.byteLength ? new Uint8Array(b.buffer, 0, b.byteLength) : new Uint8Array(b);
}

const OPENSSL_CURVE: Record<EcCurve, string> = { p256: 'prime256v1', p384: 'secp384r1' };
const AEAD_CIPHER = { 'AES-128-GCM': 'aes-128-gcm', 'AES-256-GCM': 'aes-256-gcm', 'CHACHA20-POLY1305': 'chacha20-poly1305' } as const;
const HASH_LEN: Record<HashAlgorithm, number> = { md5: 16, sha1: 20, sha224: 28, sha256: 32, sha384: 48, sha512: 64 };

/** A bounded map (insertion order; the oldest goes first): keys imported into OpenSSL. */
class Bounded<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly max: number) {}
  get(k: string, make: () => V): V {
    let v = this.map.get(k);
    if (v === undefined) {
      v = make();
      if (this.map.size >= this.max) this.map.delete(this.map.keys().next().value!);
      this.map.set(k, v);
    }
    return v;
  }
}

const hexOf = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
const publicKeys = new Bounded<KeyObject>(256);
const privateKeys = new Bounded<KeyObject>(64);

const b64 = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64url');

// Keys go in as JWK: OpenSSL 3.0's DER decoders cost ~0.2–0.9 ms per import, JWK ~20–90 µs.
// For an OKP private key node:crypto derives the public key from `d` and ignores `x`.
const NO_X = b64(new Uint8Array(32));

function okpPrivate(crv: 'X25519' | 'Ed25519', raw: Uint8Array): KeyObject {
  return privateKeys.get(crv + hexOf(raw), () => createPrivateKey({ key: { kty: 'OKP', crv, d: b64(raw), x: NO_X }, format: 'jwk' }));
}

function okpPublic(crv: 'X25519' | 'Ed25519', raw: Uint8Array): KeyObject {
  return publicKeys.get(crv + hexOf(raw), () => createPublicKey({ key: { kty: 'OKP', crv, x: b64(raw) }, format: 'jwk' }));
}

/** The raw public key of an OKP private key (RFC 8037 §2: `x`). */
function okpPublicBytes(k: KeyObject): Uint8Array {
  return u8(Buffer.from(k.export({ format: 'jwk' }).x!, 'base64url'));
}

function ecPublic(curve: EcCurve, point: Uint8Array): KeyObject {
  const len = curve === 'p256' ? 32 : 48;
  if (point.length !== 1 + 2 * len || point[0] !== 4) throw new Error('not an uncompressed point');
  return publicKeys.get(curve + hexOf(point), () =>
    createPublicKey({ key: { kty: 'EC', crv: curve === 'p256' ? 'P-256' : 'P-384', x: b64(point.subarray(1, 1 + len)), y: b64(point.subarray(1 + len)) }, format: 'jwk' }),
  );
}

const b64u = (x: bigint): string => {
  let h = x.toString(16);
  if (h.length % 2) h = `0${h}`;
  return Buffer.from(h, 'hex').toString('base64url');
};

function rsaPublicKey(key: RsaPublicNumbers): KeyObject {
  return publicKeys.get(`rsa:${key.n.toString(36)}:${key.e}`, () => createPublicKey({ key: { kty: 'RSA', n: b64u(key.n), e: b64u(key.e) }, format: 'jwk' }));
}

function rsaPrivateKey(key: RsaPrivateNumbers): KeyObject {
  return privateKeys.get(`rsa:${key.n.toString(36)}:${key.d.toString(36)}`, () =>
    createPrivateKey({
      key: { kty: 'RSA', n: b64u(key.n), e: b64u(key.e), d: b64u(key.d), p: b64u(key.p), q: b64u(key.q), dp: b64u(key.dp), dq: b64u(key.dq), qi: b64u(key.qi) },
      format: 'jwk',
    }),
  );
}

function ecdh(curve: EcCurve, d: Uint8Array): ECDH {
  const e = createECDH(OPENSSL_CURVE[curve]);
  e.setPrivateKey(d);
  return e;
}

function hmac(alg: HashAlgorithm, key: Uint8Array, data: Uint8Array): Uint8Array {
  return u8(createHmac(alg, key).update(data).digest());
}

export const nodeCryptoProvider: CryptoProvider = {
  name: 'node',

  hash: (alg, data) => u8(createHash(alg).update(data).digest()),
  hashStream(alg) {
    const h = createHash(alg);
    return { update: (data) => void h.update(data), digest: () => u8(h.copy().digest()) };
  },
  hmac,
  hkdfExtract: (alg, salt, ikm) => hmac(alg, salt, ikm),
  hkdfExpand(alg, prk, info, length) {
    // RFC 5869 §2.3: T(i) = HMAC(PRK, T(i-1) ‖ info ‖ i). (hkdfSync would extract again.)
    const out = new Uint8Array(length);
    let t: Uint8Array = new Uint8Array(0);
    for (let i = 1, o = 0; o < length; i++) {
      t = u8(
        createHmac(alg, prk)
          .update(t)
          .update(info)
          .update(new Uint8Array([i]))
          .digest(),
      );
      out.set(t.subarray(0, Math.min(t.length, length - o)), o);
      o += HASH_LEN[alg];
    }
    return out;
  },

  aeadSeal(name, key, nonce, aad, plaintext) {
    const c = createCipheriv(AEAD_CIPHER[name] as 'aes-128-gcm', key, nonce, { authTagLength: 16 });
    c.setAAD(aad);
    return u8(Buffer.concat([c.update(plaintext), c.final(), c.getAuthTag()]));
  },
  aeadOpen(name, key, nonce, aad, sealed) {
    try {
      const n = sealed.length - 16;
      const d = createDecipheriv(AEAD_CIPHER[name] as 'aes-128-gcm', key, nonce, { authTagLength: 16 });
      d.setAuthTag(sealed.subarray(n));
      d.setAAD(aad);
      return u8(Buffer.concat([d.update(sealed.subarray(0, n)), d.final()]));
    } catch {
      return null;
    }
  },

  x25519PublicKey: (privateKey) => okpPublicBytes(okpPrivate('X25519', privateKey)),
  x25519SharedSecret(privateKey, peerPublic) {
    try {
      return u8(diffieHellman({ privateKey: okpPrivate('X25519', privateKey), publicKey: okpPublic('X25519', peerPublic) }));
    } catch {
      // OpenSSL refuses to derive from a low-order point (the result would be all zeros).
      return new Uint8Array(32);
    }
  },

  ecPublicKey: (curve, d) => u8(ecdh(curve, d).getPublicKey(null, 'uncompressed')),
  ecPointDecode(curve, point) {
    // SEC 1 §2.3.3: compressed (02/03 ‖ x) or uncompressed (04 ‖ x ‖ y). OpenSSL would also take
    // the hybrid form (06/07) and the point at infinity (00); noble and RFC 5480 §2.2 do not.
    const len = curve === 'p256' ? 32 : 48;
    const tag = point[0];
    const shaped = tag === 2 || tag === 3 ? point.length === 1 + len : tag === 4 && point.length === 1 + 2 * len;
    if (!shaped) throw new Error('not a compressed or uncompressed point');
    return u8(ECDH.convertKey(point, OPENSSL_CURVE[curve], undefined, undefined, 'uncompressed') as Buffer);
  },
  ecdhSharedSecret: (curve, d, peerPoint) => u8(ecdh(curve, d).computeSecret(peerPoint)),
  ecdsaSign(curve, d, hashAlg, message, extraEntropy) {
    const digest = u8(createHash(hashAlg).update(message).digest());
    return ecdsaSignWith(curve, d, digest, extraEntropy, hmac, (k) => u8(ecdh(curve, k).getPublicKey(null, 'uncompressed')));
  },
  ecdsaVerify(curve, point, hashAlg, message, derSignature) {
    try {
      return nodeVerify(hashAlg, message, { key: ecPublic(curve, point), dsaEncoding: 'der' }, derSignature);
    } catch {
      return false;
    }
  },

  ed25519PublicKey: (seed) => okpPublicBytes(okpPrivate('Ed25519', seed)),
  ed25519Sign: (seed, message) => u8(nodeSign(null, message, okpPrivate('Ed25519', seed))),
  ed25519Verify(publicKey, message, signature) {
    try {
      if (publicKey.length !== 32 || signature.length !== 64) return false;
      return nodeVerify(null, message, okpPublic('Ed25519', publicKey), signature);
    } catch {
      return false;
    }
  },

  rsaPublic(key, m) {
    try {
      const k = Math.ceil(bitLength(key.n) / 8);
      return os2ip(publicEncrypt({ key: rsaPublicKey(key), padding: constants.RSA_NO_PADDING }, i2osp(m, k)));
    } catch {
      // Keys OpenSSL refuses to use (e.g. a modulus under 512 bits) still get an answer.
      return modPow(m, key.e, key.n);
    }
  },
  rsaPrivate(key, c) {
    try {
      const k = Math.ceil(bitLength(key.n) / 8);
      return os2ip(privateDecrypt({ key: rsaPrivateKey(key), padding: constants.RSA_NO_PADDING }, i2osp(c, k)));
    } catch {
      return nobleCryptoProvider.rsaPrivate(key, c);
    }
  },
  isProbablePrime(candidate, rng, rounds) {
    if (!checkPrimeSync(candidate)) return false;
    // Draw the Miller–Rabin bases the noble provider would draw, so the next prime is the same.
    const byteLen = Math.ceil(bitLength(candidate) / 8);
    for (let i = 0; i < rounds; i++) rng(byteLen + 8);
    return true;
  },

  randomBytes(n) {
    const out = new Uint8Array(n);
    randomFillSync(out);
    return out;
  },
};
