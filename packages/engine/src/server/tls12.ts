/**
 * The TLS 1.2 server (RFC 5246 §7.3): its first flight, then one state per message it expects.
 *
 *   ClientHello (server.ts, hello.ts chooseVersion → TLS 1.2)
 *     └─ sendFirstFlight12: ServerHello (+ downgrade sentinel if we speak 1.3), Certificate,
 *        [ServerKeyExchange: ECDHE params + signature], [CertificateRequest], ServerHelloDone
 *          ├─ mutual TLS ─▶ ExpectCertificate ──Certificate──▶ ExpectClientKeyExchange
 *          └──────────────────────────────────────────────────▶ ExpectClientKeyExchange
 *   ExpectClientKeyExchange ──ClientKeyExchange (RSA: decrypted without a padding oracle)──┐
 *          ├─ the client sent a certificate ─▶ ExpectCertificateVerify ──CertificateVerify──┤
 *          └───────────────────────────────────────────────────────────────────────────────┴▶ ExpectChangeCipherSpec
 *   ExpectChangeCipherSpec ──ChangeCipherSpec──▶ ExpectFinished
 *   ExpectFinished ──Finished──▶ send ChangeCipherSpec, Finished ──▶ Connected
 *   Connected ──ClientHello (renegotiation)──▶ warning no_renegotiation ──▶ Connected
 *
 * Each state is a value named after what it expects, holding only what the next steps need;
 * `handle12(state, input, cx)` consumes it and returns the next one. server.ts checks the
 * message type a state takes (`expects12`), decodes it, reports it and the state transitions.
 */
import { equalBytes, toHex } from '../codec/hex';
import type { GroupName } from '../config';
import { computeSharedSecret, generateKeyShare, GROUP_CODES } from '../crypto/ecdhe';
import type { PrivateKey, PublicKey } from '../crypto/keys';
import { SIGNATURE_SCHEMES, SIGNATURE_SCHEME_CODES, signatureSchemeFromCode, schemeFitsKeyTls12, verifyTls12 } from '../crypto/signature';
import { signTls12, tls12SchemeCode } from '../crypto/tls12-signing';
import { assertNever, TlsError } from '../errors';
import { DOWNGRADE_TLS12, HandshakeType, TLS12 } from '../msgs/enums';
import type { Extension } from '../msgs/extensions';
import type { EncodedMessage } from '../msgs/handshake';
import { timed, type HandshakeIo } from '../record/handshake-io';
import { encodeHandshake12, type Tls12Message } from '../msgs/handshake12';
import { expectMessage, transcriptBytes, unexpectedInput, type Tls12Input } from '../handshake/flow';
import { deriveTls12Secrets } from '../handshake/tls12';
import { finishedVerifyData, reportPremaster, tls12Reporter, type SecretReporter, type Tls12TrafficKeys } from '../crypto/tls12-key-schedule';
import { ClientCertificateType, encodeServerEcdhParams, serverKeyExchangeSignedContent } from '../msgs/tls12';
import { verifyPeerChain } from '../handshake/peer-cert';
import { digest } from '../crypto/prf';
import { Tls12RecordProtection } from '../record/tls12';
import { decryptPremaster } from '../crypto/rsa-kx';
import type { Tls12Suite } from '../crypto/tls12-suites';
import { subjectNameDer } from '../pki/x509-name';
import { chooseParams12, serverPublicKey, serverSigningKey, type ClientHelloMsg, type Params12, type ServerContext } from './hello';

/** What every state after the first flight needs: the suite, the randoms, the transcript. */
interface Handshake12 {
  suite: Tls12Suite;
  /** Extended master secret (RFC 7627) negotiated. */
  ems: boolean;
  clientRandom: Uint8Array;
  serverRandom: Uint8Array;
  /** handshake_messages so far (RFC 5246 §7.4.9). */
  transcript: Uint8Array[];
  report: SecretReporter;
}

