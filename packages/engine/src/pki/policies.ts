/**
 * Certificate policies (RFC 5280 §6.1.2–§6.1.5) with the defaults a TLS client uses: any
 * initial policy, no explicit policy required by the caller, mapping and anyPolicy allowed.
 * A path then fails on policies only when a CA demands it: requireExplicitPolicy (policyConstraints),
 * and from that point on the certificates leave no policy valid for the whole path
 * (inhibitAnyPolicy, inhibitPolicyMapping and policyMappings shape which ones are).
 *
 * The valid_policy_tree is kept as the set of policies still valid for the path (or "any"):
 * with an any-policy initial set, whether the tree is empty — the only thing the verdict needs —
 * is the same. The trust anchor's own extensions are not processed (§6.1.1: it is an input).
 */
import type { CheckInput, RuleContext } from './checks';
import { children, decodeOid, readTlv } from './der';
import type { ParsedCertificate } from './parse';

const ANY_POLICY = '2.5.29.32.0';
const EXT = { policies: '2.5.29.32', mappings: '2.5.29.33', constraints: '2.5.29.36', inhibitAny: '2.5.29.54' };

/** What a certificate says about policies (raw extension values decoded here). */
export interface PolicyInfo {
  policies?: string[];
  mappings?: [string, string][];
  requireExplicitPolicy?: number;
  inhibitPolicyMapping?: number;
  inhibitAnyPolicy?: number;
}

const int = (der: Uint8Array, t: { contentStart: number; end: number }) => {
  let v = 0;
  for (let i = t.contentStart; i < t.end; i++) v = v * 256 + der[i]!;
  return t.end - t.contentStart > 4 ? Number.MAX_SAFE_INTEGER : v;
};
const seqOf = (der: Uint8Array) => {
  const top = readTlv(der, 0);
  if (top.tag !== 0x30 || top.end !== der.length) throw new Error('not a SEQUENCE');
  return children(der, top);
};

/** Decodes one policy extension's value into `info`. Throws on a malformed value. */
export function decodePolicyExtension(oid: string, der: Uint8Array, info: PolicyInfo): void {
  switch (oid) {
    case EXT.policies:
      info.policies = seqOf(der).map((pi) => {
        const [id] = pi.tag === 0x30 ? children(der, pi) : [];
        if (!id || id.tag !== 0x06) throw new Error('PolicyInformation without a policyIdentifier');
        return decodeOid(der.subarray(id.contentStart, id.end));
      });
      if (info.policies.length === 0) throw new Error('no PolicyInformation (SIZE (1..MAX))');
      return;
    case EXT.mappings:
      info.mappings = seqOf(der).map((m) => {
        const [a, b] = m.tag === 0x30 ? children(der, m) : [];
        if (a?.tag !== 0x06 || b?.tag !== 0x06) throw new Error('malformed policy mapping');
        return [decodeOid(der.subarray(a.contentStart, a.end)), decodeOid(der.subarray(b.contentStart, b.end))];
      });
      return;
    case EXT.constraints: {
      const fields = seqOf(der);
      if (fields.length === 0) throw new Error('empty PolicyConstraints (one of its fields MUST be present)');
      for (const f of fields) {
        if (f.tag === 0x80) info.requireExplicitPolicy = int(der, f);
        else if (f.tag === 0x81) info.inhibitPolicyMapping = int(der, f);
        else throw new Error(`unexpected field tag 0x${f.tag.toString(16)}`);
      }
      return;
    }
    case EXT.inhibitAny: {
      const t = readTlv(der, 0);
      if (t.tag !== 0x02 || t.end !== der.length) throw new Error('not an INTEGER');
      info.inhibitAnyPolicy = int(der, t);
      return;
    }
  }
}

type Valid = 'any' | Set<string>;

interface State {
  valid: Valid | null;
  explicit: number;
  mapping: number;
  inhibitAny: number;
  problems: string[];
}

