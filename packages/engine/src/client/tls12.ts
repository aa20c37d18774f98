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
 * The client's states (values of `ClientState12`, each named after what it expects):
 *
 *   ExpectServerHello (client.ts) ──ServerHello (TLS 1.2)──▶ ExpectCertificate
 *   ExpectCertificate ──Certificate──▶ ExpectServerKeyExchange (ECDHE)
 *                                    └▶ ExpectCertificateRequestOrHelloDone (RSA)
 *   ExpectServerKeyExchange ──ServerKeyExchange──▶ ExpectCertificateRequestOrHelloDone
 *   ExpectCertificateRequestOrHelloDone ──CertificateRequest──▶ ExpectServerHelloDone
 *                                       └─ServerHelloDone (our flight sent)──▶ ExpectChangeCipherSpec
 *   ExpectServerHelloDone ──ServerHelloDone (our flight sent)──▶ ExpectChangeCipherSpec
 *   ExpectChangeCipherSpec ──ChangeCipherSpec──▶ ExpectFinished ──Finished──▶ Connected
 *   any state ──HelloRequest──▶ the same state (ignored; declined with no_renegotiation once Connected)
 *
 * hello.ts builds the ClientHello (with the TLS 1.2 extensions) and runs the
 * version-independent ServerHello checks (version, downgrade sentinel, suite offered, no
 * unsolicited extensions); `onServerHello12` does the TLS 1.2 ones and returns the first state.
 * From then on client.ts hands every handshake message and change_cipher_spec, read by
 * handshake/flow.ts `receive12`, to `handle12(state, input, cx)`, which returns the next state.
 * A state holds only what the next steps need; the transcript is handed on from state to state.
 */
import { equalBytes, toHex } from '../codec/hex';
import type { GroupName } from '../config';
import { computeSharedSecret, generateKeyShare, groupByCode } from '../crypto/ecdhe';
import type { PrivateKey, PublicKey } from '../crypto/keys';
import { signatureSchemeFromCode, schemeFitsKeyTls12, verifyTls12 } from '../crypto/signature';
import { pickOfferedTls12, schemesForKeyTls12, signTls12, tls12SchemeCode, tls12SchemeFitsKey, type Tls12SchemeName } from '../crypto/tls12-signing';
import { assertNever, TlsError } from '../errors';
import { GROUPS, HandshakeType, nameOf } from '../msgs/enums';
import { findExt } from '../msgs/extensions';
import type { EncodedMessage } from '../msgs/handshake';
import { timed, type HandshakeIo } from '../record/handshake-io';
import { encodeHandshake12, type Tls12Message } from '../msgs/handshake12';
import { expectMessage, transcriptBytes, unexpectedInput, type Tls12Input } from '../handshake/flow';
import { deriveTls12Secrets } from '../handshake/tls12';
import { finishedVerifyData, reportPremaster, tls12Reporter, type SecretReporter, type Tls12TrafficKeys } from '../crypto/tls12-key-schedule';
import { ClientCertificateType, serverKeyExchangeSignedContent, type CertificateRequest12, type ServerKeyExchangeEcdhe } from '../msgs/tls12';
import { verifyPeerChain } from '../handshake/peer-cert';
import { digest } from '../crypto/prf';
import { Tls12RecordProtection } from '../record/tls12';
import { encryptPremaster, makeRsaPremaster } from '../crypto/rsa-kx';
import { suiteAcceptsKey, tls12SuiteByCode, type Tls12Suite } from '../crypto/tls12-suites';
import type { ClientContext, Offer, ServerHelloMsg } from './hello';

/** What every state after ServerHello knows. */
interface Hs12 {
  readonly offer: Offer;
  readonly suite: Tls12Suite;
  readonly clientRandom: Uint8Array;
  readonly serverRandom: Uint8Array;
  /** Every handshake message so far, as on the wire (RFC 5246 §7.4.9 handshake_messages); handed on, each state adds what it took. */
  readonly transcript: Uint8Array[];
  readonly ems: boolean;
  readonly report: SecretReporter;
}

