/**
 * TLS signature schemes: interop with node:crypto (OpenSSL) both ways for every scheme,
 * determinism with a seeded Rng, scheme/key binding, and verify() never throwing.
 */
import { createPrivateKey, createPublicKey, sign as nodeSign, verify as nodeVerify, constants } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { equalBytes } from '../src/codec/hex';
import type { PrivateKey, SignatureSchemeName } from '../src/crypto/keys';
import { seededRng } from '../src/crypto/rng';
import { generateKeyFromRng, schemeHash, schemesForKey, sign, SIGNATURE_SCHEMES, verify, signatureSchemeFromCode, SIGNATURE_SCHEME_CODES } from '../src/crypto/signature';
import { demoKey } from '../src/pki/demo';
import { privateKeyToPem } from '../src/pki/build';

const keys: PrivateKey[] = [
  generateKeyFromRng('ecdsa-p256', seededRng('sig', 'p256')),
  generateKeyFromRng('ecdsa-p384', seededRng('sig', 'p384')),
  generateKeyFromRng('ed25519', seededRng('sig', 'ed')),
  demoKey('sig', 'rsa', 'rsa-2048'),
];
const msg = new TextEncoder().encode(' '.repeat(64) + 'TLS 1.3, server CertificateVerify\0' + 'transcript hash');

function nodeOptions(scheme: SignatureSchemeName, key: ReturnType<typeof createPublicKey>) {
  if (scheme.startsWith('rsa_pss')) return { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST };
  if (scheme.startsWith('ecdsa')) return { key, dsaEncoding: 'der' as const };
  return { key };
}

describe('sign / verify', () => {
  for (const key of keys) {
    const nodePriv = createPrivateKey(privateKeyToPem(key));
    const nodePub = createPublicKey(nodePriv);
    for (const scheme of schemesForKey(key.publicKey)) {
      const h = scheme === 'ed25519' ? null : schemeHash(scheme);
      it(`${scheme}: ours verified by OpenSSL, OpenSSL's verified by ours`, () => {
        const sig = sign(scheme, key, msg, seededRng('s'));
        expect(nodeVerify(h, msg, nodeOptions(scheme, nodePub), sig)).toBe(true);
        const theirs = new Uint8Array(nodeSign(h, msg, nodeOptions(scheme, nodePriv as never)));
        expect(verify(scheme, key.publicKey, msg, theirs)).toBe(true);
        expect(verify(scheme, key.publicKey, msg.subarray(1), theirs)).toBe(false);
      });
      it(`${scheme}: deterministic for a seeded Rng`, () => {
        expect(equalBytes(sign(scheme, key, msg, seededRng('d')), sign(scheme, key, msg, seededRng('d')))).toBe(true);
      });
    }
  }
  it('a scheme is bound to its key type (RFC 8446 §4.2.3), verify never throws', () => {
    const [p256, p384, ed, rsa] = keys as [PrivateKey, PrivateKey, PrivateKey, PrivateKey];
    expect(() => sign('ecdsa_secp384r1_sha384', p256, msg, seededRng('x'))).toThrow(/cannot be used/);
    const sig = sign('ecdsa_secp256r1_sha256', p256, msg, seededRng('x'));
    expect(verify('ecdsa_secp384r1_sha384', p384.publicKey, msg, sig)).toBe(false);
    expect(verify('rsa_pss_rsae_sha256', ed.publicKey, msg, sig)).toBe(false);
    for (const scheme of SIGNATURE_SCHEMES) {
      for (const k of [p256, p384, ed, rsa]) {
        for (const junk of [new Uint8Array(0), new Uint8Array(64), new Uint8Array(256).fill(0xff), Uint8Array.of(0x30, 0x81)]) {
          expect(verify(scheme, k.publicKey, msg, junk)).toBe(false);
        }
      }
    }
    expect(verify('ed25519', { type: 'ed25519', key: new Uint8Array(5) }, msg, new Uint8Array(64))).toBe(false);
    expect(verify('ecdsa_secp256r1_sha256', { type: 'ecdsa-p256', point: new Uint8Array(65) }, msg, sig)).toBe(false);
  });
  it('code points round trip; RSA lists PSS first', () => {
    for (const s of SIGNATURE_SCHEMES) expect(signatureSchemeFromCode(SIGNATURE_SCHEME_CODES[s])).toBe(s);
    expect(signatureSchemeFromCode(0x0201)).toBeUndefined();
    expect(schemesForKey(keys[3]!.publicKey)[0]).toBe('rsa_pss_rsae_sha256');
  });
});
