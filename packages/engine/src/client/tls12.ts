/**
 * The TLS 1.2 client flow (RFC 5246 §7.3), from ServerHello to Connected:
 *
 *   ClientHello         -------->
 *                                        ServerHello
 *                                        Certificate
 *                                  ServerKeyExchange   (ECDHE suites)
 *                                 CertificateRequest*
 *                       <--------    ServerHelloDone
 *   Certificate*
 *   ClientKeyExchange                 (RSA-encrypted premaster or ECDHE public key)
 *   CertificateVerify*
 *   [ChangeCipherSpec]
 *   Finished            -------->
 *                                 [ChangeCipherSpec]
 *                       <--------           Finished
 *
 * hello.ts builds the ClientHello (with the TLS 1.2 extensions from `tls12ClientExtensions`)
 * and runs the version-independent ServerHello checks (version, downgrade sentinel, suite
 * offered, no unsolicited extensions); `client.ts` then calls `continueTls12`, and from then
 * on this flow receives every handshake message and change_cipher_spec. States are values
 * named after what they expect; `step` returns the next one. The flow reports its own state
 * transitions, received handshake messages and secrets through the HandshakeIo.
 */
import { equalBytes, toHex } from '../codec/hex';
import type { ClientConfig, GroupName } from '../config';
import { computeSharedSecret, generateKeyShare, groupByCode } from '../crypto/ecdhe';
import type { PrivateKey, PublicKey } from '../crypto/keys';
import { signatureSchemeFromCode, schemeFitsKeyTls12, verifyTls12 } from '../crypto/signature';
import { pickOfferedTls12, schemesForKeyTls12, signTls12, tls12SchemeCode, tls12SchemeFitsKey, type Tls12SchemeName } from '../crypto/tls12-signing';
import { assertNever, TlsError } from '../errors';
import { GROUPS, HandshakeType, nameOf } from '../msgs/enums';
import { findExt, type Extension } from '../msgs/extensions';
import type { EncodedMessage } from '../msgs/handshake';
import { timed, type HandshakeIo } from '../record/connection';
import { encodeHandshake12, type Tls12Message } from '../msgs/handshake12';
import { expectMessage, StepFlow, transcriptBytes, unexpectedInput, type Tls12Flow, type Tls12Input } from '../handshake/flow';
import { deriveKeyBlock, deriveMasterSecret, finishedVerifyData, reportPremaster, tls12Reporter, type SecretReporter, type Tls12TrafficKeys } from '../crypto/tls12-key-schedule';
import { ClientCertificateType, serverKeyExchangeSignedContent, type CertificateRequest12, type ServerKeyExchangeEcdhe } from '../msgs/tls12';
import { verifyPeerChain } from '../handshake/peer-cert';
import { digest } from '../crypto/prf';
import { Tls12RecordProtection } from '../record/tls12';
import { encryptPremaster, makeRsaPremaster } from '../crypto/rsa-kx';
import { suiteAcceptsKey, tls12SuiteByCode, type Tls12Suite } from '../crypto/tls12-suites';
import { tls12HelloExtensions, type Offer, type ServerHelloMsg } from './hello';

export interface Tls12ClientStart {
  io: HandshakeIo;
  config: ClientConfig;
  offer: Offer;
  /** The ClientHello as sent (msg_type ‖ length ‖ body). */
  clientHello: Uint8Array;
  serverHello: EncodedMessage<ServerHelloMsg>;
}

/** What client.ts drives: state names ExpectCertificate, ExpectServerKeyExchange, ..., Connected. */
export type Tls12ClientFlow = Tls12Flow;

// ---------------------------------------------------------------------------------------------
// ClientHello extensions for a TLS 1.2 offer

/**
 * The extensions only TLS 1.2 needs (hello.ts adds supported_groups, signature_algorithms,
 * server_name and ALPN for both versions): ec_point_formats (RFC 8422 §5.1.2),
 * extended_master_secret (RFC 7627 §5.1) and an empty renegotiation_info (RFC 5746 §3.4).
 */
