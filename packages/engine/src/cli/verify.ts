/**
 * `tlslab verify CERT [--chain FILE] [--trust FILE | --mozilla] [--host NAME] [--at ISO-TIME]
 * [--purpose server|client] [--policy webpki|rfc5280] [--max-depth N] [--keyx rsa|ecdhe] [--crl FILE]... [--email ADDR] [--json]`:
 * RFC 5280 path validation of a certificate under a policy (webpki: the browsers' rules, the
 * default for servers; rfc5280: the RFC alone, the default for clients) (CERT may hold the whole chain, leaf first, as `openssl s_client -showcerts`
 * prints it), with the readable report of every check, or the report as JSON.
 *
 * Exit 0 when the chain is valid, 1 when it is not (or a file cannot be used), 2 on a usage error.
 * Without --trust, the Mozilla root store as shipped with Node is used (as a browser would).
 */
import { readFileSync, statSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import type { CertCheck, VerificationReportSummary } from '../events';
import { MAX_INPUT_BYTES, parsePemBundle } from '../pki/parse';
import { createTrustStore, verifyChain } from '../pki/verify';
import { parseCrlBundle } from '../pki/crl';
import { getBool, getString, getStrings, helpText, parseArgs, UsageError, type FlagSpecs } from './args';
import { processIo, type Io } from './output';

const FLAGS: FlagSpecs = {
  chain: { type: 'string', metavar: 'FILE', help: 'more certificates (intermediates), PEM or DER, any order' },
  trust: { type: 'string', metavar: 'FILE', help: 'trusted root certificates (PEM or DER)' },
  mozilla: { type: 'boolean', help: 'trust the Mozilla root store shipped with Node (the default without --trust)' },
  host: { type: 'string', metavar: 'NAME', help: 'check the leaf against this DNS name or IP address' },
  at: { type: 'string', metavar: 'ISO-TIME', help: 'validation time, e.g. 2026-01-31T12:00:00Z (default: now)' },
  purpose: { type: 'string', metavar: 'server|client', help: 'serverAuth or clientAuth (default: server)' },
  policy: { type: 'string', metavar: 'webpki|rfc5280', help: 'rules to judge by: webpki (browsers, default for server) or rfc5280 (the RFC alone, default for client)' },
  'max-depth': { type: 'string', metavar: 'N', help: 'intermediate certificates allowed below the root (default 10)' },
  keyx: { type: 'string', metavar: 'rsa|ecdhe', help: 'TLS 1.2 key exchange the leaf key serves (keyUsage check; absent: not checked)' },
  crl: { type: 'string', metavar: 'FILE', help: 'a CRL (PEM or DER) to check revocation against; repeat for more' },
  email: { type: 'string', metavar: 'ADDR', help: "expected e-mail address of the leaf (its rfc822Name SANs), e.g. a client's" },
  json: { type: 'boolean', help: 'print the report as JSON' },
  help: { type: 'boolean', help: 'show this help' },
};

const USAGE =
  'tlslab verify CERT [--chain FILE] [--trust FILE | --mozilla] [--host NAME] [--at ISO-TIME] [--purpose server|client] [--policy webpki|rfc5280] [--max-depth N] [--crl FILE]... [--email ADDR] [--json]';

class InputError extends Error {}

function readBytes(path: string, what: string): Uint8Array {
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    throw new InputError(`${what} ${path}: cannot read the file`);
  }
  if (size > MAX_INPUT_BYTES) throw new InputError(`${what} ${path}: ${size} bytes, over the 1 MB limit`);
  return new Uint8Array(readFileSync(path));
}

function readInput(path: string, what: string): { certificates: Uint8Array[]; problems: string[] } {
  const bundle = parsePemBundle(readBytes(path, what));
  return { certificates: bundle.certificates, problems: bundle.problems.map((p) => `${what} ${path}: ${p}`) };
}

