/**
 * The server's view of ClientHello (RFC 8446 §4.1.2, RFC 5246 §7.4.1.2): which version to
 * speak, and each version's parameter choices in server preference order — TLS 1.3: suite,
 * group (or HelloRetryRequest), signature scheme, ALPN; TLS 1.2: suite, group, signature
 * scheme, extended master secret, renegotiation_info, ALPN. The TLS 1.3 states continue in
 * tls13.ts, the TLS 1.2 states in tls12.ts; both are handed a `ServerContext`.
 */
import type { GroupName, ServerConfig } from '../config';
import { TLS13_SUITES, type Suite13 } from '../crypto/tls13-suites';
import { GROUP_CODES } from '../crypto/ecdhe';
import type { PrivateKey, PublicKey, SignatureSchemeName } from '../crypto/keys';
import { schemesForKey, SIGNATURE_SCHEME_CODES } from '../crypto/signature';
import { schemesForKeyTls12, tls12SchemeCode, type Tls12SchemeName } from '../crypto/tls12-signing';
import { suiteAcceptsKey, TLS12_SUITES, type Tls12Suite } from '../crypto/tls12-suites';
import { TlsError } from '../errors';
import type { TlsVersionName } from '../events';
import { SSL3, TLS12, TLS13 } from '../msgs/enums';
import { findExt, type KeyShareEntry } from '../msgs/extensions';
import type { ClientHelloMsg } from '../msgs/handshake';

export type { ClientHelloMsg } from '../msgs/handshake';
import { describePublicKey, parseCertificateCached, publicKeysEqual } from '../pki/parse';
import type { HandshakeIo } from '../record/handshake-io';

/** What every server state handler is given: the connection's handle and the server's configuration. */
export interface ServerContext {
  io: HandshakeIo;
  config: ServerConfig;
}

/**
 * RFC 8446 §D.5: a ClientHello.legacy_version of 0x0300 (SSL 3.0) or less is refused with
 * protocol_version, whatever supported_versions offers — in the first and the second ClientHello.
 */
export function checkLegacyVersion(ch: ClientHelloMsg): void {
  if (ch.legacyVersion <= SSL3) {
    throw new TlsError('IncompatibleVersion', `ClientHello.legacy_version 0x${ch.legacyVersion.toString(16).padStart(4, '0')} is SSL 3.0 or older (RFC 8446 §D.5)`);
  }
}

/** Which version this ClientHello gets (RFC 8446 §4.2.1, RFC 5246 §E.1). */
export function chooseVersion(cfg: ServerConfig, ch: ClientHelloMsg): TlsVersionName {
  const ours = cfg.versions ?? ['TLS 1.3'];
  checkLegacyVersion(ch);
  const sv = findExt(ch.extensions, 'supported_versions');
  if (sv) {
    if (ours.includes('TLS 1.3') && sv.versions.includes(TLS13)) return 'TLS 1.3';
    if (ours.includes('TLS 1.2') && sv.versions.includes(TLS12)) return 'TLS 1.2';
  } else if (ours.includes('TLS 1.2') && ch.legacyVersion >= TLS12) {
    return 'TLS 1.2';
  }
  // RFC 8446 §4.2.1: no common version → protocol_version.
  throw new TlsError('IncompatibleVersion', `no common protocol version (we accept ${ours.join(', ')})`);
}

export interface Params13 {
  suite: Suite13;
  group: GroupName;
  /** The client's share for `group`, or undefined → HelloRetryRequest. */
  share?: KeyShareEntry;
  /** Undefined when the certificate's key type is one we cannot sign with: the flight stops before CertificateVerify. */
  scheme?: SignatureSchemeName;
  alpn?: string;
  serverName?: string;
}

