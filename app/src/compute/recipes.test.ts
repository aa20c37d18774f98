/// <reference types="node" />
/**
 * The "compute it yourself" commands, run here: each prints the value the app shows for that
 * secret, key, nonce or decrypted record. Node's code is run (all of it in one Node process;
 * one command per kind also through the shell, exactly as shown); Python and openssl commands
 * run through the shell as shown, where those tools (and openssl's `kdf`) are installed.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runScenario, type Scenario, type TlsEvent } from '@tlslab/engine';
import { DEFAULT_SCENARIO } from '@tlslab/engine/scenario';
import type { ProtectedInfo, SecretEvent } from '../store/derive';
import { aeadOf, decryptRecipes, nonceRecipes, secretRecipes, type Recipe } from './recipes';

const has = (cmd: string, args: string[]) => spawnSync(cmd, args, { encoding: 'utf8' }).status === 0;
const PYTHON = has('python3', ['-c', 'import hmac']);
const PYCRYPTO = has('python3', ['-c', 'import cryptography']);
const OPENSSL_KDF = has('sh', ['-c', 'openssl kdf -keylen 4 -kdfopt digest:SHA256 -kdfopt mode:EXPAND_ONLY -kdfopt hexkey:00 -kdfopt hexinfo:00 HKDF']);
const XXD = has('sh', ['-c', 'command -v xxd']);

function run(patch: Partial<Scenario>): TlsEvent[] {
  const events: TlsEvent[] = [];
  runScenario({ ...DEFAULT_SCENARIO, seed: 'compute', ...patch }, (e) => events.push(e));
  return events;
}

function recipesOf(events: TlsEvent[]): { what: string; recipes: Recipe[] }[] {
  const out: { what: string; recipes: Recipe[] }[] = [];
  const seen = new Set<string>();
  for (const e of events) {
    if (e.type !== 'secret' || seen.has(e.name)) continue;
    seen.add(e.name);
    out.push({ what: e.name, recipes: secretRecipes(e as SecretEvent) });
  }
  const suite = events.find((e): e is Extract<TlsEvent, { type: 'negotiated' }> => e.type === 'negotiated' && !!e.cipherSuite)?.cipherSuite;
  for (const e of events) {
    if (e.type !== 'record' || e.direction !== 'sent' || !e.protected) continue;
    const p = e.protected as ProtectedInfo;
    out.push({ what: `${e.recordId} nonce`, recipes: nonceRecipes(p) });
    out.push({ what: `${e.recordId} plaintext`, recipes: decryptRecipes(p, aeadOf(suite)!) });
  }
  return out;
}

/** Undoes the shell quoting of `node -e '…'`, giving the code. */
function nodeCode(command: string): string {
  const m = /^node -e '([\s\S]*)'$/.exec(command);
  if (!m) throw new Error(`not a node -e command: ${command.slice(0, 40)}`);
  return m[1]!.replace(/'\\''/g, "'");
}

/** Runs every code in one Node process; returns what each printed. */
function runNodeCodes(codes: string[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'tlslab-compute-'));
  const file = join(dir, 'codes.json');
  writeFileSync(file, JSON.stringify(codes));
  const harness = `const vm=require("vm"),fs=require("fs");const out=[];for(const code of JSON.parse(fs.readFileSync(${JSON.stringify(file)},"utf8"))){let s="";vm.runInNewContext(code,{require,Buffer,console:{log:(x)=>{s+=x+"\\n"}}});out.push(s.trim())}process.stdout.write(JSON.stringify(out))`;
  return JSON.parse(execFileSync(process.execPath, ['-e', harness], { encoding: 'utf8' })) as string[];
}