export function tls12ClientExtensions(cfg: ClientConfig): Extension[] {
  const exts: Extension[] = [{ type: 'ec_point_formats', formats: [0] }];
  if (cfg.extendedMasterSecret ?? true) exts.push({ type: 'extended_master_secret' });
  exts.push({ type: 'renegotiation_info', renegotiatedConnection: new Uint8Array(0) });
  return exts;
}

// hello.ts asks this hook for the TLS 1.2 extensions of a ClientHello.
tls12HelloExtensions.build = tls12ClientExtensions;

// ---------------------------------------------------------------------------------------------
// States

/** What every state after ServerHello knows. */
interface Hs {
  io: HandshakeIo;
  config: ClientConfig;
  offer: Offer;
  suite: Tls12Suite;
  clientRandom: Uint8Array;
  serverRandom: Uint8Array;
  /** Every handshake message so far, as on the wire (RFC 5246 §7.4.9 handshake_messages). */
  transcript: Uint8Array[];
  ems: boolean;
  report: SecretReporter;
}

type State =
  | { name: 'ExpectCertificate'; hs: Hs }
  | { name: 'ExpectServerKeyExchange'; hs: Hs; serverKey: PublicKey }
  | { name: 'ExpectCertificateRequestOrHelloDone'; hs: Hs; serverKey: PublicKey; ecdhe?: { group: GroupName; serverPublic: Uint8Array } }
  | { name: 'ExpectServerHelloDone'; hs: Hs; serverKey: PublicKey; ecdhe?: { group: GroupName; serverPublic: Uint8Array }; request: CertificateRequest12 }
  | { name: 'ExpectChangeCipherSpec'; hs: Hs; masterSecret: Uint8Array; keys: Tls12TrafficKeys }
  | { name: 'ExpectFinished'; hs: Hs; masterSecret: Uint8Array }
  /** Keeps the io to decline renegotiation (a HelloRequest here). */
  | { name: 'Connected'; io: HandshakeIo }
  | { name: 'Closed' };

/** The handshake message types each state takes, checked before the body is parsed (RFC 5246 §7.4); HelloRequest is taken in every state but Closed. */
function expects(state: State): readonly number[] {
  const helloRequest = HandshakeType.hello_request;
  switch (state.name) {
    case 'ExpectCertificate':
      return [helloRequest, HandshakeType.certificate];
    case 'ExpectServerKeyExchange':
      return [helloRequest, HandshakeType.server_key_exchange];
    case 'ExpectCertificateRequestOrHelloDone':
      return [helloRequest, HandshakeType.certificate_request, HandshakeType.server_hello_done];
    case 'ExpectServerHelloDone':
      return [helloRequest, HandshakeType.server_hello_done];
    case 'ExpectChangeCipherSpec':
    case 'Connected':
      return [helloRequest];
    case 'ExpectFinished':
      return [helloRequest, HandshakeType.finished];
    case 'Closed':
      return [];
    default:
      return assertNever(state);
  }
}

/** Queues a message; returns the id of the record that carries it. */
function send(hs: Hs, m: Tls12Message): string {
  const enc = encodeHandshake12(m);
  hs.transcript.push(enc.bytes);
  return hs.io.queueHandshake(enc);
}

// ---------------------------------------------------------------------------------------------
// ServerHello (TLS 1.2 specifics; hello.ts has done the version-independent checks)