/** What the ClientKeyExchange is opened with: our ephemeral ECDHE key, or our RSA key and the client_version the premaster must carry. */
type PremasterSource = { keyExchange: 'ECDHE'; group: GroupName; ecdhePrivate: Uint8Array } | { keyExchange: 'RSA'; key?: PrivateKey; clientVersion: [number, number] };

/** The client's certificate key and the signature algorithms our CertificateRequest listed. */
interface ClientCert12 {
  clientKey: PublicKey;
  requestedSchemes: number[];
}

/** Derived once the ClientKeyExchange is in. */
interface Secrets12 {
  masterSecret: Uint8Array;
  keys: Tls12TrafficKeys;
}

/** The TLS 1.2 server states (their names are what `state` events report). */
export type ServerState12 =
  | { version: 'TLS 1.2'; name: 'ExpectCertificate'; hs: Handshake12; premaster: PremasterSource; requestedSchemes: number[] }
  | { version: 'TLS 1.2'; name: 'ExpectClientKeyExchange'; hs: Handshake12; premaster: PremasterSource; clientCert?: ClientCert12 }
  | { version: 'TLS 1.2'; name: 'ExpectCertificateVerify'; hs: Handshake12; clientCert: ClientCert12; secrets: Secrets12 }
  | { version: 'TLS 1.2'; name: 'ExpectChangeCipherSpec'; hs: Handshake12; secrets: Secrets12 }
  | { version: 'TLS 1.2'; name: 'ExpectFinished'; hs: Handshake12; secrets: Secrets12 }
  /** Declines renegotiation (a ClientHello here). */
  | { version: 'TLS 1.2'; name: 'Connected' };

/** The handshake message types each state takes, checked before the body is parsed (RFC 5246 §7.4). */
export function expects12(state: ServerState12): readonly number[] {
  switch (state.name) {
    case 'ExpectCertificate':
      return [HandshakeType.certificate];
    case 'ExpectClientKeyExchange':
      return [HandshakeType.client_key_exchange];
    case 'ExpectCertificateVerify':
      return [HandshakeType.certificate_verify];
    case 'ExpectChangeCipherSpec':
      return [];
    case 'ExpectFinished':
      return [HandshakeType.finished];
    case 'Connected':
      return [HandshakeType.client_hello]; // a renegotiation request, declined
    default:
      return assertNever(state);
  }
}

/** How a ClientKeyExchange is read in this state (its format depends on the suite). */
export function keyExchange12(state: ServerState12): 'RSA' | 'ECDHE' | undefined {
  return 'hs' in state ? state.hs.suite.keyExchange : undefined;
}

/** The one dispatch: the state consumes the input and the next state comes back. */
export function handle12(state: ServerState12, input: Tls12Input, cx: ServerContext): ServerState12 {
  switch (state.name) {
    case 'ExpectCertificate':
      return onCertificate(state, expectMessage(state.name, input, 'Certificate'), cx);
    case 'ExpectClientKeyExchange':
      return onClientKeyExchange(state, expectMessage(state.name, input, 'ClientKeyExchange'), cx);
    case 'ExpectCertificateVerify':
      return onCertificateVerify(state, expectMessage(state.name, input, 'CertificateVerify'), cx);
    case 'ExpectChangeCipherSpec': {
      if (input.kind !== 'change_cipher_spec') throw unexpectedInput(state.name, 'ChangeCipherSpec', input);
      const { hs, secrets } = state;
      // RFC 5246 §7.1: the client's records are protected from here on.
      cx.io.setReadProtection(new Tls12RecordProtection(hs.suite, secrets.keys.clientWriteKey, secrets.keys.clientWriteIv, 'client_write_key'));
      return { version: 'TLS 1.2', name: 'ExpectFinished', hs, secrets };
    }
    case 'ExpectFinished':
      return onFinished(state, expectMessage(state.name, input, 'Finished'), cx);
    case 'Connected': {
      // A ClientHello after the handshake asks to renegotiate (with or without renegotiation_info).
      // We do not renegotiate: RFC 5246 §7.2.2 lets the server decline with a warning
      // no_renegotiation and go on with the connection (RFC 5746 §4.4 keeps that answer open to
      // a server that does not renegotiate). The ClientHello is not part of any transcript.
      expectMessage(state.name, input, 'ClientHello');
      cx.io.note(
        'The client asked to renegotiate (a ClientHello after the handshake); this server does not renegotiate: it declines with a warning no_renegotiation alert and goes on with the connection.',
        'RFC 5246 §7.2.2',
      );
      cx.io.decline('DeclineRenegotiation', 'a ClientHello after the handshake: this server does not renegotiate');
      return state;
    }
    default:
      return assertNever(state);
  }
}

