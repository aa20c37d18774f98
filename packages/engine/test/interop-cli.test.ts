/**
 * The `tlslab` command against the `openssl` command, as a person would use them (spawned
 * processes on random free ports, always killed at the end):
 *   - `tlslab connect` → `openssl s_server -www` (ECDSA and RSA leaves, suite and group choice,
 *     --trace, --json, and the one-line errors for an untrusted root and no common suite);
 *   - `openssl s_client` → `tlslab serve` (generated demo chain and its root file, a PEM
 *     chain + key from openssl, and an s_client that does not trust the root);
 *   - TLS 1.2 (ECDHE and RSA key transport) and mutual TLS (1.3 and 1.2) both ways, with the
 *     alerts OpenSSL and tlslab send for a missing or untrusted client certificate.
 */
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { connect as netConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main';
import type { Io } from '../src/cli/output';
import { freePort, makeOpensslPki, serveInProcess as startServe, spawnProcess, type InProcessServer, type OpensslPki, type Spawned } from './interop-helpers';

const ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const MAIN = join(ROOT, 'packages', 'engine', 'src', 'cli', 'main.ts');
const HOST = 'server.tlslab.test';

let pki: OpensslPki;
const spawned: Spawned[] = [];
let workDir: string;

/**
 * Runs a command in this process (cli/main.ts's code with a captured Io): most cases run this
 * way, because each `tsx` process costs seconds on a busy 2-core machine. A few cases spawn the
 * real `tlslab` process to prove the command line itself (argv, exit code, stdout/stderr).
 */
async function inProcess(args: string[]): Promise<Done> {
  let stdout = '';
  let stderr = '';
  const io: Io = { out: (t) => void (stdout += t), err: (t) => void (stderr += t), isTty: false };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

/** `tlslab serve …` in this process, stopped after each test. */
function serveInProcess(args: string[], cwd = workDir): InProcessServer {
  const server = startServe(args, cwd);
  stops.push(server.stop);
  return server;
}

const stops: (() => void)[] = [];

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

async function sServer(keyType: 'ecdsa-p256' | 'rsa-2048' | 'ed25519', extra: string[] = [], version = '-tls1_3'): Promise<{ port: number; proc: Spawned }> {
  const port = await freePort();
  const pair = pki.server[keyType];
  const proc = spawnProcess('openssl', [
    's_server',
    '-accept',
    `127.0.0.1:${port}`,
    '-cert',
    pair.certFile,
    '-cert_chain',
    join(pki.dir, 'inter.pem'),
    '-key',
    pair.keyFile,
    '-www',
    version,
    '-naccept',
    '20',
    ...extra,
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
  for (const stop of stops) stop();
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
    const r = await inProcess([
      'connect',
      `127.0.0.1:${rsa.port}`,
      '--servername',
      HOST,
      '--ca',
      pki.rootFile,
      '--suites',
      'TLS_CHACHA20_POLY1305_SHA256',
      '--groups',
      'secp256r1',
    ]);
    expect(r.stderr).toMatch(/TLS 1\.3, TLS_CHACHA20_POLY1305_SHA256, secp256r1, rsa_pss_rsae_sha256; certificate verified/);
    // s_server -www prints the cipher it negotiated in its page.
    expect(r.stdout).toContain('TLS_CHACHA20_POLY1305_SHA256');
    expect(r.code).toBe(0);
  });

  it('--trace explains every record, field, secret and certificate check', async () => {
    const r = await inProcess(['connect', `127.0.0.1:${ecdsa.port}`, '--servername', HOST, '--ca', pki.rootFile, '--trace']);
    expect(r.code).toBe(0);
    const t = r.stdout;
    for (const s of [
      'ClientHello',
      'ServerHello',
      'EncryptedExtensions',
      'Certificate',
      'CertificateVerify',
      'Finished',
      'legacy_session_id',
      'cipher_suites',
      'key_share',
      'client_handshake_traffic_secret',
      'server_application_traffic_secret_0',
      'formula',
      'nonce     =',
      'sequence number = 0',
      'inner content type handshake',
      '✓ pass',
      'cert-report',
      'application data',
      '| GET / HTTP/1.1\\r\\n',
    ]) {
      expect(t, s).toContain(s);
    }
    expect(t).not.toContain('\x1b['); // not a TTY: no colour
  });

  it('--json prints one JSON event per line, bytes as hex', async () => {
    const r = await inProcess(['connect', `127.0.0.1:${ecdsa.port}`, '--servername', HOST, '--ca', pki.rootFile, '--json']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    const events = lines.map((l) => JSON.parse(l) as { type: string; seq: number; bytes?: string });
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i));
    const rec = events.find((e) => e.type === 'record')!;
    expect(rec.bytes).toMatch(/^16030[13][0-9a-f]+$/);
    for (const ty of ['record', 'handshake', 'secret', 'cert-check', 'appdata', 'negotiated'])
      expect(
        events.some((e) => e.type === ty),
        ty,
      ).toBe(true);
  });

  it('fails with one clear line when it does not trust the root', async () => {
    const r = await tlslabRun(['connect', `127.0.0.1:${ecdsa.port}`, '--servername', HOST, '--ca', pki.untrustedRootFile]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^tlslab: handshake failed: sent fatal alert unknown_ca \(48\) to server/);
  });

  it('--insecure connects despite an untrusted root, and says the certificate was not verified', async () => {
    const r = await inProcess(['connect', `127.0.0.1:${ecdsa.port}`, '--servername', HOST, '--ca', pki.untrustedRootFile, '--insecure']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/certificate NOT verified \(.+; --insecure\)/);
    expect(r.stdout).toContain('HTTP/1.0 200 ok');
  });

  it('reports the alert OpenSSL sends when no suite is in common', async () => {
    const only256 = await sServer('ecdsa-p256', ['-ciphersuites', 'TLS_AES_256_GCM_SHA384']);
    const r = await inProcess(['connect', `127.0.0.1:${only256.port}`, '--servername', HOST, '--ca', pki.rootFile, '--suites', 'TLS_AES_128_GCM_SHA256']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe('tlslab: handshake failed: received fatal alert handshake_failure (40) from server');
  });

  it("checks an IP address against the certificate's IP SANs when no --servername is given", async () => {
    const r = await inProcess(['connect', `127.0.0.1:${ecdsa.port}`, '--ca', pki.rootFile, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const host = r.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { type: string; check?: { id: string; pass: boolean; compared: string } })
      .find((e) => e.type === 'cert-check' && e.check?.id === 'hostname');
    expect(host?.check).toMatchObject({ pass: true, compared: expect.stringContaining('IP 127.0.0.1') });
  });

  it('says so when nothing listens', async () => {
    const port = await freePort();
    const r = await inProcess(['connect', `127.0.0.1:${port}`, '--ca', pki.rootFile]);
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
    const client = spawnProcess(
      'openssl',
      [
        's_client',
        '-connect',
        `127.0.0.1:${port}`,
        '-servername',
        'localhost',
        '-verify_hostname',
        'localhost',
        '-CAfile',
        rootFile,
        '-verify_return_error',
        '-tls1_3',
        '-alpn',
        'h2,http/1.1',
        '-ign_eof',
      ],
      { stdin: request },
    );
    spawned.push(client);
    const code = await client.exited;
    const out = client.output();
    expect(out).toContain('Verify return code: 0 (ok)');
    expect(out).toMatch(/New, TLSv1\.3, Cipher is TLS_AES_128_GCM_SHA256/);
    expect(out).toContain('HTTP/1.1 200 OK');
    expect(out).toContain('Hello from TLS Lab.');
    expect(out).toContain('Your request: GET /from-openssl HTTP/1.1');
    expect(out).toContain('ALPN: http/1.1.'); // serve accepts http/1.1 by default
    expect(code).toBe(0);
    expect(await serve.exited).toBe(0);
    rmSync(cwd, { recursive: true, force: true });
  });

  it('serves a PEM chain and key made by openssl (RSA, CHACHA20, secp256r1)', async () => {
    const port = await freePort();
    const pair = pki.server['rsa-2048'];
    const serve = serveInProcess([
      'serve',
      '--port',
      String(port),
      '--once',
      '--cert',
      pair.chainFile,
      '--key',
      pair.keyFile,
      '--suites',
      'TLS_CHACHA20_POLY1305_SHA256',
      '--groups',
      'secp256r1',
      '--trace',
    ]);
    await serve.waitFor(`listening on 127.0.0.1:${port}`);
    const client = spawnProcess(
      'openssl',
      [
        's_client',
        '-connect',
        `127.0.0.1:${port}`,
        '-servername',
        HOST,
        '-verify_hostname',
        HOST,
        '-CAfile',
        pki.rootFile,
        '-verify_return_error',
        '-tls1_3',
        '-groups',
        'X25519:P-256',
        '-ign_eof',
      ],
      { stdin: request },
    );
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
    // --trace: every line of the connection's trace carries its number, then a summary.
    expect(serve.output()).toMatch(/#1 .*server sent HelloRetryRequest/);
    expect(serve.output()).toMatch(/#1 .*server secret server_handshake_traffic_secret/);
    expect(serve.output()).toContain('#1 ── summary ──');
  });

  it('reports the alert of an s_client that does not trust the root', async () => {
    const port = await freePort();
    const pair = pki.server['ed25519'];
    const serve = serveInProcess(['serve', '--port', String(port), '--once', '--cert', pair.chainFile, '--key', pair.keyFile]);
    await serve.waitFor(`listening on 127.0.0.1:${port}`);
    const client = spawnProcess(
      'openssl',
      ['s_client', '-connect', `127.0.0.1:${port}`, '-servername', HOST, '-CAfile', pki.untrustedRootFile, '-verify_return_error', '-tls1_3'],
      { stdin: '' },
    );
    spawned.push(client);
    await client.exited;
    expect(client.output()).toMatch(/verify error|unable to get local issuer certificate/);
    expect(await serve.exited).toBe(1);
    expect(serve.output()).toMatch(/handshake failed: received fatal alert unknown_ca \(48\) from client/);
  });
});

describe('tlslab serve → tlslab connect with the demo chain', () => {
  it('verifies as localhost and as 127.0.0.1 without --servername, and as an extra --servername', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'tlslab-demo-'));
    const port = await freePort();
    const serve = serveInProcess(['serve', '--port', String(port), '--key-type', 'ed25519', '--servername', 'demo.tlslab.test'], cwd);
    await serve.waitFor(`listening on 127.0.0.1:${port}`);
    expect(serve.output()).toContain('ed25519 leaf for demo.tlslab.test, localhost, 127.0.0.1, ::1');
    const ca = join(cwd, '.tlslab', 'demo-root.pem');
    for (const target of [`127.0.0.1:${port}`, `localhost:${port}`]) {
      const r = await inProcess(['connect', target, '--ca', ca]);
      expect(r.code, `${target}: ${r.stderr}`).toBe(0);
      expect(r.stderr).toContain('ed25519; certificate verified');
    }
    const r = await inProcess(['connect', `127.0.0.1:${port}`, '--ca', ca, '--servername', 'demo.tlslab.test']);
    expect(r.code, r.stderr).toBe(0);
    const wrong = await inProcess(['connect', `127.0.0.1:${port}`, '--ca', ca, '--servername', 'other.tlslab.test']);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/sent fatal alert bad_certificate \(42\) to server/);
    rmSync(cwd, { recursive: true, force: true });
  });
});

