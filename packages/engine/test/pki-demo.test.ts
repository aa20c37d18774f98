/**
 * Demo PKI: deterministic per seed and day, parses back, verifies with our verifier and with
 * `openssl verify` (x509_strict, sslserver / sslclient purpose), keys match the certificates,
 * and each simple failure (expired, wrong host, untrusted root, missing intermediate, altered
 * signature, client cert used as server) gives its alert.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { equalBytes } from '../src/codec/hex';
import { clearDemoPkiCache, generateDemoPki } from '../src/pki/demo';
import { parseCertificate, toPem, parsePemBundle } from '../src/pki/parse';
import { privateKeyToPem, spkiFromPublicKey } from '../src/pki/build';
import { verifyChain } from '../src/pki/verify';
import { sign, verify, schemesForKey } from '../src/crypto/signature';
import { seededRng } from '../src/crypto/rng';
import type { ServerKeyType } from '../src/crypto/keys';

const NOW = new Date('2026-11-25T12:00:00Z');
const TYPES: ServerKeyType[] = ['ecdsa-p256', 'rsa-2048', 'ed25519'];

describe('generateDemoPki', () => {
  it('is deterministic for a seed and UTC day, different for another seed', () => {
    for (const t of TYPES) {
      clearDemoPkiCache();
      const a = generateDemoPki({ seed: 's1', serverKeyType: t, serverName: 'a.test', now: NOW });
      clearDemoPkiCache(); // prove it is the seed, not the cache
      const b = generateDemoPki({ seed: 's1', serverKeyType: t, serverName: 'a.test', now: new Date('2026-11-25T23:59:00Z') });
      const c = generateDemoPki({ seed: 's2', serverKeyType: t, serverName: 'a.test', now: NOW });
      const d = generateDemoPki({ seed: 's1', serverKeyType: t, serverName: 'a.test', now: new Date('2026-11-26T00:01:00Z') });
      for (const k of ['rootDer', 'intermediateDer', 'clientRootDer'] as const) expect(equalBytes(a[k], b[k])).toBe(true);
      expect(a.serverChain.every((x, i) => equalBytes(x, b.serverChain[i]!))).toBe(true);
      expect(equalBytes(a.clientChain[0]!, b.clientChain[0]!)).toBe(true);
      expect(a.serverKey).toEqual(b.serverKey);
      expect(equalBytes(a.rootDer, c.rootDer)).toBe(false);
      expect(equalBytes(a.serverChain[0]!, d.serverChain[0]!)).toBe(false); // next day: new validity
    }
  });

  for (const t of TYPES) {
    it(`${t}: chain verifies (ours and openssl), key matches leaf, signatures round-trip`, () => {
      const pki = generateDemoPki({ seed: 'round-trip', serverKeyType: t, serverName: 'demo.tlslab.test', now: NOW });
      const leaf = parseCertificate(pki.serverChain[0]!);
      expect(leaf.subjectAltName?.dns).toEqual(['demo.tlslab.test']);
      expect(leaf.extKeyUsage?.names).toEqual(['serverAuth']);
      expect(leaf.keyUsage?.usages).toEqual(t === 'rsa-2048' ? ['digitalSignature', 'keyEncipherment'] : ['digitalSignature']);
      expect(equalBytes(leaf.spki, spkiFromPublicKey(pki.serverKey.publicKey))).toBe(true);

      const report = verifyChain({ chain: pki.serverChain, anchors: [pki.rootDer], at: NOW, host: 'demo.tlslab.test', purpose: 'server' });
      expect(report.verdict).toMatch(/^valid/);
      expect(report.ok).toBe(true);
      expect(report.certificates.map((c) => c.role)).toEqual(['leaf', 'intermediate', 'anchor']);
      const client = verifyChain({ chain: pki.clientChain, anchors: [pki.clientRootDer], at: NOW, purpose: 'client' });
      expect(client.ok).toBe(true);

      for (const scheme of schemesForKey(pki.serverKey.publicKey)) {
        const msg = new TextEncoder().encode(`CertificateVerify content ${scheme}`);
        const sig = sign(scheme, pki.serverKey, msg, seededRng('sig'));
        expect(verify(scheme, leaf.publicKey!, msg, sig)).toBe(true);
        msg[0]! ^= 1;
        expect(verify(scheme, leaf.publicKey!, msg, sig)).toBe(false);
      }

      // The PKCS#8 PEM we write reads back as the same key.
      const back = parsePemBundle(privateKeyToPem(pki.serverKey));
      expect(back.problems).toEqual([]);
      expect(back.keys[0]!.publicKey).toEqual(pki.serverKey.publicKey);

      // OpenSSL agrees (the at-time is today: the demo PKI is made for NOW's day).
      const dir = mkdtempSync(join(tmpdir(), 'tlslab-demo-'));
      writeFileSync(join(dir, 'root.pem'), toPem(pki.rootDer));
      writeFileSync(join(dir, 'inter.pem'), toPem(pki.intermediateDer));
      writeFileSync(join(dir, 'leaf.pem'), toPem(pki.serverChain[0]!));
      writeFileSync(join(dir, 'key.pem'), privateKeyToPem(pki.serverKey));
      const attime = String(Math.floor(NOW.getTime() / 1000));
      const out = execFileSync('openssl', [
        'verify',
        '-x509_strict',
        '-purpose',
        'sslserver',
        '-verify_hostname',
        'demo.tlslab.test',
        '-attime',
        attime,
        '-CAfile',
        join(dir, 'root.pem'),
        '-untrusted',
        join(dir, 'inter.pem'),
        join(dir, 'leaf.pem'),
      ]).toString();
      expect(out).toContain('leaf.pem: OK');
      const pub1 = execFileSync('openssl', ['pkey', '-in', join(dir, 'key.pem'), '-pubout', '-outform', 'DER']);
      expect(equalBytes(new Uint8Array(pub1), leaf.spki)).toBe(true);
    });
  }
});

describe('verifyChain: simple failures', () => {
  const pki = generateDemoPki({ seed: 'failures', serverKeyType: 'ecdsa-p256', serverName: 'good.test', now: NOW });
  const other = generateDemoPki({ seed: 'other', serverKeyType: 'ecdsa-p256', serverName: 'good.test', now: NOW });
  const failed = (r: ReturnType<typeof verifyChain>) => r.checks.filter((c) => !c.pass).map((c) => c.id);

  it('expired leaf → certificate_expired', () => {
    const exp = generateDemoPki({ seed: 'failures', serverKeyType: 'ecdsa-p256', serverName: 'good.test', now: NOW, expired: true });
    const r = verifyChain({ chain: exp.serverChain, anchors: [exp.rootDer], at: NOW, host: 'good.test', purpose: 'server' });
    expect(r.ok).toBe(false);
    expect(r.alert).toBe('certificate_expired');
    expect(failed(r)).toEqual(['validity']);
  });
  it('wrong host → bad_certificate, hostname check fails', () => {
    const r = verifyChain({ chain: pki.serverChain, anchors: [pki.rootDer], at: NOW, host: 'evil.test', purpose: 'server' });
    expect(r.alert).toBe('bad_certificate');
    expect(failed(r)).toEqual(['hostname']);
  });
  it('untrusted root → unknown_ca', () => {
    const r = verifyChain({ chain: pki.serverChain, anchors: [other.rootDer], at: NOW, host: 'good.test', purpose: 'server' });
    expect(r.alert).toBe('unknown_ca');
    expect(failed(r)).toEqual(['missing-intermediate']);
  });
  it('missing intermediate → unknown_ca', () => {
    const r = verifyChain({ chain: [pki.serverChain[0]!], anchors: [pki.rootDer], at: NOW, host: 'good.test', purpose: 'server' });
    expect(r.alert).toBe('unknown_ca');
    expect(failed(r)).toEqual(['missing-intermediate']);
  });
  it('altered signature → bad_certificate', () => {
    const leaf = pki.serverChain[0]!.slice();
    leaf[leaf.length - 5]! ^= 0x01;
    const r = verifyChain({ chain: [leaf, pki.intermediateDer], anchors: [pki.rootDer], at: NOW, host: 'good.test', purpose: 'server' });
    expect(r.alert).toBe('bad_certificate');
    expect(failed(r)).toEqual(['signature']);
  });
  it('not yet valid → certificate_expired', () => {
    const r = verifyChain({ chain: pki.serverChain, anchors: [pki.rootDer], at: new Date('2020-01-01T00:00:00Z'), purpose: 'server' });
    expect(r.alert).toBe('certificate_expired');
    expect(failed(r).every((id) => id === 'validity')).toBe(true);
  });
  it('client certificate presented as server → EKU fails (unsupported_certificate)', () => {
    const r = verifyChain({ chain: pki.clientChain, anchors: [pki.clientRootDer], at: NOW, purpose: 'server', policy: 'rfc5280' });
    expect(r.alert).toBe('unsupported_certificate');
    expect(failed(r)).toEqual(['ext-key-usage']);
    // Under webpki (the server default) it also names no host: no subjectAltName.
    const w = verifyChain({ chain: pki.clientChain, anchors: [pki.clientRootDer], at: NOW, purpose: 'server' });
    expect(w.policy).toBe('webpki');
    expect(w.alert).toBe('unsupported_certificate');
    expect(failed(w).sort()).toEqual(['ext-key-usage', 'subject-alt-name']);
  });
  it('garbage leaf → bad_certificate, never throws', () => {
    const r = verifyChain({ chain: [new Uint8Array([0x30, 0x03, 1, 2, 3])], anchors: [pki.rootDer], purpose: 'server' });
    expect(r.ok).toBe(false);
    expect(r.alert).toBe('bad_certificate');
  });
  it('chain order, extras and duplicates do not matter', () => {
    const r = verifyChain({
      chain: [pki.serverChain[0]!, other.intermediateDer, pki.intermediateDer, pki.intermediateDer, other.rootDer],
      anchors: [other.rootDer, pki.rootDer],
      at: NOW,
      host: 'good.test',
      purpose: 'server',
    });
    expect(r.ok).toBe(true);
    // the other PKI's intermediate and root were presented but are not on the path
    expect(r.certificates.filter((c) => c.role === 'unused').length).toBe(2);
    expect(r.certificates.map((c) => c.role).slice(0, 3)).toEqual(['leaf', 'intermediate', 'anchor']);
  });
});
