/**
 * TLS 1.3 interop with OpenSSL through node:tls, on 127.0.0.1, both directions:
 *   our client → node:tls server, and node:tls client → our server,
 * for every suite × group × server key type (ECDSA P-256, RSA-2048 → rsa_pss_rsae_sha256,
 * Ed25519), HelloRetryRequest both ways, ALPN, and the failures a real peer produces (an
 * untrusted root on either side, no common suite). Certificates come from the `openssl`
 * command (root → intermediate → leaf), so our PEM loading and chain checks meet
 * OpenSSL-made certificates. Each case checks what both sides say was negotiated and that
 * application data went both ways.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CipherSuiteName, GroupName } from '../src/config';
import type { ServerKeyType } from '../src/crypto/keys';
import { describeFailure } from '../src/cli/socket';
import { makeOpensslPki, pemCertsToDer, type OpensslPki } from './interop-helpers';
import {
  NODE_CURVE,
  NODE_GROUP_NAME,
  negotiated,
  runEngineClient,
  runNodeClient,
  startEngineServer,
  startNodeServer,
  usePki,
  waitFor,
  type EngineServer,
  type NodeServer,
} from './interop-peers';

const SUITES: CipherSuiteName[] = ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256'];
const GROUPS: GroupName[] = ['x25519', 'secp256r1'];
const KEY_TYPES: ServerKeyType[] = ['ecdsa-p256', 'rsa-2048', 'ed25519'];
const SCHEME: Record<ServerKeyType, string> = {
  'ecdsa-p256': 'ecdsa_secp256r1_sha256',
  'rsa-2048': 'rsa_pss_rsae_sha256',
  ed25519: 'ed25519',
};

let pki: OpensslPki;

const nodeServers = new Map<ServerKeyType, NodeServer>();
const engineServers = new Map<ServerKeyType, EngineServer>();

beforeAll(async () => {
  pki = makeOpensslPki();
  usePki(pki);
  for (const t of KEY_TYPES) {
    nodeServers.set(t, await startNodeServer(t));
    engineServers.set(t, await startEngineServer(t));
  }
}, 60_000);

afterAll(() => {
  for (const s of nodeServers.values()) s.server.close();
  for (const s of engineServers.values()) s.server.close();
  pki?.cleanup();
});

const matrix = KEY_TYPES.flatMap((keyType) => SUITES.flatMap((suite) => GROUPS.map((group) => ({ keyType, suite, group }))));

describe('our client → node:tls (OpenSSL) server', () => {
  it.each(matrix)('$suite over $group, $keyType certificate', async ({ keyType, suite, group }) => {
    const ns = nodeServers.get(keyType)!;
    const run = await runEngineClient(ns.port, { cipherSuites: [suite], groups: [group] });
    expect(run.outcome.alertSent, describeFailure(run.outcome, 'server')).toBeUndefined();
    expect(run.outcome.alertReceived, describeFailure(run.outcome, 'server')).toBeUndefined();
    expect(run.outcome.endpointThrew).toBeUndefined();
    expect(run.outcome.connected).toBe(true);
    expect(run.answer).toContain('hello from node:tls, you asked GET /interop HTTP/1.1');
    const n = negotiated(run.events, 'client');
    expect(n).toMatchObject({ version: 'TLS 1.3', cipherSuite: suite, group, signatureScheme: SCHEME[keyType] });
    expect(n.helloRetry ?? false).toBe(false);
    expect(ns.seen.get(run.localPort)).toEqual({ cipher: suite, protocol: 'TLSv1.3', alpn: false });
    const report = run.events.find((e) => e.type === 'cert-report' && e.side === 'client');
    expect(report && report.type === 'cert-report' && report.report.ok).toBe(true);
  });

  it('gets a HelloRetryRequest when it sends an x25519 key share to a P-256-only server, and retries', async () => {
    const ns = await startNodeServer('ecdsa-p256', { ecdhCurve: 'P-256' });
    try {
      const run = await runEngineClient(ns.port, { groups: ['x25519', 'secp256r1'], keyShareGroups: ['x25519'] });
      expect(run.outcome.connected, describeFailure(run.outcome, 'server')).toBe(true);
      expect(run.answer).toContain('hello from node:tls');
      expect(negotiated(run.events, 'client')).toMatchObject({ group: 'secp256r1', helloRetry: true });
      const names = run.events.filter((e) => e.type === 'handshake' && e.side === 'client').map((e) => (e.type === 'handshake' ? `${e.direction}:${e.name}` : ''));
      expect(names.slice(0, 3)).toEqual(['sent:ClientHello', 'received:HelloRetryRequest', 'sent:ClientHello']);
    } finally {
      ns.server.close();
    }
  });

  it('negotiates ALPN with node:tls', async () => {
    const ns = await startNodeServer('ecdsa-p256', { ALPNProtocols: ['http/1.1'] });
    try {
      const run = await runEngineClient(ns.port, { alpn: ['h2', 'http/1.1'] });
      expect(run.outcome.connected, describeFailure(run.outcome, 'server')).toBe(true);
      expect(negotiated(run.events, 'client').alpn).toBe('http/1.1');
      expect(ns.seen.get(run.localPort)?.alpn).toBe('http/1.1');
    } finally {
      ns.server.close();
    }
  });

  it('rejects a server whose root it does not trust with unknown_ca', async () => {
    const ns = nodeServers.get('ecdsa-p256')!;
    const run = await runEngineClient(ns.port, { trustAnchors: pemCertsToDer(pki.untrustedRootPem) });
    expect(run.outcome.connected).toBe(false);
    expect(run.outcome.alertSent?.description).toBe('unknown_ca');
  });

  it('rejects a server certificate for another host name with bad_certificate', async () => {
    const ns = nodeServers.get('ecdsa-p256')!;
    const run = await runEngineClient(ns.port, { serverName: 'other.example' });
    expect(run.outcome.connected).toBe(false);
    expect(run.outcome.alertSent?.description).toBe('bad_certificate');
  });

  it('ends with handshake_failure from OpenSSL when no suite is in common', async () => {
    const ns = await startNodeServer('ecdsa-p256', { ciphers: 'TLS_AES_256_GCM_SHA384' });
    try {
      const run = await runEngineClient(ns.port, { cipherSuites: ['TLS_AES_128_GCM_SHA256'] });
      expect(run.outcome.connected).toBe(false);
      expect(run.outcome.alertReceived?.description).toBe('handshake_failure');
      expect(describeFailure(run.outcome, 'server')).toBe('handshake failed: received fatal alert handshake_failure (40) from server');
    } finally {
      ns.server.close();
    }
  });
});

describe('node:tls (OpenSSL) client → our server', () => {
  it.each(matrix)('$suite over $group, $keyType certificate', async ({ keyType, suite, group }) => {
    const es = engineServers.get(keyType)!;
    const before = es.runs.length;
    const r = await runNodeClient(es.port, { ciphers: suite, ecdhCurve: NODE_CURVE[group] });
    expect(r.error).toBeUndefined();
    expect(r.ok).toBe(true);
    expect(r.protocol).toBe('TLSv1.3');
    expect(r.cipher).toBe(suite);
    expect(r.group).toBe(NODE_GROUP_NAME[group]);
    expect(r.answer).toContain(`hello from tlslab: ${suite} ${group} ${SCHEME[keyType]}`);
    const run = es.runs[before]!;
    expect(negotiated(run.events, 'server')).toMatchObject({ version: 'TLS 1.3', cipherSuite: suite, group, signatureScheme: SCHEME[keyType] });
  });

  it('sends a HelloRetryRequest to a client whose key share is x25519 when it accepts only secp256r1', async () => {
    const es = await startEngineServer('ecdsa-p256', { groups: ['secp256r1'] });
    try {
      // OpenSSL sends a key share for the first group only.
      const r = await runNodeClient(es.port, { ecdhCurve: 'X25519:P-256' });
      expect(r.error).toBeUndefined();
      expect(r.group).toBe('prime256v1');
      expect(r.answer).toContain('hello from tlslab');
      const ev = es.runs[0]!.events;
      expect(negotiated(ev, 'server')).toMatchObject({ group: 'secp256r1', helloRetry: true });
      expect(ev.some((e) => e.type === 'handshake' && e.name === 'HelloRetryRequest' && e.direction === 'sent')).toBe(true);
    } finally {
      es.server.close();
    }
  });

  it('negotiates ALPN with a node:tls client', async () => {
    const es = await startEngineServer('ed25519', { alpn: ['http/1.1'] });
    try {
      const r = await runNodeClient(es.port, { ALPNProtocols: ['h2', 'http/1.1'] });
      expect(r.error).toBeUndefined();
      expect(r.alpn).toBe('http/1.1');
    } finally {
      es.server.close();
    }
  });

  it('is dropped by a node:tls client that does not trust our root', async () => {
    // node:tls lets OpenSSL finish the handshake and checks the chain afterwards, in
    // JavaScript; on failure it destroys the socket without an alert. (The alert an OpenSSL
    // client sends, unknown_ca, is checked against `openssl s_client` in interop-cli.)
    const es = engineServers.get('rsa-2048')!;
    const before = es.runs.length;
    const r = await runNodeClient(es.port, { ca: pki.untrustedRootPem });
    expect(r.ok).toBe(false);
    expect(r.error).toMatch(/unable to get local issuer certificate/i);
    expect(r.answer).toBe('');
    await waitFor(() => es.runs[before]?.outcome !== undefined);
    const o = es.runs[before]!.outcome!;
    expect(o.bytesReceived).toBe(0);
    expect(o.alertSent).toBeUndefined();
    expect(o.endpointThrew).toBeUndefined();
  });

  it('answers a client with no common suite with handshake_failure', async () => {
    const es = await startEngineServer('ecdsa-p256', { cipherSuites: ['TLS_CHACHA20_POLY1305_SHA256'] });
    try {
      const r = await runNodeClient(es.port, { ciphers: 'TLS_AES_128_GCM_SHA256' });
      expect(r.ok).toBe(false);
      expect(r.error).toMatch(/handshake failure/i);
      await waitFor(() => es.runs[0]?.outcome !== undefined);
      expect(es.runs[0]!.outcome!.alertSent?.description).toBe('handshake_failure');
    } finally {
      es.server.close();
    }
  });
});