describe('tlslab serve with a key of another certificate', () => {
  it('refuses to start, naming both files', async () => {
    const r = await inProcess(['serve', '--port', '0', '--cert', pki.server['ecdsa-p256'].chainFile, '--key', pki.client.keyFile]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^tlslab: .*client\.key and .*server-ecdsa-p256-chain\.pem: the private key \(.+\) does not belong to the certificate \(.+\)\n$/);
  });
});

describe('tlslab serve and a peer that does not speak TLS', () => {
  it('answers plain HTTP with a fatal alert and a one-line report, and keeps serving', async () => {
    const port = await freePort();
    const serve = serveInProcess(['serve', '--port', String(port), '--cert', pki.server['ecdsa-p256'].chainFile, '--key', pki.server['ecdsa-p256'].keyFile]);
    await serve.waitFor(`listening on 127.0.0.1:${port}`);
    const reply = await new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      const sock = netConnect({ host: '127.0.0.1', port }, () => sock.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
      sock.on('data', (d: Buffer) => chunks.push(d));
      sock.on('close', () => resolve(Buffer.concat(chunks)));
      sock.on('error', reject);
    });
    // A plaintext alert record: content type 21, level fatal (2).
    expect([reply[0], reply[5]]).toEqual([21, 2]);
    await serve.waitFor('handshake failed: sent fatal alert');
    expect(serve.output()).toMatch(/#1 127\.0\.0\.1:\d+: handshake failed: sent fatal alert \w+ \(\d+\) to client/);
    // Still serving: a real TLS client gets its answer.
    const r = await inProcess(['connect', `127.0.0.1:${port}`, '--servername', HOST, '--ca', pki.rootFile]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Hello from TLS Lab.');
  });
});

describe('TLS 1.2 with the openssl command', () => {
  const request = 'GET /tls12 HTTP/1.1\r\nHost: localhost\r\n\r\n';

  it('tlslab connect --tls 1.2 → openssl s_server -tls1_2 (ECDHE-RSA, then RSA key transport)', async () => {
    const srv = await sServer('rsa-2048', [], '-tls1_2');
    let r = await inProcess(['connect', `127.0.0.1:${srv.port}`, '--servername', HOST, '--ca', pki.rootFile, '--tls', '1.2', '--suites', 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384']);
    expect(r.stderr).toMatch(/TLS 1\.2, TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, x25519/);
    expect(r.stdout).toContain('ECDHE-RSA-AES256-GCM-SHA384');
    expect(r.code).toBe(0);
    r = await inProcess(['connect', `127.0.0.1:${srv.port}`, '--servername', HOST, '--ca', pki.rootFile, '--tls', '1.2', '--suites', 'TLS_RSA_WITH_AES_128_GCM_SHA256']);
    expect(r.stderr).toMatch(/TLS 1\.2, TLS_RSA_WITH_AES_128_GCM_SHA256/);
    expect(r.stdout).toContain('AES128-GCM-SHA256');
    expect(r.code).toBe(0);
  });

  it('openssl s_client -tls1_2 → tlslab serve --tls 1.2 with RSA key transport', async () => {
    const port = await freePort();
    const pair = pki.server['rsa-2048'];
    const serve = serveInProcess([
      'serve',
      '--port',
      String(port),
      '--once',
      '--tls',
      '1.2',
      '--cert',
      pair.chainFile,
      '--key',
      pair.keyFile,
      '--suites',
      'TLS_RSA_WITH_AES_256_GCM_SHA384',
      '--json',
    ]);
    await serve.waitFor(`listening on 127.0.0.1:${port}`);
    const client = spawnProcess(
      'openssl',
      [
        's_client',
        '-connect',
        `127.0.0.1:${port}`,
        '-servername',
        HOST,
        '-verify_hostname',
        HOST,
        '-CAfile',
        pki.rootFile,
        '-verify_return_error',
        '-tls1_2',
        '-cipher',
        'AES256-GCM-SHA384',
        '-ign_eof',
      ],
      { stdin: request },
    );
    spawned.push(client);
    await client.exited;
    const out = client.output();
    expect(out).toContain('Verify return code: 0 (ok)');
    expect(out).toMatch(/Cipher is AES256-GCM-SHA384/);
    expect(out).toMatch(/Extended master secret: yes/);
    expect(out).toContain('(RSA key transport)');
    expect(await serve.exited).toBe(0);
    // --json: JSON lines (each with its connection number), status lines prefixed `tlslab:`.
    const json = serve
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { connection: number; type: string; name?: string });
    expect(json.every((e) => e.connection === 1)).toBe(true);
    expect(json.some((e) => e.type === 'secret' && e.name === 'pre_master_secret')).toBe(true);
  });
});

describe.each([
  { v: '1.3', flag: '-tls1_3', noCert: 'certificate_required (116)' },
  { v: '1.2', flag: '-tls1_2', noCert: 'handshake_failure (40)' },
])('mutual TLS $v with the openssl command', ({ v, flag, noCert }) => {
  const request = 'GET /mtls HTTP/1.1\r\nHost: localhost\r\n\r\n';
  let verifying: { port: number };
  beforeAll(async () => {
    // -Verify: a client certificate is required; -verify_return_error: a bad one is fatal.
    verifying = await sServer('ecdsa-p256', ['-Verify', '2', '-CAfile', pki.rootFile, '-verify_return_error'], flag);
  }, 30_000);

  it('tlslab connect --cert --key → openssl s_server -Verify: accepted', async () => {
    const r = await inProcess([
      'connect',
      `127.0.0.1:${verifying.port}`,
      '--servername',
      HOST,
      '--ca',
      pki.rootFile,
      '--tls',
      v,
      '--cert',
      pki.client.chainFile,
      '--key',
      pki.client.keyFile,
    ]);
    expect(r.stderr).toMatch(new RegExp(`connected to 127\\.0\\.0\\.1:\\d+: TLS ${v.replace('.', '\\.')}`));
    expect(r.stdout).toContain('HTTP/1.0 200 ok');
    expect(r.code).toBe(0);
  });

  it(`tlslab connect without a certificate → openssl s_server -Verify: ${noCert}`, async () => {
    const r = await inProcess(['connect', `127.0.0.1:${verifying.port}`, '--servername', HOST, '--ca', pki.rootFile, '--tls', v]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toMatch(
      new RegExp(`^tlslab: (handshake failed|connection failed after the handshake): received fatal alert ${noCert.replace(/[()]/g, '\\$&')} from server$`),
    );
  });

  it('tlslab connect with an untrusted certificate → openssl s_server -Verify: unknown_ca', async () => {
    const r = await inProcess([
      'connect',
      `127.0.0.1:${verifying.port}`,
      '--servername',
      HOST,
      '--ca',
      pki.rootFile,
      '--tls',
      v,
      '--cert',
      pki.untrustedClient.chainFile,
      '--key',
      pki.untrustedClient.keyFile,
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toMatch(/received fatal alert unknown_ca \(48\) from server$/);
  });

  it('openssl s_client -cert → tlslab serve --require-client-cert: verified and reported', async () => {
    const port = await freePort();
    const serve = serveInProcess(['serve', '--port', String(port), '--once', '--tls', v, '--ca', pki.rootFile, '--require-client-cert']);
    await serve.waitFor(`listening on 127.0.0.1:${port}`);
    const client = spawnProcess(
      'openssl',
      [
        's_client',
        '-connect',
        `127.0.0.1:${port}`,
        '-servername',
        'localhost',
        '-CAfile',
        join(workDir, '.tlslab', 'demo-root.pem'),
        '-verify_return_error',
        flag,
        '-cert',
        pki.client.certFile,
        '-cert_chain',
        join(pki.dir, 'inter.pem'),
        '-key',
        pki.client.keyFile,
        '-ign_eof',
      ],
      { stdin: request },
    );
    spawned.push(client);
    await client.exited;
    expect(client.output()).toContain('Client certificate: CN=TLS Lab Interop Client — verified.');
    expect(await serve.exited).toBe(0);
  });

  it(`openssl s_client without a certificate → tlslab serve --require-client-cert: ${noCert}`, async () => {
    const port = await freePort();
    const serve = serveInProcess(['serve', '--port', String(port), '--once', '--tls', v, '--ca', pki.rootFile, '--require-client-cert']);
    await serve.waitFor(`listening on 127.0.0.1:${port}`);
    const client = spawnProcess(
      'openssl',
      ['s_client', '-connect', `127.0.0.1:${port}`, '-servername', 'localhost', '-CAfile', join(workDir, '.tlslab', 'demo-root.pem'), flag, '-ign_eof'],
      { stdin: request },
    );
    spawned.push(client);
    await client.exited;
    expect(client.output()).not.toContain('Hello from TLS Lab');
    expect(await serve.exited).toBe(1);
    expect(serve.output()).toContain(`sent fatal alert ${noCert} to client`);
  });

  it('openssl s_client with an untrusted certificate → tlslab serve --request-client-cert: unknown_ca', async () => {
    const port = await freePort();
    const serve = serveInProcess(['serve', '--port', String(port), '--once', '--tls', v, '--ca', pki.rootFile, '--request-client-cert']);
    await serve.waitFor(`listening on 127.0.0.1:${port}`);
    const client = spawnProcess(
      'openssl',
      [
        's_client',
        '-connect',
        `127.0.0.1:${port}`,
        '-servername',
        'localhost',
        '-CAfile',
        join(workDir, '.tlslab', 'demo-root.pem'),
        flag,
        '-cert',
        pki.untrustedClient.certFile,
        '-key',
        pki.untrustedClient.keyFile,
        '-ign_eof',
      ],
      { stdin: request },
    );
    spawned.push(client);
    await client.exited;
    expect(client.output()).toMatch(/alert unknown ca/i);
    expect(await serve.exited).toBe(1);
    expect(serve.output()).toContain('sent fatal alert unknown_ca (48) to client');
  });
});
