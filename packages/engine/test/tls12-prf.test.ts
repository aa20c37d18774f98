/** TLS 1.2 PRF and key schedule: known answers and an independent node:crypto computation. */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { concatBytes, fromHex, toHex, utf8 } from '../src/codec/hex';
import type { TlsEventBody } from '../src/events';
import { deriveKeyBlock, deriveMasterSecret, finishedVerifyData, secretReporter } from '../src/crypto/tls12-key-schedule';
import { prf } from '../src/crypto/prf';
import { TLS12_SUITES, tls12SuiteByName, type PrfHash } from '../src/crypto/tls12-suites';
import vectors from './vectors/tls12-prf-vectors.json';

/** P_hash written again with node:crypto, straight from RFC 5246 §5, as an independent check. */
function nodePrf(hash: PrfHash, secret: Uint8Array, label: string, seed: Uint8Array, n: number): Uint8Array {
  const s = Buffer.concat([Buffer.from(label, 'ascii'), seed]);
  const out: Buffer[] = [];
  let a: Buffer = s;
  let total = 0;
  while (total < n) {
    a = createHmac(hash, secret).update(a).digest();
    const b = createHmac(hash, secret)
      .update(Buffer.concat([a, s]))
      .digest();
    out.push(b);
    total += b.length;
  }
  return new Uint8Array(Buffer.concat(out).subarray(0, n));
}

describe('TLS 1.2 PRF (RFC 5246 §5)', () => {
  for (const [i, v] of vectors.vectors.entries()) {
    it(`known answer #${i} (${v.hash}, ${v.output.length / 2} bytes) — ${v.source.slice(0, 60)}`, () => {
      const out = prf(v.hash as PrfHash, fromHex(v.secret), v.label, fromHex(v.seed), v.output.length / 2);
      expect(toHex(out)).toBe(v.output);
    });
  }

  it('a different label gives a different output', () => {
    const v = vectors.vectors[0]!;
    const out = prf('sha256', fromHex(v.secret), 'test labem', fromHex(v.seed), 16);
    expect(toHex(out)).not.toBe(v.output.slice(0, 32));
  });

  it('matches an independent node:crypto P_hash for odd lengths', () => {
    const secret = utf8.encode('some secret');
    const seed = fromHex('00112233445566778899');
    for (const hash of ['sha256', 'sha384'] as const) {
      for (const n of [0, 1, 31, 32, 33, 48, 100, 200]) {
        expect(toHex(prf(hash, secret, 'lbl', seed, n))).toBe(toHex(nodePrf(hash, secret, 'lbl', seed, n)));
      }
    }
  });
});

describe('TLS 1.2 key schedule (RFC 5246 §8.1, §6.3, §7.4.9; RFC 7627)', () => {
  const premaster = concatBytes(new Uint8Array([3, 3]), fromHex('aa'.repeat(46)));
  const clientRandom = fromHex('01'.repeat(32));
  const serverRandom = fromHex('02'.repeat(32));

  it('master secret over the randoms, and the RFC 7627 one over the session hash', () => {
    const ms = deriveMasterSecret({ hash: 'sha256', premaster, clientRandom, serverRandom });
    expect(toHex(ms)).toBe(toHex(nodePrf('sha256', premaster, 'master secret', concatBytes(clientRandom, serverRandom), 48)));
    const sessionHash = fromHex('33'.repeat(32));
    const ems = deriveMasterSecret({ hash: 'sha256', premaster, clientRandom, serverRandom, sessionHash });
    expect(toHex(ems)).toBe(toHex(nodePrf('sha256', premaster, 'extended master secret', sessionHash, 48)));
    expect(toHex(ems)).not.toBe(toHex(ms));
  });

  for (const suite of TLS12_SUITES) {
    it(`key block split for ${suite.name}`, () => {
      const ms = nodePrf(suite.hash, premaster, 'master secret', concatBytes(clientRandom, serverRandom), 48);
      const events: TlsEventBody[] = [];
      const keys = deriveKeyBlock({ suite, masterSecret: ms, clientRandom, serverRandom, report: secretReporter((e) => events.push(e), 'client') });
      const k = suite.keyLength;
      const iv = suite.aead === 'CHACHA20-POLY1305' ? 12 : 4;
      const block = nodePrf(suite.hash, ms, 'key expansion', concatBytes(serverRandom, clientRandom), 2 * k + 2 * iv);
      expect(toHex(keys.keyBlock)).toBe(toHex(block));
      expect(toHex(keys.clientWriteKey)).toBe(toHex(block.subarray(0, k)));
      expect(toHex(keys.serverWriteKey)).toBe(toHex(block.subarray(k, 2 * k)));
      expect(toHex(keys.clientWriteIv)).toBe(toHex(block.subarray(2 * k, 2 * k + iv)));
      expect(toHex(keys.serverWriteIv)).toBe(toHex(block.subarray(2 * k + iv)));
      const names = events.map((e) => (e.type === 'secret' ? `${e.name}:${e.stage}` : e.type));
      expect(names).toEqual(['key_block:tls12', 'client_write_key:tls12', 'server_write_key:tls12', 'client_write_IV:tls12', 'server_write_IV:tls12']);
    });
  }

  it('Finished verify_data is 12 bytes of PRF over the handshake hash', () => {
    const suite = tls12SuiteByName('TLS_RSA_WITH_AES_256_GCM_SHA384')!;
    const ms = fromHex('44'.repeat(48));
    const hh = fromHex('55'.repeat(48));
    const events: TlsEventBody[] = [];
    const c = finishedVerifyData({ hash: suite.hash, masterSecret: ms, side: 'client', handshakeHash: hh, report: secretReporter((e) => events.push(e), 'server') });
    const s = finishedVerifyData({ hash: suite.hash, masterSecret: ms, side: 'server', handshakeHash: hh });
    expect(toHex(c)).toBe(toHex(nodePrf('sha384', ms, 'client finished', hh, 12)));
    expect(toHex(s)).toBe(toHex(nodePrf('sha384', ms, 'server finished', hh, 12)));
    expect(events[0]).toMatchObject({ type: 'secret', name: 'client_verify_data', rfc: 'RFC 5246 §7.4.9', stage: 'tls12' });
  });
});
