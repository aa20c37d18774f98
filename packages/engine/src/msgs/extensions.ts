/**
 * Hello extensions (RFC 8446 §4.2): one typed value per extension we understand, anything
 * else kept opaque. Reading and writing go through the annotated codec so every field of
 * every extension leaves a ByteSpan named as in the RFC.
 */
import type { Reader } from '../codec/reader';
import type { Writer } from '../codec/writer';
import { toHex, utf8 } from '../codec/hex';
import { TlsError } from '../errors';
import { describe, EXTENSION_TYPES, ExtensionType, GROUPS, nameOf, SIGNATURE_SCHEMES, VERSIONS } from './enums';

const RFC_EXT = 'RFC 8446 §4.2';

/** Which message an extension block belongs to (the same type has different bodies). */
export type ExtContext =
  | 'client_hello'
  | 'server_hello'
  | 'hello_retry_request'
  | 'encrypted_extensions'
  | 'certificate_request'
  | 'certificate'
  | 'new_session_ticket';

export interface KeyShareEntry {
  group: number;
  keyExchange: Uint8Array;
}

/** PskIdentity (RFC 8446 §4.2.11): a ticket (or external identity) and its obfuscated age. */
interface PskIdentity {
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

/** Reads `Extension extensions<0..2^16-1>` (the caller has NOT read the length). */
export function readExtensions(r: Reader, ctx: ExtContext): Extension[] {
  const out: Extension[] = [];
  const seen = new Set<number>();
  const done = r.vector16('extensions', { rfc: RFC_EXT });
  while (r.inScope()) {
    const endExt = r.group('extension');
    const code = r.u16('extension_type', (v) => describe(EXTENSION_TYPES, v));
    // RFC 8446 §4.2: no more than one extension of the same type in a block.
    if (seen.has(code)) throw new TlsError('PeerIllegalParameter', `duplicate ${nameOf(EXTENSION_TYPES, code)} extension in ${ctx}`);
    seen.add(code);
    const endData = r.vector16('extension_data');
    out.push(readExtensionBody(r, code, ctx));
    endData();
    endExt();
    fixGroupValue(r, nameOf(EXTENSION_TYPES, code));
  }
  done();
  return out;
}

/** Gives the last closed group span a readable value (the extension name). */
function fixGroupValue(r: Reader, value: string): void {
  // The group span is the last span at the depth of the group; find it from the end.
  for (let i = r.spans.length - 1; i >= 0; i--) {
    const s = r.spans[i]!;
    if (s.label === 'extension') {
      r.spans[i] = { ...s, value };
      return;
    }
  }
}

function readU16List(r: Reader, label: string, item: string, table: Record<number, string> | null, lenBytes: 1 | 2 = 2, min = 0): number[] {
  const out: number[] = [];
  const done = r.vector(lenBytes, label, { min });
  while (r.inScope()) out.push(r.u16(item, (v) => (table ? describe(table, v) : String(v))));
  done();
  return out;
}

function readExtensionBody(r: Reader, code: number, ctx: ExtContext): Extension {
  switch (code) {
    case ExtensionType.server_name: {
      if (r.remaining() === 0) return { type: 'server_name', hostNames: [] };
      const hostNames: string[] = [];
      const done = r.vector16('server_name_list', { rfc: 'RFC 6066 §3', min: 1 });
      while (r.inScope()) {
        const g = r.group('ServerName');
        const nameType = r.u8('name_type', (v) => (v === 0 ? 'host_name (0)' : `unknown (${v})`));
        const name = r.opaque(2, 'host_name', { min: 1 });
        const text = utf8.decode(name);
        // Replace the hex value of host_name with the text.
        const last = r.spans[r.spans.length - 1]!;
        r.spans[r.spans.length - 1] = { ...last, value: JSON.stringify(text) };
        g();
        if (nameType === 0) hostNames.push(text);
      }
      done();
      return { type: 'server_name', hostNames };
    }
    case ExtensionType.supported_versions: {
      if (ctx === 'client_hello') {
        const versions: number[] = [];
        const done = r.vector8('versions', { rfc: 'RFC 8446 §4.2.1', min: 2 });
        while (r.inScope()) versions.push(r.u16('ProtocolVersion', (v) => describe(VERSIONS, v)));
        done();
        return { type: 'supported_versions', versions };
      }
      const version = r.u16('selected_version', (v) => describe(VERSIONS, v));
      return { type: 'supported_versions_selected', version };
    }
    case ExtensionType.supported_groups:
      return { type: 'supported_groups', groups: readU16List(r, 'named_group_list', 'NamedGroup', GROUPS, 2, 2) };
    case ExtensionType.signature_algorithms:
      return {
        type: 'signature_algorithms',
        schemes: readU16List(r, 'supported_signature_algorithms', 'SignatureScheme', SIGNATURE_SCHEMES, 2, 2),
      };
    case ExtensionType.signature_algorithms_cert:
      return {
        type: 'signature_algorithms_cert',
        schemes: readU16List(r, 'supported_signature_algorithms', 'SignatureScheme', SIGNATURE_SCHEMES, 2, 2),
      };
    case ExtensionType.key_share: {
      if (ctx === 'client_hello') {
        const shares: KeyShareEntry[] = [];
        const done = r.vector16('client_shares', { rfc: 'RFC 8446 §4.2.8' });
        while (r.inScope()) shares.push(readKeyShareEntry(r));
        done();
        return { type: 'key_share', shares };
      }
      if (ctx === 'hello_retry_request') {
        return { type: 'key_share_hrr', selectedGroup: r.u16('selected_group', (v) => describe(GROUPS, v)) };
      }
      return { type: 'key_share_server', share: readKeyShareEntry(r, 'server_share') };
    }
    case ExtensionType.alpn: {
      const protocols: string[] = [];
      const done = r.vector16('protocol_name_list', { rfc: 'RFC 7301 §3.1', min: 2 });
      while (r.inScope()) {
        const p = r.opaque(1, 'ProtocolName', { min: 1 });
        const text = utf8.decode(p);
        const last = r.spans[r.spans.length - 1]!;
        r.spans[r.spans.length - 1] = { ...last, value: JSON.stringify(text) };
        protocols.push(text);
      }
      done();
      return { type: 'alpn', protocols };
    }
    case ExtensionType.cookie:
      return { type: 'cookie', cookie: r.opaque(2, 'cookie', { min: 1, rfc: 'RFC 8446 §4.2.2' }) };
    case ExtensionType.psk_key_exchange_modes: {
      const modes: number[] = [];
      const done = r.vector8('ke_modes', { rfc: 'RFC 8446 §4.2.9', min: 1 });
      while (r.inScope()) modes.push(r.u8('PskKeyExchangeMode', (v) => (v === 0 ? 'psk_ke (0)' : v === 1 ? 'psk_dhe_ke (1)' : `unknown (${v})`)));
      done();
      return { type: 'psk_key_exchange_modes', modes };
    }
    case ExtensionType.pre_shared_key: {
      if (ctx === 'server_hello') return { type: 'pre_shared_key_selected', selectedIdentity: r.u16('selected_identity', { rfc: 'RFC 8446 §4.2.11' }) };
      if (ctx !== 'client_hello') return { type: 'opaque', code, data: r.remaining() === 0 ? new Uint8Array(0) : r.rest('extension_data') };
      const identities: PskIdentity[] = [];
      const ids = r.vector16('identities', { rfc: 'RFC 8446 §4.2.11', min: 7 });
      while (r.inScope()) {
        const g = r.group('PskIdentity');
        const identity = r.opaque(2, 'identity', { min: 1 });
        const age = r.bytesN(4, 'obfuscated_ticket_age');
        const obfuscatedTicketAge = ((age[0]! << 24) >>> 0) + (age[1]! << 16) + (age[2]! << 8) + age[3]!;
        const last = r.spans[r.spans.length - 1]!;
        r.spans[r.spans.length - 1] = { ...last, value: String(obfuscatedTicketAge) };
        g();
        identities.push({ identity, obfuscatedTicketAge });
      }
      ids();
      const binders: Uint8Array[] = [];
      const bs = r.vector16('binders', { rfc: 'RFC 8446 §4.2.11', min: 33 });
      while (r.inScope()) binders.push(r.opaque(1, 'PskBinderEntry', { min: 32 }));
      bs();
      return { type: 'pre_shared_key', identities, binders };
    }
    case ExtensionType.early_data: {
      if (ctx === 'new_session_ticket') {
        const b = r.bytesN(4, 'max_early_data_size', { rfc: 'RFC 8446 §4.2.10' });
        const maxEarlyDataSize = ((b[0]! << 24) >>> 0) + (b[1]! << 16) + (b[2]! << 8) + b[3]!;
        const last = r.spans[r.spans.length - 1]!;
        r.spans[r.spans.length - 1] = { ...last, value: String(maxEarlyDataSize) };
        return { type: 'early_data', maxEarlyDataSize };
      }
      if (ctx === 'client_hello' || ctx === 'encrypted_extensions') {
        // RFC 8446 §4.2.10: the extension_data field is empty here.
        if (r.remaining() !== 0) throw new TlsError('DecodeError', `early_data in ${ctx} carries ${r.remaining()} bytes, must be empty`);
        return { type: 'early_data' };
      }
      return { type: 'opaque', code, data: r.remaining() === 0 ? new Uint8Array(0) : r.rest('extension_data') };
    }
    case ExtensionType.certificate_authorities: {
      const names: Uint8Array[] = [];
      const done = r.vector16('authorities', { rfc: 'RFC 8446 §4.2.4', min: 3 });
      while (r.inScope()) names.push(r.opaque(2, 'DistinguishedName', { min: 1 }));
      done();
      return { type: 'certificate_authorities', names };
    }
    case ExtensionType.ec_point_formats:
    case ExtensionType.extended_master_secret:
    case ExtensionType.renegotiation_info:
      // TLS 1.2 hello extensions; elsewhere they are kept opaque.
      if (ctx === 'client_hello' || ctx === 'server_hello') return readTls12HelloExtension(r, code);
      return { type: 'opaque', code, data: r.remaining() === 0 ? new Uint8Array(0) : r.rest('extension_data') };
    default:
      return { type: 'opaque', code, data: r.remaining() === 0 ? new Uint8Array(0) : r.rest('extension_data') };
  }
}

function pointFormatName(v: number): string {
  return v === 0 ? 'uncompressed (0)' : v === 1 ? 'ansiX962_compressed_prime (1)' : v === 2 ? 'ansiX962_compressed_char2 (2)' : `unknown (${v})`;
}

/** The TLS 1.2 hello extensions (ec_point_formats, extended_master_secret, renegotiation_info). */
function readTls12HelloExtension(r: Reader, code: number): Extension {
  if (code === ExtensionType.ec_point_formats) {
    const formats: number[] = [];
    const done = r.vector8('ec_point_format_list', { rfc: 'RFC 8422 §5.1.2', min: 1 });
    while (r.inScope()) formats.push(r.u8('ECPointFormat', pointFormatName));
    done();
    return { type: 'ec_point_formats', formats };
  }
  if (code === ExtensionType.extended_master_secret) {
    // RFC 7627 §5.1: the extension_data field is empty.
    if (r.remaining() !== 0) throw new TlsError('DecodeError', `extended_master_secret carries ${r.remaining()} bytes, must be empty (RFC 7627 §5.1)`);
    return { type: 'extended_master_secret' };
  }
  return { type: 'renegotiation_info', renegotiatedConnection: r.opaque(1, 'renegotiated_connection', { rfc: 'RFC 5746 §3.2' }) };
}

function readKeyShareEntry(r: Reader, label = 'KeyShareEntry'): KeyShareEntry {
  const g = r.group(label);
  const group = r.u16('group', (v) => describe(GROUPS, v));
  const keyExchange = r.opaque(2, 'key_exchange', { min: 1 });
  g();
  const i = r.spans.findLastIndex((s) => s.label === label);
  if (i >= 0) r.spans[i] = { ...r.spans[i]!, value: nameOf(GROUPS, group) };
  return { group, keyExchange };
}

// ---------------------------------------------------------------------------------------------
// Writing

/** Writes `Extension extensions<0..2^16-1>`. */
export function writeExtensions(w: Writer, exts: readonly Extension[]): void {
  const done = w.vector16('extensions', { rfc: RFC_EXT });
  for (const e of exts) writeExtension(w, e);
  done();
}

function writeU16List(w: Writer, lenBytes: 1 | 2, label: string, item: string, values: number[], table: Record<number, string> | null): void {
  const done = w.vector(lenBytes, label);
  for (const v of values) w.u16(v, item, { value: table ? describe(table, v) : String(v) });
  done();
}

function writeExtension(w: Writer, e: Extension): void {
  const code = extensionCode(e);
  const g = w.group('extension', { value: nameOf(EXTENSION_TYPES, code) });
  w.u16(code, 'extension_type', { value: describe(EXTENSION_TYPES, code) });
  const data = w.vector16('extension_data');
  switch (e.type) {
    case 'server_name': {
      if (e.hostNames.length > 0) {
        const done = w.vector16('server_name_list', { rfc: 'RFC 6066 §3' });
        for (const h of e.hostNames) {
          const sg = w.group('ServerName');
          w.u8(0, 'name_type', { value: 'host_name (0)' });
          w.opaque(2, utf8.encode(h), 'host_name', { value: JSON.stringify(h) });
          sg();
        }
        done();
      }
      break;
    }
    case 'supported_versions': {
      const done = w.vector8('versions', { rfc: 'RFC 8446 §4.2.1' });
      for (const v of e.versions) w.u16(v, 'ProtocolVersion', { value: describe(VERSIONS, v) });
      done();
      break;
    }
    case 'supported_versions_selected':
      w.u16(e.version, 'selected_version', { value: describe(VERSIONS, e.version) });
      break;
    case 'supported_groups':
      writeU16List(w, 2, 'named_group_list', 'NamedGroup', e.groups, GROUPS);
      break;
    case 'signature_algorithms':
    case 'signature_algorithms_cert':
      writeU16List(w, 2, 'supported_signature_algorithms', 'SignatureScheme', e.schemes, SIGNATURE_SCHEMES);
      break;
    case 'key_share': {
      const done = w.vector16('client_shares', { rfc: 'RFC 8446 §4.2.8' });
      for (const s of e.shares) writeKeyShareEntry(w, s);
      done();
      break;
    }
    case 'key_share_server':
      writeKeyShareEntry(w, e.share, 'server_share');
      break;
    case 'key_share_hrr':
      w.u16(e.selectedGroup, 'selected_group', { value: describe(GROUPS, e.selectedGroup) });
      break;
    case 'alpn': {
      const done = w.vector16('protocol_name_list', { rfc: 'RFC 7301 §3.1' });
      for (const p of e.protocols) w.opaque(1, utf8.encode(p), 'ProtocolName', { value: JSON.stringify(p) });
      done();
      break;
    }
    case 'cookie':
      w.opaque(2, e.cookie, 'cookie', { rfc: 'RFC 8446 §4.2.2' });
      break;
    case 'psk_key_exchange_modes': {
      const done = w.vector8('ke_modes', { rfc: 'RFC 8446 §4.2.9' });
      for (const m of e.modes) w.u8(m, 'PskKeyExchangeMode', { value: m === 1 ? 'psk_dhe_ke (1)' : m === 0 ? 'psk_ke (0)' : `unknown (${m})` });
      done();
      break;
    }
    case 'pre_shared_key': {
      const ids = w.vector16('identities', { rfc: 'RFC 8446 §4.2.11' });
      for (const id of e.identities) {
        const pg = w.group('PskIdentity');
        w.opaque(2, id.identity, 'identity', { value: `${id.identity.length} bytes` });
        const a = id.obfuscatedTicketAge >>> 0;
        w.bytes(new Uint8Array([a >>> 24, (a >>> 16) & 0xff, (a >>> 8) & 0xff, a & 0xff]), 'obfuscated_ticket_age', { value: String(a) });
        pg();
      }
      ids();
      const bs = w.vector16('binders', { rfc: 'RFC 8446 §4.2.11' });
      for (const b of e.binders) w.opaque(1, b, 'PskBinderEntry');
      bs();
      break;
    }
    case 'pre_shared_key_selected':
      w.u16(e.selectedIdentity, 'selected_identity', { rfc: 'RFC 8446 §4.2.11' });
      break;
    case 'early_data':
      if (e.maxEarlyDataSize !== undefined) {
        const m = e.maxEarlyDataSize >>> 0;
        w.bytes(new Uint8Array([m >>> 24, (m >>> 16) & 0xff, (m >>> 8) & 0xff, m & 0xff]), 'max_early_data_size', { value: String(m), rfc: 'RFC 8446 §4.2.10' });
      }
      break;
    case 'certificate_authorities': {
      const done = w.vector16('authorities', { rfc: 'RFC 8446 §4.2.4' });
      for (const n of e.names) w.opaque(2, n, 'DistinguishedName');
      done();
      break;
    }
    case 'ec_point_formats': {
      const done = w.vector8('ec_point_format_list', { rfc: 'RFC 8422 §5.1.2' });
      for (const f of e.formats) w.u8(f, 'ECPointFormat', { value: pointFormatName(f) });
      done();
      break;
    }
    case 'extended_master_secret':
      break;
    case 'renegotiation_info':
      w.opaque(1, e.renegotiatedConnection, 'renegotiated_connection', { rfc: 'RFC 5746 §3.2' });
      break;
    case 'opaque':
      if (e.data.length > 0) w.bytes(e.data, 'extension_data', { value: toHex(e.data) });
      break;
  }
  data();
  g();
}

function writeKeyShareEntry(w: Writer, s: KeyShareEntry, label = 'KeyShareEntry'): void {
  const g = w.group(label, { value: nameOf(GROUPS, s.group) });
  w.u16(s.group, 'group', { value: describe(GROUPS, s.group) });
  w.opaque(2, s.keyExchange, 'key_exchange');
  g();
}
