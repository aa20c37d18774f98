/**
 * The TLS 1.3 server's answer to a ClientHello (RFC 8446 §2, §4.1–§4.4), in named steps:
 *
 *   chooseParams13 (hello.ts) ─ no usable key share ─▶ sendHelloRetry ─▶ ExpectSecondClientHello
 *        │ (a second ClientHello: checkSecondHello first)
 *        ▼
 *   acceptPsk: a ticket's PSK (tickets.ts) and, with it, 0-RTT accepted or rejected
 *        ▼
 *   sendServerHello: our key share, the handshake secrets and keys, [CCS]
 *        ▼
 *   sendEncryptedExtensions ─ resumed ─▶ sendFinished ─▶ ExpectEndOfEarlyData | ExpectClientFinished
 *        ▼ full handshake
 *   [CertificateRequest], Certificate, CertificateVerify (sendCertificateFlight) ─▶ sendFinished
 *        ─▶ ExpectClientCertificate (mutual TLS) | ExpectClientFinished
 *
 * Each step builds only what is known at that point; the states it ends in are in tls13.ts.
 */
import { equalBytes, toHex } from '../codec/hex';
import { generateKeyShare, GROUP_CODES } from '../crypto/ecdhe';
import { hmac } from '../crypto/hash';
import { subjectNameDer } from '../pki/x509-name';
import { KeySchedule } from '../crypto/tls13-key-schedule';
import { sign, SIGNATURE_SCHEMES as SIG_LIST, SIGNATURE_SCHEME_CODES } from '../crypto/signature';
import { Transcript } from '../crypto/transcript';
import type { Suite13 } from '../crypto/tls13-suites';
import { TlsError } from '../errors';
import { HRR_RANDOM, TLS12, TLS13 } from '../msgs/enums';
import { extensionCode, findExt, type Extension, type KeyShareEntry } from '../msgs/extensions';
import { encodeHandshake, type EncodedMessage } from '../msgs/handshake';
import { timed, type HandshakeIo } from '../record/handshake-io';
import { Protection13 } from '../record/tls13';
import { certificateVerifyContent, ecdheSharedSecret, SERVER_CV_CONTEXT, tls13Scheme } from '../handshake/tls13';
import { serverSigningKey, chooseParams13, type ClientHelloMsg, type Params13, type ServerContext } from './hello';
import { ZERO_RTT_RECORD_MS, ZERO_RTT_WINDOW_MS } from './antireplay';
import { choosePsk, offeredPsks, type AcceptedPsk } from './tickets';
import type { FirstHello, Handshake13, ServerState13 } from './tls13';

/** The PSK the handshake resumes with and, when 0-RTT is accepted, the key the early data is read with. */
interface Resumption {
  psk: AcceptedPsk;
  early?: { read: Protection13; maxEarlyData: number };
}

/** What the ClientHello offered that the answer depends on. */
interface Offer {
  ch: ClientHelloMsg;
  offersPsk: boolean;
  offersEarly: boolean;
  /** Rejected 0-RTT records are skipped up to this many bytes (RFC 8446 §4.2.10). */
  skipBudget: number;
  /** legacy_session_id set: middlebox compatibility mode (RFC 8446 §D.4). */
  compat: boolean;
  ccsSent: boolean;
  helloRetry: boolean;
}

