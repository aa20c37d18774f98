/**
 * The verifier's rules, one passing and one failing chain each, under both policies where they
 * differ (webpki: RFC 5280 + CA/Browser Forum BRs; rfc5280: the RFC alone). Chains are built in
 * the test with pki/build.ts (raw DER for the malformed SANs and constraints); the few keys
 * our builder cannot make (an RSA modulus that is not a multiple of 8, explicit EC parameters)
 * come from openssl. Each test is named after the rule and its section.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AsnConvert } from '@peculiar/asn1-schema';
import { describe, expect, it } from 'vitest';
import { buildCertificate, buildName, privateKeyToPem, type CertificateSpec, type NameSpec } from '../src/pki/build';
import { demoKey } from '../src/pki/demo';
import { OID, parsePemBundle, toPem } from '../src/pki/parse';
import { createTrustStore, verifyChain, type VerifyChainOptions } from '../src/pki/verify';
import { seededRng } from '../src/crypto/rng';
import { signX509 } from '../src/crypto/signature';
import { children, readTlv } from '../src/pki/der';
import type { Policy } from '../src/pki/checks';

const NOW = new Date('2026-06-01T12:00:00Z');
const DAY = 86_400_000;
const rng = seededRng('pki-policy');
const rootKey = demoKey('pki-policy', 'root', 'ecdsa-p256');
const interKey = demoKey('pki-policy', 'inter', 'ecdsa-p256');
const leafKey = demoKey('pki-policy', 'leaf', 'ecdsa-p256');
const ROOT: NameSpec = [['CN', 'Policy Root']];
const INTER: NameSpec = [['CN', 'Policy Intermediate']];
const caSpec = { ca: { ca: true }, keyUsage: ['keyCertSign' as const, 'crlSign' as const] };
const validity = { notBefore: new Date(NOW.getTime() - 30 * DAY), notAfter: new Date(NOW.getTime() + 300 * DAY) };

// ---- A few DER helpers for what a schema encoder would refuse to write
const derLen = (n: number) => (n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff]);
function tlv(tag: number, ...parts: Uint8Array[]): Uint8Array {
  const body = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    body.set(p, o);
    o += p.length;
  }
  return Uint8Array.of(tag, ...derLen(body.length), ...body);
}
const ascii = (s: string) => new TextEncoder().encode(s);
const gn = {
  dns: (s: string) => tlv(0x82, ascii(s)),
  email: (s: string) => tlv(0x81, ascii(s)),
  ip: (...b: number[]) => tlv(0x87, Uint8Array.from(b)),
  dn: (spec: NameSpec) => tlv(0xa4, new Uint8Array(AsnConvert.serialize(buildName(spec)))),
  other: () => tlv(0xa0, tlv(0x06, Uint8Array.of(0x2b, 6, 1, 4, 1, 0x83, 0x8e, 0x3b)), tlv(0xa0, tlv(0x0c, ascii('x')))),
};
const sanExt = (critical: boolean, ...names: Uint8Array[]) => ({ oid: OID.subjectAltName, critical, value: tlv(0x30, ...names) });
function ncExt(p: Uint8Array[], x: Uint8Array[], critical = true) {
  const parts = [...(p.length ? [tlv(0xa0, ...p.map((b) => tlv(0x30, b)))] : []), ...(x.length ? [tlv(0xa1, ...x.map((b) => tlv(0x30, b)))] : [])];
  return { oid: OID.nameConstraints, critical, value: tlv(0x30, ...parts) };
}

type Part = Partial<Omit<CertificateSpec, 'rng'>>;
interface Shape {
  root?: Part;
  /** false: the leaf is issued by the root directly. */
  inter?: Part | false;
  leaf?: Part;
}

function build(shape: Shape): { chain: Uint8Array[]; root: Uint8Array } {
  const root = buildCertificate({ subject: ROOT, publicKey: rootKey.publicKey, selfKey: rootKey, ...validity, ...caSpec, rng, ...shape.root });
  const chain: Uint8Array[] = [];
  let issuer = { name: ROOT, key: rootKey };
  if (shape.inter !== false) {
    chain.push(buildCertificate({ subject: INTER, publicKey: interKey.publicKey, issuer, ...validity, ...caSpec, rng, ...shape.inter }));
    issuer = { name: INTER, key: interKey };
  }
  const leaf = buildCertificate({
    subject: [['CN', 'example.com']],
    publicKey: leafKey.publicKey,
    issuer,
    ...validity,
    keyUsage: ['digitalSignature'],
    extKeyUsage: [OID.serverAuth],
    dns: ['example.com'],
    rng,
    ...shape.leaf,
  });
  return { chain: [leaf, ...chain], root };
}

