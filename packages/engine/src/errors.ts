/**
 * One error type, one alert table.
 *
 * Every failure inside an endpoint is a `TlsError`. Its `kind` says what went wrong (grouped
 * by who is at fault, as in rustls); `alertFor` is the ONE place that decides which alert
 * goes on the wire for it (RFC 8446 §6.2, RFC 5246 §7.2.2) — there are no overrides: a failed
 * certificate check maps to a `Cert*` kind (pki/checks.ts), and the table below maps that kind
 * to its alert. Where the two versions differ (TLS 1.2 has no certificate_required), the table
 * holds both alerts and the error says which version it happened in. What an endpoint declines
 * without failing (a renegotiation) is a `TlsDeclineKind`, and `warningFor` picks its warning.
 */
import type { TlsVersionName } from './events';

/** Alert descriptions, RFC 8446 §6 (plus the TLS 1.2 ones we may receive). */
export const ALERT_CODES = {
  close_notify: 0,
  unexpected_message: 10,
  bad_record_mac: 20,
  record_overflow: 22,
  handshake_failure: 40,
  bad_certificate: 42,
  unsupported_certificate: 43,
  certificate_revoked: 44,
  certificate_expired: 45,
  certificate_unknown: 46,
  illegal_parameter: 47,
  unknown_ca: 48,
  access_denied: 49,
  decode_error: 50,
  decrypt_error: 51,
  protocol_version: 70,
  insufficient_security: 71,
  internal_error: 80,
  inappropriate_fallback: 86,
  user_canceled: 90,
  no_renegotiation: 100,
  missing_extension: 109,
  unsupported_extension: 110,
  unrecognized_name: 112,
  bad_certificate_status_response: 113,
  unknown_psk_identity: 115,
  certificate_required: 116,
  no_application_protocol: 120,
} as const;

export type AlertDescription = keyof typeof ALERT_CODES;

/** Name of an alert code; unknown codes print as hex (wire enums are open sets). */
export function alertName(code: number): string {
  for (const [name, c] of Object.entries(ALERT_CODES)) if (c === code) return name;
  return `unknown_alert(0x${code.toString(16).padStart(2, '0')})`;
}

/**
 * What went wrong. The first word says who is at fault:
 * - `Decode*`: the peer sent bytes that do not parse (bad lengths, truncation, trailing bytes).
 * - `Peer*`: the peer sent something well-formed but wrong for the protocol.
 * - `Incompatible*`: nothing in common (version, suite, group, ALPN).
 * - `Cert*`: the certificate checks failed; pki/checks.ts says which kind each failing check is.
 * - `Local*`: our own configuration or a bug.
 */
export type TlsErrorKind =
  | 'DecodeError' // a message or extension does not parse
  | 'DecodeRecordOverflow' // a record longer than the protocol allows
  | 'PeerUnexpectedMessage' // a message (or content type) not valid in this state
  | 'PeerIllegalParameter' // a field with a value we never offered or that is not allowed
  | 'PeerBadRecordMac' // AEAD open failed
  | 'PeerBadFinished' // Finished verify_data mismatch
  | 'PeerBadSignature' // CertificateVerify / ServerKeyExchange signature does not verify
  | 'PeerBadBinder' // a PSK binder does not verify (RFC 8446 §4.2.11.2)
  | 'PeerMissingExtension' // a mandatory extension is absent
  | 'PeerUnsupportedExtension' // an extension that may not appear here
  | 'PeerSentAlert' // the peer sent a fatal alert; we close without answering
  | 'PeerNoCertificate' // a required client certificate is missing
  | 'PeerInappropriateFallback' // TLS_FALLBACK_SCSV while we support a higher version (RFC 7507 §3)
  | 'IncompatibleVersion' // no common protocol version
  | 'IncompatibleParameters' // no common suite / group / signature scheme
  | 'IncompatibleAlpn' // no common application protocol
  | 'IncompatibleServerName' // server does not serve that name
  | 'InsufficientSecurity' // downgrade or too-weak parameters
  | CertErrorKind
  | 'LocalConfig' // our configuration cannot do this (e.g. no private key)
  | 'LocalInternal'; // a bug: should never happen

