/**
 * A plain-language explanation of every field the engine's codec labels: what it is, why it is
 * there, and what the value in this run means. Keyed by the span label (the RFC field name);
 * the meaning of the value is read from the span itself and its place in the record (the
 * message and extension around it), never assumed.
 */
import type { ByteSpan } from '../store/derive';
import { EXTENSIONS, explainExtension } from './explain-extensions';

export interface FieldContext {
  span: ByteSpan;
  /** Enclosing spans, outermost first. */
  ancestors: readonly ByteSpan[];
  /** The negotiated (or, before that, offered) version of the run. */
  version?: 'TLS 1.2' | 'TLS 1.3';
}

export interface Explanation {
  what: string;
  why: string;
  /** What the value in this run means. */
  value?: string;
}

type Explainer = (c: FieldContext) => Explanation;

const MESSAGE_NAMES = new Set([
  'ClientHello',
  'ServerHello',
  'HelloRetryRequest',
  'EncryptedExtensions',
  'Certificate',
  'CertificateRequest',
  'CertificateVerify',
  'Finished',
  'NewSessionTicket',
  'EndOfEarlyData',
  'KeyUpdate',
  'ServerKeyExchange',
  'ServerHelloDone',
  'ClientKeyExchange',
  'HelloRequest',
]);

/** The handshake message the field belongs to (from the enclosing spans). */
export function messageOf(c: Pick<FieldContext, 'span' | 'ancestors'>): string | undefined {
  for (const s of [c.span, ...[...c.ancestors].reverse()]) {
    if (MESSAGE_NAMES.has(s.label)) return s.label;
    if (s.label === 'Handshake' && typeof s.value === 'string' && MESSAGE_NAMES.has(s.value)) return s.value;
  }
  return undefined;
}

/** The extension the field sits in (its IANA name, or the hex code of one we do not know). */
export function extensionOf(c: Pick<FieldContext, 'ancestors'>): string | undefined {
  const e = [...c.ancestors].reverse().find((s) => s.label === 'extension');
  return e ? String(e.value ?? '') : undefined;
}

const val = (c: FieldContext) => String(c.span.value ?? '');
const len = (c: FieldContext) => c.span.end - c.span.start;
/** The name out of `name (0x…)`. */
const nameOf = (v: string) => v.replace(/\s*\((0x)?[0-9a-f]+\)$/i, '');
const isHex = (v: string) => /^([0-9a-f]{2})+$/i.test(v);
const hexLen = (v: string) => (isHex(v) ? v.length / 2 : undefined);
const inMsg = (c: FieldContext, ...names: string[]) => names.includes(messageOf(c) ?? '');

const CONTENT_TYPES: Record<string, string> = {
  handshake: 'handshake messages',
  change_cipher_spec: 'a ChangeCipherSpec',
  alert: 'an alert',
  application_data: 'application data',
};

function groupMeaning(name: string): string {
  if (name === 'x25519') return 'x25519 is Diffie-Hellman on Curve25519 (RFC 7748): 32-byte public keys';
  if (name === 'secp256r1') return 'secp256r1 is the NIST P-256 curve: public keys are 65-byte uncompressed points (04 ‖ x ‖ y)';
  if (name === 'secp384r1') return 'secp384r1 is the NIST P-384 curve';
  if (name === 'x448') return 'x448 is Diffie-Hellman on Curve448';
  return `${name} is a group this engine does not implement`;
}

function schemeMeaning(name: string): string {
  if (name.startsWith('ecdsa_')) return `${name}: ECDSA on ${name.split('_')[1]} with ${name.split('_')[2]?.toUpperCase()}`;
  if (name.startsWith('rsa_pss_'))
    return `${name}: RSA-PSS signatures with ${name.split('_').pop()?.toUpperCase()} (the key is an ${name.includes('rsae') ? 'ordinary rsaEncryption' : 'RSASSA-PSS'} key)`;
  if (name.startsWith('rsa_pkcs1_')) return `${name}: RSA PKCS#1 v1.5 signatures with ${name.split('_').pop()?.toUpperCase()} (TLS 1.3 allows them only in certificates)`;
  if (name === 'ed25519' || name === 'ed448') return `${name}: EdDSA (RFC 8032), the hash is part of the algorithm`;
  return `${name}: a scheme this engine does not implement`;
}

const message =
  (what: string, why: string): Explainer =>
  (c) => ({
    what,
    why,
    value: `A ${len(c)}-byte ${c.span.label} body in this run.`,
  });

