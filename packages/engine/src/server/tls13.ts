/**
 * The TLS 1.3 server states (RFC 8446 §2, §4), from the first ClientHello to Connected:
 *
 *   ExpectClientHello (server.ts) ──ClientHello──▶ onClientHello13 (tls13-flight.ts)
 *     ├─ no usable key share: HelloRetryRequest ─▶ ExpectSecondClientHello ──ClientHello──▶ onClientHello13
 *     └─ ServerHello, [CCS], EncryptedExtensions,
 *          ├─ resumed (RFC 8446 §2.2): Finished
 *          │     ├─ 0-RTT accepted ─▶ ExpectEndOfEarlyData ──EndOfEarlyData──▶ ExpectClientFinished
 *          │     └───────────────────────────────────────────────────────────▶ ExpectClientFinished
 *          └─ full: [CertificateRequest], Certificate, CertificateVerify, Finished
 *                ├─ mutual TLS ─▶ ExpectClientCertificate ──Certificate──▶ ExpectClientCertificateVerify
 *                │                  (empty, not required ─▶ ExpectClientFinished)  ──CertificateVerify──┐
 *                └──────────────────────────────────────────────────────────────────────────────────────┴▶ ExpectClientFinished
 *   ExpectClientFinished ──Finished──▶ NewSessionTicket* ─▶ Connected
 *   Connected ──KeyUpdate──▶ Connected (new read key; if asked, our KeyUpdate and new write key)
 *
 * Each state holds only what it needs, built when it is known: after our Finished every state
 * carries a `Handshake13` (the transcript, the schedule, the client's handshake secret and both
 * application secrets). `handle13(state, message, cx)` consumes a state and returns the next.
 */
import { equalBytes } from '../codec/hex';
import { hashLen } from '../crypto/hash';
import type { KeySchedule } from '../crypto/tls13-key-schedule';
import type { PublicKey } from '../crypto/keys';
import type { Transcript } from '../crypto/transcript';
import type { Suite13 } from '../crypto/tls13-suites';
import { assertNever, TlsError } from '../errors';
import { HandshakeType } from '../msgs/enums';
import { encodeHandshake, expectMessage, type EncodedMessage } from '../msgs/handshake';
import { Protection13 } from '../record/tls13';
import { checkCertificateVerify, CLIENT_CV_CONTEXT, nextTrafficKeys, type AppSecrets13 } from '../handshake/tls13';
import { verifyPeerChain } from '../handshake/peer-cert';
import { checkLegacyVersion, type ClientHelloMsg, type Params13, type ServerContext } from './hello';
import { sendNewSessionTickets } from './tickets';
import { onClientHello13 } from './tls13-flight';

/** What every state after the server's Finished needs. */
export interface Handshake13 {
  suite: Suite13;
  ks: KeySchedule;
  transcript: Transcript;
  /** client_handshake_traffic_secret: the client's Finished is checked with it. */
  clientHandshakeSecret: Uint8Array;
  /** client_application_traffic_secret_0 (RFC 8446 §7.1): the client's keys once its Finished is in. */
  clientAppSecret: Uint8Array;
  /** server_application_traffic_secret_0: in use since our Finished. */
  serverAppSecret: Uint8Array;
  /** The negotiated ALPN protocol (kept in our tickets for 0-RTT). */
  alpn?: string;
}

/** What the server remembers between its HelloRetryRequest and the second ClientHello. */
export interface FirstHello {
  transcript: Transcript;
  params: Params13;
  sessionId: Uint8Array;
  ccsSent: boolean;
  /** The cookie sent in the HelloRetryRequest, if any. */
  cookie?: Uint8Array;
}

/** The TLS 1.3 server states (their names are what `state` events report). */
export type ServerState13 =
  | { version: 'TLS 1.3'; name: 'ExpectSecondClientHello'; first: FirstHello }
  /** 0-RTT accepted: early application data, then EndOfEarlyData under client_early_traffic_secret (RFC 8446 §4.5). */
  | { version: 'TLS 1.3'; name: 'ExpectEndOfEarlyData'; hs: Handshake13; handshakeRead: Protection13; maxEarlyData: number; earlyReceived: number }
  | { version: 'TLS 1.3'; name: 'ExpectClientCertificate'; hs: Handshake13; requestedSchemes: number[] }
  | { version: 'TLS 1.3'; name: 'ExpectClientCertificateVerify'; hs: Handshake13; requestedSchemes: number[]; leafKey: PublicKey }
  | { version: 'TLS 1.3'; name: 'ExpectClientFinished'; hs: Handshake13 }
  | { version: 'TLS 1.3'; name: 'Connected'; app: AppSecrets13 };

/** The handshake message types each state takes (checked before the body is parsed). */
export function expects13(state: ServerState13): readonly number[] {
  switch (state.name) {
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
    default:
      return assertNever(state);
  }
}