/** §6.1.3 (d)(e): the policies of certificate `c` narrow the valid set. */
function intersect(s: State, c: ParsedCertificate, isLeaf: boolean): void {
  const p = c.policies?.policies;
  if (!p) {
    s.valid = null;
    return;
  }
  if (s.valid === null) return;
  const anyOk = p.includes(ANY_POLICY) && (s.inhibitAny > 0 || (!isLeaf && c.selfIssued));
  const own = new Set(p.filter((x) => x !== ANY_POLICY));
  if (anyOk) return; // anyPolicy keeps every policy valid so far
  const next = s.valid === 'any' ? own : new Set([...s.valid].filter((x) => own.has(x)));
  s.valid = next.size ? next : null;
}

/** §6.1.4 (a)(b)(h)(i)(j): mappings, then the counters for the certificates below. */
function prepareNext(s: State, c: ParsedCertificate): void {
  const info = c.policies ?? {};
  for (const [from, to] of info.mappings ?? []) {
    if (from === ANY_POLICY || to === ANY_POLICY) s.problems.push(`${c.subject}: a policy mapping of anyPolicy (RFC 5280 §6.1.4 (a))`);
    if (s.valid === null || s.valid === 'any' || !s.valid.has(from)) continue;
    s.valid.delete(from);
    if (s.mapping > 0) s.valid.add(to);
    if (s.valid.size === 0) s.valid = null;
  }
  if (!c.selfIssued) {
    if (s.explicit > 0) s.explicit--;
    if (s.mapping > 0) s.mapping--;
    if (s.inhibitAny > 0) s.inhibitAny--;
  }
  if (info.requireExplicitPolicy !== undefined) s.explicit = Math.min(s.explicit, info.requireExplicitPolicy);
  if (info.inhibitPolicyMapping !== undefined) s.mapping = Math.min(s.mapping, info.inhibitPolicyMapping);
  if (info.inhibitAnyPolicy !== undefined) s.inhibitAny = Math.min(s.inhibitAny, info.inhibitAnyPolicy);
}

/** The policy check of the path; undefined when no certificate below the anchor speaks of policy constraints. */
export function policyCheck(ctx: RuleContext): CheckInput | undefined {
  const certs = ctx.path.slice(0, ctx.anchored ? -1 : undefined).reverse(); // top … leaf
  const n = certs.length;
  if (!certs.some((c) => c.policies && (c.policies.requireExplicitPolicy !== undefined || c.policies.mappings || c.policies.inhibitAnyPolicy !== undefined))) return undefined;
  const s: State = { valid: 'any', explicit: n + 1, mapping: n + 1, inhibitAny: n + 1, problems: [] };
  let failedAt: ParsedCertificate | undefined;
  certs.forEach((c, k) => {
    const isLeaf = k === n - 1;
    intersect(s, c, isLeaf);
    if (!isLeaf) prepareNext(s, c);
    else {
      if (s.explicit > 0) s.explicit--;
      if (c.policies?.requireExplicitPolicy === 0) s.explicit = 0;
    }
    if (s.explicit === 0 && s.valid === null && !failedAt) failedAt = c;
  });
  if (failedAt) s.problems.push(`an explicit policy is required, but from "${failedAt.subject}" on no certificate policy is valid for the whole path`);
  const valid = s.valid === null ? 'none' : s.valid === 'any' ? 'any policy' : [...s.valid].join(', ');
  return {
    id: 'certificate-policies',
    title: 'Certificate policies',
    cert: null,
    compared: `policies valid for the path: ${valid}; explicit policy ${s.explicit === 0 ? 'required' : 'not required'}`,
    pass: s.problems.length === 0,
    reason: s.problems.length ? s.problems.join('; ') : 'the policy constraints of the path are met',
    rfc: 'RFC 5280 §6.1.3 (d)–(f), §6.1.4 (a)–(j), §6.1.5',
  };
}
