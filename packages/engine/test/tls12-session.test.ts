/** TLS 1.2 scenarios through the Session (what the app and `tlslab simulate` run), with every fault. */
import { describe, expect, it } from 'vitest';
import type { TlsEvent } from '../src/events';
import { runScenario } from '../src/session';
import { DEFAULT_SCENARIO, type FaultName, type Scenario } from '../src/scenario';
import type { CipherSuiteName } from '../src/config';

const AT = '2026-11-25T12:00:00Z';

function run(s: Partial<Scenario>): { summary: ReturnType<typeof runScenario>; events: TlsEvent[] } {
  const events: TlsEvent[] = [];
  const summary = runScenario({ ...DEFAULT_SCENARIO, version: 'TLS 1.2', at: AT, seed: 'tls12-session', ...s }, (e) => events.push(e));
  return { summary, events };
}

describe('TLS 1.2 scenarios', () => {
  const cases: [CipherSuiteName, 'ecdsa-p256' | 'rsa-2048'][] = [
    ['TLS_RSA_WITH_AES_128_GCM_SHA256', 'rsa-2048'],
    ['TLS_RSA_WITH_AES_256_GCM_SHA384', 'rsa-2048'],
    ['TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', 'ecdsa-p256'],
    ['TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256', 'rsa-2048'],
  ];
  for (const [suite, key] of cases) {
    for (const group of ['x25519', 'secp256r1'] as const) {
      it(`${suite} (${key}, ${group}) completes the request and closes`, () => {
        const { summary, events } = run({ cipherSuite: suite, serverKeyType: key, group });
        expect(summary).toMatchObject({ ok: true, version: 'TLS 1.2', cipherSuite: suite });
        if (suite.startsWith('TLS_ECDHE')) expect(summary.group).toBe(group);
        const appdata = events.filter((e) => e.type === 'appdata' && e.direction === 'received');
        expect(appdata.length).toBe(2);
        // Sequence numbers stamp one ordered stream of both sides.
        expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i));
      });
    }
  }

  it('mutual TLS 1.2 completes', () => {
    const { summary, events } = run({ mutual: true });
    expect(summary.ok).toBe(true);
    expect(events.some((e) => e.type === 'handshake' && e.side === 'server' && e.name === 'CertificateVerify')).toBe(true);
  });

  const faults: [FaultName, Partial<Scenario>, string, 'client' | 'server'][] = [
    ['bad-premaster', { serverKeyType: 'rsa-2048', cipherSuite: 'TLS_RSA_WITH_AES_128_GCM_SHA256' }, 'bad_record_mac', 'server'],
    ['bad-server-finished', {}, 'decrypt_error', 'client'],
    ['bad-signature', {}, 'decrypt_error', 'client'],
    ['tamper-ciphertext', {}, 'bad_record_mac', 'client'],
    ['no-client-certificate', {}, 'handshake_failure', 'server'],
    ['expired-certificate', {}, 'certificate_expired', 'client'],
    ['untrusted-root', {}, 'unknown_ca', 'client'],
    ['wrong-host', {}, 'bad_certificate', 'client'],
    ['no-common-suite', {}, 'handshake_failure', 'server'],
  ];
  for (const [fault, extra, alert, by] of faults) {
    it(`fault ${fault} ends with ${alert} from the ${by}`, () => {
      const { summary, events } = run({ fault, ...extra });
      expect(summary.ok).toBe(false);
      expect(summary.alert).toBe(alert);
      const first = events.find((e) => e.type === 'alert' && e.direction === 'sent' && e.level === 'fatal');
      expect(first?.side).toBe(by);
      // Both endpoints end Closed.
      expect(
        events
          .filter((e) => e.type === 'closed')
          .map((e) => e.side)
          .sort(),
      ).toEqual(['client', 'server']);
    });
  }

  it('bad-premaster: the server engages the countermeasure and says nothing about padding on the wire', () => {
    const { events } = run({ fault: 'bad-premaster', serverKeyType: 'rsa-2048' });
    const notes = events.filter((e) => e.type === 'note' && e.side === 'server').map((e) => (e as { text: string }).text);
    expect(notes.some((t) => t.includes('Bleichenbacher countermeasure'))).toBe(true);
    const alerts = events.filter((e) => e.type === 'alert' && e.direction === 'sent').map((e) => (e as { description: string }).description);
    expect(alerts).toEqual(['bad_record_mac']);
    // The ClientKeyExchange was accepted: the server moved on to ExpectChangeCipherSpec.
    expect(events.some((e) => e.type === 'state' && e.side === 'server' && e.from === 'ExpectClientKeyExchange' && e.to === 'ExpectChangeCipherSpec')).toBe(true);
  });

  it('bad-premaster: the fault note names the record that carries the ClientKeyExchange, and follows it', () => {
    const { events } = run({ fault: 'bad-premaster', serverKeyType: 'rsa-2048', cipherSuite: 'TLS_RSA_WITH_AES_128_GCM_SHA256' });
    const note = events.find((e) => e.type === 'note' && e.side === 'client' && e.text.startsWith('Fault: the client encrypts a premaster'));
    const cke = events.find((e) => e.type === 'handshake' && e.side === 'client' && e.direction === 'sent' && e.name === 'ClientKeyExchange');
    expect(note?.type === 'note' && note.recordId).toBeTruthy();
    expect(cke?.type === 'handshake' && cke.recordId).toBe(note?.type === 'note' && note.recordId);
    // The record with that id is the one the client wrote and it holds the ClientKeyExchange bytes.
    const rec = events.find((e) => e.type === 'record' && e.side === 'client' && e.direction === 'sent' && note?.type === 'note' && e.recordId === note.recordId);
    expect(rec?.type === 'record' && rec.contentType).toBe('handshake');
    expect(rec?.type === 'record' && rec.messages).toContain('ClientKeyExchange');
    expect(note!.seq).toBeGreaterThan(cke!.seq);
  });

  it('every span of every record and handshake event lies inside its bytes (for the byte inspector)', () => {
    for (const sc of [
      { serverKeyType: 'rsa-2048' as const, cipherSuite: 'TLS_RSA_WITH_AES_256_GCM_SHA384' as const, mutual: true },
      { cipherSuite: 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256' as const },
    ]) {
      const { summary, events } = run(sc);
      expect(summary.ok).toBe(true);
      let checked = 0;
      for (const e of events) {
        if (e.type !== 'record' && e.type !== 'handshake') continue;
        expect(e.spans.length).toBeGreaterThan(0);
        for (const sp of e.spans) {
          expect(sp.start).toBeGreaterThanOrEqual(0);
          expect(sp.end).toBeGreaterThanOrEqual(sp.start);
          expect(sp.end, `${e.type} ${'name' in e ? e.name : e.contentType} ${sp.label}`).toBeLessThanOrEqual(e.bytes.length);
          checked++;
        }
        if (e.type === 'record' && e.protected) {
          for (const sp of e.protected.plaintextSpans) expect(sp.end).toBeLessThanOrEqual(e.protected.plaintext.length);
        }
      }
      expect(checked).toBeGreaterThan(100);
    }
  });
});