/** The checks' options from the flags (a bad value is a UsageError). */
function verifyFlags(args: ReturnType<typeof parseArgs>) {
  const purpose = getString(args, 'purpose') ?? 'server';
  if (purpose !== 'server' && purpose !== 'client') throw new UsageError(`--purpose must be server or client, not "${purpose}"`);
  const keyx = getString(args, 'keyx');
  if (keyx !== undefined && keyx !== 'rsa' && keyx !== 'ecdhe') throw new UsageError(`--keyx must be rsa or ecdhe, not "${keyx}"`);
  const atText = getString(args, 'at');
  const at = atText === undefined ? new Date() : new Date(atText);
  if (Number.isNaN(at.getTime())) throw new UsageError(`--at: "${atText}" is not an ISO time (e.g. 2026-01-31T12:00:00Z)`);
  const host = getString(args, 'host');
  const policy = getString(args, 'policy') ?? (purpose === 'client' ? 'rfc5280' : 'webpki');
  if (policy !== 'webpki' && policy !== 'rfc5280') throw new UsageError(`--policy must be webpki or rfc5280, not "${policy}"`);
  const depthText = getString(args, 'max-depth');
  const maxDepth = depthText === undefined ? undefined : Number(depthText);
  if (maxDepth !== undefined && (!/^\d+$/.test(depthText!) || maxDepth > 64)) throw new UsageError(`--max-depth must be a whole number from 0 to 64, not "${depthText}"`);
  const email = getString(args, 'email');
  return { purpose, keyx, at, host, policy, maxDepth, email } as const;
}

/** The chain, the trust anchors and the CRLs from their files (an unusable file is an InputError). */
function verifyInputs(args: ReturnType<typeof parseArgs>): { chain: Uint8Array[]; anchors: Uint8Array[]; trustName: string; crls: Uint8Array[]; problems: string[] } {
  const problems: string[] = [];
  let anchors: Uint8Array[];
  let trustName: string;
  const crls: Uint8Array[] = [];
  for (const file of getStrings(args, 'crl')) {
    const found = parseCrlBundle(readBytes(file, '--crl'));
    if (found.crls.length === 0) throw new InputError(`--crl ${file}: ${found.problems[0] ?? 'no CRL found'}`);
    problems.push(...found.problems.map((p) => `--crl ${file}: ${p}`));
    crls.push(...found.crls);
  }
  const cert = readInput(args.positional[0]!, 'CERT');
  problems.push(...cert.problems);
  if (cert.certificates.length === 0) throw new InputError(cert.problems[0] ?? `CERT ${args.positional[0]}: no certificate found`);
  const chain = [...cert.certificates];
  const chainFile = getString(args, 'chain');
  if (chainFile !== undefined) {
    const more = readInput(chainFile, '--chain');
    problems.push(...more.problems);
    chain.push(...more.certificates);
  }
  const trustFile = getString(args, 'trust');
  if (trustFile !== undefined) {
    const t = readInput(trustFile, '--trust');
    problems.push(...t.problems);
    if (t.certificates.length === 0) throw new InputError(t.problems[0] ?? `--trust ${trustFile}: no certificate found`);
    anchors = t.certificates;
    trustName = `${anchors.length} root(s) from ${trustFile}`;
  } else {
    anchors = parsePemBundle(rootCertificates.join('\n')).certificates;
    trustName = `${anchors.length} Mozilla roots (Node ${process.version})`;
  }
  return { chain, anchors, trustName, crls, problems };
}