/** Why a certificate path failed (the kinds a failing check maps to, pki/checks.ts). */
export type CertErrorKind =
  | 'CertBad' // bad_certificate
  | 'CertUnsupported' // unsupported_certificate: a key, usage or extension we cannot accept
  | 'CertRevoked' // certificate_revoked: listed on a CRL
  | 'CertExpired' // certificate_expired: outside its validity period
  | 'CertUnknownCa' // unknown_ca: no path to a trust anchor
  | 'CertUnknown'; // certificate_unknown: e.g. revocation status cannot be determined

export class TlsError extends Error {
  override readonly name = 'TlsError';
  /** The protocol version the error happened in, where it decides the alert (see the table). */
  readonly version: TlsVersionName | undefined;
  constructor(
    readonly kind: TlsErrorKind,
    readonly reason: string,
    opts: { version?: TlsVersionName } = {},
  ) {
    super(`${kind}: ${reason}`);
    this.version = opts.version;
  }
}

/** An alert that depends on the version: TLS 1.3's, and TLS 1.2's where that has no such alert. */
interface ByVersion {
  tls13: AlertDescription;
  tls12: AlertDescription;
}

/** The one error → alert table. */
const ALERT_FOR_KIND: Record<TlsErrorKind, AlertDescription | ByVersion> = {
  DecodeError: 'decode_error',
  DecodeRecordOverflow: 'record_overflow',
  PeerUnexpectedMessage: 'unexpected_message',
  PeerIllegalParameter: 'illegal_parameter',
  PeerBadRecordMac: 'bad_record_mac',
  PeerBadFinished: 'decrypt_error',
  PeerBadSignature: 'decrypt_error',
  PeerBadBinder: 'decrypt_error',
  PeerMissingExtension: 'missing_extension',
  PeerUnsupportedExtension: 'unsupported_extension',
  PeerSentAlert: 'close_notify', // never sent: a received fatal alert is not answered
  // RFC 8446 §4.4.2.4: certificate_required; TLS 1.2 has no such alert: handshake_failure (RFC 5246 §7.4.6).
  PeerNoCertificate: { tls13: 'certificate_required', tls12: 'handshake_failure' },
  PeerInappropriateFallback: 'inappropriate_fallback',
  IncompatibleVersion: 'protocol_version',
  IncompatibleParameters: 'handshake_failure',
  IncompatibleAlpn: 'no_application_protocol',
  IncompatibleServerName: 'unrecognized_name',
  InsufficientSecurity: 'insufficient_security',
  CertBad: 'bad_certificate',
  CertUnsupported: 'unsupported_certificate',
  CertRevoked: 'certificate_revoked',
  CertExpired: 'certificate_expired',
  CertUnknownCa: 'unknown_ca',
  CertUnknown: 'certificate_unknown',
  LocalConfig: 'internal_error',
  LocalInternal: 'internal_error',
};

/**
 * What an endpoint declines without ending the connection. It answers with a warning alert and
 * goes on (RFC 5246 §7.2.2: no_renegotiation "is always a warning"; the requester decides
 * whether to continue).
 */
export type TlsDeclineKind = 'DeclineRenegotiation'; // a TLS 1.2 ClientHello (server) or HelloRequest (client) after the handshake: we do not renegotiate

/** The one decline → warning alert table. */
const WARNING_FOR_DECLINE: Record<TlsDeclineKind, AlertDescription> = {
  DeclineRenegotiation: 'no_renegotiation',
};

/** The warning alert that declines a request (RFC 5246 §7.2.2). */
export function warningFor(kind: TlsDeclineKind): AlertDescription {
  return WARNING_FOR_DECLINE[kind];
}

/** The alert for an error kind, in the given version (TLS 1.3 when absent). */
export function alertForKind(kind: TlsErrorKind, version?: TlsVersionName): AlertDescription {
  const a = ALERT_FOR_KIND[kind];
  return typeof a === 'string' ? a : version === 'TLS 1.2' ? a.tls12 : a.tls13;
}

/** The alert to send for an error. Anything that is not a TlsError is an internal_error. */
export function alertFor(err: unknown): AlertDescription {
  if (err instanceof TlsError) return alertForKind(err.kind, err.version);
  return 'internal_error';
}

/** Wraps anything thrown into a TlsError (non-TlsErrors are bugs: LocalInternal). */
export function asTlsError(err: unknown): TlsError {
  if (err instanceof TlsError) return err;
  const msg = err instanceof Error ? err.message : String(err);
  return new TlsError('LocalInternal', msg);
}

export function assertNever(x: never): never {
  throw new TlsError('LocalInternal', `unhandled case: ${JSON.stringify(x)}`);
}
