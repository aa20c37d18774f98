/**
 * The process-wide (Worker-wide) cache of verified certificate signatures, as real clients keep
 * one: the same intermediate signed by the same root is checked once, not on every handshake.
 *
 * An entry is keyed by SHA-256 over (issuer public key, signature algorithm, signed bytes,
 * signature), so only the very same signature by the very same key over the very same bytes
 * hits; a changed bit anywhere is a miss and is verified afresh. Both outcomes are kept (a bad
 * signature stays bad). At most `MAX_ENTRIES` entries; the least recently used goes first.
 *
 * Nothing is hidden: `lastX509SignatureCached()` says whether the latest answer came from the
 * cache, so the certificate report can say "signature checked earlier, cached".
 */
import { toHex as hex } from '../codec/hex';
import type { PublicKey } from './keys';
import { cryptoProvider } from './provider';
import type { X509SignatureAlgorithm } from './signature';

export const MAX_ENTRIES = 1024;

const entries = new Map<string, boolean>();
let lastCached = false;
let hits = 0;
let misses = 0;

function keyBytes(key: PublicKey): string {
  switch (key.type) {
    case 'rsa':
      return `rsa:${key.n.toString(16)}:${key.e.toString(16)}`;
    case 'ed25519':
      return `ed25519:${hex(key.key)}`;
    case 'ecdsa-p256':
    case 'ecdsa-p384':
      return `${key.type}:${hex(key.point)}`;
  }
}

function cacheKey(alg: X509SignatureAlgorithm, key: PublicKey, tbs: Uint8Array, signature: Uint8Array): string {
  const p = cryptoProvider();
  const head = new TextEncoder().encode(`${keyBytes(key)}|${JSON.stringify(alg)}|${tbs.length}|`);
  const all = new Uint8Array(head.length + tbs.length + signature.length);
  all.set(head);
  all.set(tbs, head.length);
  all.set(signature, head.length + tbs.length);
  return hex(p.hash('sha256', all));
}

/** verifyX509Signature through the cache (`verify` computes a miss). */
export function verifyX509SignatureCached(
  alg: X509SignatureAlgorithm,
  key: PublicKey,
  tbs: Uint8Array,
  signature: Uint8Array,
  verify: (alg: X509SignatureAlgorithm, key: PublicKey, tbs: Uint8Array, signature: Uint8Array) => boolean,
): boolean {
  const id = cacheKey(alg, key, tbs, signature);
  const hit = entries.get(id);
  if (hit !== undefined) {
    entries.delete(id); // most recently used goes to the end
    entries.set(id, hit);
    lastCached = true;
    hits++;
    return hit;
  }
  const ok = verify(alg, key, tbs, signature);
  if (entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value!);
  entries.set(id, ok);
  lastCached = false;
  misses++;
  return ok;
}

/** True when the latest verifyX509Signature answer came from the cache (checked earlier). */
export function lastX509SignatureCached(): boolean {
  return lastCached;
}

/** Entries, hits and misses since the start (or the last clear), for benchmarks and tests. */
export function signatureCacheStats(): { entries: number; hits: number; misses: number } {
  return { entries: entries.size, hits, misses };
}

/** Empties the cache (benchmarks measure cold verification; tests prove both paths). */
export function clearSignatureCache(): void {
  entries.clear();
  hits = 0;
  misses = 0;
  lastCached = false;
}
