/**
 * The client's (and, for mutual TLS, the server's) certificate verdict drives the handshake:
 * keyUsage for what the key does in this handshake (TLS 1.3 and TLS 1.2 ECDHE sign:
 * digitalSignature; TLS 1.2 RSA key transport: keyEncipherment — RFC 8446 §4.4.2.2,
 * RFC 5246 §7.4.2), extendedKeyUsage for the purpose (serverAuth / clientAuth), and the alert
 * each failure sends. Certificates here are built for the test (root → leaf).
 */
import { describe, expect, it } from 'vitest';
import type { ClientConfig, CipherSuiteName, ServerConfig } from '../src/config';
import type { PrivateKey, ServerKeyType } from '../src/crypto/keys';
import { seededRng } from '../src/crypto/rng';
import { generateKeyFromRng } from '../src/crypto/signature';
import type { TlsEventBody, TlsVersionName } from '../src/events';
import { TlsError } from '../src/errors';
import { buildCertificate, type CertificateSpec, type NameSpec } from '../src/pki/build';

type KeyUsageType = NonNullable<CertificateSpec['keyUsage']>[number];
import { demoKey } from '../src/pki/demo';
import { OID } from '../src/pki/parse';
import { reportError, verifyPeerChain } from '../src/handshake/peer-cert';
import type { HandshakeIo } from '../src/record/handshake-io';
import { createClient } from '../src/client/client';
import { createServer } from '../src/server/server';

const AT = new Date('2026-11-25T12:00:00Z');
const DAY = 86_400_000;
const HOST = 'usage.tlslab.test';

const rootKey = generateKeyFromRng('ecdsa-p256', seededRng('usage', 'root'));
const rootName: NameSpec = [['CN', 'Usage Test Root']];
const rootDer = buildCertificate({
  subject: rootName,
  publicKey: rootKey.publicKey,
  selfKey: rootKey,
  notBefore: new Date(AT.getTime() - DAY),
  notAfter: new Date(AT.getTime() + 365 * DAY),
  ca: { ca: true },
  keyUsage: ['keyCertSign'],
  rng: seededRng('usage', 'root-cert'),
});

function leaf(keyType: ServerKeyType, keyUsage: KeyUsageType[], eku: string[], label: string): { chain: Uint8Array[]; key: PrivateKey } {
  const key = demoKey('usage', label, keyType);
  const der = buildCertificate({
    subject: [['CN', HOST]],
    publicKey: key.publicKey,
    issuer: { name: rootName, key: rootKey },
    notBefore: new Date(AT.getTime() - DAY),
    notAfter: new Date(AT.getTime() + 30 * DAY),
    ca: { ca: false },
    keyUsage,
    extKeyUsage: eku,
    dns: [HOST],
    rng: seededRng('usage', `leaf-${label}`),
  });
  return { chain: [der], key };
}

function handshake(opts: {
  version: TlsVersionName;
  suite?: CipherSuiteName;
  server: { chain: Uint8Array[]; key: PrivateKey };
  client?: Partial<ClientConfig>;
  serverCfg?: Partial<ServerConfig>;
}) {
  const ce: TlsEventBody[] = [];
  const se: TlsEventBody[] = [];
  const client = createClient({ rng: seededRng('u', 'c'), sink: (e) => ce.push(e), trustAnchors: [rootDer], serverName: HOST, now: AT, versions: [opts.version], ...opts.client });
  const server = createServer({
    rng: seededRng('u', 's'),
    sink: (e) => se.push(e),
    cert: opts.server,
    now: AT,
    versions: [opts.version],
    ...(opts.suite ? { cipherSuites: [opts.suite] } : {}),
    ...opts.serverCfg,
  });
  const queue: { to: 'client' | 'server'; bytes: Uint8Array }[] = client.start().map((bytes) => ({ to: 'server' as const, bytes }));
  for (let n = 0; queue.length > 0 && n < 200; n++) {
    const { to, bytes } = queue.shift()!;
    const out = (to === 'server' ? server : client).receive(bytes);
    for (const b of out) queue.push({ to: to === 'server' ? 'client' : 'server', bytes: b });
  }
  const sent = (ev: TlsEventBody[]) => ev.filter((e) => e.type === 'alert' && e.direction === 'sent' && e.level === 'fatal').map((e) => (e as { description: string }).description);
  const kuCheck = (ev: TlsEventBody[]) =>
    ev.find((e) => e.type === 'cert-check' && e.check.id === 'key-usage' && e.check.cert === 0) as Extract<TlsEventBody, { type: 'cert-check' }> | undefined;
  return { client, server, clientAlerts: sent(ce), serverAlerts: sent(se), clientKu: kuCheck(ce), serverKu: kuCheck(se), ce, se };
}