function verify(shape: Shape, policy: Policy, more: Partial<VerifyChainOptions> = {}) {
  const { chain, root } = build(shape);
  return verifyChain({ chain, anchors: [root], at: NOW, host: 'example.com', purpose: 'server', policy, ...more });
}
const failing = (r: ReturnType<typeof verifyChain>) => r.checks.filter((c) => !c.pass);
function expectValid(r: ReturnType<typeof verifyChain>) {
  expect(failing(r).map((c) => `${c.id}: ${c.reason}`)).toEqual([]);
  expect(r.ok).toBe(true);
}
function expectFails(r: ReturnType<typeof verifyChain>, id: string, reason?: RegExp) {
  expect(r.ok).toBe(false);
  const hit = failing(r).filter((c) => c.id === id);
  expect(
    hit.length,
    `failing: ${failing(r)
      .map((c) => `${c.id}: ${c.reason}`)
      .join(' | ')}`,
  ).toBeGreaterThan(0);
  if (reason) expect(hit.map((c) => c.reason).join(' ')).toMatch(reason);
}
const both: Policy[] = ['webpki', 'rfc5280'];

describe('policies', () => {
  it('the report names the policy; webpki is the server default, rfc5280 the client default', () => {
    const { chain, root } = build({});
    expect(verifyChain({ chain, anchors: [root], at: NOW, purpose: 'server' }).policy).toBe('webpki');
    expect(verifyChain({ chain, anchors: [root], at: NOW, purpose: 'client' }).policy).toBe('rfc5280');
    for (const p of both) expectValid(verify({}, p));
  });
});

