/**
 * The client's hello: the offer (what the ClientHello proposes), building the ClientHello
 * (RFC 8446 §4.1.2, with the TLS 1.2 extensions of RFC 5246 §7.4.1.4 when TLS 1.2 is offered)
 * and the version-independent checks of ServerHello (§4.1.3) that decide which flow continues —
 * TLS 1.3 (tls13.ts) or TLS 1.2 (tls12.ts). With a PSK (resume.ts) the ClientHello carries
 * its binder (RFC 8446 §4.2.11.2). A HelloRetryRequest (§4.1.4) makes a new offer and a second
 * ClientHello; ExpectServerHello then waits again (client.ts).
 *
 * Nothing here changes its inputs: encoding a ClientHello returns the message and the offer
 * with the extensions it carries; a HelloRetryRequest returns the next ExpectServerHello data.
 */
import { concatBytes, equalBytes } from '../codec/hex';
import type { ClientConfig, GroupName, ResumptionTicket } from '../config';
import { hash } from '../crypto/hash';
import type { KeySchedule } from '../crypto/tls13-key-schedule';
import { suite13ByCode, type Suite13 } from '../crypto/tls13-suites';
import type { Transcript } from '../crypto/transcript';
import type { SignatureSchemeName } from '../crypto/keys';
import { SIGNATURE_SCHEME_CODES, SIGNATURE_SCHEMES } from '../crypto/signature';
import { TLS13_SUITES } from '../crypto/tls13-suites';
import { TLS12_SUITES } from '../crypto/tls12-suites';
import { drawPrivateKey, generateKeyShare, groupByCode, GROUP_CODES, type KeyShareKeys } from '../crypto/ecdhe';
import { TlsError } from '../errors';
import type { TlsVersionName } from '../events';
import { CIPHER_SUITES, codeOf, DOWNGRADE_TLS11, DOWNGRADE_TLS12, EXTENSION_TYPES, GROUPS, nameOf, SSL3, TLS12, TLS13 } from '../msgs/enums';
import { extensionCode, findExt, type Extension } from '../msgs/extensions';
import { encodeHandshake, type ClientHelloMsg, type EncodedMessage, type HandshakeMessage } from '../msgs/handshake';

export type { ClientHelloMsg } from '../msgs/handshake';
import type { Encoded12 } from '../msgs/handshake12';
import type { HandshakeIo } from '../record/handshake-io';

export type ServerHelloMsg = Extract<HandshakeMessage, { type: 'ServerHello' | 'HelloRetryRequest' }>;

/** What a client state handler works with: the connection's io and the client's configuration. */
export interface ClientContext {
  io: HandshakeIo;
  config: ClientConfig;
  /**
   * A TLS 1.2 message we send, on its way out before it joins the transcript: itself — unless
   * the client is one made to commit a fault (faults/faulty-client.ts), which rewrites it.
   */
  outgoing(enc: Encoded12): Encoded12;
}

/** What the client offered (kept to check the server's choices against). Never changed once made. */
export interface Offer {
  random: Uint8Array;
  sessionId: Uint8Array;
  versions: number[];
  suites: number[];
  groups: GroupName[];
  keyShares: KeyShareKeys[];
  schemes: SignatureSchemeName[];
  alpn: string[];
  serverName?: string;
  /** Extension codes sent in the ClientHello (a reply may only contain these); filled by `encodeClientHello`. */
  sentExtensions: ReadonlySet<number>;
  cookie?: Uint8Array;
  /** Set once a HelloRetryRequest was answered. */
  retried?: boolean;
  /** The ticket offered for resumption (client/resume.ts), with its key schedule. */
  psk?: OfferedPsk;
  /** 0-RTT data goes with this (first) ClientHello: early_data is offered (RFC 8446 §4.2.10). */
  earlyData?: boolean;
}

/** 0-RTT as the handshake goes: offered with the ClientHello, then accepted or rejected (RFC 8446 §4.2.10). */
export type EarlyDataStatus = 'offered' | 'accepted' | 'rejected';

