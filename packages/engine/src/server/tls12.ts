/**
 * The TLS 1.2 server flow (RFC 5246 §7.3), from ClientHello to Connected:
 *
 *   ClientHello         -------->
 *                                        ServerHello   (+ downgrade sentinel if we speak 1.3)
 *                                        Certificate
 *                                  ServerKeyExchange   (ECDHE suites: params + signature)
 *                                 CertificateRequest*  (mutual TLS)
 *                       <--------    ServerHelloDone
 *   Certificate*
 *   ClientKeyExchange                 (RSA: decrypted without a padding oracle)
 *   CertificateVerify*
 *   [ChangeCipherSpec]
 *   Finished            -------->
 *                                 [ChangeCipherSpec]
 *                       <--------           Finished
 *
 * `server.ts` calls `continueTls12` when hello.ts `chooseVersion` picks TLS 1.2; this flow
 * chooses the suite, group and signature scheme, sends the first flight at once, then
 * receives every handshake message and change_cipher_spec. States are values named after what
 * they expect; `step` returns the next one. The flow reports its own state transitions,
 * received handshake messages and secrets through the HandshakeIo.
 */
import { equalBytes, toHex } from '../codec/hex';
import type { GroupName, ServerConfig } from '../config';
import { computeSharedSecret, generateKeyShare, GROUP_CODES } from '../crypto/ecdhe';
import type { PrivateKey, PublicKey } from '../crypto/keys';
import { SIGNATURE_SCHEMES, SIGNATURE_SCHEME_CODES, signatureSchemeFromCode, schemeFitsKeyTls12, verifyTls12 } from '../crypto/signature';
import { schemesForKeyTls12, signTls12, tls12SchemeCode, type Tls12SchemeName } from '../crypto/tls12-signing';
import { assertNever, TlsError } from '../errors';
import { DOWNGRADE_TLS12, HandshakeType, TLS12 } from '../msgs/enums';
import { findExt, type Extension } from '../msgs/extensions';
import type { EncodedMessage } from '../msgs/handshake';
import { timed, type HandshakeIo } from '../record/connection';
import { encodeHandshake12, type Encoded12, type Tls12Message } from '../msgs/handshake12';
import { expectMessage, StepFlow, transcriptBytes, unexpectedInput, type Tls12Flow, type Tls12Input } from '../handshake/flow';
import { deriveKeyBlock, deriveMasterSecret, finishedVerifyData, reportPremaster, tls12Reporter, type SecretReporter, type Tls12TrafficKeys } from '../crypto/tls12-key-schedule';
import { ClientCertificateType, encodeServerEcdhParams, serverKeyExchangeSignedContent } from '../msgs/tls12';
import { verifyPeerChain } from '../handshake/peer-cert';
import { digest } from '../crypto/prf';
import { Tls12RecordProtection } from '../record/tls12';
import { decryptPremaster } from '../crypto/rsa-kx';
import { suiteAcceptsKey, TLS12_SUITES, type Tls12Suite } from '../crypto/tls12-suites';
import { subjectNameDer } from '../pki/x509-name';
import { chooseAlpn, serverPublicKey, serverSigningKey, type ClientHelloMsg } from './hello';

export interface Tls12ServerStart {
  io: HandshakeIo;
  config: ServerConfig;
  clientHello: EncodedMessage<ClientHelloMsg>;
}

/** What server.ts drives: state names ExpectCertificate, ExpectClientKeyExchange, ..., Connected. */
export type Tls12ServerFlow = Tls12Flow;

/** The TLS 1.2 renegotiation SCSV (RFC 5746 §3.3). */
const TLS_EMPTY_RENEGOTIATION_INFO_SCSV = 0x00ff;
/** Signals a downgraded retry (RFC 7507 §2). */
const TLS_FALLBACK_SCSV = 0x5600;

// ---------------------------------------------------------------------------------------------
// Choosing the parameters (server preference order)