describe('name constraints (RFC 5280 §4.2.1.10)', () => {
  const under = (nc: ReturnType<typeof ncExt>, leaf: Part = {}): Shape => ({ inter: { extraExtensions: [nc] }, leaf });
  it('§4.2.1.10 permitted dNSName: inside passes, outside fails', () => {
    for (const p of both) {
      expectValid(verify(under(ncExt([gn.dns('example.com')], [])), p));
      expectFails(verify(under(ncExt([gn.dns('example.org')], [])), p), 'name-constraints', /outside the permitted/);
    }
  });
  it('§4.2.1.10 a wildcard SAN is inside an excluded subtree when any name it matches is', () => {
    const leaf: Part = { dns: ['*.example.com'], subject: [['CN', '*.example.com']] };
    const opts = { host: 'foo.example.com' };
    for (const p of both) {
      expectFails(verify(under(ncExt([], [gn.dns('bar.example.com')]), leaf), p, opts), 'name-constraints', /excluded subtree bar\.example\.com/);
      expectValid(verify(under(ncExt([], [gn.dns('bar.example.org')]), leaf), p, opts));
      expectValid(verify(under(ncExt([gn.dns('example.com')], []), leaf), p, opts));
    }
  });
  it('§4.2.1.10 a dNSName constraint with a leading dot cannot be processed: the chain fails', () => {
    for (const p of both) expectFails(verify(under(ncExt([gn.dns('.example.com')], [])), p), 'name-constraints', /cannot be processed/);
  });
  it('§4.2.1.10 iPAddress constraints: address + prefix mask; a bare address or a broken mask fails', () => {
    const leaf: Part = { dns: [], ips: ['192.0.2.7'], subject: [['CN', '192.0.2.7']] };
    const opts = { host: '192.0.2.7' };
    for (const p of both) {
      expectValid(verify(under(ncExt([gn.ip(192, 0, 2, 0, 255, 255, 255, 0)], []), leaf), p, opts));
      expectFails(verify(under(ncExt([gn.ip(198, 51, 100, 0, 255, 255, 255, 0)], []), leaf), p, opts), 'name-constraints', /IP:192\.0\.2\.7 is outside/);
      expectFails(verify(under(ncExt([gn.ip(192, 0, 2, 0)], []), leaf), p, opts), 'name-constraints', /8 or 32 octets/);
      expectFails(verify(under(ncExt([gn.ip(192, 0, 2, 0, 255, 0, 255, 0)], []), leaf), p, opts), 'name-constraints', /not a contiguous prefix/);
    }
  });
  it('§4.2.1.10 forms we do not implement (otherName) and an empty NameConstraints fail, never pass', () => {
    for (const p of both) {
      expectFails(verify(under(ncExt([gn.other()], [])), p), 'name-constraints', /otherName constraints are not supported/);
      expectFails(verify(under({ oid: OID.nameConstraints, critical: true, value: tlv(0x30) }), p), 'name-constraints', /empty/);
    }
  });
  it('§4.2.1.10 a malformed SAN does not escape the constraint (".example.com" dNSName, 8-byte iPAddress)', () => {
    const dotted: Part = { dns: [], extraExtensions: [sanExt(false, gn.dns('.example.com'), gn.dns('example.com'))] };
    expectFails(verify(under(ncExt([], [gn.dns('evil.test')]), dotted), 'rfc5280'), 'name-constraints', /DNS:\.example\.com is malformed/);
    const ip8: Part = { dns: [], extraExtensions: [sanExt(false, gn.dns('example.com'), gn.ip(10, 0, 0, 1, 255, 255, 255, 255))] };
    expectFails(verify(under(ncExt([gn.ip(192, 0, 2, 0, 255, 255, 255, 0)], []), ip8), 'rfc5280'), 'name-constraints', /8 octets\) is malformed/);
    expectValid(verify(under(ncExt([], [gn.dns('evil.test')])), 'rfc5280'));
  });
  it('§4.2.1.10 must be critical under rfc5280; webpki (as browsers) accepts a non-critical one', () => {
    const shape = under(ncExt([gn.dns('example.com')], [], false));
    expectFails(verify(shape, 'rfc5280'), 'name-constraints', /not critical/);
    expectValid(verify(shape, 'webpki'));
  });
  it('§4.2.1.10 only in CA certificates', () => {
    for (const p of both) expectFails(verify({ leaf: { extraExtensions: [ncExt([gn.dns('example.com')], [])] } }, p), 'profile', /not a CA/);
  });
  it('§4.2.1.10 directoryName constraints apply to the subject', () => {
    const nc = ncExt([gn.dn([['O', 'Good']])], []);
    for (const p of both) {
      expectValid(
        verify(
          {
            inter: { extraExtensions: [nc] },
            leaf: {
              subject: [
                ['O', 'Good'],
                ['CN', 'example.com'],
              ],
            },
          },
          p,
        ),
      );
      expectFails(
        verify(
          {
            inter: { extraExtensions: [nc] },
            leaf: {
              subject: [
                ['O', 'Evil'],
                ['CN', 'example.com'],
              ],
            },
          },
          p,
        ),
        'name-constraints',
        /directory name is outside/,
      );
    }
  });
  it('§4.2.1.10 rfc822Name constraints apply to e-mail SANs', () => {
    const nc = ncExt([gn.email('example.com')], []);
    const leaf = (mail: string): Part => ({ dns: [], extraExtensions: [sanExt(false, gn.dns('example.com'), gn.email(mail))] });
    for (const p of both) {
      expectValid(verify(under(nc, leaf('alice@example.com')), p));
      expectFails(verify(under(nc, leaf('alice@evil.test')), p), 'name-constraints', /email:alice@evil\.test is outside/);
    }
  });
  it('§4.2.1.10 names × constraints over the bound is refused fast', () => {
    const names = Array.from({ length: 300 }, (_, i) => `h${i}.example.com`);
    const nc = ncExt(
      Array.from({ length: 300 }, (_, i) => gn.dns(`p${i}.example.com`)),
      [],
    );
    const t0 = performance.now();
    const r = verify(under(nc, { dns: ['example.com', ...names] }), 'webpki');
    expect(performance.now() - t0).toBeLessThan(1000);
    expectFails(r, 'name-constraints', /over the limit/);
  });
});

