/**
 * RSA by hand, over bigint, synchronous (RFC 8017).
 *
 * - RSASP1/RSAVP1 with the Chinese Remainder Theorem for private operations;
 * - RSASSA-PKCS1-v1_5 (§8.2) and RSASSA-PSS with MGF1 (§8.1, §9.1) sign / verify;
 * - RSAES-PKCS1-v1_5 (§7.2) encryption, and the TLS 1.2 premaster decryption that never reveals
 *   a padding failure (RFC 5246 §7.4.7.1, the Bleichenbacher countermeasure);
 * - deterministic key generation from an Rng (Miller–Rabin after a trial-division sieve), in
 *   rsa-keygen.ts.
 *
 * JavaScript bigint arithmetic is not constant-time: this is a teaching engine, not a product
 * that protects real traffic. Every function is synchronous and deterministic for a seeded Rng.
 */
import { bitLength, i2osp, os2ip } from './bigint';
import type { PrivateKey } from './keys';
import { cryptoProvider, type HashAlgorithm } from './provider';
import type { Rng } from './rng';

export type RsaPrivateKey = Extract<PrivateKey, { type: 'rsa' }>;

/** Hash names usable with RSA signatures (md5 only to recognise weak legacy certificates). */
export type HashName = HashAlgorithm;

interface HashInfo {
  fn: (m: Uint8Array) => Uint8Array;
  len: number;
  /** DER of DigestInfo up to the digest (RFC 8017 §9.2 note 1). */
  digestInfoPrefix: Uint8Array;
}

const hx = (s: string): Uint8Array => Uint8Array.from(s.match(/../g)!.map((b) => parseInt(b, 16)));

/** Hash functions and their DigestInfo prefixes (RFC 8017 §9.2, note 1). */
const HASHES: Record<HashName, HashInfo> = {
  md5: { fn: (m) => cryptoProvider().hash('md5', m), len: 16, digestInfoPrefix: hx('3020300c06082a864886f70d020505000410') },
  sha1: { fn: (m) => cryptoProvider().hash('sha1', m), len: 20, digestInfoPrefix: hx('3021300906052b0e03021a05000414') },
  sha224: { fn: (m) => cryptoProvider().hash('sha224', m), len: 28, digestInfoPrefix: hx('302d300d06096086480165030402040500041c') },
  sha256: { fn: (m) => cryptoProvider().hash('sha256', m), len: 32, digestInfoPrefix: hx('3031300d060960864801650304020105000420') },
  sha384: { fn: (m) => cryptoProvider().hash('sha384', m), len: 48, digestInfoPrefix: hx('3041300d060960864801650304020205000430') },
  sha512: { fn: (m) => cryptoProvider().hash('sha512', m), len: 64, digestInfoPrefix: hx('3051300d060960864801650304020305000440') },
};

/** Hashes `data` with the named hash. */
export function hash(name: HashName, data: Uint8Array): Uint8Array {
  return HASHES[name].fn(data);
}

// ---------------------------------------------------------------------------------------------
// Integers (./bigint.ts)

export { bitLength, i2osp, modPow, os2ip } from './bigint';

/** Length of the modulus in octets (k in RFC 8017). */
function modulusLength(key: { n: bigint }): number {
  return Math.ceil(bitLength(key.n) / 8);
}

/** RSAEP / RSAVP1 (RFC 8017 §5.1.1, §5.2.2). */
function publicOp(key: { n: bigint; e: bigint }, m: bigint): bigint {
  if (m < 0n || m >= key.n) throw new Error('message representative out of range');
  return cryptoProvider().rsaPublic(key, m);
}

/** RSADP / RSASP1 with CRT (RFC 8017 §5.1.2 2.b), result checked against the public op. */
function privateOp(key: RsaPrivateKey, c: bigint): bigint {
  if (c < 0n || c >= key.n) throw new Error('ciphertext representative out of range');
  const provider = cryptoProvider();
  const m = provider.rsaPrivate(key, c);
  // Fault check (a CRT fault would leak a factor of n).
  if (provider.rsaPublic(key, m) !== c) throw new Error('RSA CRT result check failed');
  return m;
}

