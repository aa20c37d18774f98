/**
 * `--keylog FILE` and SSLKEYLOGFILE (the NSS key log Wireshark reads), in-process with a
 * captured Io:
 *   - `simulate --keylog`: the five TLS 1.3 lines / the TLS 1.2 CLIENT_RANDOM line, with the
 *     ClientHello's random and the secrets the --json stream shows; lines are appended;
 *   - `connect --keylog` → a node:tls server, and a node:tls client → `serve --once --keylog`
 *     (TLS 1.3 and 1.2): the lines we wrote are exactly the lines OpenSSL logged for the same
 *     connection, and they are in the file while the connection is still running;
 *   - SSLKEYLOGFILE is used by connect when --keylog is absent (and --keylog wins over it).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tls from 'node:tls';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main';
import type { Io } from '../src/cli/output';
import { freePort, makeOpensslPki, serveInProcess, type OpensslPki } from './interop-helpers';

const HOST = 'server.tlslab.test';
const TLS13_LABELS = ['CLIENT_HANDSHAKE_TRAFFIC_SECRET', 'SERVER_HANDSHAKE_TRAFFIC_SECRET', 'CLIENT_TRAFFIC_SECRET_0', 'SERVER_TRAFFIC_SECRET_0', 'EXPORTER_SECRET'];

let pki: OpensslPki;
let dir: string;
let fileNo = 0;
const closers: (() => void)[] = [];

beforeAll(() => {
  pki = makeOpensslPki();
  dir = mkdtempSync(join(tmpdir(), 'tlslab-keylog-'));
}, 30_000);

afterAll(() => {
  for (const c of closers) c();
  pki?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A fresh (not yet existing) file name in the test's temporary directory. */
function newFile(): string {
  return join(dir, `keylog-${++fileNo}.txt`);
}

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: Io = { out: (t) => void (out += t), err: (t) => void (err += t), isTty: false };
  const code = await main(argv, io);
  return { code, out, err };
}

/** The key log file's lines; the file must exist and end with a newline. */
function keyLogLines(file: string): string[] {
  expect(existsSync(file), `${file} exists`).toBe(true);
  const text = readFileSync(file, 'utf8');
  expect(text.endsWith('\n'), 'every line ends with a newline').toBe(true);
  return text.split('\n').filter((l) => l.length > 0);
}

const norm = (lines: readonly string[]): string[] => [...new Set(lines.map((l) => l.trim().toLowerCase()).filter(Boolean))].sort();

/** Checks `ours` (from our file) against `theirs` (node:tls's keylog events): same set, non-empty. */
function expectSameLines(ours: string[], theirs: string[], labels: string[]): void {
  expect(ours.length).toBeGreaterThan(0);
  expect(theirs.length).toBeGreaterThan(0);
  expect(ours.map((l) => l.split(' ')[0]).sort()).toEqual([...labels].sort());
  for (const l of ours) expect(l).toMatch(/^[A-Z_0-9]+ [0-9a-f]{64} [0-9a-f]+$/);
  expect(norm(ours)).toEqual(norm(theirs));
}

interface KeyLogServer {
  port: number;
  /** node:tls's key log lines, in order. */
  lines: string[];
  /** Our key log file's lines at the moment the request arrived (the connection still open). */
  linesAtRequest: string[] | undefined;
}

