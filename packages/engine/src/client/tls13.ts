/**
 * The TLS 1.3 client flow (RFC 8446 §2, §4): from the ServerHello (or HelloRetryRequest) to
 * Connected. Each handler takes the state it was in and the message, and returns the next
 * state; the states carry the handshake data (`Hs13`).
 *
 *   ExpectServerHello → (HelloRetryRequest → ExpectServerHello) → ExpectEncryptedExtensions
 *   → ExpectCertificateOrCertificateRequest → [ExpectCertificate] → ExpectCertificateVerify
 *   → ExpectFinished → Connected
 *
 * Resumed (RFC 8446 §2.2, the server accepted our ticket's PSK): ExpectServerHello →
 * ExpectEncryptedExtensions → ExpectFinished → Connected — no certificate messages.
 */
import { equalBytes } from '../codec/hex';
import type { ClientConfig } from '../config';
import { suite13ByCode, type Suite13 } from '../crypto/tls13-suites';
import { generateKeyShare, groupByCode, GROUP_CODES } from '../crypto/ecdhe';
import { hashLen } from '../crypto/hash';
import { KeySchedule } from '../crypto/tls13-key-schedule';
import type { PublicKey, SignatureSchemeName } from '../crypto/keys';
import { schemesForKey, sign, SIGNATURE_SCHEME_CODES } from '../crypto/signature';
import { Transcript } from '../crypto/transcript';
import { TlsError } from '../errors';
import { CIPHER_SUITES, EXTENSION_TYPES, GROUPS, nameOf } from '../msgs/enums';
import { extensionCode, findExt } from '../msgs/extensions';
import { encodeHandshake, expectMessage, type EncodedMessage } from '../msgs/handshake';
import { timed, type HandshakeIo } from '../record/connection';
import { Protection13 } from '../record/tls13';
import { verifyPeerChain } from '../handshake/peer-cert';
import { certificateVerifyContent, checkCertificateVerify, ecdheSharedSecret, CLIENT_CV_CONTEXT, SERVER_CV_CONTEXT, tls13Scheme, type AppSecrets13 } from '../handshake/tls13';
import { type Offer, type ServerHelloMsg } from './hello';
import { encodeClientHello, pskAfterRetry } from './resume';

/** Handshake data shared by the TLS 1.3 client states. */
export interface Hs13 {
  suite: Suite13;
  ks: KeySchedule;
  transcript: Transcript;
  clientHs: Uint8Array;
  serverHs: Uint8Array;
  helloRetry: boolean;
  ccsSent: boolean;
  certRequest?: { context: Uint8Array; schemes: number[] };
  /** The server accepted our ticket's PSK (RFC 8446 §2.2): no certificate messages follow. */
  resumed?: boolean;
  /** 0-RTT sent: our handshake write key, used from EndOfEarlyData (accepted) or EncryptedExtensions (rejected) on. */
  handshakeWrite?: Protection13;
  /** 0-RTT accepted: EndOfEarlyData goes before our Finished (RFC 8446 §4.5). */
  earlyAccepted?: boolean;
  /** The ALPN protocol the server selected. */
  alpn?: string;
}

export type ClientState13 =
  | { name: 'ExpectEncryptedExtensions'; hs: Hs13 }
  | { name: 'ExpectCertificateOrCertificateRequest'; hs: Hs13 }
  | { name: 'ExpectCertificate'; hs: Hs13 }
  | { name: 'ExpectCertificateVerify'; hs: Hs13; leafKey: PublicKey }
  | { name: 'ExpectFinished'; hs: Hs13 }
  | { name: 'Connected'; app: AppSecrets13 };


/** What the client carries between ClientHello and ServerHello. */
export interface HelloState {
  offer: Offer;
  transcript: Transcript;
  /** Set after a HelloRetryRequest. */
  hrr?: { suite: number; group: number };
  ccsSent: boolean;
}


/**
 * HelloRetryRequest (RFC 8446 §4.1.4): check it, replace ClientHello1 in the transcript by
 * message_hash, and send ClientHello2 with a key share for the requested group.
 */
