/**
 * The TLS 1.3 server flow (RFC 8446 §2, §4): from ClientHello to Connected.
 *
 *   ExpectClientHello → (HelloRetryRequest → ExpectSecondClientHello) → send ServerHello,
 *   [CCS], EncryptedExtensions, [CertificateRequest], Certificate, CertificateVerify,
 *   Finished → [ExpectClientCertificate → ExpectClientCertificateVerify] →
 *   ExpectClientFinished → Connected (→ NewSessionTicket*)
 *
 * Resumption (RFC 8446 §2.2): when the ClientHello offers a ticket we accept (tickets.ts), the
 * ServerHello carries pre_shared_key, the key schedule starts from the ticket's PSK, and the
 * flight is EncryptedExtensions, Finished — no CertificateRequest, Certificate or CertificateVerify.
 */
import { equalBytes, toHex } from '../codec/hex';
import type { ServerConfig } from '../config';
import { generateKeyShare, GROUP_CODES } from '../crypto/ecdhe';
import { hashLen, hmac } from '../crypto/hash';
import { subjectNameDer } from '../pki/x509-name';
import { KeySchedule } from '../crypto/tls13-key-schedule';
import type { PublicKey } from '../crypto/keys';
import { sign, SIGNATURE_SCHEMES as SIG_LIST, SIGNATURE_SCHEME_CODES } from '../crypto/signature';
import { Transcript } from '../crypto/transcript';
import type { Suite13 } from '../crypto/tls13-suites';
import { TlsError } from '../errors';
import { HRR_RANDOM, TLS12, TLS13 } from '../msgs/enums';
import { extensionCode, findExt, type Extension } from '../msgs/extensions';
import { encodeHandshake, expectMessage, type EncodedMessage } from '../msgs/handshake';
import { timed, type HandshakeIo } from '../record/connection';
import { Protection13 } from '../record/tls13';
import {
  certificateVerifyContent,
  checkCertificateVerify,
  ecdheSharedSecret,
  CLIENT_CV_CONTEXT,
  SERVER_CV_CONTEXT,
  tls13Scheme,
  type AppSecrets13,
} from '../handshake/tls13';
import { verifyPeerChain } from '../handshake/peer-cert';
import { serverSigningKey, chooseParams13, type ClientHelloMsg, type Params13 } from './hello';
import { ZERO_RTT_RECORD_MS, ZERO_RTT_WINDOW_MS } from './antireplay';
import { choosePsk, offeredPsks, sendNewSessionTickets, type AcceptedPsk } from './tickets';

export interface ServerHs13 {
  suite: Suite13;
  ks: KeySchedule;
  transcript: Transcript;
  clientHs: Uint8Array;
  clientAppSecret: Uint8Array;
  serverAppSecret: Uint8Array;
  /** Signature schemes offered in our CertificateRequest. */
  requestedSchemes?: number[];
  /** The handshake resumed a session with a ticket's PSK (RFC 8446 §2.2). */
  resumed?: boolean;
  /** The negotiated ALPN protocol (kept in our tickets for 0-RTT). */
  alpn?: string;
}

export type ServerState13 =
  | { name: 'ExpectSecondClientHello'; first: FirstHello }
  /** 0-RTT accepted: early application data, then EndOfEarlyData under client_early_traffic_secret (RFC 8446 §4.5). */
  | { name: 'ExpectEndOfEarlyData'; hs: ServerHs13; handshakeRead: Protection13; maxEarlyData: number; earlyReceived: number }
  | { name: 'ExpectClientCertificate'; hs: ServerHs13 }
  | { name: 'ExpectClientCertificateVerify'; hs: ServerHs13; leafKey: PublicKey }
  | { name: 'ExpectClientFinished'; hs: ServerHs13 }
  | { name: 'Connected'; app: AppSecrets13 };

/** What the server remembers between its HelloRetryRequest and the second ClientHello. */
export interface FirstHello {
  transcript: Transcript;
  params: Params13;
  sessionId: Uint8Array;
  ccsSent: boolean;
  /** The cookie sent in the HelloRetryRequest, if any. */
  cookie?: Uint8Array;
}