const SERVER_AUTH = [OID.serverAuth];

describe('server keyUsage against what the key does in the handshake', () => {
  const encipherOnly = leaf('rsa-2048', ['keyEncipherment'], SERVER_AUTH, 'rsa-encipher');
  const signOnly = leaf('rsa-2048', ['digitalSignature'], SERVER_AUTH, 'rsa-sign');

  it('TLS 1.3: a leaf without digitalSignature cannot sign CertificateVerify → unsupported_certificate', () => {
    const r = handshake({ version: 'TLS 1.3', server: encipherOnly });
    expect(r.clientAlerts).toEqual(['unsupported_certificate']);
    expect(r.clientKu?.check.pass).toBe(false);
    expect(r.clientKu?.check.compared).toMatch(/vs digitalSignature$/);
    expect(r.client.state).toBe('Closed');
  });
  it('TLS 1.3: a digitalSignature leaf connects', () => {
    const r = handshake({ version: 'TLS 1.3', server: signOnly });
    expect(r.client.state).toBe('Connected');
    expect(r.clientKu?.check.pass).toBe(true);
  });
  it('TLS 1.2 ECDHE_RSA: a leaf without digitalSignature → unsupported_certificate', () => {
    const r = handshake({ version: 'TLS 1.2', suite: 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', server: encipherOnly });
    expect(r.clientAlerts).toEqual(['unsupported_certificate']);
    expect(r.clientKu?.check.compared).toMatch(/vs digitalSignature$/);
  });
  it('TLS 1.2 RSA key transport: a leaf without keyEncipherment → unsupported_certificate; with it, connected', () => {
    const bad = handshake({ version: 'TLS 1.2', suite: 'TLS_RSA_WITH_AES_128_GCM_SHA256', server: signOnly });
    expect(bad.clientAlerts).toEqual(['unsupported_certificate']);
    expect(bad.clientKu?.check.compared).toMatch(/vs keyEncipherment$/);
    expect(bad.clientKu?.check.reason).toMatch(/premaster/);
    const good = handshake({ version: 'TLS 1.2', suite: 'TLS_RSA_WITH_AES_128_GCM_SHA256', server: encipherOnly });
    expect(good.client.state).toBe('Connected');
  });
});

describe('extendedKeyUsage by purpose', () => {
  const server = leaf('ecdsa-p256', ['digitalSignature'], SERVER_AUTH, 'server');
  it('a server certificate meant only for clients → unsupported_certificate (both versions)', () => {
    const clientOnly = leaf('ecdsa-p256', ['digitalSignature'], [OID.clientAuth], 'client-only');
    for (const version of ['TLS 1.3', 'TLS 1.2'] as const) {
      const r = handshake({ version, server: clientOnly });
      expect(r.clientAlerts, version).toEqual(['unsupported_certificate']);
    }
  });
  it('mutual TLS: the server checks the client chain for clientAuth (both versions)', () => {
    const serverAuthOnly = leaf('ecdsa-p256', ['digitalSignature'], SERVER_AUTH, 'client-wrong-eku');
    const rightEku = leaf('ecdsa-p256', ['digitalSignature'], [OID.clientAuth], 'client-right-eku');
    for (const version of ['TLS 1.3', 'TLS 1.2'] as const) {
      const serverCfg: Partial<ServerConfig> = { clientAuth: 'require', clientTrustAnchors: [rootDer] };
      const bad = handshake({ version, server, client: { clientCert: serverAuthOnly }, serverCfg });
      expect(bad.serverAlerts, version).toEqual(['unsupported_certificate']);
      const eku = bad.se.find((e) => e.type === 'cert-check' && e.check.id === 'ext-key-usage') as Extract<TlsEventBody, { type: 'cert-check' }>;
      expect(eku.check.compared).toMatch(/vs clientAuth$/);
      const good = handshake({ version, server, client: { clientCert: rightEku }, serverCfg });
      expect(good.server.state, version).toBe('Connected');
    }
  });
});

describe('the error kind follows the report alert (one alert table in errors.ts)', () => {
  it('each certificate alert has its own kind and maps back to the same alert', async () => {
    const { alertFor, alertForKind } = await import('../src/errors');
    const { CHECK_IDS, checkAlert, checkError } = await import('../src/pki/checks');
    const cases = [
      ['bad_certificate', 'CertBad'],
      ['unsupported_certificate', 'CertUnsupported'],
      ['certificate_revoked', 'CertRevoked'],
      ['certificate_expired', 'CertExpired'],
      ['unknown_ca', 'CertUnknownCa'],
      ['certificate_unknown', 'CertUnknown'],
    ] as const;
    for (const [alert, kind] of cases) {
      const e = new TlsError(kind, 'x');
      expect(e.kind).toBe(kind);
      // No override: the error carries only its kind (and no version for a certificate error).
      expect('alertOverride' in e).toBe(false);
      expect(e.version).toBeUndefined();
      expect(alertFor(e)).toBe(alert);
    }
    // Every check maps to one of those kinds, and its alert is the table's.
    const kinds = new Set<string>(cases.map(([, k]) => k));
    for (const id of CHECK_IDS) {
      expect(kinds.has(checkError({ id })), id).toBe(true);
      expect(checkAlert({ id })).toBe(alertForKind(checkError({ id })));
    }
  });
  it('verifyPeerChain throws a TlsError of kind CertUnsupported for a keyUsage failure', () => {
    const events: unknown[] = [];
    const io = { emit: (e: unknown) => events.push(e), elapsed: () => 0 } as unknown as HandshakeIo;
    const encipherOnly = leaf('rsa-2048', ['keyEncipherment'], SERVER_AUTH, 'rsa-encipher');
    let err: unknown;
    try {
      verifyPeerChain(io, { chain: encipherOnly.chain, purpose: 'server', anchors: [rootDer], now: AT, host: HOST, keyExchange: 'ecdhe' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TlsError);
    expect((err as TlsError).kind).toBe('CertUnsupported');
    expect(events.some((e) => (e as { type: string }).type === 'cert-report')).toBe(true);
    // The report's alert is the one the thrown kind maps to.
    const report = (events.find((e) => (e as { type: string }).type === 'cert-report') as { report: Parameters<typeof reportError>[0] }).report;
    expect(reportError(report)).toBe('CertUnsupported');
    expect(report.alert).toBe('unsupported_certificate');
  });
});

describe('a server key that does not belong to its certificate', () => {
  const cases = [
    { version: 'TLS 1.3' as const, keyType: 'ecdsa-p256' as const, why: /cannot sign CertificateVerify/ },
    { version: 'TLS 1.2' as const, keyType: 'ecdsa-p256' as const, why: /cannot sign ServerKeyExchange/ },
    { version: 'TLS 1.2' as const, keyType: 'rsa-2048' as const, suite: 'TLS_RSA_WITH_AES_128_GCM_SHA256' as const, why: /cannot decrypt/ },
  ];
  for (const c of cases)
    it(`${c.version} ${c.suite ?? c.keyType}: is reported and not used; the client still checks the chain`, () => {
      const leafAndKey = leaf(c.keyType, ['digitalSignature', 'keyEncipherment'], SERVER_AUTH, `mismatch-${c.keyType}`);
      const otherKey = demoKey('usage', `mismatch-other-${c.keyType}`, c.keyType);
      const r = handshake({ version: c.version, ...(c.suite ? { suite: c.suite } : {}), server: { chain: leafAndKey.chain, key: otherKey } });
      const notes = r.se.filter((e) => e.type === 'note').map((e) => (e as { text: string }).text);
      expect(
        notes.some((t) => /does not belong to its certificate/.test(t)),
        notes.join(' | '),
      ).toBe(true);
      expect(
        notes.some((t) => c.why.test(t)),
        notes.join(' | '),
      ).toBe(true);
      expect(r.serverAlerts).toEqual(['internal_error']);
      // The client checked the (valid) chain and did not have to reject a bad signature.
      expect(r.ce.some((e) => e.type === 'cert-report' && e.report.ok)).toBe(true);
      expect(r.clientAlerts).toEqual([]);
    });
});
