/**
 * TLS 1.2 AEAD record protection (RFC 5246 §6.2.3.3).
 *
 *   additional_data = seq_num(8) ‖ TLSCompressed.type(1) ‖ version(2) ‖ length(2)
 *
 * AES-GCM (RFC 5288 §3): nonce = salt (client/server_write_IV, 4 bytes) ‖ nonce_explicit
 * (8 bytes), and nonce_explicit travels in front of the ciphertext. We use the sequence
 * number as nonce_explicit (as RFC 5288 §3 suggests), which guarantees it never repeats.
 *
 * ChaCha20-Poly1305 (RFC 7905 §2): nonce = write_IV (12 bytes) XOR (0^32 ‖ seq_num), nothing
 * explicit on the wire (as in TLS 1.3).
 *
 * Sequence numbers start at 0 after each ChangeCipherSpec and count records in one direction.
 */
import type { ByteSpan } from '../codec/bytespan';
import { concatBytes, toHex } from '../codec/hex';
import { aeadOpen, aeadSeal } from '../crypto/aead';
import { TlsError } from '../errors';
import type { ProtectedRecordInfo } from '../events';
import { CONTENT_TYPES, contentTypeName, describe, VERSIONS } from '../msgs/enums';
import { MAX_CIPHERTEXT_TLS12, MAX_PLAINTEXT } from '../msgs/record';
import { contentSpans } from './content-spans';
import type { OpenedRecord, RecordProtection, SealedRecord } from './tls13';
import type { Tls12Suite } from '../crypto/tls12-suites';

/** ContentType (RFC 5246 §6.2.1), the same table as TLS 1.3's. */
export { ContentType as CONTENT_TYPE } from '../msgs/enums';

const TAG_LENGTH = 16;

function u64(seq: bigint): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, seq);
  return out;
}

/** The 13-byte additional data (RFC 5246 §6.2.3.3). `length` is the plaintext length. */
export function additionalData(seq: bigint, type: number, version: number, length: number): Uint8Array {
  const aad = new Uint8Array(13);
  aad.set(u64(seq), 0);
  aad[8] = type;
  aad[9] = version >> 8;
  aad[10] = version & 0xff;
  aad[11] = length >> 8;
  aad[12] = length & 0xff;
  return aad;
}

/** A protected record: the whole record on the wire plus what the app shows about it. */
export interface ProtectedRecord {
  /** type ‖ version ‖ length ‖ fragment */
  record: Uint8Array;
  info: ProtectedRecordInfo;
}

/**
 * One direction of a TLS 1.2 AEAD connection state: key, IV and sequence number. The writer
 * and the reader of a direction hold equal states (same key, same IV, same sequence number).
 */
export class Tls12RecordProtection implements RecordProtection {
  private seq = 0n;
  /** RFC 5246 §6.2.3: the real content type stays in the record header. */
  readonly keepsOuterType = true;

  constructor(
    readonly suite: Tls12Suite,
    private readonly key: Uint8Array,
    /** GCM: 4-byte salt; ChaCha20: 12-byte write IV. */
    private readonly iv: Uint8Array,
    /** Name of the key for events: `client_write_key` or `server_write_key`. */
    readonly keyName: string,
    /** Record version field (TLS 1.2 = 0x0303). */
    private readonly version = 0x0303,
  ) {
    if (key.length !== suite.keyLength) throw new TlsError('LocalInternal', `"key" must be ${suite.keyLength} bytes for ${suite.aead}, got ${key.length}`);
    if (iv.length !== suite.fixedIvLength) throw new TlsError('LocalInternal', `"iv" must be ${suite.fixedIvLength} bytes for ${suite.aead}, got ${iv.length}`);
  }

  /** The next record's sequence number. */
  get sequence(): bigint {
    return this.seq;
  }

  private nonceFor(seq: bigint): { nonce: Uint8Array; explicit?: Uint8Array; formula: string } {
    if (this.suite.recordIvLength === 8) {
      // RFC 5288 §3: GCMNonce = salt ‖ nonce_explicit; we send seq_num as nonce_explicit.
      const explicit = u64(seq);
      return { nonce: concatBytes(this.iv, explicit), explicit, formula: 'write_IV (4-byte salt) ‖ nonce_explicit (= seq_num, 8 bytes, sent in the record) (RFC 5288 §3)' };
    }
    // RFC 7905 §2: nonce = write_IV XOR (0^32 ‖ seq_num).
    const nonce = this.iv.slice();
    const s = u64(seq);
    for (let i = 0; i < 8; i++) nonce[4 + i]! ^= s[i]!;
    return { nonce, formula: 'write_IV XOR (0^32 ‖ seq_num) (RFC 7905 §2)' };
  }