/** ClientHello (first or second): choose, maybe retry, else send the whole server flight. */
export function onClientHello13(io: HandshakeIo, cfg: ServerConfig, enc: EncodedMessage<ClientHelloMsg>, first?: FirstHello): ServerState13 {
  const ch = enc.msg;
  const params = chooseParams13(cfg, ch);
  const transcript = first?.transcript ?? new Transcript();
  if (first) {
    // RFC 8446 §4.1.2: the second ClientHello must answer the retry.
    if (params.suite.code !== first.params.suite.code) throw new TlsError('PeerIllegalParameter', 'second ClientHello changed the cipher suite choice');
    const shares = findExt(ch.extensions, 'key_share')!.shares;
    if (shares.length !== 1 || shares[0]!.group !== GROUP_CODES[first.params.group]) {
      throw new TlsError('PeerIllegalParameter', `second ClientHello must carry exactly one key share, for ${first.params.group}`);
    }
    if (!equalBytes(ch.legacySessionId, first.sessionId)) throw new TlsError('PeerIllegalParameter', 'second ClientHello changed legacy_session_id');
    if (first.cookie) {
      // RFC 8446 §4.2.2: the client echoes the cookie in its second ClientHello.
      const echoed = findExt(ch.extensions, 'cookie');
      if (!echoed || !equalBytes(echoed.cookie, first.cookie)) throw new TlsError('PeerIllegalParameter', 'second ClientHello does not echo the HelloRetryRequest cookie');
    }
  }
  // The binder of a second ClientHello covers message_hash ‖ HelloRetryRequest first (RFC 8446 §4.2.11.2).
  const binderPrefix = transcript.bytes();
  const offersPsk = offeredPsks(ch) !== undefined;
  const offersEarly = findExt(ch.extensions, 'early_data') !== undefined;
  // RFC 8446 §4.1.2: a second ClientHello never offers early data.
  if (first && offersEarly) throw new TlsError('PeerIllegalParameter', 'early_data in the second ClientHello');
  // Rejected 0-RTT records are skipped up to this many bytes (RFC 8446 §4.2.10).
  const skipBudget = (cfg.maxEarlyData ?? 0) + 16384 + 256;
  transcript.add(enc.bytes);
  const compat = ch.legacySessionId.length > 0;
  let ccsSent = first?.ccsSent ?? false;

  if (!params.share) {
    // RFC 8446 §4.1.4: HelloRetryRequest asking for the group we want.
    if (first) throw new TlsError('PeerIllegalParameter', 'second ClientHello still has no usable key share');
    // An optional cookie (RFC 8446 §4.2.2): here a MAC over Hash(ClientHello1) with a fresh key.
    const cookie = cfg.fixed?.cookie ?? (cfg.helloRetryCookie ? hmac('SHA-256', cfg.rng(32), transcript.hash('SHA-256')) : undefined);
    const hrr = encodeHandshake({
      type: 'HelloRetryRequest',
      legacyVersion: TLS12,
      random: HRR_RANDOM,
      legacySessionIdEcho: ch.legacySessionId,
      cipherSuite: params.suite.code,
      legacyCompressionMethod: 0,
      extensions: [
        { type: 'key_share_hrr', selectedGroup: GROUP_CODES[params.group] },
        ...(cookie ? [{ type: 'cookie' as const, cookie }] : []),
        { type: 'supported_versions_selected', version: TLS13 },
      ],
    });
    transcript.replaceWithMessageHash(params.suite.hash);
    transcript.add(hrr.bytes);
    io.emit({ type: 'negotiated', version: 'TLS 1.3', cipherSuite: params.suite.name, group: params.group, helloRetry: true });
    io.note(`No key share for ${params.group}: asking the client to retry with one (HelloRetryRequest).`, 'RFC 8446 §4.1.4');
    io.queueHandshake(hrr);
    io.flush();
    if (offersEarly) {
      io.note('The client sent 0-RTT data; a HelloRetryRequest rejects it: its records are skipped.', 'RFC 8446 §4.2.10');
      io.skipEarlyData(skipBudget);
    }
    // RFC 8446 §D.4: the CCS goes right after our first handshake message.
    if (compat && !ccsSent) {
      io.sendCcs();
      ccsSent = true;
    }
    return { name: 'ExpectSecondClientHello', first: { transcript, params, sessionId: ch.legacySessionId, ccsSent, ...(cookie ? { cookie } : {}) } };
  }

  const suite = params.suite;
  // RFC 8446 §4.2.11: a PSK from a ticket we issued, for a suite of the same hash, whose binder verifies.
  const psk = choosePsk(io, cfg, ch, enc.bytes, binderPrefix, suite);
  const resumed = psk !== undefined;
  if (offersPsk && !resumed) io.note('No offered ticket can be used: this is a full handshake (the server authenticates with its certificate).', 'RFC 8446 §4.2.11');
  // 0-RTT (RFC 8446 §4.2.10): accepted only with the first PSK, the ticket's suite and ALPN, a fresh ticket age.
  let earlyAccepted = false;
  if (offersEarly) {
    const why = earlyDataRefusal(cfg, psk, suite, params.alpn);
    if (why) {
      io.note(`0-RTT data rejected (${why}): its records are skipped; the client may send the data again after the handshake.`, 'RFC 8446 §4.2.10');
      io.skipEarlyData(skipBudget);
    } else if (psk && cfg.antiReplay?.seen(psk.binder, (cfg.now ?? new Date()).getTime(), ZERO_RTT_RECORD_MS)) {
      // RFC 8446 §8.2: a ClientHello recorded while it could still pass the freshness check is a replay; the handshake goes on
      // as a 1-RTT resumption (a replayer has no keys to finish it), its early data is never read.
      io.note(
        `This ClientHello was seen before: a replay; early data rejected (RFC 8446 §8.2). Its PSK binder (${toHex(psk.binder).slice(0, 16)}…) was recorded within the last ${ZERO_RTT_RECORD_MS / 1000} s; the 0-RTT records are skipped and the handshake continues as a 1-RTT resumption.`,
        'RFC 8446 §8.2',
      );
      io.skipEarlyData(skipBudget);
    } else {
      earlyAccepted = true;
    }
  }
  let earlyRead: Protection13 | undefined;
  if (earlyAccepted && psk) {
    // client_early_traffic_secret = Derive-Secret(Early Secret, "c e traffic", ClientHello) (RFC 8446 §7.1).
    const chHash = transcript.hash(suite.hash);
    const early = psk.ks.deriveEarlyTrafficSecret(chHash);
    psk.ks.deriveEarlyExporterSecret(chHash);
    const ek = psk.ks.trafficKeys(early, 'client_early_traffic_secret', 'client_early', suite.keyLen, suite.ivLen);
    earlyRead = new Protection13(suite, ek.key, ek.iv, 'client_early_traffic_secret');
    io.note(
      cfg.antiReplay
        ? `0-RTT accepted: the client's early data (up to ${psk.maxEarlyData} bytes) is read under client_early_traffic_secret until EndOfEarlyData. This ClientHello is new: its PSK binder is now recorded, so a replay of it would be caught (RFC 8446 §8.2).`
        : `0-RTT accepted without replay protection: the client's early data (up to ${psk.maxEarlyData} bytes) is read under client_early_traffic_secret until EndOfEarlyData. This server records no ClientHellos (RFC 8446 §8.2), so the same ClientHello and early data sent again within the freshness window would be accepted again.`,
      'RFC 8446 §4.2.10',
    );
  }
  const ours = generateKeyShare(params.group, cfg.rng, cfg.fixed?.keyShares?.[params.group]);
  const shared = ecdheSharedSecret(io, params.group, ours.privateKey, params.share.keyExchange);
  const sh = encodeHandshake({
    type: 'ServerHello',
    legacyVersion: TLS12,
    random: cfg.fixed?.random ?? cfg.rng(32),
    legacySessionIdEcho: ch.legacySessionId,
    cipherSuite: suite.code,
    legacyCompressionMethod: 0,
    extensions: [
      ...(psk ? [{ type: 'pre_shared_key_selected' as const, selectedIdentity: psk.index }] : []),
      { type: 'key_share_server', share: { group: GROUP_CODES[params.group], keyExchange: ours.publicKey } },
      { type: 'supported_versions_selected', version: TLS13 },
    ],
  });
  transcript.add(sh.bytes);
  io.queueHandshake(sh);
  io.flush();
  io.emit({
    type: 'negotiated',
    version: 'TLS 1.3',
    cipherSuite: suite.name,
    group: params.group,
    helloRetry: first !== undefined,
    keyExchange: 'ECDHE',
    ...(params.scheme && !resumed ? { signatureScheme: params.scheme } : {}),
    ...(params.alpn ? { alpn: params.alpn } : {}),
    ...(params.serverName ? { serverName: params.serverName } : {}),
    // RFC 8446 §4.3.2: no CertificateRequest in a handshake authenticated with a PSK.
    clientAuth: resumed ? 'none' : cfg.clientAuth === 'require' ? 'required' : cfg.clientAuth === 'request' ? 'requested' : 'none',
    ...(resumed && (cfg.clientAuth ?? 'none') !== 'none' ? { clientAuthSkipped: 'psk-resumption' as const } : {}),
    ...(offersPsk ? { resumed } : {}),
    ...(offersEarly ? { earlyData: earlyAccepted ? ('accepted' as const) : ('rejected' as const) } : {}),
  });

  let ks: KeySchedule;
  if (psk) {
    ks = psk.ks; // Early Secret from the PSK, already derived for the binder
  } else {
    ks = new KeySchedule(suite.hash, (s) => io.secret(s));
    ks.deriveEarlySecret();
  }
  const hsSecrets = ks.deriveHandshakeSecrets(shared, transcript.hash(suite.hash));
  const sk = ks.trafficKeys(hsSecrets.server, 'server_handshake_traffic_secret', 'server_handshake', suite.keyLen, suite.ivLen);
  const ck = ks.trafficKeys(hsSecrets.client, 'client_handshake_traffic_secret', 'client_handshake', suite.keyLen, suite.ivLen);
  io.setWriteProtection(new Protection13(suite, sk.key, sk.iv, 'server_handshake_traffic_secret'));
  const handshakeRead = new Protection13(suite, ck.key, ck.iv, 'client_handshake_traffic_secret');
  // With 0-RTT accepted, the client's records stay under its early keys until EndOfEarlyData.
  io.setReadProtection(earlyRead ?? handshakeRead);
  // RFC 8446 §D.4: the CCS goes right after our first handshake message (it is never protected;
  // sent after the key derivation so the keys show with the ServerHello that made them).
  if (compat && !ccsSent) io.sendCcs();

  // EncryptedExtensions (RFC 8446 §4.3.1).
  const own: Extension[] = [];
  if (params.serverName) own.push({ type: 'server_name', hostNames: [] });
  if (params.alpn) own.push({ type: 'alpn', protocols: [params.alpn] });
  if (earlyAccepted) own.push({ type: 'early_data' });
  let eeExts = own;
  if (cfg.fixed?.extensions) {
    eeExts = [];
    for (const s of cfg.fixed.extensions) {
      if (s.data) eeExts.push({ type: 'opaque', code: s.type, data: s.data });
      else {
        const e = own.find((x) => extensionCode(x) === s.type);
        if (e) eeExts.push(e);
      }
    }
  }
  const ee = encodeHandshake({ type: 'EncryptedExtensions', extensions: eeExts });
  transcript.add(ee.bytes);
  io.queueHandshake(ee);

  const hs: ServerHs13 = { suite, ks, transcript, clientHs: hsSecrets.client, clientAppSecret: new Uint8Array(), serverAppSecret: new Uint8Array(), ...(resumed ? { resumed } : {}), ...(params.alpn ? { alpn: params.alpn } : {}) };
  if (resumed) {
    // RFC 8446 §2.2: the PSK authenticates the server; its Finished follows EncryptedExtensions.
    sendFinished(io, hs, hsSecrets.server, 'ClientHello...EncryptedExtensions', cfg.faults?.includes('tls13-bad-finished'));
    if (earlyAccepted && psk) return { name: 'ExpectEndOfEarlyData', hs, handshakeRead, maxEarlyData: Math.min(psk.maxEarlyData, cfg.maxEarlyData ?? 0), earlyReceived: 0 };
    return { name: 'ExpectClientFinished', hs };
  }
  const clientAuth = cfg.clientAuth ?? 'none';
  if (clientAuth !== 'none') {
    const schemes = SIG_LIST.filter(tls13Scheme).map((s) => SIGNATURE_SCHEME_CODES[s]);
    hs.requestedSchemes = schemes;
    // RFC 8446 §4.2.4: certificate_authorities names the CAs we accept client certificates from.
    const names = (cfg.clientTrustAnchors ?? []).map(subjectNameDer).filter((n): n is Uint8Array => n !== undefined);
    const crExts: Extension[] = [{ type: 'signature_algorithms', schemes }];
    if (names.length > 0) crExts.push({ type: 'certificate_authorities', names });
    const cr = encodeHandshake({ type: 'CertificateRequest', context: new Uint8Array(0), extensions: crExts });
    transcript.add(cr.bytes);
    io.queueHandshake(cr);
  }

  const cert = encodeHandshake({ type: 'Certificate', context: new Uint8Array(0), entries: cfg.cert.chain.map((certData) => ({ certData, extensions: [] })) });
  transcript.add(cert.bytes);
  io.queueHandshake(cert);

  const scheme = params.scheme;
  const key = scheme ? serverSigningKey(io, cfg) : undefined;
  if (!key || !scheme) {
    // The chain still goes out, so the client's certificate checks run and are shown; then
    // the server stops, because only the key's owner can sign CertificateVerify.
    io.flush();
    if (!scheme) {
      io.note('The server certificate’s key type cannot sign a TLS 1.3 CertificateVerify here (ECDSA P-256/P-384, RSA-PSS and Ed25519 can) — the handshake cannot continue.', 'RFC 8446 §4.4.3');
      throw new TlsError('LocalConfig', 'the server certificate key type is not supported: cannot sign CertificateVerify');
    }
    io.note('The server has this certificate but not its private key, so it cannot sign CertificateVerify (proof that it owns the certificate) — the handshake cannot continue.', 'RFC 8446 §4.4.3');
    throw new TlsError('LocalConfig', 'no private key for the server certificate: cannot sign CertificateVerify');
  }
  const content = certificateVerifyContent(SERVER_CV_CONTEXT, transcript.hash(suite.hash));
  const signature = timed(io, `CertificateVerify ${scheme} signature`, () => sign(scheme, key, content, cfg.rng));
  if (cfg.faults?.includes('tls13-bad-signature')) {
    signature[signature.length - 1]! ^= 0x01;
    io.note('Fault: the server flips one bit of its CertificateVerify signature after signing.', 'RFC 8446 §4.4.3');
  }
  const cv = encodeHandshake({ type: 'CertificateVerify', scheme: SIGNATURE_SCHEME_CODES[scheme], signature });
  transcript.add(cv.bytes);
  io.queueHandshake(cv);

  sendFinished(io, hs, hsSecrets.server, 'ClientHello...CertificateVerify', cfg.faults?.includes('tls13-bad-finished'));
  return clientAuth !== 'none' ? { name: 'ExpectClientCertificate', hs } : { name: 'ExpectClientFinished', hs };
}

