/**
 * TLS 1.2 handshake message bodies that TLS 1.3 does not have (or has in a different shape):
 * ServerKeyExchange, ClientKeyExchange, the 1.2 CertificateRequest and Certificate,
 * ServerHelloDone, CertificateVerify, Finished. (The TLS 1.2 hello extensions —
 * renegotiation_info, extended_master_secret, ec_point_formats — are in msgs/extensions.ts.)
 *
 * Wire formats only, no state. Every read/write goes through the annotated codec with the
 * RFC's field names as labels. Functions work on a body (after msg_type ‖ length).
 */
import type { Reader } from '../codec/reader';
import type { Writer } from '../codec/writer';
import { concatBytes } from '../codec/hex';
import { TlsError } from '../errors';
import { describe, GROUPS, SIGNATURE_SCHEMES } from './enums';

const RFC_ECC = 'RFC 8422 §5.4';

/** ClientCertificateType, RFC 5246 §7.4.4 and RFC 8422 §5.5. */
export const CLIENT_CERTIFICATE_TYPES: Readonly<Record<number, string>> = {
  1: 'rsa_sign',
  2: 'dss_sign',
  3: 'rsa_fixed_dh',
  4: 'dss_fixed_dh',
  64: 'ecdsa_sign',
  65: 'rsa_fixed_ecdh',
  66: 'ecdsa_fixed_ecdh',
};

export const ClientCertificateType = { rsa_sign: 1, ecdsa_sign: 64 } as const;

/** ECCurveType named_curve (RFC 8422 §5.4); explicit curves are deprecated and refused. */
const NAMED_CURVE = 3;

// ---------------------------------------------------------------------------------------------
// digitally-signed (RFC 5246 §4.7): SignatureAndHashAlgorithm algorithm; opaque signature<0..2^16-1>

export interface DigitallySigned {
  /** SignatureAndHashAlgorithm as one 16-bit SignatureScheme code (RFC 8446 §4.2.3 kept the values). */
  algorithm: number;
  signature: Uint8Array;
}

function readDigitallySigned(r: Reader, label = 'signed_params'): DigitallySigned {
  const g = r.group(label, { rfc: 'RFC 5246 §4.7' });
  const algorithm = r.u16('algorithm', (v) => describe(SIGNATURE_SCHEMES, v));
  const signature = r.opaque(2, 'signature');
  g();
  return { algorithm, signature };
}

function writeDigitallySigned(w: Writer, s: DigitallySigned, label = 'signed_params'): void {
  const g = w.group(label, { rfc: 'RFC 5246 §4.7' });
  w.u16(s.algorithm, 'algorithm', { value: describe(SIGNATURE_SCHEMES, s.algorithm) });
  w.opaque(2, s.signature, 'signature');
  g();
}

// ---------------------------------------------------------------------------------------------
// ServerKeyExchange for ECDHE (RFC 8422 §5.4)
//
//   struct { ECCurveType curve_type; NamedCurve namedcurve; } ECParameters;
//   struct { ECParameters curve_params; ECPoint public; } ServerECDHParams;
//   struct { ServerECDHParams params; digitally-signed ... signed_params; } ServerKeyExchange;

export interface ServerEcdhParams {
  namedCurve: number;
  /** X25519: 32 bytes; P-256: uncompressed 04 ‖ x ‖ y. */
  publicPoint: Uint8Array;
}

export interface ServerKeyExchangeEcdhe {
  params: ServerEcdhParams;
  /** The exact bytes of ServerECDHParams, which the signature covers. */
  paramsBytes: Uint8Array;
  signed: DigitallySigned;
}

function writeEcdhParams(w: Writer, p: ServerEcdhParams): void {
  const g = w.group('params', { rfc: RFC_ECC });
  const cp = w.group('curve_params');
  w.u8(NAMED_CURVE, 'curve_type', { value: 'named_curve (3)' });
  w.u16(p.namedCurve, 'namedcurve', { value: describe(GROUPS, p.namedCurve) });
  cp();
  w.opaque(1, p.publicPoint, 'public');
  g();
}

/** ServerECDHParams encoded alone (what the ServerKeyExchange signature covers). */
export function encodeServerEcdhParams(p: ServerEcdhParams): Uint8Array {
  const out = new Uint8Array(4 + p.publicPoint.length);
  out[0] = NAMED_CURVE;
  out[1] = p.namedCurve >> 8;
  out[2] = p.namedCurve & 0xff;
  if (p.publicPoint.length < 1 || p.publicPoint.length > 255) throw new TlsError('LocalInternal', `ECPoint of ${p.publicPoint.length} bytes`);
  out[3] = p.publicPoint.length;
  out.set(p.publicPoint, 4);
  return out;
}

