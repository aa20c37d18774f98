/**
 * Name constraints (RFC 5280 §4.2.1.10, §6.1.3 (b)(c)): a CA's permitted and excluded subtrees
 * over the names of every certificate below it — dNSName, iPAddress, rfc822Name, URI and
 * directoryName (the subject, and directoryName SANs).
 *
 * What is refused rather than passed: a constraint the verifier cannot apply (otherName and the
 * other unimplemented forms, a dNSName with a leading dot, an iPAddress that is not address +
 * prefix mask, a minimum/maximum), an empty NameConstraints, a malformed SAN under a constraint
 * of its form (it would otherwise escape it), and more than MAX_NAME_COMPARISONS name ×
 * constraint comparisons for one certificate (a hostile chain is refused fast). A wildcard
 * dNSName is inside an excluded subtree when any name it can match is.
 */
import type { CheckInput, RuleContext } from './checks';
import type { GeneralSubtreeBase, NameAttribute, ParsedCertificate } from './parse';
import { ipText } from './general-names';

/** Names × constraints compared for one certificate at most (OpenSSL-style bound against quadratic blow-up). */
export const MAX_NAME_COMPARISONS = 65_536;

const lower = (s: string) => s.toLowerCase().replace(/\.$/, '');

/** Plain name in a dNSName subtree: equal to the base or under it (adding labels on the left). */
function dnsIn(name: string, base: string): boolean {
  const n = lower(name);
  const b = lower(base);
  return b === '' || n === b || n.endsWith('.' + b);
}

/**
 * dNSName constraint. For a wildcard `*.S`, `mode` says how it is judged: `all` (permitted: every
 * name it can match must be inside, i.e. S is) or `any` (excluded: some name it can match is
 * inside — S is, or the base is one label above S).
 */
export function dnsWithinSubtree(name: string, base: string, mode: 'all' | 'any' = 'all'): boolean {
  const n = lower(name);
  if (!n.startsWith('*.')) return dnsIn(n, base);
  const parent = n.slice(2);
  if (dnsIn(parent, base)) return true;
  const b = lower(base);
  return mode === 'any' && b.endsWith('.' + parent) && !b.slice(0, -parent.length - 1).includes('.');
}

export function ipWithinSubtree(ip: Uint8Array, address: Uint8Array, mask: Uint8Array): boolean {
  if (ip.length !== address.length) return false;
  for (let i = 0; i < ip.length; i++) if ((ip[i]! & mask[i]!) !== (address[i]! & mask[i]!)) return false;
  return true;
}

/** rfc822Name constraint: a mailbox (`a@host`), every mailbox at a host (`host`), or under a domain (`.host`). */
export function emailWithinSubtree(email: string, base: string): boolean {
  const at = email.lastIndexOf('@');
  if (at < 1) return false;
  const host = lower(email.slice(at + 1));
  if (base.includes('@')) {
    const bat = base.lastIndexOf('@');
    return email.slice(0, at) === base.slice(0, bat) && host === lower(base.slice(bat + 1));
  }
  const b = lower(base);
  return b.startsWith('.') ? host.endsWith(b) : host === b;
}

