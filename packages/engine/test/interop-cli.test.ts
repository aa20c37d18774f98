/**
 * The `tlslab` command against the `openssl` command, as a person would use them (spawned
 * processes on random free ports, always killed at the end):
 *   - `tlslab connect` → `openssl s_server -www` (ECDSA and RSA leaves, suite and group choice,
 *     --trace, --json, and the one-line errors for an untrusted root and no common suite);
 *   - `openssl s_client` → `tlslab serve` (generated demo chain and its root file, a PEM
 *     chain + key from openssl, and an s_client that does not trust the root).
 */
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, makeOpensslPki, spawnProcess, type OpensslPki, type Spawned } from './interop-helpers';

const ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const MAIN = join(ROOT, 'packages', 'engine', 'src', 'cli', 'main.ts');
const HOST = 'server.tlslab.test';

let pki: OpensslPki;
const spawned: Spawned[] = [];
let workDir: string;

function tlslab(args: string[], opts: { cwd?: string } = {}): Spawned {
  const p = spawnProcess(TSX, [MAIN, ...args], { cwd: opts.cwd ?? workDir });
  spawned.push(p);
  return p;
}

interface Done {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `tlslab …` to completion, separating stdout and stderr. */
function tlslabRun(args: string[], cwd = workDir): Promise<Done> {
  const p = tlslab(args, { cwd });
  let stdout = '';
  let stderr = '';
  p.child.stdout!.on('data', (b: Buffer) => (stdout += b.toString()));
  p.child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
  return p.exited.then((code) => ({ code, stdout, stderr }));
}

async function sServer(keyType: 'ecdsa-p256' | 'rsa-2048' | 'ed25519', extra: string[] = []): Promise<{ port: number; proc: Spawned }> {
  const port = await freePort();
  const pair = pki.server[keyType];
  const proc = spawnProcess('openssl', [
    's_server', '-accept', `127.0.0.1:${port}`, '-cert', pair.certFile, '-cert_chain', join(pki.dir, 'inter.pem'), '-key', pair.keyFile,
    '-www', '-tls1_3', '-naccept', '20', ...extra,
  ]);
  spawned.push(proc);
  await proc.waitFor('ACCEPT');
  return { port, proc };
}

beforeAll(() => {
  pki = makeOpensslPki();
  workDir = mkdtempSync(join(tmpdir(), 'tlslab-cli-'));
}, 30_000);

afterAll(() => {
  for (const p of spawned) p.kill();
  pki?.cleanup();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe('tlslab connect → openssl s_server', () => {
  let ecdsa: { port: number };
  beforeAll(async () => {
    ecdsa = await sServer('ecdsa-p256');
  }, 30_000);

  it('handshakes, sends an HTTP GET and prints the answer; exit 0', async () => {
    const r = await tlslabRun(['connect', `127.0.0.1:${ecdsa.port}`, '--servername', HOST, '--ca', pki.rootFile]);
    expect(r.stderr).toMatch(/connected to 127\.0\.0\.1:\d+: TLS 1\.3, TLS_AES_128_GCM_SHA256, x25519, ecdsa_secp256r1_sha256; certificate verified/);
    expect(r.stdout).toContain('HTTP/1.0 200 ok');
    expect(r.stdout).toContain('s_server');
    expect(r.stdout).toMatch(/TLSv1\.3/);
    expect(r.code).toBe(0);
  });

  it('uses the suite and group asked for (RSA leaf → rsa_pss_rsae_sha256)', async () => {
    const rsa = await sServer('rsa-2048');
    const r = await tlslabRun([
      'connect', `127.0.0.1:${rsa.port}`, '--servername', HOST, '--ca', pki.rootFile,
      '--suites', 'TLS_CHACHA20_POLY1305_SHA256', '--groups', 'secp256r1',
    ]);
    expect(r.stderr).toMatch(/TLS 1\.3, TLS_CHACHA20_POLY1305_SHA256, secp256r1, rsa_pss_rsae_sha256; certificate verified/);
    // s_server -www prints the cipher it negotiated in its page.
    expect(r.stdout).toContain('TLS_CHACHA20_POLY1305_SHA256');
    expect(r.code).toBe(0);
  });

  it('--trace explains every record, field, secret and certificate check', async () => {
    const r = await tlslabRun(['connect', `127.0.0.1:${ecdsa.port}`, '--servername', HOST, '--ca', pki.rootFile, '--trace']);
    expect(r.code).toBe(0);
    const t = r.stdout;
    for (const s of [
      'ClientHello', 'ServerHello', 'EncryptedExtensions', 'Certificate', 'CertificateVerify', 'Finished',
      'legacy_session_id', 'cipher_suites', 'key_share',
      'client_handshake_traffic_secret', 'server_application_traffic_secret_0', 'formula',
      'nonce     =', 'sequence number = 0', 'inner content type handshake',
      '✓ pass', 'cert-report', 'application data', '| GET / HTTP/1.1\\r\\n',
    ]) {
      expect(t, s).toContain(s);
    }
    expect(t).not.toContain('\x1b['); // not a TTY: no colour
  });

  it('--json prints one JSON event per line, bytes as hex', async () => {
    const r = await tlslabRun(['connect', `127.0.0.1:${ecdsa.port}`, '--servername', HOST, '--ca', pki.rootFile, '--json']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    const events = lines.map((l) => JSON.parse(l) as { type: string; seq: number; bytes?: string });
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i));
    const rec = events.find((e) => e.type === 'record')!;
    expect(rec.bytes).toMatch(/^16030[13][0-9a-f]+$/);
    expect(new Set(events.map((e) => e.type))).toEqual(expect.objectContaining({}));
    for (const ty of ['record', 'handshake', 'secret', 'cert-check', 'appdata', 'negotiated']) expect(events.some((e) => e.type === ty), ty).toBe(true);
  });

  it('fails with one clear line when it does not trust the root', async () => {
    const r = await tlslabRun(['connect', `127.0.0.1:${ecdsa.port}`, '--servername', HOST, '--ca', pki.untrustedRootFile]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^tlslab: handshake failed: sent fatal alert unknown_ca \(48\) to server/);
  });

  it('reports the alert OpenSSL sends when no suite is in common', async () => {
    const only256 = await sServer('ecdsa-p256', ['-ciphersuites', 'TLS_AES_256_GCM_SHA384']);
    const r = await tlslabRun(['connect', `127.0.0.1:${only256.port}`, '--servername', HOST, '--ca', pki.rootFile, '--suites', 'TLS_AES_128_GCM_SHA256']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe('tlslab: handshake failed: received fatal alert handshake_failure (40) from server');
  });

  it('says so when nothing listens', async () => {
    const port = await freePort();
    const r = await tlslabRun(['connect', `127.0.0.1:${port}`]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(`tlslab: cannot connect to 127.0.0.1:${port}: connection refused`);
  });
});

describe('openssl s_client → tlslab serve', () => {
  const request = 'GET /from-openssl HTTP/1.1\r\nHost: localhost\r\n\r\n';

  it('serves with a generated demo chain whose root it writes to a file it names', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'tlslab-serve-'));
    const port = await freePort();
    const serve = tlslab(['serve', '--port', String(port), '--once'], { cwd });
    await serve.waitFor(`listening on 127.0.0.1:${port}`);
    expect(serve.output()).toContain('.tlslab/demo-root.pem');
    const rootFile = join(cwd, '.tlslab', 'demo-root.pem');
    expect(existsSync(rootFile)).toBe(true);
    const client = spawnProcess('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-servername', 'localhost', '-verify_hostname', 'localhost', '-CAfile', rootFile, '-verify_return_error', '-tls1_3', '-ign_eof'], { stdin: request });
    spawned.push(client);
    const code = await client.exited;
    const out = client.output();
    expect(out).toContain('Verify return code: 0 (ok)');
    expect(out).toMatch(/New, TLSv1\.3, Cipher is TLS_AES_128_GCM_SHA256/);
    expect(out).toContain('HTTP/1.1 200 OK');
    expect(out).toContain('Hello from TLS Lab.');
    expect(out).toContain('Your request: GET /from-openssl HTTP/1.1');
    expect(code).toBe(0);
    expect(await serve.exited).toBe(0);
    rmSync(cwd, { recursive: true, force: true });
  });

  it('serves a PEM chain and key made by openssl (RSA, CHACHA20, secp256r1)', async () => {
    const port = await freePort();
    const pair = pki.server['rsa-2048'];
    const serve = tlslab(['serve', '--port', String(port), '--once', '--cert', pair.chainFile, '--key', pair.keyFile, '--suites', 'TLS_CHACHA20_POLY1305_SHA256', '--groups', 'secp256r1']);
    await serve.waitFor(`listening on 127.0.0.1:${port}`);
    const client = spawnProcess('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-servername', HOST, '-verify_hostname', HOST, '-CAfile', pki.rootFile, '-verify_return_error', '-tls1_3', '-groups', 'X25519:P-256', '-ign_eof'], { stdin: request });
    spawned.push(client);
    await client.exited;
    const out = client.output();
    expect(out).toContain('Verify return code: 0 (ok)');
    expect(out).toMatch(/Cipher is TLS_CHACHA20_POLY1305_SHA256/);
    expect(out).toMatch(/Peer signature type: RSA-PSS/);
    expect(out).toContain('over secp256r1');
    expect(out).toContain('after a HelloRetryRequest'); // s_client's first key share is X25519
    expect(await serve.exited).toBe(0);
    expect(serve.output()).toMatch(/handshake done: TLS 1\.3, TLS_CHACHA20_POLY1305_SHA256, secp256r1, rsa_pss_rsae_sha256/);
  });

  it('reports the alert of an s_client that does not trust the root', async () => {
    const port = await freePort();
    const pair = pki.server['ed25519'];
    const serve = tlslab(['serve', '--port', String(port), '--once', '--cert', pair.chainFile, '--key', pair.keyFile]);
    await serve.waitFor(`listening on 127.0.0.1:${port}`);
    const client = spawnProcess('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-servername', HOST, '-CAfile', pki.untrustedRootFile, '-verify_return_error', '-tls1_3'], { stdin: '' });
    spawned.push(client);
    await client.exited;
    expect(client.output()).toMatch(/verify error|unable to get local issuer certificate/);
    expect(await serve.exited).toBe(1);
    expect(serve.output()).toMatch(/handshake failed: received fatal alert unknown_ca \(48\) from client/);
  });
});
