/**
 * The e-mail identity of a client certificate (RFC 5280 §4.2.1.6): the `email` check that the
 * expected address is an rfc822Name SAN of the leaf.
 */
import type { CertCheck } from '../events';
import { normalizeDnsName } from './hostname';
import { type ParsedCertificate } from './parse';

/** Splits a Mailbox (RFC 5321 §4.1.2) at its last "@"; null when it is not local@domain. */
function mailbox(addr: string): { local: string; domain: string } | null {
  const at = addr.lastIndexOf('@');
  if (at <= 0 || at === addr.length - 1) return null;
  const local = addr.slice(0, at);
  const domain = addr.slice(at + 1);
  if (/\s/.test(domain) || domain.startsWith('.') || domain.endsWith('.') || domain.includes('..')) return null;
  return { local, domain };
}

/**
 * The e-mail identity check of a leaf: `email` must equal one of its rfc822Name SANs, the
 * local part exactly (case-sensitive) and the domain case-insensitively (RFC 5280 §4.2.1.6,
 * §7.5; RFC 5321 §2.4). The subject's legacy emailAddress attribute is not used.
 */
export function emailChecks(leaf: ParsedCertificate, email: string): CertCheck[] {
  const sans = leaf.subjectAltName?.email ?? [];
  const base = {
    id: 'email' as const,
    title: `E-mail address matches "${email}"`,
    cert: 0,
    subject: leaf.subject,
    compared: `"${email}" vs SAN [${sans.map((s) => `email:${s}`).join(', ')}]`,
    rfc: 'RFC 5280 §4.2.1.6, §7.5',
  };
  const want = mailbox(email);
  if (!want) return [{ ...base, pass: false, reason: `"${email}" is not an e-mail address (local-part@domain)` }];
  const wantDomain = normalizeDnsName(want.domain);
  const caseOnly: string[] = [];
  for (const s of sans) {
    const got = mailbox(s);
    if (!got || normalizeDnsName(got.domain) !== wantDomain) continue;
    if (got.local === want.local) {
      return [{ ...base, pass: true, reason: `the rfc822Name ${s} is this address${got.domain !== want.domain ? ' (domains compare case-insensitively)' : ''}` }];
    }
    if (got.local.toLowerCase() === want.local.toLowerCase()) caseOnly.push(s);
  }
  const legacy = leaf.subjectAttributes.flat().find((a) => a.oid === '1.2.840.113549.1.9.1');
  const why =
    sans.length === 0
      ? 'the certificate has no rfc822Name in its subjectAltName'
      : `no rfc822Name in the subjectAltName is this address${caseOnly.length ? ` (${caseOnly.join(', ')} differs only in the case of the local part, which is case-sensitive)` : ''}`;
  return [
    {
      ...base,
      pass: false,
      reason: `${why}${legacy ? `; the subject's emailAddress attribute (${legacy.value}) is a legacy form and is not used` : ''}`,
    },
  ];
}