type Ecdhe = { group: GroupName; serverPublic: Uint8Array };
type V12 = { readonly version: 'TLS 1.2' };

export type ClientState12 =
  | (V12 & { name: 'ExpectCertificate'; hs: Hs12 })
  | (V12 & { name: 'ExpectServerKeyExchange'; hs: Hs12; serverKey: PublicKey })
  | (V12 & { name: 'ExpectCertificateRequestOrHelloDone'; hs: Hs12; serverKey: PublicKey; ecdhe?: Ecdhe })
  | (V12 & { name: 'ExpectServerHelloDone'; hs: Hs12; serverKey: PublicKey; ecdhe?: Ecdhe; request: CertificateRequest12 })
  | (V12 & { name: 'ExpectChangeCipherSpec'; hs: Hs12; masterSecret: Uint8Array; keys: Tls12TrafficKeys })
  | (V12 & { name: 'ExpectFinished'; hs: Hs12; masterSecret: Uint8Array })
  /** Takes only a HelloRequest (declined: no renegotiation). */
  | (V12 & { name: 'Connected' });

type State<N extends ClientState12['name']> = Extract<ClientState12, { name: N }>;

/** The handshake message types each state takes, checked before the body is parsed (RFC 5246 §7.4); HelloRequest is taken in every state. */
export function expects12(state: ClientState12): readonly number[] {
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
    default:
      return assertNever(state);
  }
}

/** How ClientKeyExchange would be read in a state (its format depends on the suite). */
export function keyExchange12(state: ClientState12): 'RSA' | 'ECDHE' | undefined {
  return 'hs' in state ? state.hs.suite.keyExchange : undefined;
}

/** Queues a message; returns the id of the record that carries it. */
function send(cx: ClientContext, hs: Hs12, m: Tls12Message): string {
  const enc = cx.outgoing(encodeHandshake12(m));
  hs.transcript.push(enc.bytes);
  return cx.io.queueHandshake(enc);
}

// ---------------------------------------------------------------------------------------------
// ServerHello (TLS 1.2 specifics; hello.ts has done the version-independent checks)

/**
 * A ServerHello that negotiated TLS 1.2 (hello.ts has checked it): the TLS 1.2 checks, and the
 * first state. `clientHello` is the ClientHello as sent (msg_type ‖ length ‖ body).
 */
export function onServerHello12(cx: ClientContext, offer: Offer, clientHello: Uint8Array, serverHello: EncodedMessage<ServerHelloMsg>): State<'ExpectCertificate'> {
  const { io, config } = cx;
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
  const hs: Hs12 = {
    offer,
    suite,
    clientRandom: offer.random,
    serverRandom: sh.random,
    transcript: [clientHello, serverHello.bytes],
    ems,
    report: tls12Reporter((s) => io.secret(s)),
  };
  return { version: 'TLS 1.2', name: 'ExpectCertificate', hs };
}

// ---------------------------------------------------------------------------------------------
// The state machine

/** A handshake message or a ChangeCipherSpec in a TLS 1.2 state: the next state. */
export function handle12(state: ClientState12, input: Tls12Input, cx: ClientContext): ClientState12 {
  const { io } = cx;
  if (input.kind === 'handshake' && input.message.msg.type === 'HelloRequest') return onHelloRequest(io, state);
  switch (state.name) {
    case 'ExpectCertificate':
      return onCertificate(cx, state, expectMessage(state.name, input, 'Certificate'));
    case 'ExpectServerKeyExchange': {
      const m = expectMessage(state.name, input, 'ServerKeyExchange');
      const hs = state.hs;
      hs.transcript.push(m.bytes);
      const group = checkServerKeyExchange(io, hs, m.ske, state.serverKey);
      return { version: 'TLS 1.2', name: 'ExpectCertificateRequestOrHelloDone', hs, serverKey: state.serverKey, ecdhe: { group, serverPublic: m.ske.params.publicPoint } };
    }
    case 'ExpectCertificateRequestOrHelloDone':
      return onCertificateRequestOrHelloDone(cx, state, input);
    case 'ExpectServerHelloDone': {
      const m = expectMessage(state.name, input, 'ServerHelloDone');
      state.hs.transcript.push(m.bytes);
      return sendClientFlight(cx, state.hs, state.serverKey, state.ecdhe, state.request);
    }
    case 'ExpectChangeCipherSpec': {
      if (input.kind !== 'change_cipher_spec') throw unexpectedInput(state.name, 'ChangeCipherSpec', input);
      const { hs, keys } = state;
      // RFC 5246 §7.1: from now on the server's records are protected with the pending read state.
      io.setReadProtection(new Tls12RecordProtection(hs.suite, keys.serverWriteKey, keys.serverWriteIv, 'server_write_key'));
      return { version: 'TLS 1.2', name: 'ExpectFinished', hs, masterSecret: state.masterSecret };
    }
    case 'ExpectFinished':
      return onServerFinished(io, state, expectMessage(state.name, input, 'Finished'));
    case 'Connected':
      throw unexpectedInput(state.name, 'application data', input);
    default:
      return assertNever(state);
  }
}

