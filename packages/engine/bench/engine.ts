/**
 * `pnpm bench:engine`: full TLS 1.3 handshakes per second of the TLS Lab engine (client and
 * server in one process, events sent to a no-op sink) and of node:tls (OpenSSL) over loopback,
 * with the same certificate chain, key, suite and group, and their ratio — from one run.
 *
 *   pnpm bench:engine [--seconds 3] [--key-type ecdsa-p256|rsa-2048|ed25519]
 *                     [--tls 1.3|1.2] [--suite NAME] [--group x25519|secp256r1]
 *
 * (With --tls 1.2 the default suite follows the key type: ECDHE_ECDSA or ECDHE_RSA with
 * AES-128-GCM.)
 *
 * Both loops run one handshake at a time. The engine loop includes certificate chain
 * verification, as node:tls's does. Numbers are for this machine at this moment; run it twice.
 */
import 'reflect-metadata';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import * as tls from 'node:tls';
import { createClient, createServer } from '../src/index';
import type { CipherSuiteName, Endpoint, GroupName } from '../src/config';
import type { PrivateKey, ServerKeyType } from '../src/crypto/keys';
import { systemRng } from '../src/crypto/rng';
import { generateDemoPki } from '../src/pki/demo';
import { toPem } from '../src/pki/parse';
import { ALL_SUITES, GROUPS, KEY_TYPES, parseArgs, parseName, parseVersions, suitesForVersions, getString } from '../src/cli/args';
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
      jwk = { kty: 'RSA', n: bigB64u(key.n), e: bigB64u(key.e), d: bigB64u(key.d), p: bigB64u(key.p), q: bigB64u(key.q), dp: bigB64u(key.dp), dq: bigB64u(key.dq), qi: bigB64u(key.qi) };
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

async function nodeHandshakes(
  seconds: number,
  opts: { keyPem: string; chainPem: string; rootPem: string; suite: CipherSuiteName; group: GroupName; version: 'TLSv1.2' | 'TLSv1.3' },
): Promise<{ n: number; ms: number }> {
  const ciphers = OPENSSL_12[opts.suite] ?? opts.suite;
  // In TLS 1.2 an ECDSA P-256 certificate also needs secp256r1 among the groups (RFC 8422 §5.1).
  const curves = opts.version === 'TLSv1.2' && opts.group === 'x25519' ? 'X25519:P-256' : NODE_CURVE[opts.group];
  const server = tls.createServer({
    key: opts.keyPem,
    cert: opts.chainPem,
    minVersion: opts.version,
    maxVersion: opts.version,
    ciphers,
    ecdhCurve: curves,
  }, (sock) => {
    sock.on('error', () => {});
    sock.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  const one = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const sock = tls.connect({ host: '127.0.0.1', port, servername: SERVER_NAME, ca: opts.rootPem, minVersion: opts.version, maxVersion: opts.version, ciphers, ecdhCurve: curves });
      sock.once('secureConnect', () => {
        if (!sock.authorized) reject(new Error(`node:tls did not verify the chain: ${String(sock.authorizationError)}`));
        sock.destroy();
        resolve();
      });
      sock.once('error', reject);
    });
  for (let i = 0; i < 20; i++) await one(); // warm-up
  const t0 = performance.now();
  let n = 0;
  while (performance.now() - t0 < seconds * 1000) {
    await one();
    n++;
  }
  const ms = performance.now() - t0;
  server.close();
  return { n, ms };
}

async function main(): Promise<void> {
  const p = parseArgs(process.argv.slice(2), {
    seconds: { type: 'string', help: 'seconds per loop' },
    'key-type': { type: 'string', help: 'server key type' },
    suite: { type: 'string', help: 'cipher suite' },
    tls: { type: 'string', help: 'version: 1.3 or 1.2' },
    group: { type: 'string', help: 'group' },
  });
  const seconds = Number(getString(p, 'seconds') ?? 3);
  const keyType: ServerKeyType = parseName(getString(p, 'key-type') ?? 'ecdsa-p256', KEY_TYPES, 'key type');
  const versions = parseVersions(getString(p, 'tls') ?? '1.3');
  if (versions.length !== 1) throw new Error('--tls takes one version');
  const version: TlsVersionName = versions[0]!;
  const defaultSuite: CipherSuiteName =
    version === 'TLS 1.3' ? 'TLS_AES_128_GCM_SHA256' : keyType === 'ecdsa-p256' ? 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256' : 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256';
  const suite: CipherSuiteName = suitesForVersions([parseName(getString(p, 'suite') ?? defaultSuite, ALL_SUITES, 'suite')], [version])[0]!;
  const group: GroupName = parseName(getString(p, 'group') ?? 'x25519', GROUPS, 'group');
  const groups: GroupName[] = version === 'TLS 1.2' && group === 'x25519' && keyType === 'ecdsa-p256' ? ['x25519', 'secp256r1'] : [group];

  const pki = generateDemoPki({ seed: 'bench', serverKeyType: keyType, serverName: SERVER_NAME });
  const chainPem = pki.serverChain.map((d) => toPem(d)).join('');
  const rootPem = toPem(pki.rootDer);
  const keyPem = keyToPem(pki.serverKey);
  // Sanity: node:crypto reads the same certificate the engine presents.
  new X509Certificate(Buffer.from(pki.serverChain[0]!));

  const noop = (): void => {};
  const make = (): { c: Endpoint; s: Endpoint } => ({
    c: createClient({ rng: systemRng(), sink: noop, trustAnchors: [pki.rootDer], serverName: SERVER_NAME, versions: [version], cipherSuites: [suite], groups }),
    s: createServer({ rng: systemRng(), sink: noop, cert: { chain: pki.serverChain, key: pki.serverKey }, versions: [version], cipherSuites: [suite], groups }),
  });

  console.log(`${version} full handshakes, ${suite}, ${group}, ${keyType} server certificate (root → intermediate → leaf), one at a time, ${seconds} s per loop`);
  for (let i = 0; i < 5; i++) engineHandshake(make); // warm-up (JIT)
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000) {
    engineHandshake(make);
    n++;
  }
  const engineMs = performance.now() - t0;
  const engineRate = (n * 1000) / engineMs;
  console.log(`  engine (client+server in-process):  ${engineRate.toFixed(1).padStart(8)} handshakes/s  (${n} in ${(engineMs / 1000).toFixed(2)} s, ${(engineMs / n).toFixed(2)} ms each)`);

  const node = await nodeHandshakes(seconds, { keyPem, chainPem, rootPem, suite, group, version: version === 'TLS 1.3' ? 'TLSv1.3' : 'TLSv1.2' });
  const nodeRate = (node.n * 1000) / node.ms;
  console.log(`  node:tls (OpenSSL ${process.versions.openssl}, loopback TCP): ${nodeRate.toFixed(1).padStart(8)} handshakes/s  (${node.n} in ${(node.ms / 1000).toFixed(2)} s, ${(node.ms / node.n).toFixed(2)} ms each)`);
  const ratio = engineRate / nodeRate;
  console.log(`  ratio engine / node:tls: ${ratio.toFixed(3)} (${ratio < 1 ? `node:tls is ${(1 / ratio).toFixed(1)}× faster` : `the engine is ${ratio.toFixed(1)}× faster`})`);
}

main().catch((err: unknown) => {
  console.error(`bench:engine: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
