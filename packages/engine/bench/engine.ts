/**
 * `pnpm bench:engine`: full handshakes per second of the TLS Lab engine (client and server in
 * one process, events sent to a no-op sink) with each crypto provider, and of node:tls
 * (OpenSSL, client and server in this process over loopback TCP) with the same certificate
 * chain, key, suite and group, and their ratios — from one run, for five configurations:
 *
 *   tls13-ecdsa    TLS 1.3, TLS_AES_128_GCM_SHA256, x25519, ECDSA P-256 leaf
 *   tls13-rsa      TLS 1.3, TLS_AES_128_GCM_SHA256, x25519, RSA 2048 leaf (rsa_pss_rsae_sha256)
 *   tls13-ed25519  TLS 1.3, TLS_AES_128_GCM_SHA256, x25519, Ed25519 leaf
 *   tls12-rsa-kx   TLS 1.2, TLS_RSA_WITH_AES_128_GCM_SHA256 (RSA key transport), RSA 2048 leaf
 *   tls12-ecdhe    TLS 1.2, TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, x25519, ECDSA P-256 leaf
 *
 *   pnpm bench:engine [--seconds 2] [--config tls13-ecdsa,...] [--provider noble,node]
 *
 * Besides the table it prints, per configuration, `floor <config> node:tls <ms>` (the
 * OpenSSL handshake it compares against) and per configuration and provider
 * `ratio <config> <provider> <engine/node:tls>`. Rates are CPU time (user + system of this
 * process), so a loaded machine slows the wall clock but not the figures much; wall-clock
 * rates are shown next to them. The loops take turns in 250 ms slices (see `interleaved`), after
 * a second each untimed; each runs one handshake at a time and includes chain verification
 * (root → intermediate → leaf), as node:tls's does. Run it twice.
 */
import 'reflect-metadata';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import * as tls from 'node:tls';
import { createClient, createServer } from '../src/index';
import { withCryptoProvider, type CryptoProvider } from '../src/crypto/provider';
import { nobleCryptoProvider } from '../src/crypto/provider-noble';
import { nodeCryptoProvider } from '../src/crypto/provider-node';
import type { CipherSuiteName, Endpoint, GroupName } from '../src/config';
import type { PrivateKey, ServerKeyType } from '../src/crypto/keys';
import { systemRng } from '../src/crypto/rng';
import { generateDemoPki } from '../src/pki/demo';
import { toPem } from '../src/pki/parse';
import { getString, parseArgs } from '../src/cli/args';
import type { TlsVersionName } from '../src/events';

const NODE_CURVE: Record<GroupName, string> = { x25519: 'X25519', secp256r1: 'P-256' };
const SERVER_NAME = 'bench.tlslab.test';

const b64u = (b: Uint8Array): string => Buffer.from(b).toString('base64url');
function bigB64u(n: bigint): string {
  let hex = n.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  return Buffer.from(hex, 'hex').toString('base64url');
}

/** The engine's plain-data private key as PKCS#8 PEM (via node:crypto's JWK import). */
function keyToPem(key: PrivateKey): string {
  let jwk: Record<string, string>;
  switch (key.type) {
    case 'ecdsa-p256':
    case 'ecdsa-p384': {
      if (key.publicKey.type !== key.type) throw new Error('key mismatch');
      const pt = key.publicKey.point;
      const n = (pt.length - 1) / 2;
      jwk = { kty: 'EC', crv: key.type === 'ecdsa-p256' ? 'P-256' : 'P-384', d: b64u(key.d), x: b64u(pt.subarray(1, 1 + n)), y: b64u(pt.subarray(1 + n)) };
      break;
    }
    case 'ed25519':
      if (key.publicKey.type !== 'ed25519') throw new Error('key mismatch');
      jwk = { kty: 'OKP', crv: 'Ed25519', d: b64u(key.seed), x: b64u(key.publicKey.key) };
      break;
    case 'rsa':
      jwk = {
        kty: 'RSA',
        n: bigB64u(key.n),
        e: bigB64u(key.e),
        d: bigB64u(key.d),
        p: bigB64u(key.p),
        q: bigB64u(key.q),
        dp: bigB64u(key.dp),
        dq: bigB64u(key.dq),
        qi: bigB64u(key.qi),
      };
      break;
  }
  return createPrivateKey({ key: jwk, format: 'jwk' }).export({ type: 'pkcs8', format: 'pem' }).toString();
}

