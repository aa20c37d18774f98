/**
 * The TLS client endpoint (sans-IO). Its state is ONE closed union, `ClientState`:
 *
 *   Start ──start(): ClientHello [0-RTT data]──▶ ExpectServerHello
 *   ExpectServerHello ──HelloRetryRequest──▶ ExpectServerHello (hello.ts; ClientHello2 sent)
 *   ExpectServerHello ──ServerHello (TLS 1.3)──▶ the TLS 1.3 states (tls13.ts) … Connected
 *   ExpectServerHello ──ServerHello (TLS 1.2)──▶ the TLS 1.2 states (tls12.ts) … Connected
 *   any state ──error / close──▶ Closed
 *
 * The two versions share some state names (ExpectCertificate, ExpectFinished, Connected):
 * their states carry `version`, and every switch is on version, then name, and ends in
 * `assertNever`. The name is what `state` events report. Each handler takes the state, the
 * message and the context (io + configuration) and returns the next state's value;
 * `go` reports the transition. The record layer is record/connection.ts.
 */
import type { ClientConfig, Endpoint, ResumptionTicket } from '../config';
import { assertNever, TlsError } from '../errors';
import { findExt } from '../msgs/extensions';
import { encodeHandshake, expectMessage, expectType, type EncodedMessage, type HandshakeFrame } from '../msgs/handshake';
import { HandshakeType, TLS12 } from '../msgs/enums';
import { Connection } from '../record/connection';
import { type HandshakeIo, type SidelessEvent } from '../record/handshake-io';
import { Transcript } from '../crypto/transcript';
import { Protection13 } from '../record/tls13';
import { checkChangeCipherSpec, receive12, step12, type Tls12Input } from '../handshake/flow';
import type { Encoded12 } from '../msgs/handshake12';
import { nextTrafficKeys } from '../handshake/tls13';
import {
  checkServerHello,
  encodeClientHello,
  makeOffer,
  onHelloRetryRequest,
  type ClientContext,
  type EarlyDataStatus,
  type HelloState,
  type Offer,
  type ServerHelloMsg,
} from './hello';
import { earlyDataPossible, onNewSessionTicket, preparePsk } from './resume';
import { expects13, handle13, onServerHello13, type ClientState13, type Connected13 } from './tls13';
import { expects12, handle12, keyExchange12, onServerHello12, type ClientState12 } from './tls12';

export type ClientState =
  | { name: 'Start'; version?: undefined }
  | { name: 'ExpectServerHello'; version?: undefined; hello: HelloState }
  | ClientState13
  | ClientState12
  | { name: 'Closed'; version?: undefined };

const CLOSED: ClientState = { name: 'Closed' };

export class TlsClient extends Connection implements Endpoint {
  private st: ClientState = { name: 'Start' };
  private readonly io: HandshakeIo;
  private readonly cx: ClientContext;
  /** 0-RTT as it goes: set when sent, then from the `negotiated` events that accept or reject it. */
  private early?: EarlyDataStatus;
  /** Session tickets received after the handshake (RFC 8446 §4.6.1): give one as `resume` to a later client. */
  readonly tickets: ResumptionTicket[] = [];

  constructor(readonly config: ClientConfig) {
    super('client', config.sink);
    if (config.versions?.length === 1) this.version = config.versions[0];
    this.io = this.makeIo();
    this.cx = { io: this.io, config, outgoing: (enc) => this.outgoing12(enc) };
    this.recordPadding = config.recordPadding ?? 0;
    this.cryptoProvider = config.cryptoProvider;
  }

  /** 0-RTT (`config.earlyData`): offered, then accepted or rejected by the server; undefined if not sent. */
  get earlyData(): EarlyDataStatus | undefined {
    return this.early;
  }

  get state(): string {
    return this.st.name;
  }

  /** A TLS 1.2 message we send, before it joins the transcript (ClientContext.outgoing): unchanged here. */
  protected outgoing12(enc: Encoded12): Encoded12 {
    return enc;
  }

  protected override emit(e: SidelessEvent): void {
    if (e.type === 'negotiated' && e.earlyData) this.early = e.earlyData;
    super.emit(e);
  }

  private go(next: ClientState): void {
    const from = this.st.name;
    this.st = next;
    if (from !== next.name) this.emit({ type: 'state', from, to: next.name });
  }

  /** Builds and sends the ClientHello (and 0-RTT data with it, RFC 8446 §2.3). */
  start(): Uint8Array[] {
    return this.usingProvider(() => this.sendClientHello());
  }

