/**
 * Wire enums as open sets (RFC 8446 §B.3, IANA TLS registries).
 *
 * A known value prints as its IANA name with the hex code, an unknown one as hex only, so
 * a trace of a peer that speaks something we do not know is still readable.
 */

import { byCode, GROUP_CODES, SIGNATURE_SCHEME_CODES, TLS12_SUITE_CODES, TLS13_SUITE_CODES } from './registry';

/** A name table: code → IANA name. */
export type NameTable = Readonly<Record<number, string>>;

function hex(v: number, digits: number): string {
  return `0x${v.toString(16).padStart(digits, '0')}`;
}

/**
 * GREASE (RFC 8701 §2): the sixteen reserved values 0x0A0A, 0x1A1A, ... 0xFAFA that clients
 * send in cipher suites, extensions, groups, signature algorithms and versions so that servers
 * keep ignoring values they do not know.
 */
function isGrease(v: number): boolean {
  return (v & 0x0f0f) === 0x0a0a && v >> 8 === (v & 0xff);
}

/** `TLS_AES_128_GCM_SHA256 (0x1301)`, `GREASE (0x1a1a)` or `unknown (0xabcd)`. */
export function describe(table: NameTable, v: number, digits = 4): string {
  const name = table[v] ?? (digits === 4 && isGrease(v) ? 'GREASE' : undefined);
  return name ? `${name} (${hex(v, digits)})` : `unknown (${hex(v, digits)})`;
}

/** The IANA name (or GREASE), or hex for unknown values. */
export function nameOf(table: NameTable, v: number, digits = 4): string {
  return table[v] ?? (digits === 4 && isGrease(v) ? `GREASE (${hex(v, digits)})` : hex(v, digits));
}

/** Reverse lookup: IANA name → code (undefined if unknown). */
export function codeOf(table: NameTable, name: string): number | undefined {
  for (const [k, v] of Object.entries(table)) if (v === name) return Number(k);
  return undefined;
}

/** ContentType, RFC 8446 §5.1. */
const CONTENT_TYPE_NAMES = {
  20: 'change_cipher_spec',
  21: 'alert',
  22: 'handshake',
  23: 'application_data',
  24: 'heartbeat',
} as const;
export const CONTENT_TYPES: NameTable = CONTENT_TYPE_NAMES;

/** A record's content type as events name it: the registry's name, or hex for an unknown one (`0x2a`). */
export type ContentTypeName = (typeof CONTENT_TYPE_NAMES)[keyof typeof CONTENT_TYPE_NAMES] | HexCode;

/** An unknown code, printed as hex (`nameOf`). */
export type HexCode = `0x${string}`;

/** `nameOf(CONTENT_TYPES, v, 2)`, typed. */
export function contentTypeName(v: number): ContentTypeName {
  return nameOf(CONTENT_TYPES, v, 2) as ContentTypeName;
}

export const ContentType = {
  change_cipher_spec: 20,
  alert: 21,
  handshake: 22,
  application_data: 23,
} as const;

/** HandshakeType, RFC 8446 §4 (plus TLS 1.2 types, RFC 5246 §7.4). */
const HANDSHAKE_TYPE_NAMES = {
  0: 'HelloRequest',
  1: 'ClientHello',
  2: 'ServerHello',
  3: 'HelloVerifyRequest',
  4: 'NewSessionTicket',
  5: 'EndOfEarlyData',
  8: 'EncryptedExtensions',
  11: 'Certificate',
  12: 'ServerKeyExchange',
  13: 'CertificateRequest',
  14: 'ServerHelloDone',
  15: 'CertificateVerify',
  16: 'ClientKeyExchange',
  20: 'Finished',
  21: 'CertificateURL',
  22: 'CertificateStatus',
  23: 'SupplementalData',
  24: 'KeyUpdate',
  25: 'CompressedCertificate',
  26: 'EKTKey',
  254: 'message_hash',
} as const;

export const HANDSHAKE_TYPES: NameTable = HANDSHAKE_TYPE_NAMES;

/**
 * A handshake message's name as events give it: the HandshakeType registry's name,
 * HelloRetryRequest (a ServerHello with the special random, RFC 8446 §4.1.3), or
 * `unknown(N)` for a type the registry does not have.
 */
export type HandshakeMessageName = (typeof HANDSHAKE_TYPE_NAMES)[keyof typeof HANDSHAKE_TYPE_NAMES] | 'HelloRetryRequest' | `unknown(${number})`;

