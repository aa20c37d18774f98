/**
 * Command-line argument parsing for `tlslab`: a small, strict flag parser (unknown flags and
 * missing values are errors, never ignored) and the IANA name lists the flags accept.
 *
 * Names are the ones IANA registers (TLS_AES_128_GCM_SHA256, x25519, secp256r1,
 * ecdsa_secp256r1_sha256); lists are comma-separated; an unknown name is an error that lists
 * the valid ones.
 */
import type { CipherSuiteName } from '../config';
import type { SignatureSchemeName } from '../crypto/keys';
import type { TlsVersionName } from '../events';
import { FAULT_NAMES, GROUP_NAMES, SERVER_KEY_TYPES, TLS12_SUITE_NAMES, TLS13_SUITE_NAMES } from '../scenario';
import { namesOf, SIGNATURE_SCHEME_CODES } from '../msgs/registry';

/** A usage error: printed as one line `tlslab: <message>` with exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface FlagSpec {
  /** `string` flags take a value (`--port 443` or `--port=443`); `boolean` flags do not. */
  type: 'string' | 'boolean';
  /** One-line description for `--help`. */
  help: string;
  /** Placeholder for the value in `--help`, e.g. `FILE`. */
  metavar?: string;
}

export type FlagSpecs = Record<string, FlagSpec>;

export interface ParsedArgs {
  /** The last value of each flag. */
  flags: Map<string, string | true>;
  /** Every value of each string flag, in order (for repeatable flags such as `--crl`). */
  all: Map<string, string[]>;
  positional: string[];
}

/** Parses `argv` (without the command name) against `specs`. Throws UsageError. */
export function parseArgs(argv: readonly string[], specs: FlagSpecs): ParsedArgs {
  const flags = new Map<string, string | true>();
  const all = new Map<string, string[]>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
      const spec = specs[name];
      if (!spec) {
        throw new UsageError(
          `unknown option --${name} (valid: ${Object.keys(specs)
            .map((k) => `--${k}`)
            .join(' ')})`,
        );
      }
      if (spec.type === 'boolean') {
        if (eq >= 0) throw new UsageError(`--${name} takes no value`);
        flags.set(name, true);
      } else {
        let value: string | undefined;
        if (eq >= 0) value = arg.slice(eq + 1);
        else {
          value = argv[i + 1];
          i++;
        }
        if (value === undefined || (eq < 0 && value.startsWith('--'))) {
          throw new UsageError(`--${name} needs a value${spec.metavar ? ` (${spec.metavar})` : ''}`);
        }
        flags.set(name, value);
        all.set(name, [...(all.get(name) ?? []), value]);
      }
    } else if (arg.startsWith('-') && arg.length > 1 && arg !== '-') {
      if (arg === '-h') flags.set('help', true);
      else throw new UsageError(`unknown option ${arg} (options are spelled --name)`);
    } else {
      positional.push(arg);
    }
  }
  return { flags, all, positional };
}

export function getString(p: ParsedArgs, name: string): string | undefined {
  const v = p.flags.get(name);
  return typeof v === 'string' ? v : undefined;
}

/** Every value given for a repeatable string flag (`--crl a.pem --crl b.pem`). */
export function getStrings(p: ParsedArgs, name: string): string[] {
  return p.all.get(name) ?? [];
}

export function getBool(p: ParsedArgs, name: string): boolean {
  return p.flags.get(name) === true;
}

/** Formats the `--help` text of a command. */
export function helpText(usage: string, description: string, specs: FlagSpecs): string {
  const rows = Object.entries(specs).map(([name, s]) => {
    const left = `  --${name}${s.type === 'string' ? ` ${s.metavar ?? 'VALUE'}` : ''}`;
    return [left, s.help] as const;
  });
  const width = Math.max(...rows.map(([l]) => l.length)) + 2;
  return [`usage: ${usage}`, '', description, '', 'options:', ...rows.map(([l, h]) => l.padEnd(width) + h), ''].join('\n');
}