function engineHandshake(make: () => { c: Endpoint; s: Endpoint }): void {
  const { c, s } = make();
  let toServer = c.start();
  for (let i = 0; i < 10 && !(c.connected && s.connected); i++) {
    const toClient: Uint8Array[] = [];
    for (const r of toServer) toClient.push(...s.receive(r));
    toServer = [];
    for (const r of toClient) toServer.push(...c.receive(r));
    if (c.closed || s.closed) throw new Error(`engine handshake failed: client ${c.state}, server ${s.state}`);
  }
  for (const r of toServer) s.receive(r);
  if (!c.connected || !s.connected) throw new Error(`engine handshake did not complete: client ${c.state}, server ${s.state}`);
}

/** OpenSSL's names of the TLS 1.2 suites (TLS 1.3 suites keep their IANA names). */
const OPENSSL_12: Partial<Record<CipherSuiteName, string>> = {
  TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256: 'ECDHE-ECDSA-AES128-GCM-SHA256',
  TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256: 'ECDHE-RSA-AES128-GCM-SHA256',
  TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384: 'ECDHE-ECDSA-AES256-GCM-SHA384',
  TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384: 'ECDHE-RSA-AES256-GCM-SHA384',
  TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256: 'ECDHE-ECDSA-CHACHA20-POLY1305',
  TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256: 'ECDHE-RSA-CHACHA20-POLY1305',
  TLS_RSA_WITH_AES_128_GCM_SHA256: 'AES128-GCM-SHA256',
  TLS_RSA_WITH_AES_256_GCM_SHA384: 'AES256-GCM-SHA384',
};

/**
 * node:tls with the same chain, key, suite and group: a server on loopback and `one()`, a full
 * handshake by a fresh client, verifying the chain (so node:tls does the work the engine does).
 */
async function nodeTls(opts: { keyPem: string; chainPem: string; rootPem: string; suite: CipherSuiteName; group: GroupName; version: 'TLSv1.2' | 'TLSv1.3' }): Promise<{
  one: () => Promise<void>;
  close: () => void;
}> {
  const ciphers = OPENSSL_12[opts.suite] ?? opts.suite;
  // In TLS 1.2 an ECDSA P-256 certificate also needs secp256r1 among the groups (RFC 8422 §5.1).
  const curves = opts.version === 'TLSv1.2' && opts.group === 'x25519' ? 'X25519:P-256' : NODE_CURVE[opts.group];
  const server = tls.createServer(
    {
      key: opts.keyPem,
      cert: opts.chainPem,
      minVersion: opts.version,
      maxVersion: opts.version,
      ciphers,
      ecdhCurve: curves,
    },
    (sock) => {
      sock.on('error', () => {});
      sock.end();
    },
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  const one = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const sock = tls.connect({
        host: '127.0.0.1',
        port,
        servername: SERVER_NAME,
        ca: opts.rootPem,
        minVersion: opts.version,
        maxVersion: opts.version,
        ciphers,
        ecdhCurve: curves,
      });
      sock.once('secureConnect', () => {
        if (!sock.authorized) reject(new Error(`node:tls did not verify the chain: ${String(sock.authorizationError)}`));
        sock.destroy();
        resolve();
      });
      sock.once('error', reject);
    });
  return { one, close: () => server.close() };
}

/** Handshakes counted and the wall-clock and CPU (user + system) milliseconds they took. */
interface Timing {
  n: number;
  wall: number;
  cpu: number;
}

interface PerHandshake {
  wallMs: number;
  cpuMs: number;
}

