/**
 * The handshake transcript (RFC 8446 §4.4.1): the concatenation of handshake messages,
 * hashed with the suite's hash. Before the suite is known (client, before ServerHello) the
 * bytes are kept and hashed later. After a HelloRetryRequest the first ClientHello is
 * replaced by the synthetic message_hash message:
 *   Transcript-Hash(ClientHello1, HelloRetryRequest, ... Mn) =
 *       Hash(message_hash ‖ 00 00 Hash.length ‖ Hash(ClientHello1) ‖ HelloRetryRequest ‖ ... ‖ Mn)
 */
import { concatBytes } from '../codec/hex';
import { hash, hashLen, type HashName } from './hash';

export class Transcript {
  private messages: Uint8Array[] = [];

  add(message: Uint8Array): void {
    this.messages.push(message);
  }

  /** Transcript-Hash of everything added so far. */
  hash(h: HashName): Uint8Array {
    return hash(h, concatBytes(...this.messages));
  }

  /** Replaces the messages so far (ClientHello1) with message_hash (RFC 8446 §4.4.1). */
  replaceWithMessageHash(h: HashName): Uint8Array {
    const inner = hash(h, concatBytes(...this.messages));
    const mh = concatBytes(new Uint8Array([254, 0, 0, hashLen(h)]), inner);
    this.messages = [mh];
    return mh;
  }

  /** The raw concatenation (for display and for TLS 1.2 flows). */
  bytes(): Uint8Array {
    return concatBytes(...this.messages);
  }
}
