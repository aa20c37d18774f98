/** runScenario: a whole run (handshake, HTTP exchange, close), determinism, and every TLS 1.3 fault. */
import { describe, expect, it } from 'vitest';
import { runScenario, DEFAULT_SCENARIO, type Scenario, type TlsEvent } from '../src/index';
import { toHex, utf8 } from '../src/codec/hex';

const AT = '2026-11-25T12:00:00Z';

function run(s: Partial<Scenario>) {
  const events: TlsEvent[] = [];
  const summary = runScenario({ ...DEFAULT_SCENARIO, at: AT, ...s }, (e) => events.push(e));
  return { summary, events };
}

const wire = (events: TlsEvent[]) => events.filter((e) => e.type === 'record' && e.direction === 'sent').map((e) => toHex((e as { bytes: Uint8Array }).bytes));

describe('runScenario (TLS 1.3)', () => {
  it('default scenario: handshake, request, response, close_notify both ways', () => {
    const { summary, events } = run({});
    expect(summary).toMatchObject({ ok: true, version: 'TLS 1.3', cipherSuite: 'TLS_AES_128_GCM_SHA256', group: 'x25519' });
    expect(summary.events).toBe(events.length);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i));
    const app = events.filter((e) => e.type === 'appdata' && e.direction === 'received') as Extract<TlsEvent, { type: 'appdata' }>[];
    expect(utf8.decode(app[0]!.data)).toBe('GET / HTTP/1.1\r\nHost: server.tlslab.test\r\n\r\n');
    expect(utf8.decode(app[1]!.data)).toMatch(/^HTTP\/1.1 200 OK[\s\S]*TLS 1.3 and TLS_AES_128_GCM_SHA256/);
    const closed = events.filter((e) => e.type === 'closed');
    expect(closed.map((e) => (e as { reason: string }).reason)).toEqual(['close_notify', 'close_notify']);
    // both sides report each record under the same id
    const sent = events.filter((e) => e.type === 'record' && e.direction === 'sent') as Extract<TlsEvent, { type: 'record' }>[];
    const recv = events.filter((e) => e.type === 'record' && e.direction === 'received') as Extract<TlsEvent, { type: 'record' }>[];
    for (const r of recv) expect(toHex(sent.find((s) => s.recordId === r.recordId)!.bytes)).toBe(toHex(r.bytes));
  });

  for (const serverKeyType of ['ecdsa-p256', 'rsa-2048', 'ed25519'] as const)
    it(`same seed and scenario give the same bytes; another seed does not (${serverKeyType}, HRR, mutual)`, () => {
      const sc = { serverKeyType, helloRetry: true, mutual: true };
      const a = wire(run({ seed: 'x', ...sc }).events);
      const b = wire(run({ seed: 'x', ...sc }).events);
      const c = wire(run({ seed: 'y', ...sc }).events);
      expect(a).toEqual(b);
      expect(a).not.toEqual(c);
    });

  it('HelloRetryRequest', () => {
    const { summary, events } = run({ helloRetry: true, group: 'secp256r1' });
    expect(summary).toMatchObject({ ok: true, group: 'secp256r1' });
    expect(events.some((e) => e.type === 'handshake' && e.name === 'HelloRetryRequest')).toBe(true);
  });

  for (const serverKeyType of ['ecdsa-p256', 'rsa-2048', 'ed25519'] as const)
    it(`HelloRetryRequest + mutual TLS + ${serverKeyType} + AES-256`, () => {
      const { summary } = run({ helloRetry: true, mutual: true, serverKeyType, cipherSuite: 'TLS_AES_256_GCM_SHA384', group: 'x25519' });
      expect(summary).toMatchObject({ ok: true, cipherSuite: 'TLS_AES_256_GCM_SHA384', group: 'x25519' });
    });

  it('mutual TLS', () => {
    const { summary, events } = run({ mutual: true, serverKeyType: 'ed25519', cipherSuite: 'TLS_CHACHA20_POLY1305_SHA256' });
    expect(summary).toMatchObject({ ok: true, cipherSuite: 'TLS_CHACHA20_POLY1305_SHA256' });
    expect(events.some((e) => e.type === 'cert-report' && e.side === 'server' && e.report.ok)).toBe(true);
  });

  const faults: [Scenario['fault'], string, Partial<Scenario>?][] = [
    ['bad-server-finished', 'decrypt_error'],
    ['tamper-ciphertext', 'bad_record_mac'],
    ['bad-signature', 'decrypt_error'],
    ['wrong-host', 'bad_certificate'],
    ['expired-certificate', 'certificate_expired'],
    ['untrusted-root', 'unknown_ca'],
    ['no-common-suite', 'handshake_failure'],
    ['no-client-certificate', 'certificate_required'],
  ];
  for (const [fault, alert, extra] of faults)
    it(`fault ${fault} → ${alert}`, () => {
      const { summary } = run({ fault, ...extra });
      expect(summary.ok).toBe(false);
      expect(summary.alert).toBe(alert);
    });

  describe('fault downgrade: a man in the middle removes TLS 1.3 from the ClientHello', () => {
    /** The versions in a ClientHello's supported_versions extension (0x002b), as hex. */
    const versionsIn = (e: TlsEvent | undefined): string[] => {
      if (e?.type !== 'handshake') return [];
      const b = e.bytes;
      const u16 = (o: number) => (b[o]! << 8) | b[o + 1]!;
      let o = 4 + 2 + 32; // header, legacy_version, random
      o += 1 + b[o]!;
      o += 2 + u16(o);
      o += 1 + b[o]!;
      const end = o + 2 + u16(o);
      for (o += 2; o < end; o += 4 + u16(o + 2)) {
        if (u16(o) === 0x002b) return toHex(b.subarray(o + 5, o + 5 + b[o + 4]!)).match(/.{4}/g) ?? [];
      }
      return [];
    };
    for (const serverKeyType of ['ecdsa-p256', 'rsa-2048', 'ed25519'] as const)
      it(`${serverKeyType}: the server falls back to TLS 1.2 with the sentinel, the client refuses (illegal_parameter)`, () => {
        const { summary, events } = run({ fault: 'downgrade', serverKeyType, cipherSuite: 'TLS_AES_256_GCM_SHA384' });
        expect(summary.ok).toBe(false);
        expect(summary.alert).toBe('illegal_parameter');
        const alert = events.find((e) => e.type === 'alert' && e.direction === 'sent');
        expect(alert).toMatchObject({ side: 'client', description: 'illegal_parameter' });
        expect(alert?.type === 'alert' && alert.reason).toMatch(/downgrade sentinel/);
        // What the client sent offered 1.3 and 1.2; what the server read offered only 1.2.
        const sent = events.find((e) => e.type === 'handshake' && e.name === 'ClientHello' && e.side === 'client');
        const read = events.find((e) => e.type === 'handshake' && e.name === 'ClientHello' && e.side === 'server');
        expect(versionsIn(sent)).toEqual(['0304', '0303']);
        expect(versionsIn(read)).toEqual(['0303']);
        const tamper = events.find((e) => e.type === 'note' && e.tampered);
        expect(tamper).toMatchObject({ recordId: 'c2s:0' });
        // The server negotiated TLS 1.2 and marked its random (RFC 8446 §4.1.3).
        expect(events.some((e) => e.type === 'negotiated' && e.side === 'server' && e.version === 'TLS 1.2')).toBe(true);
        const sh = events.find((e) => e.type === 'handshake' && e.name === 'ServerHello' && e.side === 'server');
        expect(sh?.type === 'handshake' && toHex(sh.bytes.subarray(6 + 24, 6 + 32))).toBe('444f574e47524401');
        expect(events.some((e) => e.type === 'state' && e.to === 'Connected')).toBe(false);
      });

    it('with 0-RTT data: the client drops the early key before it checks the TLS 1.2 ServerHello, so its alert goes in the clear', () => {
      const { summary, events } = run({ fault: 'downgrade', resumption: true, earlyData: true });
      expect(summary.ok).toBe(false);
      const alert = events.find((e) => e.type === 'alert' && e.direction === 'sent' && e.side === 'client');
      expect(alert).toMatchObject({ description: 'illegal_parameter' });
      const records = events.filter((e) => e.type === 'record' && e.direction === 'sent' && e.side === 'client') as Extract<TlsEvent, { type: 'record' }>[];
      expect(records.some((r) => r.protected?.keyName === 'client_early_traffic_secret')).toBe(true); // the early data itself
      const last = records[records.length - 1]!;
      expect(last.protected).toBeUndefined();
      expect(toHex(last.bytes)).toBe('1503030002022f'); // alert(21), TLS 1.2, fatal illegal_parameter
      expect(events.some((e) => e.type === 'negotiated' && e.side === 'client' && e.earlyData === 'rejected')).toBe(true);
    });

    it('a TLS 1.2 run is not affected, and says so', () => {
      const { summary, events } = run({ fault: 'downgrade', version: 'TLS 1.2' });
      expect(summary.ok).toBe(true);
      expect(events.some((e) => e.type === 'note' && /needs a TLS 1.3 run/.test(e.text))).toBe(true);
    });
  });

  it('a pasted chain without its key: the server cannot sign (internal_error and a note)', () => {
    const first = run({});
    const certs = first.events.filter((e) => e.type === 'handshake' && e.name === 'Certificate' && e.direction === 'sent');
    expect(certs.length).toBe(1);
    const der = (certs[0] as { bytes: Uint8Array }).bytes;
    // Leaf DER: skip msg header(4) + context(1) + list length(3) + cert length(3).
    const len = (der[8]! << 16) | (der[9]! << 8) | der[10]!;
    const leaf = der.slice(11, 11 + len);
    const pem = `-----BEGIN CERTIFICATE-----\n${Buffer.from(leaf).toString('base64')}\n-----END CERTIFICATE-----\n`;
    const { summary, events } = run({ pastedChainPem: pem });
    expect(summary.alert).toBe('internal_error');
    expect(events.some((e) => e.type === 'note' && /cannot sign CertificateVerify/.test(e.text))).toBe(true);
  });

  it('a caller-supplied man in the middle that drops the server Finished flight leaves the run unfinished', () => {
    const events: TlsEvent[] = [];
    let n = 0;
    const summary = runScenario({ ...DEFAULT_SCENARIO, at: AT }, (e) => events.push(e), {
      mitm: (from, rec) => (from === 'server' && rec[0] === 23 && n++ === 0 ? null : rec),
    });
    expect(summary.ok).toBe(false);
    expect(summary.error).toMatch(/stopped before/);
  });
});
