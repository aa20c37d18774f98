/**
 * Hook for the TLS 1.2 server flow (RFC 5246), filled by the TLS 1.2 work (tls12/).
 *
 * `server.ts` calls `continueTls12` when a ClientHello negotiates TLS 1.2 (see hello.ts
 * `chooseVersion`); from then on the returned flow receives every handshake message and
 * change_cipher_spec, and its `state` is the server's state. Until a TLS 1.2 flow is
 * plugged in, negotiating TLS 1.2 ends the handshake with protocol_version.
 */
import type { ServerConfig } from '../config';
import { TlsError } from '../errors';
import type { EncodedMessage, HandshakeFrame } from '../msgs/handshake';
import type { HandshakeIo } from '../record/connection';
import type { ClientHelloMsg } from './hello';

export interface Tls12ServerStart {
  io: HandshakeIo;
  config: ServerConfig;
  clientHello: EncodedMessage<ClientHelloMsg>;
}

export interface Tls12ServerFlow {
  readonly state: string;
  handleHandshake(frame: HandshakeFrame, recordId: string): void;
  handleChangeCipherSpec(body: Uint8Array, recordId: string): void;
}

export function continueTls12(start: Tls12ServerStart): Tls12ServerFlow {
  void start;
  throw new TlsError('IncompatibleVersion', 'TLS 1.2 is not implemented in this server yet');
}