function afterServerHello(start: Tls12ClientStart): State {
  const { io, config, offer, serverHello } = start;
  const sh = serverHello.msg;
  const suite = tls12SuiteByCode(sh.cipherSuite);
  // A TLS 1.3 suite in a TLS 1.2 ServerHello (RFC 8446 §4.1.3: suite not valid for the version).
  if (!suite) throw new TlsError('PeerIllegalParameter', `cipher suite 0x${sh.cipherSuite.toString(16)} is not a TLS 1.2 suite`);
  // RFC 7627 §5.2: the server echoes extended_master_secret (empty) when it uses it.
  const ems = findExt(sh.extensions, 'extended_master_secret') !== undefined;
  const ri = findExt(sh.extensions, 'renegotiation_info');
  // RFC 5746 §3.4: on an initial handshake renegotiated_connection must be empty.
  if (ri && ri.renegotiatedConnection.length !== 0) throw new TlsError('IncompatibleParameters', 'renegotiation_info not empty on an initial handshake (RFC 5746 §3.4)');
  const pf = findExt(sh.extensions, 'ec_point_formats');
  // RFC 8422 §5.2: the uncompressed format must be among the server's.
  if (pf && !pf.formats.includes(0)) throw new TlsError('PeerIllegalParameter', 'server ec_point_formats lacks uncompressed (RFC 8422 §5.2)');
  if (!ri) {
    io.note('ServerHello has no renegotiation_info: the server does not support secure renegotiation (we never renegotiate)', 'RFC 5746 §3.4');
  }
  const alpn = findExt(sh.extensions, 'alpn');
  if (alpn && (alpn.protocols.length !== 1 || !offer.alpn.includes(alpn.protocols[0]!))) {
    throw new TlsError('PeerIllegalParameter', 'server selected an application protocol we did not offer');
  }
  io.emit({
    type: 'negotiated',
    version: 'TLS 1.2',
    cipherSuite: suite.name,
    keyExchange: suite.keyExchange,
    extendedMasterSecret: ems,
    masterSecretReason: ems ? 'both' : (config.extendedMasterSecret ?? true) ? 'server-did-not-accept' : 'client-did-not-offer',
    ...(alpn ? { alpn: alpn.protocols[0]! } : {}),
  });
  if (!ems && (config.extendedMasterSecret ?? true)) {
    io.note('The server did not accept extended_master_secret: the master secret is derived from the randoms only (RFC 5246 §8.1).', 'RFC 7627 §5.2');
  }
  const hs: Hs = {
    io,
    config,
    offer,
    suite,
    clientRandom: offer.random,
    serverRandom: sh.random,
    transcript: [start.clientHello, serverHello.bytes],
    ems,
    report: tls12Reporter((s) => io.secret(s)),
  };
  return { name: 'ExpectCertificate', hs };
}

// ---------------------------------------------------------------------------------------------
// The state machine