export interface Params12 {
  suite: Tls12Suite;
  group?: GroupName;
  /** ServerKeyExchange signature scheme (ECDHE suites). */
  scheme?: Tls12SchemeName;
  ems: boolean;
  /** The client signalled secure renegotiation (extension or SCSV): answer with renegotiation_info. */
  renegotiationInfo: boolean;
  /** The client sent ec_point_formats: answer with ours (RFC 8422 §5.2). */
  ecPointFormats: boolean;
  alpn?: string;
}

/** Picks suite, group, signature scheme, EMS and ALPN for a TLS 1.2 ClientHello. */
export function chooseParams12(cfg: ServerConfig, ch: ClientHelloMsg, key: PublicKey): Params12 {
  // RFC 5246 §7.4.1.2: the null compression method must be offered.
  if (!ch.legacyCompressionMethods.includes(0)) throw new TlsError('PeerIllegalParameter', 'compression_methods does not include null (RFC 5246 §7.4.1.2)');
  // RFC 7507 §3: a fallback retry (TLS_FALLBACK_SCSV) to a server that could have spoken a
  // higher version than the client's highest is an inappropriate_fallback.
  if (ch.cipherSuites.includes(TLS_FALLBACK_SCSV) && (cfg.versions ?? ['TLS 1.3']).includes('TLS 1.3')) {
    throw new TlsError('PeerInappropriateFallback', 'TLS_FALLBACK_SCSV from a client offering at most TLS 1.2, and we speak TLS 1.3 (RFC 7507 §3)');
  }
  const ri = findExt(ch.extensions, 'renegotiation_info');
  // RFC 5746 §3.6: on an initial handshake renegotiated_connection must be empty.
  if (ri && ri.renegotiatedConnection.length !== 0) throw new TlsError('IncompatibleParameters', 'renegotiation_info not empty on an initial handshake (RFC 5746 §3.6)');
  const renegotiationInfo = ri !== undefined || ch.cipherSuites.includes(TLS_EMPTY_RENEGOTIATION_INFO_SCSV);
  const clientEms = findExt(ch.extensions, 'extended_master_secret') !== undefined;
  const pf = findExt(ch.extensions, 'ec_point_formats');
  // RFC 8422 §5.1.2: uncompressed must be among them.
  if (pf && !pf.formats.includes(0)) throw new TlsError('PeerIllegalParameter', 'ec_point_formats without uncompressed (RFC 8422 §5.1.2)');
  const ecPointFormats = pf !== undefined;

  const ourGroups = cfg.groups ?? ['x25519', 'secp256r1'];
  const sg = findExt(ch.extensions, 'supported_groups');
  // RFC 8422 §4: without supported_groups the client is assumed to support any curve.
  const group = ourGroups.find((g) => !sg || sg.groups.includes(GROUP_CODES[g]));
  const sa = findExt(ch.extensions, 'signature_algorithms');
  const allowed = cfg.signatureSchemes;
  // RFC 5246 §7.4.1.4.1: without signature_algorithms the client only accepts SHA-1, which we do not sign with.
  // An ECDSA key signs with any hash the client offers for ECDSA (RFC 8422 §5.1.1): signing/schemesForKeyTls12.
  // SHA-224/SHA-512 pairs too; never SHA-1 (RFC 9155 §2), so a SHA-1-only offer leaves no scheme → handshake_failure.
  const scheme = sa ? schemesForKeyTls12(key).find((s) => sa.schemes.includes(tls12SchemeCode(s)) && (!allowed || (allowed as readonly string[]).includes(s))) : undefined;

  const ours = TLS12_SUITES.filter((s) => !cfg.cipherSuites || cfg.cipherSuites.includes(s.name)).sort((a, b) =>
    cfg.cipherSuites ? cfg.cipherSuites.indexOf(a.name) - cfg.cipherSuites.indexOf(b.name) : 0,
  );
  const reasons: string[] = [];
  let suite: Tls12Suite | undefined;
  for (const s of ours) {
    if (!ch.cipherSuites.includes(s.code)) continue;
    if (!suiteAcceptsKey(s, key)) {
      reasons.push(`${s.name}: our certificate key is ${key.type}`);
      continue;
    }
    // RFC 8422 §5.1: respect the client's curves — an ECDSA certificate's curve must be among them too.
    const certCurve = key.type === 'ecdsa-p256' ? 0x0017 : key.type === 'ecdsa-p384' ? 0x0018 : undefined;
    if (s.auth === 'ecdsa' && sg && certCurve !== undefined && !sg.groups.includes(certCurve)) {
      reasons.push(`${s.name}: the client's supported_groups lacks our certificate's curve`);
      continue;
    }
    if (s.keyExchange === 'ECDHE' && !group) {
      reasons.push(`${s.name}: no common group`);
      continue;
    }
    if (s.keyExchange === 'ECDHE' && !scheme) {
      reasons.push(`${s.name}: no common signature scheme for our ${key.type} key`);
      continue;
    }
    suite = s;
    break;
  }
  if (!suite) throw new TlsError('IncompatibleParameters', `no TLS 1.2 cipher suite in common${reasons.length ? ` (${reasons.join('; ')})` : ''}`);

  const alpn = chooseAlpn(cfg, ch);
  return {
    suite,
    ...(suite.keyExchange === 'ECDHE' ? { group: group!, scheme: scheme! } : {}),
    ems: clientEms && (cfg.extendedMasterSecret ?? true),
    renegotiationInfo,
    ecPointFormats: ecPointFormats && suite.keyExchange === 'ECDHE',
    ...(alpn ? { alpn } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// States

interface Hs {
  io: HandshakeIo;
  config: ServerConfig;
  params: Params12;
  suite: Tls12Suite;
  clientRandom: Uint8Array;
  serverRandom: Uint8Array;
  /** ClientHello.client_version (legacy_version), which the RSA premaster must carry. */
  clientVersion: [number, number];
  transcript: Uint8Array[];
  report: SecretReporter;
  /** Signature algorithms listed in our CertificateRequest. */
  requestedSchemes?: number[];
  /** Our private key, if it belongs to our certificate (hello.ts serverSigningKey). */
  key?: PrivateKey;
}

type State =
  | { name: 'ExpectCertificate'; hs: Hs; ecdhePrivate?: Uint8Array }
  | { name: 'ExpectClientKeyExchange'; hs: Hs; ecdhePrivate?: Uint8Array; clientKey?: PublicKey }
  | { name: 'ExpectCertificateVerify'; hs: Hs; clientKey: PublicKey; masterSecret: Uint8Array; keys: Tls12TrafficKeys }
  | { name: 'ExpectChangeCipherSpec'; hs: Hs; masterSecret: Uint8Array; keys: Tls12TrafficKeys }
  | { name: 'ExpectFinished'; hs: Hs; masterSecret: Uint8Array; keys: Tls12TrafficKeys }
  /** Keeps the io to decline renegotiation (a ClientHello here). */
  | { name: 'Connected'; io: HandshakeIo }
  | { name: 'Closed' };

/** The handshake message types each state takes, checked before the body is parsed (RFC 5246 §7.4). */
function expects(state: State): readonly number[] {
  switch (state.name) {
    case 'ExpectCertificate':
      return [HandshakeType.certificate];
    case 'ExpectClientKeyExchange':
      return [HandshakeType.client_key_exchange];
    case 'ExpectCertificateVerify':
      return [HandshakeType.certificate_verify];
    case 'ExpectChangeCipherSpec':
    case 'Closed':
      return [];
    case 'ExpectFinished':
      return [HandshakeType.finished];
    case 'Connected':
      return [HandshakeType.client_hello]; // a renegotiation request, declined
    default:
      return assertNever(state);
  }
}

function send(hs: Hs, m: Tls12Message, tamper?: (bytes: Uint8Array) => void): Encoded12 {
  const enc = encodeHandshake12(m);
  if (tamper) tamper(enc.bytes);
  hs.transcript.push(enc.bytes);
  hs.io.queueHandshake(enc);
  return enc;
}

// ---------------------------------------------------------------------------------------------
// The first flight

function firstFlight(start: Tls12ServerStart): State {
  const { io, config } = start;
  const ch = start.clientHello.msg;
  const certKey = serverSigningKey(io, config);
  const pub = serverPublicKey(config);
  const params = chooseParams12(config, ch, pub);
  const suite = params.suite;

  // RFC 8446 §4.1.3: a server that speaks TLS 1.3 but negotiates TLS 1.2 puts DOWNGRD\x01 at the end of its random.
  let serverRandom = config.fixed?.random ?? config.rng(32);
  const speaks13 = (config.versions ?? ['TLS 1.3']).includes('TLS 1.3');
  if (speaks13) {
    serverRandom = serverRandom.slice();
    serverRandom.set(DOWNGRADE_TLS12, 24);
    io.note('We also speak TLS 1.3 but negotiated TLS 1.2: ServerHello.random ends with the downgrade sentinel "DOWNGRD\\x01".', 'RFC 8446 §4.1.3');
  }

  const exts: Extension[] = [];
  if (params.renegotiationInfo) exts.push({ type: 'renegotiation_info', renegotiatedConnection: new Uint8Array(0) });
  if (params.ems) exts.push({ type: 'extended_master_secret' });
  if (params.ecPointFormats) exts.push({ type: 'ec_point_formats', formats: [0] });
  if (params.alpn) exts.push({ type: 'alpn', protocols: [params.alpn] });

  const hs: Hs = {
    io,
    config,
    params,
    suite,
    clientRandom: ch.random,
    serverRandom,
    clientVersion: [ch.legacyVersion >> 8, ch.legacyVersion & 0xff],
    transcript: [start.clientHello.bytes],
    report: tls12Reporter((s) => io.secret(s)),
    ...(certKey ? { key: certKey } : {}),
  };

  const clientAuth = config.clientAuth ?? 'none';
  io.emit({
    type: 'negotiated',
    version: 'TLS 1.2',
    cipherSuite: suite.name,
    keyExchange: suite.keyExchange,
    extendedMasterSecret: params.ems,
    masterSecretReason: params.ems ? 'both' : (config.extendedMasterSecret ?? true) ? 'client-did-not-offer' : 'server-did-not-accept',
    clientAuth: clientAuth === 'none' ? 'none' : clientAuth === 'require' ? 'required' : 'requested',
    ...(params.group ? { group: params.group } : {}),
    ...(params.scheme ? { signatureScheme: params.scheme } : {}),
    ...(params.alpn ? { alpn: params.alpn } : {}),
  });

  send(hs, {
    type: 'ServerHello',
    legacyVersion: TLS12,
    random: serverRandom,
    // No session resumption: an empty session_id (RFC 5246 §7.4.1.3).
    legacySessionIdEcho: new Uint8Array(0),
    cipherSuite: suite.code,
    legacyCompressionMethod: 0,
    extensions: exts,
  });
  send(hs, { type: 'Certificate', chain: config.cert.chain });

  let ecdhePrivate: Uint8Array | undefined;
  if (suite.keyExchange === 'ECDHE') {
    const group = params.group!;
    const scheme = params.scheme!;
    const kp = generateKeyShare(group, config.rng, config.fixed?.keyShares?.[group]);
    ecdhePrivate = kp.privateKey;
    const p = { namedCurve: GROUP_CODES[group], publicPoint: kp.publicKey };
    // RFC 8422 §5.4: the signature covers client_random ‖ server_random ‖ ServerECDHParams.
    const content = serverKeyExchangeSignedContent(hs.clientRandom, hs.serverRandom, encodeServerEcdhParams(p));
    if (!certKey) {
      // The chain still goes out, so the client's certificate checks run and are shown.
      io.flush();
      io.note(`The server has this certificate but not its private key, so it cannot sign ServerKeyExchange (its ${group} public key with the randoms) — the handshake cannot continue.`, 'RFC 5246 §7.4.3');
      throw new TlsError('LocalConfig', 'no private key for the server certificate: cannot sign ServerKeyExchange');
    }
    const signature = timed(io, `ServerKeyExchange ${scheme} signature`, () => signTls12(scheme, certKey, content, config.rng));
    const faulty = config.faults?.includes('tls12-bad-signature') ?? false;
    if (faulty) {
      signature[signature.length - 1]! ^= 0x01;
      io.note('Fault: the ServerKeyExchange signature is corrupted after signing.');
    }
    send(hs, { type: 'ServerKeyExchange', ske: { params: p, paramsBytes: encodeServerEcdhParams(p), signed: { algorithm: tls12SchemeCode(scheme), signature } } });
  }

  let next: State;
  if (clientAuth !== 'none') {
    // RFC 5246 §7.4.4: what we accept, and whose certificates (our client trust anchors' subjects).
    const requestedSchemes = (config.signatureSchemes ?? [...SIGNATURE_SCHEMES]).map((s) => SIGNATURE_SCHEME_CODES[s]);
    hs.requestedSchemes = requestedSchemes;
    const authorities: Uint8Array[] = [];
    for (const der of config.clientTrustAnchors ?? []) {
      const name = subjectNameDer(der);
      if (name) authorities.push(name);
    }
    send(hs, {
      type: 'CertificateRequest',
      request: { certificateTypes: [ClientCertificateType.rsa_sign, ClientCertificateType.ecdsa_sign], signatureAlgorithms: requestedSchemes, certificateAuthorities: authorities },
    });
    next = { name: 'ExpectCertificate', hs, ...(ecdhePrivate ? { ecdhePrivate } : {}) };
  } else {
    next = { name: 'ExpectClientKeyExchange', hs, ...(ecdhePrivate ? { ecdhePrivate } : {}) };
  }
  send(hs, { type: 'ServerHelloDone' });
  io.flush();
  return next;
}

// ---------------------------------------------------------------------------------------------
// The state machine

function step(state: State, input: Tls12Input): State {
  switch (state.name) {
    case 'ExpectCertificate': {
      const m = expectMessage(state.name, input, 'Certificate');
      const hs = state.hs;
      hs.transcript.push(m.bytes);
      const base = { hs, ...(state.ecdhePrivate ? { ecdhePrivate: state.ecdhePrivate } : {}) };
      if (m.chain.length === 0) {
        // RFC 5246 §7.4.6: no certificate; if we require one, handshake_failure.
        if (hs.config.clientAuth === 'require') {
          throw new TlsError('PeerNoCertificate', 'the client sent no certificate, and one is required (RFC 5246 §7.4.6)', { version: 'TLS 1.2' });
        }
        hs.io.note('The client sent an empty Certificate: continuing without client authentication.', 'RFC 5246 §7.4.6');
        return { name: 'ExpectClientKeyExchange', ...base };
      }
      const clientKey = verifyPeerChain(hs.io, { chain: m.chain, purpose: 'client', anchors: hs.config.clientTrustAnchors ?? [], now: hs.config.now ?? new Date(), ...hs.config.peerVerification });
      return { name: 'ExpectClientKeyExchange', ...base, clientKey };
    }
    case 'ExpectClientKeyExchange': {
      const m = expectMessage(state.name, input, 'ClientKeyExchange');
      const hs = state.hs;
      const { suite } = hs;
      hs.transcript.push(m.bytes);
      let premaster: Uint8Array;
      if (m.cke.kind === 'RSA') {
        const key = hs.key;
        if (!key) {
          hs.io.note('The client encrypted the premaster secret to the certificate’s RSA public key, but the server does not have the private key, so it cannot decrypt it — the handshake cannot continue.', 'RFC 5246 §7.4.7.1');
          throw new TlsError('LocalConfig', 'no private key for the server certificate: cannot decrypt the premaster secret');
        }
        if (key.type !== 'rsa') throw new TlsError('LocalConfig', 'RSA key transport without an RSA private key');
        // RFC 5246 §7.4.7.1: on any decryption problem continue with a random premaster —
        // no alert, no other path — so the failure surfaces only at Finished.
        const encrypted = m.cke.encryptedPreMasterSecret;
        const d = timed(hs.io, 'RSA premaster decryption (RSAES-PKCS1-v1_5)', () => decryptPremaster(key, encrypted, hs.clientVersion, hs.config.rng));
        premaster = d.premaster;
        reportPremaster(hs.report, premaster, 'RSA', [
          { name: 'EncryptedPreMasterSecret', value: m.cke.encryptedPreMasterSecret },
          { name: 'decrypted with', value: 'the server certificate’s RSA private key (RSAES-PKCS1-v1_5)' },
          { name: 'expected client_version', value: `${hs.clientVersion[0]},${hs.clientVersion[1]}` },
        ]);
        if (d.substituted) {
          // For the event log only: the protocol carries on exactly as if decryption succeeded.
          hs.io.note(`Bleichenbacher countermeasure: ${d.problem ?? 'the premaster was malformed'}; continuing with a random premaster so that the failure shows only at Finished.`, 'RFC 5246 §7.4.7.1');
        }
      } else {
        if (!state.ecdhePrivate || !hs.params.group) throw new TlsError('LocalInternal', 'ECDHE ClientKeyExchange without our ephemeral key');
        premaster = computeSharedSecret(hs.params.group, state.ecdhePrivate, m.cke.ecdhYc);
        reportPremaster(hs.report, premaster, 'ECDHE', [
          { name: 'group', value: hs.params.group },
          { name: 'server ephemeral private key', value: state.ecdhePrivate },
          { name: 'client ephemeral public key (ecdh_Yc)', value: m.cke.ecdhYc },
        ]);
      }
      // RFC 7627 §4: session_hash = Hash(ClientHello .. ClientKeyExchange).
      const masterSecret = deriveMasterSecret({
        hash: suite.hash,
        premaster,
        clientRandom: hs.clientRandom,
        serverRandom: hs.serverRandom,
        ...(hs.params.ems ? { sessionHash: digest(suite.hash, transcriptBytes(hs.transcript)) } : {}),
        report: hs.report,
      });
      const keys = deriveKeyBlock({ suite, masterSecret, clientRandom: hs.clientRandom, serverRandom: hs.serverRandom, report: hs.report });
      if (state.clientKey) return { name: 'ExpectCertificateVerify', hs, clientKey: state.clientKey, masterSecret, keys };
      return { name: 'ExpectChangeCipherSpec', hs, masterSecret, keys };
    }
    case 'ExpectCertificateVerify': {
      const m = expectMessage(state.name, input, 'CertificateVerify');
      const hs = state.hs;
      const scheme = signatureSchemeFromCode(m.signed.algorithm);
      // RFC 5246 §7.4.8: the algorithm must be one we listed in CertificateRequest.
      if (!scheme || !(hs.requestedSchemes ?? []).includes(m.signed.algorithm)) {
        throw new TlsError('PeerIllegalParameter', `CertificateVerify uses 0x${m.signed.algorithm.toString(16)}, which we did not request (RFC 5246 §7.4.8)`);
      }
      if (!schemeFitsKeyTls12(scheme, state.clientKey)) throw new TlsError('PeerIllegalParameter', `${scheme} does not fit the client's ${state.clientKey.type} key`);
      // The signature covers handshake_messages before CertificateVerify.
      const clientKey = state.clientKey;
      if (!timed(hs.io, `CertificateVerify ${scheme} verification`, () => verifyTls12(scheme, clientKey, transcriptBytes(hs.transcript), m.signed.signature))) {
        throw new TlsError('PeerBadSignature', `client CertificateVerify (${scheme}) does not verify over the handshake messages (RFC 5246 §7.4.8)`);
      }
      hs.transcript.push(m.bytes);
      hs.io.emit({ type: 'negotiated', clientAuth: hs.config.clientAuth === 'require' ? 'required' : 'requested' });
      return { name: 'ExpectChangeCipherSpec', hs, masterSecret: state.masterSecret, keys: state.keys };
    }
    case 'ExpectChangeCipherSpec': {
      if (input.kind !== 'change_cipher_spec') throw unexpectedInput(state.name, 'ChangeCipherSpec', input);
      const { hs, keys } = state;
      // RFC 5246 §7.1: the client's records are protected from here on.
      hs.io.setReadProtection(new Tls12RecordProtection(hs.suite, keys.clientWriteKey, keys.clientWriteIv, 'client_write_key'));
      return { name: 'ExpectFinished', hs, masterSecret: state.masterSecret, keys };
    }
    case 'ExpectFinished': {
      const m = expectMessage(state.name, input, 'Finished');
      const { hs, masterSecret, keys } = state;
      const { suite, io } = hs;
      const expected = finishedVerifyData({ hash: suite.hash, masterSecret, side: 'client', handshakeHash: digest(suite.hash, transcriptBytes(hs.transcript)), report: hs.report });
      // RFC 5246 §7.4.9: a wrong verify_data is a decrypt_error.
      if (!equalBytes(expected, m.verifyData)) {
        throw new TlsError('PeerBadFinished', `client Finished verify_data ${toHex(m.verifyData)} ≠ expected ${toHex(expected)} (RFC 5246 §7.4.9)`);
      }
      hs.transcript.push(m.bytes);
      io.sendCcs();
      io.setWriteProtection(new Tls12RecordProtection(suite, keys.serverWriteKey, keys.serverWriteIv, 'server_write_key'));
      const verifyData = finishedVerifyData({ hash: suite.hash, masterSecret, side: 'server', handshakeHash: digest(suite.hash, transcriptBytes(hs.transcript)), report: hs.report });
      const bad = hs.config.faults?.includes('tls12-bad-finished') ?? false;
      if (bad) io.note('Fault: one bit of the server Finished verify_data is flipped before encryption.', 'RFC 5246 §7.4.9');
      send(hs, { type: 'Finished', verifyData }, bad ? (b) => void (b[b.length - 1]! ^= 0x01) : undefined);
      io.flush();
      io.emit({ type: 'timing', what: 'handshake (server)', ms: io.elapsed() });
      return { name: 'Connected', io };
    }
    case 'Connected': {
      // A ClientHello after the handshake asks to renegotiate (with or without renegotiation_info).
      // We do not renegotiate: RFC 5246 §7.2.2 lets the server decline with a warning
      // no_renegotiation and go on with the connection (RFC 5746 §4.4 keeps that answer open to
      // a server that does not renegotiate). The ClientHello is not part of any transcript.
      expectMessage(state.name, input, 'ClientHello');
      const io = state.io;
      io.note('The client asked to renegotiate (a ClientHello after the handshake); this server does not renegotiate: it declines with a warning no_renegotiation alert and goes on with the connection.', 'RFC 5246 §7.2.2');
      io.decline('DeclineRenegotiation', 'a ClientHello after the handshake: this server does not renegotiate');
      return state;
    }
    case 'Closed':
      throw unexpectedInput(state.name, 'nothing', input);
    default:
      return assertNever(state);
  }
}

/** Continues a handshake whose ClientHello negotiated TLS 1.2: sends the first flight at once. */
export function continueTls12(start: Tls12ServerStart): Tls12ServerFlow {
  return new StepFlow<State>(start.io, firstFlight(start), step, (st) => ('hs' in st ? st.hs.suite.keyExchange : undefined), { name: 'Closed' }, expects);
}