describe('key identifiers (RFC 5280 §4.2.1.1–2)', () => {
  it('§4.2.1.2 a CA certificate without subjectKeyIdentifier fails', () => {
    for (const p of both) expectFails(verify({ inter: { omit: ['subjectKeyIdentifier'] } }, p), 'key-identifiers', /without subjectKeyIdentifier/);
  });
  it("§4.2.1.2 a root program's root (a curated store, as Mozilla's) keeps the profile that program accepted", () => {
    const { chain, root } = build({ root: { omit: ['subjectKeyIdentifier'], critical: { [OID.basicConstraints]: false }, extKeyUsage: [OID.serverAuth] } });
    for (const p of both) {
      expectFails(verifyChain({ chain, anchors: [root], at: NOW, host: 'example.com', purpose: 'server', policy: p }), 'key-identifiers');
      expectValid(verifyChain({ chain, anchors: createTrustStore([root], { curated: true }), at: NOW, host: 'example.com', purpose: 'server', policy: p }));
    }
  });
  it('§4.2.1.1 a certificate that is not self-issued needs an authorityKeyIdentifier', () => {
    for (const p of both) expectFails(verify({ leaf: { omit: ['authorityKeyIdentifier'] } }, p), 'key-identifiers', /no authorityKeyIdentifier/);
  });
  it('§4.2.1.1 a self-issued intermediate (key rollover) names the old key in its AKI; only the root must match its own SKI', () => {
    const newKey = demoKey('pki-policy', 'rollover', 'ecdsa-p256');
    const { chain, root } = build({});
    const inter = chain[1]!;
    const rolled = buildCertificate({ subject: INTER, publicKey: newKey.publicKey, issuer: { name: INTER, key: interKey }, ...validity, ...caSpec, rng });
    const leaf = buildCertificate({
      subject: [['CN', 'example.com']],
      publicKey: leafKey.publicKey,
      issuer: { name: INTER, key: newKey },
      ...validity,
      keyUsage: ['digitalSignature'],
      extKeyUsage: [OID.serverAuth],
      dns: ['example.com'],
      rng,
    });
    for (const p of both) {
      const r = verifyChain({ chain: [leaf, rolled, inter], anchors: [root], at: NOW, host: 'example.com', purpose: 'server', policy: p });
      expectValid(r);
      expect(r.certificates.length).toBe(4);
    }
  });
  it('§4.2.1.1–2 key identifiers are non-critical', () => {
    for (const p of both) {
      expectFails(verify({ leaf: { critical: { [OID.authorityKeyIdentifier]: true } } }, p), 'key-identifiers', /authorityKeyIdentifier is critical/);
      expectFails(verify({ inter: { critical: { [OID.subjectKeyIdentifier]: true } } }, p), 'key-identifiers', /subjectKeyIdentifier is critical/);
    }
  });
  it("CABF BR §7.1.2.1.3 a root's authorityKeyIdentifier equals its subjectKeyIdentifier (webpki)", () => {
    // A self-signed root whose AKI keyIdentifier names some other key (raw extension).
    const akiOther = {
      oid: OID.authorityKeyIdentifier,
      critical: false,
      value: tlv(
        0x30,
        tlv(
          0x80,
          Uint8Array.from({ length: 20 }, (_, i) => i),
        ),
      ),
    };
    const shape: Shape = { root: { omit: ['authorityKeyIdentifier'], extraExtensions: [akiOther] } };
    expectFails(verify(shape, 'webpki'), 'key-identifiers', /differs from its subjectKeyIdentifier/);
    expectValid(verify(shape, 'rfc5280'));
  });
});