export const FIELD_EXPLANATIONS: Record<string, Explainer> = {
  // --- the record layer (RFC 8446 §5.1, RFC 5246 §6.2) -------------------------------------
  type: (c) => ({
    what: 'The record’s content type: what kind of data the record carries.',
    why: 'The receiver needs to know whether to hand the bytes to the handshake, the alert or the application layer.',
    value:
      c.ancestors.length === 0 || c.span.start === 0
        ? `${val(c)}: this record carries ${CONTENT_TYPES[nameOf(val(c))] ?? nameOf(val(c))}.`
        : `${val(c)}: the real content type, hidden inside the encryption (RFC 8446 §5.2) — the outer header always says application_data.`,
  }),
  opaque_type: (c) => ({
    what: 'The outer content type of a TLS 1.3 protected record.',
    why: 'Always application_data (23), so an eavesdropper cannot tell handshake records from data; the real type is inside the encryption.',
    value: `${val(c)}, as for every protected TLS 1.3 record.`,
  }),
  legacy_record_version: (c) => ({
    what: 'The version in the record header.',
    why: 'Kept for old middleboxes: TLS 1.3 ignores it (RFC 8446 §5.1), and the real version is negotiated in the hellos.',
    value: `${val(c)}${val(c).includes('0x0301') ? ': a first ClientHello says TLS 1.0 here for the oldest servers.' : '.'}`,
  }),
  version: (c) => ({
    what: 'The protocol version in the TLS 1.2 record header.',
    why: 'Once the version is negotiated, every record carries it (RFC 5246 §6.2.1).',
    value: `${val(c)}.`,
  }),
  length: (c) => ({
    what: 'The length of the record’s payload, in bytes (the 5-byte header not included).',
    why: 'TLS runs over a byte stream: the receiver needs the length to know where one record ends and the next begins. At most 2^14 bytes (+256 when encrypted).',
    value: `${val(c)} bytes follow the header.`,
  }),
  fragment: (c) => ({
    what: 'The record’s payload.',
    why: 'Messages are carried in records; a message may span several records and a record may hold several messages.',
    value: `${len(c)} bytes.`,
  }),
  encrypted_record: (c) => ({
    what: 'The AEAD ciphertext: the content, its real content type and any padding, encrypted. The authentication tag follows it.',
    why: 'Only the holder of the traffic key can read it, and any change to it (or to the header, the AAD) makes decryption fail.',
    value: `${len(c)} bytes of ciphertext; the decrypted view shows what is inside.`,
  }),
  authentication_tag: (c) => ({
    what: 'The AEAD authentication tag.',
    why: 'It proves the ciphertext and the record header were not changed; a wrong tag ends the connection with bad_record_mac.',
    value: `${val(c)} (${hexLen(val(c)) ?? len(c)} bytes).`,
  }),
  nonce_explicit: (c) => ({
    what: 'The explicit part of the AES-GCM nonce in TLS 1.2 (RFC 5288 §3).',
    why: 'The nonce must never repeat under one key; this engine sends the record’s sequence number here, as most implementations do.',
    value: `${val(c)}: the nonce is the 4-byte implicit IV from the key block followed by these 8 bytes.`,
  }),
  'aead-ciphered content': (c) => ({
    what: 'The encrypted content of a TLS 1.2 AEAD record.',
    why: 'Its plaintext is the handshake message or data; the sequence number, type, version and length are authenticated as AAD without being sent.',
    value: `${len(c)} bytes of ciphertext.`,
  }),
  tag: (c) => ({
    what: 'The AEAD authentication tag of a TLS 1.2 record.',
    why: 'A wrong tag means the record was changed (or the keys differ): the receiver answers bad_record_mac.',
    value: `${len(c)} bytes.`,
  }),
  content: (c) => ({
    what: 'The decrypted content of a TLS 1.3 record (TLSInnerPlaintext.content).',
    why: 'What the record really carries once opened.',
    value: `${len(c)} bytes.`,
  }),
  zeros: (c) => ({
    what: 'Padding after the inner content type (RFC 8446 §5.4).',
    why: 'A sender may pad records to hide their true length; the receiver strips the zeros.',
    value: `${val(c)}.`,
  }),
  application_data: (c) => ({
    what: 'Application data: the bytes the application sends over TLS (here an HTTP request or response).',
    why: 'This is what TLS exists to protect.',
    value: `${len(c)} bytes.`,
  }),
  ChangeCipherSpec: (c) => ({
    what: 'The ChangeCipherSpec message: a single byte, 1.',
    why:
      c.version === 'TLS 1.3'
        ? 'Meaningless in TLS 1.3: sent only so middleboxes that expect TLS 1.2 let the connection through (RFC 8446 §D.4).'
        : 'In TLS 1.2 it says “from the next record on, I encrypt with the keys we just agreed” (RFC 5246 §7.1).',
    value: `${val(c)}.`,
  }),
  level: (c) => ({
    what: 'The alert level: warning (1) or fatal (2).',
    why: 'A fatal alert ends the connection at once; TLS 1.3 treats every alert except close_notify and user_canceled as fatal.',
    value: `${val(c)}.`,
  }),
  description: (c) => ({
    what: 'Which alert this is (RFC 8446 §6).',
    why: 'It tells the peer why the connection is being closed.',
    value: nameOf(val(c)) === 'close_notify' ? `${val(c)}: an orderly close — “I will send nothing more”.` : `${val(c)}: the sender found an error and ends the connection.`,
  }),

  // --- handshake framing ---------------------------------------------------------------------
  'Handshake (fragment)': (c) => ({
    what: 'The start of a handshake message that continues in the next record.',
    why: 'A message longer than a record (or a record boundary) splits it; the receiver joins the pieces.',
    value: `${val(c)} in this record.`,
  }),
  Handshake: (c) => ({
    what: 'One handshake message: a 1-byte type, a 3-byte length, then the body.',
    why: 'Records carry the handshake as a stream of these messages; the length lets a message span records.',
    value: `${val(c)}, ${len(c)} bytes with its 4-byte header.`,
  }),
  msg_type: (c) => ({
    what: 'The handshake message type.',
    why: 'It says which message follows, so the receiver can check it is one its state allows.',
    value: `${val(c)}.`,
  }),
  ClientHello: message(
    'The ClientHello: the client’s opening message.',
    'It offers everything the client can do (versions, suites, groups, signature schemes) and, in TLS 1.3, its key shares.',
  ),
  ServerHello: message('The ServerHello: the server’s choice among the client’s offers.', 'From it both sides know the version, the suite and (TLS 1.3) the key exchange.'),
  HelloRetryRequest: message(
    'A HelloRetryRequest: a ServerHello with a special random that asks the client to try again.',
    'Sent when the client’s key shares do not fit the server (RFC 8446 §4.1.4).',
  ),
  EncryptedExtensions: message(
    'EncryptedExtensions: the server’s answers to extensions that do not concern the key exchange.',
    'Sent encrypted, so things like the ALPN choice are hidden from eavesdroppers.',
  ),
  Certificate: message('The Certificate message: a certificate chain.', 'It tells the peer who the sender claims to be; the chain must lead to a root the peer trusts.'),
  CertificateRequest: message('CertificateRequest: the server asks the client for a certificate.', 'This is what makes TLS mutual; without it only the server authenticates.'),
  CertificateVerify: message('CertificateVerify: a signature over the handshake so far.', 'It proves the sender holds the private key of the certificate it sent.'),
  Finished: message('Finished: a MAC over the whole handshake, keyed from the shared secret.', 'It confirms both sides saw the same messages and derived the same keys.'),
  NewSessionTicket: message(
    'NewSessionTicket: a ticket the client can use to resume later.',
    'Resumption skips the certificate and, with 0-RTT, lets the client send data at once.',
  ),
  EndOfEarlyData: message('EndOfEarlyData: the end of the client’s 0-RTT data.', 'After it the client switches from the early traffic key to its handshake key.'),
  KeyUpdate: message('KeyUpdate: the sender switches to the next generation of traffic keys.', 'Long connections refresh their keys without a new handshake (RFC 8446 §4.6.3).'),
  ServerKeyExchange: message(
    'ServerKeyExchange (TLS 1.2): the server’s ephemeral key-exchange parameters, signed.',
    'With ECDHE suites the server sends its half of the key exchange here.',
  ),
  ServerHelloDone: message('ServerHelloDone (TLS 1.2): the end of the server’s first flight.', 'It says “your turn”: the client may now send its key exchange.'),
  ClientKeyExchange: message('ClientKeyExchange (TLS 1.2): the client’s half of the key exchange.', 'An ECDHE public key, or the RSA-encrypted premaster secret.'),
  request_update: (c) => ({
    what: 'Whether the peer should update its keys too.',
    why: 'update_requested asks the peer to send its own KeyUpdate.',
    value: `${val(c)}.`,
  }),

  // --- hellos ---------------------------------------------------------------------------------
  legacy_version: (c) => ({
    what: 'The version field of the hello.',
    why:
      c.version === 'TLS 1.3'
        ? 'Frozen at TLS 1.2 (0x0303) because old servers broke on higher values; TLS 1.3 is negotiated in supported_versions instead (RFC 8446 §4.1.2).'
        : 'In TLS 1.2 the client’s highest version and the server’s choice.',
    value: `${val(c)}${c.version === 'TLS 1.3' ? ' — the real version is in supported_versions.' : '.'}`,
  }),
  // RFC 5246's names for the same fields of a TLS 1.2 hello (§7.4.1.2, §7.4.1.3).
  client_version: (c) => ({
    what: 'The highest protocol version the client supports (RFC 5246 §7.4.1.2).',
    why: 'The server picks this version or a lower one it also supports; in a TLS 1.3 ClientHello the field is frozen at TLS 1.2 and the real offer is supported_versions.',
    value: `${val(c)}.`,
  }),
  server_version: (c) => ({
    what: 'The version the server chose (RFC 5246 §7.4.1.3).',
    why: 'The lower of the client’s highest version and the highest the server supports.',
    value: `${val(c)}.`,
  }),
  session_id: (c) => ({
    what: messageOf(c) === 'ServerHello' ? 'The id the server gives this session (RFC 5246 §7.4.1.3).' : 'The id of a session the client wants to resume (RFC 5246 §7.4.1.2).',
    why:
      messageOf(c) === 'ServerHello'
        ? 'A non-empty id lets the client resume this session later by sending it back; empty means the server will not cache it.'
        : 'Empty when the client has no session to resume, as here unless it sends an id.',
    value: val(c) === '(empty)' ? 'Empty.' : `${val(c)}.`,
  }),
  compression_methods: (c) => ({
    what: 'The compression methods the client supports (RFC 5246 §7.4.1.2).',
    why: 'Compression in TLS leaked secrets (the CRIME attack), so clients offer only “null” (0).',
    value: `${val(c)}.`,
  }),
  compression_method: (c) => ({
    what: 'The compression the server chose (RFC 5246 §7.4.1.3).',
    why: 'Always 0 (none) in practice since the CRIME attack.',
    value: `${val(c)}.`,
  }),
  random: (c) => {
    const v = val(c);
    const hrr = v.includes('HelloRetryRequest');
    return {
      what: `32 random bytes chosen by the ${inMsg(c, 'ClientHello') ? 'client' : 'server'}.`,
      why: 'Both randoms go into the key derivation, so every connection gets fresh keys and recorded messages cannot be replayed into another.',
      value: hrr
        ? 'The fixed value SHA-256("HelloRetryRequest"): it marks this ServerHello as a HelloRetryRequest.'
        : v.endsWith('444f574e47524401')
          ? `${v}: it ends with "DOWNGRD\\x01", the sentinel a TLS 1.3 server puts there when it negotiates TLS 1.2 (RFC 8446 §4.1.3).`
          : `${v}: fresh random bytes for this connection.`,
    };
  },
  legacy_session_id: (c) => ({
    what: 'The session id.',
    why:
      c.version === 'TLS 1.3'
        ? 'TLS 1.3 does not use it; a client sends 32 random bytes so middleboxes see a familiar-looking resumption (RFC 8446 §D.4).'
        : 'In TLS 1.2 it names a session the client wants to resume; empty when it does not.',
    value: val(c) === '(empty)' ? 'Empty.' : `${val(c)}.`,
  }),
  legacy_session_id_echo: (c) => ({
    what: 'The client’s session id, echoed by the server.',
    why: c.version === 'TLS 1.3' ? 'TLS 1.3 servers echo it unchanged, for middlebox compatibility.' : 'In TLS 1.2 a non-empty id lets the client resume this session later.',
    value: val(c) === '(empty)' ? 'Empty.' : `${val(c)}.`,
  }),
  cipher_suites: (c) => ({
    what: 'The cipher suites the client supports, in its order of preference (2 bytes each).',
    why: 'The server must pick one of these.',
    value: `${(len(c) - 2) / 2} suites.`,
  }),
  CipherSuite: (c) => ({
    what: 'One cipher suite the client offers.',
    why: 'See the suite anatomy for what each part of the name means.',
    value: `${val(c)}.`,
  }),
  cipher_suite: (c) => ({
    what: 'The cipher suite the server chose from the client’s list.',
    why: 'It fixes the record cipher and the hash of the key schedule (and in TLS 1.2 also the key exchange and authentication).',
    value: `${val(c)}.`,
  }),
  legacy_compression_methods: (c) => ({
    what: 'The compression methods the client supports.',
    why: 'Compression in TLS leaked secrets (the CRIME attack), so only “null” (0) is allowed now.',
    value: `${val(c)}: null compression only.`,
  }),
  legacy_compression_method: (c) => ({
    what: 'The compression the server chose.',
    why: 'Always 0 (none) in TLS 1.3, and in practice in TLS 1.2.',
    value: `${val(c)}: no compression.`,
  }),
  extensions: (c) => ({
    what: 'The message’s extensions, with a 2-byte total length.',
    why: 'Almost everything TLS added since 1999 — and all of TLS 1.3’s negotiation — lives in extensions.',
    value: `${val(c)}.`,
  }),
  extension: (c) => explainExtension(val(c), messageOf(c)),
  extension_type: (c) => {
    const name = nameOf(val(c));
    const known = !/^unknown/.test(val(c));
    return {
      what: 'The 2-byte code of the extension (IANA “TLS ExtensionType Values”).',
      why: 'It tells the receiver how to read extension_data.',
      value: known ? `${val(c)}: ${name}.` : `${val(c)}: not an extension this engine knows; its data is kept as opaque bytes.`,
    };
  },
  extension_data: (c) => ({
    what: 'The extension’s contents, with a 2-byte length.',
    why: 'The length lets a receiver skip an extension it does not understand.',
    value: `${val(c)} for ${extensionOf(c) ?? 'this extension'}.`,
  }),

  // --- extension contents ----------------------------------------------------------------------
  server_name_list: (c) => ({
    what: 'The list of server names (SNI).',
    why: 'Lets one address host many sites: the server picks the certificate for the name asked.',
    value: `${val(c)}.`,
  }),
  ServerName: (c) => ({ what: 'One server name entry: a type and a name.', why: 'Only host_name (0) is defined.', value: `${len(c)} bytes.` }),
  name_type: (c) => ({ what: 'The kind of server name.', why: 'host_name (0) is the only kind defined (RFC 6066 §3).', value: `${val(c)}.` }),
  host_name: (c) => ({
    what: 'The DNS name of the server the client wants to reach.',
    why: 'The server picks its certificate by it, and the client checks the certificate against it. It travels in the clear.',
    value: `${val(c)}: anyone on the path can read it.`,
  }),
  named_group_list: (c) => ({
    what: 'The key-exchange groups the client supports, in preference order.',
    why: 'The server picks the group of the key exchange from these.',
    value: `${(len(c) - 2) / 2} groups.`,
  }),
  NamedGroup: (c) => ({
    what: 'One key-exchange group the client supports.',
    why: 'Elliptic curves (and finite-field groups) for Diffie-Hellman.',
    value: `${val(c)}: ${groupMeaning(nameOf(val(c)))}.`,
  }),
  ec_point_format_list: (c) => ({
    what: 'The elliptic-curve point formats supported (TLS 1.2).',
    why: 'Only uncompressed points are in use today (RFC 8422 §5.1.2).',
    value: `${val(c)}.`,
  }),
  ECPointFormat: (c) => ({ what: 'One point format.', why: 'uncompressed (0) is mandatory.', value: `${val(c)}.` }),
  supported_signature_algorithms: (c) => ({
    what: 'The signature schemes the sender accepts, in preference order (2 bytes each).',
    why: 'The peer must sign (CertificateVerify, ServerKeyExchange) with one of these.',
    value: `${(len(c) - 2) / 2} schemes.`,
  }),
  SignatureScheme: (c) => ({
    what: 'One signature scheme.',
    why: 'An algorithm, a curve or padding, and a hash, named together.',
    value: `${val(c)}: ${schemeMeaning(nameOf(val(c)))}.`,
  }),
  SignatureAndHashAlgorithm: (c) => ({
    what: 'One signature algorithm (TLS 1.2 naming: hash and signature).',
    why: 'The peer signs with one of these.',
    value: `${val(c)}: ${schemeMeaning(nameOf(val(c)))}.`,
  }),
  protocol_name_list: (c) => ({
    what: 'Application protocols (ALPN, RFC 7301).',
    why: 'The client lists what it can speak over TLS; the server answers with the one it picked, so HTTP/2 or HTTP/1.1 is settled without another round trip.',
    value: `${val(c)}${inMsg(c, 'ClientHello') ? ' of offers.' : ': the server’s choice.'}`,
  }),
  ProtocolName: (c) => ({ what: 'One application protocol name.', why: 'Registered names such as "h2" (HTTP/2) and "http/1.1".', value: `${val(c)}.` }),
  versions: (c) => ({
    what: 'The TLS versions the client supports, best first (supported_versions, RFC 8446 §4.2.1).',
    why: 'This, not legacy_version, is how TLS 1.3 is negotiated.',
    value: `${(len(c) - 1) / 2} versions.`,
  }),
  ProtocolVersion: (c) => ({ what: 'One TLS version the client supports.', why: 'The server picks the highest it also supports.', value: `${val(c)}.` }),
  selected_version: (c) => ({ what: 'The version the server chose.', why: 'A TLS 1.3 server says “TLS 1.3” here; legacy_version stays at TLS 1.2.', value: `${val(c)}.` }),
  client_shares: (c) => ({
    what: 'The client’s key shares: a Diffie-Hellman public key for each group it guesses the server will pick.',
    why: 'Sending them in the first message is what lets TLS 1.3 finish in one round trip.',
    value: `${val(c)}.`,
  }),
  KeyShareEntry: (c) => ({
    what: 'One key share: a group and a public key on it.',
    why: 'The peer combines it with its own private key to get the shared secret.',
    value: `For ${val(c)}.`,
  }),
  server_share: (c) => ({
    what: 'The server’s key share, for one of the groups the client sent a share for.',
    why: 'With it the client computes the same shared secret as the server.',
    value: `For ${val(c)}.`,
  }),
  group: (c) => ({ what: 'The group of this key share.', why: 'Both sides must compute on the same curve.', value: `${val(c)}: ${groupMeaning(nameOf(val(c)))}.` }),
  key_exchange: (c) => ({
    what: `The ${inMsg(c, 'ClientHello') ? 'client' : 'server'}’s ephemeral Diffie-Hellman public key.`,
    why: 'Public keys can be read by anyone; the shared secret needs one side’s private key, which never leaves it and is discarded after the handshake (forward secrecy).',
    value: `${val(c)} (${hexLen(val(c)) ?? '?'} bytes), fresh for this connection.`,
  }),
  selected_group: (c) => ({
    what: 'The group the server wants a key share for (HelloRetryRequest).',
    why: 'The client must send a new ClientHello with a share for exactly this group.',
    value: `${val(c)}: ${groupMeaning(nameOf(val(c)))}.`,
  }),
  cookie: (c) => ({
    what: 'An opaque cookie from the server (RFC 8446 §4.2.2).',
    why: 'The server can keep its state in it (here: a hash of the first ClientHello) and check the client got its HelloRetryRequest; the client echoes it.',
    value: `${val(c)}${inMsg(c, 'ClientHello') ? ', echoed back by the client.' : '.'}`,
  }),
  ke_modes: (c) => ({
    what: 'How a pre-shared key may be used (psk_key_exchange_modes).',
    why: 'psk_dhe_ke combines the PSK with a fresh (EC)DHE so resumption keeps forward secrecy.',
    value: `${val(c)}.`,
  }),
  PskKeyExchangeMode: (c) => ({
    what: 'One PSK mode.',
    why: 'psk_ke = the PSK alone; psk_dhe_ke = the PSK plus a fresh Diffie-Hellman exchange.',
    value: `${val(c)}${val(c).startsWith('psk_dhe_ke') ? ': resumption still does a fresh key exchange.' : '.'}`,
  }),
  identities: (c) => ({ what: 'The PSK identities the client offers (session tickets).', why: 'The server picks one it can open.', value: `${val(c)}.` }),
  PskIdentity: (c) => ({
    what: 'One offered PSK: the ticket and its obfuscated age.',
    why: 'The ticket lets a stateless server recover the session’s secret.',
    value: `${len(c)} bytes.`,
  }),
  identity: (c) => ({
    what: 'A session ticket from an earlier connection.',
    why: 'Opaque to the client: the server sealed the resumption secret inside it with a key only it has.',
    value: `${isHex(val(c)) ? `${hexLen(val(c))} bytes` : val(c)} of sealed ticket.`,
  }),
  obfuscated_ticket_age: (c) => ({
    what: 'How long the client has held the ticket, in ms, plus ticket_age_add (mod 2^32).',
    why: 'The server uses it to reject replayed 0-RTT data; adding the secret ticket_age_add stops eavesdroppers linking connections.',
    value: `${val(c)}.`,
  }),
  binders: (c) => ({ what: 'One binder per offered PSK.', why: 'Each proves the client knows the PSK and binds it to this ClientHello.', value: `${val(c)}.` }),
  PskBinderEntry: (c) => ({
    what: 'A PSK binder: an HMAC over this ClientHello (up to the binders), keyed from the PSK.',
    why: 'Without it anyone who copied a ticket could offer it.',
    value: `${val(c)}.`,
  }),
  selected_identity: (c) => ({
    what: 'The index of the PSK the server accepted.',
    why: 'The handshake then starts from that PSK instead of a certificate.',
    value: `${val(c)}: offer number ${val(c)} (counting from 0).`,
  }),
  max_early_data_size: (c) => ({
    what: 'The most 0-RTT data the server will accept with this ticket.',
    why: 'A client must not send more early data than this.',
    value: `${val(c)} bytes.`,
  }),
  renegotiated_connection: (c) => ({
    what: 'The renegotiation_info contents (RFC 5746).',
    why: 'Empty on a first handshake; it shows both sides know the renegotiation attack fix.',
    value: `${val(c)}.`,
  }),

  // --- certificates ------------------------------------------------------------------------
  certificate_request_context: (c) => ({
    what: 'An identifier for this certificate exchange (TLS 1.3).',
    why: 'Empty during the handshake; used to match post-handshake certificate requests.',
    value: val(c) === '(empty)' ? 'Empty: this is the handshake’s certificate exchange.' : `${val(c)}.`,
  }),
  certificate_list: (c) => ({
    what: 'The certificate chain, leaf first, with a 3-byte length.',
    why: 'The peer checks it up to a root it trusts; the root itself is usually not sent.',
    value: `${val(c)}.`,
  }),
  CertificateEntry: (c) => ({
    what: 'One certificate of the chain, with its own extensions (TLS 1.3).',
    why: 'The first is the end-entity (the sender’s own), each next one signed the one before.',
    value: `${val(c)}.`,
  }),
  cert_data: (c) => ({
    what: 'One X.509 certificate in DER, with a 3-byte length.',
    why: 'It binds a name to a public key, signed by an issuer.',
    value: `${val(c)}; the Certificates tab shows it decoded and checked.`,
  }),
  'ASN.1Cert': (c) => ({
    what: 'One X.509 certificate in DER (TLS 1.2).',
    why: 'It binds a name to a public key, signed by an issuer.',
    value: `${val(c)}; the Certificates tab shows it decoded and checked.`,
  }),
  certificate_types: (c) => ({
    what: 'The kinds of client certificate the server accepts (TLS 1.2).',
    why: 'The client must send a certificate of one of these key types.',
    value: `${val(c)}.`,
  }),
  ClientCertificateType: (c) => ({ what: 'One accepted client certificate type.', why: 'rsa_sign: an RSA key; ecdsa_sign: an ECDSA key.', value: `${val(c)}.` }),
  certificate_authorities: (c) => ({
    what: 'The CAs the server trusts for client certificates (TLS 1.2).',
    why: 'Helps the client pick a certificate the server will accept.',
    value: `${val(c)}.`,
  }),
  authorities: (c) => ({ what: 'The distinguished names of acceptable CAs.', why: 'The client should send a chain that ends at one of them.', value: `${val(c)}.` }),
  DistinguishedName: (c) => ({ what: 'One CA name, DER-encoded.', why: 'A certificate issuer the server trusts.', value: `${hexLen(val(c)) ?? len(c)} bytes of DER Name.` }),
  algorithm: (c) => ({
    what: 'The signature scheme of the signature that follows.',
    why: 'It must be one the peer offered in signature_algorithms and fit the certificate’s key.',
    value: `${val(c)}: ${schemeMeaning(nameOf(val(c)))}.`,
  }),
  signature: (c) => ({
    what: inMsg(c, 'ServerKeyExchange')
      ? 'The server’s signature over client_random ‖ server_random ‖ the ECDHE parameters.'
      : 'The signature over the transcript hash (RFC 8446 §4.4.3: 64 spaces, a context string, a zero byte, then the hash).',
    why: 'Only the holder of the certificate’s private key can make it: this authenticates the sender and ties the key exchange to it.',
    value: `${hexLen(val(c)) ?? len(c)} bytes${val(c).startsWith('30') ? ' (a DER-encoded ECDSA signature: r and s)' : ''}.`,
  }),
  verify_data: (c) => ({
    what: 'The Finished value: a MAC over the hash of all handshake messages so far.',
    why: 'If anything in the handshake differed between the two sides — or was changed on the path — this does not match and the handshake fails.',
    value: `${val(c)} (${hexLen(val(c)) ?? len(c)} bytes${c.version === 'TLS 1.2' ? ': PRF output, 12 bytes' : ': HMAC with the suite’s hash'}).`,
  }),

  // --- TLS 1.2 key exchange ----------------------------------------------------------------
  params: (c) => ({
    what: 'The ServerKeyExchange parameters: the curve and the server’s ephemeral public key.',
    why: 'These are what the signature covers.',
    value: `${len(c)} bytes.`,
  }),
  signed_params: (c) => ({
    what: 'The signature over the parameters and both randoms.',
    why: 'It proves the parameters come from the certificate’s owner.',
    value: `${len(c)} bytes.`,
  }),
  curve_params: (c) => ({ what: 'Which curve the ephemeral key is on.', why: 'The client must use the same curve.', value: `${len(c)} bytes.` }),
  curve_type: (c) => ({ what: 'How the curve is named.', why: 'named_curve (3) is the only type in use (RFC 8422).', value: `${val(c)}.` }),
  namedcurve: (c) => ({ what: 'The curve of the ECDHE exchange.', why: 'Chosen from the client’s supported_groups.', value: `${val(c)}: ${groupMeaning(nameOf(val(c)))}.` }),
  public: (c) => ({
    what: 'The server’s ephemeral ECDHE public key.',
    why: 'Made for this connection only; the client combines it with its own private key.',
    value: `${val(c)} (${hexLen(val(c)) ?? '?'} bytes).`,
  }),
  ecdh_Yc: (c) => ({
    what: 'The client’s ephemeral ECDHE public key.',
    why: 'The server combines it with its private key to get the same premaster secret the client computed.',
    value: `${val(c)} (${hexLen(val(c)) ?? '?'} bytes).`,
  }),
  pre_master_secret: (c) => ({
    what: 'The premaster secret encrypted to the server’s RSA key (RSAES-PKCS1-v1_5).',
    why: 'RSA key transport: the client chooses the secret and only the server’s private key can decrypt it — so there is no forward secrecy.',
    value: `${hexLen(val(c)) ?? len(c)} bytes of RSA ciphertext (as long as the RSA modulus).`,
  }),

  // --- tickets -----------------------------------------------------------------------------------
  ticket_lifetime: (c) => ({ what: 'How long the ticket may be used, in seconds.', why: 'At most 7 days (RFC 8446 §4.6.1).', value: `${val(c)} s.` }),
  ticket_age_add: (c) => ({
    what: 'A random number added to the ticket’s age when the client sends it.',
    why: 'So an eavesdropper cannot link the resumed connection to this one by the age.',
    value: `${val(c)}.`,
  }),
  ticket_nonce: (c) => ({
    what: 'A per-ticket value.',
    why: 'Makes each ticket’s PSK different: PSK = HKDF-Expand-Label(resumption_master_secret, "resumption", ticket_nonce).',
    value: `${val(c)}.`,
  }),
  ticket: (c) => ({
    what: 'The session ticket itself.',
    why: 'The server sealed the PSK and the session parameters in it, so it needs to remember nothing.',
    value: `${isHex(val(c)) ? `${hexLen(val(c))} bytes` : val(c)}.`,
  }),
};

/** The explanation of a field, or a plain statement that none is written (a gap the tests catch). */
export function explainField(c: FieldContext): Explanation {
  const f = FIELD_EXPLANATIONS[c.span.label];
  if (f) return f(c);
  return { what: `“${c.span.label}”: no explanation is written for this field yet.`, why: '', value: c.span.value !== undefined ? `${String(c.span.value)}.` : undefined };
}

export { EXTENSIONS };
