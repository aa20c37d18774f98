/**
 * Server names: the one place a typed host name becomes what goes on the wire.
 *
 * A name may be typed with Unicode labels (U-labels, `☃.example`) or ASCII ones (A-labels,
 * `xn--n3h.example`). It is converted ONCE to its A-label form (RFC 5890 §2.3.2.1, Punycode
 * RFC 3492 with the `xn--` prefix), which the client sends in server_name (RFC 6066 §3: "HostName
 * ... represented as a byte string using ASCII encoding") and the demo certificate carries in its
 * dNSName (RFC 5280 §4.2.1.6 / §7.2: IDNs in A-label form). Both forms are reported for display.
 *
 * What is checked (a simplified IDNA2008 / RFC 1123 host name): at most 253 octets in A-label
 * form, labels of 1–63 octets, no empty label (`a..b`), letters, digits and hyphens only in
 * ASCII labels, no hyphen at a label's start or end, U-labels are NFC-normalised and lower-cased
 * with no spaces, controls or unassigned code points (UTS #46 lets symbols such as ☃ through,
 * as browsers do; IDNA2008 alone would refuse them); an `xn--` label must decode and re-encode
 * to itself. Not done: the full UTS #46 mapping table and the bidi / contextual rules (RFC 5893, RFC 5892 Appendix A).
 *
 * Pure code (no engine imports): the app's main thread uses it to refuse a name in the settings.
 */
import type { ServerNameForms } from './events';

export type ServerNameCheck = { ok: true; forms: ServerNameForms; ip: boolean } | { ok: false; reason: string };

const BASE = 36;
const TMIN = 1;
const TMAX = 26;
const SKEW = 38;
const DAMP = 700;
const INITIAL_BIAS = 72;
const INITIAL_N = 128;

/** RFC 3492 §6.1. */
function adapt(delta: number, numPoints: number, first: boolean): number {
  delta = first ? Math.floor(delta / DAMP) : delta >> 1;
  delta += Math.floor(delta / numPoints);
  let k = 0;
  while (delta > ((BASE - TMIN) * TMAX) >> 1) {
    delta = Math.floor(delta / (BASE - TMIN));
    k += BASE;
  }
  return k + Math.floor(((BASE - TMIN + 1) * delta) / (delta + SKEW));
}

const digitChar = (d: number): string => String.fromCharCode(d < 26 ? 97 + d : 22 + d); // a-z, 0-9
function charDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 22;
  if (c >= 0x41 && c <= 0x5a) return c - 0x41;
  if (c >= 0x61 && c <= 0x7a) return c - 0x61;
  return BASE;
}

/** Punycode encoding of one label (RFC 3492 §6.3), without the `xn--` prefix. */
export function punycodeEncode(label: string): string {
  const cps = Array.from(label, (c) => c.codePointAt(0)!);
  let out = cps
    .filter((c) => c < 0x80)
    .map((c) => String.fromCodePoint(c))
    .join('');
  const b = out.length;
  let h = b;
  if (b > 0) out += '-';
  let n = INITIAL_N;
  let delta = 0;
  let bias = INITIAL_BIAS;
  while (h < cps.length) {
    const m = Math.min(...cps.filter((c) => c >= n));
    delta += (m - n) * (h + 1);
    n = m;
    for (const c of cps) {
      if (c < n) delta++;
      if (c !== n) continue;
      let q = delta;
      for (let k = BASE; ; k += BASE) {
        const t = k <= bias ? TMIN : k >= bias + TMAX ? TMAX : k - bias;
        if (q < t) break;
        out += digitChar(t + ((q - t) % (BASE - t)));
        q = Math.floor((q - t) / (BASE - t));
      }
      out += digitChar(q);
      bias = adapt(delta, h + 1, h === b);
      delta = 0;
      h++;
    }
    delta++;
    n++;
  }
  return out;
}

/** Punycode decoding of one label (RFC 3492 §6.2), without the `xn--` prefix; null if invalid. */
export function punycodeDecode(input: string): string | null {
  const cut = input.lastIndexOf('-');
  const out = cut > 0 ? Array.from(input.slice(0, cut), (c) => c.codePointAt(0)!) : [];
  if (out.some((c) => c >= 0x80)) return null;
  let n = INITIAL_N;
  let i = 0;
  let bias = INITIAL_BIAS;
  for (let p = cut > 0 ? cut + 1 : 0; p < input.length;) {
    const old = i;
    let w = 1;
    for (let k = BASE; ; k += BASE) {
      if (p >= input.length) return null;
      const d = charDigit(input.charCodeAt(p++));
      if (d >= BASE) return null;
      i += d * w;
      const t = k <= bias ? TMIN : k >= bias + TMAX ? TMAX : k - bias;
      if (d < t) break;
      w *= BASE - t;
      if (!Number.isSafeInteger(i) || !Number.isSafeInteger(w)) return null;
    }
    bias = adapt(i - old, out.length + 1, old === 0);
    n += Math.floor(i / (out.length + 1));
    i %= out.length + 1;
    if (n > 0x10ffff) return null;
    out.splice(i++, 0, n);
  }
  return String.fromCodePoint(...out);
}