function step(state: State, input: Tls12Input): State {
  if (input.kind === 'handshake' && input.message.msg.type === 'HelloRequest' && state.name !== 'Closed') {
    // RFC 5246 §7.4.1.1: HelloRequest is not part of the transcript. During a handshake it is
    // ignored; after it, a client that does not renegotiate may answer no_renegotiation — a
    // warning (§7.2.2) — so the server is not left waiting for a ClientHello that never comes.
    if ('hs' in state) state.hs.io.note('Ignored a HelloRequest during the handshake.', 'RFC 5246 §7.4.1.1');
    if (state.name === 'Connected') {
      state.io.note('The server asked to renegotiate (HelloRequest); this client does not renegotiate: it declines with a warning no_renegotiation alert and goes on with the connection.', 'RFC 5246 §7.4.1.1');
      state.io.decline('DeclineRenegotiation', 'a HelloRequest after the handshake: this client does not renegotiate');
    }
    return state;
  }
  switch (state.name) {
    case 'ExpectCertificate': {
      const m = expectMessage(state.name, input, 'Certificate');
      const hs = state.hs;
      hs.transcript.push(m.bytes);
      // RFC 5246 §7.4.2: the server's certificate_list must hold at least the end-entity certificate.
      if (m.chain.length === 0) throw new TlsError('DecodeError', 'server sent an empty Certificate');
      const serverKey = verifyPeerChain(hs.io, {
        chain: m.chain,
        purpose: 'server',
        anchors: hs.config.trustAnchors,
        now: hs.config.now ?? new Date(),
        ...(hs.config.serverName ? { host: hs.config.serverName } : {}),
        keyExchange: hs.suite.keyExchange === 'RSA' ? 'rsa' : 'ecdhe',
        ...(hs.config.insecureSkipVerify ? { insecure: true } : {}),
        ...hs.config.peerVerification,
      });
      checkKeyFitsSuite(hs.suite, serverKey);
      return hs.suite.keyExchange === 'ECDHE' ? { name: 'ExpectServerKeyExchange', hs, serverKey } : { name: 'ExpectCertificateRequestOrHelloDone', hs, serverKey };
    }
    case 'ExpectServerKeyExchange': {
      const m = expectMessage(state.name, input, 'ServerKeyExchange');
      const hs = state.hs;
      hs.transcript.push(m.bytes);
      const group = checkServerKeyExchange(hs, m.ske, state.serverKey);
      return { name: 'ExpectCertificateRequestOrHelloDone', hs, serverKey: state.serverKey, ecdhe: { group, serverPublic: m.ske.params.publicPoint } };
    }
    case 'ExpectCertificateRequestOrHelloDone': {
      if (input.kind !== 'handshake') throw unexpectedInput(state.name, 'CertificateRequest or ServerHelloDone', input);
      const msg = input.message.msg;
      if (msg.type === 'CertificateRequest') {
        state.hs.transcript.push(input.message.bytes);
        state.hs.io.emit({ type: 'negotiated', clientAuth: 'requested' });
        return { name: 'ExpectServerHelloDone', hs: state.hs, serverKey: state.serverKey, ...(state.ecdhe ? { ecdhe: state.ecdhe } : {}), request: msg.request };
      }
      if (msg.type === 'ServerHelloDone') {
        state.hs.transcript.push(input.message.bytes);
        return sendClientFlight(state.hs, state.serverKey, state.ecdhe, undefined);
      }
      throw unexpectedInput(state.name, 'CertificateRequest or ServerHelloDone', input);
    }
    case 'ExpectServerHelloDone': {
      const m = expectMessage(state.name, input, 'ServerHelloDone');
      state.hs.transcript.push(m.bytes);
      return sendClientFlight(state.hs, state.serverKey, state.ecdhe, state.request);
    }
    case 'ExpectChangeCipherSpec': {
      if (input.kind !== 'change_cipher_spec') throw unexpectedInput(state.name, 'ChangeCipherSpec', input);
      const { hs, keys } = state;
      // RFC 5246 §7.1: from now on the server's records are protected with the pending read state.
      hs.io.setReadProtection(new Tls12RecordProtection(hs.suite, keys.serverWriteKey, keys.serverWriteIv, 'server_write_key'));
      return { name: 'ExpectFinished', hs, masterSecret: state.masterSecret };
    }
    case 'ExpectFinished': {
      const m = expectMessage(state.name, input, 'Finished');
      const hs = state.hs;
      // RFC 5246 §7.4.9: verify_data over every handshake message before this one.
      const expected = finishedVerifyData({ hash: hs.suite.hash, masterSecret: state.masterSecret, side: 'server', handshakeHash: digest(hs.suite.hash, transcriptBytes(hs.transcript)), report: hs.report });
      if (!equalBytes(expected, m.verifyData)) {
        throw new TlsError('PeerBadFinished', `server Finished verify_data ${toHex(m.verifyData)} ≠ expected ${toHex(expected)} (RFC 5246 §7.4.9)`);
      }
      hs.transcript.push(m.bytes);
      hs.io.emit({ type: 'timing', what: 'handshake (client)', ms: hs.io.elapsed() });
      return { name: 'Connected', io: hs.io };
    }
    case 'Connected':
      throw unexpectedInput(state.name, 'application data', input);
    case 'Closed':
      throw unexpectedInput(state.name, 'nothing', input);
    default:
      return assertNever(state);
  }
}

/** The certificate's key must be the one the suite authenticates with (RFC 5246 §7.4.2, RFC 8422 §5.3). */
function checkKeyFitsSuite(suite: Tls12Suite, key: PublicKey): void {
  if (!suiteAcceptsKey(suite, key)) throw new TlsError('CertUnsupported', `${suite.name} needs an ${suite.auth === 'rsa' ? 'RSA' : 'ECDSA/EdDSA'} certificate, the server sent a ${key.type} key`);
}