/**
 * RFC 5246 §7.4.1.1: HelloRequest is not part of the transcript. During a handshake it is
 * ignored; after it, a client that does not renegotiate may answer no_renegotiation — a
 * warning (§7.2.2) — so the server is not left waiting for a ClientHello that never comes.
 */
function onHelloRequest(io: HandshakeIo, state: ClientState12): ClientState12 {
  if (state.name !== 'Connected') {
    io.note('Ignored a HelloRequest during the handshake.', 'RFC 5246 §7.4.1.1');
    return state;
  }
  io.note(
    'The server asked to renegotiate (HelloRequest); this client does not renegotiate: it declines with a warning no_renegotiation alert and goes on with the connection.',
    'RFC 5246 §7.4.1.1',
  );
  io.decline('DeclineRenegotiation', 'a HelloRequest after the handshake: this client does not renegotiate');
  return state;
}

/** The server's Certificate (RFC 5246 §7.4.2): path validation, and a key that fits the suite. */
function onCertificate(cx: ClientContext, state: State<'ExpectCertificate'>, m: { chain: Uint8Array[]; bytes: Uint8Array }): ClientState12 {
  const { io, config } = cx;
  const hs = state.hs;
  hs.transcript.push(m.bytes);
  // RFC 5246 §7.4.2: the server's certificate_list must hold at least the end-entity certificate.
  if (m.chain.length === 0) throw new TlsError('DecodeError', 'server sent an empty Certificate');
  const serverKey = verifyPeerChain(io, {
    chain: m.chain,
    purpose: 'server',
    anchors: config.trustAnchors,
    now: config.now ?? new Date(),
    ...(config.serverName ? { host: config.serverName } : {}),
    keyExchange: hs.suite.keyExchange === 'RSA' ? 'rsa' : 'ecdhe',
    ...(config.insecureSkipVerify ? { insecure: true } : {}),
    ...config.peerVerification,
  });
  checkKeyFitsSuite(hs.suite, serverKey);
  if (hs.suite.keyExchange === 'ECDHE') return { version: 'TLS 1.2', name: 'ExpectServerKeyExchange', hs, serverKey };
  return { version: 'TLS 1.2', name: 'ExpectCertificateRequestOrHelloDone', hs, serverKey };
}

/** CertificateRequest (RFC 5246 §7.4.4) or, without client authentication, ServerHelloDone. */
function onCertificateRequestOrHelloDone(cx: ClientContext, state: State<'ExpectCertificateRequestOrHelloDone'>, input: Tls12Input): ClientState12 {
  if (input.kind !== 'handshake') throw unexpectedInput(state.name, 'CertificateRequest or ServerHelloDone', input);
  const msg = input.message.msg;
  const { hs, serverKey, ecdhe } = state;
  if (msg.type === 'CertificateRequest') {
    hs.transcript.push(input.message.bytes);
    cx.io.emit({ type: 'negotiated', clientAuth: 'requested' });
    return { version: 'TLS 1.2', name: 'ExpectServerHelloDone', hs, serverKey, ...(ecdhe ? { ecdhe } : {}), request: msg.request };
  }
  if (msg.type === 'ServerHelloDone') {
    hs.transcript.push(input.message.bytes);
    return sendClientFlight(cx, hs, serverKey, ecdhe, undefined);
  }
  throw unexpectedInput(state.name, 'CertificateRequest or ServerHelloDone', input);
}

