/**
 * The TLS server endpoint (sans-IO): a closed union of states and one `switch` routing each
 * handshake message to hello.ts / tls13.ts, or to the TLS 1.2 flow (tls12.ts).
 */
import type { Endpoint, ServerConfig } from '../config';
import { assertNever, TlsError } from '../errors';
import { encodeHandshake, expectMessage, expectType, type EncodedMessage, type HandshakeFrame } from '../msgs/handshake';
import { HandshakeType } from '../msgs/enums';
import { Connection, type HandshakeIo } from '../record/connection';
import { nextTrafficKeys } from '../handshake/tls13';
import { checkLegacyVersion, chooseVersion, type ClientHelloMsg } from './hello';
import { onClientCertificate, onClientCertificateVerify, onClientFinished, onClientHello13, onEndOfEarlyData, type ServerState13 } from './tls13';
import { continueTls12, type Tls12ServerFlow } from './tls12';

export type ServerState =
  | { name: 'ExpectClientHello' }
  | ServerState13
  | { name: 'Tls12'; flow: Tls12ServerFlow }
  | { name: 'Closed' };

/** The handshake message types each TLS 1.3 state takes (checked before the body is parsed). */
function expectedTypes(st: Exclude<ServerState, { name: 'Tls12' }>): readonly number[] {
  switch (st.name) {
    case 'ExpectClientHello':
    case 'ExpectSecondClientHello':
      return [HandshakeType.client_hello];
    case 'ExpectEndOfEarlyData':
      return [HandshakeType.end_of_early_data];
    case 'ExpectClientCertificate':
      return [HandshakeType.certificate];
    case 'ExpectClientCertificateVerify':
      return [HandshakeType.certificate_verify];
    case 'ExpectClientFinished':
      return [HandshakeType.finished];
    case 'Connected':
      // RFC 8446 §4.6: the only post-handshake message a server accepts is KeyUpdate.
      return [HandshakeType.key_update];
    case 'Closed':
      return [];
    default:
      return assertNever(st);
  }
}

export class TlsServer extends Connection implements Endpoint {
  private st: ServerState = { name: 'ExpectClientHello' };
  private readonly io: HandshakeIo;

  constructor(readonly config: ServerConfig) {
    super('server', config.sink);
    if (config.versions?.length === 1) this.version = config.versions[0];
    this.io = this.makeIo();
    this.recordPadding = config.recordPadding ?? 0;
  }

  get state(): string {
    return this.st.name === 'Tls12' ? this.st.flow.state : this.st.name;
  }

  private go(next: ServerState): void {
    const from = this.state;
    this.st = next;
    const to = this.state;
    if (from !== to) this.emit({ type: 'state', from, to });
  }

  /** The server speaks second: nothing to send before the ClientHello. */
  start(): Uint8Array[] {
    return this.takeOutput();
  }

  protected enterClosed(): void {
    this.go({ name: 'Closed' });
  }

  protected handshaking(): boolean {
    return this.st.name !== 'Connected' && this.st.name !== 'Closed';
  }

  /**
   * RFC 8446 §4.4.4: "Servers MAY send data after sending their first flight" — 0.5-RTT data
   * under the server application key, before the client's Finished (so before the server knows
   * who the client is, or that it is live). Every state after our Finished allows it.
   */
  override get canSend(): boolean {
    switch (this.st.name) {
      case 'Connected':
      case 'ExpectEndOfEarlyData':
      case 'ExpectClientCertificate':
      case 'ExpectClientCertificateVerify':
      case 'ExpectClientFinished':
        return true;
      default:
        return this.connected;
    }
  }

  protected canReceiveAppData(): boolean {
    return this.connected || this.st.name === 'ExpectEndOfEarlyData';
  }

