/**
 * The crypto provider seam (src/crypto/provider.ts): noble and node:crypto give the same bytes
 * for the same inputs — ECDSA with the hedged RFC 6979 nonce, RSA keys from a seeded Rng, every
 * key exchange, AEAD and hash — refuse the same bad inputs, and a seeded run is byte for byte
 * the same run with either.
 */
import { describe, expect, it } from 'vitest';
import { runScenario, DEFAULT_SCENARIO, type Scenario, type TlsEvent } from '../src/index';
import { fromHex, toHex } from '../src/codec/hex';
import { clearDemoPkiCache } from '../src/pki/demo';
import { cryptoProvider, withCryptoProvider, type CryptoProvider, type EcCurve, type HashAlgorithm } from '../src/crypto/provider';
import { nobleCryptoProvider } from '../src/crypto/provider-noble';
import { nodeCryptoProvider } from '../src/crypto/provider-node';
import { seededRng, systemRng } from '../src/crypto/rng';
import { generateRsaKey, rsaDecryptPremaster, rsaEncryptPkcs1v15, rsaSignPss, rsaVerifyPss } from '../src/crypto/rsa';
import { generateKeyFromRng } from '../src/crypto/signature';
import { isValidScalar } from '../src/crypto/ec';

const noble = nobleCryptoProvider;
const node = nodeCryptoProvider;
const both = <T>(f: (p: CryptoProvider) => T): [T, T] => [withCryptoProvider(noble, () => f(noble)), withCryptoProvider(node, () => f(node))];
const hex = (pair: [Uint8Array, Uint8Array]): [string, string] => [toHex(pair[0]), toHex(pair[1])];