/** ClientHello (first or second): choose, maybe retry, else send the whole server flight. */
export function onClientHello13(cx: ServerContext, enc: EncodedMessage<ClientHelloMsg>, first?: FirstHello): ServerState13 {
  const ch = enc.msg;
  const params = chooseParams13(cx.config, ch);
  const transcript = first?.transcript ?? new Transcript();
  if (first) checkSecondHello(ch, params, first);
  // The binder of a second ClientHello covers message_hash ‖ HelloRetryRequest first (RFC 8446 §4.2.11.2).
  const binderPrefix = transcript.bytes();
  const offersPsk = offeredPsks(ch) !== undefined;
  const offersEarly = findExt(ch.extensions, 'early_data') !== undefined;
  // RFC 8446 §4.1.2: a second ClientHello never offers early data.
  if (first && offersEarly) throw new TlsError('PeerIllegalParameter', 'early_data in the second ClientHello');
  const offer: Offer = {
    ch,
    offersPsk,
    offersEarly,
    skipBudget: (cx.config.maxEarlyData ?? 0) + 16384 + 256,
    compat: ch.legacySessionId.length > 0,
    ccsSent: first?.ccsSent ?? false,
    helloRetry: first !== undefined,
  };
  transcript.add(enc.bytes);
  if (!params.share) {
    if (first) throw new TlsError('PeerIllegalParameter', 'second ClientHello still has no usable key share');
    return sendHelloRetry(cx, offer, params, transcript);
  }
  const resumption = acceptPsk(cx, offer, enc.bytes, binderPrefix, params, transcript);
  const { ks, serverHs, clientHs, handshakeRead } = sendServerHello(cx, offer, params, params.share, transcript, resumption);
  sendEncryptedExtensions(cx, params, resumption?.early !== undefined, transcript);
  const suite = params.suite;
  if (resumption) {
    // RFC 8446 §2.2: the PSK authenticates the server; its Finished follows EncryptedExtensions.
    const hs = sendFinished(cx.io, { suite, ks, transcript, ...(params.alpn ? { alpn: params.alpn } : {}) }, serverHs, clientHs, 'ClientHello...EncryptedExtensions');
    const early = resumption.early;
    if (early) return { version: 'TLS 1.3', name: 'ExpectEndOfEarlyData', hs, handshakeRead, maxEarlyData: early.maxEarlyData, earlyReceived: 0 };
    return { version: 'TLS 1.3', name: 'ExpectClientFinished', hs };
  }
  const requestedSchemes = (cx.config.clientAuth ?? 'none') !== 'none' ? sendCertificateRequest(cx, transcript) : undefined;
  sendCertificateFlight(cx, params, transcript);
  const hs = sendFinished(cx.io, { suite, ks, transcript, ...(params.alpn ? { alpn: params.alpn } : {}) }, serverHs, clientHs, 'ClientHello...CertificateVerify');
  return requestedSchemes ? { version: 'TLS 1.3', name: 'ExpectClientCertificate', hs, requestedSchemes } : { version: 'TLS 1.3', name: 'ExpectClientFinished', hs };
}

