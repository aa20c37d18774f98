/**
 * Handshake message reassembly (RFC 8446 §5.1, RFC 5246 §6.2.1): handshake messages may be
 * split across records, and a record may hold several. Bytes of a message not yet complete
 * wait here; each complete message comes out with the record it started in.
 */
import { concatBytes } from '../codec/hex';
import { TlsError } from '../errors';
import { HANDSHAKE_TYPES, nameOf } from '../msgs/enums';

/** Largest handshake message we accept (a long certificate chain fits easily). */
export const MAX_HANDSHAKE_MESSAGE = 1 << 18;

/** A complete handshake message: its 4-byte header and body, and the record it started in. */
export interface ReassembledMessage {
  bytes: Uint8Array;
  firstRecord: string;
}

export class HandshakeReassembly {
  private buf: Uint8Array = new Uint8Array(0);
  private startRecord = '';

  /** Bytes of an incomplete message (the codec shows them as `Handshake (fragment)`). */
  get buffered(): Uint8Array {
    return this.buf;
  }

  /** Whether a message is only partly here (no other record type or key change may come now). */
  get midMessage(): boolean {
    return this.buf.length > 0;
  }

  /** Adds a handshake record's content. */
  add(content: Uint8Array, recordId: string): void {
    // RFC 8446 §5.1: zero-length handshake fragments MUST NOT be sent.
    if (content.length === 0) throw new TlsError('PeerUnexpectedMessage', 'zero-length handshake record');
    if (this.buf.length === 0) this.startRecord = recordId;
    this.buf = this.buf.length === 0 ? content.slice() : concatBytes(this.buf, content);
  }

  /** The next complete message, if one is here; a later message starts in `recordId`. */
  next(recordId: string): ReassembledMessage | undefined {
    if (this.buf.length < 4) return undefined;
    const len = (this.buf[1]! << 16) | (this.buf[2]! << 8) | this.buf[3]!;
    if (len > MAX_HANDSHAKE_MESSAGE) {
      throw new TlsError('DecodeError', `${nameOf(HANDSHAKE_TYPES, this.buf[0]!, 2)} of ${len} bytes is larger than we accept`);
    }
    if (this.buf.length < 4 + len) return undefined;
    const bytes = this.buf.slice(0, 4 + len);
    this.buf = this.buf.slice(4 + len);
    const firstRecord = this.startRecord;
    this.startRecord = recordId;
    return { bytes, firstRecord };
  }
}
