/**
 * Shared helpers of the interop tests: a certificate hierarchy made by the `openssl` command
 * (root CA → intermediate CA → leaf, one leaf per server key type, plus client certificates
 * and an untrusted CA), PEM → DER, free ports, and spawned processes that are always killed.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServerKeyType } from '../src/crypto/keys';
import type { Io } from '../src/cli/output';
import { runServe } from '../src/cli/serve';

export interface PemPair {
  certFile: string;
  keyFile: string;
  /** Leaf then intermediate, as a server/client presents it. */
  chainFile: string;
  certPem: string;
  keyPem: string;
  chainPem: string;
}

export interface OpensslPki {
  dir: string;
  rootFile: string;
  rootPem: string;
  /** Server leaves, SAN DNS:localhost, DNS:server.tlslab.test, IP:127.0.0.1. */
  server: Record<ServerKeyType, PemPair>;
  /** A client certificate (ECDSA P-256, clientAuth) under the same root. */
  client: PemPair;
  /** Client certificates of every key type (clientAuth) under the same root. */
  clients: Record<ServerKeyType, PemPair>;
  /** A client certificate with an ECDSA P-384 key (ecdsa_secp384r1_sha384). */
  clientP384: PemPair;
  /** A CA nobody trusts, and a client certificate it issued. */
  untrustedRootFile: string;
  untrustedRootPem: string;
  untrustedClient: PemPair;
  cleanup(): void;
}

function ossl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

function newKeyArgs(type: ServerKeyType | 'ecdsa-p384'): string[] {
  switch (type) {
    case 'ecdsa-p384':
      return ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-384'];
    case 'ecdsa-p256':
      return ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'];
    case 'rsa-2048':
      return ['-newkey', 'rsa:2048'];
    case 'ed25519':
      return ['-newkey', 'ed25519'];
  }
}