  private sendClientHello(): Uint8Array[] {
    if (this.st.name !== 'Start') return this.takeOutput();
    try {
      const first = makeOffer(this.config);
      const psk = preparePsk(this.io, this.config, first);
      const withPsk: Offer = psk ? { ...first, psk } : first;
      const early = earlyDataPossible(this.io, this.config, withPsk);
      const ch = encodeClientHello(this.config, early ? { ...withPsk, earlyData: true } : withPsk, new Uint8Array(0));
      const transcript = new Transcript();
      transcript.add(ch.hello.bytes);
      // RFC 8446 §5.1: an initial ClientHello may use legacy_record_version 0x0301.
      this.plaintextRecordVersion = 0x0301;
      this.queueHandshake(ch.hello);
      this.flush();
      this.plaintextRecordVersion = 0x0303;
      const ccsSent = early && ch.offer.psk ? this.sendEarlyData(ch.offer, transcript) : false;
      const hello: HelloState = { offer: ch.offer, transcript, clientHello: ch.hello.bytes, ccsSent, ...(early ? { early: 'offered' as const } : {}) };
      this.go({ name: 'ExpectServerHello', hello });
    } catch (err) {
      this.fail(err);
    }
    return this.takeOutput();
  }

  /** 0-RTT (RFC 8446 §2.3) under client_early_traffic_secret = Derive-Secret(Early Secret, "c e traffic", ClientHello). Returns whether our CCS went out. */
  private sendEarlyData(offer: Offer, transcript: Transcript): boolean {
    const { ks, suite } = offer.psk!;
    const data = this.config.earlyData!;
    this.early = 'offered';
    const chHash = transcript.hash(suite.hash);
    const early = ks.deriveEarlyTrafficSecret(chHash);
    ks.deriveEarlyExporterSecret(chHash);
    const ek = ks.trafficKeys(early, 'client_early_traffic_secret', 'client_early', suite.keyLen, suite.ivLen);
    // RFC 8446 §D.4: in compatibility mode the CCS comes right after the ClientHello when sending early data.
    const ccs = this.config.middleboxCompat ?? true;
    if (ccs) this.sendCcs();
    this.setWriteProtection(new Protection13(suite, ek.key, ek.iv, 'client_early_traffic_secret'));
    this.note(`Sending ${data.length} bytes of 0-RTT data with the ClientHello, under client_early_traffic_secret.`, 'RFC 8446 §2.3');
    this.writeAppData(data);
    return ccs;
  }

  protected enterClosed(): void {
    this.go(CLOSED);
  }

  protected handshaking(): boolean {
    return this.st.name !== 'Connected' && this.st.name !== 'Closed' && this.st.name !== 'Start';
  }

  protected canReceiveAppData(): boolean {
    return this.connected;
  }

  protected override handleChangeCipherSpec(body: Uint8Array, recordId: string): void {
    if (this.st.version === 'TLS 1.2') {
      checkChangeCipherSpec(body);
      this.step12(this.st, { kind: 'change_cipher_spec' });
      return;
    }
    // RFC 8446 §5 lets a TLS 1.3 endpoint drop a middlebox change_cipher_spec; a client that
    // offers only TLS 1.2 gets none before ServerHello (RFC 5246 §7.1): unexpected_message.
    if (this.config.versions && !this.config.versions.includes('TLS 1.3')) throw new TlsError('PeerUnexpectedMessage', 'change_cipher_spec before ServerHello');
    super.handleChangeCipherSpec(body, recordId);
  }

  protected handleHandshake(frame: HandshakeFrame, recordId: string): void {
    const st = this.st;
    switch (st.version) {
      case 'TLS 1.2':
        this.step12(st, receive12(this.io, frame, st.name, expects12(st), keyExchange12(st), recordId));
        return;
      case 'TLS 1.3': {
        expectType(frame, st.name, expects13(st));
        const enc = this.decodeReceived(frame, recordId);
        const next = st.name === 'Connected' ? this.postHandshake(st, enc) : handle13(st, enc, this.cx);
        this.flush();
        this.go(next);
        if (next.name === 'Connected' && st.name !== 'Connected') this.emit({ type: 'timing', what: 'handshake (client)', ms: this.io.elapsed() });
        return;
      }
      case undefined:
        this.beforeVersion(st, frame, recordId);
        return;
      default:
        assertNever(st);
    }
  }

