/** TLS 1.2 message bodies and RSA key transport (with the Bleichenbacher countermeasure). */
import { constants, generateKeyPairSync, publicEncrypt } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Reader } from '../src/codec/reader';
import { Writer } from '../src/codec/writer';
import { readExtensions, writeExtensions } from '../src/msgs/extensions';
import { fromHex, toHex } from '../src/codec/hex';
import { rsaPrivateKeyFromComponents, type RsaPrivateKey } from '../src/crypto/rsa';
import { seededRng } from '../src/crypto/rng';
import { alertFor, TlsError } from '../src/errors';
import {
  encodeServerEcdhParams,
  readCertificate12,
  readCertificateRequest12,
  readCertificateVerify12,
  readClientKeyExchange,
  readFinished12,
  readServerHelloDone,
  readServerKeyExchangeEcdhe,
  serverKeyExchangeSignedContent,
  writeCertificate12,
  writeCertificateRequest12,
  writeCertificateVerify12,
  writeClientKeyExchange,
  writeFinished12,
  writeServerKeyExchangeEcdhe,
} from '../src/msgs/tls12';
import { decryptPremaster, encryptPremaster, makeRsaPremaster } from '../src/crypto/rsa-kx';

function b64u(s: string): bigint {
  return BigInt('0x' + Buffer.from(s, 'base64url').toString('hex'));
}

/** An RSA key made by node:crypto (independent of our keygen), as our bigint key. */
function nodeRsaKey(bits = 1024): { key: RsaPrivateKey; pem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  const j = privateKey.export({ format: 'jwk' });
  const key = rsaPrivateKeyFromComponents(b64u(j.n!), b64u(j.e!), b64u(j.d!), b64u(j.p!), b64u(j.q!));
  return { key, pem: publicKey.export({ format: 'pem', type: 'spki' }) as string };
}

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('expected an exception');
}

