/**
 * What the TLS 1.2 client and server flows share: the input a state consumes (a handshake
 * message or a ChangeCipherSpec), the one guard that pulls out the expected message or fails
 * with "expected X, got Y" (RFC 5246 §7.4 → unexpected_message), `receive12` (type check,
 * decode, report) and the ChangeCipherSpec check. The endpoints (client/client.ts,
 * server/server.ts) hold the TLS 1.2 states in their own state unions and call these.
 */
import { concatBytes } from '../codec/hex';
import { TlsError } from '../errors';
import { expectType, type HandshakeFrame } from '../msgs/handshake';
import type { HandshakeIo } from '../record/handshake-io';
import { decodeHandshake12, type Encoded12, type Tls12Message } from '../msgs/handshake12';

export type Tls12Input = { kind: 'handshake'; message: Encoded12 } | { kind: 'change_cipher_spec' };

/** The handshake_messages so far as one byte string (RFC 5246 §7.4.9). */
export function transcriptBytes(transcript: readonly Uint8Array[]): Uint8Array {
  return concatBytes(...transcript);
}

function inputName(input: Tls12Input): string {
  return input.kind === 'handshake' ? input.message.name : 'ChangeCipherSpec';
}

/** "ExpectX: expected Y, got Z" as an unexpected_message. */
export function unexpectedInput(state: string, expected: string, input: Tls12Input): TlsError {
  return new TlsError('PeerUnexpectedMessage', `${state}: expected ${expected}, got ${inputName(input)}`);
}

/** The guard: the input must be the handshake message `type`; returns it with its bytes. */
export function expectMessage<T extends Tls12Message['type']>(state: string, input: Tls12Input, type: T): Extract<Tls12Message, { type: T }> & { bytes: Uint8Array } {
  if (input.kind !== 'handshake' || input.message.msg.type !== type) throw unexpectedInput(state, type, input);
  return { ...(input.message.msg as Extract<Tls12Message, { type: T }>), bytes: input.message.bytes };
}

/**
 * RFC 5246 §7.1: a ChangeCipherSpec message is the single byte 1; anything else (empty, two
 * bytes, another value) is not one at all: unexpected_message (RFC 5246 §6.2.1 forbids
 * zero-length change_cipher_spec fragments).
 */
export function checkChangeCipherSpec(body: Uint8Array): void {
  if (body.length !== 1 || body[0] !== 1) {
    throw new TlsError(
      'PeerUnexpectedMessage',
      `a change_cipher_spec record of ${body.length} byte${body.length === 1 ? '' : 's'}${body.length === 1 ? ` (value ${body[0]})` : ''}: it must be the single byte 1 (RFC 5246 §7.1)`,
    );
  }
}

/**
 * A TLS 1.2 handshake message arrives: its type must be one the state takes (checked before the
 * body is parsed, RFC 5246 §7.4), it is decoded (ClientKeyExchange's format depends on the
 * suite's key exchange) and reported as received in record `recordId`.
 */
export function receive12(
  io: HandshakeIo,
  frame: HandshakeFrame,
  state: string,
  expects: readonly number[],
  keyExchange: 'RSA' | 'ECDHE' | undefined,
  recordId: string,
): Tls12Input {
  expectType(frame, state, expects);
  const message = decodeHandshake12(frame, keyExchange);
  io.emit({ type: 'handshake', direction: 'received', name: message.name, bytes: message.bytes, spans: message.spans, recordId, summary: message.summary });
  return { kind: 'handshake', message };
}

/**
 * A TLS 1.2 state takes an input: returns the next state. When the handler throws, `onFail`
 * runs first — the endpoint goes to Closed at once, with no `state` event from the state that
 * failed — and the error goes on to the record layer, which sends the alert.
 */
export function step12<S>(handle: () => S, onFail: () => void): S {
  try {
    return handle();
  } catch (e) {
    onFail();
    throw e;
  }
}