describe('TLS 1.2 records and hellos use RFC 5246 names and sections', () => {
  const labels = (events: TlsEvent[]) =>
    events.flatMap((e) => (e.type === 'record' || e.type === 'handshake' ? e.spans.map((s) => ({ where: e.type === 'record' ? `record ${e.recordId}` : e.name, ...s })) : []));

  it('version, client_version / server_version, session_id, compression_methods, RFC 5246 §7.4.1.4 extensions (both sides)', () => {
    const all = labels(run({ mutual: true }).events);
    expect(all.filter((s) => s.label.startsWith('legacy_') || s.rfc?.startsWith('RFC 8446 §4.2') || s.rfc === 'RFC 8446 §5.1' || s.rfc === 'RFC 8446 §6')).toEqual([]);
    const field = (where: string, label: string) => all.filter((s) => s.where === where && s.label === label);
    expect(field('ClientHello', 'client_version')[0]).toMatchObject({ value: 'TLS 1.2 (0x0303)', rfc: 'RFC 5246 §7.4.1.2' });
    expect(field('ClientHello', 'session_id').length).toBeGreaterThan(0);
    expect(field('ClientHello', 'compression_methods').length).toBeGreaterThan(0);
    expect(field('ServerHello', 'server_version').length).toBeGreaterThan(0);
    expect(field('ServerHello', 'compression_method').length).toBeGreaterThan(0);
    expect(field('ClientHello', 'extensions')[0]?.rfc).toBe('RFC 5246 §7.4.1.4');
    expect(all.find((s) => s.where === 'record c2s:0' && s.label === 'version')).toMatchObject({ start: 1, end: 3, rfc: 'RFC 5246 §6.2.1' });
  });

  it('a TLS 1.3 run keeps RFC 8446 names', () => {
    const all = labels(run({ version: 'TLS 1.3' }).events);
    expect(all.some((s) => s.label === 'legacy_session_id')).toBe(true);
    expect(all.some((s) => s.label === 'legacy_record_version')).toBe(true);
  });
});