/** The name of handshake message type `t` (`unknown(t)` when the registry does not have it). */
export function handshakeMessageName(t: number): HandshakeMessageName {
  return (HANDSHAKE_TYPES[t] ?? `unknown(${t})`) as HandshakeMessageName;
}

export const HandshakeType = {
  hello_request: 0,
  client_hello: 1,
  server_hello: 2,
  new_session_ticket: 4,
  end_of_early_data: 5,
  encrypted_extensions: 8,
  certificate: 11,
  server_key_exchange: 12,
  certificate_request: 13,
  server_hello_done: 14,
  certificate_verify: 15,
  client_key_exchange: 16,
  finished: 20,
  key_update: 24,
  message_hash: 254,
} as const;

/** ProtocolVersion values. */
export const VERSIONS: NameTable = {
  0x0300: 'SSL 3.0',
  0x0301: 'TLS 1.0',
  0x0302: 'TLS 1.1',
  0x0303: 'TLS 1.2',
  0x0304: 'TLS 1.3',
};

/** SSL 3.0: a legacy_version at or below it is refused with protocol_version (RFC 8446 §D.5). */
export const SSL3 = 0x0300;
export const TLS12 = 0x0303;
export const TLS13 = 0x0304;

/** CipherSuite, RFC 8446 §B.4 and the TLS 1.2 AEAD suites. */
export const CIPHER_SUITES: NameTable = {
  // The suites we speak (msgs/registry.ts), then ones we only name.
  ...byCode(TLS13_SUITE_CODES),
  ...byCode(TLS12_SUITE_CODES),
  0x1304: 'TLS_AES_128_CCM_SHA256',
  0x1305: 'TLS_AES_128_CCM_8_SHA256',
  // Suites we do not speak, named so a capture of a real client reads well (IANA TLS Cipher Suites).
  0x000a: 'TLS_RSA_WITH_3DES_EDE_CBC_SHA',
  0x002f: 'TLS_RSA_WITH_AES_128_CBC_SHA',
  0x0033: 'TLS_DHE_RSA_WITH_AES_128_CBC_SHA',
  0x0035: 'TLS_RSA_WITH_AES_256_CBC_SHA',
  0x0039: 'TLS_DHE_RSA_WITH_AES_256_CBC_SHA',
  0x003c: 'TLS_RSA_WITH_AES_128_CBC_SHA256',
  0x003d: 'TLS_RSA_WITH_AES_256_CBC_SHA256',
  0x0067: 'TLS_DHE_RSA_WITH_AES_128_CBC_SHA256',
  0x006b: 'TLS_DHE_RSA_WITH_AES_256_CBC_SHA256',
  0x009e: 'TLS_DHE_RSA_WITH_AES_128_GCM_SHA256',
  0x009f: 'TLS_DHE_RSA_WITH_AES_256_GCM_SHA384',
  0xc009: 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA',
  0xc00a: 'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA',
  0xc013: 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA',
  0xc014: 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA',
  0xc023: 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256',
  0xc024: 'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384',
  0xc027: 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256',
  0xc028: 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384',
  0xccaa: 'TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256',
  0x00ff: 'TLS_EMPTY_RENEGOTIATION_INFO_SCSV',
  0x5600: 'TLS_FALLBACK_SCSV',
};

/** NamedGroup, RFC 8446 §4.2.7. */
export const GROUPS: NameTable = {
  ...byCode(GROUP_CODES),
  0x0018: 'secp384r1',
  0x0019: 'secp521r1',
  0x001e: 'x448',
  0x0100: 'ffdhe2048',
  0x0101: 'ffdhe3072',
  0x0102: 'ffdhe4096',
  0x0103: 'ffdhe6144',
  0x0104: 'ffdhe8192',
  0x001a: 'brainpoolP256r1',
  0x001b: 'brainpoolP384r1',
  0x001c: 'brainpoolP512r1',
  0x001f: 'brainpoolP256r1tls13',
  0x0020: 'brainpoolP384r1tls13',
  0x0021: 'brainpoolP512r1tls13',
  0x0200: 'MLKEM512',
  0x0201: 'MLKEM768',
  0x0202: 'MLKEM1024',
  0x11eb: 'SecP256r1MLKEM768',
  0x11ec: 'X25519MLKEM768',
  0x11ed: 'SecP384r1MLKEM1024',
  0x6399: 'X25519Kyber768Draft00',
  0x639a: 'SecP256r1Kyber768Draft00',
};