describe('TLS 1.2 messages', () => {
  it('ServerKeyExchange (ECDHE) round trip; params bytes are what is signed', () => {
    const point = fromHex('04' + '11'.repeat(64));
    const w = new Writer();
    writeServerKeyExchangeEcdhe(w, { params: { namedCurve: 0x17, publicPoint: point }, signed: { algorithm: 0x0403, signature: fromHex('3044aabb') } });
    const body = w.finish();
    expect(toHex(body.subarray(0, 4))).toBe('03001741');
    const r = new Reader(body);
    const ske = readServerKeyExchangeEcdhe(r);
    r.expectEnd('ServerKeyExchange');
    expect(ske.params.namedCurve).toBe(0x17);
    expect(toHex(ske.params.publicPoint)).toBe(toHex(point));
    expect(toHex(ske.paramsBytes)).toBe(toHex(encodeServerEcdhParams(ske.params)));
    expect(ske.signed).toEqual({ algorithm: 0x0403, signature: fromHex('3044aabb') });
    const cr = new Uint8Array(32).fill(1);
    const sr = new Uint8Array(32).fill(2);
    expect(serverKeyExchangeSignedContent(cr, sr, ske.paramsBytes).length).toBe(64 + 4 + 65);
    expect(r.spans.map((s) => s.label)).toEqual(['params', 'curve_params', 'curve_type', 'namedcurve', 'public', 'signed_params', 'algorithm', 'signature']);
    expect(r.spans.find((s) => s.label === 'namedcurve')!.value).toBe('secp256r1 (0x0017)');
    expect(w.spans.map((s) => s.label)).toEqual(r.spans.map((s) => s.label));
  });

  it('ServerKeyExchange with explicit curve parameters is illegal_parameter', () => {
    const e = thrown(() => readServerKeyExchangeEcdhe(new Reader(fromHex('01001720' + '00'.repeat(32)))));
    expect(alertFor(e)).toBe('illegal_parameter');
  });

  it('ClientKeyExchange: RSA has a 2-byte length, ECDHE a 1-byte one', () => {
    let w = new Writer();
    writeClientKeyExchange(w, { kind: 'RSA', encryptedPreMasterSecret: new Uint8Array(256).fill(7) });
    let body = w.finish();
    expect(toHex(body.subarray(0, 2))).toBe('0100');
    expect(readClientKeyExchange(new Reader(body), 'RSA')).toEqual({ kind: 'RSA', encryptedPreMasterSecret: new Uint8Array(256).fill(7) });
    w = new Writer();
    writeClientKeyExchange(w, { kind: 'ECDHE', ecdhYc: new Uint8Array(32).fill(9) });
    body = w.finish();
    expect(body[0]).toBe(32);
    expect(readClientKeyExchange(new Reader(body), 'ECDHE')).toEqual({ kind: 'ECDHE', ecdhYc: new Uint8Array(32).fill(9) });
    // Truncated: decode_error.
    expect(alertFor(thrown(() => readClientKeyExchange(new Reader(body.subarray(0, 20)), 'ECDHE')))).toBe('decode_error');
  });

  it('CertificateRequest (1.2) round trip', () => {
    const m = { certificateTypes: [1, 64], signatureAlgorithms: [0x0403, 0x0804, 0x0401], certificateAuthorities: [fromHex('3010310e300c06035504030c0574657374')] };
    const w = new Writer();
    writeCertificateRequest12(w, m);
    const r = new Reader(w.finish());
    expect(readCertificateRequest12(r)).toEqual(m);
    r.expectEnd('CertificateRequest');
    expect(r.spans.find((s) => s.label === 'ClientCertificateType')!.value).toBe('rsa_sign (0x01)');
    // certificate_types may not be empty.
    expect(alertFor(thrown(() => readCertificateRequest12(new Reader(fromHex('00000204030000')))))).toBe('decode_error');
  });

  it('Certificate (1.2): a plain list of DER certificates, possibly empty', () => {
    const chain = [fromHex('3003020101'), fromHex('30020500')];
    let w = new Writer();
    writeCertificate12(w, chain);
    const body = w.finish();
    expect(toHex(body)).toBe('00000f' + '000005' + '3003020101' + '000004' + '30020500');
    expect(readCertificate12(new Reader(body))).toEqual(chain);
    w = new Writer();
    writeCertificate12(w, []);
    expect(toHex(w.finish())).toBe('000000');
    expect(readCertificate12(new Reader(fromHex('000000')))).toEqual([]);
    // An inner length running past the list: decode_error.
    expect(alertFor(thrown(() => readCertificate12(new Reader(fromHex('000004000009aa')))))).toBe('decode_error');
  });

  it('CertificateVerify, Finished and ServerHelloDone', () => {
    let w = new Writer();
    writeCertificateVerify12(w, { algorithm: 0x0401, signature: fromHex('abcd') });
    expect(toHex(w.finish())).toBe('04010002abcd');
    expect(readCertificateVerify12(new Reader(fromHex('04010002abcd')))).toEqual({ algorithm: 0x0401, signature: fromHex('abcd') });
    w = new Writer();
    writeFinished12(w, new Uint8Array(12).fill(5));
    expect(readFinished12(new Reader(w.finish()))).toEqual(new Uint8Array(12).fill(5));
    expect(alertFor(thrown(() => readFinished12(new Reader(new Uint8Array(13)))))).toBe('decode_error');
    readServerHelloDone(new Reader(new Uint8Array(0)));
    expect(alertFor(thrown(() => readServerHelloDone(new Reader(new Uint8Array(1)))))).toBe('decode_error');
  });

  it('renegotiation_info, extended_master_secret and ec_point_formats in hellos (msgs/extensions.ts)', () => {
    const w = new Writer();
    writeExtensions(w, [{ type: 'ec_point_formats', formats: [0] }, { type: 'extended_master_secret' }, { type: 'renegotiation_info', renegotiatedConnection: new Uint8Array(0) }]);
    const bytes = w.finish();
    expect(toHex(bytes)).toBe('000f' + '000b00020100' + '00170000' + 'ff01000100');
    const r = new Reader(bytes);
    const exts = readExtensions(r, 'server_hello');
    expect(exts).toEqual([
      { type: 'ec_point_formats', formats: [0] },
      { type: 'extended_master_secret' },
      { type: 'renegotiation_info', renegotiatedConnection: new Uint8Array(0) },
    ]);
    expect(r.spans.map((s) => s.label)).toEqual(expect.arrayContaining(['ec_point_format_list', 'ECPointFormat', 'renegotiated_connection']));
    // extended_master_secret must be empty (RFC 7627 §5.1); an empty ec_point_format_list is malformed.
    expect(alertFor(thrown(() => readExtensions(new Reader(fromHex('0005' + '0017000100')), 'client_hello')))).toBe('decode_error');
    expect(alertFor(thrown(() => readExtensions(new Reader(fromHex('0005' + '000b000100')), 'client_hello')))).toBe('decode_error');
  });
});

