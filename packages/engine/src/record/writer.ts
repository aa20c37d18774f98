/**
 * The sending half of the record layer: handshake messages queued and coalesced into records
 * of at most `maxFragment` bytes (RFC 8446 §5.1), each record sealed under the current write
 * protection or written in the clear, numbered (`c2s:N` / `s2c:N`) and reported with its spans.
 */
import type { ByteSpan } from '../codec/bytespan';
import { concatBytes } from '../codec/hex';
import type { ProtectedRecordInfo, RecordMessageName, TlsVersionName } from '../events';
import { ContentType, TLS12, type HandshakeMessageName } from '../msgs/enums';
import { encodeRecord, RECORD_HEADER_LEN } from '../msgs/record';
import { clipSpans, contentSpans } from './content-spans';
import type { RecordProtection } from './tls13';

/** Where the writer reports each record it writes, and the version its spans cite. */
export interface RecordReport {
  version(): TlsVersionName | undefined;
  record(recordId: string, bytes: Uint8Array, spans: ByteSpan[], messages: RecordMessageName[], info: ProtectedRecordInfo | undefined): void;
}

export class RecordWriter {
  private readonly out: Uint8Array[] = [];
  private sent = 0;
  /** Handshake messages waiting to be put into records (coalesced under one key). */
  private pending: { bytes: Uint8Array; name: HandshakeMessageName }[] = [];
  private pendingLen = 0;
  /** The write key (null: plaintext). */
  protection: RecordProtection | null = null;
  /** Legacy record version for the next plaintext handshake records (0x0301 for an initial ClientHello). */
  plaintextVersion = TLS12;
  /** Zero bytes of padding for each protected TLS 1.3 record (RFC 8446 §5.4). */
  padding = 0;

  constructor(
    /** `c2s` for the client, `s2c` for the server. */
    private readonly dir: 'c2s' | 's2c',
    /** Largest record content we send (≤ 2^14). */
    readonly maxFragment: number,
    private readonly report: RecordReport,
  ) {}

  /** Queues a handshake message; returns the id of the record it will start in. */
  queue(bytes: Uint8Array, name: HandshakeMessageName): string {
    const recordId = `${this.dir}:${this.sent + Math.floor(this.pendingLen / this.maxFragment)}`;
    this.pending.push({ bytes, name });
    this.pendingLen += bytes.length;
    return recordId;
  }

  /** Forgets the queued messages (the connection is failing: only the alert goes out). */
  dropPending(): void {
    this.pending = [];
    this.pendingLen = 0;
  }

  /** Writes queued handshake messages as records of at most maxFragment bytes. */
  flush(): void {
    if (this.pending.length === 0) return;
    const all = concatBytes(...this.pending.map((p) => p.bytes));
    const bounds: { start: number; end: number; name: HandshakeMessageName }[] = [];
    let o = 0;
    for (const p of this.pending) {
      bounds.push({ start: o, end: o + p.bytes.length, name: p.name });
      o += p.bytes.length;
    }
    this.dropPending();
    const allSpans = contentSpans(ContentType.handshake, all, this.report.version());
    for (let start = 0; start < all.length; start += this.maxFragment) {
      const end = Math.min(all.length, start + this.maxFragment);
      const names = bounds.filter((b) => b.start < end && b.end > start).map((b): RecordMessageName => (b.start >= start && b.end <= end ? b.name : `${b.name} (fragment)`));
      this.write(ContentType.handshake, all.slice(start, end), names, clipSpans(allSpans, start, end));
    }
  }

  /** Writes one record now; returns its record id. */
  write(type: number, content: Uint8Array, messages: RecordMessageName[], spans?: ByteSpan[]): string {
    const recordId = `${this.dir}:${this.sent++}`;
    if (this.protection && type !== ContentType.change_cipher_spec) {
      const sealed = this.protection.seal(type, content, this.padding, spans);
      this.out.push(sealed.bytes);
      this.report.record(recordId, sealed.bytes, sealed.spans, messages, sealed.info);
    } else {
      const version = type === ContentType.handshake ? this.plaintextVersion : TLS12;
      const { bytes, spans: header } = encodeRecord(type, version, content);
      const all = header.slice(0, 3);
      all.push({ ...header[3]!, label: 'fragment' });
      for (const s of spans ?? contentSpans(type, content, this.report.version()))
        all.push({ ...s, start: s.start + RECORD_HEADER_LEN, end: s.end + RECORD_HEADER_LEN, depth: s.depth + 1 });
      this.out.push(bytes);
      this.report.record(recordId, bytes, all, messages, undefined);
    }
    return recordId;
  }

  /** The bytes written since the last call. */
  take(): Uint8Array[] {
    return this.out.splice(0, this.out.length);
  }
}
