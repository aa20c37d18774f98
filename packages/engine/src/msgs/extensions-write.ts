/**
 * Writing hello extensions (RFC 8446 §4.2): each typed value (msgs/extensions.ts) to its wire
 * form, every field a ByteSpan named as in the RFC.
 */
import type { Writer } from '../codec/writer';
import { toHex, utf8 } from '../codec/hex';
import { describe, EXTENSION_TYPES, GROUPS, nameOf, SIGNATURE_SCHEMES, VERSIONS } from './enums';

import { extensionCode, pointFormatName, type Extension, type KeyShareEntry } from './extensions';

const RFC_EXT = 'RFC 8446 §4.2';

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
    case 'server_name':
      writeServerName(w, e);
      break;
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
    case 'psk_key_exchange_modes':
      writePskModes(w, e);
      break;
    case 'pre_shared_key':
      writePreSharedKey(w, e);
      break;
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

/** server_name (RFC 6066 §3). */
function writeServerName(w: Writer, e: Extract<Extension, { type: 'server_name' }>): void {
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
}

/** pre_shared_key (RFC 8446 §4.2.11): identities with obfuscated ages, then binders. */
function writePreSharedKey(w: Writer, e: Extract<Extension, { type: 'pre_shared_key' }>): void {
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
}

/** psk_key_exchange_modes (RFC 8446 §4.2.9). */
function writePskModes(w: Writer, e: Extract<Extension, { type: 'psk_key_exchange_modes' }>): void {
  const done = w.vector8('ke_modes', { rfc: 'RFC 8446 §4.2.9' });
  for (const m of e.modes) w.u8(m, 'PskKeyExchangeMode', { value: m === 1 ? 'psk_dhe_ke (1)' : m === 0 ? 'psk_ke (0)' : `unknown (${m})` });
  done();
}

function writeKeyShareEntry(w: Writer, s: KeyShareEntry, label = 'KeyShareEntry'): void {
  const g = w.group(label, { value: nameOf(GROUPS, s.group) });
  w.u16(s.group, 'group', { value: describe(GROUPS, s.group) });
  w.opaque(2, s.keyExchange, 'key_exchange');
  g();
}