/** A TLS 1.2 message of type `T` with its bytes (what the guard hands a handler). */
type Msg12<T extends Tls12Message['type']> = Extract<Tls12Message, { type: T }> & { bytes: Uint8Array };

function send(io: HandshakeIo, hs: Handshake12, m: Tls12Message): void {
  const enc = encodeHandshake12(m);
  hs.transcript.push(enc.bytes);
  io.queueHandshake(enc);
}

// ---------------------------------------------------------------------------------------------
// The first flight

/** RFC 8446 §4.1.3: a server that speaks TLS 1.3 but negotiates TLS 1.2 puts DOWNGRD\x01 at the end of its random. */
function serverRandom12(cx: ServerContext): Uint8Array {
  const { io, config } = cx;
  let random = config.fixed?.random ?? config.rng(32);
  if ((config.versions ?? ['TLS 1.3']).includes('TLS 1.3')) {
    random = random.slice();
    random.set(DOWNGRADE_TLS12, 24);
    io.note('We also speak TLS 1.3 but negotiated TLS 1.2: ServerHello.random ends with the downgrade sentinel "DOWNGRD\\x01".', 'RFC 8446 §4.1.3');
  }
  return random;
}

function negotiated12(cx: ServerContext, params: Params12): void {
  const { config } = cx;
  const clientAuth = config.clientAuth ?? 'none';
  cx.io.emit({
    type: 'negotiated',
    version: 'TLS 1.2',
    cipherSuite: params.suite.name,
    keyExchange: params.suite.keyExchange,
    extendedMasterSecret: params.ems,
    masterSecretReason: params.ems ? 'both' : (config.extendedMasterSecret ?? true) ? 'client-did-not-offer' : 'server-did-not-accept',
    clientAuth: clientAuth === 'none' ? 'none' : clientAuth === 'require' ? 'required' : 'requested',
    ...(params.group ? { group: params.group } : {}),
    ...(params.scheme ? { signatureScheme: params.scheme } : {}),
    ...(params.alpn ? { alpn: params.alpn } : {}),
  });
}

/** ServerKeyExchange (RFC 8422 §5.4): a fresh ECDHE key, signed with the certificate's key. */
function sendServerKeyExchange(cx: ServerContext, hs: Handshake12, params: Params12, certKey: PrivateKey | undefined): PremasterSource {
  const { io, config } = cx;
  const group = params.group!;
  const scheme = params.scheme!;
  const kp = generateKeyShare(group, config.rng, config.fixed?.keyShares?.[group]);
  const p = { namedCurve: GROUP_CODES[group], publicPoint: kp.publicKey };
  // RFC 8422 §5.4: the signature covers client_random ‖ server_random ‖ ServerECDHParams.
  const content = serverKeyExchangeSignedContent(hs.clientRandom, hs.serverRandom, encodeServerEcdhParams(p));
  if (!certKey) {
    // The chain still goes out, so the client's certificate checks run and are shown.
    io.flush();
    io.note(
      `The server has this certificate but not its private key, so it cannot sign ServerKeyExchange (its ${group} public key with the randoms) — the handshake cannot continue.`,
      'RFC 5246 §7.4.3',
    );
    throw new TlsError('LocalConfig', 'no private key for the server certificate: cannot sign ServerKeyExchange');
  }
  const signature = timed(io, `ServerKeyExchange ${scheme} signature`, () => signTls12(scheme, certKey, content, config.rng));
  send(io, hs, { type: 'ServerKeyExchange', ske: { params: p, paramsBytes: encodeServerEcdhParams(p), signed: { algorithm: tls12SchemeCode(scheme), signature } } });
  return { keyExchange: 'ECDHE', group, ecdhePrivate: kp.privateKey };
}