/** Makes the whole hierarchy in a fresh temporary directory (about a second). */
export function makeOpensslPki(): OpensslPki {
  const dir = mkdtempSync(join(tmpdir(), 'tlslab-interop-'));
  const days = ['-days', '30'];
  const caExt = join(dir, 'ca.ext');
  writeFileSync(caExt, 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n');
  const serverExt = join(dir, 'server.ext');
  writeFileSync(
    serverExt,
    'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n' +
      'subjectAltName=DNS:localhost,DNS:server.tlslab.test,IP:127.0.0.1\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n',
  );
  const clientExt = join(dir, 'client.ext');
  writeFileSync(
    clientExt,
    'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n',
  );

  const selfSignedCa = (name: string, cn: string): void => {
    ossl(
      [
        'req',
        '-x509',
        ...newKeyArgs('ecdsa-p256'),
        '-nodes',
        '-keyout',
        `${name}.key`,
        '-out',
        `${name}.pem`,
        '-subj',
        `/CN=${cn}`,
        ...days,
        '-addext',
        'basicConstraints=critical,CA:TRUE',
        '-addext',
        'keyUsage=critical,keyCertSign,cRLSign',
      ],
      dir,
    );
  };
  const issue = (name: string, type: ServerKeyType | 'ecdsa-p384', cn: string, ca: string, ext: string): void => {
    ossl(['req', ...newKeyArgs(type), '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`], dir);
    ossl(['x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.pem`, '-CAkey', `${ca}.key`, '-CAcreateserial', '-out', `${name}.pem`, ...days, '-extfile', ext], dir);
  };
  const pair = (name: string, intermediate?: string): PemPair => {
    const certPem = readFileSync(join(dir, `${name}.pem`), 'utf8');
    const keyPem = readFileSync(join(dir, `${name}.key`), 'utf8');
    const chainPem = certPem + (intermediate ? readFileSync(join(dir, `${intermediate}.pem`), 'utf8') : '');
    const chainFile = join(dir, `${name}-chain.pem`);
    writeFileSync(chainFile, chainPem);
    return { certFile: join(dir, `${name}.pem`), keyFile: join(dir, `${name}.key`), chainFile, certPem, keyPem, chainPem };
  };

  selfSignedCa('root', 'TLS Lab Interop Root CA');
  issue('inter', 'ecdsa-p256', 'TLS Lab Interop Intermediate CA', 'root', caExt);
  const types: ServerKeyType[] = ['ecdsa-p256', 'rsa-2048', 'ed25519'];
  for (const t of types) issue(`server-${t}`, t, 'server.tlslab.test', 'inter', serverExt);
  issue('client', 'ecdsa-p256', 'TLS Lab Interop Client', 'inter', clientExt);
  for (const t of ['rsa-2048', 'ed25519', 'ecdsa-p384'] as const) issue(`client-${t}`, t, `TLS Lab Interop Client ${t}`, 'inter', clientExt);
  selfSignedCa('evil-root', 'Untrusted Root CA');
  issue('evil-client', 'ecdsa-p256', 'Untrusted Client', 'evil-root', clientExt);

  const server = Object.fromEntries(types.map((t) => [t, pair(`server-${t}`, 'inter')])) as Record<ServerKeyType, PemPair>;
  return {
    dir,
    rootFile: join(dir, 'root.pem'),
    rootPem: readFileSync(join(dir, 'root.pem'), 'utf8'),
    server,
    client: pair('client', 'inter'),
    clients: { 'ecdsa-p256': pair('client', 'inter'), 'rsa-2048': pair('client-rsa-2048', 'inter'), ed25519: pair('client-ed25519', 'inter') },
    clientP384: pair('client-ecdsa-p384', 'inter'),
    untrustedRootFile: join(dir, 'evil-root.pem'),
    untrustedRootPem: readFileSync(join(dir, 'evil-root.pem'), 'utf8'),
    untrustedClient: pair('evil-client'),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** The DER of every CERTIFICATE block in a PEM text. */
export function pemCertsToDer(pem: string): Uint8Array[] {
  const out: Uint8Array[] = [];
  const re = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g;
  for (let m = re.exec(pem); m; m = re.exec(pem)) out.push(new Uint8Array(Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64')));
  return out;
}

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export interface Spawned {
  child: ChildProcess;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  /** Resolves once `pattern` appears in the output (rejects on exit or after `ms`). */
  waitFor(pattern: RegExp | string, ms?: number): Promise<void>;
  kill(): void;
}

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of live) c.kill('SIGKILL');
});

/** Spawns a process and collects its output. */
export function spawnProcess(cmd: string, args: string[], opts: { cwd?: string; stdin?: string } = {}): Spawned {
  const child = spawn(cmd, args, { cwd: opts.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
  live.add(child);
  let out = '';
  const listeners = new Set<() => void>();
  const onData = (b: Buffer): void => {
    out += b.toString('utf8');
    for (const l of listeners) l();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  if (opts.stdin !== undefined) child.stdin!.end(opts.stdin);
  const exited = new Promise<number | null>((resolve) => {
    child.on('exit', (code) => {
      live.delete(child);
      for (const l of listeners) l();
      resolve(code);
    });
  });
  let done = false;
  void exited.then(() => {
    done = true;
  });
  return {
    child,
    output: () => out,
    exited,
    waitFor(pattern, ms = 45_000) {
      const hit = (): boolean => (typeof pattern === 'string' ? out.includes(pattern) : pattern.test(out));
      return new Promise((resolve, reject) => {
        const check = (): void => {
          if (hit()) {
            cleanup();
            resolve();
          } else if (done) {
            cleanup();
            reject(new Error(`${cmd} exited before printing ${String(pattern)}; output:\n${out}`));
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`timed out waiting for ${String(pattern)} from ${cmd}; output:\n${out}`));
        }, ms);
        const cleanup = (): void => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      });
    },
    kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

export interface InProcessServer {
  output(): string;
  waitFor(text: string, ms?: number): Promise<void>;
  exited: Promise<number>;
  stop(): void;
}

/** `tlslab serve …` (args start with `serve`) in this process; `cwd` is where it writes the demo root. */
export function serveInProcess(args: string[], cwd: string): InProcessServer {
  let out = '';
  const io: Io = { out: (t) => void (out += t), err: (t) => void (out += t), isTty: false };
  const abort = new AbortController();
  if (args[0] !== 'serve') throw new Error('serveInProcess runs `serve …`');
  const exited = runServe(args.slice(1), io, abort.signal, cwd).catch((err: unknown) => {
    out += `tlslab: ${err instanceof Error ? err.message : String(err)}\n`;
    return 2;
  });
  return {
    output: () => out,
    exited,
    stop: () => abort.abort(),
    async waitFor(text, ms = 20_000) {
      const t0 = Date.now();
      while (!out.includes(text)) {
        if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${text}; output:\n${out}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
}
