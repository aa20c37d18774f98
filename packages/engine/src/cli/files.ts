/**
 * Reading certificates and keys from PEM files for the CLI, and the default trust store:
 * Node's bundled Mozilla roots (`tls.rootCertificates`) plus the demo root that
 * `tlslab serve` writes to `.tlslab/demo-root.pem`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import type { CertifiedKey } from '../config';
import { UsageError } from './args';
import { certificatesFromPemText, keyMismatch, privateKeyFromPemText } from './pki-io';

/** Where `tlslab serve` writes the root of its generated demo chain. */
export const DEMO_ROOT_PATH = join('.tlslab', 'demo-root.pem');

function readText(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot read ${what} ${file}: ${code === 'ENOENT' ? 'no such file' : String(code ?? err)}`);
  }
}

/** The DER of every CERTIFICATE block in a PEM text. */
function certificatesFromPem(pem: string): Uint8Array[] {
  const out: Uint8Array[] = [];
  const re = /-----BEGIN (?:X509 |TRUSTED )?CERTIFICATE-----([\s\S]*?)-----END (?:X509 |TRUSTED )?CERTIFICATE-----/g;
  for (let m = re.exec(pem); m; m = re.exec(pem)) {
    out.push(new Uint8Array(Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64')));
  }
  return out;
}

/** Certificates from a PEM (or DER) file; an error names the file and what was wrong. */
function loadCertificates(file: string, what: string): Uint8Array[] {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(file));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot read ${what} ${file}: ${code === 'ENOENT' ? 'no such file' : String(code ?? err)}`);
  }
  const { certificates, problems } = certificatesFromPemText(bytes);
  if (certificates.length === 0) throw new UsageError(`no usable certificate in ${file}${problems[0] ? `: ${problems[0]}` : ''}`);
  return certificates;
}

export function loadTrustAnchors(file: string): Uint8Array[] {
  return loadCertificates(file, 'CA file');
}

export function defaultTrustAnchors(cwd: string): { anchors: Uint8Array[]; notes: string[] } {
  const anchors = rootCertificates.flatMap((pem) => certificatesFromPem(pem));
  const notes: string[] = [];
  const demo = join(cwd, DEMO_ROOT_PATH);
  if (existsSync(demo)) {
    anchors.push(...certificatesFromPem(readFileSync(demo, 'utf8')));
    notes.push(`also trusting the demo root ${DEMO_ROOT_PATH} (use --ca FILE to choose the trust anchors)`);
  }
  return { anchors, notes };
}

/** A certificate chain file (leaf first) and its private key file. */
export function loadCertifiedKey(certFile: string, keyFile: string): CertifiedKey {
  const chain = loadCertificates(certFile, 'certificate file');
  const keyPem = readText(keyFile, 'key file');
  let key;
  try {
    key = privateKeyFromPemText(keyPem);
  } catch (err) {
    throw new UsageError(`cannot use the key in ${keyFile}: ${err instanceof Error ? err.message : String(err)}`);
  }
  let problem: string | undefined;
  try {
    problem = keyMismatch(chain[0]!, key);
  } catch (err) {
    problem = `the first certificate does not parse: ${err instanceof Error ? err.message : String(err)}`;
  }
  if (problem) throw new UsageError(`${keyFile} and ${certFile}: ${problem}`);
  return { chain, key };
}
