/**
 * The event stream DESIGN.md promises, for both versions: state transitions (a connected
 * chain per side), negotiated parameters, timings (handshake and each costly step: signatures,
 * RSA key transport, certificate verification), and in TLS 1.2 every derived value with its
 * inputs (premaster, master secret with its PRF inputs, key block and its split), recomputed
 * here from the PRF. Also: the endpoint API's only throw (misuse) is a TlsError.
 */
import { describe, expect, it } from 'vitest';
import { runScenario, DEFAULT_SCENARIO, TlsError, type Scenario, type TlsEvent } from '../src/index';
import { concatBytes, toHex } from '../src/codec/hex';
import { seededRng } from '../src/crypto/rng';
import { createClient } from '../src/client/client';
import { createServer } from '../src/server/server';
import { generateDemoPki } from '../src/pki/demo';
import { prf } from '../src/crypto/prf';
import type { TlsEventBody } from '../src/events';

const AT = '2026-11-25T12:00:00Z';

function run(s: Partial<Scenario>) {
  const events: TlsEvent[] = [];
  const summary = runScenario({ ...DEFAULT_SCENARIO, at: AT, seed: 'events', ...s }, (e) => events.push(e));
  return { summary, events };
}
type Ev<T extends TlsEventBody['type']> = Extract<TlsEventBody, { type: T }>;
const of = <T extends TlsEventBody['type']>(events: TlsEventBody[], type: T, side?: 'client' | 'server') =>
  events.filter((e): e is Ev<T> => e.type === type && (side === undefined || e.side === side));

