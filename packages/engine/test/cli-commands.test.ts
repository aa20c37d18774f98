/**
 * The `tlslab` commands in-process (cli/main.ts with a captured Io): usage errors and help,
 * and `simulate` — seeded runs are byte-for-byte reproducible, every setting reaches the
 * engine, and each fault ends in its alert with one clear line.
 */
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/main';
import type { Io } from '../src/cli/output';
import { paddedSequence } from '../src/codec/hex';

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: Io = { out: (t) => void (out += t), err: (t) => void (err += t), isTty: false };
  const code = await main(argv, io);
  return { code, out, err };
}

interface JsonEvent {
  type: string;
  side: string;
  seq: number;
  t: number;
  [k: string]: unknown;
}

function parseJsonLines(out: string): JsonEvent[] {
  return out
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as JsonEvent);
}

describe('usage', () => {
  it('prints the command list, and exit 2 without a command', async () => {
    const r = await run([]);
    expect(r.code).toBe(2);
    expect(r.out).toContain('connect HOST:PORT');
    expect((await run(['--help'])).code).toBe(0);
  });

  it('rejects an unknown command, option or name with one line listing what is valid', async () => {
    let r = await run(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.err).toBe('tlslab: unknown command "frobnicate" (commands: connect, serve, simulate, verify, inspect, relay)\n');
    r = await run(['simulate', '--group', 'x448']);
    expect(r.code).toBe(2);
    expect(r.err).toBe('tlslab: unknown group "x448" (valid: x25519, secp256r1)\n');
    r = await run(['connect', '127.0.0.1:1', '--suites', 'TLS_AES_128_CCM_SHA256']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /^tlslab: unknown cipher suite "TLS_AES_128_CCM_SHA256" \(valid: TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384, TLS_CHACHA20_POLY1305_SHA256, TLS_ECDHE_/,
    );
    r = await run(['connect']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('connect needs exactly one HOST:PORT');
    r = await run(['serve']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('serve needs --port N');
    r = await run(['simulate', '--bogus']);
    expect(r.err).toMatch(/^tlslab: unknown option --bogus/);
    r = await run(['connect', '127.0.0.1:1', '--ca', '/nonexistent/ca.pem']);
    expect(r.code).toBe(2);
    expect(r.err).toBe('tlslab: cannot read CA file /nonexistent/ca.pem: no such file\n');
  });

  it('dispatches verify to cli/verify.ts', async () => {
    const r = await run(['verify', '--help']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('usage: tlslab verify');
  });

  it.each(['connect', 'serve', 'simulate'])('%s --help lists its options', async (cmd) => {
    const r = await run([cmd, '--help']);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`usage: tlslab ${cmd}`);
    expect(r.out).toContain('--trace');
    expect(r.out).toContain('--json');
  });
});

describe('tlslab simulate', () => {
  it('completes a default handshake and shows the flow', async () => {
    const r = await run(['simulate', '--seed', 'cli-test']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    for (const m of ['client → server  ClientHello', 'client ← server  ServerHello', 'client ← server  Finished', 'client → server  Finished']) expect(r.out).toContain(m);
    expect(r.out).toMatch(/negotiated: TLS 1\.3, TLS_AES_128_GCM_SHA256, x25519, ecdsa_secp256r1_sha256/);
  });

  it('gives the same bytes for the same seed, and different bytes for another', async () => {
    const bytesOf = async (seed: string): Promise<string[]> => {
      const r = await run(['simulate', '--seed', seed, '--json', '--at', '2026-06-01T00:00:00Z']);
      expect(r.code).toBe(0);
      return parseJsonLines(r.out)
        .filter((e) => e.type === 'record')
        .map((e) => String(e.bytes));
    };
    const a = await bytesOf('same');
    const b = await bytesOf('same');
    const c = await bytesOf('other');
    expect(a.length).toBeGreaterThan(4);
    expect(b).toEqual(a);
    expect(c[0]).not.toEqual(a[0]);
  });

  it('--json: every protected record carries nonce = write_iv XOR padded seq, with seq counting per key', async () => {
    const r = await run(['simulate', '--seed', 'nonce', '--json']);
    expect(r.code).toBe(0);
    const recs = parseJsonLines(r.out).filter((e) => e.type === 'record' && e.direction === 'sent' && e.protected) as unknown as {
      protected: { keyName: string; iv: string; nonce: string; sequence: number };
    }[];
    expect(recs.length).toBeGreaterThanOrEqual(4);
    const perKey = new Map<string, number>();
    for (const { protected: p } of recs) {
      const expected = perKey.get(p.keyName) ?? 0;
      expect(p.sequence, p.keyName).toBe(expected);
      perKey.set(p.keyName, expected + 1);
      const iv = Buffer.from(p.iv, 'hex');
      const seq = Buffer.from(paddedSequence(p.sequence, iv.length));
      expect(p.nonce).toBe(Buffer.from(iv.map((b, i) => b ^ seq[i]!)).toString('hex'));
    }
  });

  it.each([
    ['TLS_AES_256_GCM_SHA384', 'secp256r1', 'rsa-2048', 'rsa_pss_rsae_sha256'],
    ['TLS_CHACHA20_POLY1305_SHA256', 'x25519', 'ed25519', 'ed25519'],
  ])('runs %s over %s with a %s certificate', async (suite, group, keyType, scheme) => {
    const r = await run(['simulate', '--seed', 's', '--suite', suite, '--group', group, '--key-type', keyType]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain(`negotiated: TLS 1.3, ${suite}, ${group}, ${scheme}`);
  });

  it('--hrr makes the server answer HelloRetryRequest', async () => {
    const r = await run(['simulate', '--seed', 's', '--hrr']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('client ← server  HelloRetryRequest');
    expect(r.out).toContain('after HelloRetryRequest');
  });

  it.each([
    ['bad-server-finished', 'client', 'decrypt_error'],
    ['tamper-ciphertext', '', 'bad_record_mac'],
    ['bad-signature', 'client', 'decrypt_error'],
    ['wrong-host', 'client', 'bad_certificate'],
    ['expired-certificate', 'client', 'certificate_expired'],
    ['untrusted-root', 'client', 'unknown_ca'],
    ['no-common-suite', 'server', 'handshake_failure'],
  ])('--fault %s ends with %s sending %s', async (fault, side, alert) => {
    const r = await run(['simulate', '--seed', 'f', '--fault', fault]);
    expect(r.code).toBe(1);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(new RegExp(`^tlslab: handshake failed: ${side || '(client|server)'} sent fatal alert ${alert} \\(\\d+\\)`));
  });

  it.each([
    ['TLS_RSA_WITH_AES_128_GCM_SHA256', 'rsa-2048', 'ClientKeyExchange'],
    ['TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256', 'ecdsa-p256', 'ServerKeyExchange'],
    ['TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', 'rsa-2048', 'ServerKeyExchange'],
  ])('--tls 1.2 runs %s with a %s certificate', async (suite, keyType, message) => {
    const r = await run(['simulate', '--seed', 's12', '--tls', '1.2', '--suite', suite, '--key-type', keyType]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain(message);
    expect(r.out).toContain(`negotiated: TLS 1.2, ${suite}`);
    expect(r.out).toContain('server answered: "HTTP/1.1 200 OK"');
  });

  it.each(['1.3', '1.2'])('--mutual (TLS %s): the client presents a certificate the server checks', async (v) => {
    const r = await run(['simulate', '--seed', 'm', '--tls', v, '--mutual']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('client ← server  CertificateRequest');
    expect(r.out).toMatch(/client → server {2}CertificateVerify/);
    expect(r.out).toMatch(/server checked the client certificate: ok/);
  });

  it('--fault bad-premaster (TLS 1.2 RSA): the server goes on with a random premaster and fails at Finished, not with a padding alert', async () => {
    const r = await run(['simulate', '--seed', 'bp', '--tls', '1.2', '--suite', 'TLS_RSA_WITH_AES_128_GCM_SHA256', '--key-type', 'rsa-2048', '--fault', 'bad-premaster']);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/client → server {2}Finished/);
    expect(r.err).toMatch(/^tlslab: handshake failed: server sent fatal alert (bad_record_mac \(20\)|decrypt_error \(51\))/);
  });

  it('--trace shows fields, secrets both sides agree on, nonces and checks', async () => {
    const r = await run(['simulate', '--seed', 'trace', '--trace']);
    expect(r.code).toBe(0);
    for (const s of ['legacy_version', 'random', 'key_share', 'formula', '(both sides agree)', 'nonce     =', '✓ pass', 'application data']) {
      expect(r.out, s).toContain(s);
    }
    expect(r.out).not.toMatch(/≠ the (client|server)'s value/);
  });
});
