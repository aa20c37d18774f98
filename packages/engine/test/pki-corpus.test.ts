/**
 * The openssl-made corpus (test/certs/make-corpus.sh): for every case our verifier's verdict
 * must equal `openssl verify -x509_strict -auth_level 2 -purpose ssl{server,client}
 * -verify_hostname/-verify_ip …` run here at the same time (ATTIME), and our first failing check
 * must be the expected one with the expected alert. Cases are judged under the webpki policy
 * (the default for servers) unless they say otherwise — a CN-only leaf is valid only under
 * rfc5280, as for openssl — and with the TLS key-usage check openssl's -purpose applies.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { AlertDescription } from '../src/errors';
import { parsePemBundle } from '../src/pki/parse';
import { verifyChain } from '../src/pki/verify';

const DIR = new URL('./certs/corpus/', import.meta.url).pathname;
const AT = Number(readFileSync(DIR + 'ATTIME', 'utf8').trim());

interface Case {
  leaf: string;
  /** Intermediates presented with the leaf (file names without .pem). */
  chain: string[];
  trust?: string;
  host?: string;
  purpose?: 'server' | 'client';
  /** Policy (default webpki). */
  policy?: 'webpki' | 'rfc5280';
  /** Validation time offset from ATTIME in days (default 0). */
  days?: number;
  /** Expected: null = valid, else [first failing check id, alert]. */
  fails: [string, AlertDescription] | null;
}

const CASES: Case[] = [
  { leaf: 'valid-ecdsa', chain: ['inter'], host: 'valid.test', fails: null },
  { leaf: 'valid-rsa', chain: ['inter'], host: 'rsa.test', fails: null },
  { leaf: 'valid-p384', chain: ['inter'], host: 'p384.test', fails: null },
  { leaf: 'valid-ed25519', chain: ['inter'], host: 'ed.test', fails: null },
  { leaf: 'valid-pss', chain: [], trust: 'rsaroot', host: 'pss.test', fails: null },
  { leaf: 'valid-pss384', chain: [], trust: 'rsaroot', host: 'pss.test', fails: null },
  { leaf: 'valid-rsa-sha384', chain: [], trust: 'rsaroot', host: 'rsa384.test', fails: null },
  { leaf: 'valid-rsa-sha512', chain: [], trust: 'rsaroot', host: 'rsa512.test', fails: null },
  { leaf: 'valid-wildcard', chain: ['inter'], host: 'www.wild.test', fails: null },
  { leaf: 'valid-ip', chain: ['inter'], host: '127.0.0.1', fails: null },
  { leaf: 'valid-ip', chain: ['inter'], host: '::1', fails: null },
  { leaf: 'valid-cn-only', chain: ['inter'], host: 'cn-only.test', policy: 'rfc5280', fails: null },
  { leaf: 'valid-long', chain: ['l3', 'l1', 'l2', 'l2', 'otherinter'], host: 'long.test', fails: null },
  { leaf: 'valid-name-constraints', chain: ['nc'], host: 'www.allowed.test', fails: null },
  { leaf: 'valid-client', chain: ['inter'], purpose: 'client', fails: null },
  { leaf: 'expired', chain: ['inter'], host: 'expired.test', fails: ['validity', 'certificate_expired'] },
  { leaf: 'expired-intermediate', chain: ['shortinter'], host: 'expinter.test', fails: ['validity', 'certificate_expired'] },
  { leaf: 'wrong-host', chain: ['inter'], host: 'wrong.test', fails: ['hostname', 'bad_certificate'] },
  { leaf: 'cn-ignored', chain: ['inter'], host: 'cn.test', fails: ['hostname', 'bad_certificate'] },
  { leaf: 'wildcard-deep', chain: ['inter'], host: 'a.b.wild.test', fails: ['hostname', 'bad_certificate'] },
  { leaf: 'valid-wildcard', chain: ['inter'], host: 'wild.test', fails: ['hostname', 'bad_certificate'] },
  { leaf: 'ip-mismatch', chain: ['inter'], host: '127.0.0.1', fails: ['hostname', 'bad_certificate'] },
  { leaf: 'bad-eku', chain: ['inter'], host: 'eku.test', fails: ['ext-key-usage', 'unsupported_certificate'] },
  { leaf: 'valid-ecdsa', chain: ['inter'], purpose: 'client', fails: ['ext-key-usage', 'unsupported_certificate'] },
  { leaf: 'bad-ku', chain: ['inter'], host: 'ku.test', fails: ['key-usage', 'unsupported_certificate'] },
  { leaf: 'unknown-critical', chain: ['inter'], host: 'crit.test', fails: ['critical-extensions', 'unsupported_certificate'] },
  { leaf: 'sha1-signed', chain: ['inter'], host: 'sha1.test', fails: ['weak-signature', 'bad_certificate'] },
  { leaf: 'md5-signed', chain: [], trust: 'rsaroot', host: 'md5.test', fails: ['weak-signature', 'bad_certificate'] },
  { leaf: 'valid-ecdsa', chain: ['inter'], host: 'valid.test', days: -30, fails: ['validity', 'certificate_expired'] },
  { leaf: 'rsa1024', chain: ['inter'], host: 'weak.test', fails: ['key-strength', 'bad_certificate'] },
  { leaf: 'missing-intermediate', chain: [], host: 'missing.test', fails: ['missing-intermediate', 'unknown_ca'] },
  { leaf: 'self-signed', chain: [], host: 'self.test', fails: ['self-signed-leaf', 'unknown_ca'] },
  { leaf: 'untrusted-root', chain: ['otherinter', 'otherroot'], host: 'untrusted.test', fails: ['trust-anchor', 'unknown_ca'] },
  { leaf: 'bad-signature', chain: ['inter'], host: 'badsig.test', fails: ['signature', 'bad_certificate'] },
  { leaf: 'not-ca-issuer', chain: ['notca'], host: 'notca.test', fails: ['basic-constraints', 'bad_certificate'] },
  { leaf: 'no-keycertsign', chain: ['nocertsign'], host: 'nocertsign.test', fails: ['key-usage', 'unsupported_certificate'] },
  { leaf: 'path-length', chain: ['p1', 'p0'], host: 'pathlen.test', fails: ['path-length', 'bad_certificate'] },
  { leaf: 'nc-permitted', chain: ['nc'], host: 'www.elsewhere.test', fails: ['name-constraints', 'bad_certificate'] },
  { leaf: 'nc-excluded', chain: ['nc'], host: 'x.bad.allowed.test', fails: ['name-constraints', 'bad_certificate'] },
];

