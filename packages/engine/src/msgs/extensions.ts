/**
 * Hello extensions (RFC 8446 §4.2): one typed value per extension we understand, anything
 * else kept opaque, with its wire code. Reading (extensions-read.ts) and writing
 * (extensions-write.ts) go through the annotated codec so every field of every extension
 * leaves a ByteSpan named as in the RFC.
 */
import { ExtensionType } from './enums';

/** Which message an extension block belongs to (the same type has different bodies). */
export type ExtContext = 'client_hello' | 'server_hello' | 'hello_retry_request' | 'encrypted_extensions' | 'certificate_request' | 'certificate' | 'new_session_ticket';

export interface KeyShareEntry {
  group: number;
  keyExchange: Uint8Array;
}

/** PskIdentity (RFC 8446 §4.2.11): a ticket (or external identity) and its obfuscated age. */
export interface PskIdentity {
  identity: Uint8Array;
  obfuscatedTicketAge: number;
}

export type Extension =
  /** ClientHello: the names asked for; ServerHello/EE: empty acknowledgement (RFC 6066 §3). */
  | { type: 'server_name'; hostNames: string[] }
  /** ClientHello: the versions offered (RFC 8446 §4.2.1). */
  | { type: 'supported_versions'; versions: number[] }
  /** ServerHello / HelloRetryRequest: the selected version. */
  | { type: 'supported_versions_selected'; version: number }
  | { type: 'supported_groups'; groups: number[] }
  | { type: 'signature_algorithms'; schemes: number[] }
  | { type: 'signature_algorithms_cert'; schemes: number[] }
  /** ClientHello: client_shares (RFC 8446 §4.2.8). */
  | { type: 'key_share'; shares: KeyShareEntry[] }
  /** ServerHello: server_share. */
  | { type: 'key_share_server'; share: KeyShareEntry }
  /** HelloRetryRequest: selected_group. */
  | { type: 'key_share_hrr'; selectedGroup: number }
  | { type: 'alpn'; protocols: string[] }
  | { type: 'cookie'; cookie: Uint8Array }
  | { type: 'psk_key_exchange_modes'; modes: number[] }
  /** ClientHello: OfferedPsks — identities and one binder per identity (RFC 8446 §4.2.11); always the last extension. */
  | { type: 'pre_shared_key'; identities: PskIdentity[]; binders: Uint8Array[] }
  /** ServerHello: the index of the PSK the server accepted (RFC 8446 §4.2.11). */
  | { type: 'pre_shared_key_selected'; selectedIdentity: number }
  /** early_data (RFC 8446 §4.2.10): empty in ClientHello / EncryptedExtensions; max_early_data_size in NewSessionTicket. */
  | { type: 'early_data'; maxEarlyDataSize?: number }
  | { type: 'certificate_authorities'; names: Uint8Array[] }
  /** TLS 1.2 hellos (RFC 8422 §5.1.2): ECPointFormat ec_point_format_list<1..2^8-1>. */
  | { type: 'ec_point_formats'; formats: number[] }
  /** TLS 1.2 hellos (RFC 7627 §5.1): empty extension_data. */
  | { type: 'extended_master_secret' }
  /** TLS 1.2 hellos (RFC 5746 §3.2): opaque renegotiated_connection<0..255>. */
  | { type: 'renegotiation_info'; renegotiatedConnection: Uint8Array }
  /** Anything else: kept as its type code and raw extension_data. */
  | { type: 'opaque'; code: number; data: Uint8Array };

/** The wire code of an extension value. */
export function extensionCode(e: Extension): number {
  switch (e.type) {
    case 'server_name':
      return ExtensionType.server_name;
    case 'supported_versions':
    case 'supported_versions_selected':
      return ExtensionType.supported_versions;
    case 'supported_groups':
      return ExtensionType.supported_groups;
    case 'signature_algorithms':
      return ExtensionType.signature_algorithms;
    case 'signature_algorithms_cert':
      return ExtensionType.signature_algorithms_cert;
    case 'key_share':
    case 'key_share_server':
    case 'key_share_hrr':
      return ExtensionType.key_share;
    case 'alpn':
      return ExtensionType.alpn;
    case 'cookie':
      return ExtensionType.cookie;
    case 'psk_key_exchange_modes':
      return ExtensionType.psk_key_exchange_modes;
    case 'pre_shared_key':
    case 'pre_shared_key_selected':
      return ExtensionType.pre_shared_key;
    case 'early_data':
      return ExtensionType.early_data;
    case 'certificate_authorities':
      return ExtensionType.certificate_authorities;
    case 'ec_point_formats':
      return ExtensionType.ec_point_formats;
    case 'extended_master_secret':
      return ExtensionType.extended_master_secret;
    case 'renegotiation_info':
      return ExtensionType.renegotiation_info;
    case 'opaque':
      return e.code;
  }
}

/** Finds the extension of a given type in a block. */
export function findExt<T extends Extension['type']>(exts: readonly Extension[], type: T): Extract<Extension, { type: T }> | undefined {
  return exts.find((e) => e.type === type) as Extract<Extension, { type: T }> | undefined;
}

// ---------------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------------

/** ECPointFormat names (RFC 8422 §5.1.2). */
export function pointFormatName(v: number): string {
  return v === 0 ? 'uncompressed (0)' : v === 1 ? 'ansiX962_compressed_prime (1)' : v === 2 ? 'ansiX962_compressed_char2 (2)' : `unknown (${v})`;
}

// Reading and writing, one file each; re-exported so `from './extensions'` keeps working.
export { readExtensions } from './extensions-read';
export { writeExtensions } from './extensions-write';
