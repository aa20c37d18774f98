/**
 * What a person pastes (RFC 7468 PEM with text around it, several blocks, DER as binary or
 * base64) into certificates and keys, explaining everything it cannot use instead of throwing.
 */
import { AsnParser } from '@peculiar/asn1-schema';
import { SubjectPublicKeyInfo } from '@peculiar/asn1-x509';
import { EncryptedPrivateKeyInfo } from '@peculiar/asn1-pkcs8';
import { certificateParts } from './der';
import type { PrivateKey } from '../crypto/keys';
import { PkiParseError } from './asn1-util';
import { privateKeyFromDer, type PrivateKeyFormat } from './private-key';
import { parseCertificateCached } from './parse';

/** Parses the first private key in PEM text (PKCS#8, SEC1 EC, PKCS#1 RSA). */
export function privateKeyFromPem(pem: string): PrivateKey {
  const bundle = parsePemBundle(pem);
  const key = bundle.keys[0];
  if (key) return key;
  throw new PkiParseError(bundle.problems[0] ?? 'no private key found (expected -----BEGIN PRIVATE KEY-----)');
}

// ---------------------------------------------------------------------------------------------
// PEM / DER input

export const MAX_INPUT_BYTES = 1024 * 1024;
/** Bundles with more certificates than this (trust stores) are only checked structurally. */
const LIGHT_VALIDATION_ABOVE = 16;

export interface PemBundle {
  certificates: Uint8Array[];
  keys: PrivateKey[];
  /** Everything that could not be used, one readable message each. */
  problems: string[];
}

