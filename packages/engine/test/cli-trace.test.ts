/**
 * The `--trace` / `--json` formatters (cli/trace.ts) and the flag parser (cli/args.ts), on
 * hand-built events: every field of a span tree, nonce = iv XOR seq lines, secrets with
 * formula and inputs, certificate checks, de-duplication of what both sides saw, colour only
 * when asked.
 */
import { describe, expect, it } from 'vitest';
import { formatTrace, showText, summaryLines, toJsonLine } from '../src/cli/trace';
import { parseArgs, parseHostPort, parseNameList, parseVersions, suitesForVersions, GROUPS, TLS13_SUITES, ALL_SUITES, UsageError } from '../src/cli/args';
import type { TlsEvent } from '../src/events';

const ch = new Uint8Array([1, 0, 0, 6, 3, 3, 0xaa, 0xbb, 0x13, 0x01]);

const events: TlsEvent[] = [
  {
    seq: 0,
    t: 0.5,
    type: 'record',
    side: 'client',
    direction: 'sent',
    recordId: 'client:0',
    contentType: 'handshake',
    bytes: new Uint8Array([0x16, 3, 1, 0, 10, ...ch]),
    spans: [
      { start: 0, end: 1, depth: 0, label: 'type', value: 'handshake (22)' },
      { start: 1, end: 3, depth: 0, label: 'legacy_record_version', value: '0x0301' },
      { start: 3, end: 5, depth: 0, label: 'length', value: '10' },
      { start: 5, end: 15, depth: 0, label: 'fragment' },
      { start: 5, end: 6, depth: 1, label: 'msg_type', value: 'client_hello (1)' },
    ],
    messages: ['ClientHello'],
  },
  {
    seq: 1,
    t: 0.6,
    type: 'handshake',
    side: 'client',
    direction: 'sent',
    name: 'ClientHello',
    bytes: ch,
    recordId: 'client:0',
    summary: { suites: '1' },
    spans: [
      { start: 0, end: 1, depth: 0, label: 'msg_type', value: 'client_hello (1)' },
      { start: 1, end: 4, depth: 0, label: 'length', value: '6' },
      { start: 4, end: 10, depth: 0, label: 'body' },
      { start: 4, end: 6, depth: 1, label: 'legacy_version', value: 'TLS 1.2 (0x0303)' },
      { start: 6, end: 8, depth: 1, label: 'random' },
      { start: 8, end: 10, depth: 1, label: 'cipher_suites' },
      { start: 8, end: 10, depth: 2, label: 'cipher_suite', value: 'TLS_AES_128_GCM_SHA256 (0x1301)', rfc: 'RFC 8446 §B.4' },
    ],
  },
  {
    seq: 2,
    t: 0.7,
    type: 'record',
    side: 'server',
    direction: 'received',
    recordId: 'client:0',
    contentType: 'handshake',
    bytes: new Uint8Array([0x16, 3, 1, 0, 10, ...ch]),
    spans: [],
    messages: ['ClientHello'],
  },
  {
    seq: 3,
    t: 1,
    type: 'secret',
    side: 'client',
    name: 'client_handshake_traffic_secret',
    value: new Uint8Array([0xde, 0xad]),
    formula: 'Derive-Secret(Handshake Secret, "c hs traffic", ClientHello...ServerHello)',
    inputs: [
      { name: 'Handshake Secret', value: new Uint8Array([1, 2]) },
      { name: 'label', value: 'c hs traffic' },
    ],
    rfc: 'RFC 8446 §7.1',
    stage: 'handshake',
    position: 'branch',
  },
  {
    seq: 4,
    t: 1.1,
    type: 'secret',
    side: 'server',
    name: 'client_handshake_traffic_secret',
    value: new Uint8Array([0xde, 0xad]),
    formula: 'x',
    inputs: [],
    rfc: 'RFC 8446 §7.1',
    stage: 'handshake',
    position: 'branch',
  },
  {
    seq: 5,
    t: 2,
    type: 'record',
    side: 'server',
    direction: 'sent',
    recordId: 'server:3',
    contentType: 'application_data',
    bytes: new Uint8Array(5 + 3 + 16),
    spans: [{ start: 0, end: 1, depth: 0, label: 'opaque_type', value: 'application_data (23)' }],
    messages: ['Finished'],
    protected: {
      keyName: 'server_handshake_traffic_secret',
      keyLabel: 'server_handshake_write_key',
      keyFormula: 'HKDF-Expand-Label(server_handshake_traffic_secret, "key", "", 16)',
      ivLabel: 'server_handshake_write_iv',
      ivFormula: 'HKDF-Expand-Label(server_handshake_traffic_secret, "iv", "", 12)',
      trafficSecret: 'server_handshake_traffic_secret',
      key: new Uint8Array(16).fill(0x11),
      iv: new Uint8Array(12).fill(0x22),
      sequence: 2,
      nonce: new Uint8Array([0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x20]),
      nonceFormula: 'server_write_iv XOR 2 (RFC 8446 §5.3)',
      aad: new Uint8Array([0x17, 3, 3, 0, 19]),
      ciphertext: new Uint8Array(3),
      tag: new Uint8Array(16).fill(0xab),
      plaintext: new Uint8Array([0x14, 0x16, 0]),
      innerContentType: 'handshake',
      plaintextSpans: [],
      padding: 1,
    },
  },
  {
    seq: 6,
    t: 3,
    type: 'cert-check',
    side: 'client',
    check: {
      id: 'hostname',
      title: 'Host name matches',
      cert: 0,
      subject: 'CN=server.tlslab.test',
      compared: 'host "evil.test" vs SAN [DNS:server.tlslab.test]',
      pass: false,
      reason: 'no SAN matches',
      rfc: 'RFC 6125 §6.4',
    },
  },
  {
    seq: 7,
    t: 3.2,
    type: 'alert',
    side: 'client',
    direction: 'sent',
    level: 'fatal',
    description: 'bad_certificate',
    code: 42,
    reason: 'host name mismatch',
  },
  { seq: 8, t: 4, type: 'appdata', side: 'server', direction: 'received', data: new TextEncoder().encode('GET / HTTP/1.1\r\nHost: x\r\n\r\n'), recordId: 'client:5' },
  { seq: 9, t: 5, type: 'closed', side: 'client', reason: 'alert-sent' },
];