describe('host names (RFC 9525 §6.3, CABF BR §7.1.2.7.12, §7.1.4.3)', () => {
  it('RFC 9525 §6.3 webpki: a SAN is required, no CN fallback; rfc5280 keeps the legacy CN fallback', () => {
    const shape: Shape = { leaf: { dns: [] } };
    expectFails(verify(shape, 'webpki'), 'subject-alt-name', /no subjectAltName/);
    expectFails(verify(shape, 'webpki'), 'hostname', /do not fall back to the CN/);
    expectValid(verify(shape, 'rfc5280'));
  });
  it('CABF BR §7.1.4.3 the CN is a byte-for-byte copy of a SAN entry (webpki)', () => {
    expectFails(verify({ leaf: { subject: [['CN', 'Example.COM']] } }, 'webpki'), 'common-name', /not a character-for-character copy/);
    expectValid(verify({ leaf: { subject: [['CN', 'Example.COM']] } }, 'rfc5280'));
    const ipLeaf = (cn: string): Shape => ({ leaf: { subject: [['CN', cn]], dns: [], ips: ['2001:db8::1'] } });
    expectValid(verify(ipLeaf('2001:db8::1'), 'webpki', { host: '2001:db8::1' }));
    expectFails(verify(ipLeaf('2001:0db8:0:0:0:0:0:1'), 'webpki', { host: '2001:db8::1' }), 'common-name', /RFC 5952 text form/);
    const v4 = (cn: string): Shape => ({ leaf: { subject: [['CN', cn]], dns: [], ips: ['192.168.1.1'] } });
    expectFails(verify(v4('192.168.001.001'), 'webpki', { host: '192.168.1.1' }), 'common-name');
    expectFails(verify(v4('0xC0A80101'), 'webpki', { host: '192.168.1.1' }), 'common-name');
    // A host-name CN beside IP entries only is not judged: the SAN is the identity.
    expectValid(verify(v4('example.com'), 'webpki', { host: '192.168.1.1' }));
  });
  it('CABF BR §7.1.2.7.12 SAN critical only with an empty subject (webpki); RFC 5280 §4.2.1.6 critical then', () => {
    const critical: Shape = { leaf: { dns: [], extraExtensions: [sanExt(true, gn.dns('example.com'))] } };
    expectFails(verify(critical, 'webpki'), 'subject-alt-name', /critical although the subject is not empty/);
    expectValid(verify(critical, 'rfc5280'));
    for (const p of both) {
      expectValid(verify({ leaf: { subject: [], dns: [], extraExtensions: [sanExt(true, gn.dns('example.com'))] } }, p));
      expectFails(verify({ leaf: { subject: [], dns: [], extraExtensions: [sanExt(false, gn.dns('example.com'))] } }, p), 'subject-alt-name', /MUST be critical/);
    }
  });
  it('CABF BR §7.1.2.7.12 DNS syntax: no underscore, no empty label (webpki)', () => {
    const leaf = (d: string): Shape => ({ leaf: { dns: [], extraExtensions: [sanExt(false, gn.dns('example.com'), gn.dns(d))] } });
    expectFails(verify(leaf('a_b.example.com'), 'webpki'), 'subject-alt-name', /not letters, digits/);
    expectFails(verify(leaf('a..example.com'), 'webpki'), 'subject-alt-name', /empty label/);
    expectValid(verify(leaf('a_b.example.com'), 'rfc5280'));
  });
  it('CABF BR §3.2.2.6 no wildcard on a public suffix (Public Suffix List, webpki)', () => {
    const wild = (d: string, host: string) => verify({ leaf: { dns: [d], subject: [['CN', d]] } }, 'webpki', { host });
    expectFails(wild('*.co.uk', 'example.co.uk'), 'subject-alt-name', /public suffix "co\.uk"/);
    expectValid(wild('*.example.co.uk', 'www.example.co.uk'));
    expectFails(wild('*.com', 'example.com'), 'subject-alt-name', /public suffix "com"/);
    // The list's private section (blogspot.com, github.io, …) is not registry-controlled.
    expectValid(wild('*.blogspot.com', 'x.blogspot.com'));
  });
  it('RFC 5280 §7.2 a U-label dNSName matches nothing (IDNs are stored as A-labels)', () => {
    const r = verify({ leaf: { dns: [], subject: [], extraExtensions: [sanExt(true, tlv(0x82, new TextEncoder().encode('😜.example.com')))] } }, 'rfc5280', {
      host: 'xn--628h.example.com',
    });
    expectFails(r, 'hostname');
  });
});

describe('extended key usage (RFC 5280 §4.2.1.12, CABF BR §7.1.2.7.10, §7.1.2.1.2)', () => {
  it('§7.1.2.7.10 webpki: the leaf must list serverAuth; rfc5280: no EKU means any use', () => {
    const shape: Shape = { leaf: { extKeyUsage: undefined } };
    expectFails(verify(shape, 'webpki'), 'ext-key-usage', /no extKeyUsage/);
    expectValid(verify(shape, 'rfc5280'));
  });
  it('§7.1.2.7.10 webpki: anyExtendedKeyUsage does not stand in for serverAuth', () => {
    const shape: Shape = { leaf: { extKeyUsage: [OID.anyExtendedKeyUsage] } };
    expectFails(verify(shape, 'webpki'), 'ext-key-usage', /anyExtendedKeyUsage/);
    expectValid(verify(shape, 'rfc5280'));
  });
  it('§7.1.2.7.10 webpki: no codeSigning, emailProtection, timeStamping, OCSPSigning or precertificate EKU beside serverAuth', () => {
    for (const extra of ['1.3.6.1.5.5.7.3.3', '1.3.6.1.5.5.7.3.4', '1.3.6.1.5.5.7.3.8', '1.3.6.1.5.5.7.3.9', '1.3.6.1.4.1.11129.2.4.4']) {
      const shape: Shape = { leaf: { extKeyUsage: [OID.serverAuth, extra] } };
      expectFails(verify(shape, 'webpki'), 'ext-key-usage', /MUST NOT/);
      expectValid(verify(shape, 'rfc5280'));
    }
    expectValid(verify({ leaf: { extKeyUsage: [OID.serverAuth, OID.clientAuth] } }, 'webpki'));
  });
  it('§7.1.2.7.10 webpki: EKU is non-critical', () => {
    const shape: Shape = { leaf: { critical: { [OID.extKeyUsage]: true } } };
    expectFails(verify(shape, 'webpki'), 'ext-key-usage', /critical/);
    expectValid(verify(shape, 'rfc5280'));
  });
  it('§7.1.2.1.2 webpki: no EKU in a root', () => {
    const shape: Shape = { root: { extKeyUsage: [OID.serverAuth] } };
    expectFails(verify(shape, 'webpki'), 'ext-key-usage', /root certificate with extKeyUsage/);
    expectValid(verify(shape, 'rfc5280'));
  });
  it('§4.2.1.12 the client purpose needs clientAuth', () => {
    const shape: Shape = { leaf: { extKeyUsage: [OID.clientAuth] } };
    for (const p of both) {
      expectValid(verify(shape, p, { purpose: 'client', host: undefined }));
      expectFails(verify({}, p, { purpose: 'client', host: undefined }), 'ext-key-usage', /clientAuth is not listed/);
    }
  });
});

