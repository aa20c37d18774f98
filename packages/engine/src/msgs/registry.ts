/**
 * What the engine speaks, one table per IANA registry (TLS Cipher Suites, TLS Supported Groups,
 * TLS SignatureScheme): each name once, with its code point, in our preference order. Every
 * other list derives from these — the name types (config.ts, crypto/keys.ts), the suite
 * parameters (crypto/tls13-suites.ts, crypto/tls12-suites.ts), the names a run or the CLI can
 * choose (scenario.ts, cli/args.ts) and the display tables of wire enums (msgs/enums.ts), which
 * add the values we only name.
 *
 * Pure data, no imports: the app's main thread reads it through scenario.ts.
 */

/** TLS 1.3 cipher suites (RFC 8446 §B.4). */
export const TLS13_SUITE_CODES = {
  TLS_AES_128_GCM_SHA256: 0x1301,
  TLS_AES_256_GCM_SHA384: 0x1302,
  TLS_CHACHA20_POLY1305_SHA256: 0x1303,
} as const;

/** TLS 1.2 AEAD cipher suites (RFC 5289, RFC 7905, RFC 5288), ECDHE first, RSA key transport last. */
export const TLS12_SUITE_CODES = {
  TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256: 0xc02b,
  TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256: 0xc02f,
  TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384: 0xc02c,
  TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384: 0xc030,
  TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256: 0xcca9,
  TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256: 0xcca8,
  TLS_RSA_WITH_AES_128_GCM_SHA256: 0x009c,
  TLS_RSA_WITH_AES_256_GCM_SHA384: 0x009d,
} as const;

export type Tls13SuiteName = keyof typeof TLS13_SUITE_CODES;
export type Tls12SuiteName = keyof typeof TLS12_SUITE_CODES;
export type CipherSuiteName = Tls13SuiteName | Tls12SuiteName;

/** NamedGroup values we implement (RFC 8446 §4.2.7). */
export const GROUP_CODES = { x25519: 0x001d, secp256r1: 0x0017 } as const;
export type GroupName = keyof typeof GROUP_CODES;

/** SignatureScheme values we sign and verify (RFC 8446 §4.2.3), in the order we offer them. */
export const SIGNATURE_SCHEME_CODES = {
  ecdsa_secp256r1_sha256: 0x0403,
  ecdsa_secp384r1_sha384: 0x0503,
  ed25519: 0x0807,
  rsa_pss_rsae_sha256: 0x0804,
  rsa_pss_rsae_sha384: 0x0805,
  rsa_pss_rsae_sha512: 0x0806,
  rsa_pkcs1_sha256: 0x0401,
  rsa_pkcs1_sha384: 0x0501,
  rsa_pkcs1_sha512: 0x0601,
} as const;
export type SignatureSchemeName = keyof typeof SIGNATURE_SCHEME_CODES;

/** The names of a table, in its order. */
export function namesOf<K extends string>(table: Readonly<Record<K, number>>): readonly K[] {
  return Object.keys(table) as K[];
}

/** The table as code → name (for the display tables of msgs/enums.ts). */
export function byCode(table: Readonly<Record<string, number>>): Record<number, string> {
  return Object.fromEntries(Object.entries(table).map(([name, code]) => [code, name]));
}