// ---------------------------------------------------------------------------------------------
// IANA names

export const TLS13_SUITES = TLS13_SUITE_NAMES;
const TLS12_SUITES = TLS12_SUITE_NAMES;

export const ALL_SUITES: readonly CipherSuiteName[] = [...TLS13_SUITES, ...TLS12_SUITES];

export const GROUPS = GROUP_NAMES;

/** The engine's schemes, in its offer order (msgs/registry.ts). */
export const SIGNATURE_SCHEMES: readonly SignatureSchemeName[] = namesOf(SIGNATURE_SCHEME_CODES);

export const KEY_TYPES = SERVER_KEY_TYPES;

export const FAULTS = FAULT_NAMES;

/** Parses one name of a closed set; the error lists the valid names. */
export function parseName<T extends string>(value: string, valid: readonly T[], what: string): T {
  const v = value.trim();
  const hit = valid.find((x) => x === v) ?? valid.find((x) => x.toLowerCase() === v.toLowerCase());
  if (!hit) throw new UsageError(`unknown ${what} "${v}" (valid: ${valid.join(', ')})`);
  return hit;
}

/** Parses a comma-separated list of names (no empties, no duplicates kept). */
export function parseNameList<T extends string>(value: string, valid: readonly T[], what: string): T[] {
  const parts = value.split(',').map((s) => s.trim());
  if (parts.some((s) => s === '')) throw new UsageError(`empty ${what} in "${value}"`);
  const out: T[] = [];
  for (const p of parts) {
    const n = parseName(p, valid, what);
    if (!out.includes(n)) out.push(n);
  }
  return out;
}

/** `--tls 1.2|1.3|1.2,1.3` → version names, in the order given (preferred first). */
export function parseVersions(value: string): TlsVersionName[] {
  const map: Record<string, TlsVersionName> = { '1.2': 'TLS 1.2', '1.3': 'TLS 1.3' };
  const out: TlsVersionName[] = [];
  for (const raw of value.split(',')) {
    const v = raw
      .trim()
      .replace(/^tls\s*/i, '')
      .replace(/^v/i, '');
    const name = map[v];
    if (!name) throw new UsageError(`unknown TLS version "${raw.trim()}" (valid: 1.2, 1.3, 1.2,1.3)`);
    if (!out.includes(name)) out.push(name);
  }
  return out;
}

/** `HOST:PORT` (or `[v6]:PORT`) → parts. */
export function parseHostPort(value: string): { host: string; port: number } {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(value) ?? /^([^:]+):(\d+)$/.exec(value);
  if (!m) throw new UsageError(`expected HOST:PORT, got "${value}"`);
  return { host: m[1]!, port: parsePort(m[2]!) };
}

export function parsePort(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 0 || n > 65535) throw new UsageError(`bad port "${value}" (0-65535)`);
  return n;
}

/** ALPN protocol ids: comma-separated, each 1-255 bytes. */
export function parseAlpn(value: string): string[] {
  const out = value.split(',').map((s) => s.trim());
  for (const p of out) {
    if (p.length === 0 || p.length > 255) throw new UsageError(`bad ALPN protocol "${p}" (1-255 characters)`);
  }
  return out;
}

/** Suites valid for the chosen versions (a 1.2 suite with --tls 1.3 only is an error). */
export function suitesForVersions(suites: CipherSuiteName[], versions: TlsVersionName[]): CipherSuiteName[] {
  for (const s of suites) {
    const v: TlsVersionName = TLS13_SUITES.includes(s) ? 'TLS 1.3' : 'TLS 1.2';
    if (!versions.includes(v)) {
      throw new UsageError(`${s} is a ${v} suite but only ${versions.join(' and ')} is enabled (add --tls ${versions.includes('TLS 1.3') ? '1.2,1.3' : '1.3'})`);
    }
  }
  return suites;
}
