/**
 * Which checks change their outcome when the verification policy flips: two reports of the
 * same chain (one per policy) are lined up check by check. A check is identified by its id,
 * the certificate it is about (by fingerprint, since the two policies may build different
 * paths) and its title, counting repeats.
 */
import type { CertCheck, VerificationReportSummary } from '@tlslab/engine';

export interface PolicyDiff {
  /** The two verdicts differ (valid under one, rejected under the other). */
  verdictChanges: boolean;
  /** For each check of `here` (same order): the other policy's outcome when it differs (null: that policy has no such check). */
  differs: (CertCheck | null | undefined)[];
  /** Checks the other policy makes that `here` has not. */
  onlyThere: CertCheck[];
}

function keys(r: VerificationReportSummary): string[] {
  const seen = new Map<string, number>();
  return r.checks.map((c) => {
    const cert = c.cert === null ? 'chain' : (r.certificates[c.cert]?.sha256 ?? `#${c.cert}`);
    const k = `${c.id}|${cert}|${c.title}`;
    const n = seen.get(k) ?? 0;
    seen.set(k, n + 1);
    return `${k}|${n}`;
  });
}

/** Lines up `here` (the report shown) with `there` (the same chain under the other policy). */
export function comparePolicies(here: VerificationReportSummary, there: VerificationReportSummary): PolicyDiff {
  const hk = keys(here);
  const tk = keys(there);
  const byKey = new Map(tk.map((k, i) => [k, there.checks[i]!]));
  const mine = new Set(hk);
  return {
    verdictChanges: here.ok !== there.ok,
    differs: here.checks.map((c, i) => {
      const o = byKey.get(hk[i]!);
      if (!o) return null;
      return o.pass !== c.pass ? o : undefined;
    }),
    onlyThere: there.checks.filter((_, i) => !mine.has(tk[i]!)),
  };
}