  /**
   * Encrypts one record. `plaintextSpans` describe `plaintext` (e.g. the handshake message
   * inside) and are carried into the event info.
   */
  protect(type: number, plaintext: Uint8Array, plaintextSpans: ByteSpan[] = []): ProtectedRecord {
    if (plaintext.length > MAX_PLAINTEXT) throw new TlsError('LocalInternal', `plaintext of ${plaintext.length} bytes exceeds 2^14`);
    const seq = this.seq;
    if (seq === 0xffff_ffff_ffff_ffffn) throw new TlsError('LocalInternal', 'sequence number would wrap (RFC 5246 §6.1)');
    const { nonce, explicit, formula } = this.nonceFor(seq);
    const aad = additionalData(seq, type, this.version, plaintext.length);
    const sealed = aeadSeal(this.suite.aead, this.key, nonce, aad, plaintext);
    const ciphertext = sealed.slice(0, sealed.length - TAG_LENGTH);
    const tag = sealed.slice(sealed.length - TAG_LENGTH);
    const fragment = explicit ? concatBytes(explicit, sealed) : sealed;
    const record = concatBytes(new Uint8Array([type, this.version >> 8, this.version & 0xff, fragment.length >> 8, fragment.length & 0xff]), fragment);
    this.seq++;
    return { record, info: this.info(seq, nonce, formula, explicit, aad, ciphertext, tag, plaintext, type, plaintextSpans) };
  }

  /**
   * Decrypts one record's fragment (the bytes after the 5-byte header). A failed open is
   * bad_record_mac (RFC 5246 §7.2.2); an oversized record is record_overflow.
   */
  unprotect(type: number, version: number, fragment: Uint8Array): { plaintext: Uint8Array; info: ProtectedRecordInfo } {
    if (fragment.length > MAX_CIPHERTEXT_TLS12) throw new TlsError('DecodeRecordOverflow', `TLSCiphertext of ${fragment.length} bytes exceeds 2^14 + 2048 (RFC 5246 §6.2.3)`);
    const explicitLength = this.suite.recordIvLength;
    if (fragment.length < explicitLength + TAG_LENGTH) {
      // Too short to hold nonce_explicit and a tag: cannot authenticate (RFC 5246 §6.2.3.3).
      throw new TlsError('PeerBadRecordMac', `protected record of ${fragment.length} bytes is shorter than nonce_explicit + tag`);
    }
    const seq = this.seq;
    let nonce: Uint8Array;
    let explicit: Uint8Array | undefined;
    let formula: string;
    if (explicitLength === 8) {
      // The explicit part is whatever the sender chose; we read it from the record.
      explicit = fragment.slice(0, 8);
      nonce = concatBytes(this.iv, explicit);
      formula = 'write_IV (4-byte salt) ‖ nonce_explicit (8 bytes from the record) (RFC 5288 §3)';
    } else {
      ({ nonce, formula } = this.nonceFor(seq));
    }
    const sealed = fragment.subarray(explicitLength);
    const plaintextLength = sealed.length - TAG_LENGTH;
    const aad = additionalData(seq, type, version, plaintextLength);
    const plaintext = aeadOpen(this.suite.aead, this.key, nonce, aad, sealed);
    if (!plaintext) throw new TlsError('PeerBadRecordMac', `${this.suite.aead} authentication failed for record seq ${seq} (RFC 5246 §6.2.3.3)`);
    if (plaintext.length > MAX_PLAINTEXT) throw new TlsError('DecodeRecordOverflow', `decrypted fragment of ${plaintext.length} bytes exceeds 2^14 (RFC 5246 §6.2.1)`);
    this.seq++;
    const ciphertext = sealed.slice(0, plaintextLength);
    const tag = sealed.slice(plaintextLength);
    return { plaintext, info: this.info(seq, nonce, formula, explicit, aad, ciphertext, tag, plaintext, type, []) };
  }

  /** RecordProtection (record/protection.ts): seal one record of the given real content type. */
  seal(contentType: number, content: Uint8Array): SealedRecord {
    const p = this.protect(contentType, content, contentSpans(contentType, content, 'TLS 1.2'));
    return { bytes: p.record, spans: protectedRecordSpans(p.record, p.info), info: p.info };
  }

