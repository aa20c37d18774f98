/**
 * Trust stores (RFC 5280 §6.1.1 (d) trust anchor information): anchors indexed by subject name
 * with a light DER scan, so a store of ~150 roots costs milliseconds.
 */
import { nameAttributesFromDer, nameKey, type ParsedCertificate } from './parse';
import { certificateParts } from './der';
import { equalBytes } from '../codec/hex';

/**
 * A trust store: anchors indexed by normalized subject name (exact bytes compared). Built with a light
 * DER scan (pki/der.ts), so a store of ~150 roots costs milliseconds; an anchor is fully parsed
 * only when a path reaches it. Build it once for big stores (Mozilla's) and reuse it.
 */
export interface TrustStore {
  readonly kind: 'trust-store';
  /** DER of every indexed anchor. */
  readonly ders: Uint8Array[];
  /** By normalized subject (RFC 5280 §7.1 comparison key, as ParsedCertificate.subjectKey). */
  readonly bySubject: Map<string, Uint8Array[]>;
  /** Anchors that could not be indexed, with the reason. */
  readonly rejected: string[];
  /**
   * The roots come from a root program (Mozilla's store): their own profile (key identifiers,
   * basicConstraints criticality, EKU, version) was judged by that program and is not judged
   * again, as browsers do not — a few long-trusted roots predate today's rules.
   */
  readonly curated: boolean;
}

/** Builds a trust store from DER anchors (duplicates dropped; unreadable ones listed in `rejected`). */
export function createTrustStore(ders: Uint8Array[], opts: { curated?: boolean } = {}): TrustStore {
  const bySubject = new Map<string, Uint8Array[]>();
  const kept: Uint8Array[] = [];
  const rejected: string[] = [];
  for (const [i, der] of ders.entries()) {
    try {
      const key = nameKey(nameAttributesFromDer(certificateParts(der).subject));
      const list = bySubject.get(key) ?? [];
      if (list.some((d) => equalBytes(d, der))) continue;
      kept.push(der);
      list.push(der);
      bySubject.set(key, list);
    } catch (e) {
      rejected.push(`anchor ${i + 1}: ${(e as Error).message}`);
    }
  }
  return { kind: 'trust-store', ders: kept, bySubject, rejected, curated: opts.curated === true };
}

/** True when this exact certificate is in the store. */
export function isTrustAnchor(store: TrustStore, c: ParsedCertificate): boolean {
  return (store.bySubject.get(c.subjectKey) ?? []).some((d) => equalBytes(d, c.der));
}