/** The one dispatch: the state consumes the message and the next state comes back. */
export function handle13(state: ServerState13, enc: EncodedMessage, cx: ServerContext): ServerState13 {
  const { io } = cx;
  switch (state.name) {
    case 'ExpectSecondClientHello':
      checkLegacyVersion(expectMessage(enc, 'ClientHello'));
      // RFC 8446 §4.2.10: rejected 0-RTT records are skipped only until the second ClientHello;
      // the client sends none after it, so from here a record that does not open is bad_record_mac (§5.2).
      io.skipEarlyData(0);
      return onClientHello13(cx, enc as EncodedMessage<ClientHelloMsg>, state.first);
    case 'ExpectEndOfEarlyData':
      // RFC 8446 §4.5: the end of 0-RTT data; the client's handshake keys follow.
      expectMessage(enc, 'EndOfEarlyData');
      state.hs.transcript.add(enc.bytes);
      io.setReadProtection(state.handshakeRead);
      return { version: 'TLS 1.3', name: 'ExpectClientFinished', hs: state.hs };
    case 'ExpectClientCertificate':
      return onClientCertificate(state, enc, cx);
    case 'ExpectClientCertificateVerify':
      checkCertificateVerify(io, state.hs.transcript, state.hs.suite, expectMessage(enc, 'CertificateVerify'), state.leafKey, state.requestedSchemes, CLIENT_CV_CONTEXT);
      state.hs.transcript.add(enc.bytes);
      return { version: 'TLS 1.3', name: 'ExpectClientFinished', hs: state.hs };
    case 'ExpectClientFinished':
      return onClientFinished(state.hs, enc, cx);
    case 'Connected': {
      // RFC 8446 §4.6.3: the client's next read key; if it asks, our KeyUpdate and next write key.
      const m = expectMessage(enc, 'KeyUpdate');
      io.setReadProtection(nextTrafficKeys(state.app, 'client'));
      if (m.requestUpdate === 1) {
        io.queueHandshake(encodeHandshake({ type: 'KeyUpdate', requestUpdate: 0 }));
        io.setWriteProtection(nextTrafficKeys(state.app, 'server'));
      }
      return state;
    }
    default:
      return assertNever(state);
  }
}

/** The client's Certificate (mutual TLS, RFC 8446 §4.4.2). */
function onClientCertificate(state: Extract<ServerState13, { name: 'ExpectClientCertificate' }>, enc: EncodedMessage, cx: ServerContext): ServerState13 {
  const { io, config } = cx;
  const { hs } = state;
  const m = expectMessage(enc, 'Certificate');
  if (m.context.length !== 0) throw new TlsError('PeerIllegalParameter', 'client Certificate with a wrong certificate_request_context');
  hs.transcript.add(enc.bytes);
  if (m.entries.length === 0) {
    // RFC 8446 §4.4.2.4: no certificate when one is required → certificate_required.
    if (config.clientAuth === 'require') throw new TlsError('PeerNoCertificate', 'the client sent no certificate, but one is required');
    io.note('The client sent no certificate; continuing without client authentication.', 'RFC 8446 §4.4.2.4');
    return { version: 'TLS 1.3', name: 'ExpectClientFinished', hs };
  }
  const chain = m.entries.map((e) => e.certData);
  const leafKey = verifyPeerChain(io, { chain, purpose: 'client', anchors: config.clientTrustAnchors ?? [], now: config.now ?? new Date(), ...config.peerVerification });
  return { version: 'TLS 1.3', name: 'ExpectClientCertificateVerify', hs, requestedSchemes: state.requestedSchemes, leafKey };
}

/** The client's Finished: check it, switch to the client's application keys, issue tickets. */
function onClientFinished(hs: Handshake13, enc: EncodedMessage, cx: ServerContext): ServerState13 {
  const { io, config } = cx;
  const m = expectMessage(enc, 'Finished');
  const h = hs.suite.hash;
  if (m.verifyData.length !== hashLen(h)) throw new TlsError('DecodeError', `Finished.verify_data is ${m.verifyData.length} bytes, expected ${hashLen(h)}`);
  const expected = hs.ks.finished(hs.clientHandshakeSecret, 'client_handshake_traffic_secret', 'client', hs.transcript.hash(h), 'ClientHello...server Finished');
  // RFC 8446 §4.4.4: a wrong verify_data is a decrypt_error.
  if (!equalBytes(expected, m.verifyData)) throw new TlsError('PeerBadFinished', 'client Finished.verify_data does not match');
  hs.transcript.add(enc.bytes);
  const ck = hs.ks.trafficKeys(hs.clientAppSecret, 'client_application_traffic_secret_0', 'client_application', hs.suite.keyLen, hs.suite.ivLen);
  io.setReadProtection(new Protection13(hs.suite, ck.key, ck.iv, 'client_application_traffic_secret_0'));
  const rms = hs.ks.deriveResumptionMasterSecret(hs.transcript.hash(h));
  sendNewSessionTickets(io, config, hs.ks, hs.suite, rms, hs.alpn);
  io.flush();
  return {
    version: 'TLS 1.3',
    name: 'Connected',
    app: { suite: hs.suite, ks: hs.ks, clientSecret: hs.clientAppSecret, serverSecret: hs.serverAppSecret, clientGeneration: 0, serverGeneration: 0 },
  };
}
