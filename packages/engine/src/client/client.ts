/**
 * The TLS client endpoint (sans-IO): a closed union of states, one `switch` that routes each
 * handshake message to its handler (hello.ts, tls13.ts, or the TLS 1.2 flow in tls12.ts),
 * and the record layer from record/connection.ts.
 */
import type { ClientConfig, Endpoint } from '../config';
import { assertNever, TlsError } from '../errors';
import { findExt } from '../msgs/extensions';
import { encodeHandshake, expectMessage, expectType, type EncodedMessage, type HandshakeFrame } from '../msgs/handshake';
import { HandshakeType, TLS12 } from '../msgs/enums';
import { Connection, type HandshakeIo } from '../record/connection';
import { Transcript } from '../crypto/transcript';
import { checkServerHello, makeOffer, type Offer, type ServerHelloMsg } from './hello';
import { earlyDataPossible, encodeClientHello, onNewSessionTicket, preparePsk } from './resume';
import { Protection13 } from '../record/tls13';
import type { ResumptionTicket } from '../config';
import { nextTrafficKeys } from '../handshake/tls13';
import {
  onCertificateRequest,
  onEncryptedExtensions,
  onHelloRetryRequest,
  onServerCertificate,
  onServerCertificateVerify,
  onServerFinished,
  onServerHello13,
  type ClientState13,
  type HelloState,
} from './tls13';
import { continueTls12, type Tls12ClientFlow } from './tls12';

export type ClientState =
  | { name: 'Start' }
  | { name: 'ExpectServerHello'; hello: HelloState }
  | ClientState13
  /** TLS 1.2 negotiated: the TLS 1.2 flow has its own states (its `state` is ours). */
  | { name: 'Tls12'; flow: Tls12ClientFlow }
  | { name: 'Closed' };

/** The handshake message types each TLS 1.3 state takes (checked before the body is parsed). */
function expectedTypes(st: Exclude<ClientState, { name: 'Tls12' }>): readonly number[] {
  switch (st.name) {
    case 'Start':
    case 'Closed':
      return [];
    case 'ExpectServerHello':
      return [HandshakeType.server_hello]; // ServerHello or HelloRetryRequest
    case 'ExpectEncryptedExtensions':
      return [HandshakeType.encrypted_extensions];
    case 'ExpectCertificateOrCertificateRequest':
      return [HandshakeType.certificate, HandshakeType.certificate_request];
    case 'ExpectCertificate':
      return [HandshakeType.certificate];
    case 'ExpectCertificateVerify':
      return [HandshakeType.certificate_verify];
    case 'ExpectFinished':
      return [HandshakeType.finished];
    case 'Connected':
      // RFC 8446 §4.6 (no post_handshake_auth offered, §4.6.2): tickets and key updates only.
      return [HandshakeType.new_session_ticket, HandshakeType.key_update];
    default:
      return assertNever(st);
  }
}

export class TlsClient extends Connection implements Endpoint {
  private st: ClientState = { name: 'Start' };
  private readonly io: HandshakeIo;
  private offer?: Offer;
  private clientHelloBytes?: Uint8Array;
  private ticketsReceived = 0;
  /** Session tickets received after the handshake (RFC 8446 §4.6.1): give one as `resume` to a later client. */
  readonly tickets: ResumptionTicket[] = [];

  constructor(readonly config: ClientConfig) {
    super('client', config.sink);
    if (config.versions?.length === 1) this.version = config.versions[0];
    this.io = this.makeIo();
    this.recordPadding = config.recordPadding ?? 0;
  }

  /** 0-RTT (`config.earlyData`): offered, then accepted or rejected by the server; undefined if not sent. */
  get earlyData(): 'offered' | 'accepted' | 'rejected' | undefined {
    return this.offer?.earlyData;
  }

  get state(): string {
    return this.st.name === 'Tls12' ? this.st.flow.state : this.st.name;
  }

  private go(next: ClientState): void {
    const from = this.state;
    this.st = next;
    const to = this.state;
    if (from !== to) this.emit({ type: 'state', from, to });
  }