/** Runs `tlslab verify`; resolves to the exit code. */
export async function runVerify(argv: readonly string[], io: Io = processIo): Promise<number> {
  const args = parseArgs(argv, FLAGS);
  if (getBool(args, 'help')) {
    io.out(
      helpText(
        USAGE,
        'Builds the certification path of CERT (leaf first; more certificates may follow in the same file)\n' +
          'to a trusted root and reports every RFC 5280 check. Exit 0 if valid, 1 if not.',
        FLAGS,
      ) + '\n',
    );
    return 0;
  }
  if (args.positional.length !== 1) throw new UsageError(`verify needs exactly one CERT file (usage: ${USAGE})`);
  if (getString(args, 'trust') !== undefined && getBool(args, 'mozilla')) throw new UsageError('use either --trust FILE or --mozilla, not both');
  const { purpose, keyx, at, host, policy, maxDepth, email } = verifyFlags(args);

  let inputs: ReturnType<typeof verifyInputs>;
  try {
    inputs = verifyInputs(args);
  } catch (e) {
    if (e instanceof InputError) {
      io.err(`tlslab verify: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
  const { chain, anchors, trustName, crls, problems } = inputs;

  const t0 = performance.now();
  const report = verifyChain({
    chain,
    // Mozilla's roots were vetted by its root program: their own profile is not judged again.
    anchors: createTrustStore(anchors, { curated: getString(args, 'trust') === undefined }),
    at,
    purpose,
    policy,
    ...(maxDepth !== undefined ? { maxDepth } : {}),
    ...(host !== undefined ? { host } : {}),
    ...(keyx !== undefined ? { keyExchange: keyx } : {}),
    ...(crls.length ? { crls } : {}),
    ...(email !== undefined ? { email } : {}),
  });
  const ms = performance.now() - t0;

  if (getBool(args, 'json')) {
    io.out(JSON.stringify({ ...report, trust: trustName, inputProblems: problems }, jsonReplacer, 2) + '\n');
  } else {
    for (const p of problems) io.err(`tlslab verify: note: ${p}\n`);
    io.out(formatReport(report, { trust: trustName, color: io.isTty, ms }));
  }
  return report.ok ? 0 : 1;
}

function jsonReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  return value;
}

/** The readable report (also used by tests). */
export function formatReport(r: VerificationReportSummary, opts: { trust?: string; color?: boolean; ms?: number } = {}): string {
  const c = (code: string, s: string) => (opts.color ? `\x1b[${code}m${s}\x1b[0m` : s);
  const lines: string[] = [];
  lines.push(r.ok ? c('1;32', `VALID: ${r.verdict}`) : c('1;31', `NOT VALID: ${r.verdict}`) + (r.alert ? `  (TLS alert: ${r.alert})` : ''));
  const ctx = [`policy ${r.policy}`, `purpose ${r.purpose}`, r.host !== undefined ? `host ${r.host}` : 'no host check', `at ${r.at}`];
  if (opts.trust) ctx.push(`trust: ${opts.trust}`);
  if (opts.ms !== undefined) ctx.push(`${opts.ms.toFixed(1)} ms`);
  lines.push(c('2', ctx.join(' · ')), '');
  lines.push(c('1', 'Certificates'));
  r.certificates.forEach((cert, i) => {
    lines.push(`  [${i}] ${cert.role.padEnd(12)} ${cert.subject}`);
    lines.push(`      issuer    ${cert.issuer}`);
    lines.push(`      serial    ${cert.serial}`);
    lines.push(`      validity  ${cert.notBefore} → ${cert.notAfter}`);
    lines.push(`      key       ${cert.key} · signed with ${cert.signatureAlgorithm}${cert.isCA ? ' · CA' : ''}${cert.selfSigned ? ' · self-signed' : ''}`);
    if (cert.sans.length) lines.push(`      SANs      ${cert.sans.join(', ')}`);
    lines.push(`      SHA-256   ${cert.sha256}`);
  });
  lines.push('', c('1', 'Checks'));
  const byCert = new Map<number | null, CertCheck[]>();
  for (const ch of r.checks) byCert.set(ch.cert, [...(byCert.get(ch.cert) ?? []), ch]);
  const keys = [...byCert.keys()].sort((a, b) => (a ?? -1) - (b ?? -1));
  for (const k of keys) {
    lines.push(`  ${k === null ? 'chain' : `[${k}] ${r.certificates[k]?.subject ?? ''}`}`);
    for (const ch of byCert.get(k)!) {
      lines.push(`    ${ch.pass ? c('32', '✓') : c('31', '✗')} ${ch.title}: ${ch.reason}  ${c('2', `(${ch.rfc})`)}`);
      lines.push(c('2', `        ${ch.compared}`));
    }
  }
  return lines.join('\n') + '\n';
}
