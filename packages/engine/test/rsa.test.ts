/**
 * RSA: key generation (deterministic, valid, fast enough), sign/verify round trips for
 * PKCS#1 v1.5 and PSS with every hash, cross-checks with node:crypto (OpenSSL), and the TLS 1.2
 * premaster decryption that never reveals a padding failure (RFC 5246 §7.4.7.1).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPrivateKey, createPublicKey, publicEncrypt, constants, sign as nodeSign, verify as nodeVerify } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { equalBytes } from '../src/codec/hex';
import { seededRng } from '../src/crypto/rng';
import {
  generateRsaKey,
  modPow,
  rsaDecryptPkcs1v15,
  rsaDecryptPremaster,
  rsaEncryptPkcs1v15,
  rsaSignPkcs1v15,
  rsaSignPss,
  rsaVerifyPkcs1v15,
  rsaVerifyPss,
  type HashName,
} from '../src/crypto/rsa';
import { privateKeyToPem, spkiFromPublicKey } from '../src/pki/build';

describe('generateRsaKey', () => {
  const t0 = performance.now();
  const key = generateRsaKey(2048, seededRng('rsa-test', 'key'));
  const ms = performance.now() - t0;
  const nodeKey = createPrivateKey(privateKeyToPem(key));
  const nodePub = createPublicKey({ key: Buffer.from(spkiFromPublicKey(key.publicKey)), format: 'der', type: 'spki' });

  it('makes a 2048-bit key in under 2 s, the same for the same seed', () => {
    expect(key.bits).toBe(2048);
    expect(key.p * key.q).toBe(key.n);
    expect(ms).toBeLessThan(2000);
    const again = generateRsaKey(2048, seededRng('rsa-test', 'key'));
    expect(again.n).toBe(key.n);
    expect(generateRsaKey(1024, seededRng('other')).n).not.toBe(key.n);
  });
  it('OpenSSL accepts the key (PKCS#8) and it matches the public key', () => {
    expect(nodeKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    const pubFromPriv = createPublicKey(nodeKey).export({ format: 'der', type: 'spki' });
    expect(equalBytes(new Uint8Array(pubFromPriv), spkiFromPublicKey(key.publicKey))).toBe(true);
  });

  const msg = new TextEncoder().encode('signed content');
  for (const h of ['sha1', 'sha256', 'sha384', 'sha512'] as HashName[]) {
    it(`PKCS#1 v1.5 with ${h}: ours ↔ node:crypto`, () => {
      const sig = rsaSignPkcs1v15(key, h, msg);
      expect(nodeVerify(h, msg, nodePub, sig)).toBe(true);
      expect(rsaVerifyPkcs1v15(key, h, msg, new Uint8Array(nodeSign(h, msg, nodeKey)))).toBe(true);
      expect(rsaVerifyPkcs1v15(key, h, msg.subarray(1), sig)).toBe(false);
    });
    it(`PSS with ${h} (salt = hash length): ours ↔ node:crypto`, () => {
      const sig = rsaSignPss(key, h, msg, seededRng('salt'));
      const opts = { key: nodePub, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST };
      expect(nodeVerify(h, msg, opts, sig)).toBe(true);
      const theirs = nodeSign(h, msg, { key: nodeKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST });
      expect(rsaVerifyPss(key, h, msg, new Uint8Array(theirs))).toBe(true);
      const bad = sig.slice();
      bad[10]! ^= 0x80;
      expect(rsaVerifyPss(key, h, msg, bad)).toBe(false);
      expect(rsaVerifyPkcs1v15(key, h, msg, sig)).toBe(false);
    });
  }

  it('PKCS#1 v1.5 encryption: ours ↔ node:crypto', () => {
    const pm = seededRng('pm')(48);
    const ct = rsaEncryptPkcs1v15(key.publicKey as never, pm, seededRng('pad'));
    // node:crypto refuses PKCS#1 v1.5 private decryption (CVE-2023-46809): use the openssl command.
    const dir = mkdtempSync(join(tmpdir(), 'tlslab-rsa-'));
    writeFileSync(join(dir, 'key.pem'), privateKeyToPem(key));
    writeFileSync(join(dir, 'ct.bin'), ct);
    const out = execFileSync('openssl', ['pkeyutl', '-decrypt', '-inkey', join(dir, 'key.pem'), '-in', join(dir, 'ct.bin')]);
    expect(equalBytes(new Uint8Array(out), pm)).toBe(true);
    const theirs = publicEncrypt({ key: nodePub, padding: constants.RSA_PKCS1_PADDING }, pm);
    expect(equalBytes(rsaDecryptPkcs1v15(key, new Uint8Array(theirs)), pm)).toBe(true);
  });

  describe('rsaDecryptPremaster (RFC 5246 §7.4.7.1)', () => {
    const premaster = new Uint8Array(48).fill(7);
    premaster[0] = 3;
    premaster[1] = 3;
    const R = seededRng('premaster-R')(48);
    const dec = (ct: Uint8Array, v: [number, number] = [3, 3]) => rsaDecryptPremaster(key, ct, v, seededRng('premaster-R'));

    it('returns the premaster when all is well', () => {
      const r = dec(rsaEncryptPkcs1v15(key, premaster, seededRng('p1')));
      expect(r.wellFormed).toBe(true);
      expect(equalBytes(r.premaster, premaster)).toBe(true);
    });
    it('returns the random R (drawn first) for a wrong version, wrong length, bad padding, wrong size', () => {
      const cases: Uint8Array[] = [
        rsaEncryptPkcs1v15(key, premaster, seededRng('p2')), // checked against version 3.2 below
        rsaEncryptPkcs1v15(key, premaster.subarray(0, 47), seededRng('p3')),
        new Uint8Array(256).fill(0x42),
        new Uint8Array(100),
      ];
      const results = [dec(cases[0]!, [3, 2]), ...cases.slice(1).map((c) => dec(c))];
      for (const r of results) {
        expect(r.wellFormed).toBe(false);
        expect(equalBytes(r.premaster, R)).toBe(true);
      }
      expect(results.map((r) => r.problem)).toEqual([
        'client_version in premaster is 3.3, expected 3.2',
        'decrypted message is 47 octets, expected 48',
        'PKCS#1 v1.5 padding is wrong',
        'ciphertext is 100 octets, modulus is 256',
      ]);
    });
  });
});

describe('modPow', () => {
  // Right-to-left square-and-multiply: a different method to check both of modPow's paths.
  const reference = (b: bigint, e: bigint, m: bigint): bigint => {
    let r = 1n % m;
    b %= m;
    for (; e > 0n; e >>= 1n) {
      if (e & 1n) r = (r * b) % m;
      b = (b * b) % m;
    }
    return r;
  };
  const big = (bytes: Uint8Array): bigint => BigInt(`0x${Buffer.from(bytes).toString('hex') || '0'}`);

  it('agrees with square-and-multiply on both sides of the short-exponent cut (2^32), of the window-size cuts, and for 65537', () => {
    // Long runs of zeros and of ones, and lengths on both sides of the window-size cuts (128 and 512 bits).
    const edges = [
      0n,
      1n,
      2n,
      3n,
      15n,
      16n,
      17n,
      65537n,
      (1n << 32n) - 1n,
      1n << 32n,
      (1n << 32n) + 1n,
      (1n << 127n) + 1n,
      (1n << 128n) - 1n,
      1n << 300n,
      (1n << 512n) - 1n,
      (1n << 513n) + 5n,
      (1n << 1023n) + (1n << 7n),
    ];
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 64 }), fc.uint8Array({ minLength: 1, maxLength: 64 }), fc.uint8Array({ maxLength: 40 }), (b, m, e) => {
        const mod = big(m) + 2n;
        for (const exp of [...edges, big(e)]) expect(modPow(big(b), exp, mod)).toBe(reference(big(b), exp, mod));
      }),
      { numRuns: 200 },
    );
  });

  it('agrees with square-and-multiply for moduli on both sides of the folded reduction (512 bits), odd and even, bases above the modulus', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(256, 511, 512, 513, 1024, 1025, 2048),
        fc.boolean(),
        fc.uint8Array({ minLength: 1, maxLength: 300 }),
        fc.uint8Array({ minLength: 5, maxLength: 48 }),
        fc.uint8Array({ minLength: 256, maxLength: 256 }),
        (bits, odd, b, e, fill) => {
          // A modulus of exactly `bits` bits: top bit set, low bit as chosen.
          let m = (big(fill) & ((1n << BigInt(bits)) - 1n)) | (1n << BigInt(bits - 1));
          m = odd ? m | 1n : m & ~1n;
          for (const exp of [big(e), (1n << 1023n) + big(e)]) expect(modPow(big(b), exp, m)).toBe(reference(big(b), exp, m));
        },
      ),
      // Shrinking multi-kilobit cases is slow: report the first counterexample as found.
      { numRuns: 40, endOnFailure: true },
    );
  });
});