/**
 * The bytes the server signs (RFC 8422 §5.4, RFC 5246 §7.4.3):
 * ClientHello.random ‖ ServerHello.random ‖ ServerECDHParams.
 */
export function serverKeyExchangeSignedContent(clientRandom: Uint8Array, serverRandom: Uint8Array, paramsBytes: Uint8Array): Uint8Array {
  return concatBytes(clientRandom, serverRandom, paramsBytes);
}

export function writeServerKeyExchangeEcdhe(w: Writer, ske: { params: ServerEcdhParams; signed: DigitallySigned }): void {
  writeEcdhParams(w, ske.params);
  writeDigitallySigned(w, ske.signed);
}

export function readServerKeyExchangeEcdhe(r: Reader): ServerKeyExchangeEcdhe {
  const start = r.offset;
  const g = r.group('params', { rfc: RFC_ECC });
  const cp = r.group('curve_params');
  const curveType = r.u8('curve_type', (v) => (v === NAMED_CURVE ? 'named_curve (3)' : v === 1 ? 'explicit_prime (1)' : v === 2 ? 'explicit_char2 (2)' : `unknown (${v})`));
  // RFC 8422 §5.4: explicit curves are deprecated; only named_curve is allowed.
  if (curveType !== NAMED_CURVE) throw new TlsError('PeerIllegalParameter', `ServerKeyExchange curve_type ${curveType}, only named_curve (3) is allowed (RFC 8422 §5.4)`);
  const namedCurve = r.u16('namedcurve', (v) => describe(GROUPS, v));
  cp();
  const publicPoint = r.opaque(1, 'public', { min: 1 });
  g();
  const paramsBytes = r.bytes.slice(start, r.offset);
  const signed = readDigitallySigned(r);
  return { params: { namedCurve, publicPoint }, paramsBytes, signed };
}

// ---------------------------------------------------------------------------------------------
// ClientKeyExchange (RFC 5246 §7.4.7, RFC 8422 §5.7)

export type ClientKeyExchange =
  /** struct { public-key-encrypted PreMasterSecret pre_master_secret; } with a 2-byte length (§7.4.7.1). */
  | { kind: 'RSA'; encryptedPreMasterSecret: Uint8Array }
  /** struct { ECPoint ecdh_Yc; } — opaque point <1..2^8-1> (RFC 8422 §5.7). */
  | { kind: 'ECDHE'; ecdhYc: Uint8Array };

export function writeClientKeyExchange(w: Writer, cke: ClientKeyExchange): void {
  switch (cke.kind) {
    case 'RSA':
      w.opaque(2, cke.encryptedPreMasterSecret, 'pre_master_secret', { rfc: 'RFC 5246 §7.4.7.1' });
      break;
    case 'ECDHE':
      w.opaque(1, cke.ecdhYc, 'ecdh_Yc', { rfc: 'RFC 8422 §5.7' });
      break;
  }
}

/** The body's format depends on the negotiated key exchange, which only the state knows. */
export function readClientKeyExchange(r: Reader, kind: 'RSA' | 'ECDHE'): ClientKeyExchange {
  switch (kind) {
    case 'RSA':
      return { kind, encryptedPreMasterSecret: r.opaque(2, 'pre_master_secret', { rfc: 'RFC 5246 §7.4.7.1' }) };
    case 'ECDHE':
      return { kind, ecdhYc: r.opaque(1, 'ecdh_Yc', { min: 1, rfc: 'RFC 8422 §5.7' }) };
  }
}

// ---------------------------------------------------------------------------------------------
// CertificateRequest, TLS 1.2 shape (RFC 5246 §7.4.4)
//
//   ClientCertificateType certificate_types<1..2^8-1>;
//   SignatureAndHashAlgorithm supported_signature_algorithms<2..2^16-2>;
//   DistinguishedName certificate_authorities<0..2^16-1>;   opaque DistinguishedName<1..2^16-1>

export interface CertificateRequest12 {
  certificateTypes: number[];
  signatureAlgorithms: number[];
  /** DER-encoded X.501 Names. */
  certificateAuthorities: Uint8Array[];
}

