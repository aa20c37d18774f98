/**
 * The record header (RFC 8446 §5.1): TLSPlaintext / TLSCiphertext
 *   ContentType type; ProtocolVersion legacy_record_version; uint16 length; opaque fragment.
 * Alerts (RFC 8446 §6) and change_cipher_spec bodies are here too: they are one or two bytes.
 */
import type { ByteSpan } from '../codec/bytespan';
import { Writer } from '../codec/writer';
import { Reader } from '../codec/reader';
import { alertName } from '../errors';
import type { TlsVersionName } from '../events';
import { ALERT_LEVELS, CONTENT_TYPES, describe, VERSIONS } from './enums';

export const RECORD_HEADER_LEN = 5;
/** RFC 8446 §5.1: TLSPlaintext.length MUST NOT exceed 2^14. */
export const MAX_PLAINTEXT = 1 << 14;
/** RFC 8446 §5.2: TLSCiphertext.length MUST NOT exceed 2^14 + 256. */
export const MAX_CIPHERTEXT = (1 << 14) + 256;
/** RFC 5246 §6.2.3: in TLS 1.2, TLSCiphertext.length MUST NOT exceed 2^14 + 2048. */
export const MAX_CIPHERTEXT_TLS12 = (1 << 14) + 2048;

/**
 * The TLSCiphertext length limit of a version, checked before a record's body is read. While
 * the version is not known yet, TLS 1.3's (the stricter one).
 */
export function ciphertextLimit(version: TlsVersionName | undefined): { max: number; text: string; rfc: string } {
  return version === 'TLS 1.2' ? { max: MAX_CIPHERTEXT_TLS12, text: '2^14 + 2048', rfc: 'RFC 5246 §6.2.3' } : { max: MAX_CIPHERTEXT, text: '2^14 + 256', rfc: 'RFC 8446 §5.2' };
}

/** Writes a record header + fragment, returning bytes and spans. */
export function encodeRecord(contentType: number, legacyVersion: number, fragment: Uint8Array, fragmentLabel = 'fragment'): { bytes: Uint8Array; spans: ByteSpan[] } {
  const w = new Writer();
  w.u8(contentType, 'type', { value: describe(CONTENT_TYPES, contentType, 2), rfc: 'RFC 8446 §5.1' });
  w.u16(legacyVersion, 'legacy_record_version', { value: describe(VERSIONS, legacyVersion) });
  w.u16(fragment.length, 'length');
  w.bytes(fragment, fragmentLabel, { value: `${fragment.length} bytes` });
  return { bytes: w.finish(), spans: w.spans };
}

/** Spans for the header of a record already in `bytes` (5 header bytes + fragment). */
export function recordHeaderSpans(bytes: Uint8Array, fragmentLabel: string): ByteSpan[] {
  const r = new Reader(bytes);
  r.u8('type', (v) => describe(CONTENT_TYPES, v, 2));
  r.u16('legacy_record_version', (v) => describe(VERSIONS, v));
  r.u16('length');
  r.bytesN(bytes.length - RECORD_HEADER_LEN, fragmentLabel, { value: `${bytes.length - RECORD_HEADER_LEN} bytes` });
  return r.spans;
}

export function alertSpans(body: Uint8Array): ByteSpan[] {
  const r = new Reader(body);
  if (body.length >= 1) r.u8('level', (v) => describe(ALERT_LEVELS, v, 2));
  if (body.length >= 2) r.u8('description', (v) => `${alertName(v)} (${v})`);
  return r.spans;
}
