/**
 * Verifier details beyond the openssl corpus: RFC 6125 wildcard rules, IP vs DNS identities,
 * name-constraint matching, path building that tries alternatives (renewed / cross-signed
 * intermediates), the Mozilla root store, and `tlslab verify` (exit codes, report, JSON).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { matchDnsName, dnsWithinSubtree, ipWithinSubtree, nameConstraintViolations } from '../src/pki/hostname';
import { parseCertificate, parsePemBundle, parseIpAddress, toPem } from '../src/pki/parse';
import { buildCertificate, type NameSpec } from '../src/pki/build';
import { demoKey, generateDemoPki } from '../src/pki/demo';
import { createTrustStore, hostnameCheck, verifyChain } from '../src/pki/verify';
import { seededRng } from '../src/crypto/rng';
import { verifyX509Signature } from '../src/crypto/signature';
import { runVerify } from '../src/cli/verify';
import { OID } from '../src/pki/parse';

const NOW = new Date('2026-11-25T12:00:00Z');
const DAY = 86400000;

describe('host names (RFC 6125 §6.4)', () => {
  const cases: [string, string, boolean][] = [
    ['example.com', 'example.com', true],
    ['EXAMPLE.com.', 'example.COM', true],
    ['www.example.com', '*.example.com', true],
    ['example.com', '*.example.com', false], // * needs one label
    ['a.b.example.com', '*.example.com', false], // exactly one label
    ['www.example.com', 'w*.example.com', false], // partial wildcard refused
    ['www.example.com', 'www.*.com', false], // not left-most
    ['example.com', '*.com', false], // directly under a TLD
    ['xn--bcher-kva.example', 'xn--bcher-kva.example', true],
    ['bücher.example', 'xn--bcher-kva.example', true], // IDN host compared as A-labels
    ['www.bücher.example', '*.xn--bcher-kva.example', true],
  ];
  for (const [host, presented, ok] of cases) {
    it(`${host} vs ${presented}: ${ok ? 'match' : 'no match'}`, () => expect(matchDnsName(host, presented).match).toBe(ok));
  }

  const rng = seededRng('hostname');
  const key = demoKey('hostname', 'k', 'ecdsa-p256');
  const make = (subject: NameSpec, dns?: string[], ips?: string[]) =>
    parseCertificate(buildCertificate({ subject, publicKey: key.publicKey, selfKey: key, notBefore: NOW, notAfter: NOW, rng, ...(dns ? { dns } : {}), ...(ips ? { ips } : {}) }));
  it('IP host matches only iPAddress entries', () => {
    const c = make([['CN', '10.0.0.1']], ['10.0.0.1'], ['10.0.0.2', '2001:db8::7']);
    expect(hostnameCheck(c, '10.0.0.1').pass).toBe(false);
    expect(hostnameCheck(c, '10.0.0.2').pass).toBe(true);
    expect(hostnameCheck(c, '2001:db8:0::7').pass).toBe(true);
    expect(hostnameCheck(c, '[2001:db8::7]').pass).toBe(true);
  });
  it('CN only when there is no SAN at all', () => {
    expect(hostnameCheck(make([['CN', 'cn.test']]), 'cn.test').pass).toBe(true);
    const withSan = hostnameCheck(make([['CN', 'cn.test']], ['other.test']), 'cn.test');
    expect(withSan.pass).toBe(false);
    expect(withSan.reason).toMatch(/CN is not consulted/);
  });
});

describe('name constraints (RFC 5280 §4.2.1.10)', () => {
  it('DNS subtrees', () => {
    expect(dnsWithinSubtree('a.example.com', 'example.com')).toBe(true);
    expect(dnsWithinSubtree('example.com', 'example.com')).toBe(true);
    expect(dnsWithinSubtree('badexample.com', 'example.com')).toBe(false);
    expect(dnsWithinSubtree('example.com', '.example.com')).toBe(false);
    expect(dnsWithinSubtree('*.example.com', 'example.com')).toBe(true);
  });
  it('IP subtrees', () => {
    const addr = parseIpAddress('10.0.0.0')!;
    const mask = parseIpAddress('255.0.0.0')!;
    expect(ipWithinSubtree(parseIpAddress('10.9.8.7')!, addr, mask)).toBe(true);
    expect(ipWithinSubtree(parseIpAddress('11.0.0.1')!, addr, mask)).toBe(false);
    const v = nameConstraintViolations({ dns: [], ips: [parseIpAddress('192.168.1.1')!], emails: [], subject: [] }, [{ kind: 'ip', address: addr, mask, text: '10.0.0.0/8' }], []);
    expect(v).toEqual([expect.stringMatching(/IP:192.168.1.1 is outside/)]);
  });
});

describe('path building tries alternatives', () => {
  const rng = seededRng('paths');
  const rootKey = demoKey('paths', 'root', 'ecdsa-p256');
  const otherRootKey = demoKey('paths', 'other-root', 'ecdsa-p256');
  const interKey = demoKey('paths', 'inter', 'ecdsa-p256');
  const leafKey = demoKey('paths', 'leaf', 'ed25519');
  const rootName: NameSpec = [['CN', 'Paths Root']];
  const otherRootName: NameSpec = [['CN', 'Paths Other Root']];
  const interName: NameSpec = [['CN', 'Paths Inter']];
  const ca = { ca: { ca: true }, keyUsage: ['keyCertSign' as const] };
  const root = buildCertificate({
    subject: rootName,
    publicKey: rootKey.publicKey,
    selfKey: rootKey,
    notBefore: new Date(NOW.getTime() - 1000 * DAY),
    notAfter: new Date(NOW.getTime() + 1000 * DAY),
    rng,
    ...ca,
  });
  const otherRoot = buildCertificate({
    subject: otherRootName,
    publicKey: otherRootKey.publicKey,
    selfKey: otherRootKey,
    notBefore: new Date(NOW.getTime() - 1000 * DAY),
    notAfter: new Date(NOW.getTime() + 1000 * DAY),
    rng,
    ...ca,
  });
  const inter = (issuer: { name: NameSpec; key: typeof rootKey }, from: number, to: number) =>
    buildCertificate({
      subject: interName,
      publicKey: interKey.publicKey,
      issuer,
      notBefore: new Date(NOW.getTime() + from * DAY),
      notAfter: new Date(NOW.getTime() + to * DAY),
      rng,
      ...ca,
    });
  const expiredInter = inter({ name: rootName, key: rootKey }, -400, -10);
  const renewedInter = inter({ name: rootName, key: rootKey }, -5, 400);
  const crossInter = inter({ name: otherRootName, key: otherRootKey }, -5, 400);
  const leaf = buildCertificate({
    subject: [['CN', 'paths.test']],
    publicKey: leafKey.publicKey,
    issuer: { name: interName, key: interKey },
    notBefore: new Date(NOW.getTime() - DAY),
    notAfter: new Date(NOW.getTime() + 90 * DAY),
    rng,
    ca: { ca: false },
    keyUsage: ['digitalSignature'],
    extKeyUsage: [OID.serverAuth],
    dns: ['paths.test'],
  });
  const opts = { at: NOW, host: 'paths.test', purpose: 'server' as const };

  it('an expired and a renewed intermediate with the same key: the renewed one is used', () => {
    const r = verifyChain({ chain: [leaf, expiredInter, renewedInter], anchors: [root], ...opts });
    expect(r.ok).toBe(true);
    expect(r.certificates.find((c) => c.role === 'unused')?.notAfter).toBe(new Date(NOW.getTime() - 10 * DAY).toISOString().replace('.000Z', 'Z'));
    // with only the expired one, the failure is the validity of the intermediate
    const bad = verifyChain({ chain: [leaf, expiredInter], anchors: [root], ...opts });
    expect(bad.alert).toBe('certificate_expired');
  });
  it('a cross-signed intermediate: the path to the trusted root is found whatever the order', () => {
    for (const chain of [
      [leaf, crossInter, renewedInter],
      [leaf, renewedInter, crossInter],
    ]) {
      expect(verifyChain({ chain, anchors: [root], ...opts }).ok).toBe(true);
      const viaOther = verifyChain({ chain, anchors: [otherRoot], ...opts });
      expect(viaOther.ok).toBe(true);
      expect(viaOther.certificates[2]!.subject).toBe('CN=Paths Other Root');
    }
  });
  it('a repeated extension is refused (RFC 5280 §4.2)', () => {
    const dup = buildCertificate({
      subject: [['CN', 'dup.test']],
      publicKey: leafKey.publicKey,
      issuer: { name: interName, key: interKey },
      notBefore: new Date(NOW.getTime() - DAY),
      notAfter: new Date(NOW.getTime() + 90 * DAY),
      rng,
      dns: ['dup.test'],
      extraExtensions: [{ oid: OID.subjectKeyIdentifier, critical: false, value: Uint8Array.of(0x04, 0x02, 0x01, 0x02) }],
    });
    const r = verifyChain({ chain: [dup, renewedInter], anchors: [root], at: NOW, host: 'dup.test', purpose: 'server' });
    const check = r.checks.find((c) => c.id === 'critical-extensions' && c.cert === 0)!;
    expect(check.pass).toBe(false);
    expect(check.reason).toMatch(/subjectKeyIdentifier appears more than once/);
    expect(r.alert).toBe('unsupported_certificate');
  });
  it('a hostile chain of 40 certificates with one name does not explode path building', () => {
    const name: NameSpec = [['CN', 'Loop CA']];
    const ks = Array.from({ length: 40 }, (_, i) => demoKey('loop', String(i), 'ecdsa-p256'));
    const certs = ks.map((k, i) =>
      buildCertificate({
        subject: name,
        publicKey: k.publicKey,
        issuer: { name, key: ks[(i + 1) % ks.length]! },
        notBefore: new Date(NOW.getTime() - DAY),
        notAfter: new Date(NOW.getTime() + DAY),
        rng,
        ...ca,
      }),
    );
    const victim = buildCertificate({
      subject: [['CN', 'loop.test']],
      publicKey: leafKey.publicKey,
      issuer: { name, key: ks[0]! },
      notBefore: new Date(NOW.getTime() - DAY),
      notAfter: new Date(NOW.getTime() + DAY),
      rng,
      dns: ['loop.test'],
    });
    const t0 = performance.now();
    const r = verifyChain({ chain: [victim, ...certs], anchors: [root], at: NOW, host: 'loop.test', purpose: 'server' });
    expect(r.ok).toBe(false);
    expect(r.alert).toBe('unknown_ca');
    const ms = performance.now() - t0;
    expect(ms).toBeLessThan(5000);
  });
  it('nothing trusted: reports unknown_ca', () => {
    const r = verifyChain({ chain: [leaf, crossInter, renewedInter], anchors: [], ...opts });
    expect(r.alert).toBe('unknown_ca');
  });
});

describe('Mozilla root store (as shipped with Node)', () => {
  const store = createTrustStore(parsePemBundle(rootCertificates.join('\n')).certificates);
  it('every root parses', () => {
    expect(store.rejected).toEqual([]);
    expect(store.ders.length).toBe(rootCertificates.length);
    for (const der of store.ders) expect(parseCertificate(der).publicKey).not.toBeNull();
    // Every extension decodes too (AIA, certificatePolicies, policyConstraints … as browsers' roots carry them).
    const errors = store.ders.flatMap((d) => parseCertificate(d).extensions.flatMap((e) => (e.error ? [e.error] : [])));
    expect(errors).toEqual([]);
  });
  it('every root self-signature verifies with our signature code (real RSA/ECDSA signatures)', () => {
    const algs = new Set<string>();
    for (const der of store.ders) {
      const c = parseCertificate(der);
      algs.add(c.signatureAlgorithm.name);
      expect(verifyX509Signature(c.signatureAlgorithm, c.publicKey!, c.tbs, c.signature), c.subject).toBe(true);
      const bad = c.signature.slice();
      bad[bad.length >> 1]! ^= 1;
      expect(verifyX509Signature(c.signatureAlgorithm, c.publicKey!, c.tbs, bad)).toBe(false);
    }
    expect([...algs].sort()).toEqual(expect.arrayContaining(['ecdsa-with-SHA384', 'sha256WithRSAEncryption', 'sha384WithRSAEncryption']));
  });
  it('a root is trusted as itself; a demo chain is not trusted by Mozilla', () => {
    const anyRoot = store.ders.map((d) => parseCertificate(d)).find((a) => a.notAfter > NOW && a.publicKey?.type === 'ecdsa-p384')!;
    expect(verifyChain({ chain: [anyRoot.der], anchors: store, at: NOW, purpose: 'server' }).ok).toBe(true);
    const pki = generateDemoPki({ seed: 'moz', serverKeyType: 'ecdsa-p256', serverName: 'moz.test', now: NOW });
    const r = verifyChain({ chain: pki.serverChain, anchors: store, at: NOW, host: 'moz.test', purpose: 'server' });
    expect(r.alert).toBe('unknown_ca');
  });
});

describe('tlslab verify', () => {
  const pki = generateDemoPki({ seed: 'cli', serverKeyType: 'rsa-2048', serverName: 'cli.test', now: NOW });
  const dir = mkdtempSync(join(tmpdir(), 'tlslab-verify-cli-'));
  writeFileSync(join(dir, 'chain.pem'), pki.serverChain.map((c) => toPem(c)).join(''));
  writeFileSync(join(dir, 'leaf.der'), pki.serverChain[0]!);
  writeFileSync(join(dir, 'inter.pem'), toPem(pki.intermediateDer));
  writeFileSync(join(dir, 'root.pem'), toPem(pki.rootDer));
  writeFileSync(join(dir, 'csr.pem'), '-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----\n');
  const run = async (...argv: string[]) => {
    let out = '';
    let err = '';
    const code = await runVerify(argv, { out: (t) => (out += t), err: (t) => (err += t), isTty: false });
    return { code, out, err };
  };
  const at = ['--at', NOW.toISOString()];

  it('valid chain (CERT holds leaf + intermediate): exit 0 and a readable report', async () => {
    const r = await run(join(dir, 'chain.pem'), '--trust', join(dir, 'root.pem'), '--host', 'cli.test', ...at);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^VALID: /);
    expect(r.out).toContain('✓ Signature by issuer');
    expect(r.out).toContain('RSA 2048');
  });
  it('DER leaf + --chain, wrong host: exit 1, the failed check, the alert', async () => {
    const r = await run(join(dir, 'leaf.der'), '--chain', join(dir, 'inter.pem'), '--trust', join(dir, 'root.pem'), '--host', 'other.test', ...at);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^NOT VALID: .*\(TLS alert: bad_certificate\)/);
    expect(r.out).toContain('✗ Name matches "other.test"');
  });
  it('--json prints the report', async () => {
    const r = await run(join(dir, 'chain.pem'), '--trust', join(dir, 'root.pem'), '--json', '--purpose', 'client', ...at);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out);
    expect(j.ok).toBe(false);
    expect(j.alert).toBe('unsupported_certificate');
    expect(j.checks.find((c: { id: string }) => c.id === 'ext-key-usage').pass).toBe(false);
    expect(typeof j.certificates[0].der).toBe('string');
  });
  it('--policy, --max-depth, --purpose: the report says which policy judged it', async () => {
    const web = await run(join(dir, 'chain.pem'), '--trust', join(dir, 'root.pem'), '--host', 'cli.test', ...at);
    expect(web.out).toContain('policy webpki · purpose server');
    const rfc = await run(join(dir, 'chain.pem'), '--trust', join(dir, 'root.pem'), '--policy', 'rfc5280', '--json', ...at);
    expect(JSON.parse(rfc.out).policy).toBe('rfc5280');
    const deep = await run(join(dir, 'chain.pem'), '--trust', join(dir, 'root.pem'), '--max-depth', '0', ...at);
    expect(deep.code).toBe(1);
    expect(deep.out).toContain('more than the maximum of 0');
    await expect(run(join(dir, 'chain.pem'), '--policy', 'browser')).rejects.toThrow(/--policy must be webpki or rfc5280/);
    await expect(run(join(dir, 'chain.pem'), '--max-depth', '-1')).rejects.toThrow(/--max-depth must be a whole number/);
  });
  it('--mozilla (default trust): the demo root is unknown', async () => {
    const r = await run(join(dir, 'chain.pem'), '--mozilla', ...at);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/Mozilla roots/);
    expect(r.out).toMatch(/unknown_ca/);
  });
  it('a CSR instead of a certificate: exit 1 with the reason', async () => {
    const r = await run(join(dir, 'csr.pem'));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/CSR/);
  });
  it('usage errors throw UsageError (main.ts turns them into exit 2)', async () => {
    await expect(run()).rejects.toThrow(/exactly one CERT/);
    await expect(run(join(dir, 'chain.pem'), '--at', 'yesterday')).rejects.toThrow(/not an ISO time/);
    await expect(run(join(dir, 'chain.pem'), '--trust', 'x', '--mozilla')).rejects.toThrow(/either/);
  });
});

describe('a chain pasted from `openssl s_client -showcerts`', () => {
  it('parses with the text around it and verifies like a browser', async () => {
    const { spawn, execFileSync } = await import('node:child_process');
    const { createServer } = await import('node:net');
    const dir = new URL('./certs/corpus/', import.meta.url).pathname;
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const server = spawn(
      'openssl',
      ['s_server', '-accept', `127.0.0.1:${port}`, '-cert', `${dir}valid-ecdsa.pem`, '-key', `${dir}valid-ecdsa.key`, '-cert_chain', `${dir}inter.pem`, '-naccept', '1', '-quiet'],
      { stdio: 'ignore' },
    );
    try {
      let out = '';
      for (let attempt = 0; attempt < 50 && !out.includes('BEGIN CERTIFICATE'); attempt++) {
        await new Promise((r) => setTimeout(r, 100));
        try {
          out = execFileSync('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-showcerts', '-servername', 'valid.test'], {
            input: '',
            stdio: 'pipe',
            timeout: 5000,
          }).toString();
        } catch (e) {
          out = String((e as { stdout?: Buffer }).stdout ?? '');
        }
      }
      const bundle = parsePemBundle(out);
      expect(bundle.problems).toEqual([]);
      expect(bundle.certificates.length).toBe(2);
      const root = parsePemBundle(readFileSync(`${dir}root.pem`, 'utf8')).certificates;
      const at = new Date(Number(readFileSync(`${dir}ATTIME`, 'utf8')) * 1000);
      const r = verifyChain({ chain: bundle.certificates, anchors: root, at, host: 'valid.test', purpose: 'server' });
      expect(r.verdict).toMatch(/^valid/);
    } finally {
      server.kill();
    }
  });
});
