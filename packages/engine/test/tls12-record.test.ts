/** TLS 1.2 AEAD records: round trip, nonce construction checked with node:crypto, tampering. */
import { createCipheriv } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { concatBytes, fromHex, toHex, utf8 } from '../src/codec/hex';
import { TlsError, alertFor } from '../src/errors';
import { additionalData, CONTENT_TYPE, Tls12RecordProtection } from '../src/record/tls12';
import { TLS12_SUITES } from '../src/crypto/tls12-suites';

function pair(suiteIndex: number) {
  const suite = TLS12_SUITES[suiteIndex]!;
  const key = new Uint8Array(suite.keyLength).map((_, i) => i + 1);
  const iv = new Uint8Array(suite.fixedIvLength).map((_, i) => 0xa0 + i);
  return {
    suite,
    key,
    iv,
    writer: new Tls12RecordProtection(suite, key, iv, 'client_write_key'),
    reader: new Tls12RecordProtection(suite, key, iv, 'client_write_key'),
  };
}

/** Seals with node:crypto from the RFC formulas (independent of our record code). */
function nodeSeal(aead: string, key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, pt: Uint8Array): Uint8Array {
  const algo = aead === 'AES-128-GCM' ? 'aes-128-gcm' : aead === 'AES-256-GCM' ? 'aes-256-gcm' : 'chacha20-poly1305';
  const c = createCipheriv(algo as 'aes-128-gcm', key, nonce, { authTagLength: 16 });
  c.setAAD(aad, { plaintextLength: pt.length });
  const ct = Buffer.concat([c.update(pt), c.final()]);
  return new Uint8Array(Buffer.concat([ct, c.getAuthTag()]));
}

describe('TLS 1.2 AEAD record protection', () => {
  for (const [i, suite] of TLS12_SUITES.entries()) {
    it(`${suite.name}: three records round trip and match node:crypto`, () => {
      const { writer, reader, key, iv } = pair(i);
      for (let seq = 0; seq < 3; seq++) {
        const pt = utf8.encode(`record number ${seq}`);
        const { record, info } = writer.protect(CONTENT_TYPE.application_data, pt);
        expect(Array.from(record.subarray(0, 3))).toEqual([23, 3, 3]);
        const fragment = record.subarray(5);
        expect((record[3]! << 8) | record[4]!).toBe(fragment.length);
        // The nonce per RFC 5288 §3 / RFC 7905 §2, recomputed here.
        const seqBytes = fromHex(seq.toString(16).padStart(16, '0'));
        let nonce: Uint8Array;
        if (suite.recordIvLength === 8) {
          nonce = concatBytes(iv, seqBytes);
          expect(toHex(fragment.subarray(0, 8))).toBe(toHex(seqBytes)); // nonce_explicit on the wire
          expect(toHex(info.explicitNonce!)).toBe(toHex(seqBytes));
          expect(fragment.length).toBe(8 + pt.length + 16);
        } else {
          nonce = iv.slice();
          for (let j = 0; j < 8; j++) nonce[4 + j]! ^= seqBytes[j]!;
          expect(info.explicitNonce).toBeUndefined();
          expect(fragment.length).toBe(pt.length + 16);
        }
        expect(toHex(info.nonce)).toBe(toHex(nonce));
        const aad = concatBytes(seqBytes, new Uint8Array([23, 3, 3, pt.length >> 8, pt.length & 0xff]));
        expect(toHex(info.aad)).toBe(toHex(aad));
        expect(toHex(fragment.subarray(suite.recordIvLength))).toBe(toHex(nodeSeal(suite.aead, key, nonce, aad, pt)));
        const opened = reader.unprotect(23, 0x0303, fragment);
        expect(utf8.decode(opened.plaintext)).toBe(`record number ${seq}`);
        expect(opened.info.sequence).toBe(seq);
      }
    });

    it(`${suite.name}: a flipped bit, a wrong sequence number or a changed type is bad_record_mac`, () => {
      const { writer, reader } = pair(i);
      const { record } = writer.protect(CONTENT_TYPE.handshake, utf8.encode('finished'));
      const frag = record.slice(5);
      // Flip one bit of the ciphertext (not the explicit nonce).
      const bad = frag.slice();
      bad[suite.recordIvLength]! ^= 1;
      const err = (() => {
        try {
          reader.unprotect(22, 0x0303, bad);
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(err).toBeInstanceOf(TlsError);
      expect(alertFor(err)).toBe('bad_record_mac');
      // A different content type changes the AAD.
      expect(() => reader.unprotect(23, 0x0303, frag)).toThrow(/authentication failed/);
      // The failures did not advance the sequence number; the genuine record opens.
      expect(utf8.decode(reader.unprotect(22, 0x0303, frag).plaintext)).toBe('finished');
      // Replaying it (now expected seq 1) fails for ChaCha20 (nonce from seq) and GCM (AAD has seq).
      expect(() => reader.unprotect(22, 0x0303, frag)).toThrow(TlsError);
    });
  }

  it('a record too short for nonce and tag is bad_record_mac, an oversized one record_overflow', () => {
    const { reader } = pair(0);
    expect(() => reader.unprotect(23, 0x0303, new Uint8Array(10))).toThrow(/shorter than/);
    let err: unknown;
    try {
      reader.unprotect(23, 0x0303, new Uint8Array((1 << 14) + 2049));
    } catch (e) {
      err = e;
    }
    expect(alertFor(err)).toBe('record_overflow');
  });

  it('additional_data is seq ‖ type ‖ version ‖ length', () => {
    expect(toHex(additionalData(258n, 22, 0x0303, 16))).toBe('0000000000000102' + '16' + '0303' + '0010');
  });
});
