/**
 * The vocabulary of a verification report: the policies a chain can be judged by, the id of
 * every check (a closed union the app groups and filters by), which error kind each failing
 * check is (errors.ts maps kinds to alerts), and the order in which failures decide it.
 */
import { alertForKind, type AlertDescription, type CertErrorKind } from '../errors';
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

/**
 * Which error kind each failing check is; errors.ts maps the kind to its alert (the one table).
 * The key order is the priority that picks the report's decisive failure.
 */
export const CHECK_ERROR = {
  parse: 'CertBad',
  'trust-anchor': 'CertUnknownCa',
  'self-signed-leaf': 'CertUnknownCa',
  'missing-intermediate': 'CertUnknownCa',
  'path-depth': 'CertUnknownCa',
  revocation: 'CertRevoked',
  crl: 'CertUnknown',
  signature: 'CertBad',
  'signature-algorithm': 'CertBad',
  'weak-signature': 'CertBad',
  'key-supported': 'CertUnsupported',
  'key-strength': 'CertBad',
  validity: 'CertExpired',
  'name-chaining': 'CertBad',
  version: 'CertBad',
  'serial-number': 'CertBad',
  'basic-constraints': 'CertBad',
  'path-length': 'CertBad',
  'key-usage': 'CertUnsupported',
  'ext-key-usage': 'CertUnsupported',
  'critical-extensions': 'CertUnsupported',
  'key-identifiers': 'CertBad',
  profile: 'CertBad',
  'name-constraints': 'CertBad',
  'certificate-policies': 'CertBad',
  'subject-alt-name': 'CertBad',
  'common-name': 'CertBad',
  hostname: 'CertBad',
  email: 'CertBad',
  'extra-ignored': 'CertBad',
  /** A given CRL that applies to no certificate of the path (a note, never a failure). */
  'crl-unused': 'CertUnknown',
} as const satisfies Record<string, CertErrorKind>;

/**
 * Stable id of a check. `revocation`, `crl` and `email` are produced by the CRL / e-mail checks
 * (pki/crl.ts); the rest by the path validation in this folder.
 */
export type CheckId = keyof typeof CHECK_ERROR;
export const CHECK_IDS = Object.keys(CHECK_ERROR) as CheckId[];

/** A check about certificate `cert` of the path (null: about the chain as a whole). */
export type CheckInput = Omit<CertCheck, 'subject'>;

/** Adds the subject of the certificate a check is about (for quick display). */
export function withSubject(c: CheckInput, path: readonly ParsedCertificate[]): CertCheck {
  return c.cert === null || !path[c.cert] ? c : { ...c, subject: path[c.cert]!.subject };
}

/** The check that decides the error (and so the alert) of a failed report: the first failure in CHECK_ERROR order. */
export function decisiveFailure(failed: readonly CertCheck[]): CertCheck | undefined {
  return [...failed].sort((a, b) => CHECK_IDS.indexOf(a.id) - CHECK_IDS.indexOf(b.id))[0];
}

/** The error kind of a failed check. */
export function checkError(check: Pick<CertCheck, 'id'>): CertErrorKind {
  return CHECK_ERROR[check.id];
}

/** The alert a TLS endpoint sends for a failed check (errors.ts decides it from the kind). */
export function checkAlert(check: Pick<CertCheck, 'id'>): AlertDescription {
  return alertForKind(checkError(check));
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