/** A ticket's PSK as offered in pre_shared_key (RFC 8446 §4.2.11). */
export interface OfferedPsk {
  ticket: ResumptionTicket;
  suite: Suite13;
  /** Started with Early Secret = HKDF-Extract(0, PSK); continues if the server accepts. */
  ks: KeySchedule;
  binderKey: Uint8Array;
  /** obfuscated_ticket_age = (ticket age in ms + ticket_age_add) mod 2^32. */
  readonly obfuscatedAge: number;
}

export const DEFAULT_GROUPS: GroupName[] = ['x25519', 'secp256r1'];

function versionCode(v: TlsVersionName): number {
  return v === 'TLS 1.3' ? TLS13 : TLS12;
}

function isIpLiteral(host: string): boolean {
  return /^[0-9.]+$/.test(host) || host.includes(':');
}

/** The first offer: randoms, key shares and lists from the configuration. */
export function makeOffer(cfg: ClientConfig): Offer {
  const versions = (cfg.versions ?? ['TLS 1.3']).map(versionCode);
  const suiteNames = cfg.cipherSuites ?? [
    ...(versions.includes(TLS13) ? TLS13_SUITES.map((s) => s.name) : []),
    // TLS 1.2 suites in crypto/tls12-suites.ts preference order (ECDHE first, RSA key transport last).
    ...(versions.includes(TLS12) ? TLS12_SUITES.map((s) => s.name) : []),
  ];
  const suites = suiteNames.map((n) => {
    const c = codeOf(CIPHER_SUITES, n);
    if (c === undefined) throw new TlsError('LocalConfig', `unknown cipher suite ${n}`);
    return c;
  });
  const groups = cfg.groups ?? DEFAULT_GROUPS;
  const shareGroups = cfg.keyShareGroups ?? [groups[0]!];
  // Only a TLS 1.3 ClientHello carries key shares. A TLS 1.2-only client computes none (its
  // ECDHE key comes after ServerKeyExchange), but draws the same bytes from the rng, so a seed
  // gives the same randoms as it always has.
  const keyShares = versions.includes(TLS13)
    ? shareGroups.map((g) => generateKeyShare(g, cfg.rng, cfg.fixed?.keyShares?.[g]))
    : (shareGroups.forEach((g) => drawPrivateKey(g, cfg.rng, cfg.fixed?.keyShares?.[g])), []);
  const random = cfg.fixed?.random ?? cfg.rng(32);
  const compat = cfg.middleboxCompat ?? true;
  const sessionId = cfg.fixed?.sessionId ?? (compat ? cfg.rng(32) : new Uint8Array(0));
  return {
    random,
    sessionId,
    versions,
    suites,
    groups,
    keyShares,
    schemes: cfg.signatureSchemes ?? [...SIGNATURE_SCHEMES],
    alpn: cfg.alpn ?? [],
    ...(cfg.serverName && cfg.sendServerName !== false && !isIpLiteral(cfg.serverName) ? { serverName: cfg.serverName } : {}),
    sentExtensions: new Set(),
  };
}

/**
 * The extensions only TLS 1.2 needs (supported_groups, signature_algorithms, server_name and
 * ALPN serve both versions): ec_point_formats (RFC 8422 §5.1.2), extended_master_secret
 * (RFC 7627 §5.1) and an empty renegotiation_info (RFC 5746 §3.4).
 */
export function tls12ClientExtensions(cfg: ClientConfig): Extension[] {
  const exts: Extension[] = [{ type: 'ec_point_formats', formats: [0] }];
  if (cfg.extendedMasterSecret ?? true) exts.push({ type: 'extended_master_secret' });
  exts.push({ type: 'renegotiation_info', renegotiatedConnection: new Uint8Array(0) });
  return exts;
}

/**
 * Builds the ClientHello for an offer (RFC 8446 §4.1.2); `cookie` after a HelloRetryRequest.
 * With a PSK the binder is zeros, to be filled by client/resume.ts `encodeClientHello`.
 */