const cases: { name: string; s: Partial<Scenario>; timings: { client: RegExp[]; server: RegExp[] } }[] = [
  {
    name: 'TLS 1.3',
    s: { version: 'TLS 1.3' },
    timings: { client: [/^CertificateVerify ecdsa_secp256r1_sha256 verification$/], server: [/^CertificateVerify ecdsa_secp256r1_sha256 signature$/] },
  },
  {
    name: 'TLS 1.3 mutual',
    s: { version: 'TLS 1.3', mutual: true },
    timings: { client: [/^CertificateVerify .* signature$/], server: [/^CertificateVerify .* verification$/, /^client certificate verification$/] },
  },
  {
    name: 'TLS 1.2 ECDHE_ECDSA',
    s: { version: 'TLS 1.2', cipherSuite: 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256' },
    timings: { client: [/^ServerKeyExchange ecdsa_secp256r1_sha256 verification$/], server: [/^ServerKeyExchange ecdsa_secp256r1_sha256 signature$/] },
  },
  {
    name: 'TLS 1.2 RSA key transport',
    s: { version: 'TLS 1.2', cipherSuite: 'TLS_RSA_WITH_AES_128_GCM_SHA256', serverKeyType: 'rsa-2048' },
    timings: { client: [/^RSA premaster encryption/], server: [/^RSA premaster decryption/] },
  },
  {
    name: 'TLS 1.2 mutual',
    s: { version: 'TLS 1.2', mutual: true },
    timings: { client: [/^CertificateVerify .* signature$/], server: [/^CertificateVerify .* verification$/, /^client certificate verification$/] },
  },
];

describe('state, negotiated and timing events, both versions', () => {
  for (const c of cases)
    it(c.name, () => {
      const { summary, events } = run(c.s);
      expect(summary.ok).toBe(true);
      for (const side of ['client', 'server'] as const) {
        // States: one connected chain from the first state to Closed, through Connected.
        const states = of(events, 'state', side);
        const first = side === 'client' ? 'Start' : 'ExpectClientHello';
        expect(states[0]!.from).toBe(first);
        for (let i = 1; i < states.length; i++) expect(states[i]!.from, `${side} ${states[i - 1]!.to} → ${states[i]!.from}`).toBe(states[i - 1]!.to);
        const tos = states.map((s) => s.to);
        expect(tos.slice(-2)).toEqual(['Connected', 'Closed']);
        expect(tos.every((t) => /^(Expect[A-Z]\w+|Connected|Closed)$/.test(t))).toBe(true);
        // Negotiated: version and suite agree with the summary on both sides.
        const neg = of(events, 'negotiated', side);
        expect(neg.some((n) => n.version === summary.version)).toBe(true);
        expect(neg.some((n) => n.cipherSuite === summary.cipherSuite)).toBe(true);
        if (c.s.mutual) expect(neg.some((n) => n.clientAuth === 'requested' || n.clientAuth === 'required')).toBe(true);
        // Timings: the whole handshake and each costly step, with a duration.
        const timings = of(events, 'timing', side);
        expect(timings.map((t) => t.what)).toContain(`handshake (${side})`);
        for (const t of timings) expect(t.ms).toBeGreaterThanOrEqual(0);
        for (const re of c.timings[side])
          expect(
            timings.some((t) => re.test(t.what)),
            `${side}: ${re}`,
          ).toBe(true);
      }
      expect(of(events, 'timing', 'client').some((t) => t.what === 'server certificate verification')).toBe(true);
    });
});

/** Runs two TLS 1.2 endpoints directly (for options the Scenario does not expose). */
function tls12(ems: boolean, suite: 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384' | 'TLS_RSA_WITH_AES_128_GCM_SHA256' | 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256') {
  const keyType = suite.startsWith('TLS_RSA') ? 'rsa-2048' : 'ecdsa-p256';
  const p = generateDemoPki({ seed: 'ev12', serverKeyType: keyType, serverName: 'ev.test', now: new Date(AT) });
  const ce: TlsEventBody[] = [];
  const se: TlsEventBody[] = [];
  const client = createClient({
    rng: seededRng('ev', 'c'),
    sink: (e) => ce.push(e),
    trustAnchors: [p.rootDer],
    serverName: 'ev.test',
    now: new Date(AT),
    versions: ['TLS 1.2'],
    extendedMasterSecret: ems,
  });
  const server = createServer({
    rng: seededRng('ev', 's'),
    sink: (e) => se.push(e),
    cert: { chain: p.serverChain, key: p.serverKey },
    now: new Date(AT),
    versions: ['TLS 1.2'],
    cipherSuites: [suite],
  });
  const queue = client.start().map((bytes) => ({ to: 'server' as 'client' | 'server', bytes }));
  while (queue.length) {
    const { to, bytes } = queue.shift()!;
    for (const b of (to === 'server' ? server : client).receive(bytes)) queue.push({ to: to === 'server' ? 'client' : 'server', bytes: b });
  }
  expect(client.state).toBe('Connected');
  return { ce, se };
}

describe('TLS 1.2: every derived value is an event with its inputs', () => {
  for (const ems of [true, false])
    for (const suite of ['TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384', 'TLS_RSA_WITH_AES_128_GCM_SHA256', 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256'] as const)
      it(`${suite}, extended master secret ${ems ? 'on' : 'off'}`, () => {
        const { ce, se } = tls12(ems, suite);
        const hash = suite.endsWith('SHA384') ? 'sha384' : 'sha256';
        const [keyLen, ivLen] = suite.includes('AES_256') ? [32, 4] : suite.includes('CHACHA20') ? [32, 12] : [16, 4];
        const hello = (name: string) => of(ce, 'handshake', 'client').find((h) => h.name === name)!.bytes;
        const clientRandom = hello('ClientHello').slice(6, 38);
        const serverRandom = hello('ServerHello').slice(6, 38);
        for (const events of [ce, se]) {
          const secrets = new Map(of(events, 'secret').map((s) => [s.name, s]));
          const input = (secret: string, name: string) => secrets.get(secret)!.inputs.find((i) => i.name === name)?.value;
          const pms = secrets.get('pre_master_secret')!;
          expect(pms.value.length).toBe(suite.startsWith('TLS_RSA') ? 48 : 32);
          const ms = secrets.get('master_secret')!;
          expect(toHex(input('master_secret', 'pre_master_secret') as Uint8Array)).toBe(toHex(pms.value));
          if (ems) {
            expect(input('master_secret', 'label')).toBe('extended master secret');
            const sh = input('master_secret', 'session_hash') as Uint8Array;
            expect(toHex(prf(hash, pms.value, 'extended master secret', sh, 48))).toBe(toHex(ms.value));
          } else {
            expect(input('master_secret', 'label')).toBe('master secret');
            expect(toHex(input('master_secret', 'client_random') as Uint8Array)).toBe(toHex(clientRandom));
            expect(toHex(input('master_secret', 'server_random') as Uint8Array)).toBe(toHex(serverRandom));
            expect(toHex(prf(hash, pms.value, 'master secret', concatBytes(clientRandom, serverRandom), 48))).toBe(toHex(ms.value));
          }
          // key_block from the master secret and the randoms (server first), then its split.
          const kb = secrets.get('key_block')!;
          expect(toHex(prf(hash, ms.value, 'key expansion', concatBytes(serverRandom, clientRandom), 2 * keyLen + 2 * ivLen))).toBe(toHex(kb.value));
          const parts = ['client_write_key', 'server_write_key', 'client_write_IV', 'server_write_IV'].map((n) => secrets.get(n)!.value);
          expect(parts.map((x) => x.length)).toEqual([keyLen, keyLen, ivLen, ivLen]);
          expect(toHex(concatBytes(...parts))).toBe(toHex(kb.value));
          for (const n of ['client_verify_data', 'server_verify_data']) expect(secrets.get(n)!.value.length).toBe(12);
        }
      });
});

describe('endpoint API misuse', () => {
  it('send() before the handshake is done throws a TlsError and sends nothing', () => {
    const p = generateDemoPki({ seed: 'api', serverKeyType: 'ecdsa-p256', serverName: 'api.test', now: new Date(AT) });
    const client = createClient({ rng: seededRng('api', 'c'), sink: () => {}, trustAnchors: [p.rootDer], now: new Date(AT) });
    client.start();
    expect(() => client.send(new Uint8Array([1]))).toThrow(TlsError);
    expect(() => client.keyUpdate()).toThrow(TlsError);
    expect(client.state).toBe('ExpectServerHello');
  });
});
