/**
 * Wycheproof vectors (C2SP) for every signature primitive the engine verifies:
 * ECDSA P-256/SHA-256 and P-384/SHA-384 (DER), Ed25519, RSASSA-PKCS1-v1_5 (2048/SHA-256,
 * 3072/SHA-384), RSASSA-PSS (2048/SHA-256/salt 32, 4096/SHA-512/salt 64), and
 * RSAES-PKCS1-v1_5 decryption (2048). `acceptable` results are not asserted.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fromHex } from '../src/codec/hex';
import { ecdsaVerify, ed25519Verify } from '../src/crypto/signature';
import type { HashName } from '../src/crypto/rsa';
import { os2ip, rsaDecryptPkcs1v15, rsaDecryptPremaster, rsaPrivateKeyFromComponents, rsaVerifyPkcs1v15, rsaVerifyPss } from '../src/crypto/rsa';
import { seededRng } from '../src/crypto/rng';
import type { PublicKey } from '../src/crypto/keys';

interface Test {
  tcId: number;
  comment: string;
  msg: string;
  sig?: string;
  ct?: string;
  result: 'valid' | 'invalid' | 'acceptable';
}
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Group = any;

function load(name: string): Group[] {
  const path = new URL(`./vectors/wycheproof/${name}`, import.meta.url);
  return JSON.parse(readFileSync(path, 'utf8')).testGroups;
}

const hashOf = (sha: string): HashName => sha.toLowerCase().replace('-', '') as HashName;

function runAll(groups: Group[], check: (g: Group, t: Test) => boolean): { n: number; failures: string[] } {
  const failures: string[] = [];
  let n = 0;
  for (const g of groups) {
    for (const t of g.tests as Test[]) {
      if (t.result === 'acceptable') continue;
      n++;
      const got = check(g, t);
      if (got !== (t.result === 'valid')) failures.push(`tcId ${t.tcId} (${t.comment}): expected ${t.result}, got ${got}`);
    }
  }
  return { n, failures };
}

describe('Wycheproof ECDSA (DER signatures)', () => {
  for (const [file, type] of [
    ['ecdsa_secp256r1_sha256_test.json', 'ecdsa-p256'],
    ['ecdsa_secp384r1_sha384_test.json', 'ecdsa-p384'],
  ] as const) {
    it(file, () => {
      const { n, failures } = runAll(load(file), (g, t) => {
        const key: PublicKey = { type, point: fromHex(g.publicKey.uncompressed) };
        return ecdsaVerify(key, hashOf(g.sha), fromHex(t.msg), fromHex(t.sig!));
      });
      expect(n).toBeGreaterThan(300);
      expect(failures).toEqual([]);
    });
  }
});

describe('Wycheproof Ed25519', () => {
  it('ed25519_test.json', () => {
    const { n, failures } = runAll(load('ed25519_test.json'), (g, t) => ed25519Verify(fromHex(g.publicKey.pk), fromHex(t.msg), fromHex(t.sig!)));
    expect(n).toBeGreaterThan(100);
    expect(failures).toEqual([]);
  });
});

describe('Wycheproof RSASSA-PKCS1-v1_5', () => {
  for (const file of ['rsa_signature_2048_sha256_test.json', 'rsa_signature_3072_sha384_test.json']) {
    it(file, () => {
      const { n, failures } = runAll(load(file), (g, t) => {
        const key = { n: os2ip(fromHex(g.publicKey.modulus)), e: os2ip(fromHex(g.publicKey.publicExponent)) };
        return rsaVerifyPkcs1v15(key, hashOf(g.sha), fromHex(t.msg), fromHex(t.sig!));
      });
      expect(n).toBeGreaterThan(200);
      expect(failures).toEqual([]);
    });
  }
});

describe('Wycheproof RSASSA-PSS', () => {
  for (const file of ['rsa_pss_2048_sha256_mgf1_32_test.json', 'rsa_pss_4096_sha512_mgf1_64_test.json']) {
    it(file, () => {
      const { n, failures } = runAll(load(file), (g, t) => {
        const key = { n: os2ip(fromHex(g.publicKey.modulus)), e: os2ip(fromHex(g.publicKey.publicExponent)) };
        return rsaVerifyPss(key, hashOf(g.sha), fromHex(t.msg), fromHex(t.sig!), g.sLen, hashOf(g.mgfSha));
      });
      expect(n).toBeGreaterThan(50);
      expect(failures).toEqual([]);
    });
  }
});

describe('Wycheproof RSAES-PKCS1-v1_5 decryption', () => {
  const groups = load('rsa_pkcs1_2048_test.json');
  const keyOf = (g: Group) => {
    const k = g.privateKey;
    return rsaPrivateKeyFromComponents(
      os2ip(fromHex(k.modulus)),
      os2ip(fromHex(k.publicExponent)),
      os2ip(fromHex(k.privateExponent)),
      os2ip(fromHex(k.prime1)),
      os2ip(fromHex(k.prime2)),
    );
  };
  it('rsaDecryptPkcs1v15 matches every vector, with one identical error for every invalid one', () => {
    const errors = new Set<string>();
    const { n, failures } = runAll(groups, (g, t) => {
      try {
        const m = rsaDecryptPkcs1v15(keyOf(g), fromHex(t.ct!));
        expect(Buffer.from(m).toString('hex')).toBe(t.msg);
        return true;
      } catch (e) {
        errors.add((e as Error).message);
        return false;
      }
    });
    expect(n).toBe(67);
    expect(failures).toEqual([]);
    expect([...errors]).toEqual(['decryption error']);
  });
  it('rsaDecryptPremaster never throws on the invalid vectors and substitutes a random premaster', () => {
    for (const g of groups) {
      for (const t of g.tests as Test[]) {
        if (t.result !== 'invalid') continue;
        const r = rsaDecryptPremaster(keyOf(g), fromHex(t.ct!), [3, 3], seededRng('w', String(t.tcId)));
        expect(r.wellFormed).toBe(false);
        expect(r.premaster).toEqual(seededRng('w', String(t.tcId))(48));
      }
    }
  });
});
