/**
 * Every field the engine labels has a plain-language explanation: the spans of real runs across
 * the settings (both versions, mutual, HelloRetryRequest, resumption, 0-RTT, faults) are walked
 * and any label without one fails the test. Unknown extensions say so.
 */
import { describe, expect, it } from 'vitest';
import { EXTENSION_TYPES, runScenario, type Scenario, type TlsEvent } from '@tlslab/engine';
import { DEFAULT_SCENARIO } from '@tlslab/engine/scenario';
import { buildRunView, type ByteSpan } from '../store/derive';
import { ancestorsOf, arrowSpans } from './record-spans';
import { EXTENSIONS, explainField, FIELD_EXPLANATIONS, messageOf } from './explain';
import { explainExtension } from './explain-extensions';

const SETTINGS: Partial<Scenario>[] = [
  {},
  { mutual: true },
  { helloRetry: true },
  { resumption: true },
  { resumption: true, earlyData: true },
  { cipherSuite: 'TLS_CHACHA20_POLY1305_SHA256', group: 'secp256r1', serverKeyType: 'ed25519' },
  { serverKeyType: 'rsa-2048', mutual: true },
  { version: 'TLS 1.2' },
  { version: 'TLS 1.2', mutual: true },
  { version: 'TLS 1.2', cipherSuite: 'TLS_RSA_WITH_AES_256_GCM_SHA384', serverKeyType: 'rsa-2048' },
  { version: 'TLS 1.2', cipherSuite: 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256', serverKeyType: 'rsa-2048' },
  { fault: 'downgrade' },
  { fault: 'tamper-ciphertext' },
  { fault: 'expired-certificate' },
  { fault: 'no-common-suite' },
  { fault: 'no-client-certificate', mutual: true },
  { fault: 'bad-signature' },
  { version: 'TLS 1.2', fault: 'bad-premaster' },
];

function spansOf(patch: Partial<Scenario>): { span: ByteSpan; ancestors: ByteSpan[]; version: 'TLS 1.2' | 'TLS 1.3' }[] {
  const events: TlsEvent[] = [];
  runScenario({ ...DEFAULT_SCENARIO, seed: 'explain', ...patch }, (e) => events.push(e));
  const view = buildRunView(events);
  const version = patch.fault === 'downgrade' ? 'TLS 1.2' : (patch.version ?? 'TLS 1.3');
  const out: { span: ByteSpan; ancestors: ByteSpan[]; version: 'TLS 1.2' | 'TLS 1.3' }[] = [];
  for (const a of view.arrows) {
    const { record, plaintext } = arrowSpans(view.events, a);
    for (const list of [record, plaintext ?? []]) for (const s of list) out.push({ span: s, ancestors: ancestorsOf(list, s), version });
  }
  // And the received side's own spans (what a receiver parsed, e.g. after a man in the middle).
  for (const e of view.events) {
    if (e.type === 'handshake') for (const s of e.spans) out.push({ span: s, ancestors: ancestorsOf(e.spans, s), version });
  }
  return out;
}

describe('field explanations', () => {
  it('every span label in runs across the settings has an explanation, with a meaning for its value', () => {
    const missing = new Set<string>();
    const labels = new Set<string>();
    for (const patch of SETTINGS) {
      for (const { span, ancestors, version } of spansOf(patch)) {
        labels.add(span.label);
        if (!FIELD_EXPLANATIONS[span.label]) {
          missing.add(span.label);
          continue;
        }
        const e = explainField({ span, ancestors, version });
        expect(e.what.length, span.label).toBeGreaterThan(10);
        expect(e.why.length, span.label).toBeGreaterThan(10);
        expect(e.value, span.label).toBeTruthy();
        expect(e.value!, span.label).not.toMatch(/undefined|NaN|\[object|\?/);
      }
    }
    expect([...missing].sort()).toEqual([]);
    // The walk really covered both versions' messages and the extensions.
    for (const l of [
      'ClientHello',
      'ServerKeyExchange',
      'EncryptedExtensions',
      'HelloRetryRequest',
      'PskBinderEntry',
      'EndOfEarlyData',
      'ecdh_Yc',
      'pre_master_secret',
      'cookie',
      'encrypted_record',
      'nonce_explicit',
    ])
      expect(labels.has(l), l).toBe(true);
  });

  it('every extension we send or receive, and every IANA name the codec knows, is explained', () => {
    for (const name of Object.values(EXTENSION_TYPES)) expect(EXTENSIONS[name], name).toBeDefined();
    for (const patch of SETTINGS)
      for (const { span, ancestors } of spansOf(patch))
        if (span.label === 'extension') {
          const e = explainExtension(String(span.value), messageOf({ span, ancestors }));
          expect(e.what, String(span.value)).not.toMatch(/not an extension this engine knows/);
        }
  });

  it('an unknown extension says so, with what the receiver must do', () => {
    const inHello = explainExtension('0x5a5a', 'ClientHello');
    expect(inHello.what).toMatch(/not an extension this engine knows/);
    expect(inHello.why).toMatch(/ignores/);
    expect(explainExtension('0x5a5a', 'ServerHello').why).toMatch(/unsupported_extension/);
    const type = explainField({ span: { start: 0, end: 2, depth: 3, label: 'extension_type', value: 'unknown (0x5a5a)' }, ancestors: [] });
    expect(type.value).toMatch(/not an extension this engine knows/);
  });

  it('reads the value of this run: the HelloRetryRequest random, the downgrade sentinel, the legacy version', () => {
    const hrr = spansOf({ helloRetry: true }).find((x) => x.span.label === 'random' && messageOf(x) === 'HelloRetryRequest')!;
    expect(explainField(hrr).value).toMatch(/HelloRetryRequest/);
    const down = spansOf({ fault: 'downgrade' }).find((x) => x.span.label === 'random' && messageOf(x) === 'ServerHello')!;
    expect(explainField(down).value).toMatch(/DOWNGRD/);
    const plain = spansOf({}).find((x) => x.span.label === 'random' && messageOf(x) === 'ServerHello')!;
    expect(explainField(plain).value).not.toMatch(/DOWNGRD|HelloRetryRequest/);
    const lv = spansOf({}).find((x) => x.span.label === 'legacy_version')!;
    expect(explainField(lv).value).toMatch(/supported_versions/);
    // Vector lengths are counted without their length prefix.
    const tls12 = spansOf({ version: 'TLS 1.2' });
    const suites = tls12.find((x) => x.span.label === 'cipher_suites')!;
    const offered = tls12.filter((x) => x.span.label === 'CipherSuite' && x.ancestors.includes(suites.span));
    expect(offered.length).toBeGreaterThan(1);
    expect(explainField(suites).value).toBe(`${offered.length} suites.`);
  });
});