describe('profile consistency (RFC 5280 §4.1.2, §4.2; CABF BR §7.1)', () => {
  it('§4.2.1.9 basicConstraints is critical in a CA certificate', () => {
    for (const p of both) expectFails(verify({ inter: { critical: { [OID.basicConstraints]: false } } }, p), 'profile', /basicConstraints is not critical/);
  });
  it('§4.2.1.3 keyCertSign only with cA=TRUE', () => {
    for (const p of both) expectFails(verify({ leaf: { keyUsage: ['digitalSignature', 'keyCertSign'] } }, p), 'profile', /keyCertSign without/);
  });
  it('§4.2.1.3 a keyUsage extension sets at least one bit', () => {
    for (const p of both) expectFails(verify({ leaf: { keyUsage: [] } }, p), 'profile', /no bit set/);
  });
  it('§4.1.2.6 a CA certificate with an empty subject fails', () => {
    // The leaf names the (empty) intermediate as its issuer.
    const emptyInter = buildCertificate({ subject: [], publicKey: interKey.publicKey, issuer: { name: ROOT, key: rootKey }, ...validity, ...caSpec, rng });
    const root = build({}).root;
    const leaf = buildCertificate({
      subject: [['CN', 'example.com']],
      publicKey: leafKey.publicKey,
      issuer: { name: [], key: interKey },
      ...validity,
      extKeyUsage: [OID.serverAuth],
      dns: ['example.com'],
      rng,
    });
    for (const p of both) expectFails(verifyChain({ chain: [leaf, emptyInter], anchors: [root], at: NOW, purpose: 'server', policy: p }), 'profile', /empty subject/);
  });
  it('§4.2.1.11 policyConstraints is critical', () => {
    // inhibitPolicyMapping 0: a constraint that demands no explicit policy
    const pc = (critical: boolean) => ({ inter: { extraExtensions: [{ oid: OID.policyConstraints, critical, value: tlv(0x30, tlv(0x81, Uint8Array.of(0))) }] } });
    for (const p of both) {
      expectFails(verify(pc(false), p), 'profile', /policyConstraints is not critical/);
      expectValid(verify(pc(true), p));
    }
  });
  it('§4.1.2.2 serial number: positive, non-zero, at most 20 octets', () => {
    for (const p of both) {
      expectValid(verify({ leaf: { serial: Uint8Array.from({ length: 20 }, (_, i) => i + 1) } }, p));
      expectFails(verify({ leaf: { serial: Uint8Array.of(0) } }, p), 'serial-number', /zero/);
      expectFails(verify({ leaf: { serial: Uint8Array.from({ length: 21 }, (_, i) => i + 1) } }, p), 'serial-number', /21 octets/);
    }
  });
  it('CABF BR §7.1.2.7.8 webpki: an end-entity with cA=TRUE fails', () => {
    const shape: Shape = { leaf: { ca: { ca: true } } };
    expectFails(verify(shape, 'webpki'), 'profile', /end-entity certificate with cA=TRUE/);
    expectValid(verify(shape, 'rfc5280'));
  });
  it('CABF BR §7.1.1 v1 certificates fail as leaves under webpki and cannot be intermediates', () => {
    const v1leaf: Shape = { leaf: { version: 1 } };
    expectFails(verify(v1leaf, 'webpki'), 'version', /version 1/);
    // A v1 leaf has no AKI (no extensions at all): rfc5280 reports only that.
    expect(failing(verify(v1leaf, 'rfc5280')).map((c) => c.id)).toEqual(['key-identifiers']);
    for (const p of both) expectFails(verify({ inter: { version: 1 } }, p), 'basic-constraints');
  });
  it('RFC 5280 §4.2.2.1 a malformed authorityInfoAccess fails', () => {
    const aia = (value: Uint8Array) => ({ leaf: { extraExtensions: [{ oid: OID.authorityInfoAccess, critical: false, value }] } });
    const good = tlv(0x30, tlv(0x30, tlv(0x06, Uint8Array.of(0x2b, 6, 1, 5, 5, 7, 48, 1)), tlv(0x86, ascii('http://ocsp.example.com'))));
    for (const p of both) {
      expectValid(verify(aia(good), p));
      expectFails(verify(aia(ascii('malformed')), p), 'critical-extensions', /authorityInfoAccess/);
      expectFails(verify(aia(tlv(0x30)), p), 'critical-extensions', /AccessDescription/);
    }
  });
});