export function writeCertificateRequest12(w: Writer, m: CertificateRequest12): void {
  let done = w.vector8('certificate_types', { rfc: 'RFC 5246 §7.4.4' });
  for (const t of m.certificateTypes) w.u8(t, 'ClientCertificateType', { value: describe(CLIENT_CERTIFICATE_TYPES, t, 2) });
  done();
  done = w.vector16('supported_signature_algorithms');
  for (const s of m.signatureAlgorithms) w.u16(s, 'SignatureAndHashAlgorithm', { value: describe(SIGNATURE_SCHEMES, s) });
  done();
  done = w.vector16('certificate_authorities');
  for (const n of m.certificateAuthorities) w.opaque(2, n, 'DistinguishedName');
  done();
}

export function readCertificateRequest12(r: Reader): CertificateRequest12 {
  const certificateTypes: number[] = [];
  let done = r.vector8('certificate_types', { min: 1, rfc: 'RFC 5246 §7.4.4' });
  while (r.inScope()) certificateTypes.push(r.u8('ClientCertificateType', (v) => describe(CLIENT_CERTIFICATE_TYPES, v, 2)));
  done();
  const signatureAlgorithms: number[] = [];
  done = r.vector16('supported_signature_algorithms', { min: 2 });
  while (r.inScope()) signatureAlgorithms.push(r.u16('SignatureAndHashAlgorithm', (v) => describe(SIGNATURE_SCHEMES, v)));
  done();
  const certificateAuthorities: Uint8Array[] = [];
  done = r.vector16('certificate_authorities');
  while (r.inScope()) certificateAuthorities.push(r.opaque(2, 'DistinguishedName', { min: 1 }));
  done();
  return { certificateTypes, signatureAlgorithms, certificateAuthorities };
}

// ---------------------------------------------------------------------------------------------
// Certificate, TLS 1.2 shape (RFC 5246 §7.4.2): opaque ASN.1Cert<1..2^24-1>;
// struct { ASN.1Cert certificate_list<0..2^24-1>; } — no request context, no per-entry extensions.

export function writeCertificate12(w: Writer, chain: readonly Uint8Array[]): void {
  const done = w.vector24('certificate_list', { rfc: 'RFC 5246 §7.4.2' });
  for (const c of chain) w.opaque(3, c, 'ASN.1Cert', { value: `${c.length} bytes DER` });
  done();
}

export function readCertificate12(r: Reader): Uint8Array[] {
  const out: Uint8Array[] = [];
  const done = r.vector24('certificate_list', { rfc: 'RFC 5246 §7.4.2' });
  while (r.inScope()) {
    const c = r.opaque(3, 'ASN.1Cert', { min: 1 });
    const last = r.spans[r.spans.length - 1]!;
    r.spans[r.spans.length - 1] = { ...last, value: `${c.length} bytes DER` };
    out.push(c);
  }
  done();
  return out;
}

// ---------------------------------------------------------------------------------------------
// ServerHelloDone (RFC 5246 §7.4.5): struct { } — an empty body.

export function readServerHelloDone(r: Reader): void {
  if (r.remaining() !== 0) throw new TlsError('DecodeError', `ServerHelloDone has a ${r.remaining()}-byte body, must be empty (RFC 5246 §7.4.5)`);
}

// ---------------------------------------------------------------------------------------------
// CertificateVerify (RFC 5246 §7.4.8): digitally-signed struct { handshake_messages }.

export function writeCertificateVerify12(w: Writer, s: DigitallySigned): void {
  w.u16(s.algorithm, 'algorithm', { value: describe(SIGNATURE_SCHEMES, s.algorithm), rfc: 'RFC 5246 §7.4.8' });
  w.opaque(2, s.signature, 'signature');
}

export function readCertificateVerify12(r: Reader): DigitallySigned {
  const algorithm = r.u16('algorithm', (v) => describe(SIGNATURE_SCHEMES, v));
  const signature = r.opaque(2, 'signature');
  return { algorithm, signature };
}

// ---------------------------------------------------------------------------------------------
// Finished (RFC 5246 §7.4.9): opaque verify_data[verify_data_length] (12 for all our suites).

export function writeFinished12(w: Writer, verifyData: Uint8Array): void {
  w.bytes(verifyData, 'verify_data', { rfc: 'RFC 5246 §7.4.9' });
}

export function readFinished12(r: Reader, length = 12): Uint8Array {
  if (r.remaining() !== length) throw new TlsError('DecodeError', `Finished body is ${r.remaining()} bytes, verify_data is ${length} (RFC 5246 §7.4.9)`);
  return r.bytesN(length, 'verify_data', { rfc: 'RFC 5246 §7.4.9' });
}
