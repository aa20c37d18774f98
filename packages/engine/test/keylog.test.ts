/**
 * The NSS key log (SSLKEYLOGFILE) built from a run's events: the labels and client random are
 * right for TLS 1.3 and 1.2, both sides give the same lines, and — the real check — OpenSSL
 * (node:tls's `keylog` events) logs exactly the same lines for the same connection, in both
 * directions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SCENARIO, runScenario, type Scenario, type TlsEvent } from '../src/index';
import { keyLogLabel, keyLogText } from '../src/keylog';
import { toHex } from '../src/codec/hex';
import { makeOpensslPki, type OpensslPki } from './interop-helpers';
import { runEngineClient, startEngineServer, startNodeServer, usePki, waitFor, HOST, REQUEST } from './interop-peers';
import tls from 'node:tls';

function run(s: Partial<Scenario>): TlsEvent[] {
  const events: TlsEvent[] = [];
  runScenario({ ...DEFAULT_SCENARIO, at: '2026-11-25T12:00:00Z', seed: 'keylog', ...s }, (e) => events.push(e));
  return events;
}
const lines = (text: string) =>
  text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => l.trim().toLowerCase())
    .sort();

describe('key log from events', () => {
  it('TLS 1.3: five traffic secrets under the ClientHello random; the same from either side', () => {
    const events = run({});
    const text = keyLogText(events);
    const ch = events.find((e) => e.type === 'handshake' && e.name === 'ClientHello' && e.side === 'client');
    const random = ch?.type === 'handshake' ? toHex(ch.bytes.subarray(6, 38)) : '';
    expect(random).toHaveLength(64);
    expect(
      text
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split(' ')[0]),
    ).toEqual(['CLIENT_HANDSHAKE_TRAFFIC_SECRET', 'SERVER_HANDSHAKE_TRAFFIC_SECRET', 'CLIENT_TRAFFIC_SECRET_0', 'SERVER_TRAFFIC_SECRET_0', 'EXPORTER_SECRET']);
    for (const l of text.split('\n').filter(Boolean)) {
      const [, r, secret] = l.split(' ');
      expect(r).toBe(random);
      expect(secret).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(keyLogText(events, 'server')).toBe(text);
  });

  it('TLS 1.2: one CLIENT_RANDOM line with the 48-byte master secret', () => {
    for (const cipherSuite of ['TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', 'TLS_RSA_WITH_AES_256_GCM_SHA384'] as const) {
      const events = run({ version: 'TLS 1.2', cipherSuite, serverKeyType: cipherSuite.includes('RSA_WITH') ? 'rsa-2048' : 'ecdsa-p256' });
      const text = keyLogText(events);
      expect(text).toMatch(/^CLIENT_RANDOM [0-9a-f]{64} [0-9a-f]{96}\n$/);
      const master = events.find((e) => e.type === 'secret' && e.name === 'master_secret' && e.side === 'client');
      expect(text).toContain(master?.type === 'secret' ? toHex(master.value) : 'missing');
      expect(keyLogText(events, 'server')).toBe(text);
    }
  });

  it('labels: TLS 1.3 master_secret and TLS 1.2 key material have none', () => {
    expect(keyLogLabel('master_secret', 'master')).toBeUndefined();
    expect(keyLogLabel('master_secret', 'tls12')).toBe('CLIENT_RANDOM');
    expect(keyLogLabel('key_block', 'tls12')).toBeUndefined();
    expect(keyLogLabel('client_application_traffic_secret_3', 'traffic')).toBe('CLIENT_TRAFFIC_SECRET_3');
  });

  it('a run that stops before any secret logs nothing', () => {
    expect(keyLogText(run({ fault: 'no-common-suite' }))).toBe('');
  });
});

describe('the same lines as OpenSSL (node:tls keylog)', () => {
  let pki: OpensslPki;
  beforeAll(() => {
    pki = makeOpensslPki();
    usePki(pki);
  });
  afterAll(() => pki?.cleanup());

  for (const version of ['TLSv1.3', 'TLSv1.2'] as const) {
    it(`our client → node:tls server, ${version}`, async () => {
      const node = await startNodeServer('ecdsa-p256', { minVersion: version, maxVersion: version });
      const theirs: string[] = [];
      node.server.on('keylog', (line: Buffer) => theirs.push(line.toString('utf8')));
      try {
        const r = await runEngineClient(node.port, version === 'TLSv1.2' ? { versions: ['TLS 1.2'] } : {});
        expect(r.outcome.connected).toBe(true);
        const ours = lines(keyLogText(r.events));
        expect(ours.length).toBeGreaterThan(0);
        expect(ours).toEqual(lines(theirs.join('')));
      } finally {
        node.server.close();
      }
    });

    it(`node:tls client → our server, ${version}`, async () => {
      const server = await startEngineServer('ecdsa-p256', version === 'TLSv1.2' ? { versions: ['TLS 1.2'] } : {});
      const theirs: string[] = [];
      try {
        await new Promise<void>((resolve, reject) => {
          const sock = tls.connect({ host: '127.0.0.1', port: server.port, servername: HOST, ca: pki.rootPem, minVersion: version, maxVersion: version });
          sock.on('keylog', (line: Buffer) => theirs.push(line.toString('utf8')));
          sock.on('secureConnect', () => sock.write(REQUEST));
          sock.on('data', () => undefined);
          sock.on('error', reject);
          sock.on('close', () => resolve());
        });
        await waitFor(() => server.runs[0]?.outcome !== undefined);
        const ours = lines(keyLogText(server.runs[0]!.events, 'server'));
        expect(ours.length).toBeGreaterThan(0);
        expect(ours).toEqual(lines(theirs.join('')));
      } finally {
        server.server.close();
      }
    });
  }
});
