/**
 * The built `tlslab` (vite.cli.config.ts → one JavaScript entry plus on-demand chunks): it runs
 * with plain node, --help loads no crypto, `--crypto` picks the provider, and both providers
 * give the same run for a seed.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from 'vite';

const ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
let out: string;
let bin: string;

beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), 'tlslab-cli-build-'));
  await build({ configFile: join(ROOT, 'vite.cli.config.ts'), root: ROOT, logLevel: 'silent', build: { outDir: out, emptyOutDir: true } });
  bin = join(out, 'tlslab.mjs');
}, 120_000);

afterAll(() => rmSync(out, { recursive: true, force: true }));

const run = (args: string[]) => spawnSync(process.execPath, [bin, ...args], { cwd: out, encoding: 'utf8' });

describe('built tlslab', () => {
  it('is one node script with a node hashbang', () => {
    expect(existsSync(bin)).toBe(true);
    expect(readFileSync(bin, 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
  });

  it('--help prints the usage (with --crypto) and exits 0', () => {
    const r = run(['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^usage: tlslab <command>/);
    expect(r.stdout).toMatch(/--crypto node\|noble/);
  });

  it('an unknown provider is a usage error', () => {
    const r = run(['simulate', '--crypto', 'openssl']);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('tlslab: unknown crypto provider "openssl" (node or noble)\n');
  });

  it('simulate gives the same run with --crypto node and --crypto noble', () => {
    const args = ['simulate', '--seed', 'cli-build', '--tls', '1.2', '--key-type', 'rsa-2048', '--json', '--at', '2026-11-25T12:00:00Z'];
    // Drop wall-clock fields (timings, the time of the check): everything else must be equal.
    const clean = (s: string) =>
      s
        .trim()
        .split('\n')
        .map((l) => JSON.stringify(JSON.parse(l, (k, v) => (k === 'ms' || k === 'at' || k === 't' || k === 'time' ? undefined : v))));
    const a = execFileSync(process.execPath, [bin, ...args, '--crypto', 'node'], { encoding: 'utf8' });
    const b = execFileSync(process.execPath, [bin, ...args, '--crypto=noble'], { encoding: 'utf8' });
    expect(clean(a).length).toBeGreaterThan(20);
    expect(clean(a)).toEqual(clean(b));
  });
});
