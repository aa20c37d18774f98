/**
 * What the TLS 1.2 client and server flows share: the input a state consumes (a handshake
 * message or a ChangeCipherSpec), the one guard that pulls out the expected message or fails
 * with "expected X, got Y" (RFC 5246 §7.4 → unexpected_message), and the flow object the
 * version-neutral endpoints (client/client.ts, server/server.ts) drive. A flow decodes each
 * frame, reports it, hands it to `step`, and reports its own state transitions.
 */
import { concatBytes } from '../codec/hex';
import { TlsError } from '../errors';
import { expectType, type HandshakeFrame } from '../msgs/handshake';
import type { HandshakeIo } from '../record/connection';
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
export function expectMessage<T extends Tls12Message['type']>(
  state: string,
  input: Tls12Input,
  type: T,
): Extract<Tls12Message, { type: T }> & { bytes: Uint8Array } {
  if (input.kind !== 'handshake' || input.message.msg.type !== type) throw unexpectedInput(state, type, input);
  return { ...(input.message.msg as Extract<Tls12Message, { type: T }>), bytes: input.message.bytes };
}

/** The flow object an endpoint drives once TLS 1.2 is negotiated. */
export interface Tls12Flow {
  /** Current state name (ExpectCertificate, ..., Connected). */
  readonly state: string;
  handleHandshake(frame: HandshakeFrame, recordId: string): void;
  handleChangeCipherSpec(body: Uint8Array, recordId: string): void;
}

/**
 * RFC 5246 §7.1: a ChangeCipherSpec message is the single byte 1; anything else (empty, two
 * bytes, another value) is not one at all: unexpected_message (RFC 5246 §6.2.1 forbids
 * zero-length change_cipher_spec fragments).
 */
export function checkChangeCipherSpec(body: Uint8Array): void {
  if (body.length !== 1 || body[0] !== 1) {
    throw new TlsError('PeerUnexpectedMessage', `a change_cipher_spec record of ${body.length} byte${body.length === 1 ? '' : 's'}${body.length === 1 ? ` (value ${body[0]})` : ''}: it must be the single byte 1 (RFC 5246 §7.1)`);
  }
}

/**
 * A TLS 1.2 handshake message arrives: its type must be one the state takes (checked before the
 * body is parsed, RFC 5246 §7.4), it is decoded (ClientKeyExchange's format depends on the
 * suite's key exchange) and reported as received in record `recordId`.
 */
export function receive12(io: HandshakeIo, frame: HandshakeFrame, state: string, expects: readonly number[], keyExchange: 'RSA' | 'ECDHE' | undefined, recordId: string): Tls12Input {
  expectType(frame, state, expects);
  const message = decodeHandshake12(frame, keyExchange);
  io.emit({ type: 'handshake', direction: 'received', name: message.name, bytes: message.bytes, spans: message.spans, recordId, summary: message.summary });
  return { kind: 'handshake', message };
}

/** A flow over a closed union of states `S` and its `step` function. */
export class StepFlow<S extends { name: string }> implements Tls12Flow {
  constructor(
    private readonly io: HandshakeIo,
    private st: S,
    private readonly step: (state: S, input: Tls12Input) => S,
    /** How ClientKeyExchange is read in a state (its format depends on the suite). */
    private readonly keyExchange: (state: S) => 'RSA' | 'ECDHE' | undefined,
    private readonly closed: S,
    /** The handshake message types a state takes, checked before the body is parsed (RFC 5246 §7.4). */
    private readonly expects: (state: S) => readonly number[],
  ) {}

  get state(): string {
    return this.st.name;
  }

  private go(input: Tls12Input): void {
    const from = this.st.name;
    try {
      this.st = this.step(this.st, input);
    } catch (e) {
      this.st = this.closed;
      throw e;
    }
    if (this.st.name !== from) this.io.emit({ type: 'state', from, to: this.st.name });
  }

  handleHandshake(frame: HandshakeFrame, recordId: string): void {
    this.go(receive12(this.io, frame, this.st.name, this.expects(this.st), this.keyExchange(this.st), recordId));
  }

  handleChangeCipherSpec(body: Uint8Array, _recordId: string): void {
    checkChangeCipherSpec(body);
    this.go({ kind: 'change_cipher_spec' });
  }
}