export function buildClientHello(cfg: ClientConfig, offer: Offer): ClientHelloMsg {
  const own: Extension[] = [];
  if (offer.serverName) own.push({ type: 'server_name', hostNames: [offer.serverName] });
  own.push({ type: 'supported_groups', groups: offer.groups.map((g) => GROUP_CODES[g]) });
  own.push({ type: 'signature_algorithms', schemes: offer.schemes.map((s) => SIGNATURE_SCHEME_CODES[s]) });
  if (offer.alpn.length > 0) own.push({ type: 'alpn', protocols: offer.alpn });
  if (offer.versions.includes(TLS12)) own.push(...tls12ClientExtensions(cfg));
  if (offer.versions.includes(TLS13)) {
    own.push({ type: 'supported_versions', versions: offer.versions });
    own.push({ type: 'key_share', shares: offer.keyShares.map((k) => ({ group: GROUP_CODES[k.group], keyExchange: k.publicKey })) });
    if (offer.cookie) own.push({ type: 'cookie', cookie: offer.cookie });
    // RFC 8446 §4.2.10: early_data only in a first ClientHello.
    if (offer.earlyData && !offer.retried) own.push({ type: 'early_data' });
    if (offer.psk) {
      // RFC 8446 §4.2.9, §4.2.11: psk_dhe_ke only; the binder is filled in once the rest is encoded (client/resume.ts).
      own.push({ type: 'psk_key_exchange_modes', modes: [1] });
      own.push({
        type: 'pre_shared_key',
        identities: [{ identity: offer.psk.ticket.ticket, obfuscatedTicketAge: offer.psk.obfuscatedAge }],
        binders: [new Uint8Array(offer.psk.ks.hashLength)],
      });
    }
  }
  const extensions = shapeExtensions(cfg, offer, own);
  return {
    type: 'ClientHello',
    legacyVersion: TLS12,
    random: offer.random,
    legacySessionId: offer.sessionId,
    cipherSuites: offer.suites,
    legacyCompressionMethods: new Uint8Array([0]),
    extensions,
  };
}

/** `fixed.extensions` (a pasted ClientHello's order and opaque extensions) applied to our own; pre_shared_key last. */
function shapeExtensions(cfg: ClientConfig, offer: Offer, own: Extension[]): Extension[] {
  let extensions = own;
  const shape = (offer.cookie || offer.retried ? cfg.fixed?.retryExtensions : undefined) ?? cfg.fixed?.extensions;
  if (shape) {
    extensions = [];
    for (const s of shape) {
      if (s.data) extensions.push({ type: 'opaque', code: s.type, data: s.data });
      else {
        const e = own.find((x) => extensionCode(x) === s.type);
        if (e) extensions.push(e);
      }
    }
    // A cookie from a HelloRetryRequest is always echoed.
    if (offer.cookie && !extensions.some((e) => e.type === 'cookie')) extensions.push({ type: 'cookie', cookie: offer.cookie });
    if (offer.psk) {
      for (const t of ['psk_key_exchange_modes', 'pre_shared_key'] as const) {
        const e = own.find((x) => x.type === t)!;
        if (!extensions.includes(e)) extensions.push(e);
      }
    }
  }
  // RFC 8446 §4.2.11: pre_shared_key MUST be the last extension.
  const pskAt = extensions.findIndex((e) => e.type === 'pre_shared_key');
  if (pskAt >= 0 && pskAt !== extensions.length - 1) extensions.push(...extensions.splice(pskAt, 1));
  return extensions;
}

/** The client's clock for ticket ages: the configured `now`, else the system time. */
export function clientNow(cfg: ClientConfig): number {
  return (cfg.now ?? new Date()).getTime();
}

/** A ClientHello as encoded, and the offer it makes (with the extensions it carries). */
export interface SentClientHello {
  hello: EncodedMessage;
  offer: Offer;
}

/**
 * Encodes the ClientHello for `offer`. With a PSK, the binder is computed over
 * Transcript-Hash(prefix ‖ Truncate(ClientHello)) — `prefix` is empty for the first
 * ClientHello, message_hash ‖ HelloRetryRequest for the second — and the message encoded
 * again with it (same length, so the truncated part is unchanged). RFC 8446 §4.2.11.2.
 */