describe('certificate policies (RFC 5280 §6.1.3 (d)–(f), §6.1.4, §6.1.5)', () => {
  const oid = (...b: number[]) => tlv(0x06, Uint8Array.from(b));
  const POLICY_A = oid(0x2b, 6, 1, 4, 1, 0x83, 0x8e, 0x3b, 1);
  const POLICY_B = oid(0x2b, 6, 1, 4, 1, 0x83, 0x8e, 0x3b, 2);
  const ANY = oid(0x55, 0x1d, 0x20, 0x00);
  const cp = (...ids: Uint8Array[]) => ({ oid: '2.5.29.32', critical: false, value: tlv(0x30, ...ids.map((i) => tlv(0x30, i))) });
  const requireExplicit = (skip: number) => ({ oid: OID.policyConstraints, critical: true, value: tlv(0x30, tlv(0x80, Uint8Array.of(skip))) });
  const inhibitAny = { oid: '2.5.29.54', critical: true, value: tlv(0x02, Uint8Array.of(0)) };
  it('§6.1.4 (i) requireExplicitPolicy: the path needs a policy valid all the way down', () => {
    for (const p of both) {
      expectFails(verify({ inter: { extraExtensions: [requireExplicit(0)] } }, p), 'certificate-policies', /explicit policy is required/);
      expectValid(verify({ inter: { extraExtensions: [requireExplicit(0), cp(POLICY_A)] }, leaf: { extraExtensions: [cp(POLICY_A)] } }, p));
      expectFails(verify({ inter: { extraExtensions: [requireExplicit(0), cp(POLICY_A)] }, leaf: { extraExtensions: [cp(POLICY_B)] } }, p), 'certificate-policies');
    }
  });
  it('§6.1.4 (j) inhibitAnyPolicy: anyPolicy below stops standing for every policy', () => {
    const shape = (inter: { oid: string; critical: boolean; value: Uint8Array }[]): Shape => ({
      inter: { extraExtensions: [requireExplicit(0), cp(POLICY_A), ...inter] },
      leaf: { extraExtensions: [cp(ANY)] },
    });
    for (const p of both) {
      expectValid(verify(shape([]), p));
      expectFails(verify(shape([inhibitAny]), p), 'certificate-policies');
    }
  });
  it('no policy constraint in the path: no policy check (every policy is accepted)', () => {
    const r = verify({ leaf: { extraExtensions: [cp(POLICY_B)] } }, 'webpki');
    expectValid(r);
    expect(r.checks.some((c) => c.id === 'certificate-policies')).toBe(false);
  });
});

describe('keys (CABF BR §6.1.5)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tlslab-keys-'));
  writeFileSync(join(dir, 'root.key'), privateKeyToPem(rootKey));
  const root = build({}).root;
  writeFileSync(join(dir, 'root.pem'), toPem(root));
  /** A leaf for an openssl-made key, signed by our root (openssl x509 -req). */
  function opensslLeaf(genArgs: string[]): Uint8Array {
    const run = (args: string[]) => execFileSync('openssl', args, { stdio: 'pipe', env: { ...process.env, OPENSSL_CONF: '/dev/null' } });
    run(['genpkey', ...genArgs, '-out', join(dir, 'leaf.key')]);
    run(['req', '-new', '-key', join(dir, 'leaf.key'), '-subj', '/CN=example.com', '-out', join(dir, 'leaf.csr')]);
    const ext = 'keyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:example.com\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid:always\n';
    writeFileSync(join(dir, 'leaf.ext'), ext);
    run([
      'x509',
      '-req',
      '-in',
      join(dir, 'leaf.csr'),
      '-CA',
      join(dir, 'root.pem'),
      '-CAkey',
      join(dir, 'root.key'),
      '-set_serial',
      '7',
      '-days',
      '3650',
      '-sha256',
      '-extfile',
      join(dir, 'leaf.ext'),
      '-out',
      join(dir, 'leaf.pem'),
    ]);
    return parsePemBundle(readFileSync(join(dir, 'leaf.pem'), 'utf8')).certificates[0]!;
  }
  const at = () => new Date(Date.now() + 60_000);
  it('§6.1.5 webpki: an RSA modulus is a multiple of 8 bits (2052 fails; rfc5280 accepts it)', () => {
    const leaf = opensslLeaf(['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2052']);
    expectFails(verifyChain({ chain: [leaf], anchors: [root], at: at(), host: 'example.com', purpose: 'server', policy: 'webpki' }), 'key-strength', /not a multiple of 8/);
    expectValid(verifyChain({ chain: [leaf], anchors: [root], at: at(), host: 'example.com', purpose: 'server', policy: 'rfc5280' }));
  });
  it('§6.1.5 named curves only: explicit EC parameters fail with that reason', () => {
    const leaf = opensslLeaf(['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-pkeyopt', 'ec_param_enc:explicit']);
    for (const p of both)
      expectFails(verifyChain({ chain: [leaf], anchors: [root], at: at(), host: 'example.com', purpose: 'server', policy: p }), 'key-supported', /explicit parameters/);
    const named = opensslLeaf(['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256']);
    expectValid(verifyChain({ chain: [named], anchors: [root], at: at(), host: 'example.com', purpose: 'server', policy: 'webpki' }));
  });
});