  /** Builds and sends the ClientHello. */
  start(): Uint8Array[] {
    if (this.st.name !== 'Start') return this.takeOutput();
    try {
      const offer = makeOffer(this.config);
      this.offer = offer;
      const psk = preparePsk(this.io, this.config, offer);
      if (psk) offer.psk = psk;
      if (earlyDataPossible(this.io, this.config, offer)) offer.earlyData = 'offered';
      const ch = encodeClientHello(this.config, offer, new Uint8Array(0));
      this.clientHelloBytes = ch.bytes;
      const transcript = new Transcript();
      transcript.add(ch.bytes);
      // RFC 8446 §5.1: an initial ClientHello may use legacy_record_version 0x0301.
      this.plaintextRecordVersion = 0x0301;
      this.queueHandshake(ch);
      this.flush();
      this.plaintextRecordVersion = 0x0303;
      let ccsSent = false;
      if (offer.earlyData === 'offered' && offer.psk) {
        // 0-RTT (RFC 8446 §2.3): client_early_traffic_secret = Derive-Secret(Early Secret, "c e traffic", ClientHello).
        const { ks, suite } = offer.psk;
        const chHash = transcript.hash(suite.hash);
        const early = ks.deriveEarlyTrafficSecret(chHash);
        ks.deriveEarlyExporterSecret(chHash);
        const ek = ks.trafficKeys(early, 'client_early_traffic_secret', 'client_early', suite.keyLen, suite.ivLen);
        // RFC 8446 §D.4: in compatibility mode the CCS comes right after the ClientHello when sending early data.
        if (this.config.middleboxCompat ?? true) {
          this.sendCcs();
          ccsSent = true;
        }
        this.setWriteProtection(new Protection13(suite, ek.key, ek.iv, 'client_early_traffic_secret'));
        this.note(`Sending ${this.config.earlyData!.length} bytes of 0-RTT data with the ClientHello, under client_early_traffic_secret.`, 'RFC 8446 §2.3');
        this.writeAppData(this.config.earlyData!);
      }
      this.go({ name: 'ExpectServerHello', hello: { offer, transcript, ccsSent } });
    } catch (err) {
      this.fail(err);
    }
    return this.takeOutput();
  }

  protected enterClosed(): void {
    this.go({ name: 'Closed' });
  }

  protected handshaking(): boolean {
    return this.st.name !== 'Connected' && this.st.name !== 'Closed' && this.st.name !== 'Start';
  }

  protected canReceiveAppData(): boolean {
    return this.connected;
  }

  protected override handleChangeCipherSpec(body: Uint8Array, recordId: string): void {
    if (this.st.name === 'Tls12') {
      this.st.flow.handleChangeCipherSpec(body, recordId);
      this.afterTls12();
      return;
    }
    // RFC 8446 §5 lets a TLS 1.3 endpoint drop a middlebox change_cipher_spec; a client that
    // offers only TLS 1.2 gets none before ServerHello (RFC 5246 §7.1): unexpected_message.
    if (this.config.versions && !this.config.versions.includes('TLS 1.3')) throw new TlsError('PeerUnexpectedMessage', 'change_cipher_spec before ServerHello');
    super.handleChangeCipherSpec(body, recordId);
  }

