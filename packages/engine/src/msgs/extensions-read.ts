/**
 * Reading hello extensions (RFC 8446 §4.2): each body by its type and the message it is in
 * (types in msgs/extensions.ts), every field a ByteSpan named as in the RFC.
 */
import type { Reader } from '../codec/reader';
import { utf8 } from '../codec/hex';
import { TlsError } from '../errors';
import { describe, EXTENSION_TYPES, ExtensionType, GROUPS, nameOf, SIGNATURE_SCHEMES, VERSIONS } from './enums';

import { pointFormatName, type ExtContext, type Extension, type KeyShareEntry, type PskIdentity } from './extensions';

const RFC_EXT = 'RFC 8446 §4.2';

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
    case ExtensionType.server_name:
      return readServerName(r);
    case ExtensionType.supported_versions:
      return readSupportedVersions(r, ctx);
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
    case ExtensionType.alpn:
      return readAlpn(r);
    case ExtensionType.cookie:
      return { type: 'cookie', cookie: r.opaque(2, 'cookie', { min: 1, rfc: 'RFC 8446 §4.2.2' }) };
    case ExtensionType.psk_key_exchange_modes: {
      const modes: number[] = [];
      const done = r.vector8('ke_modes', { rfc: 'RFC 8446 §4.2.9', min: 1 });
      while (r.inScope()) modes.push(r.u8('PskKeyExchangeMode', (v) => (v === 0 ? 'psk_ke (0)' : v === 1 ? 'psk_dhe_ke (1)' : `unknown (${v})`)));
      done();
      return { type: 'psk_key_exchange_modes', modes };
    }
    case ExtensionType.pre_shared_key:
      return readPreSharedKey(r, code, ctx);
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

/** server_name (RFC 6066 §3): a list of host names. */
function readServerName(r: Reader): Extension {
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

/** supported_versions (RFC 8446 §4.2.1): the offered list, or the selected version. */
function readSupportedVersions(r: Reader, ctx: ExtContext): Extension {
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

/** application_layer_protocol_negotiation (RFC 7301 §3.1). */
function readAlpn(r: Reader): Extension {
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

/** pre_shared_key (RFC 8446 §4.2.11): the offered identities and binders, or the selected one. */
function readPreSharedKey(r: Reader, code: number, ctx: ExtContext): Extension {
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
