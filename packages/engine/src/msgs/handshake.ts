/**
 * TLS 1.3 handshake messages (RFC 8446 §4): typed values, and their reading and writing
 * through the annotated codec. Handshake framing (`msg_type ‖ uint24 length ‖ body`) is
 * shared with TLS 1.2; the TLS 1.2 bodies live in msgs/tls12.ts and msgs/handshake12.ts.
 */
import type { ByteSpan } from '../codec/bytespan';
import { Reader } from '../codec/reader';
import { Writer } from '../codec/writer';
import { equalBytes, toHex } from '../codec/hex';
import { TlsError } from '../errors';
import { CIPHER_SUITES, describe, HANDSHAKE_TYPES, HandshakeType, HRR_RANDOM, nameOf, SIGNATURE_SCHEMES, VERSIONS, handshakeMessageName, type HandshakeMessageName } from './enums';
import { readExtensions, writeExtensions, type ExtContext, type Extension } from './extensions';

interface CertificateEntry {
  certData: Uint8Array;
  extensions: Extension[];
}

export type HandshakeMessage =
  | {
      type: 'ClientHello';
      legacyVersion: number;
      random: Uint8Array;
      legacySessionId: Uint8Array;
      cipherSuites: number[];
      legacyCompressionMethods: Uint8Array;
      extensions: Extension[];
    }
  | {
      /** Also HelloRetryRequest (same msg_type, the special random; RFC 8446 §4.1.3). */
      type: 'ServerHello' | 'HelloRetryRequest';
      legacyVersion: number;
      random: Uint8Array;
      legacySessionIdEcho: Uint8Array;
      cipherSuite: number;
      legacyCompressionMethod: number;
      extensions: Extension[];
    }
  | { type: 'EncryptedExtensions'; extensions: Extension[] }
  | { type: 'CertificateRequest'; context: Uint8Array; extensions: Extension[] }
  | { type: 'Certificate'; context: Uint8Array; entries: CertificateEntry[] }
  | { type: 'CertificateVerify'; scheme: number; signature: Uint8Array }
  | { type: 'Finished'; verifyData: Uint8Array }
  | {
      type: 'NewSessionTicket';
      lifetime: number;
      ageAdd: number;
      nonce: Uint8Array;
      ticket: Uint8Array;
      extensions: Extension[];
    }
  | { type: 'KeyUpdate'; requestUpdate: number }
  | { type: 'EndOfEarlyData' };

export type HandshakeName = HandshakeMessage['type'];

/** The ClientHello, the same message in both versions (RFC 8446 §4.1.2, RFC 5246 §7.4.1.2). */
export type ClientHelloMsg = Extract<HandshakeMessage, { type: 'ClientHello' }>;

/** A framed handshake message as it came off the wire (body not yet parsed). */
export interface HandshakeFrame {
  msgType: number;
  /** msg_type ‖ length ‖ body. */
  bytes: Uint8Array;
  body: Uint8Array;
}

/** An encoded or decoded message with its spans (offsets relative to `bytes`). */
export interface EncodedMessage<M = HandshakeMessage> {
  msg: M;
  name: HandshakeMessageName;
  bytes: Uint8Array;
  spans: ByteSpan[];
  /** Short readable summary of the important fields. */
  summary?: Record<string, string>;
}

const RFC_MSG: Record<string, string> = {
  ClientHello: 'RFC 8446 §4.1.2',
  ServerHello: 'RFC 8446 §4.1.3',
  HelloRetryRequest: 'RFC 8446 §4.1.4',
  EncryptedExtensions: 'RFC 8446 §4.3.1',
  CertificateRequest: 'RFC 8446 §4.3.2',
  Certificate: 'RFC 8446 §4.4.2',
  CertificateVerify: 'RFC 8446 §4.4.3',
  Finished: 'RFC 8446 §4.4.4',
  NewSessionTicket: 'RFC 8446 §4.6.1',
  KeyUpdate: 'RFC 8446 §4.6.3',
  EndOfEarlyData: 'RFC 8446 §4.5',
};

function msgTypeOf(m: HandshakeMessage): number {
  switch (m.type) {
    case 'ClientHello':
      return HandshakeType.client_hello;
    case 'ServerHello':
    case 'HelloRetryRequest':
      return HandshakeType.server_hello;
    case 'EncryptedExtensions':
      return HandshakeType.encrypted_extensions;
    case 'CertificateRequest':
      return HandshakeType.certificate_request;
    case 'Certificate':
      return HandshakeType.certificate;
    case 'CertificateVerify':
      return HandshakeType.certificate_verify;
    case 'Finished':
      return HandshakeType.finished;
    case 'NewSessionTicket':
      return HandshakeType.new_session_ticket;
    case 'KeyUpdate':
      return HandshakeType.key_update;
    case 'EndOfEarlyData':
      return HandshakeType.end_of_early_data;
  }
}

