#!/usr/bin/env -S npx tsx
/**
 * `tlslab`: the TLS Lab engine on the command line.
 *
 *   tlslab connect HOST:PORT   TLS client over TCP (prints the answer; --trace explains it)
 *   tlslab serve --port N      TLS server over TCP (small HTTP responses)
 *   tlslab simulate            client and server in one process, as the app runs them
 *   tlslab verify ...          certificate chain verification (see `tlslab verify --help`)
 *   tlslab inspect FILE        the TLS connections of a capture (pcap/pcapng), decrypted with a key log
 *   tlslab relay               WebSocket ↔ TCP bridge for the page (see `tlslab relay --help`)
 *
 * Exit codes: 0 success, 1 the TLS operation failed (one line on stderr says why), 2 usage error.
 */
import { UsageError } from './args';
import { processIo, type Io } from './output';

const USAGE = `usage: tlslab <command> [options]

commands:
  connect HOST:PORT   connect to a TLS server, send a request, print the answer
  serve --port N      run a TLS server answering each request with a small HTTP response
  simulate            run a client and a server in one process (what the app shows)
  verify              verify a certificate chain (RFC 5280), with a report of every check
  inspect FILE        decode the TLS connections of a capture (pcap/pcapng; --keylog to decrypt)
  relay               bridge the TLS Lab page to TCP (a real server or client for the page's engine)

Run \`tlslab <command> --help\` for the options of a command. Names are IANA's:
TLS_AES_128_GCM_SHA256, x25519, secp256r1, ecdsa_secp256r1_sha256, ... (comma-separated lists).

--crypto node|noble (any command; or TLSLAB_CRYPTO=...): who computes the crypto — node
(node:crypto / OpenSSL, the default) or noble (@noble/*, pure JavaScript, as in the browser).
A seeded run gives the same bytes with either.
`;

const PROVIDERS = ['node', 'noble'] as const;
type ProviderName = (typeof PROVIDERS)[number];

/** Takes `--crypto NAME` / `--crypto=NAME` out of argv (default: TLSLAB_CRYPTO, else node). */
export function takeCryptoOption(argv: readonly string[], env: string | undefined = process.env.TLSLAB_CRYPTO): { provider: ProviderName; rest: string[] } {
  const rest: string[] = [];
  let name = env || 'node';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--crypto') {
      if (argv[i + 1] === undefined) throw new UsageError('--crypto needs a value: node or noble');
      name = argv[++i]!;
    } else if (a.startsWith('--crypto=')) name = a.slice('--crypto='.length);
    else rest.push(a);
  }
  if (!(PROVIDERS as readonly string[]).includes(name)) throw new UsageError(`unknown crypto provider "${name}" (node or noble)`);
  return { provider: name as ProviderName, rest };
}

/**
 * Installs the chosen provider. Loaded on demand, like the commands, so `tlslab --help` starts
 * without loading any crypto.
 */
async function installProvider(name: ProviderName): Promise<void> {
  const { installCryptoProvider } = await import('../crypto/provider');
  installCryptoProvider(name === 'node' ? (await import('../crypto/provider-node')).nodeCryptoProvider : (await import('../crypto/provider-noble')).nobleCryptoProvider);
}

export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
  try {
    const chosen = takeCryptoOption(argv);
    const [command, ...rest] = chosen.rest;
    if (command === 'connect' || command === 'serve' || command === 'simulate' || command === 'verify' || command === 'relay') await installProvider(chosen.provider);
    switch (command) {
      case 'connect':
        return await (await import('./connect')).runConnect(rest, io);
      case 'serve':
        return await (await import('./serve')).runServe(rest, io);
      case 'simulate':
        return await (await import('./simulate')).runSimulate(rest, io);
      case 'verify':
        return await runVerifyCommand(rest, io);
      case 'inspect':
        return await (await import('./inspect')).runInspect(rest, io);
      case 'relay':
        return await (await import('./relay')).runRelay(rest, io);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.out(USAGE);
        return command === undefined ? 2 : 0;
      default:
        io.err(`tlslab: unknown command "${command}" (commands: connect, serve, simulate, verify, inspect, relay)\n`);
        return 2;
    }
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`tlslab: ${err.message}\n`);
      return 2;
    }
    io.err(`tlslab: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

/** `tlslab verify` lives in cli/verify.ts (helper B's). */
async function runVerifyCommand(argv: readonly string[], io: Io): Promise<number> {
  return await (await import('./verify')).runVerify(argv, io);
}

// Run as a script: the source (tsx) or the built bundle (pnpm build:cli → dist/tlslab.mjs).
const isMain = process.argv[1] !== undefined && /(cli[\\/]main\.ts|tlslab(\.mjs)?)$/.test(process.argv[1]);
if (isMain) {
  // `tlslab simulate --trace | head`: a closed pipe ends the output quietly.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