/**
 * The server's Finished over the transcript so far (`covers` names it, for the secret event),
 * then the master secret, the application traffic secrets and the server's new write key.
 */
function sendFinished(io: HandshakeIo, hs: ServerHs13, serverHsSecret: Uint8Array, covers: string, faulty = false): void {
  const { ks, transcript, suite } = hs;
  const verifyData = ks.finished(serverHsSecret, 'server_handshake_traffic_secret', 'server', transcript.hash(suite.hash), covers);
  if (faulty) {
    verifyData[verifyData.length - 1]! ^= 0x01;
    io.note('Fault: the server flips one bit of its Finished verify_data after computing it.', 'RFC 8446 §4.4.4');
  }
  const fin = encodeHandshake({ type: 'Finished', verifyData });
  transcript.add(fin.bytes);
  io.queueHandshake(fin);
  const app = ks.deriveMasterSecrets(transcript.hash(suite.hash));
  hs.clientAppSecret = app.client;
  hs.serverAppSecret = app.server;
  const sak = ks.trafficKeys(app.server, 'server_application_traffic_secret_0', 'server_application', suite.keyLen, suite.ivLen);
  io.setWriteProtection(new Protection13(suite, sak.key, sak.iv, 'server_application_traffic_secret_0'));
}

/** Why 0-RTT data cannot be accepted (RFC 8446 §4.2.10), or undefined if it can. */
function earlyDataRefusal(cfg: ServerConfig, psk: AcceptedPsk | undefined, suite: Suite13, alpn: string | undefined): string | undefined {
  if (!psk) return 'no PSK was accepted';
  if (psk.index !== 0) return 'the accepted PSK is not the first one offered';
  if ((cfg.maxEarlyData ?? 0) === 0) return 'this server accepts no early data';
  if (psk.maxEarlyData === 0) return 'the ticket allows no early data';
  if (psk.suite.code !== suite.code) return `the ticket is for ${psk.suite.name}, this handshake uses ${suite.name}`;
  if ((psk.alpn ?? '') !== (alpn ?? '')) return `the ticket's ALPN is "${psk.alpn ?? ''}", this handshake's "${alpn ?? ''}"`;
  // RFC 8446 §8.3: a ClientHello whose ticket age is far from ours may be a replay.
  if (psk.ageSkew !== undefined && psk.ageSkew > ZERO_RTT_WINDOW_MS) return `the ticket age differs from the server's by ${psk.ageSkew} ms`;
  return undefined;
}

