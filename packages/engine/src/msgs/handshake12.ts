/**
 * TLS 1.2 handshake messages as typed values, framed as `msg_type ‖ uint24 length ‖ body`
 * (RFC 5246 §7.4). ClientHello and ServerHello have the same shape in both versions and use
 * msgs/handshake.ts; the bodies that exist only in TLS 1.2 (or differ) use msgs/tls12.ts.
 */
import type { ByteSpan } from '../codec/bytespan';
import { Reader } from '../codec/reader';
import { Writer } from '../codec/writer';
import { toHex } from '../codec/hex';
import { TlsError } from '../errors';
import { GROUPS, HANDSHAKE_TYPES, handshakeMessageName, HandshakeType, nameOf, SIGNATURE_SCHEMES, type HandshakeMessageName } from './enums';
import { decodeHandshake, encodeHandshake, summarize, type ClientHelloMsg, type HandshakeFrame, type HandshakeMessage } from './handshake';

export type { ClientHelloMsg } from './handshake';
import {
  readCertificate12,
  readCertificateRequest12,
  readCertificateVerify12,
  readClientKeyExchange,
  readFinished12,
  readServerHelloDone,
  readServerKeyExchangeEcdhe,
  writeCertificate12,
  writeCertificateRequest12,
  writeCertificateVerify12,
  writeClientKeyExchange,
  writeFinished12,
  writeServerKeyExchangeEcdhe,
  CLIENT_CERTIFICATE_TYPES,
  type CertificateRequest12,
  type ClientKeyExchange,
  type DigitallySigned,
  type ServerKeyExchangeEcdhe,
} from './tls12';

export type ServerHelloMsg = Extract<HandshakeMessage, { legacySessionIdEcho: Uint8Array }> & { type: 'ServerHello' };

export type Tls12Message =
  | ClientHelloMsg
  | ServerHelloMsg
  | { type: 'HelloRequest' }
  | { type: 'Certificate'; chain: Uint8Array[] }
  | { type: 'ServerKeyExchange'; ske: ServerKeyExchangeEcdhe }
  | { type: 'CertificateRequest'; request: CertificateRequest12 }
  | { type: 'ServerHelloDone' }
  | { type: 'ClientKeyExchange'; cke: ClientKeyExchange }
  | { type: 'CertificateVerify'; signed: DigitallySigned }
  | { type: 'Finished'; verifyData: Uint8Array };

export interface Encoded12 {
  msg: Tls12Message;
  name: HandshakeMessageName;
  /** msg_type ‖ length ‖ body */
  bytes: Uint8Array;
  spans: ByteSpan[];
  summary: Record<string, string>;
}

const RFC: Record<string, string> = {
  HelloRequest: 'RFC 5246 §7.4.1.1',
  ClientHello: 'RFC 5246 §7.4.1.2',
  ServerHello: 'RFC 5246 §7.4.1.3',
  Certificate: 'RFC 5246 §7.4.2',
  ServerKeyExchange: 'RFC 8422 §5.4',
  CertificateRequest: 'RFC 5246 §7.4.4',
  ServerHelloDone: 'RFC 5246 §7.4.5',
  CertificateVerify: 'RFC 5246 §7.4.8',
  ClientKeyExchange: 'RFC 5246 §7.4.7',
  Finished: 'RFC 5246 §7.4.9',
};

const MSG_TYPE: Record<Exclude<Tls12Message['type'], 'ClientHello' | 'ServerHello'>, number> = {
  HelloRequest: 0,
  Certificate: HandshakeType.certificate,
  ServerKeyExchange: HandshakeType.server_key_exchange,
  CertificateRequest: HandshakeType.certificate_request,
  ServerHelloDone: HandshakeType.server_hello_done,
  ClientKeyExchange: HandshakeType.client_key_exchange,
  CertificateVerify: HandshakeType.certificate_verify,
  Finished: HandshakeType.finished,
};

