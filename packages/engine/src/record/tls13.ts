/**
 * Record protection (RFC 8446 §5.2–5.4).
 *
 *   struct { opaque content[TLSPlaintext.length]; ContentType type; uint8 zeros[length_of_padding]; } TLSInnerPlaintext;
 *   struct { ContentType opaque_type = application_data; ProtocolVersion legacy_record_version = 0x0303;
 *            uint16 length; opaque encrypted_record[TLSCiphertext.length]; } TLSCiphertext;
 *   nonce = write_iv XOR (64-bit sequence number, left-padded with zeros to iv_length)
 *   additional_data = TLSCiphertext.opaque_type ‖ legacy_record_version ‖ length
 *
 * `RecordProtection` is the seam between the record layer and a version: TLS 1.3 is here,
 * TLS 1.2 AEAD (record/tls12.ts) implements the same interface.
 */
import type { ByteSpan } from '../codec/bytespan';
import { Reader } from '../codec/reader';
import { concatBytes, paddedSequence } from '../codec/hex';
import { contentSpans, fragmentSpans } from './content-spans';
import { TlsError } from '../errors';
import type { ProtectedRecordInfo } from '../events';
import { aeadOpen, aeadSeal, TAG_LEN } from '../crypto/aead';
import type { Suite13 } from '../crypto/tls13-suites';
import { trafficKeyNames } from '../crypto/tls13-key-schedule';
import { CONTENT_TYPES, ContentType, contentTypeName, describe, TLS12 } from '../msgs/enums';
import { MAX_CIPHERTEXT, MAX_PLAINTEXT, RECORD_HEADER_LEN } from '../msgs/record';

export interface SealedRecord {
  /** The whole record as it goes on the wire. */
  bytes: Uint8Array;
  spans: ByteSpan[];
  info: ProtectedRecordInfo;
}

export interface OpenedRecord {
  /** The real content type (TLS 1.3 inner type). */
  contentType: number;
  content: Uint8Array;
  info: ProtectedRecordInfo;
  spans: ByteSpan[];
}

/** A direction's record protection (one key, one sequence counter). */
export interface RecordProtection {
  /** Protects `content` of `contentType` as one record. */
  seal(contentType: number, content: Uint8Array, padding?: number, contentSpans?: ByteSpan[]): SealedRecord;
  /**
   * Opens a whole record (header + fragment); throws TlsError PeerBadRecordMac on failure.
   * `handshakePrefix`: an unfinished handshake message from earlier records (for the spans).
   */
  open(record: Uint8Array, handshakePrefix?: Uint8Array): OpenedRecord;
  /** Name of the secret the key comes from, e.g. `server_handshake_traffic_secret`. */
  readonly keyName: string;
  /**
   * TLS 1.2 (RFC 5246 §6.2.3): protected records keep their real content type outside, so
   * every type but change_cipher_spec is opened. Absent/false: TLS 1.3 (only application_data).
   */
  readonly keepsOuterType?: boolean;
}

/** The TLS 1.3 nonce: write_iv XOR seq (left-padded), RFC 8446 §5.3. */
function nonce13(iv: Uint8Array, seq: number): Uint8Array {
  const s = paddedSequence(seq, iv.length);
  return iv.map((b, i) => b ^ s[i]!);
}

function header(type: number, length: number): Uint8Array {
  return new Uint8Array([type, TLS12 >> 8, TLS12 & 0xff, length >> 8, length & 0xff]);
}

/** Spans over a TLSInnerPlaintext: content, type, zeros. */
function innerSpans(content: Uint8Array, innerType: number, padding: number, contentSpans: ByteSpan[]): ByteSpan[] {
  const spans: ByteSpan[] = [{ start: 0, end: content.length, depth: 0, label: 'content', value: `${content.length} bytes`, rfc: 'RFC 8446 §5.2' }];
  for (const s of contentSpans) spans.push({ ...s, depth: s.depth + 1 });
  spans.push({ start: content.length, end: content.length + 1, depth: 0, label: 'type', value: describe(CONTENT_TYPES, innerType, 2) });
  spans.push({ start: content.length + 1, end: content.length + 1 + padding, depth: 0, label: 'zeros', value: `${padding} bytes of padding` });
  return spans;
}

/** Spans over a protected record on the wire. */
function outerSpans(bytes: Uint8Array): ByteSpan[] {
  const r = new Reader(bytes);
  r.u8('opaque_type', (v) => describe(CONTENT_TYPES, v, 2));
  r.u16('legacy_record_version', (v) => `0x${v.toString(16).padStart(4, '0')}`);
  r.u16('length');
  const n = bytes.length - RECORD_HEADER_LEN;
  r.bytesN(Math.max(0, n - TAG_LEN), 'encrypted_record', { value: `${Math.max(0, n - TAG_LEN)} bytes`, rfc: 'RFC 8446 §5.2' });
  if (n >= TAG_LEN) r.bytesN(TAG_LEN, 'authentication_tag');
  return r.spans;
}

