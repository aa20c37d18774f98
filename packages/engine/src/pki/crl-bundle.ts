/**
 * Pasted CRLs: PEM blocks (RFC 7468 §5 "X509 CRL", with text around them) or DER, binary or
 * base64, into DER CRLs that parse (pki/crl.ts), explaining everything it cannot use.
 */
import { decodeBase64, MAX_INPUT_BYTES } from './parse';
import { parseCrlCached } from './crl';

export interface CrlBundle {
  /** DER of each CRL that parses. */
  crls: Uint8Array[];
  /** One readable message per thing that could not be used. */
  problems: string[];
}

const CRL_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

/**
 * Reads CRLs from pasted text or file bytes: PEM "X509 CRL" blocks (with any text around
 * them, as `openssl crl` prints them), a binary DER CRL, or base64 DER. Never throws.
 */
export function parseCrlBundle(input: string | Uint8Array): CrlBundle {
  const out: CrlBundle = { crls: [], problems: [] };
  const take = (der: Uint8Array, where: string) => {
    try {
      parseCrlCached(der);
      out.crls.push(der);
    } catch (e) {
      out.problems.push(`${where}: ${(e as Error).message}`);
    }
  };
  if (input.length > MAX_INPUT_BYTES) {
    out.problems.push(`the CRL input is ${(input.length / 1024 / 1024).toFixed(1)} MB, over the 1 MB limit`);
    return out;
  }
  if (typeof input !== 'string' && input.length > 0 && input[0] === 0x30) {
    take(input, 'binary input');
    return out;
  }
  const text = typeof input === 'string' ? input : new TextDecoder('utf-8', { fatal: false }).decode(input);
  if (!text.trim()) {
    out.problems.push('the CRL input is empty; expected PEM (-----BEGIN X509 CRL-----) or DER');
    return out;
  }
  let blocks = 0;
  for (const m of text.matchAll(CRL_BLOCK)) {
    blocks++;
    const [, label, body] = m as unknown as [string, string, string];
    const where = `block ${blocks} (${label})`;
    if (label !== 'X509 CRL') {
      out.problems.push(
        label === 'CERTIFICATE' ? `${where}: this is a certificate, not a CRL; paste the CRL (-----BEGIN X509 CRL-----)` : `${where}: not a CRL; expected -----BEGIN X509 CRL-----`,
      );
      continue;
    }
    const der = decodeBase64(body);
    if (!der) out.problems.push(`${where}: the base64 inside is damaged (invalid characters or length)`);
    else take(der, where);
  }
  if (blocks === 0) {
    const der = /-----BEGIN /.test(text) ? null : decodeBase64(text);
    if (der && der[0] === 0x30) take(der, 'base64 input');
    else if (/-----BEGIN X509 CRL-----/.test(text)) out.problems.push('the X509 CRL block is truncated: "-----END X509 CRL-----" is missing');
    else out.problems.push('no CRL found; expected "-----BEGIN X509 CRL-----" (as printed by openssl crl or openssl ca -gencrl) or DER');
  }
  return out;
}