/** CertificateRequest (RFC 5246 §7.4.4): what we accept, and whose certificates (our client trust anchors' subjects). */
function sendCertificateRequest(cx: ServerContext, hs: Handshake12): number[] {
  const { config } = cx;
  const requestedSchemes = (config.signatureSchemes ?? [...SIGNATURE_SCHEMES]).map((s) => SIGNATURE_SCHEME_CODES[s]);
  const authorities: Uint8Array[] = [];
  for (const der of config.clientTrustAnchors ?? []) {
    const name = subjectNameDer(der);
    if (name) authorities.push(name);
  }
  send(cx.io, hs, {
    type: 'CertificateRequest',
    request: { certificateTypes: [ClientCertificateType.rsa_sign, ClientCertificateType.ecdsa_sign], signatureAlgorithms: requestedSchemes, certificateAuthorities: authorities },
  });
  return requestedSchemes;
}

/** A ClientHello negotiated TLS 1.2: choose, send the whole first flight, expect the client's. */
export function sendFirstFlight12(cx: ServerContext, clientHello: EncodedMessage<ClientHelloMsg>): ServerState12 {
  const { io, config } = cx;
  const ch = clientHello.msg;
  const certKey = serverSigningKey(io, config);
  const params = chooseParams12(config, ch, serverPublicKey(config));
  const suite = params.suite;
  const hs: Handshake12 = {
    suite,
    ems: params.ems,
    clientRandom: ch.random,
    serverRandom: serverRandom12(cx),
    transcript: [clientHello.bytes],
    report: tls12Reporter((s) => io.secret(s)),
  };
  const exts: Extension[] = [];
  if (params.renegotiationInfo) exts.push({ type: 'renegotiation_info', renegotiatedConnection: new Uint8Array(0) });
  if (params.ems) exts.push({ type: 'extended_master_secret' });
  if (params.ecPointFormats) exts.push({ type: 'ec_point_formats', formats: [0] });
  if (params.alpn) exts.push({ type: 'alpn', protocols: [params.alpn] });
  negotiated12(cx, params);

  // No session resumption: an empty session_id (RFC 5246 §7.4.1.3).
  send(io, hs, {
    type: 'ServerHello',
    legacyVersion: TLS12,
    random: hs.serverRandom,
    legacySessionIdEcho: new Uint8Array(0),
    cipherSuite: suite.code,
    legacyCompressionMethod: 0,
    extensions: exts,
  });
  send(io, hs, { type: 'Certificate', chain: config.cert.chain });
  const premaster: PremasterSource =
    suite.keyExchange === 'ECDHE'
      ? sendServerKeyExchange(cx, hs, params, certKey)
      : { keyExchange: 'RSA', ...(certKey ? { key: certKey } : {}), clientVersion: [ch.legacyVersion >> 8, ch.legacyVersion & 0xff] };
  let next: ServerState12;
  if ((config.clientAuth ?? 'none') !== 'none') {
    next = { version: 'TLS 1.2', name: 'ExpectCertificate', hs, premaster, requestedSchemes: sendCertificateRequest(cx, hs) };
  } else {
    next = { version: 'TLS 1.2', name: 'ExpectClientKeyExchange', hs, premaster };
  }
  send(io, hs, { type: 'ServerHelloDone' });
  io.flush();
  return next;
}

// ---------------------------------------------------------------------------------------------
// The client's flight