export function encodeClientHello(cfg: ClientConfig, offer: Offer, prefix: Uint8Array): SentClientHello {
  const msg = buildClientHello(cfg, offer);
  const sent: Offer = { ...offer, sentExtensions: new Set(msg.extensions.map(extensionCode)) };
  const psk = offer.psk;
  const enc = encodeHandshake(msg);
  if (!psk) return { hello: enc, offer: sent };
  const ext = findExt(msg.extensions, 'pre_shared_key')!;
  const bindersLen = 2 + ext.binders.reduce((n, b) => n + 1 + b.length, 0);
  const truncated = enc.bytes.subarray(0, enc.bytes.length - bindersLen);
  const th = hash(psk.suite.hash, concatBytes(prefix, truncated));
  const binder = psk.ks.binder(psk.binderKey, th, prefix.length > 0 ? 'ClientHello1, HelloRetryRequest, Truncate(ClientHello2)' : 'Truncate(ClientHello)');
  const extensions = msg.extensions.map((e) => (e === ext ? { ...ext, binders: [binder] } : e));
  return { hello: encodeHandshake({ ...msg, extensions }), offer: sent };
}

/**
 * After a HelloRetryRequest (RFC 8446 §4.1.4): the PSK to offer in the second ClientHello —
 * only if the retry's suite has the ticket's hash, with a new obfuscated age (undefined: none).
 */
export function pskAfterRetry(io: HandshakeIo, cfg: ClientConfig, psk: OfferedPsk | undefined, suite: Suite13): OfferedPsk | undefined {
  if (!psk) return undefined;
  if (psk.suite.hash !== suite.hash) {
    io.note(`The server asks for ${suite.name} (${suite.hash}); the ticket is for ${psk.suite.hash}: the second ClientHello does not offer it.`, 'RFC 8446 §4.1.4');
    return undefined;
  }
  return { ...psk, obfuscatedAge: (clientNow(cfg) - psk.ticket.receivedAt + psk.ticket.ageAdd) >>> 0 };
}

/** What the client carries between ClientHello and ServerHello. */
export interface HelloState {
  offer: Offer;
  transcript: Transcript;
  /** The first ClientHello as sent (msg_type ‖ length ‖ body): a TLS 1.2 transcript starts with it. */
  clientHello: Uint8Array;
  /** Set after a HelloRetryRequest. */
  hrr?: { suite: number; group: number };
  ccsSent: boolean;
  /** 0-RTT data was sent with the first ClientHello; 'rejected' once a HelloRetryRequest rejected it. */
  early?: 'offered' | 'rejected';
}

/**
 * HelloRetryRequest (RFC 8446 §4.1.4): check it, replace ClientHello1 in the transcript by
 * message_hash, and send ClientHello2 for a new offer (a key share for the requested group,
 * the cookie). Returns the new ExpectServerHello data.
 */
export function onHelloRetryRequest(cx: ClientContext, st: HelloState, enc: EncodedMessage<ServerHelloMsg>): HelloState {
  const { io, config: cfg } = cx;
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
  const first = st.offer;
  let keyShares = first.keyShares;
  if (ks) {
    const group = groupByCode(ks.selectedGroup);
    // RFC 8446 §4.2.8: the group must be offered in supported_groups and not already have a share.
    if (!group || !first.groups.includes(group)) {
      throw new TlsError('PeerIllegalParameter', `HelloRetryRequest asks for ${nameOf(GROUPS, ks.selectedGroup)}, which was not offered`);
    }
    if (first.keyShares.some((k) => k.group === group)) {
      throw new TlsError('PeerIllegalParameter', `HelloRetryRequest asks for ${group}, for which a key share was already sent`);
    }
    keyShares = [generateKeyShare(group, cfg.rng, cfg.fixed?.keyShares?.[group])];
  }
  let early = st.early;
  if (early === 'offered') {
    // RFC 8446 §4.2.10: a HelloRetryRequest rejects 0-RTT; ClientHello2 goes in the clear, without early_data.
    early = 'rejected';
    io.setWriteProtection(null);
    io.emit({ type: 'negotiated', version: 'TLS 1.3', earlyData: 'rejected' });
    io.note('The HelloRetryRequest rejects our 0-RTT data: send it again once connected.', 'RFC 8446 §4.2.10');
  }
  const psk = pskAfterRetry(io, cfg, first.psk, suite);
  const { psk: _firstPsk, earlyData: _firstEarly, ...rest } = first;
  const retry: Offer = { ...rest, keyShares, retried: true, ...(cookie ? { cookie: cookie.cookie } : {}), ...(psk ? { psk } : {}) };
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
  const ch2 = encodeClientHello(cfg, retry, st.transcript.bytes());
  st.transcript.add(ch2.hello.bytes);
  io.queueHandshake(ch2.hello);
  io.flush();
  const hrrGroup = ks?.selectedGroup ?? GROUP_CODES[keyShares[0]!.group];
  return { offer: ch2.offer, transcript: st.transcript, clientHello: st.clientHello, hrr: { suite: hrr.cipherSuite, group: hrrGroup }, ccsSent, ...(early ? { early } : {}) };
}