  protected handleHandshake(frame: HandshakeFrame, recordId: string): void {
    const st = this.st;
    if (st.name === 'Tls12') {
      st.flow.handleHandshake(frame, recordId);
      this.afterTls12();
      return;
    }
    const cfg = this.config;
    const offer = this.offer!;
    if (st.name === 'ExpectServerHello' && frame.msgType === HandshakeType.hello_request && offer.versions.includes(TLS12)) {
      // RFC 5246 §7.4.1.1: a HelloRequest while we negotiate is ignored (it is in no transcript).
      if (frame.body.length !== 0) throw new TlsError('DecodeError', 'HelloRequest must be empty (RFC 5246 §7.4.1.1)');
      this.note('Ignored a HelloRequest during the handshake.', 'RFC 5246 §7.4.1.1');
      return;
    }
    expectType(frame, st.name, expectedTypes(st));
    const enc = this.decodeReceived(frame, recordId);
    switch (st.name) {
      case 'Start':
      case 'Closed':
        throw new TlsError('PeerUnexpectedMessage', `handshake message ${enc.name} in state ${st.name}`);
      case 'ExpectServerHello': {
        const sh = expectMessage(enc, 'ServerHello', 'HelloRetryRequest');
        const shEnc = enc as EncodedMessage<ServerHelloMsg>;
        if (offer.earlyData === 'offered' && sh.type === 'ServerHello' && !findExt(sh.extensions, 'supported_versions_selected')) {
          // RFC 8446 §4.2.10: TLS 1.2 has no 0-RTT; our early records will fail at the server.
          // Dropped before the ServerHello checks, so an alert they raise goes in the clear, as
          // the TLS 1.2 server can read it (it never had the early key).
          offer.earlyData = 'rejected';
          this.setWriteProtection(null);
          this.note('The server chose TLS 1.2, which has no 0-RTT: the early data we sent cannot be read.', 'RFC 8446 §4.2.10');
          this.emit({ type: 'negotiated', earlyData: 'rejected' });
        }
        const version = checkServerHello(sh, offer);
        if (version === 'TLS 1.2') {
          // RFC 8446 §4.1.4: a HelloRetryRequest always negotiates TLS 1.3 (checked above).
          if (st.hello.hrr) throw new TlsError('PeerIllegalParameter', 'TLS 1.2 ServerHello after a HelloRetryRequest');
          const flow = continueTls12({ io: this.io, config: cfg, offer, clientHello: this.clientHelloBytes!, serverHello: shEnc });
          this.go({ name: 'Tls12', flow });
          this.afterTls12();
          return;
        }
        if (sh.type === 'HelloRetryRequest') {
          this.go({ name: 'ExpectServerHello', hello: onHelloRetryRequest(this.io, cfg, st.hello, shEnc) });
          return;
        }
        this.go(onServerHello13(this.io, st.hello, shEnc));
        return;
      }
      case 'ExpectEncryptedExtensions':
        this.go(onEncryptedExtensions(this.io, offer, st, enc));
        return;
      case 'ExpectCertificateOrCertificateRequest': {
        const m = expectMessage(enc, 'Certificate', 'CertificateRequest');
        if (m.type === 'CertificateRequest') this.go(onCertificateRequest(this.io, st, m, enc.bytes));
        else this.go(onServerCertificate(this.io, cfg, st.hs, enc));
        return;
      }
      case 'ExpectCertificate':
        this.go(onServerCertificate(this.io, cfg, st.hs, enc));
        return;
      case 'ExpectCertificateVerify':
        this.go(onServerCertificateVerify(this.io, offer, st, enc));
        return;
      case 'ExpectFinished': {
        const next = onServerFinished(this.io, cfg, st, enc);
        this.flush();
        this.go(next);
        this.emit({ type: 'timing', what: 'handshake (client)', ms: this.io.elapsed() });
        return;
      }
      case 'Connected':
        this.postHandshake(st, enc);
        return;
      default:
        assertNever(st);
    }
  }

  /** Post-handshake messages (RFC 8446 §4.6). */
  private postHandshake(st: Extract<ClientState, { name: 'Connected' }>, enc: EncodedMessage): void {
    const m = expectMessage(enc, 'NewSessionTicket', 'KeyUpdate');
    if (m.type === 'NewSessionTicket') {
      const t = onNewSessionTicket(this.io, this.config, m, st.app, this.ticketsReceived++, this.offer?.serverName);
      if (t) this.tickets.push(t);
      return;
    }
    this.setReadProtection(nextTrafficKeys(st.app, 'server'));
    if (m.requestUpdate === 1) {
      this.queueHandshake(encodeHandshake({ type: 'KeyUpdate', requestUpdate: 0 }));
      this.setWriteProtection(nextTrafficKeys(st.app, 'client'));
    }
  }

  /** Sends a KeyUpdate and switches our write keys (RFC 8446 §4.6.3). */
  keyUpdate(requestPeer = true): Uint8Array[] {
    if (this.st.name !== 'Connected') throw new TlsError('LocalInternal', `cannot update keys in state ${this.state}`);
    this.queueHandshake(encodeHandshake({ type: 'KeyUpdate', requestUpdate: requestPeer ? 1 : 0 }));
    this.setWriteProtection(nextTrafficKeys(this.st.app, 'client'));
    return this.takeOutput();
  }

  private afterTls12(): void {
    this.flush();
  }
}

/** Creates a client endpoint. Call `start()` for the ClientHello. */
export function createClient(config: ClientConfig): TlsClient {
  return new TlsClient(config);
}