/** A short readable summary of a message (for the `handshake` event). */
function summarize12(m: Tls12Message): Record<string, string> {
  switch (m.type) {
    case 'ClientHello':
    case 'ServerHello':
      return summarize(m);
    case 'HelloRequest':
    case 'ServerHelloDone':
      return {};
    case 'Certificate':
      return { certificates: String(m.chain.length) };
    case 'ServerKeyExchange':
      return {
        namedcurve: nameOf(GROUPS, m.ske.params.namedCurve),
        public: toHex(m.ske.params.publicPoint),
        algorithm: nameOf(SIGNATURE_SCHEMES, m.ske.signed.algorithm),
      };
    case 'CertificateRequest':
      return {
        certificate_types: m.request.certificateTypes.map((t) => nameOf(CLIENT_CERTIFICATE_TYPES, t, 2)).join(', '),
        supported_signature_algorithms: m.request.signatureAlgorithms.map((s) => nameOf(SIGNATURE_SCHEMES, s)).join(', '),
        certificate_authorities: String(m.request.certificateAuthorities.length),
      };
    case 'ClientKeyExchange':
      return m.cke.kind === 'RSA'
        ? { key_exchange: 'RSA', pre_master_secret: `${m.cke.encryptedPreMasterSecret.length} bytes encrypted` }
        : { key_exchange: 'ECDHE', ecdh_Yc: toHex(m.cke.ecdhYc) };
    case 'CertificateVerify':
      return { algorithm: nameOf(SIGNATURE_SCHEMES, m.signed.algorithm), signature: `${m.signed.signature.length} bytes` };
    case 'Finished':
      return { verify_data: toHex(m.verifyData) };
  }
}

/** RFC 5246 §7.4.1.2-3 names for the fields RFC 8446 calls legacy_* (by message). */
const HELLO_FIELDS_12: Record<'ClientHello' | 'ServerHello', Record<string, string>> = {
  ClientHello: { legacy_version: 'client_version', legacy_session_id: 'session_id', legacy_compression_methods: 'compression_methods' },
  ServerHello: { legacy_version: 'server_version', legacy_session_id_echo: 'session_id', legacy_compression_method: 'compression_method' },
};

/**
 * The shared hello codec (msgs/handshake.ts) uses RFC 8446's names and sections; in a TLS 1.2
 * handshake ClientHello / ServerHello wear RFC 5246's: client_version, session_id,
 * compression_methods, and extensions per RFC 5246 §7.4.1.4.
 */
export function citeTls12Hello(spans: ByteSpan[], name: string): ByteSpan[] {
  if (name !== 'ClientHello' && name !== 'ServerHello') return spans;
  const fields = HELLO_FIELDS_12[name];
  return spans.map((sp) => {
    if (sp.label === 'msg_type' && sp.depth === 0) return { ...sp, rfc: 'RFC 5246 §7.4' };
    if (sp.label === name && sp.depth === 0) return { ...sp, rfc: RFC[name]! };
    const label = fields[sp.label];
    if (label) return { ...sp, label, rfc: RFC[name]! };
    if (sp.rfc === 'RFC 8446 §4.2') return { ...sp, rfc: 'RFC 5246 §7.4.1.4' };
    return sp;
  });
}