/** Reads an unsigned 32-bit field (the codec has u8/u16/u24). */
function u32(r: Reader, label: string): number {
  const b = r.bytesN(4, label);
  const v = ((b[0]! << 24) >>> 0) + (b[1]! << 16) + (b[2]! << 8) + b[3]!;
  const last = r.spans[r.spans.length - 1]!;
  r.spans[r.spans.length - 1] = { ...last, value: String(v) };
  return v;
}

function writeU32(w: Writer, v: number, label: string): void {
  w.bytes(new Uint8Array([(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff]), label, { value: String(v) });
}

/** Writes a handshake message: Handshake { msg_type; uint24 length; body } (RFC 8446 §4). */
export function encodeHandshake(m: HandshakeMessage): EncodedMessage {
  const w = new Writer();
  const t = msgTypeOf(m);
  const name = m.type;
  w.u8(t, 'msg_type', { value: `${name} (${t})`, rfc: 'RFC 8446 §4' });
  const body = w.vector24(name, { rfc: RFC_MSG[name]!, value: name });
  switch (m.type) {
    case 'ClientHello': {
      w.u16(m.legacyVersion, 'legacy_version', { value: describe(VERSIONS, m.legacyVersion) });
      w.bytes(m.random, 'random');
      w.opaque(1, m.legacySessionId, 'legacy_session_id');
      const cs = w.vector16('cipher_suites');
      for (const s of m.cipherSuites) w.u16(s, 'CipherSuite', { value: describe(CIPHER_SUITES, s) });
      cs();
      w.opaque(1, m.legacyCompressionMethods, 'legacy_compression_methods');
      writeExtensions(w, m.extensions);
      break;
    }
    case 'ServerHello':
    case 'HelloRetryRequest':
      w.u16(m.legacyVersion, 'legacy_version', { value: describe(VERSIONS, m.legacyVersion) });
      w.bytes(m.random, 'random', m.type === 'HelloRetryRequest' ? { value: 'SHA-256("HelloRetryRequest")' } : {});
      w.opaque(1, m.legacySessionIdEcho, 'legacy_session_id_echo');
      w.u16(m.cipherSuite, 'cipher_suite', { value: describe(CIPHER_SUITES, m.cipherSuite) });
      w.u8(m.legacyCompressionMethod, 'legacy_compression_method');
      writeExtensions(w, m.extensions);
      break;
    case 'EncryptedExtensions':
      writeExtensions(w, m.extensions);
      break;
    case 'CertificateRequest':
      w.opaque(1, m.context, 'certificate_request_context');
      writeExtensions(w, m.extensions);
      break;
    case 'Certificate': {
      w.opaque(1, m.context, 'certificate_request_context');
      const list = w.vector24('certificate_list');
      m.entries.forEach((e, i) => {
        const g = w.group('CertificateEntry', { value: i === 0 ? 'end-entity' : `chain[${i}]` });
        w.opaque(3, e.certData, 'cert_data', { value: `${e.certData.length} bytes DER` });
        writeExtensions(w, e.extensions);
        g();
      });
      list();
      break;
    }
    case 'CertificateVerify':
      w.u16(m.scheme, 'algorithm', { value: describe(SIGNATURE_SCHEMES, m.scheme) });
      w.opaque(2, m.signature, 'signature');
      break;
    case 'Finished':
      w.bytes(m.verifyData, 'verify_data');
      break;
    case 'NewSessionTicket':
      writeU32(w, m.lifetime, 'ticket_lifetime');
      writeU32(w, m.ageAdd, 'ticket_age_add');
      w.opaque(1, m.nonce, 'ticket_nonce');
      w.opaque(2, m.ticket, 'ticket');
      writeExtensions(w, m.extensions);
      break;
    case 'KeyUpdate':
      w.u8(m.requestUpdate, 'request_update', { value: m.requestUpdate === 1 ? 'update_requested (1)' : 'update_not_requested (0)' });
      break;
    case 'EndOfEarlyData':
      break;
  }
  body();
  return { msg: m, name, bytes: w.finish(), spans: w.spans, summary: summarize(m) };
}

/**
 * Parses a TLS 1.3 handshake message from its frame. Unknown or TLS 1.2-only message types
 * are an unexpected_message (RFC 8446 §6.2); bodies that do not parse are a decode_error.
 */
export function decodeHandshake(frame: HandshakeFrame): EncodedMessage {
  const r = new Reader(frame.bytes);
  const t = r.u8('msg_type', (v) => `${nameOf(HANDSHAKE_TYPES, v, 2)} (${v})`);
  const isHrr = t === HandshakeType.server_hello && frame.body.length >= 34 && equalBytes(frame.body.subarray(2, 34), HRR_RANDOM);
  const name: HandshakeMessageName = isHrr ? 'HelloRetryRequest' : handshakeMessageName(t);
  const body = r.vector24(name, { rfc: RFC_MSG[name] ?? 'RFC 8446 §4', value: name });
  let m: HandshakeMessage;
  switch (t) {
    case HandshakeType.client_hello:
      m = readClientHello(r);
      break;
    case HandshakeType.server_hello:
      m = readServerHello(r, isHrr);
      break;
    case HandshakeType.encrypted_extensions:
      m = { type: 'EncryptedExtensions', extensions: readExtensions(r, 'encrypted_extensions') };
      break;
    case HandshakeType.certificate_request: {
      const context = r.opaque(1, 'certificate_request_context');
      m = { type: 'CertificateRequest', context, extensions: readExtensions(r, 'certificate_request') };
      break;
    }
    case HandshakeType.certificate:
      m = readCertificate(r);
      break;
    case HandshakeType.certificate_verify: {
      const scheme = r.u16('algorithm', (v) => describe(SIGNATURE_SCHEMES, v));
      const signature = r.opaque(2, 'signature');
      m = { type: 'CertificateVerify', scheme, signature };
      break;
    }
    case HandshakeType.finished:
      m = { type: 'Finished', verifyData: r.rest('verify_data') };
      break;
    case HandshakeType.new_session_ticket: {
      const lifetime = u32(r, 'ticket_lifetime');
      const ageAdd = u32(r, 'ticket_age_add');
      const nonce = r.opaque(1, 'ticket_nonce');
      const ticket = r.opaque(2, 'ticket', { min: 1 });
      m = { type: 'NewSessionTicket', lifetime, ageAdd, nonce, ticket, extensions: readExtensions(r, 'new_session_ticket') };
      break;
    }
    case HandshakeType.key_update: {
      const requestUpdate = r.u8('request_update', (v) => (v === 0 ? 'update_not_requested (0)' : v === 1 ? 'update_requested (1)' : `invalid (${v})`));
      // RFC 8446 §4.6.3: any other value is an illegal_parameter.
      if (requestUpdate > 1) throw new TlsError('PeerIllegalParameter', `KeyUpdate.request_update = ${requestUpdate}`);
      m = { type: 'KeyUpdate', requestUpdate };
      break;
    }
    case HandshakeType.end_of_early_data:
      m = { type: 'EndOfEarlyData' };
      break;
    default:
      throw new TlsError('PeerUnexpectedMessage', `unexpected handshake message type ${nameOf(HANDSHAKE_TYPES, t, 2)} in TLS 1.3`);
  }
  body();
  r.expectEnd(name);
  return { msg: m, name, bytes: frame.bytes, spans: r.spans, summary: summarize(m) };
}

/** ClientHello (RFC 8446 §4.1.2). */
function readClientHello(r: Reader): HandshakeMessage {
  const legacyVersion = r.u16('legacy_version', (v) => describe(VERSIONS, v));
  const random = r.bytesN(32, 'random');
  const legacySessionId = r.opaque(1, 'legacy_session_id', { max: 32 });
  const cipherSuites: number[] = [];
  const cs = r.vector16('cipher_suites', { min: 2 });
  if (r.remaining() % 2 !== 0) throw new TlsError('DecodeError', 'cipher_suites: odd length');
  while (r.inScope()) cipherSuites.push(r.u16('CipherSuite', (v) => describe(CIPHER_SUITES, v)));
  cs();
  const legacyCompressionMethods = r.opaque(1, 'legacy_compression_methods', { min: 1 });
  // RFC 8446 §4.1.2: a ClientHello without extensions is TLS 1.2-or-older.
  const extensions = r.inScope() ? readExtensions(r, 'client_hello') : [];
  return { type: 'ClientHello', legacyVersion, random, legacySessionId, cipherSuites, legacyCompressionMethods, extensions };
}

/** ServerHello or HelloRetryRequest (RFC 8446 §4.1.3, §4.1.4). */
function readServerHello(r: Reader, isHrr: boolean): HandshakeMessage {
  const legacyVersion = r.u16('legacy_version', (v) => describe(VERSIONS, v));
  const random = r.bytesN(32, 'random', isHrr ? { value: 'SHA-256("HelloRetryRequest")' } : {});
  const legacySessionIdEcho = r.opaque(1, 'legacy_session_id_echo', { max: 32 });
  const cipherSuite = r.u16('cipher_suite', (v) => describe(CIPHER_SUITES, v));
  const legacyCompressionMethod = r.u8('legacy_compression_method');
  const ctx: ExtContext = isHrr ? 'hello_retry_request' : 'server_hello';
  const extensions = r.inScope() ? readExtensions(r, ctx) : [];
  return { type: isHrr ? 'HelloRetryRequest' : 'ServerHello', legacyVersion, random, legacySessionIdEcho, cipherSuite, legacyCompressionMethod, extensions };
}

/** Certificate (RFC 8446 §4.4.2): the request context and the certificate entries with their extensions. */
function readCertificate(r: Reader): HandshakeMessage {
  const context = r.opaque(1, 'certificate_request_context');
  const entries: CertificateEntry[] = [];
  const list = r.vector24('certificate_list');
  while (r.inScope()) {
    const g = r.group('CertificateEntry', { value: entries.length === 0 ? 'end-entity' : `chain[${entries.length}]` });
    const certData = r.opaque(3, 'cert_data', { min: 1 });
    const extensions = readExtensions(r, 'certificate');
    g();
    entries.push({ certData, extensions });
  }
  list();
  return { type: 'Certificate', context, entries };
}

/** A short readable summary of the important fields (for the `handshake` event). */
export function summarize(m: HandshakeMessage): Record<string, string> {
  switch (m.type) {
    case 'ClientHello':
      return {
        random: toHex(m.random),
        cipher_suites: m.cipherSuites.map((s) => nameOf(CIPHER_SUITES, s)).join(', '),
        extensions: m.extensions.length.toString(),
      };
    case 'ServerHello':
    case 'HelloRetryRequest':
      return { random: toHex(m.random), cipher_suite: nameOf(CIPHER_SUITES, m.cipherSuite) };
    case 'EncryptedExtensions':
      return { extensions: m.extensions.length.toString() };
    case 'CertificateRequest':
      return { certificate_request_context: toHex(m.context) };
    case 'Certificate':
      return { certificates: m.entries.length.toString() };
    case 'CertificateVerify':
      return { algorithm: nameOf(SIGNATURE_SCHEMES, m.scheme), signature: `${m.signature.length} bytes` };
    case 'Finished':
      return { verify_data: toHex(m.verifyData) };
    case 'NewSessionTicket':
      return { ticket_lifetime: String(m.lifetime) };
    case 'KeyUpdate':
      return { request_update: String(m.requestUpdate) };
    case 'EndOfEarlyData':
      return {};
  }
}

/**
 * The one guard of every state: the message must be one of `names`, else
 * "expected X, got Y" → unexpected_message (RFC 8446 §6.2).
 */
export function expectMessage<T extends HandshakeName>(got: EncodedMessage, ...names: T[]): Extract<HandshakeMessage, { type: T }> {
  if (!(names as string[]).includes(got.msg.type)) {
    throw new TlsError('PeerUnexpectedMessage', `expected ${names.join(' or ')}, got ${got.name}`);
  }
  return got.msg as Extract<HandshakeMessage, { type: T }>;
}

/**
 * The check before any body is parsed: a message whose type the state does not expect is an
 * unexpected_message (RFC 8446 §6.2, RFC 5246 §7.4), whatever its body — so a ServerHello, a
 * Finished or a KeyUpdate where a ClientHello belongs is answered the same way, parseable or not.
 */
export function expectType(frame: HandshakeFrame, state: string, allowed: readonly number[]): void {
  if (allowed.includes(frame.msgType)) return;
  // msg_type 2 is ServerHello or (by its random) HelloRetryRequest, RFC 8446 §4.1.3.
  const expected =
    allowed.map((t) => (t === HandshakeType.server_hello ? 'ServerHello or HelloRetryRequest' : nameOf(HANDSHAKE_TYPES, t, 2))).join(' or ') || 'no handshake message';
  throw new TlsError('PeerUnexpectedMessage', `${state}: expected ${expected}, got ${nameOf(HANDSHAKE_TYPES, frame.msgType, 2)}`);
}
