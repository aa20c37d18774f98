/**
 * The TLS 1.3 client flow (RFC 8446 §2, §4), from ServerHello to Connected. Each state is a
 * value named after the message it expects, holding what the next steps need;
 * `handle13(state, message, cx)` returns the next state's value (states are never edited in
 * place). The transcript is handed on from state to state, each adding the message it took.
 *
 *   ExpectServerHello ──HelloRetryRequest (hello.ts; ClientHello2 sent)──▶ ExpectServerHello
 *   ExpectServerHello ──ServerHello (TLS 1.3, `onServerHello13`)──▶ ExpectEncryptedExtensions
 *   ExpectEncryptedExtensions ──EncryptedExtensions──▶ ExpectCertificateOrCertificateRequest
 *                             └─(resumed: our PSK accepted, RFC 8446 §2.2)──▶ ExpectFinished
 *   ExpectCertificateOrCertificateRequest ──CertificateRequest──▶ ExpectCertificate
 *                                         └─Certificate──▶ ExpectCertificateVerify
 *   ExpectCertificate ──Certificate──▶ ExpectCertificateVerify
 *   ExpectCertificateVerify ──CertificateVerify──▶ ExpectFinished
 *   ExpectFinished ──Finished; we send [CCS] [EndOfEarlyData] [Certificate CertificateVerify] Finished──▶ Connected
 *   Connected ──NewSessionTicket / KeyUpdate (client.ts)──▶ Connected
 */
import { equalBytes } from '../codec/hex';
import { suite13ByCode, type Suite13 } from '../crypto/tls13-suites';
import { GROUP_CODES } from '../crypto/ecdhe';
import { hashLen } from '../crypto/hash';
import { KeySchedule } from '../crypto/tls13-key-schedule';
import type { PublicKey, SignatureSchemeName } from '../crypto/keys';
import { schemesForKey, sign, SIGNATURE_SCHEME_CODES } from '../crypto/signature';
import type { Transcript } from '../crypto/transcript';
import { assertNever, TlsError } from '../errors';
import { CIPHER_SUITES, EXTENSION_TYPES, GROUPS, HandshakeType, nameOf } from '../msgs/enums';
import { extensionCode, findExt } from '../msgs/extensions';
import { encodeHandshake, expectMessage, type EncodedMessage } from '../msgs/handshake';
import { timed, type HandshakeIo } from '../record/handshake-io';
import { Protection13 } from '../record/tls13';
import { verifyPeerChain } from '../handshake/peer-cert';
import { certificateVerifyContent, checkCertificateVerify, ecdheSharedSecret, CLIENT_CV_CONTEXT, SERVER_CV_CONTEXT, tls13Scheme, type AppSecrets13 } from '../handshake/tls13';
import type { ClientContext, HelloState, Offer, ServerHelloMsg } from './hello';
import { earlyDataAnswer, pskSchedule } from './resume';

/** Fixed from ServerHello on: the suite, the key schedule and the handshake traffic secrets (RFC 8446 §7.1). */
export interface Keys13 {
  readonly suite: Suite13;
  readonly ks: KeySchedule;
  readonly clientHs: Uint8Array;
  readonly serverHs: Uint8Array;
}

/** What every TLS 1.3 state after ServerHello hands on to the next. */
export interface Hs13 {
  readonly keys: Keys13;
  /** Handed from state to state; each adds the message it took (RFC 8446 §4.4.1). */
  readonly transcript: Transcript;
  readonly offer: Offer;
  /** Our middlebox-compatibility change_cipher_spec is out (RFC 8446 §D.4). */
  readonly ccsSent: boolean;
  /** The server accepted our ticket's PSK (RFC 8446 §2.2): no certificate messages follow. */
  readonly resumed: boolean;
  /** The ALPN protocol the server selected (EncryptedExtensions). */
  readonly alpn?: string;
}

/** A CertificateRequest's context and signature_algorithms (RFC 8446 §4.3.2). */
export interface CertRequest13 {
  readonly context: Uint8Array;
  readonly schemes: readonly number[];
}

type V13 = { readonly version: 'TLS 1.3' };