/** Encodes a TLS 1.2 handshake message with spans. */
export function encodeHandshake12(m: Tls12Message): Encoded12 {
  if (m.type === 'ClientHello' || m.type === 'ServerHello') {
    const e = encodeHandshake(m);
    return { msg: m, name: e.name, bytes: e.bytes, spans: citeTls12Hello(e.spans, e.name), summary: summarize12(m) };
  }
  const w = new Writer();
  const t = MSG_TYPE[m.type];
  w.u8(t, 'msg_type', { value: `${m.type} (${t})`, rfc: 'RFC 5246 §7.4' });
  const body = w.vector24(m.type, { rfc: RFC[m.type]!, value: m.type });
  switch (m.type) {
    case 'HelloRequest':
    case 'ServerHelloDone':
      break;
    case 'Certificate':
      writeCertificate12(w, m.chain);
      break;
    case 'ServerKeyExchange':
      writeServerKeyExchangeEcdhe(w, m.ske);
      break;
    case 'CertificateRequest':
      writeCertificateRequest12(w, m.request);
      break;
    case 'ClientKeyExchange':
      writeClientKeyExchange(w, m.cke);
      break;
    case 'CertificateVerify':
      writeCertificateVerify12(w, m.signed);
      break;
    case 'Finished':
      writeFinished12(w, m.verifyData);
      break;
  }
  body();
  return { msg: m, name: m.type, bytes: w.finish(), spans: w.spans, summary: summarize12(m) };
}

/**
 * Decodes a TLS 1.2 handshake message. `keyExchange` says how to read ClientKeyExchange
 * (its format depends on the negotiated suite). Types that do not exist in TLS 1.2 are an
 * unexpected_message; bodies that do not parse are a decode_error.
 */
export function decodeHandshake12(frame: HandshakeFrame, keyExchange?: 'RSA' | 'ECDHE'): Encoded12 {
  if (frame.msgType === HandshakeType.client_hello || frame.msgType === HandshakeType.server_hello) {
    const d = decodeHandshake(frame);
    if (d.msg.type !== 'ClientHello' && d.msg.type !== 'ServerHello') {
      // A HelloRetryRequest in a TLS 1.2 handshake (RFC 8446 §4.1.4 is 1.3 only).
      throw new TlsError('PeerUnexpectedMessage', `${d.name} in a TLS 1.2 handshake`);
    }
    const msg = d.msg as ClientHelloMsg | ServerHelloMsg;
    return { msg, name: d.name, bytes: d.bytes, spans: citeTls12Hello(d.spans, d.name), summary: summarize12(msg) };
  }
  const r = new Reader(frame.bytes);
  const t = r.u8('msg_type', (v) => `${nameOf(HANDSHAKE_TYPES, v, 2)} (${v})`);
  const name = handshakeMessageName(t);
  const body = r.vector24(name, { rfc: RFC[name] ?? 'RFC 5246 §7.4', value: name });
  let m: Tls12Message;
  switch (t) {
    case 0:
      if (r.remaining() !== 0) throw new TlsError('DecodeError', 'HelloRequest must be empty (RFC 5246 §7.4.1.1)');
      m = { type: 'HelloRequest' };
      break;
    case HandshakeType.certificate:
      m = { type: 'Certificate', chain: readCertificate12(r) };
      break;
    case HandshakeType.server_key_exchange:
      m = { type: 'ServerKeyExchange', ske: readServerKeyExchangeEcdhe(r) };
      break;
    case HandshakeType.certificate_request:
      m = { type: 'CertificateRequest', request: readCertificateRequest12(r) };
      break;
    case HandshakeType.server_hello_done:
      readServerHelloDone(r);
      m = { type: 'ServerHelloDone' };
      break;
    case HandshakeType.client_key_exchange:
      if (!keyExchange) throw new TlsError('PeerUnexpectedMessage', 'ClientKeyExchange before a cipher suite was negotiated');
      m = { type: 'ClientKeyExchange', cke: readClientKeyExchange(r, keyExchange) };
      break;
    case HandshakeType.certificate_verify:
      m = { type: 'CertificateVerify', signed: readCertificateVerify12(r) };
      break;
    case HandshakeType.finished:
      m = { type: 'Finished', verifyData: readFinished12(r) };
      break;
    default:
      throw new TlsError('PeerUnexpectedMessage', `handshake message type ${nameOf(HANDSHAKE_TYPES, t, 2)} does not exist in TLS 1.2`);
  }
  body();
  r.expectEnd(name);
  return { msg: m, name, bytes: frame.bytes, spans: r.spans, summary: summarize12(m) };
}