/** Describes the plaintext content for the spans: a caller can pass its own content spans. */
export type ContentSpanner = (contentType: number, content: Uint8Array) => ByteSpan[];

/** TLS 1.3 record protection for one direction. */
export class Protection13 implements RecordProtection {
  private seq = 0;

  constructor(
    readonly suite: Suite13,
    readonly key: Uint8Array,
    readonly iv: Uint8Array,
    readonly keyName: string,
    private readonly spanner: ContentSpanner = contentSpans,
  ) {}

  get sequence(): number {
    return this.seq;
  }

  seal(contentType: number, content: Uint8Array, padding = 0, spans?: ByteSpan[]): SealedRecord {
    if (content.length > MAX_PLAINTEXT) throw new TlsError('LocalInternal', `record content of ${content.length} bytes exceeds 2^14`);
    // RFC 8446 §5.5: a sequence number never wraps.
    if (this.seq >= Number.MAX_SAFE_INTEGER) throw new TlsError('LocalInternal', 'sequence number exhausted');
    // RFC 8446 §5.4: content, type and padding together stay within 2^14 + 1 bytes.
    padding = Math.max(0, Math.min(padding, MAX_PLAINTEXT - content.length));
    const inner = concatBytes(content, new Uint8Array([contentType]), new Uint8Array(padding));
    const length = inner.length + TAG_LEN;
    const aad = header(ContentType.application_data, length);
    const seq = this.seq++;
    const nonce = nonce13(this.iv, seq);
    const sealed = aeadSeal(this.suite.aead, this.key, nonce, aad, inner);
    const bytes = concatBytes(aad, sealed);
    return {
      bytes,
      spans: outerSpans(bytes),
      info: this.info('write_iv', seq, nonce, aad, sealed, inner, contentType, padding, spans ?? this.spanner(contentType, content), content),
    };
  }

  /** What the `record` event shows of a protected record (both directions). */
  private info(
    ivName: 'write_iv' | 'read_iv',
    seq: number,
    nonce: Uint8Array,
    aad: Uint8Array,
    sealed: Uint8Array,
    inner: Uint8Array,
    contentType: number,
    padding: number,
    contentSpans: ByteSpan[],
    content: Uint8Array,
  ): ProtectedRecordInfo {
    return {
      keyName: this.keyName,
      ...trafficKeyNames(this.keyName, this.key.length, this.iv.length),
      trafficSecret: this.keyName,
      key: this.key,
      iv: this.iv,
      sequence: seq,
      nonce,
      nonceFormula: `${ivName} XOR ${seq} (64-bit sequence number, left-padded) — RFC 8446 §5.3`,
      aad,
      ciphertext: sealed.slice(0, sealed.length - TAG_LEN),
      tag: sealed.slice(sealed.length - TAG_LEN),
      plaintext: inner,
      innerContentType: contentTypeName(contentType),
      plaintextSpans: innerSpans(content, contentType, padding, contentSpans),
      padding,
    };
  }

  open(record: Uint8Array, handshakePrefix?: Uint8Array): OpenedRecord {
    const aad = record.slice(0, RECORD_HEADER_LEN);
    const sealed = record.slice(RECORD_HEADER_LEN);
    // RFC 8446 §5.2: TLSCiphertext.length > 2^14 + 256 → record_overflow.
    if (sealed.length > MAX_CIPHERTEXT) throw new TlsError('DecodeRecordOverflow', `protected record of ${sealed.length} bytes exceeds 2^14 + 256`);
    const seq = this.seq;
    const nonce = nonce13(this.iv, seq);
    const inner = aeadOpen(this.suite.aead, this.key, nonce, aad, sealed);
    // RFC 8446 §5.2: if decryption fails, terminate with bad_record_mac.
    if (!inner) throw new TlsError('PeerBadRecordMac', `AEAD authentication failed for record ${seq} under ${this.keyName}`);
    this.seq++;
    // RFC 8446 §5.4: the content type is the last non-zero byte.
    let i = inner.length - 1;
    while (i >= 0 && inner[i] === 0) i--;
    if (i < 0) throw new TlsError('PeerUnexpectedMessage', 'TLSInnerPlaintext has no non-zero content type');
    const contentType = inner[i]!;
    const content = inner.slice(0, i);
    // RFC 8446 §5.4: the plaintext (content) must not exceed 2^14 bytes.
    // RFC 8446 §5.2/§5.4: TLSInnerPlaintext (content, type and padding) is at most 2^14 + 1 bytes.
    if (inner.length > MAX_PLAINTEXT + 1) {
      throw new TlsError('DecodeRecordOverflow', `decrypted TLSInnerPlaintext of ${inner.length} bytes exceeds 2^14 + 1`);
    }
    const padding = inner.length - i - 1;
    return {
      contentType,
      content,
      spans: outerSpans(record),
      info: this.info(
        'read_iv',
        seq,
        nonce,
        aad,
        sealed,
        inner,
        contentType,
        padding,
        handshakePrefix ? fragmentSpans(contentType, content, handshakePrefix) : this.spanner(contentType, content),
        content,
      ),
    };
  }
}