/** The server's Finished (RFC 5246 §7.4.9): verify_data over every handshake message before it. */
function onServerFinished(io: HandshakeIo, state: State<'ExpectFinished'>, m: { verifyData: Uint8Array; bytes: Uint8Array }): ClientState12 {
  const hs = state.hs;
  const expected = finishedVerifyData({
    hash: hs.suite.hash,
    masterSecret: state.masterSecret,
    side: 'server',
    handshakeHash: digest(hs.suite.hash, transcriptBytes(hs.transcript)),
    report: hs.report,
  });
  if (!equalBytes(expected, m.verifyData)) {
    throw new TlsError('PeerBadFinished', `server Finished verify_data ${toHex(m.verifyData)} ≠ expected ${toHex(expected)} (RFC 5246 §7.4.9)`);
  }
  hs.transcript.push(m.bytes);
  io.emit({ type: 'timing', what: 'handshake (client)', ms: io.elapsed() });
  return { version: 'TLS 1.2', name: 'Connected' };
}

/** The certificate's key must be the one the suite authenticates with (RFC 5246 §7.4.2, RFC 8422 §5.3). */
function checkKeyFitsSuite(suite: Tls12Suite, key: PublicKey): void {
  if (!suiteAcceptsKey(suite, key))
    throw new TlsError('CertUnsupported', `${suite.name} needs an ${suite.auth === 'rsa' ? 'RSA' : 'ECDSA/EdDSA'} certificate, the server sent a ${key.type} key`);
}

/** RFC 8422 §5.4: named curve we offered, a signature scheme we offered that fits the key, and a valid signature. */
function checkServerKeyExchange(io: HandshakeIo, hs: Hs12, ske: ServerKeyExchangeEcdhe, serverKey: PublicKey): GroupName {
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
  if (!timed(io, `ServerKeyExchange ${scheme} verification`, () => verifyTls12(scheme, serverKey, content, ske.signed.signature))) {
    throw new TlsError('PeerBadSignature', `ServerKeyExchange ${scheme} signature does not verify over client_random ‖ server_random ‖ params (RFC 8422 §5.4)`);
  }
  io.emit({ type: 'negotiated', group, signatureScheme: scheme });
  return group;
}

/** The client certificate to send for a CertificateRequest (RFC 5246 §7.4.6), if any fits. */
function chooseClientCert(cx: ClientContext, request: CertificateRequest12): { chain: Uint8Array[]; key: PrivateKey; scheme: Tls12SchemeName } | undefined {
  const cc = cx.config.clientCert;
  if (!cc || !cc.key || cc.chain.length === 0) return undefined;
  const key = cc.key;
  const typeOk = key.type === 'rsa' ? request.certificateTypes.includes(ClientCertificateType.rsa_sign) : request.certificateTypes.includes(ClientCertificateType.ecdsa_sign);
  if (!typeOk) {
    cx.io.note(`our ${key.type} client certificate is not among the requested certificate_types; sending none`, 'RFC 5246 §7.4.6');
    return undefined;
  }
  // TLS 1.2: an ECDSA key signs with any hash the server lists for ECDSA (crypto/tls12-signing.ts).
  const mine = (cx.config.signatureSchemes ?? schemesForKeyTls12(key.publicKey)).filter((s) => tls12SchemeFitsKey(s, key.publicKey));
  // In TLS 1.2, PKCS#1 v1.5 is the interoperable choice for RSA CertificateVerify; prefer what the server lists first.
  const scheme = pickOfferedTls12(request.signatureAlgorithms, mine);
  if (!scheme) {
    cx.io.note('no signature algorithm in the CertificateRequest fits our client key; sending no certificate', 'RFC 5246 §7.4.4');
    return undefined;
  }
  return { chain: cc.chain, key, scheme };
}