function pem(name: string): Uint8Array {
  const b = parsePemBundle(readFileSync(`${DIR}${name}.pem`, 'utf8'));
  expect(b.problems).toEqual([]);
  return b.certificates[0]!;
}

/** Runs openssl verify; returns null when OK, else its first error line. */
function opensslVerdict(c: Case): string | null {
  const args = ['verify', '-x509_strict', '-auth_level', '2', '-purpose', c.purpose === 'client' ? 'sslclient' : 'sslserver'];
  args.push('-attime', String(AT + (c.days ?? 0) * 86400), '-CAfile', `${DIR}${c.trust ?? 'root'}.pem`);
  for (const i of c.chain) args.push('-untrusted', `${DIR}${i}.pem`);
  if (c.host) args.push(/^[\d.]+$|:/.test(c.host) ? '-verify_ip' : '-verify_hostname', c.host);
  args.push(`${DIR}${c.leaf}.pem`);
  try {
    execFileSync('openssl', args, { stdio: 'pipe', env: { ...process.env, OPENSSL_CONF: '/dev/null' } });
    return null;
  } catch (e) {
    const out = String((e as { stdout?: Buffer }).stdout ?? '') + String((e as { stderr?: Buffer }).stderr ?? '');
    return /error \d+ at \d+ depth lookup: .*/.exec(out)?.[0] ?? out.split('\n')[0]!;
  }
}

describe('openssl corpus: our verdict equals openssl verify', () => {
  for (const c of CASES) {
    const label = `${c.leaf}${c.days ? ` (${c.days} days)` : ''}${c.host ? ` (host ${c.host})` : ''}${c.purpose === 'client' ? ' as client' : ''}: ${c.fails ? c.fails[0] : 'valid'}`;
    it(label, () => {
      const report = verifyChain({
        chain: [pem(c.leaf), ...c.chain.map(pem)],
        anchors: [pem(c.trust ?? 'root')],
        at: new Date((AT + (c.days ?? 0) * 86400) * 1000),
        ...(c.host ? { host: c.host } : {}),
        purpose: c.purpose ?? 'server',
        policy: c.policy ?? 'webpki',
        keyExchange: 'any',
      });
      const openssl = opensslVerdict(c);
      // Same verdict as OpenSSL …
      expect({ ok: report.ok, verdict: report.verdict }).toMatchObject({ ok: openssl === null });
      // … and the failure we expected, with its alert.
      if (c.fails === null) {
        expect(report.checks.filter((x) => !x.pass)).toEqual([]);
        expect(report.alert).toBeUndefined();
      } else {
        const failing = report.checks.filter((x) => !x.pass).map((x) => x.id);
        expect(failing).toContain(c.fails[0]);
        expect(report.alert).toBe(c.fails[1]);
        expect(openssl).toMatch(/error \d+/);
      }
    });
  }
});