function onCertificate(state: Extract<ServerState12, { name: 'ExpectCertificate' }>, m: Msg12<'Certificate'>, cx: ServerContext): ServerState12 {
  const { io, config } = cx;
  const { hs, premaster } = state;
  hs.transcript.push(m.bytes);
  if (m.chain.length === 0) {
    // RFC 5246 §7.4.6: no certificate; if we require one, handshake_failure.
    if (config.clientAuth === 'require') {
      throw new TlsError('PeerNoCertificate', 'the client sent no certificate, and one is required (RFC 5246 §7.4.6)', { version: 'TLS 1.2' });
    }
    io.note('The client sent an empty Certificate: continuing without client authentication.', 'RFC 5246 §7.4.6');
    return { version: 'TLS 1.2', name: 'ExpectClientKeyExchange', hs, premaster };
  }
  const clientKey = verifyPeerChain(io, { chain: m.chain, purpose: 'client', anchors: config.clientTrustAnchors ?? [], now: config.now ?? new Date(), ...config.peerVerification });
  return { version: 'TLS 1.2', name: 'ExpectClientKeyExchange', hs, premaster, clientCert: { clientKey, requestedSchemes: state.requestedSchemes } };
}

/** RSA key transport (RFC 5246 §7.4.7.1): the premaster decrypted with our key, never revealing a padding problem. */
function rsaPremaster(cx: ServerContext, hs: Handshake12, source: Extract<PremasterSource, { keyExchange: 'RSA' }>, encrypted: Uint8Array): Uint8Array {
  const { io, config } = cx;
  const key = source.key;
  if (!key) {
    io.note(
      'The client encrypted the premaster secret to the certificate’s RSA public key, but the server does not have the private key, so it cannot decrypt it — the handshake cannot continue.',
      'RFC 5246 §7.4.7.1',
    );
    throw new TlsError('LocalConfig', 'no private key for the server certificate: cannot decrypt the premaster secret');
  }
  if (key.type !== 'rsa') throw new TlsError('LocalConfig', 'RSA key transport without an RSA private key');
  // RFC 5246 §7.4.7.1: on any decryption problem continue with a random premaster —
  // no alert, no other path — so the failure surfaces only at Finished.
  const d = timed(io, 'RSA premaster decryption (RSAES-PKCS1-v1_5)', () => decryptPremaster(key, encrypted, source.clientVersion, config.rng));
  reportPremaster(hs.report, d.premaster, 'RSA', [
    { name: 'EncryptedPreMasterSecret', value: encrypted },
    { name: 'decrypted with', value: 'the server certificate’s RSA private key (RSAES-PKCS1-v1_5)' },
    { name: 'expected client_version', value: `${source.clientVersion[0]},${source.clientVersion[1]}` },
  ]);
  if (d.substituted) {
    // For the event log only: the protocol carries on exactly as if decryption succeeded.
    io.note(
      `Bleichenbacher countermeasure: ${d.problem ?? 'the premaster was malformed'}; continuing with a random premaster so that the failure shows only at Finished.`,
      'RFC 5246 §7.4.7.1',
    );
  }
  return d.premaster;
}

function onClientKeyExchange(state: Extract<ServerState12, { name: 'ExpectClientKeyExchange' }>, m: Msg12<'ClientKeyExchange'>, cx: ServerContext): ServerState12 {
  const { hs, premaster: source } = state;
  const { suite } = hs;
  hs.transcript.push(m.bytes);
  let premaster: Uint8Array;
  if (m.cke.kind === 'RSA' && source.keyExchange === 'RSA') {
    premaster = rsaPremaster(cx, hs, source, m.cke.encryptedPreMasterSecret);
  } else if (m.cke.kind === 'ECDHE' && source.keyExchange === 'ECDHE') {
    premaster = computeSharedSecret(source.group, source.ecdhePrivate, m.cke.ecdhYc);
    reportPremaster(hs.report, premaster, 'ECDHE', [
      { name: 'group', value: source.group },
      { name: 'server ephemeral private key', value: source.ecdhePrivate },
      { name: 'client ephemeral public key (ecdh_Yc)', value: m.cke.ecdhYc },
    ]);
  } else {
    throw new TlsError('LocalInternal', `${m.cke.kind} ClientKeyExchange for a ${source.keyExchange} key exchange`);
  }
  const secrets = deriveTls12Secrets(suite, premaster, hs);
  if (state.clientCert) return { version: 'TLS 1.2', name: 'ExpectCertificateVerify', hs, clientCert: state.clientCert, secrets };
  return { version: 'TLS 1.2', name: 'ExpectChangeCipherSpec', hs, secrets };
}

