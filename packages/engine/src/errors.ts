/**
 * One error type, one alert table.
 *
 * Every failure inside an endpoint is a `TlsError`. Its `kind` says what went wrong (grouped
 * by who is at fault, as in rustls); `alertFor` is the ONE place that decides which alert
 * goes on the wire for it (RFC 8446 §6.2, RFC 5246 §7.2.2). What an endpoint declines without
 * failing (a renegotiation) is a `TlsDeclineKind`, and `warningFor` picks its warning alert.
 */

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
 * - `Cert*`: the certificate checks failed; the alert is carried by the report.
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
  | 'PeerNoCertificateTls12' // the same in TLS 1.2, which has no certificate_required (RFC 5246 §7.4.6)
  | 'PeerInappropriateFallback' // TLS_FALLBACK_SCSV while we support a higher version (RFC 7507 §3)
  | 'IncompatibleVersion' // no common protocol version
  | 'IncompatibleParameters' // no common suite / group / signature scheme
  | 'IncompatibleAlpn' // no common application protocol
  | 'IncompatibleServerName' // server does not serve that name
  | 'InsufficientSecurity' // downgrade or too-weak parameters
  | 'CertBad' // bad_certificate
  | 'CertUnsupported'
  | 'CertExpired'
  | 'CertUnknownCa'
  | 'CertUnknown'
  | 'LocalConfig' // our configuration cannot do this (e.g. no private key)
  | 'LocalInternal'; // a bug: should never happen

export class TlsError extends Error {
  override readonly name = 'TlsError';
  constructor(
    readonly kind: TlsErrorKind,
    readonly reason: string,
    /** Set when the alert is decided elsewhere (a certificate report, a received alert). */
    readonly alertOverride?: AlertDescription,
  ) {
    super(`${kind}: ${reason}`);
  }
}

/** The one error → alert table. */
const ALERT_FOR_KIND: Record<TlsErrorKind, AlertDescription> = {
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
  PeerNoCertificate: 'certificate_required',
  PeerNoCertificateTls12: 'handshake_failure',
  PeerInappropriateFallback: 'inappropriate_fallback',
  IncompatibleVersion: 'protocol_version',
  IncompatibleParameters: 'handshake_failure',
  IncompatibleAlpn: 'no_application_protocol',
  IncompatibleServerName: 'unrecognized_name',
  InsufficientSecurity: 'insufficient_security',
  CertBad: 'bad_certificate',
  CertUnsupported: 'unsupported_certificate',
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
export type TlsDeclineKind =
  | 'DeclineRenegotiation'; // a TLS 1.2 ClientHello (server) or HelloRequest (client) after the handshake: we do not renegotiate

/** The one decline → warning alert table. */
const WARNING_FOR_DECLINE: Record<TlsDeclineKind, AlertDescription> = {
  DeclineRenegotiation: 'no_renegotiation',
};

/** The warning alert that declines a request (RFC 5246 §7.2.2). */
export function warningFor(kind: TlsDeclineKind): AlertDescription {
  return WARNING_FOR_DECLINE[kind];
}

/** The alert to send for an error. Anything that is not a TlsError is an internal_error. */
export function alertFor(err: unknown): AlertDescription {
  if (err instanceof TlsError) return err.alertOverride ?? ALERT_FOR_KIND[err.kind];
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