/** EndOfEarlyData (RFC 8446 §4.5): the end of 0-RTT data; the client's handshake keys follow. */
export function onEndOfEarlyData(io: HandshakeIo, st: Extract<ServerState13, { name: 'ExpectEndOfEarlyData' }>, enc: EncodedMessage): ServerState13 {
  expectMessage(enc, 'EndOfEarlyData');
  st.hs.transcript.add(enc.bytes);
  io.setReadProtection(st.handshakeRead);
  return { name: 'ExpectClientFinished', hs: st.hs };
}

/** The client's Certificate (mutual TLS, RFC 8446 §4.4.2). */
export function onClientCertificate(io: HandshakeIo, cfg: ServerConfig, hs: ServerHs13, enc: EncodedMessage): ServerState13 {
  const m = expectMessage(enc, 'Certificate');
  if (m.context.length !== 0) throw new TlsError('PeerIllegalParameter', 'client Certificate with a wrong certificate_request_context');
  hs.transcript.add(enc.bytes);
  if (m.entries.length === 0) {
    // RFC 8446 §4.4.2.4: no certificate when one is required → certificate_required.
    if (cfg.clientAuth === 'require') throw new TlsError('PeerNoCertificate', 'the client sent no certificate, but one is required');
    io.note('The client sent no certificate; continuing without client authentication.', 'RFC 8446 §4.4.2.4');
    return { name: 'ExpectClientFinished', hs };
  }
  const chain = m.entries.map((e) => e.certData);
  const leafKey = verifyPeerChain(io, { chain, purpose: 'client', anchors: cfg.clientTrustAnchors ?? [], now: cfg.now ?? new Date(), ...cfg.peerVerification });
  return { name: 'ExpectClientCertificateVerify', hs, leafKey };
}