/** SignatureScheme, RFC 8446 §4.2.3. */
export const SIGNATURE_SCHEMES: NameTable = {
  ...byCode(SIGNATURE_SCHEME_CODES),
  0x0603: 'ecdsa_secp521r1_sha512',
  0x0808: 'ed448',
  0x0809: 'rsa_pss_pss_sha256',
  0x080a: 'rsa_pss_pss_sha384',
  0x080b: 'rsa_pss_pss_sha512',
  0x0201: 'rsa_pkcs1_sha1',
  0x0203: 'ecdsa_sha1',
  0x0402: 'dsa_sha256',
  0x0502: 'dsa_sha384',
  0x0602: 'dsa_sha512',
  0x0202: 'dsa_sha1',
  0x081a: 'ecdsa_brainpoolP256r1tls13_sha256',
  0x081b: 'ecdsa_brainpoolP384r1tls13_sha384',
  0x081c: 'ecdsa_brainpoolP512r1tls13_sha512',
  0x0904: 'mldsa44',
  0x0905: 'mldsa65',
  0x0906: 'mldsa87',
};

/** ExtensionType, RFC 8446 §4.2 and the IANA registry. */
export const EXTENSION_TYPES: NameTable = {
  0: 'server_name',
  1: 'max_fragment_length',
  2: 'client_certificate_url',
  3: 'trusted_ca_keys',
  4: 'truncated_hmac',
  5: 'status_request',
  6: 'user_mapping',
  7: 'client_authz',
  8: 'server_authz',
  9: 'cert_type',
  10: 'supported_groups',
  11: 'ec_point_formats',
  13: 'signature_algorithms',
  14: 'use_srtp',
  15: 'heartbeat',
  12: 'srp',
  16: 'application_layer_protocol_negotiation',
  17: 'status_request_v2',
  18: 'signed_certificate_timestamp',
  19: 'client_certificate_type',
  20: 'server_certificate_type',
  21: 'padding',
  22: 'encrypt_then_mac',
  23: 'extended_master_secret',
  24: 'token_binding',
  25: 'cached_info',
  26: 'tls_lts',
  27: 'compress_certificate',
  28: 'record_size_limit',
  29: 'pwd_protect',
  30: 'pwd_clear',
  31: 'password_salt',
  32: 'ticket_pinning',
  33: 'tls_cert_with_extern_psk',
  34: 'delegated_credential',
  35: 'session_ticket',
  41: 'pre_shared_key',
  42: 'early_data',
  43: 'supported_versions',
  44: 'cookie',
  45: 'psk_key_exchange_modes',
  47: 'certificate_authorities',
  48: 'oid_filters',
  49: 'post_handshake_auth',
  50: 'signature_algorithms_cert',
  51: 'key_share',
  52: 'transparency_info',
  54: 'connection_id',
  55: 'external_id_hash',
  56: 'external_session_id',
  57: 'quic_transport_parameters',
  58: 'ticket_request',
  59: 'dnssec_chain',
  // Not in the IANA registry: the ALPS draft's code points (Chrome sends 0x44cd, older ones 0x4469).
  0x4469: 'application_settings (ALPS draft, old code point)',
  0x44cd: 'application_settings (ALPS draft)',
  0xfd00: 'ech_outer_extensions',
  0xfe0d: 'encrypted_client_hello',
  0xff01: 'renegotiation_info',
};

export const ExtensionType = {
  server_name: 0,
  supported_groups: 10,
  ec_point_formats: 11,
  signature_algorithms: 13,
  alpn: 16,
  extended_master_secret: 23,
  record_size_limit: 28,
  session_ticket: 35,
  pre_shared_key: 41,
  early_data: 42,
  supported_versions: 43,
  cookie: 44,
  psk_key_exchange_modes: 45,
  certificate_authorities: 47,
  signature_algorithms_cert: 50,
  key_share: 51,
  renegotiation_info: 0xff01,
} as const;

/** AlertLevel, RFC 8446 §6. */
export const ALERT_LEVELS: NameTable = { 1: 'warning', 2: 'fatal' };

/** The HelloRetryRequest marker in ServerHello.random: SHA-256("HelloRetryRequest"), RFC 8446 §4.1.3. */
export const HRR_RANDOM = new Uint8Array([
  0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91, 0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8,
  0xa8, 0x33, 0x9c,
]);

/** Downgrade sentinels in the last 8 bytes of ServerHello.random, RFC 8446 §4.1.3. */
export const DOWNGRADE_TLS12 = new Uint8Array([0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, 0x01]);
export const DOWNGRADE_TLS11 = new Uint8Array([0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, 0x00]);