/** The public key in the server's leaf certificate, or undefined when its type is one we cannot use (e.g. P-521). */
export function leafKeyIfSupported(cfg: ServerConfig): PublicKey | undefined {
  const leaf = cfg.cert.chain[0];
  if (!leaf) throw new TlsError('LocalConfig', 'the server has no certificate');
  try {
    return parseCertificateCached(leaf).publicKey ?? undefined;
  } catch (e) {
    throw new TlsError('LocalConfig', `the server certificate does not parse: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** The public key in the server's leaf certificate: what the client will verify against. */
export function serverPublicKey(cfg: ServerConfig): PublicKey {
  const pk = leafKeyIfSupported(cfg);
  if (!pk) throw new TlsError('LocalConfig', 'the server certificate key type is not supported');
  return pk;
}

/**
 * The server's private key if it belongs to its leaf certificate. A key of another
 * certificate could only make signatures (or decrypt premasters) the client rejects, so it is
 * reported and treated as no key: the server cannot prove it owns the certificate.
 */
export function serverSigningKey(io: HandshakeIo, cfg: ServerConfig): PrivateKey | undefined {
  const key = cfg.cert.key;
  if (!key) return undefined;
  const pub = serverPublicKey(cfg);
  if (publicKeysEqual(key.publicKey, pub)) return key;
  io.note(
    `The server's private key (${describePublicKey(key.publicKey)}) does not belong to its certificate, whose public key is ${describePublicKey(pub)}: the server has no usable key for it.`,
  );
  return undefined;
}

/** The application protocol (RFC 7301 §3.2, both versions): our first that the client offers; none in common → no_application_protocol. */
export function chooseAlpn(cfg: ServerConfig, ch: ClientHelloMsg): string | undefined {
  const ca = findExt(ch.extensions, 'alpn');
  if (!ca || !cfg.alpn || cfg.alpn.length === 0) return undefined;
  const alpn = cfg.alpn.find((p) => ca.protocols.includes(p));
  if (!alpn) throw new TlsError('IncompatibleAlpn', `no application protocol in common (client offers ${ca.protocols.join(', ')})`);
  return alpn;
}

/** Chooses the TLS 1.3 parameters (server preference order). */
export function chooseParams13(cfg: ServerConfig, ch: ClientHelloMsg): Params13 {
  // RFC 8446 §4.1.2: TLS 1.3 ClientHello compression must be exactly [null].
  if (ch.legacyCompressionMethods.length !== 1 || ch.legacyCompressionMethods[0] !== 0) {
    throw new TlsError('PeerIllegalParameter', 'legacy_compression_methods must be exactly [0] in TLS 1.3');
  }
  const ourSuites = TLS13_SUITES.filter((s) => !cfg.cipherSuites || cfg.cipherSuites.includes(s.name)).sort((a, b) =>
    cfg.cipherSuites ? cfg.cipherSuites.indexOf(a.name) - cfg.cipherSuites.indexOf(b.name) : 0,
  );
  const suite = ourSuites.find((s) => ch.cipherSuites.includes(s.code));
  if (!suite) throw new TlsError('IncompatibleParameters', 'no cipher suite in common');

  // RFC 8446 §9.2: key_share requires supported_groups, and (no PSK) both are required.
  const sg = findExt(ch.extensions, 'supported_groups');
  const ks = findExt(ch.extensions, 'key_share');
  if (!sg) throw new TlsError('PeerMissingExtension', 'ClientHello without supported_groups');
  if (!ks) throw new TlsError('PeerMissingExtension', 'ClientHello without key_share');
  const seen = new Set<number>();
  for (const s of ks.shares) {
    // RFC 8446 §4.2.8: at most one share per group, and only for offered groups.
    if (seen.has(s.group)) throw new TlsError('PeerIllegalParameter', 'two key shares for the same group');
    seen.add(s.group);
    if (!sg.groups.includes(s.group)) throw new TlsError('PeerIllegalParameter', 'key share for a group not in supported_groups');
  }
  const ourGroups = cfg.groups ?? ['x25519', 'secp256r1'];
  let group: GroupName | undefined;
  let share: KeyShareEntry | undefined;
  for (const g of ourGroups) {
    const s = ks.shares.find((x) => x.group === GROUP_CODES[g]);
    if (s) {
      group = g;
      share = s;
      break;
    }
  }
  if (!group) group = ourGroups.find((g) => sg.groups.includes(GROUP_CODES[g]));
  if (!group) throw new TlsError('IncompatibleParameters', 'no key exchange group in common');

  const sa = findExt(ch.extensions, 'signature_algorithms');
  if (!sa) throw new TlsError('PeerMissingExtension', 'ClientHello without signature_algorithms');
  const key = leafKeyIfSupported(cfg);
  const allowed = cfg.signatureSchemes;
  const scheme = key
    ? schemesForKey(key).find((s) => !s.startsWith('rsa_pkcs1') && sa.schemes.includes(SIGNATURE_SCHEME_CODES[s]) && (!allowed || allowed.includes(s)))
    : undefined;
  if (key && !scheme) throw new TlsError('IncompatibleParameters', `the client accepts no signature scheme our ${key.type} certificate key can make`);

  const alpn = chooseAlpn(cfg, ch);
  const sni = findExt(ch.extensions, 'server_name');
  const serverName = sni?.hostNames[0];
  return { suite, group, ...(share ? { share } : {}), ...(scheme ? { scheme } : {}), ...(alpn ? { alpn } : {}), ...(serverName ? { serverName } : {}) };
}

// ---------------------------------------------------------------------------------------------
// TLS 1.2 (server preference order)

/** The TLS 1.2 renegotiation SCSV (RFC 5746 §3.3). */
const TLS_EMPTY_RENEGOTIATION_INFO_SCSV = 0x00ff;
/** Signals a downgraded retry (RFC 7507 §2). */
const TLS_FALLBACK_SCSV = 0x5600;

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