export function onHelloRetryRequest(io: HandshakeIo, cfg: ClientConfig, st: HelloState, enc: EncodedMessage<ServerHelloMsg>): HelloState {
  const hrr = enc.msg;
  // RFC 8446 §4.1.4: a second HelloRetryRequest is an unexpected_message.
  if (st.hrr) throw new TlsError('PeerUnexpectedMessage', 'a second HelloRetryRequest');
  const suite = suite13ByCode(hrr.cipherSuite);
  if (!suite) throw new TlsError('PeerIllegalParameter', `HelloRetryRequest chose ${nameOf(CIPHER_SUITES, hrr.cipherSuite)}`);
  const ks = findExt(hrr.extensions, 'key_share_hrr');
  const cookie = findExt(hrr.extensions, 'cookie');
  for (const e of hrr.extensions) {
    if (!['key_share_hrr', 'cookie', 'supported_versions_selected'].includes(e.type)) {
      throw new TlsError('PeerIllegalParameter', `HelloRetryRequest may not carry ${nameOf(EXTENSION_TYPES, extensionCode(e))}`);
    }
  }
  if (!ks && !cookie) throw new TlsError('PeerIllegalParameter', 'HelloRetryRequest would not change the ClientHello');
  const offer = st.offer;
  if (ks) {
    const group = groupByCode(ks.selectedGroup);
    // RFC 8446 §4.2.8: the group must be offered in supported_groups and not already have a share.
    if (!group || !offer.groups.includes(group)) {
      throw new TlsError('PeerIllegalParameter', `HelloRetryRequest asks for ${nameOf(GROUPS, ks.selectedGroup)}, which was not offered`);
    }
    if (offer.keyShares.some((k) => k.group === group)) {
      throw new TlsError('PeerIllegalParameter', `HelloRetryRequest asks for ${group}, for which a key share was already sent`);
    }
    offer.keyShares = [generateKeyShare(group, cfg.rng, cfg.fixed?.keyShares?.[group])];
  }
  if (cookie) offer.cookie = cookie.cookie;
  offer.retried = true;
  if (offer.earlyData === 'offered') {
    // RFC 8446 §4.2.10: a HelloRetryRequest rejects 0-RTT; ClientHello2 goes in the clear, without early_data.
    offer.earlyData = 'rejected';
    io.setWriteProtection(null);
    io.emit({ type: 'negotiated', version: 'TLS 1.3', earlyData: 'rejected' });
    io.note('The HelloRetryRequest rejects our 0-RTT data: send it again once connected.', 'RFC 8446 §4.2.10');
  }
  pskAfterRetry(io, cfg, offer, suite);
  const mh = st.transcript.replaceWithMessageHash(suite.hash);
  io.note(`HelloRetryRequest: ClientHello1 is replaced in the transcript by message_hash (${mh.length} bytes).`, 'RFC 8446 §4.4.1');
  st.transcript.add(enc.bytes);
  io.emit({ type: 'negotiated', version: 'TLS 1.3', cipherSuite: suite.name, ...(ks ? { group: groupByCode(ks.selectedGroup)! } : {}), helloRetry: true });
  // RFC 8446 §D.4: in compatibility mode the client sends its CCS before its second flight.
  let ccsSent = st.ccsSent;
  if ((cfg.middleboxCompat ?? true) && !ccsSent) {
    io.sendCcs();
    ccsSent = true;
  }
  // With a PSK, the new binder covers message_hash ‖ HelloRetryRequest ‖ Truncate(ClientHello2) (RFC 8446 §4.2.11.2).
  const ch2 = encodeClientHello(cfg, offer, st.transcript.bytes());
  st.transcript.add(ch2.bytes);
  io.queueHandshake(ch2);
  io.flush();
  return { offer, transcript: st.transcript, hrr: { suite: hrr.cipherSuite, group: ks?.selectedGroup ?? GROUP_CODES[offer.keyShares[0]!.group] }, ccsSent };
}