/** Base64 (whitespace ignored) to bytes, or null when it is not base64. */
export function decodeBase64(text: string): Uint8Array | null {
  const clean = text.replace(/\s+/g, '');
  if (clean.length === 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(clean) || clean.length % 4 === 1) return null;
  const bin = atob(clean.padEnd(Math.ceil(clean.length / 4) * 4, '='));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** Encodes DER as PEM with the given label. */
export function toPem(der: Uint8Array, label = 'CERTIFICATE'): string {
  let bin = '';
  for (const b of der) bin += String.fromCharCode(b);
  const b64 = btoa(bin).replace(/.{1,64}/g, '$&\n');
  return `-----BEGIN ${label}-----\n${b64}-----END ${label}-----\n`;
}

/** Works out what a DER blob is and adds it to the bundle. */
function classifyDer(der: Uint8Array, where: string, out: PemBundle): void {
  if (der.length < 2 || der[0] !== 0x30) {
    out.problems.push(`${where}: not DER (does not start with an ASN.1 SEQUENCE); expected a certificate or a private key`);
    return;
  }
  try {
    parseCertificateCached(der);
    out.certificates.push(der);
    return;
  } catch {
    /* not a certificate */
  }
  try {
    out.keys.push(privateKeyFromDer(der));
    return;
  } catch (e) {
    if (e instanceof PkiParseError && !/^not a private key/.test(e.message)) {
      out.problems.push(`${where}: private key not usable: ${e.message}`);
      return;
    }
  }
  try {
    AsnParser.parse(der, SubjectPublicKeyInfo);
    out.problems.push(`${where}: this is a public key, not a certificate; paste the certificate (-----BEGIN CERTIFICATE-----)`);
    return;
  } catch {
    /* no */
  }
  try {
    AsnParser.parse(der, EncryptedPrivateKeyInfo);
    out.problems.push(`${where}: this is an encrypted private key; decrypt it first (openssl pkey -in key.pem -out plain.pem)`);
    return;
  } catch {
    /* no */
  }
  out.problems.push(`${where}: DER data that is neither a certificate nor a private key`);
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END ([A-Z0-9 ]+)-----/g;

/**
 * Reads everything usable from pasted text or file bytes: PEM blocks (with any text around
 * them), or a single DER blob (binary, or base64 without PEM armour). Never throws.
 */
export function parsePemBundle(input: string | Uint8Array): PemBundle {
  const out: PemBundle = { certificates: [], keys: [], problems: [] };
  try {
    const size = typeof input === 'string' ? input.length : input.length;
    if (size > MAX_INPUT_BYTES) {
      out.problems.push(`input is ${(size / 1024 / 1024).toFixed(1)} MB, over the 1 MB limit; expected one certificate chain and optionally a key`);
      return out;
    }
    let text: string;
    if (typeof input !== 'string') {
      if (input.length > 0 && input[0] === 0x30) {
        classifyDer(input, 'binary input', out);
        return out;
      }
      text = new TextDecoder('utf-8', { fatal: false }).decode(input);
    } else text = input;

    if (text.trim().length === 0) {
      out.problems.push('input is empty; expected PEM (-----BEGIN CERTIFICATE-----) or DER');
      return out;
    }
    let found = 0;
    let lastEnd = 0;
    const light = (text.match(/-----BEGIN CERTIFICATE-----/g)?.length ?? 0) > LIGHT_VALIDATION_ABOVE;
    for (const m of text.matchAll(PEM_BLOCK)) {
      found++;
      const [whole, begin, body, end] = m as unknown as [string, string, string, string];
      lastEnd = m.index! + whole.length;
      const n = found;
      const where = `block ${n} (${begin})`;
      // A BEGIN inside the body means the previous block lost its END.
      const nested = body.indexOf('-----BEGIN ');
      if (nested >= 0) {
        out.problems.push(`block ${n} (${begin}) is truncated: "-----END ${begin}-----" missing before the next BEGIN`);
        const rest = body.slice(nested);
        const innerMatch = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*)$/.exec(rest);
        if (innerMatch) handleBlock(innerMatch[1]!, innerMatch[2]!, end, `block ${n}b (${innerMatch[1]})`, out);
        continue;
      }
      handleBlock(begin, body, end, where, out, light);
    }
    // BEGIN without END after the last complete block: truncated paste.
    const tail = text.slice(lastEnd);
    const dangling = /-----BEGIN ([A-Z0-9 ]+)-----/.exec(tail);
    if (dangling) {
      out.problems.push(`the ${dangling[1]} block starting after ${found} complete block(s) is truncated: "-----END ${dangling[1]}-----" is missing`);
      found++;
    }
    if (found === 0) {
      const der = decodeBase64(text);
      if (der && der.length > 1 && der[0] === 0x30) classifyDer(der, 'base64 input', out);
      else if (/-----END /.test(text)) out.problems.push('found an "-----END" line without its "-----BEGIN" line: the PEM is truncated at the start');
      else out.problems.push('no PEM block found and the text is not base64 DER; expected "-----BEGIN CERTIFICATE-----" (as printed by openssl x509 or s_client -showcerts)');
    }
  } catch (e) {
    out.problems.push(`could not read the input: ${(e as Error).message}`);
  }
  return out;
}

function handleBlock(begin: string, body: string, end: string, where: string, out: PemBundle, light = false): void {
  if (begin !== end) {
    out.problems.push(`${where}: BEGIN ${begin} ends with END ${end}; the PEM is damaged`);
    return;
  }
  // RFC 1421 headers (Proc-Type / DEK-Info) mean a legacy encrypted key.
  if (/Proc-Type:\s*4,ENCRYPTED/i.test(body)) {
    out.problems.push(`${where}: this private key is encrypted with a passphrase; decrypt it first (openssl pkey -in key.pem -out plain.pem)`);
    return;
  }
  const b64 = body.replace(/^[A-Za-z-]+:.*$/gm, '');
  const der = decodeBase64(b64);
  if (!der) {
    out.problems.push(`${where}: the base64 inside is damaged (invalid characters or length)`);
    return;
  }
  switch (begin) {
    case 'CERTIFICATE':
    case 'X509 CERTIFICATE':
    case 'TRUSTED CERTIFICATE': {
      const certDer = begin === 'TRUSTED CERTIFICATE' ? firstDerElement(der) : der;
      try {
        // Big bundles (trust stores) get a structural check here; the full parse happens when
        // a certificate is used. A paste of a few certificates is parsed fully right away.
        if (light) certificateParts(certDer);
        else parseCertificateCached(certDer);
        out.certificates.push(certDer);
      } catch (e) {
        out.problems.push(`${where}: ${(e as Error).message}`);
      }
      return;
    }
    case 'PRIVATE KEY':
    case 'EC PRIVATE KEY':
    case 'RSA PRIVATE KEY': {
      const format: PrivateKeyFormat = begin === 'PRIVATE KEY' ? 'pkcs8' : begin === 'EC PRIVATE KEY' ? 'sec1' : 'pkcs1';
      try {
        out.keys.push(privateKeyFromDer(der, format));
      } catch (e) {
        out.problems.push(`${where}: ${(e as Error).message}`);
      }
      return;
    }
    case 'ENCRYPTED PRIVATE KEY':
      out.problems.push(`${where}: this private key is encrypted (PKCS#8 with a passphrase); decrypt it first (openssl pkey -in key.pem -out plain.pem)`);
      return;
    case 'CERTIFICATE REQUEST':
    case 'NEW CERTIFICATE REQUEST':
      out.problems.push(`${where}: this is a certificate signing request (CSR), not a certificate; expected -----BEGIN CERTIFICATE-----`);
      return;
    case 'PUBLIC KEY':
    case 'RSA PUBLIC KEY':
      out.problems.push(`${where}: this is a bare public key, not a certificate; expected -----BEGIN CERTIFICATE-----`);
      return;
    case 'EC PARAMETERS':
      return; // printed by `openssl ecparam -genkey` before the key: harmless
    case 'X509 CRL':
      out.problems.push(`${where}: this is a certificate revocation list (CRL), not a certificate`);
      return;
    case 'PKCS7':
    case 'CMS':
      out.problems.push(`${where}: this is a PKCS#7 bundle; extract the certificates with: openssl pkcs7 -print_certs -in file.p7b`);
      return;
    default:
      out.problems.push(`${where}: unsupported PEM type "${begin}"; expected CERTIFICATE or a PRIVATE KEY`);
  }
}

/** The first complete DER element of `der` (TRUSTED CERTIFICATE carries trust settings after it). */
function firstDerElement(der: Uint8Array): Uint8Array {
  if (der.length < 2) return der;
  let len = der[1]!;
  let off = 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + der[2 + i]!;
    off = 2 + n;
  }
  return der.subarray(0, Math.min(der.length, off + len));
}
