/**
 * What each TLS extension is for, by its IANA name, and what it does in the message it is in.
 * An extension this engine does not know says so, with what the RFC requires of a receiver.
 */
import type { Explanation } from './explain';

interface ExtensionText {
  what: string;
  why: string;
  /** What it does in a given message (the run's own place for it). */
  in?: Partial<Record<string, string>>;
}

export const EXTENSIONS: Record<string, ExtensionText> = {
  server_name: {
    what: 'Server Name Indication (SNI, RFC 6066 §3): the host name the client wants.',
    why: 'Many sites share one address; the server picks the certificate by this name. It is sent in the clear.',
    in: { EncryptedExtensions: 'Empty here: the server says it used the name.', ServerHello: 'Empty here: the server says it used the name.' },
  },
  supported_groups: {
    what: 'The key-exchange groups (elliptic curves) the client supports (RFC 8446 §4.2.7).',
    why: 'The server chooses the Diffie-Hellman group from these.',
  },
  ec_point_formats: {
    what: 'Elliptic-curve point formats (RFC 8422 §5.1.2), a TLS 1.2 extension.',
    why: 'Says the sender can parse uncompressed points — the only format in use today.',
  },
  signature_algorithms: {
    what: 'The signature schemes the sender accepts (RFC 8446 §4.2.3).',
    why: 'The peer must sign its CertificateVerify (or ServerKeyExchange) with one of them.',
    in: { CertificateRequest: 'Here the server lists what it accepts for the client’s CertificateVerify.' },
  },
  signature_algorithms_cert: {
    what: 'The signature schemes accepted in certificates (RFC 8446 §4.2.3).',
    why: 'Lets a peer accept certificate signatures it would not accept for CertificateVerify.',
  },
  application_layer_protocol_negotiation: {
    what: 'ALPN (RFC 7301): which application protocol runs over TLS.',
    why: 'The client lists protocols such as h2 and http/1.1; the server names the one it picked, with no extra round trip.',
    in: { ClientHello: 'The client’s offers.', EncryptedExtensions: 'The server’s choice, encrypted.', ServerHello: 'The server’s choice.' },
  },
  alpn: {
    what: 'ALPN (RFC 7301): which application protocol runs over TLS.',
    why: 'The client lists protocols; the server names the one it picked.',
  },
  extended_master_secret: {
    what: 'Extended master secret (RFC 7627), a TLS 1.2 extension with no data.',
    why: 'The master secret is derived from a hash of the whole handshake, not only the randoms, which defeats the triple-handshake attack.',
  },
  renegotiation_info: {
    what: 'Secure renegotiation (RFC 5746), a TLS 1.2 extension.',
    why: 'Empty on a first handshake; it tells the peer the sender has the fix for the renegotiation attack.',
  },
  session_ticket: {
    what: 'Session tickets for TLS 1.2 (RFC 5077).',
    why: 'Says the sender supports stateless resumption tickets.',
  },
  supported_versions: {
    what: 'The TLS versions (RFC 8446 §4.2.1).',
    why: 'How TLS 1.3 is negotiated: the hello’s legacy_version is frozen at TLS 1.2 so old servers do not break.',
    in: { ClientHello: 'The client’s list, best first.', ServerHello: 'The version the server chose.', HelloRetryRequest: 'The version the server chose.' },
  },
  key_share: {
    what: 'Key shares (RFC 8446 §4.2.8): Diffie-Hellman public keys.',
    why: 'Sending them with the hellos is what makes TLS 1.3 a one-round-trip handshake.',
    in: {
      ClientHello: 'The client’s shares, one per group it guesses the server will pick.',
      ServerHello: 'The server’s share, for one of the client’s groups.',
      HelloRetryRequest: 'Only the group the server wants: the client must try again with a share for it.',
    },
  },
  pre_shared_key: {
    what: 'A pre-shared key (RFC 8446 §4.2.11): resumption with a ticket.',
    why: 'The client offers tickets from earlier connections with a binder for each; the server picks one and skips the certificate.',
    in: { ClientHello: 'The offered tickets and binders (always the last extension).', ServerHello: 'Which offered ticket the server accepted.' },
  },
  psk_key_exchange_modes: {
    what: 'PSK key-exchange modes (RFC 8446 §4.2.9).',
    why: 'Says whether a resumed handshake also does a fresh (EC)DHE exchange (psk_dhe_ke) or relies on the PSK alone.',
  },
  early_data: {
    what: 'Early data (0-RTT, RFC 8446 §4.2.10).',
    why: 'Lets a resuming client send application data with its first flight.',
    in: {
      ClientHello: 'The client is sending 0-RTT data after this ClientHello.',
      EncryptedExtensions: 'The server accepted the client’s 0-RTT data.',
      NewSessionTicket: 'The most 0-RTT data this ticket allows.',
    },
  },
  cookie: {
    what: 'A cookie (RFC 8446 §4.2.2).',
    why: 'Sent in a HelloRetryRequest and echoed by the client, so the server can stay stateless and check the client’s address.',
    in: { HelloRetryRequest: 'The server’s cookie.', ClientHello: 'The client echoes the cookie from the HelloRetryRequest.' },
  },
  certificate_authorities: {
    what: 'Certificate authorities (RFC 8446 §4.2.4).',
    why: 'The names of the CAs the sender trusts, to help the peer pick its certificate.',
  },
  record_size_limit: {
    what: 'Record size limit (RFC 8449).',
    why: 'The largest record the sender is willing to receive.',
  },
  max_fragment_length: { what: 'Maximum fragment length (RFC 6066 §4).', why: 'Asks for smaller records, for constrained clients.' },
  status_request: { what: 'OCSP stapling request (RFC 6066 §8).', why: 'Asks the server to include a fresh revocation status for its certificate.' },
  signed_certificate_timestamp: { what: 'Certificate Transparency timestamps (RFC 6962).', why: 'Proof that the certificate was logged publicly.' },
  padding: { what: 'Padding (RFC 7685).', why: 'Makes the ClientHello a given size, to get past servers that choke on some lengths.' },
  encrypt_then_mac: { what: 'Encrypt-then-MAC (RFC 7366).', why: 'For CBC suites in TLS 1.2: MAC the ciphertext rather than the plaintext.' },
  post_handshake_auth: { what: 'Post-handshake authentication (RFC 8446 §4.2.6).', why: 'The client is willing to be asked for a certificate after the handshake.' },
  oid_filters: { what: 'OID filters (RFC 8446 §4.2.5).', why: 'Certificate extension values the server wants the client certificate to have.' },
  heartbeat: { what: 'Heartbeat (RFC 6520).', why: 'Keep-alive messages (the extension behind Heartbleed).' },
  use_srtp: { what: 'SRTP key negotiation (RFC 5764).', why: 'For DTLS-SRTP media.' },
  client_certificate_type: { what: 'Client certificate type (RFC 7250).', why: 'For raw public keys instead of X.509.' },
  server_certificate_type: { what: 'Server certificate type (RFC 7250).', why: 'For raw public keys instead of X.509.' },
};

/** The explanation of an extension (its IANA name as the codec gives it, or `0x…` when unknown). */
export function explainExtension(name: string, message: string | undefined): Explanation {
  const e = EXTENSIONS[name];
  if (!e) {
    const where =
      message === 'ClientHello'
        ? 'A server ignores extensions it does not recognise (RFC 8446 §4.2), so a client can offer new things safely.'
        : 'A client must abort with unsupported_extension when a server answers with an extension the client did not offer (RFC 8446 §4.2).';
    return {
      what: `Extension ${name}: not an extension this engine knows. Its data is shown as opaque bytes.`,
      why: where,
      value: `Type ${name}${message ? ` in ${message}` : ''}.`,
    };
  }
  const here = message ? e.in?.[message] : undefined;
  return { what: e.what, why: e.why, value: here ?? (message ? `Sent in ${message}.` : undefined) };
}