/** ServerHello (TLS 1.3): key share → handshake secrets → handshake keys. */
export function onServerHello13(io: HandshakeIo, st: HelloState, enc: EncodedMessage<ServerHelloMsg>): ClientState13 {
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
  let keySchedule: KeySchedule;
  if (psk) {
    // RFC 8446 §4.2.11: selected_identity within what we offered (one identity), and a suite of the PSK's hash.
    if (!offer.psk) throw new TlsError('PeerIllegalParameter', 'ServerHello selects a PSK, but we offered none');
    if (psk.selectedIdentity !== 0) throw new TlsError('PeerIllegalParameter', `ServerHello selects PSK identity ${psk.selectedIdentity}, but we offered only identity 0`);
    if (suite.hash !== offer.psk.suite.hash) {
      throw new TlsError('PeerIllegalParameter', `ServerHello selects the PSK with ${suite.name} (${suite.hash}); the ticket is for ${offer.psk.suite.hash}`);
    }
    keySchedule = offer.psk.ks; // Early Secret from the PSK, derived for the binder
    io.note('The server accepted our ticket (pre_shared_key selected_identity 0): this handshake resumes the earlier session, authenticated by the PSK — no certificate.', 'RFC 8446 §2.2');
  } else {
    if (offer.psk) io.note('The server did not accept our ticket: this is a full handshake.', 'RFC 8446 §4.2.11');
    keySchedule = new KeySchedule(suite.hash, (s) => io.secret(s));
    keySchedule.deriveEarlySecret();
  }
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
    suite,
    ks: keySchedule,
    transcript: st.transcript,
    clientHs: hsSecrets.client,
    serverHs: hsSecrets.server,
    helloRetry: st.hrr !== undefined,
    ccsSent: st.ccsSent,
    ...(psk ? { resumed: true } : {}),
  };
  // Our own write key switches when we send our second flight; until then alerts go in the clear
  // only if the server could not read them otherwise — RFC 8446 §5: use the current write key.
  // After 0-RTT data our write key stays the early one until EncryptedExtensions says more.
  const handshakeWrite = new Protection13(suite, ck.key, ck.iv, 'client_handshake_traffic_secret');
  if (offer.earlyData === 'offered') hs.handshakeWrite = handshakeWrite;
  else io.setWriteProtection(handshakeWrite);
  return { name: 'ExpectEncryptedExtensions', hs };
}

/** Extensions allowed in EncryptedExtensions (RFC 8446 §4.2 table): anything else is illegal. */
const EE_FORBIDDEN = new Set([13, 43, 44, 45, 41, 51, 47, 50]);

export function onEncryptedExtensions(io: HandshakeIo, offer: Offer, st: Extract<ClientState13, { name: 'ExpectEncryptedExtensions' }>, enc: EncodedMessage): ClientState13 {
  const m = expectMessage(enc, 'EncryptedExtensions');
  const early = findExt(m.extensions, 'early_data');
  for (const e of m.extensions) {
    const code = extensionCode(e);
    if (EE_FORBIDDEN.has(code)) throw new TlsError('PeerIllegalParameter', `EncryptedExtensions may not carry ${nameOf(EXTENSION_TYPES, code)}`);
    if (!offer.sentExtensions.has(code)) throw new TlsError('PeerUnsupportedExtension', `EncryptedExtensions carries ${nameOf(EXTENSION_TYPES, code)}, which we did not offer`);
  }
  const alpn = findExt(m.extensions, 'alpn');
  if (alpn) {
    // RFC 7301 §3.1: exactly one protocol, one we offered.
    if (alpn.protocols.length !== 1 || !offer.alpn.includes(alpn.protocols[0]!)) {
      throw new TlsError('PeerIllegalParameter', `server selected ALPN ${JSON.stringify(alpn.protocols)}, not one we offered`);
    }
    io.emit({ type: 'negotiated', version: 'TLS 1.3', alpn: alpn.protocols[0]! });
    st.hs.alpn = alpn.protocols[0]!;
  }
  if (offer.earlyData === 'offered') {
    if (early) {
      // RFC 8446 §4.2.10: early data goes with the first PSK (we offer one) and the ticket's ALPN.
      if (!st.hs.resumed) throw new TlsError('PeerIllegalParameter', 'EncryptedExtensions accepts early data, but the server did not accept our PSK');
      const ticketAlpn = offer.psk?.ticket.alpn;
      if ((ticketAlpn ?? '') !== (st.hs.alpn ?? '')) throw new TlsError('PeerIllegalParameter', `0-RTT accepted with ALPN "${st.hs.alpn ?? ''}", the ticket's is "${ticketAlpn ?? ''}"`);
      offer.earlyData = 'accepted';
      st.hs.earlyAccepted = true;
      io.note('The server accepted our 0-RTT data; EndOfEarlyData will close it before our Finished.', 'RFC 8446 §4.2.10');
    } else {
      offer.earlyData = 'rejected';
      io.setWriteProtection(st.hs.handshakeWrite!);
      io.note('The server rejected our 0-RTT data (no early_data in EncryptedExtensions): send it again once connected.', 'RFC 8446 §4.2.10');
    }
    io.emit({ type: 'negotiated', version: 'TLS 1.3', earlyData: offer.earlyData });
  }
  if (offer.serverName && findExt(m.extensions, 'server_name')) io.emit({ type: 'negotiated', version: 'TLS 1.3', serverName: offer.serverName });
  st.hs.transcript.add(enc.bytes);
  // RFC 8446 §2.2: a resumed handshake has no CertificateRequest, Certificate or CertificateVerify.
  if (st.hs.resumed) return { name: 'ExpectFinished', hs: st.hs };
  return { name: 'ExpectCertificateOrCertificateRequest', hs: st.hs };
}

