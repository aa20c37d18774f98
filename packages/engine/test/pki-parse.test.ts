/**
 * Input handling: PEM with text around it, several blocks, DER (binary and base64), every
 * private key format, and a clear message for everything else (CSR, public key, encrypted key,
 * garbage, truncated PEM, over 1 MB) — never a throw. Inputs are made with the openssl command.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { equalBytes } from '../src/codec/hex';
import { parseCertificate, parsePemBundle, privateKeyFromPem, publicKeyFromSpki, publicKeysEqual, toPem, parseIpAddress, formatIpAddress } from '../src/pki/parse';
import { privateKeyToPem, spkiFromPublicKey } from '../src/pki/build';

const dir = mkdtempSync(join(tmpdir(), 'tlslab-parse-'));
const ossl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe', env: { ...process.env, OPENSSL_CONF: '/dev/null' } });
const file = (name: string) => readFileSync(join(dir, name));

ossl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', 'ec.key');
ossl('ec', '-in', 'ec.key', '-out', 'ec-sec1.key');
ossl('genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', 'rsa.key');
ossl('rsa', '-in', 'rsa.key', '-traditional', '-out', 'rsa-pkcs1.key');
ossl('genpkey', '-algorithm', 'ED25519', '-out', 'ed.key');
ossl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384', '-out', 'p384.key');
ossl('req', '-x509', '-new', '-key', 'ec.key', '-subj', '/CN=parse.test', '-days', '30', '-addext', 'subjectAltName=DNS:parse.test,IP:10.1.2.3,IP:2001:db8::1', '-out', 'cert.pem');
ossl('x509', '-in', 'cert.pem', '-outform', 'DER', '-out', 'cert.der');
ossl('req', '-new', '-key', 'ec.key', '-subj', '/CN=csr.test', '-out', 'req.csr');
ossl('pkey', '-in', 'ec.key', '-pubout', '-out', 'pub.pem');
ossl('pkey', '-in', 'ec.key', '-aes128', '-passout', 'pass:secret', '-out', 'enc.key');
ossl('rsa', '-in', 'rsa.key', '-traditional', '-aes128', '-passout', 'pass:secret', '-out', 'enc-legacy.key');
const text = ossl('x509', '-in', 'cert.pem', '-text').toString(); // text + PEM, as people paste it

describe('parsePemBundle: what is accepted', () => {
  it('PEM with `openssl x509 -text` output around it, plus keys of every format', () => {
    const input = [text, file('ec.key'), file('ec-sec1.key'), file('rsa.key'), file('rsa-pkcs1.key'), file('ed.key'), file('p384.key')].join('\n');
    const b = parsePemBundle(input);
    expect(b.problems).toEqual([]);
    expect(b.certificates.length).toBe(1);
    expect(equalBytes(b.certificates[0]!, new Uint8Array(file('cert.der')))).toBe(true);
    expect(b.keys.map((k) => k.type)).toEqual(['ecdsa-p256', 'ecdsa-p256', 'rsa', 'rsa', 'ed25519', 'ecdsa-p384']);
    expect(b.keys[0]!.publicKey).toEqual(b.keys[1]!.publicKey);
  });
  it('the keys match what openssl derives, and our PKCS#8 output reads back in openssl', () => {
    for (const name of ['ec.key', 'rsa.key', 'ed.key', 'p384.key']) {
      const key = privateKeyFromPem(file(name).toString());
      const spki = new Uint8Array(ossl('pkey', '-in', name, '-pubout', '-outform', 'DER'));
      expect(equalBytes(spkiFromPublicKey(key.publicKey), spki)).toBe(true);
      expect(publicKeyFromSpki(spki)).toEqual(key.publicKey);
      const again = execFileSync('openssl', ['pkey', '-pubout', '-outform', 'DER'], { input: privateKeyToPem(key) });
      expect(equalBytes(new Uint8Array(again), spki)).toBe(true);
    }
  });
  it('publicKeysEqual: the certificate key equals its private key, not another one', () => {
    const cert = parseCertificate(new Uint8Array(file('cert.der')));
    expect(publicKeysEqual(cert.publicKey!, privateKeyFromPem(file('ec.key').toString()).publicKey)).toBe(true);
    expect(publicKeysEqual(cert.publicKey!, privateKeyFromPem(file('p384.key').toString()).publicKey)).toBe(false);
    expect(publicKeysEqual(cert.publicKey!, privateKeyFromPem(file('rsa.key').toString()).publicKey)).toBe(false);
  });
  it('DER as binary and as base64', () => {
    const der = new Uint8Array(file('cert.der'));
    expect(parsePemBundle(der).certificates.length).toBe(1);
    expect(parsePemBundle(Buffer.from(der).toString('base64')).certificates.length).toBe(1);
    const keyDer = new Uint8Array(ossl('pkey', '-in', 'rsa.key', '-outform', 'DER'));
    expect(parsePemBundle(keyDer).keys.map((k) => k.type)).toEqual(['rsa']);
  });
  it('decodes SAN DNS and IP entries (v4 and v6)', () => {
    const c = parseCertificate(new Uint8Array(file('cert.der')));
    expect(c.subjectAltName?.dns).toEqual(['parse.test']);
    expect(c.subjectAltName?.ip).toEqual(['10.1.2.3', '2001:db8::1']);
    expect(c.subject).toBe('CN=parse.test');
    expect(c.sha256).toBe(ossl('x509', '-in', 'cert.pem', '-noout', '-fingerprint', '-sha256').toString().trim().split('=')[1]);
  });
  it('IP address text round trip', () => {
    for (const ip of ['127.0.0.1', '::1', '2001:db8::1', 'fe80::1:2', '::ffff:10.0.0.1', '1:2:3:4:5:6:7:8']) {
      expect(parseIpAddress(ip)).not.toBeNull();
    }
    expect(formatIpAddress(parseIpAddress('2001:0db8:0:0:0:0:0:0001')!)).toBe('2001:db8::1');
    for (const bad of ['256.0.0.1', '1.2.3', ':::', '1::2::3', 'example.com', '12345::']) expect(parseIpAddress(bad)).toBeNull();
  });
});

describe('parsePemBundle: clear messages, never a throw', () => {
  const only = (input: string | Uint8Array) => {
    const b = parsePemBundle(input);
    expect(b.certificates.length + b.keys.length).toBe(0);
    expect(b.problems.length).toBe(1);
    return b.problems[0]!;
  };
  it('a CSR', () => expect(only(file('req.csr').toString())).toMatch(/certificate signing request \(CSR\), not a certificate/));
  it('a public key', () => expect(only(file('pub.pem').toString())).toMatch(/public key, not a certificate/));
  it('an encrypted PKCS#8 key', () => expect(only(file('enc.key').toString())).toMatch(/encrypted.*decrypt it first/));
  it('an encrypted legacy PEM key', () => expect(only(file('enc-legacy.key').toString())).toMatch(/encrypted with a passphrase/));
  it('garbage', () => expect(only('hello world, this is not a certificate')).toMatch(/no PEM block found/));
  it('empty input', () => expect(only('  \n')).toMatch(/empty/));
  it('a truncated PEM (END missing)', () => expect(only(file('cert.pem').toString().slice(0, 300))).toMatch(/truncated.*END CERTIFICATE/));
  it('a PEM whose start is missing', () => expect(only(file('cert.pem').toString().slice(40))).toMatch(/truncated at the start/));
  it('damaged base64 inside a PEM', () => {
    const pem = file('cert.pem')
      .toString()
      .replace(/^(MII.{20})./m, '$1!');
    expect(pem).toContain('!');
    expect(only(pem)).toMatch(/base64 inside is damaged/);
  });
  it('a corrupted certificate body', () => {
    const der = new Uint8Array(file('cert.der'));
    expect(only(toPem(der.subarray(0, der.length - 20)))).toMatch(/not a DER X.509 certificate/);
  });
  it('over 1 MB', () => expect(only('A'.repeat(1024 * 1024 + 1))).toMatch(/over the 1 MB limit/));
  it('random binary', () => {
    const junk = new Uint8Array(2000).map((_, i) => (i * 7919) & 0xff);
    expect(typeof only(junk)).toBe('string');
  });
  it('a certificate next to a CSR: keeps the certificate, explains the CSR', () => {
    const b = parsePemBundle(file('cert.pem').toString() + file('req.csr').toString());
    expect(b.certificates.length).toBe(1);
    expect(b.problems).toEqual([expect.stringMatching(/block 2 \(CERTIFICATE REQUEST\).*CSR/)]);
  });
});