// ---------------------------------------------------------------------------------------------
// RSASSA-PKCS1-v1_5 (RFC 8017 §8.2, EMSA-PKCS1-v1_5 §9.2)

function emsaPkcs1v15(hashName: HashName, message: Uint8Array, emLen: number): Uint8Array {
  const h = HASHES[hashName];
  const t = new Uint8Array(h.digestInfoPrefix.length + h.len);
  t.set(h.digestInfoPrefix);
  t.set(h.fn(message), h.digestInfoPrefix.length);
  if (emLen < t.length + 11) throw new Error('intended encoded message length too short');
  const em = new Uint8Array(emLen).fill(0xff);
  em[0] = 0;
  em[1] = 1;
  em[emLen - t.length - 1] = 0;
  em.set(t, emLen - t.length);
  return em;
}

/** RSASSA-PKCS1-v1_5 signature of `message` hashed with `hashName`. */
export function rsaSignPkcs1v15(key: RsaPrivateKey, hashName: HashName, message: Uint8Array): Uint8Array {
  const k = modulusLength(key);
  const em = emsaPkcs1v15(hashName, message, k);
  return i2osp(privateOp(key, os2ip(em)), k);
}

/** RSASSA-PKCS1-v1_5 verification by re-encoding and comparing (§8.2.2). Never throws. */
export function rsaVerifyPkcs1v15(key: { n: bigint; e: bigint }, hashName: HashName, message: Uint8Array, signature: Uint8Array): boolean {
  try {
    const k = modulusLength(key);
    if (signature.length !== k) return false;
    const s = os2ip(signature);
    if (s >= key.n) return false;
    const em = i2osp(publicOp(key, s), k);
    return constantTimeEqual(em, emsaPkcs1v15(hashName, message, k));
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// RSASSA-PSS (RFC 8017 §8.1, EMSA-PSS §9.1, MGF1 §B.2.1)

/** MGF1 mask generation (RFC 8017 §B.2.1). */
export function mgf1(hashName: HashName, seed: Uint8Array, maskLen: number): Uint8Array {
  const h = HASHES[hashName];
  const out = new Uint8Array(maskLen);
  const buf = new Uint8Array(seed.length + 4);
  buf.set(seed);
  for (let counter = 0, o = 0; o < maskLen; counter++) {
    new DataView(buf.buffer).setUint32(seed.length, counter);
    const d = h.fn(buf);
    out.set(d.subarray(0, Math.min(d.length, maskLen - o)), o);
    o += d.length;
  }
  return out;
}

/**
 * RSASSA-PSS signature. Salt length defaults to the hash length (as TLS 1.3 requires,
 * RFC 8446 §4.2.3); the salt is drawn from `rng`.
 */
export function rsaSignPss(key: RsaPrivateKey, hashName: HashName, message: Uint8Array, rng: Rng, saltLength = HASHES[hashName].len): Uint8Array {
  const h = HASHES[hashName];
  const modBits = bitLength(key.n);
  const emBits = modBits - 1;
  const emLen = Math.ceil(emBits / 8);
  const mHash = h.fn(message);
  if (emLen < h.len + saltLength + 2) throw new Error('RSA key too small for PSS with this hash and salt');
  const salt = saltLength > 0 ? rng(saltLength) : new Uint8Array(0);
  const mPrime = new Uint8Array(8 + h.len + saltLength);
  mPrime.set(mHash, 8);
  mPrime.set(salt, 8 + h.len);
  const H = h.fn(mPrime);
  const db = new Uint8Array(emLen - h.len - 1);
  db[db.length - saltLength - 1] = 0x01;
  db.set(salt, db.length - saltLength);
  const mask = mgf1(hashName, H, db.length);
  for (let i = 0; i < db.length; i++) db[i]! ^= mask[i]!;
  db[0]! &= 0xff >> (8 * emLen - emBits);
  const em = new Uint8Array(emLen);
  em.set(db);
  em.set(H, db.length);
  em[emLen - 1] = 0xbc;
  const k = modulusLength(key);
  return i2osp(privateOp(key, os2ip(em)), k);
}

/** RSASSA-PSS verification (§8.1.2, §9.1.2) with a given salt length. Never throws. */
export function rsaVerifyPss(
  key: { n: bigint; e: bigint },
  hashName: HashName,
  message: Uint8Array,
  signature: Uint8Array,
  saltLength = HASHES[hashName].len,
  mgfHash: HashName = hashName,
): boolean {
  try {
    const h = HASHES[hashName];
    const k = modulusLength(key);
    if (signature.length !== k) return false;
    const s = os2ip(signature);
    if (s >= key.n) return false;
    const modBits = bitLength(key.n);
    const emBits = modBits - 1;
    const emLen = Math.ceil(emBits / 8);
    const m = publicOp(key, s);
    if (bitLength(m) > emBits) return false;
    const em = i2osp(m, emLen);
    if (emLen < h.len + saltLength + 2) return false;
    if (em[emLen - 1] !== 0xbc) return false;
    const maskedDb = em.subarray(0, emLen - h.len - 1);
    const H = em.subarray(emLen - h.len - 1, emLen - 1);
    const topMask = 0xff >> (8 * emLen - emBits);
    if ((maskedDb[0]! & ~topMask & 0xff) !== 0) return false;
    const mask = mgf1(mgfHash, H, maskedDb.length);
    const db = new Uint8Array(maskedDb.length);
    for (let i = 0; i < db.length; i++) db[i] = maskedDb[i]! ^ mask[i]!;
    db[0]! &= topMask;
    const psLen = emLen - h.len - saltLength - 2;
    for (let i = 0; i < psLen; i++) if (db[i] !== 0) return false;
    if (db[psLen] !== 0x01) return false;
    const salt = db.subarray(db.length - saltLength);
    const mPrime = new Uint8Array(8 + h.len + saltLength);
    mPrime.set(h.fn(message), 8);
    mPrime.set(salt, 8 + h.len);
    return constantTimeEqual(h.fn(mPrime), H);
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// RSAES-PKCS1-v1_5 (RFC 8017 §7.2)

/**
 * RSAES-PKCS1-v1_5 encryption: EM = 0x00 ‖ 0x02 ‖ PS (non-zero random) ‖ 0x00 ‖ M.
 * `blockType` other than 2 makes a deliberately malformed block (the bad-padding teaching fault).
 */
export function rsaEncryptPkcs1v15(key: { n: bigint; e: bigint }, message: Uint8Array, rng: Rng, blockType = 0x02): Uint8Array {
  const k = modulusLength(key);
  if (message.length > k - 11) throw new Error(`message too long for RSA-${bitLength(key.n)} PKCS#1 v1.5`);
  const em = new Uint8Array(k);
  em[1] = blockType;
  const psLen = k - message.length - 3;
  let filled = 0;
  while (filled < psLen) {
    for (const b of rng(psLen - filled + 8)) {
      if (b !== 0 && filled < psLen) em[2 + filled++] = b;
    }
  }
  em[2 + psLen] = 0;
  em.set(message, 3 + psLen);
  return i2osp(publicOp(key, os2ip(em)), k);
}

/**
 * Decrypts EM and scans the padding without early exit. Returns the message offset, or -1 if
 * the padding is wrong. Used by both decryption functions.
 */
function pkcs1v15Unpad(em: Uint8Array): number {
  // EM = 0x00 ‖ 0x02 ‖ PS (≥ 8 non-zero octets) ‖ 0x00 ‖ M
  let good = (em[0]! === 0 ? 1 : 0) & (em[1]! === 2 ? 1 : 0);
  let sep = -1;
  for (let i = 2; i < em.length; i++) {
    const isZero = em[i] === 0 ? 1 : 0;
    const first = isZero & (sep < 0 ? 1 : 0);
    sep = first ? i : sep;
  }
  good &= sep >= 10 ? 1 : 0; // at least 8 octets of PS
  return good ? sep + 1 : -1;
}

/** Plain RSAES-PKCS1-v1_5 decryption (for tests and tools). Throws "decryption error" on failure. */
export function rsaDecryptPkcs1v15(key: RsaPrivateKey, ciphertext: Uint8Array): Uint8Array {
  const k = modulusLength(key);
  if (ciphertext.length !== k || k < 11) throw new Error('decryption error');
  const c = os2ip(ciphertext);
  if (c >= key.n) throw new Error('decryption error');
  const em = i2osp(privateOp(key, c), k);
  const off = pkcs1v15Unpad(em);
  if (off < 0) throw new Error('decryption error');
  return em.slice(off);
}

export interface PremasterDecryption {
  /** The 48-byte premaster secret to use: the decrypted one, or the random substitute. */
  premaster: Uint8Array;
  /**
   * True if the decrypted block was well formed (padding, 48 bytes, version). FOR THE EVENT
   * LOG ONLY: the protocol must behave identically whatever this flag says — no different
   * alert, no different timing path, no early exit — or the server becomes a Bleichenbacher
   * oracle (RFC 5246 §7.4.7.1). The failure then surfaces as a bad Finished.
   */
  wellFormed: boolean;
  /** What was wrong, for the event log only (same caveat). */
  problem?: string;
}

/**
 * TLS 1.2 server decryption of EncryptedPreMasterSecret (RFC 5246 §7.4.7.1):
 * 1. generate a random 48-byte R first; 2. decrypt; 3. if the padding is wrong, the message is
 * not 48 bytes, or its first two bytes are not ClientHello.client_version, use R instead.
 * Never throws for a bad ciphertext (only for a key that cannot do the operation at all).
 */
export function rsaDecryptPremaster(key: RsaPrivateKey, ciphertext: Uint8Array, expectedVersion: [number, number], rng: Rng): PremasterDecryption {
  const random = rng(48);
  const k = modulusLength(key);
  let em: Uint8Array;
  let problem: string | undefined;
  // A wrong-length or out-of-range ciphertext goes through the same substitution path.
  if (ciphertext.length !== k) {
    em = new Uint8Array(k);
    problem = `ciphertext is ${ciphertext.length} octets, modulus is ${k}`;
  } else {
    const c = os2ip(ciphertext);
    if (c >= key.n) {
      em = new Uint8Array(k);
      problem = 'ciphertext representative out of range';
    } else {
      em = i2osp(privateOp(key, c), k);
    }
  }
  const off = pkcs1v15Unpad(em);
  const paddingOk = off >= 0 && problem === undefined;
  const lengthOk = paddingOk && k - off === 48;
  const m = lengthOk ? em.subarray(off) : new Uint8Array(48);
  const versionOk = lengthOk && m[0] === expectedVersion[0] && m[1] === expectedVersion[1];
  const ok = paddingOk && lengthOk && versionOk;
  const premaster = new Uint8Array(48);
  for (let i = 0; i < 48; i++) premaster[i] = ok ? m[i]! : random[i]!;
  if (!ok && problem === undefined) {
    problem = !paddingOk
      ? 'PKCS#1 v1.5 padding is wrong'
      : !lengthOk
        ? `decrypted message is ${k - off} octets, expected 48`
        : `client_version in premaster is ${m[0]}.${m[1]}, expected ${expectedVersion[0]}.${expectedVersion[1]}`;
  }
  return ok ? { premaster, wellFormed: true } : { premaster, wellFormed: false, problem };
}

function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i]! ^ b[i]!;
  return d === 0;
}

// Key generation lives in rsa-keygen.ts; re-exported so `from './rsa'` keeps working.
export { generateRsaKey, rsaKeySteps, rsaPrivateKeyFromComponents } from './rsa-keygen';