export function onCertificateRequest(io: HandshakeIo, st: Extract<ClientState13, { name: 'ExpectCertificateOrCertificateRequest' }>, m: Extract<EncodedMessage['msg'], { type: 'CertificateRequest' }>, bytes: Uint8Array): ClientState13 {
  // RFC 8446 §4.3.2: in the handshake, the context is empty.
  if (m.context.length !== 0) throw new TlsError('PeerIllegalParameter', 'certificate_request_context must be empty during the handshake');
  const sa = findExt(m.extensions, 'signature_algorithms');
  if (!sa) throw new TlsError('PeerMissingExtension', 'CertificateRequest without signature_algorithms');
  st.hs.certRequest = { context: m.context, schemes: sa.schemes };
  st.hs.transcript.add(bytes);
  io.emit({ type: 'negotiated', version: 'TLS 1.3', clientAuth: 'requested' });
  return { name: 'ExpectCertificate', hs: st.hs };
}

/** The server's Certificate: verified against our trust anchors (chain, validity, host name). */
export function onServerCertificate(io: HandshakeIo, cfg: ClientConfig, hs: Hs13, enc: EncodedMessage): ClientState13 {
  const m = expectMessage(enc, 'Certificate');
  if (m.context.length !== 0) throw new TlsError('PeerIllegalParameter', 'server Certificate with a non-empty certificate_request_context');
  // RFC 8446 §4.4.2.4: an empty server Certificate is a decode_error.
  if (m.entries.length === 0) throw new TlsError('DecodeError', 'the server sent an empty Certificate message');
  const chain = m.entries.map((e) => e.certData);
  // RFC 8446 §4.4.2.2: the server key signs CertificateVerify, so keyUsage must allow digitalSignature.
  const leafKey = verifyPeerChain(io, {
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
  return { name: 'ExpectCertificateVerify', hs, leafKey };
}


export function onServerCertificateVerify(io: HandshakeIo, offer: Offer, st: Extract<ClientState13, { name: 'ExpectCertificateVerify' }>, enc: EncodedMessage): ClientState13 {
  const m = expectMessage(enc, 'CertificateVerify');
  const offered = offer.schemes.map((s) => SIGNATURE_SCHEME_CODES[s]);
  const scheme = checkCertificateVerify(io, st.hs.transcript, st.hs.suite, m, st.leafKey, offered, SERVER_CV_CONTEXT);
  io.emit({ type: 'negotiated', version: 'TLS 1.3', signatureScheme: scheme });
  st.hs.transcript.add(enc.bytes);
  return { name: 'ExpectFinished', hs: st.hs };
}

/** Server Finished: check it, derive application secrets, send our second flight. */
export function onServerFinished(io: HandshakeIo, cfg: ClientConfig, st: Extract<ClientState13, { name: 'ExpectFinished' }>, enc: EncodedMessage): ClientState13 {
  const m = expectMessage(enc, 'Finished');
  const hs = st.hs;
  const h = hs.suite.hash;
  if (m.verifyData.length !== hashLen(h)) throw new TlsError('DecodeError', `Finished.verify_data is ${m.verifyData.length} bytes, expected ${hashLen(h)}`);
  const expected = hs.ks.finished(hs.serverHs, 'server_handshake_traffic_secret', 'server', hs.transcript.hash(h), hs.resumed ? 'ClientHello...EncryptedExtensions' : 'ClientHello...CertificateVerify');
  // RFC 8446 §4.4.4: a wrong verify_data is a decrypt_error.
  if (!equalBytes(expected, m.verifyData)) throw new TlsError('PeerBadFinished', 'server Finished.verify_data does not match');
  hs.transcript.add(enc.bytes);
  const app = hs.ks.deriveMasterSecrets(hs.transcript.hash(h));
  const sk = hs.ks.trafficKeys(app.server, 'server_application_traffic_secret_0', 'server_application', hs.suite.keyLen, hs.suite.ivLen);
  io.setReadProtection(new Protection13(hs.suite, sk.key, sk.iv, 'server_application_traffic_secret_0'));

  // Second flight: [CCS] [Certificate CertificateVerify] Finished (RFC 8446 §4.4, §D.4).
  if ((cfg.middleboxCompat ?? true) && !hs.ccsSent) {
    io.sendCcs();
    hs.ccsSent = true;
  }
  if (hs.earlyAccepted) {
    // RFC 8446 §4.5: EndOfEarlyData, still under client_early_traffic_secret, then our handshake key.
    const eoed = encodeHandshake({ type: 'EndOfEarlyData' });
    io.queueHandshake(eoed);
    hs.transcript.add(eoed.bytes);
    io.setWriteProtection(hs.handshakeWrite!);
  }
  if (hs.certRequest) sendClientCertificate(io, cfg, hs);
  const verifyData = hs.ks.finished(hs.clientHs, 'client_handshake_traffic_secret', 'client', hs.transcript.hash(h), hs.certRequest ? 'ClientHello...client CertificateVerify' : 'ClientHello...server Finished');
  const fin = encodeHandshake({ type: 'Finished', verifyData });
  io.queueHandshake(fin);
  hs.transcript.add(fin.bytes);
  const ck = hs.ks.trafficKeys(app.client, 'client_application_traffic_secret_0', 'client_application', hs.suite.keyLen, hs.suite.ivLen);
  io.setWriteProtection(new Protection13(hs.suite, ck.key, ck.iv, 'client_application_traffic_secret_0'));
  const resumptionMasterSecret = hs.ks.deriveResumptionMasterSecret(hs.transcript.hash(h));
  return {
    name: 'Connected',
    app: {
      suite: hs.suite,
      ks: hs.ks,
      clientSecret: app.client,
      serverSecret: app.server,
      clientGeneration: 0,
      serverGeneration: 0,
      resumptionMasterSecret,
      ...(hs.alpn !== undefined ? { alpn: hs.alpn } : {}),
    },
  };
}

/** Client Certificate (+ CertificateVerify) in answer to a CertificateRequest (RFC 8446 §4.4.2). */
function sendClientCertificate(io: HandshakeIo, cfg: ClientConfig, hs: Hs13): void {
  const req = hs.certRequest!;
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
    const content = certificateVerifyContent(CLIENT_CV_CONTEXT, hs.transcript.hash(hs.suite.hash));
    const key = cert.key;
    const signature = timed(io, `CertificateVerify ${scheme} signature`, () => sign(scheme, key, content, cfg.rng));
    const cv = encodeHandshake({ type: 'CertificateVerify', scheme: SIGNATURE_SCHEME_CODES[scheme], signature });
    io.queueHandshake(cv);
    hs.transcript.add(cv.bytes);
  }
}
