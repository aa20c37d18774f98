/**
 * Signature schemes against OpenSSL (node:tls), both directions: each RSA-PSS hash in TLS 1.3
 * and TLS 1.2 and each RSA PKCS#1 v1.5 hash in TLS 1.2 (ServerKeyExchange), forced by offering
 * only that scheme; and client certificates of every key type (ECDSA P-256, RSA-2048, Ed25519)
 * in mutual TLS, so the engine's client signatures are checked by OpenSSL and OpenSSL's client
 * signatures by the engine.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CertifiedKey } from '../src/config';
import type { ServerKeyType, SignatureSchemeName } from '../src/crypto/keys';
import type { TlsEvent, TlsVersionName } from '../src/events';
import { privateKeyFromPem } from '../src/pki/parse';
import { describeFailure } from '../src/cli/socket';
import { makeOpensslPki, pemCertsToDer, type OpensslPki } from './interop-helpers';
import { negotiated, runEngineClient, runNodeClient, startEngineServer, startNodeServer, usePki, waitFor, type EngineServer, type NodeServer } from './interop-peers';

/** OpenSSL's spelling of a scheme in a sigalgs list. */
const OPENSSL_SIGALG: Partial<Record<SignatureSchemeName, string>> = {
  rsa_pss_rsae_sha256: 'rsa_pss_rsae_sha256',
  rsa_pss_rsae_sha384: 'rsa_pss_rsae_sha384',
  rsa_pss_rsae_sha512: 'rsa_pss_rsae_sha512',
  rsa_pkcs1_sha256: 'RSA+SHA256',
  rsa_pkcs1_sha384: 'RSA+SHA384',
  rsa_pkcs1_sha512: 'RSA+SHA512',
};

const CASES: { v: TlsVersionName; scheme: SignatureSchemeName }[] = [
  { v: 'TLS 1.3', scheme: 'rsa_pss_rsae_sha256' },
  { v: 'TLS 1.3', scheme: 'rsa_pss_rsae_sha384' },
  { v: 'TLS 1.3', scheme: 'rsa_pss_rsae_sha512' },
  { v: 'TLS 1.2', scheme: 'rsa_pss_rsae_sha256' },
  { v: 'TLS 1.2', scheme: 'rsa_pss_rsae_sha512' },
  { v: 'TLS 1.2', scheme: 'rsa_pkcs1_sha256' },
  { v: 'TLS 1.2', scheme: 'rsa_pkcs1_sha384' },
  { v: 'TLS 1.2', scheme: 'rsa_pkcs1_sha512' },
];

const NODE_VERSION = { 'TLS 1.3': 'TLSv1.3', 'TLS 1.2': 'TLSv1.2' } as const;

let pki: OpensslPki;
const nodeServers = new Map<TlsVersionName, NodeServer>();
const engineServers = new Map<TlsVersionName, EngineServer>();

beforeAll(async () => {
  pki = makeOpensslPki();
  usePki(pki);
  for (const v of ['TLS 1.3', 'TLS 1.2'] as const) {
    const nv = NODE_VERSION[v];
    nodeServers.set(v, await startNodeServer('rsa-2048', { minVersion: nv, maxVersion: nv }));
    engineServers.set(v, await startEngineServer('rsa-2048', { versions: [v] }));
  }
}, 60_000);

afterAll(() => {
  for (const s of nodeServers.values()) s.server.close();
  for (const s of engineServers.values()) s.server.close();
  pki?.cleanup();
});

function receivedCertificateVerify(events: readonly TlsEvent[]): string | undefined {
  const cv = events.find((e) => e.type === 'handshake' && e.direction === 'received' && e.name === 'CertificateVerify');
  return cv && cv.type === 'handshake' ? cv.summary.algorithm : undefined;
}

describe('server signature scheme forced by the client', () => {
  it.each(CASES)('$v: our client offering only $scheme → node:tls server signs with it', async ({ v, scheme }) => {
    const run = await runEngineClient(nodeServers.get(v)!.port, {
      versions: [v],
      signatureSchemes: [scheme],
      ...(v === 'TLS 1.2' ? { cipherSuites: ['TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256'] } : {}),
    });
    expect(run.outcome.connected, describeFailure(run.outcome, 'server')).toBe(true);
    expect(run.answer).toContain('hello from node:tls');
    expect(negotiated(run.events, 'client').signatureScheme).toBe(scheme);
  });

  it.each(CASES)('$v: node:tls client offering only $scheme → our server signs with it', async ({ v, scheme }) => {
    const es = engineServers.get(v)!;
    const before = es.runs.length;
    const nv = NODE_VERSION[v];
    const r = await runNodeClient(es.port, {
      minVersion: nv,
      maxVersion: nv,
      sigalgs: OPENSSL_SIGALG[scheme]!,
      ...(v === 'TLS 1.2' ? { ciphers: 'ECDHE-RSA-AES128-GCM-SHA256' } : {}),
    });
    expect(r.error).toBeUndefined();
    expect(r.answer).toContain(scheme); // our server's answer names the scheme it signed with
    await waitFor(() => es.runs[before]?.outcome !== undefined);
    expect(negotiated(es.runs[before]!.events, 'server').signatureScheme).toBe(scheme);
  });
});

const CLIENT_KEY_TYPES: ServerKeyType[] = ['ecdsa-p256', 'rsa-2048', 'ed25519'];

