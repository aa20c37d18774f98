/** Shared by the issue-10 tests (last-alerts*.test.ts): records, hand-made handshake messages, a ClientHello with one field changed, and records sealed under an endpoint's current keys. */
import { concatBytes } from '../src/codec/hex';
import type { ClientConfig } from '../src/config';
import { decodeHandshake, encodeHandshake, type HandshakeMessage } from '../src/msgs/handshake';
import type { TlsClient } from '../src/client/client';
import type { TlsServer } from '../src/server/server';
import { makePair } from './tls13-helpers';

export type ClientHello = Extract<HandshakeMessage, { type: 'ClientHello' }>;
export type ServerHello = Extract<HandshakeMessage, { type: 'ServerHello' | 'HelloRetryRequest' }>;

export const TLS12_ONLY = { versions: ['TLS 1.2' as const] };
export const BOTH = { versions: ['TLS 1.3' as const, 'TLS 1.2' as const] };

export function rec(type: number, body: Uint8Array | number[], version = 0x0303): Uint8Array {
  const b = body instanceof Uint8Array ? body : new Uint8Array(body);
  return concatBytes(new Uint8Array([type, version >> 8, version & 0xff, b.length >> 8, b.length & 0xff]), b);
}

/** A handshake message of type `t` with this body: msg_type ‖ uint24 length ‖ body. */
export function hsMsg(t: number, body: Uint8Array | number[]): Uint8Array {
  const b = body instanceof Uint8Array ? body : new Uint8Array(body);
  return concatBytes(new Uint8Array([t, b.length >> 16, (b.length >> 8) & 0xff, b.length & 0xff]), b);
}

export function decodeRecordMessage(record: Uint8Array): HandshakeMessage {
  // The first message of the record (a TLS 1.2 first flight shares one record).
  const bytes = record.subarray(5, 5 + 4 + ((record[6]! << 16) | (record[7]! << 8) | record[8]!));
  return decodeHandshake({ msgType: bytes[0]!, bytes, body: bytes.subarray(4) }).msg;
}

/** Our client's real first ClientHello, changed by `edit`, as a record. */
export function editedClientHello(edit: (ch: ClientHello) => void, client: Partial<ClientConfig> = BOTH): Uint8Array {
  const p = makePair({ client });
  const ch = decodeRecordMessage(p.client.start()[0]!) as ClientHello;
  edit(ch);
  return rec(22, encodeHandshake(ch).bytes, 0x0301);
}

/** Sends a record under an endpoint's current write keys (the connection's own record writer). */
export function sealAs(endpoint: TlsClient | TlsServer, type: number, content: Uint8Array, padding = 0): Uint8Array[] {
  const c = endpoint as unknown as { writeRecord(t: number, b: Uint8Array, m: string[]): string; takeOutput(): Uint8Array[]; recordPadding: number };
  const before = c.recordPadding;
  c.recordPadding = padding;
  c.writeRecord(type, content, []);
  c.recordPadding = before;
  return c.takeOutput();
}