/** RFC 8422 §5.4: named curve we offered, a signature scheme we offered that fits the key, and a valid signature. */
function checkServerKeyExchange(hs: Hs, ske: ServerKeyExchangeEcdhe, serverKey: PublicKey): GroupName {
  const group = groupByCode(ske.params.namedCurve);
  if (!group || !hs.offer.groups.includes(group)) {
    throw new TlsError('PeerIllegalParameter', `ServerKeyExchange uses ${nameOf(GROUPS, ske.params.namedCurve)}, which we did not offer (RFC 8422 §5.4)`);
  }
  const scheme = signatureSchemeFromCode(ske.signed.algorithm);
  if (!scheme || !hs.offer.schemes.includes(scheme)) {
    throw new TlsError('PeerIllegalParameter', `ServerKeyExchange signed with 0x${ske.signed.algorithm.toString(16)}, which we did not offer (RFC 5246 §7.4.1.4.1)`);
  }
  if (!schemeFitsKeyTls12(scheme, serverKey)) throw new TlsError('PeerIllegalParameter', `${scheme} does not fit the server's ${serverKey.type} key`);
  const content = serverKeyExchangeSignedContent(hs.clientRandom, hs.serverRandom, ske.paramsBytes);
  if (!timed(hs.io, `ServerKeyExchange ${scheme} verification`, () => verifyTls12(scheme, serverKey, content, ske.signed.signature))) {
    throw new TlsError('PeerBadSignature', `ServerKeyExchange ${scheme} signature does not verify over client_random ‖ server_random ‖ params (RFC 8422 §5.4)`);
  }
  hs.io.emit({ type: 'negotiated', group, signatureScheme: scheme });
  return group;
}

/** The client certificate to send for a CertificateRequest (RFC 5246 §7.4.6), if any fits. */
function chooseClientCert(hs: Hs, request: CertificateRequest12): { chain: Uint8Array[]; key: PrivateKey; scheme: Tls12SchemeName } | undefined {
  const cc = hs.config.clientCert;
  if (!cc || !cc.key || cc.chain.length === 0) return undefined;
  const key = cc.key;
  const typeOk = key.type === 'rsa' ? request.certificateTypes.includes(ClientCertificateType.rsa_sign) : request.certificateTypes.includes(ClientCertificateType.ecdsa_sign);
  if (!typeOk) {
    hs.io.note(`our ${key.type} client certificate is not among the requested certificate_types; sending none`, 'RFC 5246 §7.4.6');
    return undefined;
  }
  // TLS 1.2: an ECDSA key signs with any hash the server lists for ECDSA (crypto/tls12-signing.ts).
  const mine = (hs.config.signatureSchemes ?? schemesForKeyTls12(key.publicKey)).filter((s) => tls12SchemeFitsKey(s, key.publicKey));
  // In TLS 1.2, PKCS#1 v1.5 is the interoperable choice for RSA CertificateVerify; prefer what the server lists first.
  const scheme = pickOfferedTls12(request.signatureAlgorithms, mine);
  if (!scheme) {
    hs.io.note('no signature algorithm in the CertificateRequest fits our client key; sending no certificate', 'RFC 5246 §7.4.4');
    return undefined;
  }
  return { chain: cc.chain, key, scheme };
}