/** A node:tls server that records its key log and answers one HTTP request per connection. */
async function startKeyLogServer(version: '1.2' | '1.3', watchFile: () => string | undefined): Promise<KeyLogServer> {
  const pair = pki.server['ecdsa-p256'];
  const v = version === '1.3' ? 'TLSv1.3' : 'TLSv1.2';
  const state: KeyLogServer = { port: 0, lines: [], linesAtRequest: undefined };
  const server = tls.createServer({ key: pair.keyPem, cert: pair.chainPem, minVersion: v, maxVersion: v }, (sock) => {
    let buf = '';
    sock.on('data', (d: Buffer) => {
      buf += d.toString('utf8');
      if (!buf.includes('\r\n\r\n')) return;
      const f = watchFile();
      state.linesAtRequest = f && existsSync(f) ? readFileSync(f, 'utf8').split('\n').filter(Boolean) : [];
      const body = 'hello from node:tls\n';
      sock.end(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`);
    });
    sock.on('error', () => {});
  });
  server.on('keylog', (line: Buffer) => state.lines.push(line.toString('ascii')));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(() => server.close());
  const addr = server.address();
  state.port = typeof addr === 'object' && addr ? addr.port : 0;
  return state;
}

describe('--help', () => {
  it.each(['connect', 'serve', 'simulate'])('%s --help lists --keylog FILE', async (cmd) => {
    const r = await run([cmd, '--help']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/--keylog FILE +append the NSS key log/);
    if (cmd === 'simulate') expect(r.out).not.toContain('SSLKEYLOGFILE');
    else expect(r.out).toContain('$SSLKEYLOGFILE');
  });

  it('an unwritable --keylog path is a usage error, before anything runs', async () => {
    const r = await run(['simulate', '--seed', 'k', '--keylog', join(dir, 'no-such-dir', 'k.txt')]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^tlslab: cannot write the key log .*no-such-dir.*: no such directory\n$/);
    expect(r.out).toBe('');
  });
});

describe('simulate --keylog', () => {
  it('TLS 1.3: five lines with the ClientHello random and the secrets of the run', async () => {
    const file = newFile();
    const r = await run(['simulate', '--seed', 'keylog', '--json', '--keylog', file]);
    expect(r.code, r.err).toBe(0);
    const lines = keyLogLines(file);
    expect(lines).toHaveLength(5);
    expect(lines.map((l) => l.split(' ')[0])).toEqual(expect.arrayContaining(TLS13_LABELS));
    const events = r.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; side: string; name?: string; bytes?: string; value?: string });
    const ch = events.find((e) => e.type === 'handshake' && e.side === 'client' && e.name === 'ClientHello')!;
    // msg_type (1) ‖ length (3) ‖ legacy_version (2) ‖ random (32)
    const random = ch.bytes!.slice(12, 76);
    expect(random).toMatch(/^[0-9a-f]{64}$/);
    const secret = (name: string): string => events.find((e) => e.type === 'secret' && e.side === 'client' && e.name === name)!.value!;
    const byName: Record<string, string> = {
      CLIENT_HANDSHAKE_TRAFFIC_SECRET: 'client_handshake_traffic_secret',
      SERVER_HANDSHAKE_TRAFFIC_SECRET: 'server_handshake_traffic_secret',
      CLIENT_TRAFFIC_SECRET_0: 'client_application_traffic_secret_0',
      SERVER_TRAFFIC_SECRET_0: 'server_application_traffic_secret_0',
      EXPORTER_SECRET: 'exporter_master_secret',
    };
    for (const l of lines) {
      const [label, cr, value] = l.split(' ');
      expect(cr).toBe(random);
      expect(value).toMatch(/^[0-9a-f]{64}$/); // SHA-256 suite
      expect(value, label).toBe(secret(byName[label!]!));
    }
  });

  it('TLS 1.2: one CLIENT_RANDOM line with the 48-byte master secret', async () => {
    const file = newFile();
    const r = await run(['simulate', '--seed', 'keylog12', '--tls', '1.2', '--json', '--keylog', file]);
    expect(r.code, r.err).toBe(0);
    const lines = keyLogLines(file);
    expect(lines).toHaveLength(1);
    const events = r.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; side: string; name?: string; bytes?: string; value?: string });
    const ch = events.find((e) => e.type === 'handshake' && e.side === 'client' && e.name === 'ClientHello')!;
    const master = events.find((e) => e.type === 'secret' && e.side === 'client' && e.name === 'master_secret')!.value!;
    expect(lines[0]).toMatch(/^CLIENT_RANDOM [0-9a-f]{64} [0-9a-f]{96}$/);
    expect(lines[0]).toBe(`CLIENT_RANDOM ${ch.bytes!.slice(12, 76)} ${master}`);
  });

  it('appends to an existing file, and ignores SSLKEYLOGFILE', async () => {
    const file = newFile();
    writeFileSync(file, '# an earlier line\n');
    const envFile = newFile();
    const saved = process.env.SSLKEYLOGFILE;
    process.env.SSLKEYLOGFILE = envFile;
    try {
      expect((await run(['simulate', '--seed', 'a', '--keylog', file])).code).toBe(0);
      expect((await run(['simulate', '--seed', 'b', '--keylog', file])).code).toBe(0);
      expect((await run(['simulate', '--seed', 'c'])).code).toBe(0);
    } finally {
      if (saved === undefined) delete process.env.SSLKEYLOGFILE;
      else process.env.SSLKEYLOGFILE = saved;
    }
    const lines = keyLogLines(file);
    expect(lines[0]).toBe('# an earlier line');
    expect(lines).toHaveLength(11);
    expect(new Set(lines.slice(1).map((l) => l.split(' ')[1])).size).toBe(2); // two runs, two randoms
    expect(existsSync(envFile)).toBe(false);
  });
});

describe.each(['1.3', '1.2'] as const)("TLS %s: our key log = OpenSSL's key log for the same connection", (v) => {
  const labels = v === '1.3' ? TLS13_LABELS : ['CLIENT_RANDOM'];

  it('connect --keylog → node:tls server', async () => {
    const file = newFile();
    const srv = await startKeyLogServer(v, () => file);
    const r = await run(['connect', `127.0.0.1:${srv.port}`, '--servername', HOST, '--ca', pki.rootFile, '--tls', v, '--keylog', file]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('hello from node:tls');
    expectSameLines(keyLogLines(file), srv.lines, labels);
    // Written as the secrets were derived: all of them were in the file before the answer.
    expect(norm(srv.linesAtRequest ?? [])).toEqual(norm(srv.lines));
  });

  it('node:tls client → serve --once --keylog', async () => {
    const file = newFile();
    const cwd = mkdtempSync(join(tmpdir(), 'tlslab-keylog-serve-'));
    closers.push(() => rmSync(cwd, { recursive: true, force: true }));
    const port = await freePort();
    const serve = serveInProcess(['serve', '--port', String(port), '--once', '--tls', v, '--keylog', file], cwd);
    closers.push(serve.stop);
    await serve.waitFor('listening on');
    const nodeLines: string[] = [];
    let linesAtAnswer: string[] = [];
    const answer = await new Promise<string>((resolve, reject) => {
      const tv = v === '1.3' ? 'TLSv1.3' : 'TLSv1.2';
      const sock = tls.connect({
        host: '127.0.0.1',
        port,
        servername: 'localhost',
        ca: readFileSync(join(cwd, '.tlslab', 'demo-root.pem'), 'utf8'),
        minVersion: tv,
        maxVersion: tv,
      });
      let got = '';
      sock.on('keylog', (line: Buffer) => nodeLines.push(line.toString('ascii')));
      sock.on('secureConnect', () => sock.write('GET /keylog HTTP/1.1\r\nHost: localhost\r\n\r\n'));
      sock.on('data', (d: Buffer) => {
        if (got === '') linesAtAnswer = existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
        got += d.toString('utf8');
      });
      sock.on('error', reject);
      sock.on('close', () => resolve(got));
    });
    expect(answer).toContain('Hello from TLS Lab.');
    expect(await serve.exited, serve.output()).toBe(0);
    expectSameLines(keyLogLines(file), nodeLines, labels);
    expect(norm(linesAtAnswer)).toEqual(norm(nodeLines));
  });
});

describe('SSLKEYLOGFILE', () => {
  let saved: string | undefined;
  beforeAll(() => {
    saved = process.env.SSLKEYLOGFILE;
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.SSLKEYLOGFILE;
    else process.env.SSLKEYLOGFILE = saved;
  });

  it('connect writes the key log there when --keylog is absent', async () => {
    const file = newFile();
    process.env.SSLKEYLOGFILE = file;
    const srv = await startKeyLogServer('1.3', () => file);
    const r = await run(['connect', `127.0.0.1:${srv.port}`, '--servername', HOST, '--ca', pki.rootFile]);
    expect(r.code, r.err).toBe(0);
    expectSameLines(keyLogLines(file), srv.lines, TLS13_LABELS);
  });

  it('--keylog wins over SSLKEYLOGFILE', async () => {
    const envFile = newFile();
    const file = newFile();
    process.env.SSLKEYLOGFILE = envFile;
    const srv = await startKeyLogServer('1.3', () => file);
    const r = await run(['connect', `127.0.0.1:${srv.port}`, '--servername', HOST, '--ca', pki.rootFile, '--keylog', file]);
    expect(r.code, r.err).toBe(0);
    expectSameLines(keyLogLines(file), srv.lines, TLS13_LABELS);
    expect(existsSync(envFile)).toBe(false);
  });

  it('an unwritable SSLKEYLOGFILE is a note, not a failure', async () => {
    process.env.SSLKEYLOGFILE = join(dir, 'no-such-dir', 'k.txt');
    const srv = await startKeyLogServer('1.3', () => undefined);
    const r = await run(['connect', `127.0.0.1:${srv.port}`, '--servername', HOST, '--ca', pki.rootFile]);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/tlslab: note: not writing the key log: cannot write SSLKEYLOGFILE .*no-such-dir.*: no such directory/);
  });
});