/**
 * After ServerHelloDone: Certificate*, ClientKeyExchange, CertificateVerify*, ChangeCipherSpec,
 * Finished (RFC 5246 §7.3). Returns ExpectChangeCipherSpec.
 */
function sendClientFlight(cx: ClientContext, hs: Hs12, serverKey: PublicKey, ecdhe: Ecdhe | undefined, request: CertificateRequest12 | undefined): ClientState12 {
  const { io, config } = cx;
  const { suite } = hs;
  const rng = config.rng;
  const client = request ? chooseClientCert(cx, request) : undefined;
  if (request) send(cx, hs, { type: 'Certificate', chain: client ? client.chain : [] });
  const premaster = sendClientKeyExchange(cx, hs, serverKey, ecdhe);

  const { masterSecret, keys } = deriveTls12Secrets(suite, premaster, hs);

  if (client) {
    // RFC 5246 §7.4.8: the signature covers handshake_messages up to (not including) CertificateVerify.
    const signature = timed(io, `CertificateVerify ${client.scheme} signature`, () => signTls12(client.scheme, client.key, transcriptBytes(hs.transcript), rng));
    send(cx, hs, { type: 'CertificateVerify', signed: { algorithm: tls12SchemeCode(client.scheme), signature } });
    io.emit({ type: 'negotiated', clientAuth: 'requested' });
  }

  // RFC 5246 §7.1: ChangeCipherSpec, then everything we send is protected.
  io.sendCcs();
  io.setWriteProtection(new Tls12RecordProtection(suite, keys.clientWriteKey, keys.clientWriteIv, 'client_write_key'));
  const verifyData = finishedVerifyData({ hash: suite.hash, masterSecret, side: 'client', handshakeHash: digest(suite.hash, transcriptBytes(hs.transcript)), report: hs.report });
  send(cx, hs, { type: 'Finished', verifyData });
  io.flush();
  return { version: 'TLS 1.2', name: 'ExpectChangeCipherSpec', hs, masterSecret, keys };
}

/** ClientKeyExchange (RFC 5246 §7.4.7): sends it, returns the premaster secret. */
function sendClientKeyExchange(cx: ClientContext, hs: Hs12, serverKey: PublicKey, ecdhe: Ecdhe | undefined): Uint8Array {
  const { io, config } = cx;
  const rng = config.rng;
  if (hs.suite.keyExchange === 'RSA') {
    // RFC 5246 §7.4.7.1: client_version is the version offered in ClientHello (legacy_version 3,3).
    const premaster = makeRsaPremaster(rng, [3, 3]);
    reportPremaster(hs.report, premaster, 'RSA', [
      { name: 'client_version', value: '3,3 (TLS 1.2, as offered in ClientHello)' },
      { name: 'random[46]', value: premaster.slice(2) },
    ]);
    const encrypted = timed(io, 'RSA premaster encryption (RSAES-PKCS1-v1_5)', () => encryptPremaster(serverKey, premaster, rng));
    send(cx, hs, { type: 'ClientKeyExchange', cke: { kind: 'RSA', encryptedPreMasterSecret: encrypted } });
    return premaster;
  }
  if (!ecdhe) throw new TlsError('LocalInternal', 'ECDHE suite without ServerKeyExchange');
  const kp = generateKeyShare(ecdhe.group, rng);
  const premaster = computeSharedSecret(ecdhe.group, kp.privateKey, ecdhe.serverPublic);
  reportPremaster(hs.report, premaster, 'ECDHE', [
    { name: 'group', value: ecdhe.group },
    { name: 'client ephemeral private key', value: kp.privateKey },
    { name: 'client ephemeral public key (ecdh_Yc)', value: kp.publicKey },
    { name: 'server ephemeral public key', value: ecdhe.serverPublic },
  ]);
  send(cx, hs, { type: 'ClientKeyExchange', cke: { kind: 'ECDHE', ecdhYc: kp.publicKey } });
  return premaster;
}