export type ExpectEncryptedExtensions = V13 & {
  name: 'ExpectEncryptedExtensions';
  hs: Hs13;
  /** 0-RTT sent: our handshake write key, used from EndOfEarlyData (accepted) or EncryptedExtensions (rejected) on. */
  early?: { handshakeWrite: Protection13 };
};
export type ExpectCertificateOrCertificateRequest = V13 & { name: 'ExpectCertificateOrCertificateRequest'; hs: Hs13 };
export type ExpectCertificate = V13 & { name: 'ExpectCertificate'; hs: Hs13; certRequest: CertRequest13 };
export type ExpectCertificateVerify = V13 & { name: 'ExpectCertificateVerify'; hs: Hs13; certRequest?: CertRequest13; leafKey: PublicKey };
export type ExpectFinished = V13 & {
  name: 'ExpectFinished';
  hs: Hs13;
  certRequest?: CertRequest13;
  /** 0-RTT accepted: EndOfEarlyData goes before our Finished, then this write key (RFC 8446 §4.5). */
  afterEarlyData?: Protection13;
};
export type Connected13 = V13 & {
  name: 'Connected';
  app: AppSecrets13;
  /** The server_name we offered (kept in the tickets we receive, RFC 8446 §4.6.1). */
  serverName?: string;
  ticketsReceived: number;
};

/** The TLS 1.3 client states after ServerHello. */
export type ClientState13 = ExpectEncryptedExtensions | ExpectCertificateOrCertificateRequest | ExpectCertificate | ExpectCertificateVerify | ExpectFinished | Connected13;