  /** 0-RTT: more early data than max_early_data_size is an unexpected_message (RFC 8446 §4.2.10). */
  protected override appDataReceived(len: number): void {
    if (this.st.name !== 'ExpectEndOfEarlyData') return;
    this.st.earlyReceived += len;
    if (this.st.earlyReceived > this.st.maxEarlyData) {
      throw new TlsError('PeerUnexpectedMessage', `${this.st.earlyReceived} bytes of early data, more than max_early_data_size ${this.st.maxEarlyData}`);
    }
  }

  protected override handleChangeCipherSpec(body: Uint8Array, recordId: string): void {
    if (this.st.name === 'Tls12') {
      this.st.flow.handleChangeCipherSpec(body, recordId);
      this.flush();
      return;
    }
    // RFC 8446 §D.4: a CCS before the first ClientHello is not middlebox compatibility.
    if (this.st.name === 'ExpectClientHello') throw new TlsError('PeerUnexpectedMessage', 'change_cipher_spec before ClientHello');
    super.handleChangeCipherSpec(body, recordId);
  }

  protected handleHandshake(frame: HandshakeFrame, recordId: string): void {
    const st = this.st;
    if (st.name === 'Tls12') {
      st.flow.handleHandshake(frame, recordId);
      this.flush();
      return;
    }
    const cfg = this.config;
    expectType(frame, st.name, expectedTypes(st));
    const enc = this.decodeReceived(frame, recordId);
    switch (st.name) {
      case 'Closed':
        throw new TlsError('PeerUnexpectedMessage', `handshake message ${enc.name} after close`);
      case 'ExpectClientHello': {
        expectMessage(enc, 'ClientHello');
        const chEnc = enc as EncodedMessage<ClientHelloMsg>;
        const version = chooseVersion(cfg, chEnc.msg);
        if (version === 'TLS 1.2') {
          const flow = continueTls12({ io: this.io, config: cfg, clientHello: chEnc });
          this.go({ name: 'Tls12', flow });
          this.flush();
          return;
        }
        this.emit({ type: 'negotiated', version: 'TLS 1.3' });
        this.go(onClientHello13(this.io, cfg, chEnc));
        this.flush();
        return;
      }
      case 'ExpectSecondClientHello': {
        checkLegacyVersion(expectMessage(enc, 'ClientHello'));
        // RFC 8446 §4.2.10: rejected 0-RTT records are skipped only until the second ClientHello;
        // the client sends none after it, so from here a record that does not open is bad_record_mac (§5.2).
        this.io.skipEarlyData(0);
        this.go(onClientHello13(this.io, cfg, enc as EncodedMessage<ClientHelloMsg>, st.first));
        this.flush();
        return;
      }
      case 'ExpectEndOfEarlyData':
        this.go(onEndOfEarlyData(this.io, st, enc));
        return;
      case 'ExpectClientCertificate':
        this.go(onClientCertificate(this.io, cfg, st.hs, enc));
        return;
      case 'ExpectClientCertificateVerify':
        this.go(onClientCertificateVerify(this.io, st, enc));
        return;
      case 'ExpectClientFinished': {
        const next = onClientFinished(this.io, cfg, st.hs, enc);
        this.go(next);
        this.emit({ type: 'timing', what: 'handshake (server)', ms: this.io.elapsed() });
        return;
      }
      case 'Connected': {
        // RFC 8446 §4.6: the only post-handshake message a server accepts here is KeyUpdate.
        const m = expectMessage(enc, 'KeyUpdate');
        this.setReadProtection(nextTrafficKeys(st.app, 'client'));
        if (m.requestUpdate === 1) {
          this.queueHandshake(encodeHandshake({ type: 'KeyUpdate', requestUpdate: 0 }));
          this.setWriteProtection(nextTrafficKeys(st.app, 'server'));
        }
        return;
      }
      default:
        assertNever(st);
    }
  }
}

/** Creates a server endpoint; feed it the client's bytes with `receive`. */
export function createServer(config: ServerConfig): TlsServer {
  return new TlsServer(config);
}
