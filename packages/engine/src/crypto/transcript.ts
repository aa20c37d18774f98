/**
 * The handshake transcript (RFC 8446 §4.4.1): the concatenation of handshake messages,
 * hashed with the suite's hash. Before the suite is known (client, before ServerHello) the
 * bytes are kept and hashed later. After a HelloRetryRequest the first ClientHello is
 * replaced by the synthetic message_hash message:
 *   Transcript-Hash(ClientHello1, HelloRetryRequest, ... Mn) =
 *       Hash(message_hash ‖ 00 00 Hash.length ‖ Hash(ClientHello1) ‖ HelloRetryRequest ‖ ... ‖ Mn)
 */
import { concatBytes } from '../codec/hex';
import { hashAlgorithm, hashLen, type HashName } from './hash';
import { cryptoProvider, type HashStream } from './provider';

export class Transcript {
  private messages: Uint8Array[] = [];
  /** A running hash per hash function asked for, and how many messages it has taken in. */
  private running = new Map<HashName, { stream: HashStream; fed: number }>();

  add(message: Uint8Array): void {
    this.messages.push(message);
  }

  /** Transcript-Hash of everything added so far (each message is hashed once, not at every call). */
  hash(h: HashName): Uint8Array {
    let r = this.running.get(h);
    if (!r) {
      r = { stream: cryptoProvider().hashStream(hashAlgorithm(h)), fed: 0 };
      this.running.set(h, r);
    }
    for (; r.fed < this.messages.length; r.fed++) r.stream.update(this.messages[r.fed]!);
    return r.stream.digest();
  }

  /** Replaces the messages so far (ClientHello1) with message_hash (RFC 8446 §4.4.1). */
  replaceWithMessageHash(h: HashName): Uint8Array {
    const mh = concatBytes(new Uint8Array([254, 0, 0, hashLen(h)]), this.hash(h));
    this.messages = [mh];
    this.running.clear();
    return mh;
  }

  /** The raw concatenation (for display and for TLS 1.2 flows). */
  bytes(): Uint8Array {
    return concatBytes(...this.messages);
  }
}