/** Undoes the shell quoting of `python3 -c '…'`. */
function pythonCode(command: string): string {
  const m = /^python3 -c '([\s\S]*)'$/.exec(command);
  if (!m) throw new Error(`not a python3 -c command: ${command.slice(0, 40)}`);
  return m[1]!.replace(/'\\''/g, "'");
}

/** Runs every code in one Python process; returns what each printed. */
function runPythonCodes(codes: string[]): string[] {
  if (codes.length === 0) return [];
  const dir = mkdtempSync(join(tmpdir(), 'tlslab-compute-'));
  const file = join(dir, 'codes.json');
  writeFileSync(file, JSON.stringify(codes));
  const harness = `import io,json,contextlib\nout=[]\nfor code in json.load(open(${JSON.stringify(file)})):\n  b=io.StringIO()\n  with contextlib.redirect_stdout(b): exec(code,{})\n  out.append(b.getvalue().strip())\nprint(json.dumps(out))`;
  return JSON.parse(execFileSync('python3', ['-c', harness], { encoding: 'utf8' })) as string[];
}

const shell = (command: string, cwd: string) => execFileSync('sh', ['-c', command], { encoding: 'utf8', cwd }).trim();

const RUNS: [string, Partial<Scenario>][] = [
  ['TLS 1.3, x25519, AES-128-GCM', {}],
  ['TLS 1.3, P-256, ChaCha20-Poly1305, HelloRetryRequest, mutual', { group: 'secp256r1', cipherSuite: 'TLS_CHACHA20_POLY1305_SHA256', helloRetry: true, mutual: true }],
  ['TLS 1.3 resumed with 0-RTT, AES-256-GCM (SHA-384)', { cipherSuite: 'TLS_AES_256_GCM_SHA384', resumption: true, earlyData: true }],
  ['TLS 1.2 ECDHE, AES-128-GCM', { version: 'TLS 1.2' }],
  ['TLS 1.2 RSA, AES-256-GCM (SHA-384)', { version: 'TLS 1.2', cipherSuite: 'TLS_RSA_WITH_AES_256_GCM_SHA384', serverKeyType: 'rsa-2048' }],
];

/** Command shapes already run through the shell (in an earlier run of this file). */
const shellChecked = new Set<string>();

describe('compute it yourself', () => {
  for (const [name, patch] of RUNS) {
    it(`${name}: the commands print the values the app shows`, () => {
      const items = recipesOf(run(patch));
      // Every derived value has a recipe, except the RSA premaster (it needs the server's private key).
      const without = items.filter((i) => i.recipes.length === 0).map((i) => i.what);
      expect(without).toEqual(patch.serverKeyType === 'rsa-2048' ? ['pre_master_secret'] : []);
      const all = items.flatMap((i) => i.recipes.map((r) => ({ ...r, what: i.what })));
      const nodeRecipes = all.filter((r) => r.tool === 'node');
      const printed = runNodeCodes(nodeRecipes.map((r) => nodeCode(r.command)));
      nodeRecipes.forEach((r, i) => expect(printed[i], `${r.what} (node)`).toBe(r.expect));
      const pyRecipes = all.filter((r) => r.tool === 'python' && PYTHON && (PYCRYPTO || !r.command.includes('cryptography')));
      const pyPrinted = runPythonCodes(pyRecipes.map((r) => pythonCode(r.command)));
      pyRecipes.forEach((r, i) => expect(pyPrinted[i], `${r.what} (python)`).toBe(r.expect));
      // One command of each kind and tool through the shell, exactly as the app shows it
      // (each starts a process: the rest of each tool's recipes ran above, or are the same
      // command with other values).
      const dir = mkdtempSync(join(tmpdir(), 'tlslab-compute-'));
      const kinds = new Map<string, (typeof all)[number]>();
      for (const r of all) {
        const kind = `${r.tool} ${r.command.replace(/[0-9a-f]{8,}/g, '').replace(/\d+/g, '')}`;
        if (!kinds.has(kind) && !shellChecked.has(kind)) kinds.set(kind, r);
        shellChecked.add(kind);
      }
      for (const r of kinds.values()) {
        if (r.tool === 'python' && !(PYTHON && (PYCRYPTO || !r.command.includes('cryptography')))) continue;
        if (r.tool === 'openssl' && !(OPENSSL_KDF && XXD)) continue;
        expect(shell(r.command, dir), `${r.what} (${r.tool}, shell)`).toBe(r.expect);
      }
    });
  }

  it('a recipe cannot pass by accident: a changed input prints another value', () => {
    const e = run({}).find((x): x is SecretEvent => x.type === 'secret' && x.name === 'client_handshake_traffic_secret')!;
    const [r] = secretRecipes({
      ...e,
      inputs: e.inputs.map((i) => (i.name === 'HkdfLabel' && typeof i.value !== 'string' ? { ...i, value: i.value.map((b, k) => (k === 5 ? b ^ 1 : b)) } : i)),
    });
    expect(runNodeCodes([nodeCode(r!.command)])[0]).not.toBe(r!.expect);
  });
});
