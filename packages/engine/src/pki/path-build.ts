/**
 * Certification path building (RFC 4158 in spirit): every candidate path from the leaf through
 * the presented certificates (any order, extras, duplicates) to a trust anchor, bounded so a
 * hostile chain cannot explode; when none reaches an anchor, the most complete attempts.
 */
import { parseCertificateCached, type ParsedCertificate } from './parse';

import { isTrustAnchor, type TrustStore } from './trust-store';

// ---------------------------------------------------------------------------------------------
// Path building

export interface Candidate {
  /** leaf … top; the last is an anchor when `anchored`. */
  path: ParsedCertificate[];
  anchored: boolean;
}

/** Default bound on intermediates (VerifyChainOptions.maxDepth). */
export const DEFAULT_MAX_DEPTH = 10;
/** Presented certificates considered at most (leaf included). */
export const MAX_CHAIN = 64;
const MAX_PATHS = 24;
/** Bound on path-building steps: a hostile chain of many same-named certificates must not explode. */
const MAX_STEPS = 256;
/** Failed attempts validated to choose the one to report. */
const MAX_PARTIAL_REPORTED = 4;

function issuerCandidates(child: ParsedCertificate, pool: ParsedCertificate[], store: TrustStore): { cert: ParsedCertificate; anchor: boolean }[] {
  const out: { cert: ParsedCertificate; anchor: boolean }[] = [];
  for (const der of store.bySubject.get(child.issuerKey) ?? []) {
    try {
      out.push({ cert: parseCertificateCached(der), anchor: true });
    } catch {
      // an anchor that indexes but does not parse cannot be used
    }
  }
  for (const p of pool) if (p.subjectKey === child.issuerKey && !isTrustAnchor(store, p)) out.push({ cert: p, anchor: false });
  // Prefer issuers whose subjectKeyIdentifier matches the child's authorityKeyIdentifier,
  // then anchors (shorter paths).
  const score = (x: { cert: ParsedCertificate; anchor: boolean }) =>
    (child.authorityKeyId && x.cert.subjectKeyId === child.authorityKeyId ? 0 : child.authorityKeyId && x.cert.subjectKeyId ? 2 : 1) * 2 + (x.anchor ? 0 : 1);
  return out.sort((a, b) => score(a) - score(b));
}

export function buildPaths(leaf: ParsedCertificate, pool: ParsedCertificate[], store: TrustStore, maxCerts: number): Candidate[] {
  const found: Candidate[] = [];
  const partial: Candidate[] = [];
  if (isTrustAnchor(store, leaf)) found.push({ path: [leaf], anchored: true });
  let steps = 0;
  const walk = (path: ParsedCertificate[]) => {
    if (found.length >= MAX_PATHS || ++steps > MAX_STEPS) {
      if (partial.length < MAX_PATHS) partial.push({ path, anchored: false });
      return;
    }
    const top = path[path.length - 1]!;
    const next = path.length < maxCerts ? issuerCandidates(top, pool, store) : [];
    const usable = next.filter((n) => !path.some((p) => p.sha256 === n.cert.sha256));
    let extended = false;
    for (const n of usable) {
      if (n.anchor) {
        found.push({ path: [...path, n.cert], anchored: true });
        extended = true;
      } else {
        extended = true;
        walk([...path, n.cert]);
      }
    }
    if (!extended && partial.length < MAX_PATHS) partial.push({ path, anchored: false });
  };
  walk([leaf]);
  if (found.length) return found;
  // No path reaches an anchor: report the most complete attempts (longest first).
  return partial.sort((a, b) => b.path.length - a.path.length).slice(0, MAX_PARTIAL_REPORTED);
}
