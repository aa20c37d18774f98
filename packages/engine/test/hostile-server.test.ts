/**
 * Hostile and unusual ClientHellos a tlsfuzzer-style suite sends to a TLS server, table-driven:
 * the bytes go in, and the answer is checked (the alert's level and description, or a signature
 * that verifies). Each case cites its RFC section.
 */
import { describe, expect, it } from 'vitest';
import { concatBytes } from '../src/codec/hex';
import type { ServerConfig } from '../src/config';
import type { ServerKeyType } from '../src/crypto/keys';
import { ecdsaVerify } from '../src/crypto/signature';
import { rsaVerifyPkcs1v15, type HashName } from '../src/crypto/rsa';
import type { TlsEventBody } from '../src/events';
import { serverKeyExchangeSignedContent } from '../src/msgs/tls12';
import { makePair, pki } from './tls13-helpers';
import { editedClientHello, TLS12_ONLY, type ClientHello } from './last-alerts-helpers';

type Alert = { level: string; description: string };
const sentAlerts = (events: TlsEventBody[]): Alert[] =>
  events.flatMap((e) => (e.type === 'alert' && e.direction === 'sent' ? [{ level: e.level, description: String(e.description) }] : []));

function answer(bytes: Uint8Array, server: Partial<ServerConfig>, keyType: ServerKeyType = 'ecdsa-p256') {
  const pair = makePair({ server, keyType });
  pair.server.start();
  const out = concatBytes(...pair.server.receive(bytes));
  return { out, events: pair.serverEvents };
}

function setSigalgs(codes: number[]) {
  return (ch: ClientHello) => {
    const sa = ch.extensions.find((e) => e.type === 'signature_algorithms') as { schemes: number[] } | undefined;
    sa!.schemes = codes;
  };
}

/** The handshake messages in a server's plaintext TLS 1.2 flight: [type, body]. */
function messages(out: Uint8Array): [number, Uint8Array][] {
  const parts: Uint8Array[] = [];
  for (let i = 0; i + 5 <= out.length;) {
    const len = (out[i + 3]! << 8) | out[i + 4]!;
    if (out[i] === 22) parts.push(out.subarray(i + 5, i + 5 + len));
    i += 5 + len;
  }
  const hs = concatBytes(...parts);
  const msgs: [number, Uint8Array][] = [];
  for (let i = 0; i + 4 <= hs.length;) {
    const len = (hs[i + 1]! << 16) | (hs[i + 2]! << 8) | hs[i + 3]!;
    msgs.push([hs[i]!, hs.subarray(i + 4, i + 4 + len)]);
    i += 4 + len;
  }
  return msgs;
}

describe('TLS 1.2 ServerKeyExchange signature with only the hashes the client offers (RFC 5246 §7.4.1.4.1, RFC 8422 §5.1.1, RFC 9155 §2)', () => {
  const cases: { keyType: ServerKeyType; offered: number[]; code: number; hash: HashName }[] = [
    { keyType: 'ecdsa-p256', offered: [0x0603], code: 0x0603, hash: 'sha512' },
    { keyType: 'ecdsa-p256', offered: [0x0303], code: 0x0303, hash: 'sha224' },
    { keyType: 'ecdsa-p256', offered: [0x0203, 0x0303], code: 0x0303, hash: 'sha224' },
    { keyType: 'ecdsa-p256', offered: [0x0201, 0x0203, 0x0603], code: 0x0603, hash: 'sha512' },
    { keyType: 'rsa-2048', offered: [0x0301], code: 0x0301, hash: 'sha224' },
    { keyType: 'rsa-2048', offered: [0x0201, 0x0301], code: 0x0301, hash: 'sha224' },
  ];
  for (const c of cases) {
    it(`${c.keyType} key, client offers ${c.offered.map((x) => '0x' + x.toString(16).padStart(4, '0')).join(', ')}: signs with 0x${c.code.toString(16).padStart(4, '0')} and the signature verifies`, () => {
      const ch = editedClientHello(setSigalgs(c.offered), TLS12_ONLY);
      const { out, events } = answer(ch, TLS12_ONLY, c.keyType);
      expect(sentAlerts(events)).toEqual([]);
      const msgs = messages(out);
      const sh = msgs.find(([t]) => t === 2)![1];
      const ske = msgs.find(([t]) => t === 12)![1];
      // ServerECDHParams: curve_type(1) named_curve(2) point<1..255>, then DigitallySigned.
      const paramsLen = 4 + ske[3]!;
      const alg = (ske[paramsLen]! << 8) | ske[paramsLen + 1]!;
      expect(alg).toBe(c.code);
      const sigLen = (ske[paramsLen + 2]! << 8) | ske[paramsLen + 3]!;
      const sig = ske.subarray(paramsLen + 4, paramsLen + 4 + sigLen);
      const content = serverKeyExchangeSignedContent(ch.subarray(11, 43), sh.subarray(2, 34), ske.subarray(0, paramsLen));
      const pub = pki(c.keyType).serverKey.publicKey;
      const ok = pub.type === 'rsa' ? rsaVerifyPkcs1v15(pub, c.hash, content, sig) : ecdsaVerify(pub, c.hash, content, sig);
      expect(ok).toBe(true);
    });
  }

  for (const [keyType, offered] of [
    ['ecdsa-p256', [0x0203]],
    ['ecdsa-p256', [0x0201, 0x0203, 0x0202]],
  ] as const) {
    it(`${keyType} key, client offers only SHA-1/MD5 (${offered.map((x) => '0x' + x.toString(16).padStart(4, '0')).join(', ')}) → fatal handshake_failure (RFC 9155 §2: MUST NOT sign with them)`, () => {
      const { events } = answer(editedClientHello(setSigalgs([...offered]), TLS12_ONLY), TLS12_ONLY, keyType);
      expect(sentAlerts(events)).toEqual([{ level: 'fatal', description: 'handshake_failure' }]);
    });
  }

  it('rsa-2048 key, client offers only SHA-1 (0x0201): no signature is made — the server falls back to an RSA key-exchange suite, which needs no ServerKeyExchange', () => {
    const { out, events } = answer(editedClientHello(setSigalgs([0x0201]), TLS12_ONLY), TLS12_ONLY, 'rsa-2048');
    expect(sentAlerts(events)).toEqual([]);
    expect(messages(out).map(([t]) => t)).not.toContain(12);
  });
});