/** The handshake message types each state takes, checked before the body is parsed (RFC 8446 §4). */
export function expects13(st: ClientState13): readonly number[] {
  switch (st.name) {
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

/**
 * A handshake message in a TLS 1.3 state after ServerHello: the next state. Connected's
 * messages (NewSessionTicket, KeyUpdate) are the endpoint's (client.ts), which keeps the tickets.
 */
export function handle13(st: Exclude<ClientState13, Connected13>, enc: EncodedMessage, cx: ClientContext): ClientState13 {
  switch (st.name) {
    case 'ExpectEncryptedExtensions':
      return onEncryptedExtensions(cx.io, st, enc);
    case 'ExpectCertificateOrCertificateRequest': {
      const m = expectMessage(enc, 'Certificate', 'CertificateRequest');
      if (m.type === 'CertificateRequest') return onCertificateRequest(cx.io, st, m, enc.bytes);
      return onServerCertificate(cx, st.hs, undefined, enc);
    }
    case 'ExpectCertificate':
      return onServerCertificate(cx, st.hs, st.certRequest, enc);
    case 'ExpectCertificateVerify':
      return onServerCertificateVerify(cx.io, st, enc);
    case 'ExpectFinished':
      return onServerFinished(cx, st, enc);
    default:
      return assertNever(st);
  }
}

/** ServerHello (TLS 1.3): key share → handshake secrets → handshake keys. */
export function onServerHello13(io: HandshakeIo, st: HelloState, enc: EncodedMessage<ServerHelloMsg>): ExpectEncryptedExtensions {
  const sh = enc.msg;
  const offer = st.offer;
  // RFC 8446 §4.1.3: legacy_session_id_echo must echo ours.
  if (!equalBytes(sh.legacySessionIdEcho, offer.sessionId)) throw new TlsError('PeerIllegalParameter', 'legacy_session_id_echo does not match legacy_session_id');
  const suite = suite13ByCode(sh.cipherSuite);
  if (!suite) throw new TlsError('PeerIllegalParameter', `${nameOf(CIPHER_SUITES, sh.cipherSuite)} is not a TLS 1.3 cipher suite`);
  // RFC 8446 §4.1.4: the ServerHello after an HRR must keep the HRR's suite.
  if (st.hrr && st.hrr.suite !== sh.cipherSuite) throw new TlsError('PeerIllegalParameter', 'ServerHello cipher suite differs from the HelloRetryRequest');
  for (const e of sh.extensions) {
    if (!['key_share_server', 'supported_versions_selected', 'pre_shared_key_selected'].includes(e.type)) {
      throw new TlsError('PeerIllegalParameter', `ServerHello may not carry ${nameOf(EXTENSION_TYPES, extensionCode(e))}`);
    }
  }
  const ks = findExt(sh.extensions, 'key_share_server');
  // RFC 8446 §9.2: without PSK, key_share is mandatory.
  if (!ks) throw new TlsError('PeerMissingExtension', 'ServerHello has no key_share');
  const mine = offer.keyShares.find((k) => GROUP_CODES[k.group] === ks.share.group);
  // RFC 8446 §4.2.8: the server's share must be for a group we sent a share for.
  if (!mine) throw new TlsError('PeerIllegalParameter', `server key share for ${nameOf(GROUPS, ks.share.group)}, for which we sent no share`);
  const shared = ecdheSharedSecret(io, mine.group, mine.privateKey, ks.share.keyExchange);
  const psk = findExt(sh.extensions, 'pre_shared_key_selected');
  const keySchedule = pskSchedule(io, offer, suite, psk?.selectedIdentity);
  st.transcript.add(enc.bytes);
  const hsSecrets = keySchedule.deriveHandshakeSecrets(shared, st.transcript.hash(suite.hash));
  const sk = keySchedule.trafficKeys(hsSecrets.server, 'server_handshake_traffic_secret', 'server_handshake', suite.keyLen, suite.ivLen);
  const ck = keySchedule.trafficKeys(hsSecrets.client, 'client_handshake_traffic_secret', 'client_handshake', suite.keyLen, suite.ivLen);
  io.setReadProtection(new Protection13(suite, sk.key, sk.iv, 'server_handshake_traffic_secret'));
  io.emit({
    type: 'negotiated',
    version: 'TLS 1.3',
    cipherSuite: suite.name,
    group: mine.group,
    helloRetry: st.hrr !== undefined,
    keyExchange: 'ECDHE',
    ...(offer.psk ? { resumed: psk !== undefined } : {}),
  });
  const hs: Hs13 = {
    keys: { suite, ks: keySchedule, clientHs: hsSecrets.client, serverHs: hsSecrets.server },
    transcript: st.transcript,
    offer,
    ccsSent: st.ccsSent,
    resumed: psk !== undefined,
  };
  // Our own write key switches when we send our second flight; until then alerts go in the clear
  // only if the server could not read them otherwise — RFC 8446 §5: use the current write key.
  // After 0-RTT data our write key stays the early one until EncryptedExtensions says more.
  const handshakeWrite = new Protection13(suite, ck.key, ck.iv, 'client_handshake_traffic_secret');
  if (st.early === 'offered') return { version: 'TLS 1.3', name: 'ExpectEncryptedExtensions', hs, early: { handshakeWrite } };
  io.setWriteProtection(handshakeWrite);
  return { version: 'TLS 1.3', name: 'ExpectEncryptedExtensions', hs };
}

/** Extensions allowed in EncryptedExtensions (RFC 8446 §4.2 table): anything else is illegal. */
const EE_FORBIDDEN = new Set([13, 43, 44, 45, 41, 51, 47, 50]);

/** EncryptedExtensions: only extensions we offered, ALPN, and the answer to our 0-RTT data. */
export function onEncryptedExtensions(io: HandshakeIo, st: ExpectEncryptedExtensions, enc: EncodedMessage): ClientState13 {
  const m = expectMessage(enc, 'EncryptedExtensions');
  const offer = st.hs.offer;
  for (const e of m.extensions) {
    const code = extensionCode(e);
    if (EE_FORBIDDEN.has(code)) throw new TlsError('PeerIllegalParameter', `EncryptedExtensions may not carry ${nameOf(EXTENSION_TYPES, code)}`);
    if (!offer.sentExtensions.has(code)) throw new TlsError('PeerUnsupportedExtension', `EncryptedExtensions carries ${nameOf(EXTENSION_TYPES, code)}, which we did not offer`);
  }
  const alpnExt = findExt(m.extensions, 'alpn');
  let alpn: string | undefined;
  if (alpnExt) {
    // RFC 7301 §3.1: exactly one protocol, one we offered.
    if (alpnExt.protocols.length !== 1 || !offer.alpn.includes(alpnExt.protocols[0]!)) {
      throw new TlsError('PeerIllegalParameter', `server selected ALPN ${JSON.stringify(alpnExt.protocols)}, not one we offered`);
    }
    alpn = alpnExt.protocols[0]!;
    io.emit({ type: 'negotiated', version: 'TLS 1.3', alpn });
  }
  const hs: Hs13 = { ...st.hs, ...(alpn !== undefined ? { alpn } : {}) };
  const accepted = findExt(m.extensions, 'early_data') !== undefined;
  const afterEarlyData = st.early ? earlyDataAnswer(io, { resumed: hs.resumed, alpn: hs.alpn, ticketAlpn: offer.psk?.ticket.alpn }, st.early.handshakeWrite, accepted) : undefined;
  if (offer.serverName && findExt(m.extensions, 'server_name')) io.emit({ type: 'negotiated', version: 'TLS 1.3', serverName: offer.serverName });
  hs.transcript.add(enc.bytes);
  // RFC 8446 §2.2: a resumed handshake has no CertificateRequest, Certificate or CertificateVerify.
  if (hs.resumed) return { version: 'TLS 1.3', name: 'ExpectFinished', hs, ...(afterEarlyData ? { afterEarlyData } : {}) };
  return { version: 'TLS 1.3', name: 'ExpectCertificateOrCertificateRequest', hs };
}

/** CertificateRequest (RFC 8446 §4.3.2): we answer it in our second flight. */
export function onCertificateRequest(
  io: HandshakeIo,
  st: ExpectCertificateOrCertificateRequest,
  m: Extract<EncodedMessage['msg'], { type: 'CertificateRequest' }>,
  bytes: Uint8Array,
): ExpectCertificate {
  // RFC 8446 §4.3.2: in the handshake, the context is empty.
  if (m.context.length !== 0) throw new TlsError('PeerIllegalParameter', 'certificate_request_context must be empty during the handshake');
  const sa = findExt(m.extensions, 'signature_algorithms');
  if (!sa) throw new TlsError('PeerMissingExtension', 'CertificateRequest without signature_algorithms');
  st.hs.transcript.add(bytes);
  io.emit({ type: 'negotiated', version: 'TLS 1.3', clientAuth: 'requested' });
  return { version: 'TLS 1.3', name: 'ExpectCertificate', hs: st.hs, certRequest: { context: m.context, schemes: sa.schemes } };
}

/** The server's Certificate: verified against our trust anchors (chain, validity, host name). */
export function onServerCertificate(cx: ClientContext, hs: Hs13, certRequest: CertRequest13 | undefined, enc: EncodedMessage): ExpectCertificateVerify {
  const cfg = cx.config;
  const m = expectMessage(enc, 'Certificate');
  if (m.context.length !== 0) throw new TlsError('PeerIllegalParameter', 'server Certificate with a non-empty certificate_request_context');
  // RFC 8446 §4.4.2.4: an empty server Certificate is a decode_error.
  if (m.entries.length === 0) throw new TlsError('DecodeError', 'the server sent an empty Certificate message');
  const chain = m.entries.map((e) => e.certData);
  // RFC 8446 §4.4.2.2: the server key signs CertificateVerify, so keyUsage must allow digitalSignature.
  const leafKey = verifyPeerChain(cx.io, {
    chain,
    purpose: 'server',
    anchors: cfg.trustAnchors,
    now: cfg.now ?? new Date(),
    ...(cfg.serverName !== undefined ? { host: cfg.serverName } : {}),
    keyExchange: 'ecdhe',
    ...(cfg.insecureSkipVerify ? { insecure: true } : {}),
    ...cfg.peerVerification,
  });
  hs.transcript.add(enc.bytes);
  return { version: 'TLS 1.3', name: 'ExpectCertificateVerify', hs, ...(certRequest ? { certRequest } : {}), leafKey };
}

/** The server's CertificateVerify (RFC 8446 §4.4.3): a scheme we offered, over the transcript so far. */
export function onServerCertificateVerify(io: HandshakeIo, st: ExpectCertificateVerify, enc: EncodedMessage): ExpectFinished {
  const m = expectMessage(enc, 'CertificateVerify');
  const hs = st.hs;
  const offered = hs.offer.schemes.map((s) => SIGNATURE_SCHEME_CODES[s]);
  const scheme = checkCertificateVerify(io, hs.transcript, hs.keys.suite, m, st.leafKey, offered, SERVER_CV_CONTEXT);
  io.emit({ type: 'negotiated', version: 'TLS 1.3', signatureScheme: scheme });
  hs.transcript.add(enc.bytes);
  return { version: 'TLS 1.3', name: 'ExpectFinished', hs, ...(st.certRequest ? { certRequest: st.certRequest } : {}) };
}

/** Server Finished: check it, derive application secrets, send our second flight. */
export function onServerFinished(cx: ClientContext, st: ExpectFinished, enc: EncodedMessage): Connected13 {
  const { io, config: cfg } = cx;
  const m = expectMessage(enc, 'Finished');
  const { hs, certRequest } = st;
  const { suite, ks } = hs.keys;
  const h = suite.hash;
  if (m.verifyData.length !== hashLen(h)) throw new TlsError('DecodeError', `Finished.verify_data is ${m.verifyData.length} bytes, expected ${hashLen(h)}`);
  const expected = ks.finished(
    hs.keys.serverHs,
    'server_handshake_traffic_secret',
    'server',
    hs.transcript.hash(h),
    hs.resumed ? 'ClientHello...EncryptedExtensions' : 'ClientHello...CertificateVerify',
  );
  // RFC 8446 §4.4.4: a wrong verify_data is a decrypt_error.
  if (!equalBytes(expected, m.verifyData)) throw new TlsError('PeerBadFinished', 'server Finished.verify_data does not match');
  hs.transcript.add(enc.bytes);
  const app = ks.deriveMasterSecrets(hs.transcript.hash(h));
  const sk = ks.trafficKeys(app.server, 'server_application_traffic_secret_0', 'server_application', suite.keyLen, suite.ivLen);
  io.setReadProtection(new Protection13(suite, sk.key, sk.iv, 'server_application_traffic_secret_0'));

  // Second flight: [CCS] [EndOfEarlyData] [Certificate CertificateVerify] Finished (RFC 8446 §4.4, §4.5, §D.4).
  if ((cfg.middleboxCompat ?? true) && !hs.ccsSent) io.sendCcs();
  if (st.afterEarlyData) {
    // RFC 8446 §4.5: EndOfEarlyData, still under client_early_traffic_secret, then our handshake key.
    const eoed = encodeHandshake({ type: 'EndOfEarlyData' });
    io.queueHandshake(eoed);
    hs.transcript.add(eoed.bytes);
    io.setWriteProtection(st.afterEarlyData);
  }
  if (certRequest) sendClientCertificate(cx, hs, certRequest);
  const verifyData = ks.finished(
    hs.keys.clientHs,
    'client_handshake_traffic_secret',
    'client',
    hs.transcript.hash(h),
    certRequest ? 'ClientHello...client CertificateVerify' : 'ClientHello...server Finished',
  );
  const fin = encodeHandshake({ type: 'Finished', verifyData });
  io.queueHandshake(fin);
  hs.transcript.add(fin.bytes);
  const ck = ks.trafficKeys(app.client, 'client_application_traffic_secret_0', 'client_application', suite.keyLen, suite.ivLen);
  io.setWriteProtection(new Protection13(suite, ck.key, ck.iv, 'client_application_traffic_secret_0'));
  const resumptionMasterSecret = ks.deriveResumptionMasterSecret(hs.transcript.hash(h));
  return {
    version: 'TLS 1.3',
    name: 'Connected',
    app: {
      suite,
      ks,
      clientSecret: app.client,
      serverSecret: app.server,
      clientGeneration: 0,
      serverGeneration: 0,
      resumptionMasterSecret,
      ...(hs.alpn !== undefined ? { alpn: hs.alpn } : {}),
    },
    ...(hs.offer.serverName !== undefined ? { serverName: hs.offer.serverName } : {}),
    ticketsReceived: 0,
  };
}

/** Client Certificate (+ CertificateVerify) in answer to a CertificateRequest (RFC 8446 §4.4.2). */
function sendClientCertificate(cx: ClientContext, hs: Hs13, req: CertRequest13): void {
  const { io, config: cfg } = cx;
  const cert = cfg.clientCert;
  let scheme: SignatureSchemeName | undefined;
  if (cert?.key) {
    scheme = schemesForKey(cert.key.publicKey).find((s) => tls13Scheme(s) && req.schemes.includes(SIGNATURE_SCHEME_CODES[s]));
    if (!scheme) io.note('The server accepts no signature scheme our client key can make: sending no certificate.', 'RFC 8446 §4.4.2.3');
  } else if (cert) {
    io.note('A client certificate is configured without its private key: sending no certificate.');
  } else {
    io.note('The server asked for a client certificate and we have none: sending an empty Certificate.', 'RFC 8446 §4.4.2');
  }
  const entries = scheme && cert ? cert.chain.map((certData) => ({ certData, extensions: [] })) : [];
  const c = encodeHandshake({ type: 'Certificate', context: req.context, entries });
  io.queueHandshake(c);
  hs.transcript.add(c.bytes);
  if (scheme && cert?.key) {
    const content = certificateVerifyContent(CLIENT_CV_CONTEXT, hs.transcript.hash(hs.keys.suite.hash));
    const key = cert.key;
    const signature = timed(io, `CertificateVerify ${scheme} signature`, () => sign(scheme, key, content, cfg.rng));
    const cv = encodeHandshake({ type: 'CertificateVerify', scheme: SIGNATURE_SCHEME_CODES[scheme], signature });
    io.queueHandshake(cv);
    hs.transcript.add(cv.bytes);
  }
}