/** RFC 8446 §4.1.2: the second ClientHello must answer the retry. */
function checkSecondHello(ch: ClientHelloMsg, params: Params13, first: FirstHello): void {
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

/** RFC 8446 §4.1.4: HelloRetryRequest asking for the group we want. */
function sendHelloRetry(cx: ServerContext, offer: Offer, params: Params13, transcript: Transcript): ServerState13 {
  const { io, config } = cx;
  const { ch } = offer;
  // An optional cookie (RFC 8446 §4.2.2): here a MAC over Hash(ClientHello1) with a fresh key.
  const cookie = config.fixed?.cookie ?? (config.helloRetryCookie ? hmac('SHA-256', config.rng(32), transcript.hash('SHA-256')) : undefined);
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
  if (offer.offersEarly) {
    io.note('The client sent 0-RTT data; a HelloRetryRequest rejects it: its records are skipped.', 'RFC 8446 §4.2.10');
    io.skipEarlyData(offer.skipBudget);
  }
  // RFC 8446 §D.4: the CCS goes right after our first handshake message.
  let ccsSent = offer.ccsSent;
  if (offer.compat && !ccsSent) {
    io.sendCcs();
    ccsSent = true;
  }
  return { version: 'TLS 1.3', name: 'ExpectSecondClientHello', first: { transcript, params, sessionId: ch.legacySessionId, ccsSent, ...(cookie ? { cookie } : {}) } };
}

/** Why 0-RTT data cannot be accepted (RFC 8446 §4.2.10), or undefined if it can. */
function earlyDataRefusal(cx: ServerContext, psk: AcceptedPsk | undefined, suite: Suite13, alpn: string | undefined): string | undefined {
  if (!psk) return 'no PSK was accepted';
  if (psk.index !== 0) return 'the accepted PSK is not the first one offered';
  if ((cx.config.maxEarlyData ?? 0) === 0) return 'this server accepts no early data';
  if (psk.maxEarlyData === 0) return 'the ticket allows no early data';
  if (psk.suite.code !== suite.code) return `the ticket is for ${psk.suite.name}, this handshake uses ${suite.name}`;
  if ((psk.alpn ?? '') !== (alpn ?? '')) return `the ticket's ALPN is "${psk.alpn ?? ''}", this handshake's "${alpn ?? ''}"`;
  // RFC 8446 §8.3: a ClientHello whose ticket age is far from ours may be a replay.
  if (psk.ageSkew !== undefined && psk.ageSkew > ZERO_RTT_WINDOW_MS) return `the ticket age differs from the server's by ${psk.ageSkew} ms`;
  return undefined;
}

/** Whether the early data is read: refused (with why), a replay (RFC 8446 §8.2), or accepted. */
function acceptsEarly(cx: ServerContext, offer: Offer, psk: AcceptedPsk | undefined, params: Params13): psk is AcceptedPsk {
  const { io, config } = cx;
  const why = earlyDataRefusal(cx, psk, params.suite, params.alpn);
  if (why) {
    io.note(`0-RTT data rejected (${why}): its records are skipped; the client may send the data again after the handshake.`, 'RFC 8446 §4.2.10');
    io.skipEarlyData(offer.skipBudget);
    return false;
  }
  if (psk && config.antiReplay?.seen(psk.binder, (config.now ?? new Date()).getTime(), ZERO_RTT_RECORD_MS)) {
    // RFC 8446 §8.2: a ClientHello recorded while it could still pass the freshness check is a replay; the handshake goes on
    // as a 1-RTT resumption (a replayer has no keys to finish it), its early data is never read.
    io.note(
      `This ClientHello was seen before: a replay; early data rejected (RFC 8446 §8.2). Its PSK binder (${toHex(psk.binder).slice(0, 16)}…) was recorded within the last ${ZERO_RTT_RECORD_MS / 1000} s; the 0-RTT records are skipped and the handshake continues as a 1-RTT resumption.`,
      'RFC 8446 §8.2',
    );
    io.skipEarlyData(offer.skipBudget);
    return false;
  }
  return psk !== undefined;
}

/**
 * RFC 8446 §4.2.11: a PSK from a ticket we issued, for a suite of the same hash, whose binder
 * verifies; with it, 0-RTT (§4.2.10) only with the first PSK, the ticket's suite and ALPN, a
 * fresh ticket age. Undefined: a full handshake.
 */
function acceptPsk(cx: ServerContext, offer: Offer, chBytes: Uint8Array, binderPrefix: Uint8Array, params: Params13, transcript: Transcript): Resumption | undefined {
  const { io, config } = cx;
  const suite = params.suite;
  const psk = choosePsk(io, config, offer.ch, chBytes, binderPrefix, suite);
  if (offer.offersPsk && !psk) io.note('No offered ticket can be used: this is a full handshake (the server authenticates with its certificate).', 'RFC 8446 §4.2.11');
  if (!offer.offersEarly || !acceptsEarly(cx, offer, psk, params)) return psk ? { psk } : undefined;
  // client_early_traffic_secret = Derive-Secret(Early Secret, "c e traffic", ClientHello) (RFC 8446 §7.1).
  const chHash = transcript.hash(suite.hash);
  const secret = psk.ks.deriveEarlyTrafficSecret(chHash);
  psk.ks.deriveEarlyExporterSecret(chHash);
  const ek = psk.ks.trafficKeys(secret, 'client_early_traffic_secret', 'client_early', suite.keyLen, suite.ivLen);
  const read = new Protection13(suite, ek.key, ek.iv, 'client_early_traffic_secret');
  io.note(
    config.antiReplay
      ? `0-RTT accepted: the client's early data (up to ${psk.maxEarlyData} bytes) is read under client_early_traffic_secret until EndOfEarlyData. This ClientHello is new: its PSK binder is now recorded, so a replay of it would be caught (RFC 8446 §8.2).`
      : `0-RTT accepted without replay protection: the client's early data (up to ${psk.maxEarlyData} bytes) is read under client_early_traffic_secret until EndOfEarlyData. This server records no ClientHellos (RFC 8446 §8.2), so the same ClientHello and early data sent again within the freshness window would be accepted again.`,
    'RFC 8446 §4.2.10',
  );
  return { psk, early: { read, maxEarlyData: Math.min(psk.maxEarlyData, config.maxEarlyData ?? 0) } };
}

/** The keys the ServerHello step makes: the schedule, both handshake traffic secrets, the client's handshake read key. */
interface HandshakeKeys13 {
  ks: KeySchedule;
  serverHs: Uint8Array;
  clientHs: Uint8Array;
  handshakeRead: Protection13;
}

/** The ServerHello and the negotiated parameters it fixes (RFC 8446 §4.1.3). */
function negotiated13(cx: ServerContext, offer: Offer, params: Params13, resumption: Resumption | undefined): void {
  const { config } = cx;
  const resumed = resumption !== undefined;
  cx.io.emit({
    type: 'negotiated',
    version: 'TLS 1.3',
    cipherSuite: params.suite.name,
    group: params.group,
    helloRetry: offer.helloRetry,
    keyExchange: 'ECDHE',
    ...(params.scheme && !resumed ? { signatureScheme: params.scheme } : {}),
    ...(params.alpn ? { alpn: params.alpn } : {}),
    ...(params.serverName ? { serverName: params.serverName } : {}),
    // RFC 8446 §4.3.2: no CertificateRequest in a handshake authenticated with a PSK.
    clientAuth: resumed ? 'none' : config.clientAuth === 'require' ? 'required' : config.clientAuth === 'request' ? 'requested' : 'none',
    ...(resumed && (config.clientAuth ?? 'none') !== 'none' ? { clientAuthSkipped: 'psk-resumption' as const } : {}),
    ...(offer.offersPsk ? { resumed } : {}),
    ...(offer.offersEarly ? { earlyData: resumption?.early ? ('accepted' as const) : ('rejected' as const) } : {}),
  });
}

/**
 * ServerHello with our key share (RFC 8446 §4.2.8), then the handshake secrets (§7.1): our
 * writes go under server_handshake_traffic_secret, the client's reads under its early key
 * (0-RTT accepted) or its handshake key.
 */
function sendServerHello(cx: ServerContext, offer: Offer, params: Params13, share: KeyShareEntry, transcript: Transcript, resumption: Resumption | undefined): HandshakeKeys13 {
  const { io, config } = cx;
  const suite = params.suite;
  const psk = resumption?.psk;
  const ours = generateKeyShare(params.group, config.rng, config.fixed?.keyShares?.[params.group]);
  const shared = ecdheSharedSecret(io, params.group, ours.privateKey, share.keyExchange);
  const sh = encodeHandshake({
    type: 'ServerHello',
    legacyVersion: TLS12,
    random: config.fixed?.random ?? config.rng(32),
    legacySessionIdEcho: offer.ch.legacySessionId,
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
  negotiated13(cx, offer, params, resumption);

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
  io.setReadProtection(resumption?.early?.read ?? handshakeRead);
  // RFC 8446 §D.4: the CCS goes right after our first handshake message (it is never protected;
  // sent after the key derivation so the keys show with the ServerHello that made them).
  if (offer.compat && !offer.ccsSent) io.sendCcs();
  return { ks, serverHs: hsSecrets.server, clientHs: hsSecrets.client, handshakeRead };
}

/** EncryptedExtensions (RFC 8446 §4.3.1): what we answer to server_name, ALPN and early_data (or the fixed list a test asks for). */
function sendEncryptedExtensions(cx: ServerContext, params: Params13, earlyAccepted: boolean, transcript: Transcript): void {
  const fixed = cx.config.fixed?.extensions;
  const own: Extension[] = [];
  if (params.serverName) own.push({ type: 'server_name', hostNames: [] });
  if (params.alpn) own.push({ type: 'alpn', protocols: [params.alpn] });
  if (earlyAccepted) own.push({ type: 'early_data' });
  let exts = own;
  if (fixed) {
    exts = [];
    for (const s of fixed) {
      if (s.data) exts.push({ type: 'opaque', code: s.type, data: s.data });
      else {
        const e = own.find((x) => extensionCode(x) === s.type);
        if (e) exts.push(e);
      }
    }
  }
  const ee = encodeHandshake({ type: 'EncryptedExtensions', extensions: exts });
  transcript.add(ee.bytes);
  cx.io.queueHandshake(ee);
}

/** CertificateRequest (RFC 8446 §4.3.2); returns the signature schemes it offers. */
function sendCertificateRequest(cx: ServerContext, transcript: Transcript): number[] {
  const schemes = SIG_LIST.filter(tls13Scheme).map((s) => SIGNATURE_SCHEME_CODES[s]);
  // RFC 8446 §4.2.4: certificate_authorities names the CAs we accept client certificates from.
  const names = (cx.config.clientTrustAnchors ?? []).map(subjectNameDer).filter((n): n is Uint8Array => n !== undefined);
  const exts: Extension[] = [{ type: 'signature_algorithms', schemes }];
  if (names.length > 0) exts.push({ type: 'certificate_authorities', names });
  const cr = encodeHandshake({ type: 'CertificateRequest', context: new Uint8Array(0), extensions: exts });
  transcript.add(cr.bytes);
  cx.io.queueHandshake(cr);
  return schemes;
}

/** Certificate and CertificateVerify (RFC 8446 §4.4.2, §4.4.3): the chain, and proof we own its key. */
function sendCertificateFlight(cx: ServerContext, params: Params13, transcript: Transcript): void {
  const { io, config } = cx;
  const cert = encodeHandshake({ type: 'Certificate', context: new Uint8Array(0), entries: config.cert.chain.map((certData) => ({ certData, extensions: [] })) });
  transcript.add(cert.bytes);
  io.queueHandshake(cert);

  const scheme = params.scheme;
  const key = scheme ? serverSigningKey(io, config) : undefined;
  if (!key || !scheme) {
    // The chain still goes out, so the client's certificate checks run and are shown; then
    // the server stops, because only the key's owner can sign CertificateVerify.
    io.flush();
    if (!scheme) {
      io.note(
        'The server certificate’s key type cannot sign a TLS 1.3 CertificateVerify here (ECDSA P-256/P-384, RSA-PSS and Ed25519 can) — the handshake cannot continue.',
        'RFC 8446 §4.4.3',
      );
      throw new TlsError('LocalConfig', 'the server certificate key type is not supported: cannot sign CertificateVerify');
    }
    io.note(
      'The server has this certificate but not its private key, so it cannot sign CertificateVerify (proof that it owns the certificate) — the handshake cannot continue.',
      'RFC 8446 §4.4.3',
    );
    throw new TlsError('LocalConfig', 'no private key for the server certificate: cannot sign CertificateVerify');
  }
  const content = certificateVerifyContent(SERVER_CV_CONTEXT, transcript.hash(params.suite.hash));
  const signature = timed(io, `CertificateVerify ${scheme} signature`, () => sign(scheme, key, content, config.rng));
  const cv = encodeHandshake({ type: 'CertificateVerify', scheme: SIGNATURE_SCHEME_CODES[scheme], signature });
  transcript.add(cv.bytes);
  io.queueHandshake(cv);
}

/**
 * The server's Finished over the transcript so far (`covers` names it, for the secret event),
 * then the master secret, the application traffic secrets and the server's new write key.
 */
function sendFinished(io: HandshakeIo, base: Pick<Handshake13, 'suite' | 'ks' | 'transcript' | 'alpn'>, serverHs: Uint8Array, clientHs: Uint8Array, covers: string): Handshake13 {
  const { ks, transcript, suite } = base;
  const verifyData = ks.finished(serverHs, 'server_handshake_traffic_secret', 'server', transcript.hash(suite.hash), covers);
  const fin = encodeHandshake({ type: 'Finished', verifyData });
  transcript.add(fin.bytes);
  io.queueHandshake(fin);
  const app = ks.deriveMasterSecrets(transcript.hash(suite.hash));
  const sak = ks.trafficKeys(app.server, 'server_application_traffic_secret_0', 'server_application', suite.keyLen, suite.ivLen);
  io.setWriteProtection(new Protection13(suite, sak.key, sak.iv, 'server_application_traffic_secret_0'));
  return { suite, ks, transcript, clientHandshakeSecret: clientHs, clientAppSecret: app.client, serverAppSecret: app.server, ...(base.alpn ? { alpn: base.alpn } : {}) };
}