const LDH = /^[a-z0-9-]+$/;
const isAscii = (s: string): boolean => [...s].every((c) => c.charCodeAt(0) < 0x80);
/**
 * What an internationalised label may hold: letters, digits and hyphens in its ASCII part, and
 * no spaces, controls, format, unassigned or private-use code points (UTS #46 lets symbols like ☃ through).
 */
const idnChars = (label: string): boolean => /^[^\p{Z}\p{C}]+$/u.test(label) && [...label].every((c) => c.charCodeAt(0) >= 0x80 || /[a-z0-9-]/.test(c));
/** UTS #46 §2.3: the ideographic and full-width full stops separate labels too. */
const DOTS = /[\u3002\uff0e\uff61]/g;

function isIpLiteral(name: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(name) || name.includes(':');
}

/**
 * Checks a server name and gives its A-label and U-label forms, or says why it is refused.
 * An IPv4/IPv6 literal is accepted (`ip: true`): it is checked against the certificate's
 * iPAddress but never sent as server_name (RFC 6066 §3).
 */
export function checkServerName(input: string): ServerNameCheck {
  const name = input.trim();
  if (name === '')
    return {
      ok: false,
      reason: 'The server name is empty: the client needs a name to check the certificate against. To send no server_name, turn “Send SNI” off instead (nosni=1 in a link).',
    };
  if (isIpLiteral(name)) return { ok: true, ip: true, forms: { input, aLabel: name, uLabel: name, idn: false } };
  // One trailing dot (the DNS root) is allowed in DNS, but not in SNI (RFC 6066 §3).
  if (name.endsWith('.')) return { ok: false, reason: `“${name}” ends with a dot: SNI carries the name without the trailing root dot (RFC 6066 §3).` };
  const labels = name.normalize('NFC').toLowerCase().replace(DOTS, '.').split('.');
  const aLabels: string[] = [];
  const uLabels: string[] = [];
  for (const label of labels) {
    if (label === '') return { ok: false, reason: `“${name}” has an empty label (two dots in a row or a leading dot): every label needs 1 to 63 characters (RFC 1035 §2.3.4).` };
    if (label.startsWith('-') || label.endsWith('-'))
      return { ok: false, reason: `The label “${label}” starts or ends with a hyphen, which a host name may not (RFC 5891 §4.2.3.1, RFC 952).` };
    if (isAscii(label)) {
      if (!LDH.test(label)) return { ok: false, reason: `The label “${label}” has a character other than a letter, digit or hyphen (RFC 1123 §2.1, RFC 5890 §2.3.1).` };
      if (label.startsWith('xn--')) {
        const u = punycodeDecode(label.slice(4));
        if (u === null || u === '' || punycodeEncode(u) !== label.slice(4) || isAscii(u) || u !== u.normalize('NFC').toLowerCase() || !idnChars(u)) {
          return { ok: false, reason: `The label “${label}” starts with xn-- but is not a valid A-label (its Punycode does not decode to a valid U-label, RFC 5890 §2.3.2.1).` };
        }
        uLabels.push(u);
      } else {
        if (label.slice(2, 4) === '--') return { ok: false, reason: `The label “${label}” has hyphens in its 3rd and 4th positions, reserved for A-labels (RFC 5891 §4.2.3.1).` };
        uLabels.push(label);
      }
      aLabels.push(label);
    } else {
      if (!idnChars(label))
        return {
          ok: false,
          reason: `The label “${label}” has a space, control or unassigned character (or ASCII punctuation): it cannot be an internationalised label (RFC 5890 §2.3.2.1, UTS #46).`,
        };
      aLabels.push(`xn--${punycodeEncode(label)}`);
      uLabels.push(label);
    }
    if (aLabels[aLabels.length - 1]!.length > 63)
      return { ok: false, reason: `The label “${label}” is ${aLabels[aLabels.length - 1]!.length} characters long in A-label form; at most 63 (RFC 1035 §2.3.4).` };
  }
  const aLabel = aLabels.join('.');
  if (aLabel.length > 253) return { ok: false, reason: `The name is ${aLabel.length} characters long in A-label form; a host name has at most 253 (RFC 1035 §2.3.4).` };
  const uLabel = uLabels.join('.');
  return { ok: true, ip: false, forms: { input, aLabel, uLabel, idn: aLabel !== uLabel } };
}