/**
 * Version-independent ServerHello checks; returns the negotiated version.
 * RFC 8446 §4.1.3 and §4.2.1.
 */
export function checkServerHello(sh: ServerHelloMsg, offer: Offer): TlsVersionName {
  // RFC 8446 §D.5: a ServerHello.legacy_version of 0x0300 or less is a protocol_version, whatever else it says.
  if (sh.legacyVersion <= SSL3) {
    throw new TlsError('IncompatibleVersion', `${sh.type}.legacy_version 0x${sh.legacyVersion.toString(16).padStart(4, '0')} is SSL 3.0 or older (RFC 8446 §D.5)`);
  }
  const sv = findExt(sh.extensions, 'supported_versions_selected');
  let version: number;
  if (sv) {
    // RFC 8446 §4.2.1: a version the client did not offer is an illegal_parameter.
    if (!offer.versions.includes(sv.version) || sv.version !== TLS13) {
      throw new TlsError('PeerIllegalParameter', `server selected version 0x${sv.version.toString(16)} which was not offered`);
    }
    if (sh.legacyVersion !== TLS12) throw new TlsError('PeerIllegalParameter', 'TLS 1.3 ServerHello.legacy_version must be 0x0303');
    version = sv.version;
  } else {
    version = sh.legacyVersion;
    if (sh.type === 'HelloRetryRequest') throw new TlsError('PeerMissingExtension', 'HelloRetryRequest without supported_versions');
    if (version !== TLS12 || !offer.versions.includes(TLS12)) {
      throw new TlsError('IncompatibleVersion', `server chose ${version === TLS12 ? 'TLS 1.2' : `version 0x${version.toString(16)}`}, which we did not offer`);
    }
    // RFC 8446 §4.1.3: a TLS 1.3 client that negotiated 1.2 must check the downgrade sentinel.
    const tail = sh.random.subarray(24);
    if (offer.versions.includes(TLS13) && (equalBytes(tail, DOWNGRADE_TLS12) || equalBytes(tail, DOWNGRADE_TLS11))) {
      throw new TlsError('PeerIllegalParameter', 'downgrade sentinel in ServerHello.random: a TLS 1.3 server was forced to TLS 1.2');
    }
  }
  // RFC 8446 §4.1.3: the cipher suite must be one we offered.
  if (!offer.suites.includes(sh.cipherSuite)) {
    throw new TlsError('PeerIllegalParameter', `server chose cipher suite ${nameOf(CIPHER_SUITES, sh.cipherSuite)}, which was not offered`);
  }
  if (sh.legacyCompressionMethod !== 0) throw new TlsError('PeerIllegalParameter', 'legacy_compression_method must be 0');
  // RFC 8446 §4.2: an extension we did not offer is an unsupported_extension.
  for (const e of sh.extensions) {
    const code = extensionCode(e);
    // RFC 8446 §4.2.2: a HelloRetryRequest may carry a cookie the client never sent.
    if (sh.type === 'HelloRetryRequest' && code === 44) continue;
    if (!offer.sentExtensions.has(code)) {
      throw new TlsError('PeerUnsupportedExtension', `${sh.type} carries ${nameOf(EXTENSION_TYPES, code)}, which we did not offer`);
    }
  }
  return version === TLS13 ? 'TLS 1.3' : 'TLS 1.2';
}