/** URI constraint: on the host part; `.example.com` means hosts under it (RFC 5280 §4.2.1.10). */
function uriWithinSubtree(uri: string, base: string): boolean {
  const m = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?(\[[^\]]*\]|[^:/?#]*)/i.exec(uri);
  if (!m || !m[1]) return false;
  const host = lower(m[1]);
  const b = lower(base);
  return b.startsWith('.') ? host.endsWith(b) : host === b;
}

const normRdn = (rdn: NameAttribute[]) =>
  rdn
    .map((a) => `${a.oid}=${a.value.normalize('NFKC').toLowerCase().trim().replace(/\s+/g, ' ')}`)
    .sort()
    .join('+');

/** directoryName constraint: the name's RDN sequence starts with the base's (RFC 5280 §7.1 comparison). */
export function dnWithinSubtree(name: NameAttribute[][], base: NameAttribute[][]): boolean {
  if (base.length > name.length) return false;
  return base.every((rdn, i) => normRdn(rdn) === normRdn(name[i]!));
}

/** The names of one certificate that constraints apply to. */
export interface NamesToConstrain {
  dns: string[];
  ips: Uint8Array[];
  emails: string[];
  /** Subject (when non-empty) and directoryName SANs. */
  subject: NameAttribute[][];
  dirNames?: NameAttribute[][][];
  uris?: string[];
}

type Kind = Exclude<GeneralSubtreeBase['kind'], 'unprocessable'>;
type Of<K extends Kind> = Extract<GeneralSubtreeBase, { kind: K }>;
const ofKind = <K extends Kind>(list: GeneralSubtreeBase[], k: K) => list.filter((s): s is Of<K> => s.kind === k);

/** Checks one form of name against permitted / excluded subtrees of that form. */
function judge<T, K extends Kind>(
  names: T[],
  kind: K,
  permitted: GeneralSubtreeBase[],
  excluded: GeneralSubtreeBase[],
  within: (n: T, s: Of<K>, mode: 'all' | 'any') => boolean,
  show: (n: T) => string,
): string[] {
  const p = ofKind(permitted, kind);
  const x = ofKind(excluded, kind);
  const text = (s: GeneralSubtreeBase) => ('value' in s ? s.value : 'text' in s ? s.text : '');
  const out: string[] = [];
  for (const n of names) {
    if (p.length && !p.some((s) => within(n, s, 'all'))) out.push(`${show(n)} is outside the permitted subtrees [${p.map(text).join(', ')}]`);
    const hit = x.find((s) => within(n, s, 'any'));
    if (hit) out.push(`${show(n)} is inside the excluded subtree ${text(hit)}`);
  }
  return out;
}

/** Checks names against one CA's permitted / excluded subtrees. Returns the violations. */
export function nameConstraintViolations(names: NamesToConstrain, permitted: GeneralSubtreeBase[], excluded: GeneralSubtreeBase[]): string[] {
  const dirs = [...(names.subject.length ? [names.subject] : []), ...(names.dirNames ?? [])];
  return [
    ...judge(
      names.dns,
      'dns',
      permitted,
      excluded,
      (n, s, mode) => dnsWithinSubtree(n, s.value, mode),
      (n) => `DNS:${n}`,
    ),
    ...judge(
      names.ips,
      'ip',
      permitted,
      excluded,
      (n, s) => ipWithinSubtree(n, s.address, s.mask),
      (n) => `IP:${ipText(n)}`,
    ),
    ...judge(
      names.emails,
      'email',
      permitted,
      excluded,
      (n, s) => emailWithinSubtree(n, s.value),
      (n) => `email:${n}`,
    ),
    ...judge(
      names.uris ?? [],
      'uri',
      permitted,
      excluded,
      (n, s) => uriWithinSubtree(n, s.value),
      (n) => `URI:${n}`,
    ),
    ...judge(
      dirs,
      'dn',
      permitted,
      excluded,
      (n, s) => dnWithinSubtree(n, s.attributes),
      () => 'the directory name',
    ),
  ];
}

/** A dNSName as a SAN must be: LDH labels, an optional whole `*` left-most label, no empty label. */
export function dnsNameSyntaxProblem(name: string): string | undefined {
  if (name === '') return 'an empty dNSName';
  const labels = name.replace(/\.$/, '').split('.');
  if (labels.some((l) => l === '')) return `${name}: an empty label (a leading dot or "..")`;
  if (labels.slice(1).some((l) => l.includes('*')) || (labels[0]!.includes('*') && labels[0] !== '*')) return `${name}: a wildcard must be the whole left-most label`;
  const bad = labels.find((l) => l !== '*' && !/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i.test(l));
  if (bad !== undefined) return `${name}: label "${bad}" is not letters, digits and inner hyphens (no "_", spaces or non-ASCII)`;
  return undefined;
}

const EMAIL_ATTR = '1.2.840.113549.1.9.1';

/** An rfc822Name mailbox: exactly one "@", a local part, a domain (RFC 5280 §4.2.1.6). */
const isMailbox = (s: string) => /^[^@\s]+@[^@\s]+$/.test(s);

/** What a certificate below a constrained CA presents, and what about it cannot be checked. */
function namesOf(sub: ParsedCertificate, isLeaf: boolean): { names: NamesToConstrain; malformed: { kind: string; text: string }[] } {
  const san = sub.subjectAltName;
  const malformed: { kind: string; text: string }[] = [];
  const names: NamesToConstrain = { dns: [], ips: [], emails: [], uris: [], subject: sub.subjectAttributes, dirNames: san?.dn ?? [] };
  for (const g of san?.names ?? []) {
    if (g.kind === 'dns') {
      if (dnsNameSyntaxProblem(g.value) || g.problem) malformed.push({ kind: 'dns', text: `DNS:${g.value}` });
      else names.dns.push(g.value);
    } else if (g.kind === 'ip') {
      if (g.bytes.length === 4 || g.bytes.length === 16) names.ips.push(g.bytes);
      else malformed.push({ kind: 'ip', text: `IP:${ipText(g.bytes)} (${g.bytes.length} octets)` });
    } else if (g.kind === 'email') {
      if (g.problem || !isMailbox(g.value)) malformed.push({ kind: 'email', text: `email:${g.value}` });
      else names.emails.push(g.value);
    } else if (g.kind === 'uri') names.uris!.push(g.value);
  }
  for (const rdn of sub.subjectAttributes) for (const a of rdn) if (a.oid === EMAIL_ATTR) names.emails.push(a.value);
  // No SAN at all: a host name in the leaf's CN is what a legacy client would use; constrain it too.
  if (isLeaf && !san) {
    const cn = [...sub.subjectAttributes]
      .reverse()
      .flat()
      .find((a) => a.oid === '2.5.4.3')?.value;
    if (cn && /^[a-z0-9*.-]+\.[a-z0-9-]+$/i.test(cn)) names.dns.push(cn);
  }
  return { names, malformed };
}

const countNames = (n: NamesToConstrain) => n.dns.length + n.ips.length + n.emails.length + (n.uris?.length ?? 0) + (n.dirNames?.length ?? 0) + (n.subject.length ? 1 : 0);

/** Problems with the NameConstraints extension itself (before any name is compared). */
function extensionProblems(ca: ParsedCertificate, ctx: RuleContext): string[] {
  const nc = ca.nameConstraints!;
  const out: string[] = [];
  if (nc.permitted.length === 0 && nc.excluded.length === 0) out.push('the NameConstraints extension is empty (RFC 5280: at least one subtree)');
  if (!nc.critical && ctx.policy === 'rfc5280') out.push('the NameConstraints extension is not critical (RFC 5280: MUST be critical)');
  if (ca.basicConstraints?.ca !== true) out.push('NameConstraints may appear only in a CA certificate');
  for (const s of [...nc.permitted, ...nc.excluded]) if (s.kind === 'unprocessable') out.push(`constraint ${s.text} cannot be processed: ${s.why}`);
  return out;
}

/** The name-constraints check of the CA at `idx` over every certificate below it. */
export function nameConstraintsCheck(ctx: RuleContext, idx: number): CheckInput {
  const ca = ctx.path[idx]!;
  const nc = ca.nameConstraints!;
  const problems = extensionProblems(ca, ctx);
  const subtrees = nc.permitted.length + nc.excluded.length;
  const kinds = new Set([...nc.permitted, ...nc.excluded].map((s) => s.kind));
  for (let j = 0; j < idx && problems.length < 16; j++) {
    const sub = ctx.path[j]!;
    if (j > 0 && sub.selfIssued) continue; // §6.1.3 (b): self-issued intermediates are not constrained
    const { names, malformed } = namesOf(sub, j === 0);
    const who = j === 0 ? '' : `${sub.subject}: `;
    const comparisons = countNames(names) * subtrees;
    if (comparisons > MAX_NAME_COMPARISONS) {
      problems.push(
        `${who}${countNames(names)} names × ${subtrees} constraints = ${comparisons} comparisons, over the limit of ${MAX_NAME_COMPARISONS}: refused rather than checked`,
      );
      continue;
    }
    for (const m of malformed) if (kinds.has(m.kind as Kind)) problems.push(`${who}${m.text} is malformed, so it cannot be checked against the ${m.kind} constraints`);
    problems.push(...nameConstraintViolations(names, nc.permitted, nc.excluded).map((p) => who + p));
  }
  const desc = (l: GeneralSubtreeBase[]) => l.map((s) => `${s.kind}:${'value' in s ? s.value : s.text}`).join(', ');
  return {
    id: 'name-constraints',
    title: 'Name constraints',
    cert: idx,
    compared: `names below vs permitted [${desc(nc.permitted)}] excluded [${desc(nc.excluded)}]${nc.critical ? '' : ' (not critical)'}`,
    pass: problems.length === 0,
    reason: problems.length ? problems.join('; ') : 'every name below is within the constraints',
    rfc: 'RFC 5280 §4.2.1.10, §6.1.3 (b)(c)',
  };
}
