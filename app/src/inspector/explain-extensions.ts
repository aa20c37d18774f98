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
  // Extensions a captured (real) handshake may carry: named by IANA, not used by our endpoints.
  client_certificate_url: {
    what: 'Client certificate URL (RFC 6066 \u00a75): the client may send URLs of its certificates instead of the certificates.',
    why: 'Saves bandwidth for constrained clients; rarely used today.',
  },
  trusted_ca_keys: {
    what: 'Trusted CA indication (RFC 6066 \u00a76): which root CAs the client trusts.',
    why: 'Lets a server with several chains pick one the client can verify.',
  },
  truncated_hmac: {
    what: 'Truncated HMAC (RFC 6066 \u00a77): shorter MACs for CBC records.',
    why: 'Saved bytes on constrained links; considered unsafe now, and meaningless with AEAD suites.',
  },
  user_mapping: {
    what: 'User mapping (RFC 4681): the client may send user-mapping data during the handshake.',
    why: 'For mapping a TLS client to an account in some enterprise setups.',
  },
  client_authz: {
    what: 'Client authorization (RFC 5878): the client offers authorization data formats.',
    why: 'Carries authorization (not authentication) data such as SAML assertions; rarely used.',
  },
  server_authz: {
    what: 'Server authorization (RFC 5878): the server offers authorization data formats.',
    why: 'The server-side counterpart of client_authz; rarely used.',
  },
  cert_type: {
    what: 'Certificate type (RFC 6091): OpenPGP instead of X.509 certificates.',
    why: 'An old alternative to X.509; obsolete.',
  },
  srp: {
    what: 'SRP (RFC 5054): the user name for Secure Remote Password key exchange.',
    why: 'Password-authenticated key exchange without certificates; TLS 1.2 only.',
  },
  status_request_v2: {
    what: 'Multiple certificate status requests (RFC 6961): OCSP responses for the whole chain.',
    why: "Superseded by TLS 1.3's per-certificate status_request.",
  },
  token_binding: {
    what: 'Token binding (RFC 8472): negotiates binding security tokens to this TLS connection.',
    why: 'Makes stolen cookies or tokens useless on another connection; little deployed.',
  },
  cached_info: {
    what: "Cached information (RFC 7924): the client already has the server's certificate (by hash).",
    why: 'The server may then send a hash instead of the whole chain.',
  },
  tls_lts: {
    what: 'TLS-LTS (draft): a long-term-support profile of TLS 1.2.',
    why: "A restricted, hardened TLS 1.2 for devices that can't move to 1.3.",
  },
  compress_certificate: {
    what: 'Certificate compression (RFC 8879): the algorithms the sender can decompress (zlib, brotli, zstd).',
    why: 'Chains are large; browsers offer this so the server can send a CompressedCertificate message.',
  },
  pwd_protect: {
    what: 'TLS-PWD protected user name (RFC 8492).',
    why: 'Password-based authentication where the user name is protected.',
  },
  pwd_clear: {
    what: 'TLS-PWD user name in the clear (RFC 8492).',
    why: 'Password-based authentication; the user name travels unprotected.',
  },
  password_salt: {
    what: 'TLS-PWD salt (RFC 8492): the salt for the password-based key exchange.',
    why: 'Sent by the server so the client can derive the password element.',
  },
  ticket_pinning: {
    what: "Ticket pinning (RFC 8672): pins the server's identity to session tickets.",
    why: 'Lets a client detect a server that was impersonated with a stolen key.',
  },
  tls_cert_with_extern_psk: {
    what: 'Certificate with external PSK (RFC 8773): authenticate with a certificate and an external PSK together.',
    why: 'Adds an external pre-shared key to a certificate-authenticated handshake.',
  },
  delegated_credential: {
    what: "Delegated credentials (RFC 9345): the client accepts short-lived credentials signed by the certificate's key.",
    why: "Lets a server (e.g. a CDN edge) sign handshakes without holding the certificate's private key.",
  },
  transparency_info: {
    what: 'Certificate Transparency 2.0 info (RFC 9162): CT data for the certificate.',
    why: 'Proves the certificate was logged publicly, so mis-issuance can be seen.',
  },
  connection_id: {
    what: 'Connection ID (RFC 9146): DTLS only, an id for the connection so it survives address changes.',
    why: 'Used by DTLS over UDP; meaningless over TCP.',
  },
  external_id_hash: {
    what: 'External ID hash (RFC 8844): a hash of an external identity, for WebRTC/SIP.',
    why: 'Binds the TLS handshake to an identity outside it.',
  },
  external_session_id: {
    what: 'External session ID (RFC 8844): an id of a session outside TLS, for WebRTC/SIP.',
    why: 'Binds the TLS handshake to a session outside it.',
  },
  quic_transport_parameters: {
    what: "QUIC transport parameters (RFC 9001 \u00a78.2): QUIC's own settings carried in the TLS handshake.",
    why: 'Only in TLS inside QUIC; a TLS-over-TCP server ignores or rejects it.',
  },
  ticket_request: {
    what: 'Ticket request (RFC 9149): how many session tickets the client would like.',
    why: 'Lets the server send as many tickets as the client will use.',
  },
  dnssec_chain: {
    what: "DNSSEC chain (RFC 9102): a DNSSEC authentication chain for the server's name.",
    why: "Lets a client check the server's key against DANE records in DNS.",
  },
  'application_settings (ALPS draft, old code point)': {
    what: 'Application-layer protocol settings (ALPS draft, old code point): HTTP/2 or HTTP/3 settings sent in the handshake.',
    why: "Sent by Chrome; lets the server's application settings arrive before the first request.",
  },
  'application_settings (ALPS draft)': {
    what: 'Application-layer protocol settings (ALPS draft): HTTP/2 or HTTP/3 settings sent in the handshake.',
    why: "Sent by Chrome; lets the server's application settings arrive before the first request.",
  },
  ech_outer_extensions: {
    what: 'ECH outer extensions (draft-ietf-tls-esni): inside the encrypted ClientHello, which extensions are copied from the outer one.',
    why: 'Keeps an Encrypted Client Hello small by not repeating extensions.',
  },
  encrypted_client_hello: {
    what: 'Encrypted Client Hello (ECH, draft-ietf-tls-esni): the real ClientHello (with the true SNI), encrypted to a key the server published in DNS.',
    why: 'Hides the server name from on-path observers; a client without a key sends GREASE ECH of random bytes.',
  },
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