describe.each(['TLS 1.3', 'TLS 1.2'] as const)('client certificates of every key type, %s', (v) => {
  const nv = NODE_VERSION[v];
  let clientCerts: Record<ServerKeyType, CertifiedKey>;
  beforeAll(() => {
    clientCerts = Object.fromEntries(CLIENT_KEY_TYPES.map((t) => [t, { chain: pemCertsToDer(pki.clients[t].chainPem), key: privateKeyFromPem(pki.clients[t].keyPem) }])) as Record<
      ServerKeyType,
      CertifiedKey
    >;
  });

  it.each(CLIENT_KEY_TYPES)('our client with a %s certificate → node:tls server requiring one', async (t) => {
    const ns = await startNodeServer('ecdsa-p256', { minVersion: nv, maxVersion: nv, requestCert: true, rejectUnauthorized: true, ca: pki.rootPem });
    try {
      const run = await runEngineClient(ns.port, { versions: [v], clientCert: clientCerts[t] });
      expect(run.outcome.connected, describeFailure(run.outcome, 'server')).toBe(true);
      expect(run.answer).toContain('hello from node:tls');
      expect(ns.seen.get(run.localPort)).toMatchObject({ authorized: true, peerCN: `TLS Lab Interop Client${t === 'ecdsa-p256' ? '' : ` ${t}`}` });
    } finally {
      ns.server.close();
    }
  });

  it.each(CLIENT_KEY_TYPES)('node:tls client with a %s certificate → our server requiring one', async (t) => {
    const es = await startEngineServer('ecdsa-p256', { versions: [v], clientAuth: 'require', clientTrustAnchors: pemCertsToDer(pki.rootPem) });
    try {
      const r = await runNodeClient(es.port, { minVersion: nv, maxVersion: nv, key: pki.clients[t].keyPem, cert: pki.clients[t].chainPem });
      expect(r.error).toBeUndefined();
      expect(r.answer).toContain('hello from tlslab');
      await waitFor(() => es.runs[0]?.outcome !== undefined);
      const ev = es.runs[0]!.events;
      const report = ev.find((e) => e.type === 'cert-report' && e.side === 'server');
      expect(report && report.type === 'cert-report' && report.report.ok).toBe(true);
      const alg = receivedCertificateVerify(ev);
      expect(alg).toMatch(t === 'ecdsa-p256' ? /ecdsa_secp256r1_sha256/ : t === 'ed25519' ? /ed25519/ : /rsa_(pss_rsae|pkcs1)_sha(256|384|512)/);
    } finally {
      es.server.close();
    }
  });
});

describe('a P-384 client certificate (ecdsa_secp384r1_sha384), TLS 1.3', () => {
  // Not in TLS 1.2: there OpenSSL also requires the certificate's curve among the client's
  // supported_groups (which offer only x25519 and secp256r1) and says "wrong curve".
  it('our client signs with it for a node:tls server', async () => {
    const ns = await startNodeServer('ecdsa-p256', { requestCert: true, rejectUnauthorized: true, ca: pki.rootPem });
    try {
      const clientCert = { chain: pemCertsToDer(pki.clientP384.chainPem), key: privateKeyFromPem(pki.clientP384.keyPem) };
      const run = await runEngineClient(ns.port, { clientCert });
      expect(run.outcome.connected, describeFailure(run.outcome, 'server')).toBe(true);
      expect(run.answer).toContain('hello from node:tls');
      expect(ns.seen.get(run.localPort)).toMatchObject({ authorized: true });
      const cv = run.events.find((e) => e.type === 'handshake' && e.direction === 'sent' && e.name === 'CertificateVerify');
      expect(cv && cv.type === 'handshake' ? cv.summary.algorithm : '').toMatch(/ecdsa_secp384r1_sha384/);
    } finally {
      ns.server.close();
    }
  });

  it('our server verifies it from a node:tls client', async () => {
    const es = await startEngineServer('ecdsa-p256', { clientAuth: 'require', clientTrustAnchors: pemCertsToDer(pki.rootPem) });
    try {
      const r = await runNodeClient(es.port, { key: pki.clientP384.keyPem, cert: pki.clientP384.chainPem });
      expect(r.error).toBeUndefined();
      expect(r.answer).toContain('hello from tlslab');
      await waitFor(() => es.runs[0]?.outcome !== undefined);
      expect(receivedCertificateVerify(es.runs[0]!.events)).toMatch(/ecdsa_secp384r1_sha384/);
    } finally {
      es.server.close();
    }
  });
});

describe('a P-384 client certificate in TLS 1.2', () => {
  // In TLS 1.2 the ECDSA code points name only the hash (RFC 8446 §4.2.3): OpenSSL signs its
  // CertificateVerify with a P-384 key as ecdsa_secp256r1_sha256, and that must verify.
  it('our TLS 1.2 server verifies it from a node:tls client', async () => {
    const es = await startEngineServer('ecdsa-p256', { versions: ['TLS 1.2'], clientAuth: 'require', clientTrustAnchors: pemCertsToDer(pki.rootPem) });
    try {
      const r = await runNodeClient(es.port, { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', key: pki.clientP384.keyPem, cert: pki.clientP384.chainPem });
      expect(r.error).toBeUndefined();
      expect(r.answer).toContain('hello from tlslab');
      await waitFor(() => es.runs[0]?.outcome !== undefined);
      expect(receivedCertificateVerify(es.runs[0]!.events)).toMatch(/ecdsa_secp(256r1_sha256|384r1_sha384)/);
    } finally {
      es.server.close();
    }
  });
});