describe('RSA key transport (RFC 5246 §7.4.7.1)', () => {
  const { key, pem } = nodeRsaKey(1024);

  it('premaster = client_version ‖ 46 random bytes; round trip through our RSA', () => {
    const rng = seededRng('kx', 'client');
    const pms = makeRsaPremaster(rng);
    expect(pms.length).toBe(48);
    expect(Array.from(pms.subarray(0, 2))).toEqual([3, 3]);
    const ct = encryptPremaster(key.publicKey, pms, rng);
    expect(ct.length).toBe(128);
    const out = decryptPremaster(key, ct, [3, 3], seededRng('kx', 'server'));
    expect(out.substituted).toBe(false);
    expect(toHex(out.premaster)).toBe(toHex(pms));
  });

  it('decrypts a premaster encrypted by node:crypto (OpenSSL) with PKCS#1 v1.5', () => {
    const pms = makeRsaPremaster(seededRng('kx2'));
    const ct = new Uint8Array(publicEncrypt({ key: pem, padding: constants.RSA_PKCS1_PADDING }, pms));
    const out = decryptPremaster(key, ct, [3, 3], seededRng('kx2', 'server'));
    expect(out.substituted).toBe(false);
    expect(toHex(out.premaster)).toBe(toHex(pms));
  });

  it('Bleichenbacher countermeasure: bad padding, wrong length or wrong version give a random premaster, no error', () => {
    const pms = makeRsaPremaster(seededRng('kx3'));
    const good = encryptPremaster(key.publicKey, pms, seededRng('kx3', 'enc'));
    const corrupted = good.slice();
    corrupted[5]! ^= 0x40;
    const wrongVersion = makeRsaPremaster(seededRng('kx3'), [3, 1]);
    const cases: [string, Uint8Array, RegExp][] = [
      ['corrupted ciphertext', corrupted, /padding|octets/],
      ['premaster of 47 bytes', new Uint8Array(publicEncrypt({ key: pem, padding: constants.RSA_PKCS1_PADDING }, pms.subarray(0, 47))), /47 octets/],
      ['client_version 3,1', new Uint8Array(publicEncrypt({ key: pem, padding: constants.RSA_PKCS1_PADDING }, wrongVersion)), /client_version/],
      ['ciphertext of the wrong size', good.subarray(1), /octets/],
    ];
    for (const [what, ct, problem] of cases) {
      const a = decryptPremaster(key, ct, [3, 3], seededRng(what, 'a'));
      const b = decryptPremaster(key, ct, [3, 3], seededRng(what, 'b'));
      expect(a.premaster.length, what).toBe(48);
      expect(a.substituted, what).toBe(true);
      expect(a.problem, what).toMatch(problem);
      // The substitute is fresh randomness, not derived from the ciphertext.
      expect(toHex(a.premaster), what).not.toBe(toHex(b.premaster));
      expect(toHex(a.premaster), what).not.toBe(toHex(pms));
    }
  });

  it('RSA key transport to a non-RSA key is refused', () => {
    const e = thrown(() => encryptPremaster({ type: 'ed25519', key: new Uint8Array(32) }, new Uint8Array(48), seededRng('x')));
    expect(e).toBeInstanceOf(TlsError);
  });
});