  /** A TLS 1.2 step (handshake/flow.ts step12): a failing handler leaves the state Closed at once. */
  private step12(st: ClientState12, input: Tls12Input): void {
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

  /** Start, ExpectServerHello and Closed: only ExpectServerHello takes a message. */
  private beforeVersion(st: Extract<ClientState, { version?: undefined }>, frame: HandshakeFrame, recordId: string): void {
    if (st.name !== 'ExpectServerHello') {
      expectType(frame, st.name, []);
      throw new TlsError('PeerUnexpectedMessage', `handshake message in state ${st.name}`);
    }
    if (frame.msgType === HandshakeType.hello_request && st.hello.offer.versions.includes(TLS12)) {
      // RFC 5246 §7.4.1.1: a HelloRequest while we negotiate is ignored (it is in no transcript).
      if (frame.body.length !== 0) throw new TlsError('DecodeError', 'HelloRequest must be empty (RFC 5246 §7.4.1.1)');
      this.note('Ignored a HelloRequest during the handshake.', 'RFC 5246 §7.4.1.1');
      return;
    }
    expectType(frame, st.name, [HandshakeType.server_hello]); // ServerHello or HelloRetryRequest
    this.onServerHello(st.hello, this.decodeReceived(frame, recordId));
  }

  /** ServerHello or HelloRetryRequest: which version, then that version's first state. */
  private onServerHello(hello: HelloState, enc: EncodedMessage): void {
    const sh = expectMessage(enc, 'ServerHello', 'HelloRetryRequest');
    const shEnc = enc as EncodedMessage<ServerHelloMsg>;
    if (hello.early === 'offered' && sh.type === 'ServerHello' && !findExt(sh.extensions, 'supported_versions_selected')) {
      // RFC 8446 §4.2.10: TLS 1.2 has no 0-RTT; our early records will fail at the server.
      // Dropped before the ServerHello checks, so an alert they raise goes in the clear, as
      // the TLS 1.2 server can read it (it never had the early key).
      this.setWriteProtection(null);
      this.note('The server chose TLS 1.2, which has no 0-RTT: the early data we sent cannot be read.', 'RFC 8446 §4.2.10');
      this.emit({ type: 'negotiated', earlyData: 'rejected' });
    }
    const version = checkServerHello(sh, hello.offer);
    if (version === 'TLS 1.2') {
      // RFC 8446 §4.1.4: a HelloRetryRequest always negotiates TLS 1.3 (checked above).
      if (hello.hrr) throw new TlsError('PeerIllegalParameter', 'TLS 1.2 ServerHello after a HelloRetryRequest');
      this.go(onServerHello12(this.cx, hello.offer, hello.clientHello, shEnc));
      this.flush();
      return;
    }
    if (sh.type === 'HelloRetryRequest') {
      this.go({ name: 'ExpectServerHello', hello: onHelloRetryRequest(this.cx, hello, shEnc) });
      return;
    }
    this.go(onServerHello13(this.io, hello, shEnc));
  }

  /** Post-handshake messages (RFC 8446 §4.6): a ticket to keep, or a KeyUpdate to follow. */
  private postHandshake(st: Connected13, enc: EncodedMessage): Connected13 {
    const m = expectMessage(enc, 'NewSessionTicket', 'KeyUpdate');
    if (m.type === 'NewSessionTicket') {
      const t = onNewSessionTicket(this.io, this.config, m, st.app, st.ticketsReceived, st.serverName);
      if (t) this.tickets.push(t);
      return { ...st, ticketsReceived: st.ticketsReceived + 1 };
    }
    this.setReadProtection(nextTrafficKeys(st.app, 'server'));
    if (m.requestUpdate === 1) {
      this.queueHandshake(encodeHandshake({ type: 'KeyUpdate', requestUpdate: 0 }));
      this.setWriteProtection(nextTrafficKeys(st.app, 'client'));
    }
    return st;
  }

  /** Sends a KeyUpdate and switches our write keys (RFC 8446 §4.6.3). */
  keyUpdate(requestPeer = true): Uint8Array[] {
    if (this.st.version !== 'TLS 1.3' || this.st.name !== 'Connected') throw new TlsError('LocalInternal', `cannot update keys in state ${this.state}`);
    this.queueHandshake(encodeHandshake({ type: 'KeyUpdate', requestUpdate: requestPeer ? 1 : 0 }));
    this.setWriteProtection(nextTrafficKeys(this.st.app, 'client'));
    return this.takeOutput();
  }
}

/** Creates a client endpoint. Call `start()` for the ClientHello. */
export function createClient(config: ClientConfig): TlsClient {
  return new TlsClient(config);
}