function onCertificateVerify(state: Extract<ServerState12, { name: 'ExpectCertificateVerify' }>, m: Msg12<'CertificateVerify'>, cx: ServerContext): ServerState12 {
  const { hs, clientCert } = state;
  const { clientKey } = clientCert;
  const scheme = signatureSchemeFromCode(m.signed.algorithm);
  // RFC 5246 §7.4.8: the algorithm must be one we listed in CertificateRequest.
  if (!scheme || !clientCert.requestedSchemes.includes(m.signed.algorithm)) {
    throw new TlsError('PeerIllegalParameter', `CertificateVerify uses 0x${m.signed.algorithm.toString(16)}, which we did not request (RFC 5246 §7.4.8)`);
  }
  if (!schemeFitsKeyTls12(scheme, clientKey)) throw new TlsError('PeerIllegalParameter', `${scheme} does not fit the client's ${clientKey.type} key`);
  // The signature covers handshake_messages before CertificateVerify.
  if (!timed(cx.io, `CertificateVerify ${scheme} verification`, () => verifyTls12(scheme, clientKey, transcriptBytes(hs.transcript), m.signed.signature))) {
    throw new TlsError('PeerBadSignature', `client CertificateVerify (${scheme}) does not verify over the handshake messages (RFC 5246 §7.4.8)`);
  }
  hs.transcript.push(m.bytes);
  cx.io.emit({ type: 'negotiated', clientAuth: cx.config.clientAuth === 'require' ? 'required' : 'requested' });
  return { version: 'TLS 1.2', name: 'ExpectChangeCipherSpec', hs, secrets: state.secrets };
}

/** The client's Finished checked, our ChangeCipherSpec and Finished go out. */
function onFinished(state: Extract<ServerState12, { name: 'ExpectFinished' }>, m: Msg12<'Finished'>, cx: ServerContext): ServerState12 {
  const { io } = cx;
  const { hs, secrets } = state;
  const { suite } = hs;
  const { masterSecret, keys } = secrets;
  const expected = finishedVerifyData({ hash: suite.hash, masterSecret, side: 'client', handshakeHash: digest(suite.hash, transcriptBytes(hs.transcript)), report: hs.report });
  // RFC 5246 §7.4.9: a wrong verify_data is a decrypt_error.
  if (!equalBytes(expected, m.verifyData)) {
    throw new TlsError('PeerBadFinished', `client Finished verify_data ${toHex(m.verifyData)} ≠ expected ${toHex(expected)} (RFC 5246 §7.4.9)`);
  }
  hs.transcript.push(m.bytes);
  io.sendCcs();
  io.setWriteProtection(new Tls12RecordProtection(suite, keys.serverWriteKey, keys.serverWriteIv, 'server_write_key'));
  const verifyData = finishedVerifyData({ hash: suite.hash, masterSecret, side: 'server', handshakeHash: digest(suite.hash, transcriptBytes(hs.transcript)), report: hs.report });
  send(io, hs, { type: 'Finished', verifyData });
  io.flush();
  io.emit({ type: 'timing', what: 'handshake (server)', ms: io.elapsed() });
  return { version: 'TLS 1.2', name: 'Connected' };
}