const perHandshake = (t: Timing): PerHandshake => ({ wallMs: t.wall / t.n, cpuMs: t.cpu / t.n });

/** Runs `step` (one handshake) for `ms` of wall-clock time, adding what it took to `into`. */
async function slice(ms: number, step: () => void | Promise<void>, into: Timing): Promise<void> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  let n = 0;
  while (performance.now() - t0 < ms) {
    const pending = step(); // the engine's handshakes are synchronous: no await, no microtask
    if (pending) await pending;
    n++;
  }
  const cpu = process.cpuUsage(c0);
  into.n += n;
  into.wall += performance.now() - t0;
  into.cpu += (cpu.user + cpu.system) / 1000;
}

interface Config {
  name: string;
  version: TlsVersionName;
  suite: CipherSuiteName;
  keyType: ServerKeyType;
  groups: GroupName[];
}

const CONFIGS: Config[] = [
  { name: 'tls13-ecdsa', version: 'TLS 1.3', suite: 'TLS_AES_128_GCM_SHA256', keyType: 'ecdsa-p256', groups: ['x25519'] },
  { name: 'tls13-rsa', version: 'TLS 1.3', suite: 'TLS_AES_128_GCM_SHA256', keyType: 'rsa-2048', groups: ['x25519'] },
  { name: 'tls13-ed25519', version: 'TLS 1.3', suite: 'TLS_AES_128_GCM_SHA256', keyType: 'ed25519', groups: ['x25519'] },
  { name: 'tls12-rsa-kx', version: 'TLS 1.2', suite: 'TLS_RSA_WITH_AES_128_GCM_SHA256', keyType: 'rsa-2048', groups: ['x25519'] },
  // RFC 8422 §5.1: an ECDSA P-256 certificate in TLS 1.2 also needs secp256r1 among the groups.
  { name: 'tls12-ecdhe', version: 'TLS 1.2', suite: 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', keyType: 'ecdsa-p256', groups: ['x25519', 'secp256r1'] },
];

/**
 * Each loop first runs untimed for this long: V8 compiles the engine's hot paths on background
 * threads for the first second or so, and that CPU time would count against the engine (node:tls's
 * OpenSSL is compiled ahead of time). Measured on tls13-rsa with noble over the 4 s that
 * followed: with no warm-up the process used 18% more CPU than wall-clock time, after 1 s 13%,
 * after 3 s 11% (the rest is mostly the garbage collector's helper threads).
 */
const WARM_UP_MS = 1000;

const PROVIDERS: Record<string, CryptoProvider> = { noble: nobleCryptoProvider, node: nodeCryptoProvider };

/**
 * This machine's speed drifts by 20% over a minute (other work on the host), so the engine and
 * node:tls are not timed one after the other: their loops take turns in slices of
 * `SLICE_MS`, each party getting the same number of slices, and each party's figure sums its
 * slices. A drift then slows both sides of a ratio alike.
 */
const SLICE_MS = 250;

async function interleaved(seconds: number, parties: Array<() => void | Promise<void>>): Promise<Timing[]> {
  const totals = parties.map(() => ({ n: 0, wall: 0, cpu: 0 }));
  const rounds = Math.max(1, Math.round((seconds * 1000) / SLICE_MS));
  for (let r = 0; r < rounds; r++) for (let i = 0; i < parties.length; i++) await slice(SLICE_MS, parties[i]!, totals[i]!);
  return totals;
}

/** One engine handshake under `provider` (the provider is installed around each handshake). */
const engineStep = (provider: CryptoProvider, make: () => { c: Endpoint; s: Endpoint }) => (): void => withCryptoProvider(provider, () => engineHandshake(make));

async function main(): Promise<void> {
  const p = parseArgs(process.argv.slice(2), {
    seconds: { type: 'string', help: 'seconds per loop' },
    config: { type: 'string', help: 'configurations (comma-separated)' },
    provider: { type: 'string', help: 'crypto providers (comma-separated: noble, node)' },
  });
  const seconds = Number(getString(p, 'seconds') ?? 2);
  const wanted = (getString(p, 'config') ?? CONFIGS.map((c) => c.name).join(',')).split(',');
  const configs = wanted.map((w) => {
    const c = CONFIGS.find((x) => x.name === w);
    if (!c) throw new Error(`unknown config "${w}" (${CONFIGS.map((x) => x.name).join(', ')})`);
    return c;
  });
  const providers = (getString(p, 'provider') ?? 'noble,node').split(',').map((name) => {
    const pr = PROVIDERS[name];
    if (!pr) throw new Error(`unknown provider "${name}" (noble, node)`);
    return pr;
  });

  console.log(`Full handshakes, one at a time, ${seconds} s per loop; Node ${process.version}, OpenSSL ${process.versions.openssl}.`);
  console.log('Engine: client + server in this process. node:tls: client + server in this process over loopback TCP.');
  console.log('Rates from CPU time (user + system); wall-clock rate in parentheses.\n');
  const cols = ['config', ...providers.map((pr) => `engine ${pr.name}`), 'node:tls', ...providers.map((pr) => `${pr.name}/node:tls`)];
  const width = [14, ...providers.map(() => 22), 22, ...providers.map(() => 14)];
  const row = (cells: string[]) => console.log(cells.map((c, i) => (i === 0 ? c.padEnd(width[i]!) : c.padStart(width[i]!))).join(' '));
  row(cols);
  const lines: string[] = [];
  const rate = (t: PerHandshake) => `${(1000 / t.cpuMs).toFixed(0)}/s (${(1000 / t.wallMs).toFixed(0)})`;
  for (const cfg of configs) {
    const pki = withCryptoProvider(nodeCryptoProvider, () => generateDemoPki({ seed: 'bench', serverKeyType: cfg.keyType, serverName: SERVER_NAME }));
    const chainPem = pki.serverChain.map((d) => toPem(d)).join('');
    const rootPem = toPem(pki.rootDer);
    const keyPem = keyToPem(pki.serverKey);
    new X509Certificate(Buffer.from(pki.serverChain[0]!)); // node:crypto reads the certificate the engine presents
    const noop = (): void => {};
    const make = (): { c: Endpoint; s: Endpoint } => ({
      c: createClient({
        rng: systemRng(),
        sink: noop,
        trustAnchors: [pki.rootDer],
        serverName: SERVER_NAME,
        versions: [cfg.version],
        cipherSuites: [cfg.suite],
        groups: cfg.groups,
      }),
      s: createServer({
        rng: systemRng(),
        sink: noop,
        cert: { chain: pki.serverChain, key: pki.serverKey },
        versions: [cfg.version],
        cipherSuites: [cfg.suite],
        groups: cfg.groups,
      }),
    });
    const node = await nodeTls({ keyPem, chainPem, rootPem, suite: cfg.suite, group: cfg.groups[0]!, version: cfg.version === 'TLS 1.3' ? 'TLSv1.3' : 'TLSv1.2' });
    const parties = [...providers.map((pr) => engineStep(pr, make)), node.one];
    // Warm-up, untimed: the JIT's compilation of the hot paths, key import caches.
    await interleaved(WARM_UP_MS / 1000, parties);
    const timings = (await interleaved(seconds, parties)).map(perHandshake);
    node.close();
    const nodeTiming = timings.pop()!;
    const engine = timings;
    const ratios = engine.map((t) => nodeTiming.cpuMs / t.cpuMs);
    row([cfg.name, ...engine.map(rate), rate(nodeTiming), ...ratios.map((r) => `${r.toFixed(2)}×`)]);
    lines.push(`floor ${cfg.name} node:tls ${nodeTiming.cpuMs.toFixed(3)} ms/handshake (CPU)`);
    providers.forEach((pr, i) => lines.push(`ratio ${cfg.name} ${pr.name} ${ratios[i]!.toFixed(2)}`));
  }
  console.log('');
  for (const l of lines) console.log(l);
}

main().catch((err: unknown) => {
  console.error(`bench:engine: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