describe('crypto providers: the same bytes', () => {
  it('the suites of the node project run with node:crypto installed', () => {
    // Reported so a run's log shows which provider a file used.
    expect(['noble', 'node']).toContain(cryptoProvider().name);
  });

  const data = fromHex('000102030405060708090a0b0c0d0e0f10');
  for (const alg of ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'] as HashAlgorithm[])
    it(`hash and HMAC ${alg}`, () => {
      const [a, b] = hex(both((p) => p.hash(alg, data)));
      expect(a).toBe(b);
      const [c, d] = hex(both((p) => p.hmac(alg, data.subarray(3), data)));
      expect(c).toBe(d);
    });

  it('a running hash gives Hash(everything so far) at every point, and goes on after a digest', () => {
    for (const alg of ['sha256', 'sha384'] as HashAlgorithm[])
      for (const p of [noble, node]) {
        const stream = p.hashStream(alg);
        let fed = new Uint8Array(0);
        for (const len of [0, 1, 63, 64, 65, 300]) {
          const piece = seededRng(`${alg}-${len}`)(len);
          stream.update(piece);
          fed = Uint8Array.from([...fed, ...piece]);
          expect(toHex(stream.digest()), `${p.name} ${alg} after ${fed.length} bytes`).toBe(toHex(noble.hash(alg, fed)));
        }
      }
  });

  it('the system rng hands out each pooled byte once: draws of any size, never repeated', () => {
    const rng = systemRng();
    const seen = new Set<string>();
    for (const n of [1, 8, 32, 32, 1000, 1024, 2000, 5000, 32, 32]) {
      const b = rng(n);
      expect(b.length).toBe(n);
      if (n >= 8) {
        expect(seen.has(toHex(b.subarray(0, 8)))).toBe(false);
        seen.add(toHex(b.subarray(0, 8)));
      }
    }
  });

  it('HKDF extract and expand (every output length up to 3 blocks)', () => {
    const prk = both((p) => p.hkdfExtract('sha256', fromHex('0b'.repeat(13)), fromHex('0c'.repeat(22))));
    expect(toHex(prk[0])).toBe(toHex(prk[1]));
    for (const len of [1, 31, 32, 33, 64, 96]) {
      const [a, b] = hex(both((p) => p.hkdfExpand('sha256', prk[0], data, len)));
      expect(a).toBe(b);
      expect(a.length).toBe(len * 2);
    }
  });

  for (const aead of ['AES-128-GCM', 'AES-256-GCM', 'CHACHA20-POLY1305'] as const)
    it(`${aead}: same ciphertext and tag; a flipped bit opens as null in both`, () => {
      const key = seededRng('aead')(aead === 'AES-128-GCM' ? 16 : 32);
      const nonce = seededRng('nonce')(12);
      const [a, b] = both((p) => p.aeadSeal(aead, key, nonce, data, data.subarray(0, 9)));
      expect(toHex(a)).toBe(toHex(b));
      for (const p of [noble, node]) expect(toHex(p.aeadOpen(aead, key, nonce, data, a)!)).toBe(toHex(data.subarray(0, 9)));
      const bad = a.slice();
      bad[3]! ^= 1;
      for (const p of [noble, node]) expect(p.aeadOpen(aead, key, nonce, data, bad)).toBeNull();
    });

  it('X25519: public keys and shared secrets; a low-order peer share gives zeros in both', () => {
    const rng = seededRng('x25519');
    const a = rng(32);
    const b = rng(32);
    const [pa, pa2] = both((p) => p.x25519PublicKey(a));
    expect(toHex(pa)).toBe(toHex(pa2));
    const pb = noble.x25519PublicKey(b);
    const [s1, s2] = hex(both((p) => p.x25519SharedSecret(a, pb)));
    expect(s1).toBe(s2);
    expect(s1).toBe(toHex(noble.x25519SharedSecret(b, pa)));
    // u = 0 is of low order (RFC 7748 §6.1; RFC 8446 §7.4.2 requires refusing the zero result)
    for (const p of [noble, node]) expect(toHex(p.x25519SharedSecret(a, new Uint8Array(32)))).toBe('00'.repeat(32));
  });

  for (const curve of ['p256', 'p384'] as EcCurve[])
    it(`${curve}: public keys, ECDH, point decoding, invalid points refused by both`, () => {
      const rng = seededRng(`ec-${curve}`);
      const len = curve === 'p256' ? 32 : 48;
      const d1 = rng(len);
      const d2 = rng(len);
      expect(isValidScalar(curve, d1) && isValidScalar(curve, d2)).toBe(true);
      const [q1, q1b] = both((p) => p.ecPublicKey(curve, d1));
      expect(toHex(q1)).toBe(toHex(q1b));
      const q2 = noble.ecPublicKey(curve, d2);
      const [s1, s2] = hex(both((p) => p.ecdhSharedSecret(curve, d1, q2)));
      expect(s1).toBe(s2);
      expect(s1.length).toBe(len * 2);
      // compressed form decodes to the same point
      const compressed = new Uint8Array([2 + (q1[q1.length - 1]! & 1), ...q1.subarray(1, 1 + len)]);
      for (const p of [noble, node]) expect(toHex(p.ecPointDecode(curve, compressed))).toBe(toHex(q1));
      const offCurve = q1.slice();
      offCurve[offCurve.length - 1]! ^= 1;
      for (const p of [noble, node]) {
        expect(() => p.ecdhSharedSecret(curve, d1, offCurve)).toThrow();
        expect(() => p.ecPointDecode(curve, offCurve)).toThrow();
        expect(() => p.ecPointDecode(curve, new Uint8Array([0]))).toThrow();
        // the hybrid form (SEC 1 §2.3.3 allows it; RFC 5480 §2.2 does not, nor does noble)
        expect(() => p.ecPointDecode(curve, new Uint8Array([6 + (q1[q1.length - 1]! & 1), ...q1.subarray(1)]))).toThrow();
        expect(() => p.ecPointDecode(curve, q1.subarray(0, q1.length - 1))).toThrow();
      }
    });

  for (const [curve, hashes] of [
    ['p256', ['sha256', 'sha384', 'sha512', 'sha1']],
    ['p384', ['sha384', 'sha256', 'sha512']],
  ] as [EcCurve, HashAlgorithm[]][])
    it(`ECDSA ${curve}: the hedged RFC 6979 signature is the same bytes (${hashes.join(', ')}), each verifies with both`, () => {
      const rng = seededRng(`ecdsa-${curve}`);
      for (let i = 0; i < 8; i++) {
        const d = generateKeyFromRng(curve === 'p256' ? 'ecdsa-p256' : 'ecdsa-p384', rng);
        if (d.type !== 'ecdsa-p256' && d.type !== 'ecdsa-p384') throw new Error('unreachable');
        const point = (d.publicKey as { point: Uint8Array }).point;
        const msg = rng(i * 7);
        const extra = rng(32);
        const alg = hashes[i % hashes.length]!;
        const [a, b] = both((p) => p.ecdsaSign(curve, d.d, alg, msg, extra));
        expect(toHex(b)).toBe(toHex(a));
        for (const p of [noble, node]) {
          expect(p.ecdsaVerify(curve, point, alg, msg, a)).toBe(true);
          const bad = a.slice();
          bad[bad.length - 1]! ^= 1;
          expect(p.ecdsaVerify(curve, point, alg, msg, bad)).toBe(false);
        }
      }
    });

  it('Ed25519: public key, signature, strict verification', () => {
    const seed = seededRng('ed')(32);
    const [pk, pk2] = both((p) => p.ed25519PublicKey(seed));
    expect(toHex(pk)).toBe(toHex(pk2));
    const [s1, s2] = both((p) => p.ed25519Sign(seed, data));
    expect(toHex(s1)).toBe(toHex(s2));
    for (const p of [noble, node]) {
      expect(p.ed25519Verify(pk, data, s1)).toBe(true);
      expect(p.ed25519Verify(pk, data.subarray(1), s1)).toBe(false);
      expect(p.ed25519Verify(pk.subarray(1), data, s1)).toBe(false);
    }
  });

  it('RSA: a 1024-bit key from a seeded Rng is the same key; raw operations, PSS and the premaster path agree', () => {
    const [k1, k2] = both(() => generateRsaKey(1024, seededRng('rsa-keygen')));
    expect(k2.n).toBe(k1.n);
    expect(k2.d).toBe(k1.d);
    const m = 0x1234567890abcdefn;
    const [c1, c2] = both((p) => p.rsaPublic(k1, m));
    expect(c1).toBe(c2);
    for (const p of [noble, node]) expect(p.rsaPrivate(k1, c1)).toBe(m);
    const [sig1, sig2] = both(() => rsaSignPss(k1, 'sha256', data, seededRng('pss')));
    expect(toHex(sig1)).toBe(toHex(sig2));
    for (const p of [noble, node]) expect(withCryptoProvider(p, () => rsaVerifyPss(k1.publicKey as typeof k1, 'sha256', data, sig1))).toBe(true);
    const premaster = new Uint8Array(48).fill(7);
    premaster[0] = 3;
    premaster[1] = 3;
    const [e1, e2] = both(() => rsaEncryptPkcs1v15(k1, premaster, seededRng('enc')));
    expect(toHex(e1)).toBe(toHex(e2));
    for (const p of [noble, node]) {
      const r = withCryptoProvider(p, () => rsaDecryptPremaster(k1, e1, [3, 3], seededRng('r')));
      expect(r.wellFormed).toBe(true);
      expect(toHex(r.premaster)).toBe(toHex(premaster));
    }
  });
});

describe('crypto providers: a seeded run is the same run', () => {
  const AT = '2026-11-25T12:00:00Z';
  const wire = (s: Partial<Scenario>, p: CryptoProvider): string[] => {
    clearDemoPkiCache(); // the demo PKI too is made by the provider under test
    const events: TlsEvent[] = [];
    const summary = withCryptoProvider(p, () => runScenario({ ...DEFAULT_SCENARIO, at: AT, seed: 'providers', ...s }, (e) => events.push(e)));
    expect(summary.ok).toBe(true);
    return events.filter((e) => e.type === 'record' && e.direction === 'sent').map((e) => toHex((e as { bytes: Uint8Array }).bytes));
  };
  const cases: [string, Partial<Scenario>][] = [
    ['TLS 1.3 ECDSA, HRR, mutual', { helloRetry: true, mutual: true }],
    ['TLS 1.3 RSA-PSS, secp256r1', { serverKeyType: 'rsa-2048', group: 'secp256r1' }],
    ['TLS 1.3 Ed25519, ChaCha20', { serverKeyType: 'ed25519', cipherSuite: 'TLS_CHACHA20_POLY1305_SHA256' }],
    ['TLS 1.2 RSA key transport', { version: 'TLS 1.2', serverKeyType: 'rsa-2048', cipherSuite: 'TLS_RSA_WITH_AES_128_GCM_SHA256' }],
    ['TLS 1.2 ECDHE_ECDSA', { version: 'TLS 1.2', cipherSuite: 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384' }],
  ];
  for (const [name, s] of cases)
    it(name, () => {
      const a = wire(s, noble);
      const b = wire(s, node);
      expect(b.length).toBeGreaterThan(4);
      expect(b).toEqual(a);
    });
});