describe('leaf key usage for TLS (RFC 5280 §4.2.1.3) is a separate, optional check', () => {
  it('a CA certificate as the target is a valid path under rfc5280 when keyExchange is left out', () => {
    const { chain, root } = build({});
    const inter = chain[1]!;
    expectValid(verifyChain({ chain: [inter], anchors: [root], at: NOW, purpose: 'server', policy: 'rfc5280' }));
    const r = verifyChain({ chain: [inter], anchors: [root], at: NOW, purpose: 'server', policy: 'rfc5280', keyExchange: 'ecdhe' });
    expectFails(r, 'key-usage', /digitalSignature/);
  });
});

describe('time (RFC 5280 §4.1.2.5): validity is to the second, notAfter inclusive', () => {
  it('a fractional notAfter (GeneralizedTime "….5Z") is inclusive to its second', () => {
    const { chain, root } = build({ inter: false });
    const leaf = withNotAfter(chain[0]!, '20260601120000.5Z', rootKey);
    for (const p of both) {
      const run = (ms: number) =>
        verifyChain({ chain: [leaf], anchors: [root], at: new Date(Date.UTC(2026, 5, 1, 12, 0, 0, ms)), host: 'example.com', purpose: 'server', policy: p });
      expectValid(run(900));
      expectFails(run(1000), 'validity', /expired/);
    }
  });
  it('valid through the last instant of the notAfter second; not one second later', () => {
    const notAfter = new Date('2026-06-01T12:00:00Z');
    const shape: Shape = { leaf: { notAfter } };
    for (const p of both) {
      expectValid(verify(shape, p, { at: new Date(notAfter.getTime() + 999) }));
      expectFails(verify(shape, p, { at: new Date(notAfter.getTime() + 1000) }), 'validity', /expired/);
    }
  });
});

/** Re-encodes `der`'s notAfter as the given GeneralizedTime text and signs it again with `key`. */
function withNotAfter(der: Uint8Array, time: string, key: typeof leafKey): Uint8Array {
  const [tbsTlv, algTlv] = children(der, readTlv(der, 0));
  const fields = children(der, tbsTlv!);
  const part = (t: { start: number; end: number }) => der.subarray(t.start, t.end);
  const vIdx = fields.findIndex((f, i) => f.tag === 0x30 && i >= 3 && children(der, f).every((x) => x.tag === 0x17 || x.tag === 0x18));
  const [notBefore] = children(der, fields[vIdx]!);
  const validity = tlv(0x30, part(notBefore!), tlv(0x18, ascii(time)));
  const tbs = tlv(0x30, ...fields.map((f, i) => (i === vIdx ? validity : part(f))));
  const { signature } = signX509(key, tbs, rng);
  return tlv(0x30, tbs, part(algTlv!), tlv(0x03, Uint8Array.of(0), signature));
}

describe('depth: maximum number of intermediates (default 10)', () => {
  it('a path longer than maxDepth is reported as such', () => {
    const { chain, root } = build({});
    for (const p of both) {
      expectValid(verifyChain({ chain, anchors: [root], at: NOW, purpose: 'server', policy: p, maxDepth: 1 }));
      expectFails(verifyChain({ chain, anchors: [root], at: NOW, purpose: 'server', policy: p, maxDepth: 0 }), 'path-depth', /more than the maximum of 0/);
    }
  });
});
