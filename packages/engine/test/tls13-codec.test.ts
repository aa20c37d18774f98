/**
 * The message codecs write and read the same bytes and the same spans (property test), and
 * every span an endpoint reports lies inside the bytes it describes and carries a label.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeHandshake, encodeHandshake, type HandshakeMessage } from '../src/msgs/handshake';
import type { Extension } from '../src/msgs/extensions';
import { runScenario, DEFAULT_SCENARIO, type TlsEvent, type ByteSpan } from '../src/index';

const bytes = (min: number, max: number) => fc.uint8Array({ minLength: min, maxLength: max });
const u16 = fc.integer({ min: 0, max: 0xffff });
const host = fc.stringMatching(/^[a-z][a-z0-9.-]{0,20}$/);

const chExt: fc.Arbitrary<Extension> = fc.oneof(
  host.map((h) => ({ type: 'server_name' as const, hostNames: [h] })),
  fc.array(u16, { minLength: 1, maxLength: 5 }).map((versions) => ({ type: 'supported_versions' as const, versions })),
  fc.array(u16, { minLength: 1, maxLength: 5 }).map((groups) => ({ type: 'supported_groups' as const, groups })),
  fc.array(u16, { minLength: 1, maxLength: 8 }).map((schemes) => ({ type: 'signature_algorithms' as const, schemes })),
  fc.array(fc.record({ group: u16, keyExchange: bytes(1, 70) }), { maxLength: 3 }).map((shares) => ({ type: 'key_share' as const, shares })),
  fc.array(fc.stringMatching(/^[a-z0-9/.]{1,10}$/), { minLength: 1, maxLength: 3 }).map((protocols) => ({ type: 'alpn' as const, protocols })),
  bytes(1, 40).map((cookie) => ({ type: 'cookie' as const, cookie })),
  fc.record({ code: fc.integer({ min: 0x3000, max: 0xfe00 }), data: bytes(0, 20) }).map((o) => ({ type: 'opaque' as const, ...o })),
);

/** Extension blocks with distinct types (duplicates are rejected on reading). */
const uniqueExts = (a: fc.Arbitrary<Extension>) => fc.uniqueArray(a, { maxLength: 6, selector: (e) => (e.type === 'opaque' ? e.code : e.type) });

const message: fc.Arbitrary<HandshakeMessage> = fc.oneof(
  fc.record({
    type: fc.constant('ClientHello' as const),
    legacyVersion: fc.constant(0x0303),
    random: bytes(32, 32),
    legacySessionId: bytes(0, 32),
    cipherSuites: fc.array(u16, { minLength: 1, maxLength: 5 }),
    legacyCompressionMethods: fc.constant(new Uint8Array([0])),
    extensions: uniqueExts(chExt),
  }),
  fc.record({ type: fc.constant('EncryptedExtensions' as const), extensions: uniqueExts(fc.oneof(chExt.filter((e) => e.type === 'alpn' || e.type === 'opaque'))) }),
  fc.record({
    type: fc.constant('Certificate' as const),
    context: bytes(0, 4),
    entries: fc.array(fc.record({ certData: bytes(1, 60), extensions: fc.constant([] as Extension[]) }), { maxLength: 3 }),
  }),
  fc.record({ type: fc.constant('CertificateVerify' as const), scheme: u16, signature: bytes(0, 80) }),
  fc.record({ type: fc.constant('Finished' as const), verifyData: bytes(32, 48) }),
  fc.record({ type: fc.constant('KeyUpdate' as const), requestUpdate: fc.integer({ min: 0, max: 1 }) }),
);

describe('handshake codecs', () => {
  it('decode(encode(m)) gives m back, the same bytes and the same spans', () => {
    fc.assert(
      fc.property(message, (m) => {
        const enc = encodeHandshake(m);
        const dec = decodeHandshake({ msgType: enc.bytes[0]!, bytes: enc.bytes, body: enc.bytes.subarray(4) });
        expect(dec.msg).toEqual(m);
        expect(encodeHandshake(dec.msg).bytes).toEqual(enc.bytes);
        expect(dec.spans.map((s) => [s.label, s.start, s.end, s.depth])).toEqual(enc.spans.map((s) => [s.label, s.start, s.end, s.depth]));
      }),
      { numRuns: 500, seed: 8446 },
    );
  });
});

function checkSpans(spans: ByteSpan[], length: number, where: string): void {
  for (const s of spans) {
    expect(s.label.length, where).toBeGreaterThan(0);
    expect(s.start, `${where} ${s.label}`).toBeGreaterThanOrEqual(0);
    expect(s.end, `${where} ${s.label}`).toBeLessThanOrEqual(length);
    expect(s.end, `${where} ${s.label}`).toBeGreaterThanOrEqual(s.start);
  }
}

describe('spans reported during a run', () => {
  for (const extra of [{}, { helloRetry: true, mutual: true, serverKeyType: 'rsa-2048' as const }, { version: 'TLS 1.2' as const, mutual: true }])
    it(`lie inside their bytes ${JSON.stringify(extra)}`, () => {
      const events: TlsEvent[] = [];
      runScenario({ ...DEFAULT_SCENARIO, at: '2026-11-25T12:00:00Z', ...extra }, (e) => events.push(e));
      let n = 0;
      for (const e of events) {
        if (e.type === 'record') {
          checkSpans(e.spans, e.bytes.length, `record ${e.recordId}`);
          if (e.protected) checkSpans(e.protected.plaintextSpans, e.protected.plaintext.length, `plaintext ${e.recordId}`);
          n++;
        }
        if (e.type === 'handshake') {
          checkSpans(e.spans, e.bytes.length, `handshake ${e.name}`);
          expect(e.spans.some((s) => s.label === 'msg_type')).toBe(true);
        }
      }
      expect(n).toBeGreaterThan(10);
    });
});
