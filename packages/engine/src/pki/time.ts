/**
 * Validity period (RFC 5280 §4.1.2.5, §6.1.3 (a)(2)): the validation time must lie in
 * [notBefore, notAfter], both inclusive, compared to the second — the times are encoded to the
 * second, so a fractional notAfter (which DER forbids, but which occurs) covers its whole second.
 */
import type { CheckInput } from './checks';
import type { ParsedCertificate } from './parse';

/** ISO text without milliseconds when they are zero; "invalid date" for NaN. */
export const iso = (d: Date) => (Number.isNaN(d.getTime()) ? 'invalid date' : d.toISOString().replace('.000Z', 'Z'));

const seconds = (d: Date) => Math.floor(d.getTime() / 1000);

/** The validity check of certificate `i` (`role` names it in the reason). */
export function validityCheck(c: ParsedCertificate, i: number, at: Date, role: string): CheckInput {
  // Comparisons with an invalid date are all false: an unusable time must fail, not pass.
  const badTime = Number.isNaN(at.getTime()) || Number.isNaN(c.notBefore.getTime()) || Number.isNaN(c.notAfter.getTime());
  const notYet = seconds(at) < seconds(c.notBefore);
  const expired = seconds(at) > seconds(c.notAfter);
  return {
    id: 'validity',
    title: `Valid at ${iso(at)}`,
    cert: i,
    compared: `${iso(at)} vs [${iso(c.notBefore)}, ${iso(c.notAfter)}]`,
    pass: !badTime && !notYet && !expired,
    reason: badTime
      ? Number.isNaN(at.getTime())
        ? 'the validation time is not a valid date'
        : `the ${role} certificate's validity dates cannot be read`
      : expired
        ? `the ${role} certificate expired on ${iso(c.notAfter)}`
        : notYet
          ? `the ${role} certificate is not valid before ${iso(c.notBefore)}`
          : 'inside the validity period',
    rfc: 'RFC 5280 §4.1.2.5, §6.1.3 (a)(2)',
  };
}