export function onClientCertificateVerify(io: HandshakeIo, st: Extract<ServerState13, { name: 'ExpectClientCertificateVerify' }>, enc: EncodedMessage): ServerState13 {
  const m = expectMessage(enc, 'CertificateVerify');
  checkCertificateVerify(io, st.hs.transcript, st.hs.suite, m, st.leafKey, st.hs.requestedSchemes ?? [], CLIENT_CV_CONTEXT);
  st.hs.transcript.add(enc.bytes);
  return { name: 'ExpectClientFinished', hs: st.hs };
}

/** The client's Finished: check it, switch to the client's application keys. */
export function onClientFinished(io: HandshakeIo, cfg: ServerConfig, hs: ServerHs13, enc: EncodedMessage): ServerState13 {
  const m = expectMessage(enc, 'Finished');
  const h = hs.suite.hash;
  if (m.verifyData.length !== hashLen(h)) throw new TlsError('DecodeError', `Finished.verify_data is ${m.verifyData.length} bytes, expected ${hashLen(h)}`);
  const expected = hs.ks.finished(hs.clientHs, 'client_handshake_traffic_secret', 'client', hs.transcript.hash(h), 'ClientHello...server Finished');
  // RFC 8446 §4.4.4: a wrong verify_data is a decrypt_error.
  if (!equalBytes(expected, m.verifyData)) throw new TlsError('PeerBadFinished', 'client Finished.verify_data does not match');
  hs.transcript.add(enc.bytes);
  const ck = hs.ks.trafficKeys(hs.clientAppSecret, 'client_application_traffic_secret_0', 'client_application', hs.suite.keyLen, hs.suite.ivLen);
  io.setReadProtection(new Protection13(hs.suite, ck.key, ck.iv, 'client_application_traffic_secret_0'));
  const rms = hs.ks.deriveResumptionMasterSecret(hs.transcript.hash(h));
  sendNewSessionTickets(io, cfg, hs.ks, hs.suite, rms, hs.alpn);
  io.flush();
  return {
    name: 'Connected',
    app: { suite: hs.suite, ks: hs.ks, clientSecret: hs.clientAppSecret, serverSecret: hs.serverAppSecret, clientGeneration: 0, serverGeneration: 0 },
  };
}
