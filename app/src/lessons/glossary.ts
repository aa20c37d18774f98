/**
 * Short definitions of the words on the settings bar and in the lessons: listed in the Lessons
 * picker, and each control that uses a word carries its definition as its tooltip and its
 * accessible description (controls/Settings.tsx, by the term's id).
 */
export interface Term {
  /** What a control names it by (`glossary-<id>` is the id of its description). */
  id: GlossaryId;
  term: string;
  means: string;
  rfc?: string;
}

export type GlossaryId =
  | 'versions'
  | 'mutual'
  | 'suite'
  | 'group'
  | 'x25519'
  | 'secp256r1'
  | 'ecdhe'
  | 'rsa-kx'
  | 'hrr'
  | 'psk'
  | 'early-data'
  | 'sni'
  | 'seed'
  | 'aead'
  | 'symmetric'
  | 'chain'
  | 'downgrade'
  | 'server-key'
  | 'ems'
  | 'clock'
  | 'fault';

export const GLOSSARY: Term[] = [
  {
    id: 'versions',
    term: 'TLS 1.2 / TLS 1.3',
    means:
      'The two versions of the protocol in use today. TLS 1.3 needs one round trip before data (TLS 1.2 two), encrypts everything after the ServerHello, and every full handshake uses an ephemeral key exchange (forward secrecy).',
    rfc: 'RFC 8446 §1.2',
  },
  {
    id: 'mutual',
    term: 'Mutual TLS',
    means: 'The server also asks the client for a certificate (CertificateRequest) and checks it. Without it, TLS is one-way: only the server proves who it is.',
    rfc: 'RFC 8446 §4.3.2',
  },
  {
    id: 'suite',
    term: 'Cipher suite',
    means: 'The named set of algorithms for a connection. In TLS 1.2: key exchange, authentication, bulk cipher and hash; in TLS 1.3 only the AEAD and the hash.',
    rfc: 'RFC 8446 §B.4',
  },
  { id: 'group', term: 'Key exchange group', means: 'The curve both sides use for the ephemeral Diffie-Hellman exchange that makes the shared secret.', rfc: 'RFC 8446 §4.2.7' },
  { id: 'x25519', term: 'x25519', means: 'Diffie-Hellman on Curve25519: fast, with 32-byte public keys; a common first choice.', rfc: 'RFC 7748' },
  { id: 'secp256r1', term: 'secp256r1 (P-256)', means: 'The NIST P-256 elliptic curve, used for ECDHE and for ECDSA signatures.', rfc: 'RFC 8422' },
  {
    id: 'ecdhe',
    term: 'ECDHE',
    means:
      'Ephemeral elliptic-curve Diffie-Hellman: each side makes a fresh key pair for this connection only, so recordings stay safe even if a long-term key leaks later (forward secrecy).',
  },
  {
    id: 'rsa-kx',
    term: 'RSA key transport',
    means: 'TLS 1.2 only: the client encrypts the premaster secret to the server certificate’s RSA key. Simple, but no forward secrecy; TLS 1.3 removed it.',
    rfc: 'RFC 5246 §7.4.7.1',
  },
  {
    id: 'hrr',
    term: 'HelloRetryRequest',
    means: 'The server’s answer when the client sent no key share for a group the server accepts: “try again with this group”. It costs one round trip.',
    rfc: 'RFC 8446 §4.1.4',
  },
  {
    id: 'psk',
    term: 'PSK (pre-shared key)',
    means: 'A secret both sides already have; here, one from a session ticket of an earlier connection. Resuming with it skips the certificate.',
    rfc: 'RFC 8446 §2.2',
  },
  {
    id: 'early-data',
    term: '0-RTT (early data)',
    means: 'With a PSK, the client sends its request with the ClientHello, before any answer. It can be replayed by an attacker, so only safe for requests that may run twice.',
    rfc: 'RFC 8446 §2.3',
  },
  {
    id: 'sni',
    term: 'SNI (server name)',
    means: 'The host name the client asks for in the ClientHello (server_name). The server picks its certificate by it; it travels in the clear.',
    rfc: 'RFC 6066 §3',
  },
  {
    id: 'seed',
    term: 'Seed',
    means:
      'The value all of a run’s randomness comes from in this app. The same seed and settings give the same bytes, so a link reproduces a run; New handshake picks a fresh one.',
  },
  {
    id: 'aead',
    term: 'AEAD',
    means: 'Authenticated encryption with associated data (AES-GCM, ChaCha20-Poly1305): encrypts a record and adds a tag that fails if anything was changed.',
    rfc: 'RFC 8446 §5.2',
  },
  {
    id: 'symmetric',
    term: 'Symmetric vs asymmetric',
    means:
      'Asymmetric (public-key) cryptography — Diffie-Hellman, signatures, RSA — is used only in the handshake, to agree on secrets and prove identity. The records are then protected with fast symmetric keys both sides share.',
  },
  {
    id: 'chain',
    term: 'Certificate chain and root',
    means: 'The server sends its own certificate and the intermediates that signed it; the client accepts it only if the chain ends at a root already in its trust store.',
    rfc: 'RFC 5280 §6',
  },
  {
    id: 'downgrade',
    term: 'Downgrade sentinel',
    means:
      'The bytes “DOWNGRD” that a TLS 1.3 server puts at the end of its random when it negotiates an older version, so a client can detect a man in the middle that stripped TLS 1.3.',
    rfc: 'RFC 8446 §4.1.3',
  },
  {
    id: 'server-key',
    term: 'Server key',
    means:
      'The key pair behind the server’s certificate (ECDSA P-256, RSA 2048 or Ed25519). Its private half signs the handshake (CertificateVerify, or the TLS 1.2 ServerKeyExchange); with TLS 1.2 RSA key transport it decrypts the premaster secret instead.',
    rfc: 'RFC 8446 §4.4.3',
  },
  {
    id: 'ems',
    term: 'Extended master secret',
    means:
      'TLS 1.2: the master secret is computed over the hash of the handshake so far, not only the two randoms, so two connections cannot be made to share one master secret (the triple handshake attack).',
    rfc: 'RFC 7627',
  },
  {
    id: 'clock',
    term: 'Clock',
    means: 'The time the run happens at: the certificates’ validity is checked against it and ticket ages count from it. Empty: a fixed time derived from the seed.',
    rfc: 'RFC 5280 §4.1.2.5',
  },
  {
    id: 'fault',
    term: 'Break something',
    means:
      'Makes one thing go wrong on purpose — a faulty peer that computes a wrong value, an attacker on the path that changes bytes, or a setup the other side must refuse — to see which check catches it and which alert it sends.',
    rfc: 'RFC 8446 §6.2',
  },
];

const BY_ID = new Map(GLOSSARY.map((t) => [t.id, t]));

/** The glossary entry for a control. */
export function glossary(id: GlossaryId): Term {
  return BY_ID.get(id)!;
}

/** A term's definition as one line, for a tooltip: "HelloRetryRequest: … (RFC 8446 §4.1.4)". */
export function glossaryLine(id: GlossaryId): string {
  const t = glossary(id);
  return `${t.term}: ${t.means}${t.rfc ? ` (${t.rfc})` : ''}`;
}
