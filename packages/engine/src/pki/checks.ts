/**
 * The vocabulary of a verification report: the policies a chain can be judged by, the id of
 * every check (a closed union the app groups and filters by), which TLS alert each failing check
 * sends, and the order in which failures decide that alert.
 */
import type { AlertDescription } from '../errors';
import type { CertCheck } from '../events';
import type { ParsedCertificate } from './parse';

/**
 * - `webpki`: RFC 5280 plus what the CA/Browser Forum Baseline Requirements and browsers enforce
 *   (the default for server certificates).
 * - `rfc5280`: the RFC alone, for private PKIs and mutual TLS inside a company.
 */
export type Policy = 'webpki' | 'rfc5280';
export const POLICIES: readonly Policy[] = ['webpki', 'rfc5280'];

export type Purpose = 'server' | 'client';

/** Which alert each failing check sends; the key order is the priority that picks the report's alert. */
export const CHECK_ALERT = {
  parse: 'bad_certificate',
  'trust-anchor': 'unknown_ca',
  'self-signed-leaf': 'unknown_ca',
  'missing-intermediate': 'unknown_ca',
  'path-depth': 'unknown_ca',
  revocation: 'certificate_revoked',
  crl: 'certificate_unknown',
  signature: 'bad_certificate',
  'signature-algorithm': 'bad_certificate',
  'weak-signature': 'bad_certificate',
  'key-supported': 'unsupported_certificate',
  'key-strength': 'bad_certificate',
  validity: 'certificate_expired',
  'name-chaining': 'bad_certificate',
  version: 'bad_certificate',
  'serial-number': 'bad_certificate',
  'basic-constraints': 'bad_certificate',
  'path-length': 'bad_certificate',
  'key-usage': 'unsupported_certificate',
  'ext-key-usage': 'unsupported_certificate',
  'critical-extensions': 'unsupported_certificate',
  'key-identifiers': 'bad_certificate',
  profile: 'bad_certificate',
  'name-constraints': 'bad_certificate',
  'certificate-policies': 'bad_certificate',
  'subject-alt-name': 'bad_certificate',
  'common-name': 'bad_certificate',
  hostname: 'bad_certificate',
  email: 'bad_certificate',
  'extra-ignored': 'bad_certificate',
  /** A given CRL that applies to no certificate of the path (a note, never a failure). */
  'crl-unused': 'certificate_unknown',
} as const satisfies Record<string, AlertDescription>;

/**
 * Stable id of a check. `revocation`, `crl` and `email` are produced by the CRL / e-mail checks
 * (pki/crl.ts); the rest by the path validation in this folder.
 */
export type CheckId = keyof typeof CHECK_ALERT;
export const CHECK_IDS = Object.keys(CHECK_ALERT) as CheckId[];

/** A check about certificate `cert` of the path (null: about the chain as a whole). */
export type CheckInput = Omit<CertCheck, 'subject'>;

/** Adds the subject of the certificate a check is about (for quick display). */
export function withSubject(c: CheckInput, path: readonly ParsedCertificate[]): CertCheck {
  return c.cert === null || !path[c.cert] ? c : { ...c, subject: path[c.cert]!.subject };
}

/** The check that decides the alert of a failed report: the first failure in CHECK_ALERT order. */
export function decisiveFailure(failed: readonly CertCheck[]): CertCheck | undefined {
  return [...failed].sort((a, b) => CHECK_IDS.indexOf(a.id) - CHECK_IDS.indexOf(b.id))[0];
}

/** What every rule sees about the path it judges. */
export interface RuleContext {
  /** leaf … top (the top is the trust anchor when `anchored`). */
  path: readonly ParsedCertificate[];
  anchored: boolean;
  /** The anchor comes from a root program's store (TrustStore.curated): its own profile is not judged. */
  curatedAnchor?: boolean;
  policy: Policy;
  purpose: Purpose;
}

/** Index of the trust anchor in the path, or -1. */
export const anchorIndex = (ctx: RuleContext) => (ctx.anchored ? ctx.path.length - 1 : -1);