/** After ServerHelloDone: Certificate*, ClientKeyExchange, CertificateVerify*, ChangeCipherSpec, Finished. */
function sendClientFlight(hs: Hs, serverKey: PublicKey, ecdhe: { group: GroupName; serverPublic: Uint8Array } | undefined, request: CertificateRequest12 | undefined): State {
  const { io, suite, config } = hs;
  const rng = config.rng;
  const client = request ? chooseClientCert(hs, request) : undefined;
  if (request) send(hs, { type: 'Certificate', chain: client ? client.chain : [] });

  // ClientKeyExchange and the premaster secret.
  let premaster: Uint8Array;
  if (suite.keyExchange === 'RSA') {
    // RFC 5246 §7.4.7.1: client_version is the version offered in ClientHello (legacy_version 3,3).
    premaster = makeRsaPremaster(rng, [3, 3]);
    reportPremaster(hs.report, premaster, 'RSA', [
      { name: 'client_version', value: '3,3 (TLS 1.2, as offered in ClientHello)' },
      { name: 'random[46]', value: premaster.slice(2) },
    ]);
    const fault = config.faults?.includes('tls12-corrupt-premaster') ?? false;
    const badPadding = config.faults?.includes('tls12-bad-premaster-padding') ?? false;
    let toEncrypt = premaster;
    if (fault) {
      // Fault injection ('bad-premaster'): encrypt a premaster with a wrong client_version.
      toEncrypt = premaster.slice();
      toEncrypt[0] = 0x02;
      toEncrypt[1] = 0x00;
    }
    const encrypted = timed(io, 'RSA premaster encryption (RSAES-PKCS1-v1_5)', () => encryptPremaster(serverKey, toEncrypt, rng, badPadding));
    const recordId = send(hs, { type: 'ClientKeyExchange', cke: { kind: 'RSA', encryptedPreMasterSecret: encrypted } });
    if (fault) {
      // Emitted once the ClientKeyExchange has its record, so the note sits on that record.
      io.emit({
        type: 'note',
        text: 'Fault: the client encrypts a premaster whose client_version is 2.0; the server must not reveal this (Bleichenbacher countermeasure).',
        rfc: 'RFC 5246 §7.4.7.1',
        recordId,
      });
    }
    if (badPadding) {
      io.emit({
        type: 'note',
        text: 'Fault: the client’s RSA block starts 00 01 instead of 00 02 (wrong PKCS#1 v1.5 padding); the server must not reveal this (Bleichenbacher countermeasure).',
        rfc: 'RFC 5246 §7.4.7.1',
        recordId,
      });
    }
  } else {
    if (!ecdhe) throw new TlsError('LocalInternal', 'ECDHE suite without ServerKeyExchange');
    const kp = generateKeyShare(ecdhe.group, rng);
    premaster = computeSharedSecret(ecdhe.group, kp.privateKey, ecdhe.serverPublic);
    reportPremaster(hs.report, premaster, 'ECDHE', [
      { name: 'group', value: ecdhe.group },
      { name: 'client ephemeral private key', value: kp.privateKey },
      { name: 'client ephemeral public key (ecdh_Yc)', value: kp.publicKey },
      { name: 'server ephemeral public key', value: ecdhe.serverPublic },
    ]);
    send(hs, { type: 'ClientKeyExchange', cke: { kind: 'ECDHE', ecdhYc: kp.publicKey } });
  }

  // RFC 7627 §4: the session hash covers ClientHello .. ClientKeyExchange.
  const masterSecret = deriveMasterSecret({
    hash: suite.hash,
    premaster,
    clientRandom: hs.clientRandom,
    serverRandom: hs.serverRandom,
    ...(hs.ems ? { sessionHash: digest(suite.hash, transcriptBytes(hs.transcript)) } : {}),
    report: hs.report,
  });
  const keys = deriveKeyBlock({ suite, masterSecret, clientRandom: hs.clientRandom, serverRandom: hs.serverRandom, report: hs.report });

  if (client) {
    // RFC 5246 §7.4.8: the signature covers handshake_messages up to (not including) CertificateVerify.
    const signature = timed(io, `CertificateVerify ${client.scheme} signature`, () => signTls12(client.scheme, client.key, transcriptBytes(hs.transcript), rng));
    send(hs, { type: 'CertificateVerify', signed: { algorithm: tls12SchemeCode(client.scheme), signature } });
    io.emit({ type: 'negotiated', clientAuth: 'requested' });
  }

  // RFC 5246 §7.1: ChangeCipherSpec, then everything we send is protected.
  io.sendCcs();
  io.setWriteProtection(new Tls12RecordProtection(suite, keys.clientWriteKey, keys.clientWriteIv, 'client_write_key'));
  const verifyData = finishedVerifyData({ hash: suite.hash, masterSecret, side: 'client', handshakeHash: digest(suite.hash, transcriptBytes(hs.transcript)), report: hs.report });
  send(hs, { type: 'Finished', verifyData });
  io.flush();
  return { name: 'ExpectChangeCipherSpec', hs, masterSecret, keys };
}

/** Continues a handshake whose ServerHello negotiated TLS 1.2 (hello.ts has checked it). */
export function continueTls12(start: Tls12ClientStart): Tls12ClientFlow {
  // client.ts reports the move from ExpectServerHello to our first state.
  return new StepFlow<State>(start.io, afterServerHello(start), step, (st) => ('hs' in st ? st.hs.suite.keyExchange : undefined), { name: 'Closed' }, expects);
}