  /** RecordProtection: open a whole record (header + fragment); the outer type is the real one. */
  open(record: Uint8Array): OpenedRecord {
    const type = record[0]!;
    const version = (record[1]! << 8) | record[2]!;
    const { plaintext, info } = this.unprotect(type, version, record.subarray(5));
    info.plaintextSpans = contentSpans(type, plaintext, 'TLS 1.2');
    return { contentType: type, content: plaintext, info, spans: protectedRecordSpans(record, info) };
  }

  private info(
    seq: bigint,
    nonce: Uint8Array,
    nonceFormula: string,
    explicitNonce: Uint8Array | undefined,
    aad: Uint8Array,
    ciphertext: Uint8Array,
    tag: Uint8Array,
    plaintext: Uint8Array,
    type: number,
    plaintextSpans: ByteSpan[],
  ): ProtectedRecordInfo {
    // RFC 5246 §6.3: key_block = client_write_key ‖ server_write_key ‖ client_write_IV ‖ server_write_IV (AEAD: no MAC keys).
    const k = this.suite.keyLength;
    const ivLen = this.suite.fixedIvLength;
    const server = this.keyName.startsWith('server');
    const keyAt = server ? k : 0;
    const ivAt = 2 * k + (server ? ivLen : 0);
    const who = server ? 'server' : 'client';
    return {
      keyName: this.keyName,
      keyLabel: `${who}_write_key`,
      keyFormula: `key_block[${keyAt}..${keyAt + k - 1}] (RFC 5246 §6.3)`,
      ivLabel: `${who}_write_IV`,
      ivFormula: `key_block[${ivAt}..${ivAt + ivLen - 1}] (RFC 5246 §6.3)`,
      key: this.key.slice(),
      iv: this.iv.slice(),
      sequence: Number(seq),
      nonce,
      nonceFormula,
      ...(explicitNonce ? { explicitNonce } : {}),
      aad,
      ciphertext,
      tag,
      plaintext: plaintext.slice(),
      innerContentType: contentTypeName(type),
      plaintextSpans,
      padding: 0,
    };
  }
}

/** Spans over a protected TLS 1.2 record: header, nonce_explicit (GCM), ciphertext, tag (RFC 5246 §6.2.3.3). */
function protectedRecordSpans(record: Uint8Array, info: ProtectedRecordInfo): ByteSpan[] {
  const spans: ByteSpan[] = [
    { start: 0, end: 1, depth: 0, label: 'type', value: describe(CONTENT_TYPES, record[0]!, 2), rfc: 'RFC 5246 §6.2.1' },
    { start: 1, end: 3, depth: 0, label: 'version', value: describe(VERSIONS, (record[1]! << 8) | record[2]!) },
    { start: 3, end: 5, depth: 0, label: 'length', value: String(record.length - 5) },
    { start: 5, end: record.length, depth: 0, label: 'fragment', value: 'GenericAEADCipher', rfc: 'RFC 5246 §6.2.3.3' },
  ];
  let o = 5;
  if (info.explicitNonce) {
    spans.push({ start: o, end: o + 8, depth: 1, label: 'nonce_explicit', rfc: 'RFC 5288 §3', value: toHex(info.explicitNonce) });
    o += 8;
  }
  const tagStart = Math.max(o, record.length - TAG_LENGTH);
  spans.push({ start: o, end: tagStart, depth: 1, label: 'aead-ciphered content', value: `${tagStart - o} bytes` });
  spans.push({ start: tagStart, end: record.length, depth: 1, label: 'tag', value: `${record.length - tagStart} bytes` });
  return spans;
}

/**
 * A plaintext record's spans as RFC 5246 names them: the shared record codec (msgs/record.ts)
 * says legacy_record_version and cites RFC 8446; a TLS 1.2 record has a `version` (§6.2.1),
 * and its alerts are RFC 5246 §7.2's.
 */
export function citeTls12Record(spans: ByteSpan[]): ByteSpan[] {
  return spans.map((sp) => {
    if (sp.label === 'legacy_record_version') return { ...sp, label: 'version', rfc: 'RFC 5246 §6.2.1' };
    if (sp.rfc === 'RFC 8446 §5.1') return { ...sp, rfc: 'RFC 5246 §6.2.1' };
    if (sp.rfc === 'RFC 8446 §6') return { ...sp, rfc: 'RFC 5246 §7.2' };
    return sp;
  });
}
