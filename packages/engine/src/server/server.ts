/**
 * The TLS server endpoint (sans-IO): ONE closed union of states, both versions' included.
 *
 *   ExpectClientHello ──ClientHello──▶ hello.ts chooseVersion
 *     ├─ TLS 1.3 ─▶ tls13.ts states  (ExpectSecondClientHello … ExpectClientFinished, Connected)
 *     └─ TLS 1.2 ─▶ tls12.ts states  (ExpectCertificate … ExpectFinished, Connected)
 *   any error ─▶ Closed (after the alert the one table in errors.ts picks)
 *
 * A state's `version` says whose it is (both versions have a `Connected`); its `name` is what
 * `state` events report. This file checks the message type a state takes, decodes the message
 * with that version's codec, hands it to `handle13` / `handle12`, and reports the transition.
 * It contains no fault code: a server that misbehaves on purpose is faults/faulty-server.ts.
 */
import type { Endpoint, ServerConfig } from '../config';
import { assertNever, TlsError } from '../errors';
import { expectMessage, expectType, type EncodedMessage, type HandshakeFrame } from '../msgs/handshake';
import { HandshakeType } from '../msgs/enums';
import { Connection } from '../record/connection';
import { checkChangeCipherSpec, receive12, step12, type Tls12Input } from '../handshake/flow';
import { chooseVersion, type ClientHelloMsg, type ServerContext } from './hello';
import { expects13, handle13, type ServerState13 } from './tls13';
import { onClientHello13 } from './tls13-flight';
import { expects12, handle12, keyExchange12, sendFirstFlight12, type ServerState12 } from './tls12';

/** Before the version is known, and after the end. */
type VersionlessState = { version: 'none'; name: 'ExpectClientHello' } | { version: 'none'; name: 'Closed' };

export type ServerState = VersionlessState | ServerState13 | ServerState12;

const CLOSED: ServerState = { version: 'none', name: 'Closed' };

export class TlsServer extends Connection implements Endpoint {
  private st: ServerState = { version: 'none', name: 'ExpectClientHello' };
  private readonly cx: ServerContext;

  constructor(readonly config: ServerConfig) {
    super('server', config.sink);
    if (config.versions?.length === 1) this.version = config.versions[0];
    this.cx = { io: this.makeIo(), config };
    this.recordPadding = config.recordPadding ?? 0;
    this.cryptoProvider = config.cryptoProvider;
  }

  get state(): string {
    return this.st.name;
  }

  private go(next: ServerState): void {
    const from = this.st.name;
    this.st = next;
    if (from !== next.name) this.emit({ type: 'state', from, to: next.name });
  }

  /** The server speaks second: nothing to send before the ClientHello. */
  start(): Uint8Array[] {
    return this.takeOutput();
  }

  protected enterClosed(): void {
    this.go(CLOSED);
  }

  protected handshaking(): boolean {
    return this.st.name !== 'Connected' && this.st.name !== 'Closed';
  }

  /**
   * RFC 8446 §4.4.4: "Servers MAY send data after sending their first flight" — 0.5-RTT data
   * under the server application key, before the client's Finished (so before the server knows
   * who the client is, or that it is live). Every TLS 1.3 state after our Finished allows it.
   */
  override get canSend(): boolean {
    const st = this.st;
    if (st.version !== 'TLS 1.3') return this.connected;
    switch (st.name) {
      case 'Connected':
      case 'ExpectEndOfEarlyData':
      case 'ExpectClientCertificate':
      case 'ExpectClientCertificateVerify':
      case 'ExpectClientFinished':
        return true;
      case 'ExpectSecondClientHello':
        return false;
      default:
        return assertNever(st);
    }
  }

  protected canReceiveAppData(): boolean {
    return this.connected || this.st.name === 'ExpectEndOfEarlyData';
  }

  /** 0-RTT: more early data than max_early_data_size is an unexpected_message (RFC 8446 §4.2.10). */
  protected override appDataReceived(len: number): void {
    const st = this.st;
    if (st.name !== 'ExpectEndOfEarlyData') return;
    const earlyReceived = st.earlyReceived + len;
    this.st = { ...st, earlyReceived };
    if (earlyReceived > st.maxEarlyData) {
      throw new TlsError('PeerUnexpectedMessage', `${earlyReceived} bytes of early data, more than max_early_data_size ${st.maxEarlyData}`);
    }
  }

  protected override handleChangeCipherSpec(body: Uint8Array, recordId: string): void {
    const st = this.st;
    if (st.version === 'TLS 1.2') {
      // RFC 5246 §7.1: in TLS 1.2 a ChangeCipherSpec is a step of the handshake.
      checkChangeCipherSpec(body);
      this.step12(st, { kind: 'change_cipher_spec' });
      return;
    }
    // RFC 8446 §D.4: a CCS before the first ClientHello is not middlebox compatibility.
    if (st.name === 'ExpectClientHello') throw new TlsError('PeerUnexpectedMessage', 'change_cipher_spec before ClientHello');
    super.handleChangeCipherSpec(body, recordId);
  }

  protected handleHandshake(frame: HandshakeFrame, recordId: string): void {
    const st = this.st;
    switch (st.version) {
      case 'none':
        this.onVersionless(st, frame, recordId);
        return;
      case 'TLS 1.3': {
        expectType(frame, st.name, expects13(st));
        const next = handle13(st, this.decodeReceived(frame, recordId), this.cx);
        this.go(next);
        this.flush();
        if (st.name === 'ExpectClientFinished') this.emit({ type: 'timing', what: 'handshake (server)', ms: this.cx.io.elapsed() });
        return;
      }
      case 'TLS 1.2':
        this.step12(st, receive12(this.cx.io, frame, st.name, expects12(st), keyExchange12(st), recordId));
        return;
      default:
        assertNever(st);
    }
  }

  /** The first ClientHello picks the version and so the states that follow. */
  private onVersionless(st: VersionlessState, frame: HandshakeFrame, recordId: string): void {
    expectType(frame, st.name, st.name === 'ExpectClientHello' ? [HandshakeType.client_hello] : []);
    const enc = this.decodeReceived(frame, recordId);
    switch (st.name) {
      case 'Closed':
        throw new TlsError('PeerUnexpectedMessage', `handshake message ${enc.name} after close`);
      case 'ExpectClientHello': {
        expectMessage(enc, 'ClientHello');
        const ch = enc as EncodedMessage<ClientHelloMsg>;
        if (chooseVersion(this.config, ch.msg) === 'TLS 1.2') {
          this.go(sendFirstFlight12(this.cx, ch));
        } else {
          this.emit({ type: 'negotiated', version: 'TLS 1.3' });
          this.go(onClientHello13(this.cx, ch));
        }
        this.flush();
        return;
      }
      default:
        assertNever(st);
    }
  }

  /** A TLS 1.2 step (handshake/flow.ts step12): a failing handler leaves the state Closed at once. */
  private step12(st: ServerState12, input: Tls12Input): void {
    this.go(
      step12(
        () => handle12(st, input, this.cx),
        () => {
          this.st = CLOSED;
        },
      ),
    );
    this.flush();
  }
}

/** Creates a server endpoint; feed it the client's bytes with `receive`. */
export function createServer(config: ServerConfig): TlsServer {
  return new TlsServer(config);
}