describe('trace formatter', () => {
  const lines = formatTrace(events);
  const text = lines.join('\n');

  it('shows every handshake field as a tree with label = value', () => {
    expect(text).toContain('ClientHello');
    expect(text).toMatch(/\n\s+legacy_version = TLS 1\.2 \(0x0303\)/);
    expect(text).toMatch(/random = aabb \[6\.\.8\)/); // a field without a value: its bytes in hex
    const suiteLine = lines.find((l) => l.includes('cipher_suite = TLS_AES_128_GCM_SHA256'))!;
    const listLine = lines.find((l) => /cipher_suites = /.test(l))!;
    expect(suiteLine.search(/\S/)).toBeGreaterThan(listLine.search(/\S/)); // deeper = indented more
    expect(suiteLine).toContain('RFC 8446 §B.4');
  });

  it('explains a record once, even when both sides report it', () => {
    expect(lines.filter((l) => l.includes('(client:0)')).length).toBe(2);
    expect(lines.find((l) => l.includes('server received record'))).toContain('shown above');
    expect(text).toContain('legacy_record_version = 0x0301');
  });

  it('shows the key, sequence number and nonce = iv XOR seq of a protected record', () => {
    expect(text).toContain('key = server_handshake_traffic_secret, sequence number = 2');
    expect(text).toContain('seq       = 000000000000000000000002');
    expect(text).toContain('nonce     = 222222222222222222222220');
    expect(text).toContain('server_write_iv XOR 2');
    expect(text).toContain('write_iv  = 222222222222222222222222');
    expect(text).toContain(`tag = ${'ab'.repeat(16)}`);
    expect(text).toContain('inner content type handshake, 1 zero padding byte');
  });

  it('shows a secret with formula, inputs and value, and confirms the other side agrees', () => {
    expect(text).toContain('formula client_handshake_traffic_secret = Derive-Secret(Handshake Secret, "c hs traffic"');
    expect(text).toContain('input   Handshake Secret = 0102');
    expect(text).toContain('input   label = "c hs traffic"');
    expect(text).toContain('value   dead');
    expect(text).toContain("= the client's value (both sides agree)");
  });

  it('shows a failed certificate check with what was compared and why, and the alert', () => {
    expect(text).toContain('✗ FAIL Host name matches');
    expect(text).toContain('compared: host "evil.test" vs SAN [DNS:server.tlslab.test]');
    expect(text).toContain('reason: no SAN matches  [RFC 6125 §6.4]');
    expect(text).toContain('client sent fatal alert bad_certificate (42): host name mismatch');
  });

  it('shows application data as escaped text', () => {
    expect(text).toContain('| GET / HTTP/1.1\\r\\n');
    expect(showText(new Uint8Array([0, 1, 2, 255]))).toEqual(['hex 000102ff']);
  });

  it('colours only when asked', () => {
    expect(text).not.toContain('\x1b[');
    expect(formatTrace(events, { color: true }).join('\n')).toContain('\x1b[');
  });

  it('sums a run up per side', () => {
    const sum = summaryLines(events);
    expect(sum[0]).toBe('── summary ──');
    expect(sum).toContain('client: nothing negotiated');
    expect(sum).toContain('  sent 1 record (15 bytes)');
    expect(sum).toContain('  sent fatal alert bad_certificate (42): host name mismatch');
    expect(sum).toContain('  final state ? (closed: alert-sent)');
    expect(sum).toContain('  sent 1 record (24 bytes)'); // the server's
  });

  it('writes JSON lines with bytes as hex', () => {
    const j = JSON.parse(toJsonLine(events[0]!)) as { bytes: string; seq: number; type: string };
    expect(j.type).toBe('record');
    expect(j.seq).toBe(0);
    expect(j.bytes).toBe('1603010' + '00a' + '0100000603' + '03aabb1301');
  });
});

