/**
 * TLS 1.2 interop with OpenSSL through node:tls, on 127.0.0.1, both directions, for every
 * TLS 1.2 suite the engine offers (RSA key transport and ECDHE with ECDSA or RSA
 * certificates, AES-GCM and ChaCha20-Poly1305) × group; extended master secret with OpenSSL;
 * and version negotiation: a client offering 1.2 and 1.3 meets a 1.2-only and a 1.3-only
 * peer, and a version with nothing in common ends with protocol_version.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CipherSuiteName, GroupName } from '../src/config';
import type { ServerKeyType } from '../src/crypto/keys';
import { describeFailure } from '../src/cli/socket';
import { makeOpensslPki, type OpensslPki } from './interop-helpers';
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

interface Suite12 {
  suite: CipherSuiteName;
  /** OpenSSL's name for it. */
  openssl: string;
  keyType: ServerKeyType;
  ecdhe: boolean;
}

const SUITES_12: Suite12[] = [
  { suite: 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', openssl: 'ECDHE-ECDSA-AES128-GCM-SHA256', keyType: 'ecdsa-p256', ecdhe: true },
  { suite: 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384', openssl: 'ECDHE-ECDSA-AES256-GCM-SHA384', keyType: 'ecdsa-p256', ecdhe: true },
  { suite: 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256', openssl: 'ECDHE-ECDSA-CHACHA20-POLY1305', keyType: 'ecdsa-p256', ecdhe: true },
  { suite: 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', openssl: 'ECDHE-RSA-AES128-GCM-SHA256', keyType: 'rsa-2048', ecdhe: true },
  { suite: 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', openssl: 'ECDHE-RSA-AES256-GCM-SHA384', keyType: 'rsa-2048', ecdhe: true },
  { suite: 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256', openssl: 'ECDHE-RSA-CHACHA20-POLY1305', keyType: 'rsa-2048', ecdhe: true },
  { suite: 'TLS_RSA_WITH_AES_128_GCM_SHA256', openssl: 'AES128-GCM-SHA256', keyType: 'rsa-2048', ecdhe: false },
  { suite: 'TLS_RSA_WITH_AES_256_GCM_SHA384', openssl: 'AES256-GCM-SHA384', keyType: 'rsa-2048', ecdhe: false },
];
const GROUPS: GroupName[] = ['x25519', 'secp256r1'];
const ALL_12_OPENSSL = SUITES_12.map((s) => s.openssl).join(':');

/** Every suite × group (ECDHE) or suite alone (RSA key transport). */
const matrix = SUITES_12.flatMap((s) =>
  s.ecdhe
    ? GROUPS.map((group) => ({ ...s, group: group as GroupName | undefined, label: `${s.suite} over ${group}` }))
    : [{ ...s, group: undefined as GroupName | undefined, label: `${s.suite} (RSA key transport)` }],
);

/**
 * The groups to offer: the group under test first; with an ECDSA P-256 certificate also
 * secp256r1, because in TLS 1.2 supported_groups also limits the curve of an ECDSA
 * certificate (RFC 8422 §5.1) — both OpenSSL and the engine refuse otherwise (tested below).
 */
function groupsFor(group: GroupName, keyType: ServerKeyType): GroupName[] {
  return keyType === 'ecdsa-p256' && group !== 'secp256r1' ? [group, 'secp256r1'] : [group];
}

let pki: OpensslPki;
const nodeServers = new Map<ServerKeyType, NodeServer>();
const engineServers = new Map<ServerKeyType, EngineServer>();
const TLS12_ONLY = { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' } as const;

beforeAll(async () => {
  pki = makeOpensslPki();
  usePki(pki);
  for (const t of ['ecdsa-p256', 'rsa-2048'] as const) {
    nodeServers.set(t, await startNodeServer(t, { ...TLS12_ONLY, ciphers: ALL_12_OPENSSL }));
    engineServers.set(t, await startEngineServer(t, { versions: ['TLS 1.2'] }));
  }
}, 60_000);

afterAll(() => {
  for (const s of nodeServers.values()) s.server.close();
  for (const s of engineServers.values()) s.server.close();
  pki?.cleanup();
});

describe('TLS 1.2: our client → node:tls (OpenSSL) server', () => {
  for (const { label, suite, keyType, group, ecdhe } of matrix)
    it(label, async () => {
      const ns = nodeServers.get(keyType)!;
      const run = await runEngineClient(ns.port, { versions: ['TLS 1.2'], cipherSuites: [suite], ...(group ? { groups: groupsFor(group, keyType) } : {}) });
      expect(run.outcome.alertSent, describeFailure(run.outcome, 'server')).toBeUndefined();
      expect(run.outcome.alertReceived, describeFailure(run.outcome, 'server')).toBeUndefined();
      expect(run.outcome.connected).toBe(true);
      expect(run.answer).toContain('hello from node:tls, you asked GET /interop HTTP/1.1');
      const n = negotiated(run.events, 'client');
      expect(n).toMatchObject({ version: 'TLS 1.2', cipherSuite: suite, keyExchange: ecdhe ? 'ECDHE' : 'RSA', extendedMasterSecret: true });
      if (group) expect(n.group).toBe(group);
      expect(ns.seen.get(run.localPort)).toEqual({ cipher: suite, protocol: 'TLSv1.2', alpn: false });
      // The secrets of the classic handshake are events.
      const secrets = run.events.filter((e) => e.type === 'secret').map((e) => (e.type === 'secret' ? e.name : ''));
      expect(secrets).toEqual(expect.arrayContaining(['pre_master_secret', 'master_secret', 'key_block']));
    });

  it('offering 1.2 and 1.3 to a 1.2-only server ends in TLS 1.2', async () => {
    const ns = nodeServers.get('ecdsa-p256')!;
    const run = await runEngineClient(ns.port, { versions: ['TLS 1.3', 'TLS 1.2'] });
    expect(run.outcome.connected, describeFailure(run.outcome, 'server')).toBe(true);
    expect(negotiated(run.events, 'client').version).toBe('TLS 1.2');
    expect(run.answer).toContain('hello from node:tls');
  });

  it('offering 1.2 and 1.3 to a 1.3-only server ends in TLS 1.3', async () => {
    const ns = await startNodeServer('ecdsa-p256');
    try {
      const run = await runEngineClient(ns.port, { versions: ['TLS 1.3', 'TLS 1.2'] });
      expect(run.outcome.connected, describeFailure(run.outcome, 'server')).toBe(true);
      expect(negotiated(run.events, 'client').version).toBe('TLS 1.3');
    } finally {
      ns.server.close();
    }
  });

  it('a 1.3-capable OpenSSL negotiating 1.2 marks ServerHello.random with DOWNGRD\\x01, which a 1.2-only client accepts', async () => {
    const ns = await startNodeServer('ecdsa-p256', { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.3', ciphers: `${ALL_12_OPENSSL}:TLS_AES_128_GCM_SHA256` });
    try {
      const run = await runEngineClient(ns.port, { versions: ['TLS 1.2'] });
      expect(run.outcome.connected, describeFailure(run.outcome, 'server')).toBe(true);
      const sh = run.events.find((e) => e.type === 'handshake' && e.name === 'ServerHello');
      const random = sh && sh.type === 'handshake' ? sh.bytes.subarray(6, 38) : new Uint8Array();
      // RFC 8446 §4.1.3: the last 8 bytes of the random are 44 4F 57 4E 47 52 44 01.
      expect(Buffer.from(random.subarray(24)).toString('hex')).toBe('444f574e47524401');
    } finally {
      ns.server.close();
    }
  });

  it('offering only 1.3 to a 1.2-only server ends with protocol_version', async () => {
    const ns = nodeServers.get('ecdsa-p256')!;
    const run = await runEngineClient(ns.port, { versions: ['TLS 1.3'] });
    expect(run.outcome.connected).toBe(false);
    expect(run.outcome.alertReceived?.description).toBe('protocol_version');
  });

  it('an ECDSA P-256 certificate needs secp256r1 among our groups (RFC 8422 §5.1): OpenSSL says handshake_failure', async () => {
    const ns = nodeServers.get('ecdsa-p256')!;
    const run = await runEngineClient(ns.port, { versions: ['TLS 1.2'], cipherSuites: ['TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256'], groups: ['x25519'] });
    expect(run.outcome.connected).toBe(false);
    expect(run.outcome.alertReceived?.description).toBe('handshake_failure');
  });

  it('offering only an RSA suite to an ECDSA server ends with handshake_failure', async () => {
    const ns = nodeServers.get('ecdsa-p256')!;
    const run = await runEngineClient(ns.port, { versions: ['TLS 1.2'], cipherSuites: ['TLS_RSA_WITH_AES_128_GCM_SHA256'] });
    expect(run.outcome.connected).toBe(false);
    expect(run.outcome.alertReceived?.description).toBe('handshake_failure');
  });
});

describe('TLS 1.2: node:tls (OpenSSL) client → our server', () => {
  for (const { label, suite, openssl, keyType, group, ecdhe } of matrix)
    it(label, async () => {
      const es = engineServers.get(keyType)!;
      const before = es.runs.length;
      const r = await runNodeClient(es.port, {
        ...TLS12_ONLY,
        ciphers: openssl,
        ...(group
          ? {
              ecdhCurve: groupsFor(group, keyType)
                .map((g) => NODE_CURVE[g])
                .join(':'),
            }
          : {}),
      });
      expect(r.error).toBeUndefined();
      expect(r.ok).toBe(true);
      expect(r.protocol).toBe('TLSv1.2');
      expect(r.cipher).toBe(suite);
      if (group) expect(r.group).toBe(NODE_GROUP_NAME[group]);
      expect(r.answer).toContain(`hello from tlslab: ${suite}`);
      await waitFor(() => es.runs[before]?.outcome !== undefined);
      const run = es.runs[before]!;
      expect(negotiated(run.events, 'server')).toMatchObject({ version: 'TLS 1.2', cipherSuite: suite, keyExchange: ecdhe ? 'ECDHE' : 'RSA', extendedMasterSecret: true });
      expect(run.outcome?.alertSent).toBeUndefined();
    });

  it("an ECDSA P-256 certificate needs secp256r1 among the client's groups (RFC 8422 §5.1): handshake_failure", async () => {
    const es = engineServers.get('ecdsa-p256')!;
    const before = es.runs.length;
    const r = await runNodeClient(es.port, { ...TLS12_ONLY, ciphers: 'ECDHE-ECDSA-AES128-GCM-SHA256', ecdhCurve: 'X25519' });
    expect(r.ok).toBe(false);
    expect(r.error).toMatch(/handshake failure/i);
    await waitFor(() => es.runs[before]?.outcome !== undefined);
    expect(es.runs[before]!.outcome!.alertSent?.description).toBe('handshake_failure');
  });

  it('a server accepting 1.2 and 1.3 meets a 1.2-only client with TLS 1.2, marking its random with DOWNGRD\\x01', async () => {
    const es = await startEngineServer('ecdsa-p256', { versions: ['TLS 1.3', 'TLS 1.2'] });
    try {
      const r = await runNodeClient(es.port, TLS12_ONLY);
      expect(r.error).toBeUndefined();
      expect(r.protocol).toBe('TLSv1.2');
      expect(r.answer).toContain('hello from tlslab');
      const sh = es.runs[0]!.events.find((e) => e.type === 'handshake' && e.name === 'ServerHello' && e.direction === 'sent');
      const random = sh && sh.type === 'handshake' ? sh.bytes.subarray(6, 38) : new Uint8Array();
      expect(Buffer.from(random.subarray(24)).toString('hex')).toBe('444f574e47524401');
    } finally {
      es.server.close();
    }
  });

  it('a 1.3-only server answers a 1.2-only client with protocol_version', async () => {
    const es = await startEngineServer('ecdsa-p256', { versions: ['TLS 1.3'] });
    try {
      const r = await runNodeClient(es.port, TLS12_ONLY);
      expect(r.ok).toBe(false);
      expect(r.error).toMatch(/protocol version/i);
      await waitFor(() => es.runs[0]?.outcome !== undefined);
      expect(es.runs[0]!.outcome!.alertSent?.description).toBe('protocol_version');
    } finally {
      es.server.close();
    }
  });
});