describe('flag parsing', () => {
  const specs = {
    port: { type: 'string', help: 'port' },
    once: { type: 'boolean', help: 'once' },
  } as const;

  it('parses values, booleans and positionals; rejects unknown flags', () => {
    const p = parseArgs(['--port', '443', 'x', '--once', '--port=8443'], specs);
    expect(p.flags.get('port')).toBe('8443');
    expect(p.flags.get('once')).toBe(true);
    expect(p.positional).toEqual(['x']);
    expect(() => parseArgs(['--nope'], specs)).toThrow(/unknown option --nope/);
    expect(() => parseArgs(['--port'], specs)).toThrow(/--port needs a value/);
  });

  it('parses IANA name lists and lists the valid names on error', () => {
    expect(parseNameList('TLS_AES_256_GCM_SHA384,TLS_AES_128_GCM_SHA256', ALL_SUITES, 'cipher suite')).toEqual(['TLS_AES_256_GCM_SHA384', 'TLS_AES_128_GCM_SHA256']);
    expect(parseNameList('secp256r1', GROUPS, 'group')).toEqual(['secp256r1']);
    let err: unknown;
    try {
      parseNameList('x448', GROUPS, 'group');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toBe('unknown group "x448" (valid: x25519, secp256r1)');
  });

  it('parses versions, host:port, and rejects a suite of a disabled version', () => {
    expect(parseVersions('1.2,1.3')).toEqual(['TLS 1.2', 'TLS 1.3']);
    expect(() => parseVersions('1.1')).toThrow(/valid: 1.2, 1.3/);
    expect(parseHostPort('127.0.0.1:4433')).toEqual({ host: '127.0.0.1', port: 4433 });
    expect(parseHostPort('[::1]:443')).toEqual({ host: '::1', port: 443 });
    expect(() => parseHostPort('localhost')).toThrow(/HOST:PORT/);
    expect(() => suitesForVersions(['TLS_RSA_WITH_AES_128_GCM_SHA256'], ['TLS 1.3'])).toThrow(/TLS 1.2 suite/);
    expect(suitesForVersions([...TLS13_SUITES], ['TLS 1.3'])).toHaveLength(3);
  });
});
