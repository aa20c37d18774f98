/**
 * Revocation from CRLs the user gives (RFC 5280 §5 profile, §6.3 processing), and the e-mail
 * identity of a client certificate (RFC 5280 §4.2.1.6).
 *
 * A CRL applies to a certificate when its issuer name equals the certificate's issuer (and,
 * where both are present, its authorityKeyIdentifier equals the issuer's subjectKeyIdentifier)
 * and its issuingDistributionPoint scope covers the certificate. An applicable CRL is used
 * only when it is sound: signed by the issuer's key (which must allow cRLSign), current at the
 * validation time (thisUpdate ≤ time ≤ nextUpdate), and free of critical extensions we do not
 * process (delta, indirect and reason-partitioned CRLs are refused by name), with a non-critical
 * cRLNumber and no serial listed twice. A certificate whose serial number a usable CRL lists
 * fails with the revocation reason and date. Once CRLs are given, every certificate below the
 * trust anchor needs a usable CRL of its issuer (as `openssl verify -crl_check_all`): without
 * one its status is undetermined and the chain fails. A CRL that cannot be read or breaks the
 * profile's structure is ignored, as if it had not been given.
 *
 * Every decision is a `CertCheck`: `crl` (this CRL can be used for this certificate),
 * `revocation` (not revoked), `crl-unused` (a CRL that covers no certificate of the path) and
 * `email` (the expected address is an rfc822Name of the leaf).
 *
 * @example
 *   const { crls, problems } = parseCrlBundle(pemText);
 *   const report = verifyChain({ chain, anchors, purpose: 'server', crls });
 */
import { AsnParser } from '@peculiar/asn1-schema';
import {
  AuthorityKeyIdentifier,
  Certificate,
  CertificateList,
  CRLDistributionPoints,
  CRLReason,
  IssuingDistributionPoint,
  Extensions,
  type Extension,
  type GeneralName,
} from '@peculiar/asn1-x509';
import type { CertCheck } from '../events';
import type { Policy } from './verify';
import { toHex } from '../codec/hex';
import { verifyX509Signature, type X509SignatureAlgorithm } from '../crypto/signature';
import { children, readTlv, type Tlv } from './der';
import { normalizeDnsName } from './hostname';
import {
  decodeBase64,
  decodeSignatureAlgorithm,
  fingerprint,
  formatName,
  MAX_INPUT_BYTES,
  nameAttributesFromDer,
  nameKey,
  type NameAttribute,
  type ParsedCertificate,
  type ParsedExtension,
} from './parse';

// ---------------------------------------------------------------------------------------------
// Parsed form

/** CRL extensions (RFC 5280 §5.2) and entry extensions (§5.3); `processed` ones we act on. */
const CRL_EXTENSIONS: Record<string, { name: string; processed: boolean }> = {
  '2.5.29.35': { name: 'authorityKeyIdentifier', processed: true },
  '2.5.29.20': { name: 'cRLNumber', processed: true },
  '2.5.29.28': { name: 'issuingDistributionPoint', processed: true },
  '2.5.29.27': { name: 'deltaCRLIndicator', processed: false },
  '2.5.29.46': { name: 'freshestCRL', processed: false },
  '2.5.29.18': { name: 'issuerAltName', processed: false },
  '1.3.6.1.5.5.7.1.1': { name: 'authorityInfoAccess', processed: false },
};
const ENTRY_EXTENSIONS: Record<string, { name: string; processed: boolean }> = {
  '2.5.29.21': { name: 'reasonCode', processed: true },
  '2.5.29.24': { name: 'invalidityDate', processed: true },
  '2.5.29.29': { name: 'certificateIssuer', processed: false },
  '2.5.29.23': { name: 'holdInstructionCode', processed: false },
};

/** RFC 5280 §5.3.1 CRLReason names (7 is not used). */
const REASONS: Record<number, string> = {
  0: 'unspecified',
  1: 'keyCompromise',
  2: 'cACompromise',
  3: 'affiliationChanged',
  4: 'superseded',
  5: 'cessationOfOperation',
  6: 'certificateHold',
  8: 'removeFromCRL',
  9: 'privilegeWithdrawn',
  10: 'aACompromise',
};

interface CrlEntry {
  /** Serial number as hex, without leading zero octets (compare with `serialKey`). */
  serial: string;
  revocationDate: Date;
  /** reasonCode entry extension (§5.3.1), by name; absent when the entry has none. */
  reason?: string;
  /** invalidityDate entry extension (§5.3.2): when the key is known or suspected to have been compromised. */
  invalidityDate?: Date;
  extensions: ParsedExtension[];
}

export interface ParsedCrl {
  der: Uint8Array;
  /** DER of tbsCertList — what the issuer signed. */
  tbs: Uint8Array;
  /** 1 or 2 (§5.1.2.1: v2 when there are extensions). */
  version: number;
  issuer: string;
  issuerAttributes: NameAttribute[][];
  /** Normalized issuer name (the same key as ParsedCertificate.issuerKey). */
  issuerKey: string;
  thisUpdate: Date;
  nextUpdate?: Date;
  signatureAlgorithm: X509SignatureAlgorithm;
  /** tbsCertList.signature equals the outer signatureAlgorithm (§5.1.1.2). */
  signatureAlgorithmsMatch: boolean;
  signature: Uint8Array;
  signatureUnusedBits: number;
  entries: CrlEntry[];
  extensions: ParsedExtension[];
  authorityKeyId?: string;
  /** cRLNumber (§5.2.3) as hex. */
  crlNumber?: string;
  /** issuingDistributionPoint (§5.2.5), decoded. */
  idp?: {
    fullNames: string[];
    relativeName: boolean;
    onlyUser: boolean;
    onlyCA: boolean;
    onlyAttribute: boolean;
    someReasons: boolean;
    indirect: boolean;
  };
  /** Problems found while decoding extensions (each makes the CRL unusable). */
  decodeProblems: string[];
  /**
   * Set when the CRL breaks the profile's structure (a version other than v2, a date encoded as
   * GeneralizedTime before 2050, no nextUpdate): it is not a CRL a verifier may use, and it is
   * ignored as if it had not been given (RFC 5280 §5.1.2.1, §5.1.2.4, §5.1.2.5).
   */
  malformed?: string;
  sha256: string;
}

const u8 = (b: ArrayBuffer | ArrayBufferView): Uint8Array =>
  b instanceof Uint8Array ? b : ArrayBuffer.isView(b) ? new Uint8Array(b.buffer, b.byteOffset, b.byteLength) : new Uint8Array(b);

/** Hex of an INTEGER's content octets without leading zero octets: the comparison form of a serial number. */
export function serialKey(hex: string): string {
  const h = hex.toLowerCase().replace(/^(00)+(?=..)/, '');
  return h === '' ? '00' : h;
}

function generalNameText(g: GeneralName): string {
  if (g.uniformResourceIdentifier !== undefined) return `URI:${g.uniformResourceIdentifier}`;
  if (g.dNSName !== undefined) return `DNS:${g.dNSName}`;
  if (g.rfc822Name !== undefined) return `email:${g.rfc822Name}`;
  if (g.directoryName) return `DirName:${nameKey(Array.from(g.directoryName, (rdn) => Array.from(rdn, (a) => ({ oid: a.type, type: a.type, value: a.value.toString() }))))}`;
  if (g.iPAddress !== undefined) return `IP:${g.iPAddress}`;
  return 'other';
}

function readExtensions(
  list: Extension[] | undefined,
  table: Record<string, { name: string; processed: boolean }>,
  where: string,
  problems: string[],
): { ext: ParsedExtension; value: Uint8Array }[] {
  const out: { ext: ParsedExtension; value: Uint8Array }[] = [];
  const seen = new Set<string>();
  for (const e of list ?? []) {
    const info = table[e.extnID];
    const ext: ParsedExtension = { oid: e.extnID, name: info?.name ?? e.extnID, critical: e.critical, processed: info?.processed ?? false };
    if (seen.has(e.extnID)) problems.push(`${where}extension ${ext.name} appears more than once`);
    seen.add(e.extnID);
    out.push({ ext, value: u8(e.extnValue.buffer) });
  }
  return out;
}

/**
 * Parses one DER CRL (RFC 5280 §5.1). Throws an Error with a readable message when the
 * structure is not a CertificateList; problems inside extensions are kept in `decodeProblems`.
 */
export function parseCrl(der: Uint8Array): ParsedCrl {
  let list: CertificateList;
  let tbs: Uint8Array;
  let unusedBits: number;
  let issuerAttributes: NameAttribute[][];
  let outerAlg: Uint8Array;
  let innerAlg: Uint8Array;
  let crlNumberHex: string | undefined;
  let entryDers: Uint8Array[] = [];
  const malformed: string[] = [];
  try {
    const top = readTlv(der, 0);
    if (top.tag !== 0x30 || top.end !== der.length) throw new Error('not a single DER SEQUENCE');
    const parts = children(der, top);
    if (parts.length !== 3 || parts[0]!.tag !== 0x30 || parts[1]!.tag !== 0x30 || parts[2]!.tag !== 0x03) {
      throw new Error('not a CertificateList (SEQUENCE of tbsCertList, signatureAlgorithm, signatureValue)');
    }
    const tbsTlv = parts[0]!;
    const sig = parts[2]!;
    tbs = der.slice(tbsTlv.start, tbsTlv.end);
    unusedBits = sig.end > sig.contentStart ? der[sig.contentStart]! : -1;
    outerAlg = der.subarray(parts[1]!.start, parts[1]!.end);
    const fields = children(der, tbsTlv);
    const i = fields[0]?.tag === 0x02 ? 1 : 0; // version INTEGER OPTIONAL
    const algTlv = fields[i];
    const issuerTlv = fields[i + 1];
    if (!algTlv || !issuerTlv || algTlv.tag !== 0x30 || issuerTlv.tag !== 0x30) throw new Error('tbsCertList fields are not where RFC 5280 §5.1 puts them');
    innerAlg = der.subarray(algTlv.start, algTlv.end);
    issuerAttributes = nameAttributesFromDer(der.subarray(issuerTlv.start, issuerTlv.end));
    // §5.1.2.1: when present, the version is v2 (INTEGER 1).
    if (i === 1) {
      const v = der.subarray(fields[0]!.contentStart, fields[0]!.end);
      if (v.length !== 1 || v[0] !== 1) malformed.push(`its version field is ${toHex(v) || 'empty'}, not v2 (1)`);
    }
    // §5.1.2.4 / §5.1.2.5: dates through 2049 are UTCTime; nextUpdate must be there.
    const times = fields.slice(i + 2, i + 4).filter((f) => f.tag === 0x17 || f.tag === 0x18);
    times.forEach((f, k) => {
      const year = Number(String.fromCharCode(...der.subarray(f.contentStart, f.contentStart + 4)));
      if (f.tag === 0x18 && year < 2050) malformed.push(`its ${k === 0 ? 'thisUpdate' : 'nextUpdate'} (${year}) is a GeneralizedTime; dates before 2050 must be UTCTime`);
    });
    if (times.length < 2) malformed.push('it has no nextUpdate, which every CRL must carry');
    // The entries are decoded one by one (a CRL of 10,000 entries is over the ASN.1 library's
    // node limit as a whole); the rest is decoded as a CertificateList without them.
    const revoked = fields.slice(i + 3).find((f) => f.tag === 0x30);
    entryDers = revoked ? children(der, revoked).map((e) => der.subarray(e.start, e.end)) : [];
    const rest = fields.filter((f) => f !== revoked).map((f) => der.subarray(f.start, f.end));
    list = AsnParser.parse(derSequence([derSequence(rest), outerAlg, der.subarray(sig.start, sig.end)]), CertificateList);
    const num = list.tbsCertList.crlExtensions?.find((e) => e.extnID === '2.5.29.20');
    if (num) {
      const v = u8(num.extnValue.buffer);
      const t = readTlv(v, 0);
      if (t.tag === 0x02 && t.end === v.length) crlNumberHex = serialKey(toHex(v.subarray(t.contentStart, t.end)));
    }
  } catch (e) {
    throw new Error(`not a DER X.509 CRL: ${(e as Error).message}`);
  }
  const t = list.tbsCertList;
  const decodeProblems: string[] = [];
  let signatureAlgorithm: X509SignatureAlgorithm;
  try {
    signatureAlgorithm = decodeSignatureAlgorithm(list.signatureAlgorithm.algorithm, list.signatureAlgorithm.parameters);
  } catch {
    signatureAlgorithm = { kind: 'unsupported', oid: list.signatureAlgorithm.algorithm, name: 'unreadable algorithm parameters' };
  }
  const crl: ParsedCrl = {
    der: der.slice(),
    tbs,
    version: t.version === undefined ? 1 : t.version + 1,
    issuer: formatName(issuerAttributes),
    issuerAttributes,
    issuerKey: nameKey(issuerAttributes),
    thisUpdate: t.thisUpdate.getTime(),
    signatureAlgorithm,
    signatureAlgorithmsMatch: toHex(outerAlg) === toHex(innerAlg),
    signature: u8(list.signature).slice(),
    signatureUnusedBits: unusedBits,
    entries: [],
    extensions: [],
    decodeProblems,
    sha256: fingerprint(der),
  };
  if (t.nextUpdate) crl.nextUpdate = t.nextUpdate.getTime();
  if (malformed.length) crl.malformed = malformed.join('; ');
  if (crlNumberHex) crl.crlNumber = crlNumberHex;

  for (const { ext, value } of readExtensions(t.crlExtensions, CRL_EXTENSIONS, '', decodeProblems)) {
    crl.extensions.push(ext);
    try {
      if (ext.oid === '2.5.29.35') {
        const aki = AsnParser.parse(value, AuthorityKeyIdentifier);
        if (aki.keyIdentifier) crl.authorityKeyId = toHex(u8(aki.keyIdentifier.buffer));
      } else if (ext.oid === '2.5.29.28') {
        const idp = AsnParser.parse(value, IssuingDistributionPoint);
        crl.idp = {
          fullNames: (idp.distributionPoint?.fullName ?? []).map(generalNameText),
          relativeName: !!idp.distributionPoint?.nameRelativeToCRLIssuer,
          onlyUser: idp.onlyContainsUserCerts,
          onlyCA: idp.onlyContainsCACerts,
          onlyAttribute: idp.onlyContainsAttributeCerts,
          someReasons: idp.onlySomeReasons !== undefined,
          indirect: idp.indirectCRL,
        };
      } else if (ext.oid === '2.5.29.20' && crlNumberHex === undefined) {
        throw new Error('not an INTEGER');
      }
    } catch (e) {
      decodeProblems.push(`cannot decode the CRL's ${ext.name} extension: ${(e as Error).message}`);
    }
  }

  for (const [k, entryDer] of entryDers.entries()) {
    // RevokedCertificate ::= SEQUENCE { userCertificate INTEGER, revocationDate Time, crlEntryExtensions OPTIONAL }
    let serial: string;
    let revocationDate: Date;
    let entryExtensions: Extension[] | undefined;
    try {
      const f = children(entryDer, readTlv(entryDer, 0));
      if (f.length < 2 || f.length > 3 || f[0]!.tag !== 0x02 || f[0]!.end === f[0]!.contentStart || (f[2] && f[2].tag !== 0x30)) throw new Error('not a RevokedCertificate');
      serial = serialKey(toHex(entryDer.subarray(f[0]!.contentStart, f[0]!.end)));
      revocationDate = decodeTime(entryDer, f[1]!);
      if (f[2]) entryExtensions = Array.from(AsnParser.parse(entryDer.subarray(f[2].start, f[2].end), Extensions));
    } catch (e) {
      throw new Error(`not a DER X.509 CRL: revoked entry #${k + 1} cannot be read: ${(e as Error).message}`);
    }
    const entry: CrlEntry = { serial, revocationDate, extensions: [] };
    for (const { ext, value } of readExtensions(entryExtensions, ENTRY_EXTENSIONS, `entry ${serial}: `, decodeProblems)) {
      entry.extensions.push(ext);
      try {
        if (ext.oid === '2.5.29.21') {
          const code = AsnParser.parse(value, CRLReason).reason;
          entry.reason = REASONS[code] ?? `unknown reason ${code}`;
        } else if (ext.oid === '2.5.29.24') {
          // InvalidityDate ::= GeneralizedTime
          const tlv = readTlv(value, 0);
          if (tlv.tag !== 0x18) throw new Error('not a GeneralizedTime');
          entry.invalidityDate = decodeTime(value, tlv);
        }
      } catch (e) {
        decodeProblems.push(`entry ${serial}: cannot decode ${ext.name}: ${(e as Error).message}`);
      }
    }
    crl.entries.push(entry);
  }
  return crl;
}

/** A Time (RFC 5280 §4.1.2.5: UTCTime YYMMDDHHMMSSZ, years 1950–2049, or GeneralizedTime YYYYMMDDHHMMSSZ). */
function decodeTime(der: Uint8Array, t: Tlv): Date {
  const text = String.fromCharCode(...der.subarray(t.contentStart, t.end));
  const m = t.tag === 0x17 ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text) : t.tag === 0x18 ? /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.\d+)?Z$/.exec(text) : null;
  if (!m) throw new Error(`"${text}" is not a UTCTime or GeneralizedTime in UTC`);
  let year = Number(m[1]);
  if (t.tag === 0x17) year += year < 50 ? 2000 : 1900;
  const d = new Date(Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])));
  if (Number.isNaN(d.getTime())) throw new Error(`"${text}" is not a valid date`);
  return d;
}

/** DER SEQUENCE of the given encodings (X.690 §8.9, definite length). */
function derSequence(parts: Uint8Array[]): Uint8Array {
  const len = parts.reduce((n, p) => n + p.length, 0);
  const lenBytes: number[] = [];
  for (let v = len; v > 0; v = Math.floor(v / 256)) lenBytes.unshift(v & 0xff);
  const header = len < 0x80 ? [0x30, len] : [0x30, 0x80 | lenBytes.length, ...lenBytes];
  const out = new Uint8Array(header.length + len);
  out.set(header);
  let o = header.length;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

const parsedCrls = new WeakMap<Uint8Array, ParsedCrl>();
/** parseCrl, cached by array identity (a path builder asks about the same CRLs for every path). */
function parseCrlCached(der: Uint8Array): ParsedCrl {
  let p = parsedCrls.get(der);
  if (!p) {
    p = parseCrl(der);
    parsedCrls.set(der, p);
  }
  return p;
}

export interface CrlBundle {
  /** DER of each CRL that parses. */
  crls: Uint8Array[];
  /** One readable message per thing that could not be used. */
  problems: string[];
}

const CRL_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

/**
 * Reads CRLs from pasted text or file bytes: PEM "X509 CRL" blocks (with any text around
 * them, as `openssl crl` prints them), a binary DER CRL, or base64 DER. Never throws.
 */
export function parseCrlBundle(input: string | Uint8Array): CrlBundle {
  const out: CrlBundle = { crls: [], problems: [] };
  const take = (der: Uint8Array, where: string) => {
    try {
      parseCrlCached(der);
      out.crls.push(der);
    } catch (e) {
      out.problems.push(`${where}: ${(e as Error).message}`);
    }
  };
  if (input.length > MAX_INPUT_BYTES) {
    out.problems.push(`the CRL input is ${(input.length / 1024 / 1024).toFixed(1)} MB, over the 1 MB limit`);
    return out;
  }
  if (typeof input !== 'string' && input.length > 0 && input[0] === 0x30) {
    take(input, 'binary input');
    return out;
  }
  const text = typeof input === 'string' ? input : new TextDecoder('utf-8', { fatal: false }).decode(input);
  if (!text.trim()) {
    out.problems.push('the CRL input is empty; expected PEM (-----BEGIN X509 CRL-----) or DER');
    return out;
  }
  let blocks = 0;
  for (const m of text.matchAll(CRL_BLOCK)) {
    blocks++;
    const [, label, body] = m as unknown as [string, string, string];
    const where = `block ${blocks} (${label})`;
    if (label !== 'X509 CRL') {
      out.problems.push(
        label === 'CERTIFICATE' ? `${where}: this is a certificate, not a CRL; paste the CRL (-----BEGIN X509 CRL-----)` : `${where}: not a CRL; expected -----BEGIN X509 CRL-----`,
      );
      continue;
    }
    const der = decodeBase64(body);
    if (!der) out.problems.push(`${where}: the base64 inside is damaged (invalid characters or length)`);
    else take(der, where);
  }
  if (blocks === 0) {
    const der = /-----BEGIN /.test(text) ? null : decodeBase64(text);
    if (der && der[0] === 0x30) take(der, 'base64 input');
    else if (/-----BEGIN X509 CRL-----/.test(text)) out.problems.push('the X509 CRL block is truncated: "-----END X509 CRL-----" is missing');
    else out.problems.push('no CRL found; expected "-----BEGIN X509 CRL-----" (as printed by openssl crl or openssl ca -gencrl) or DER');
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Revocation checks

const iso = (d: Date) => (Number.isNaN(d.getTime()) ? 'invalid date' : d.toISOString().replace('.000Z', 'Z'));

/** `CRL of "issuer" (thisUpdate …, #number)`: how a CRL is named in the report. */
function describeCrl(crl: ParsedCrl): string {
  const n = crl.crlNumber;
  const number = n === undefined ? '' : `, number ${n.length <= 12 ? parseInt(n, 16) : `0x${n}`}`;
  return `CRL of "${crl.issuer}" issued ${iso(crl.thisUpdate)}${number}`;
}

const DP_OID = '2.5.29.31';
const certDps = new WeakMap<ParsedCertificate, string[] | null>();
/** The fullName URIs/names of a certificate's cRLDistributionPoints, or null when it has none. */
function distributionPointNames(cert: ParsedCertificate): string[] | null {
  if (certDps.has(cert)) return certDps.get(cert)!;
  let names: string[] | null = null;
  if (cert.extensions.some((e) => e.oid === DP_OID)) {
    try {
      const c = AsnParser.parse(cert.der, Certificate);
      const ext = c.tbsCertificate.extensions?.find((e) => e.extnID === DP_OID);
      if (ext) {
        const dps = AsnParser.parse(ext.extnValue.buffer, CRLDistributionPoints);
        names = Array.from(dps).flatMap((dp) => (dp.distributionPoint?.fullName ?? []).map(generalNameText));
      }
    } catch {
      names = [];
    }
  }
  certDps.set(cert, names);
  return names;
}

/**
 * Why this CRL does not cover this certificate (issuer and scope, §6.3.3 (b)), or null when it
 * does. An issuingDistributionPoint that names points must name one the certificate's
 * cRLDistributionPoints names; under webpki only URIs, compared byte for byte (CABF BR
 * 7.1.2.11.2, 7.2.2.1).
 */
function notApplicable(crl: ParsedCrl, cert: ParsedCertificate, issuer: ParsedCertificate, policy: Policy): string | null {
  if (crl.issuerKey !== cert.issuerKey) return `its issuer "${crl.issuer}" is not the certificate's issuer "${cert.issuer}"`;
  if (crl.issuerKey !== issuer.subjectKey) return `its issuer "${crl.issuer}" is not the issuing CA "${issuer.subject}"`;
  if (crl.authorityKeyId && issuer.subjectKeyId && crl.authorityKeyId !== issuer.subjectKeyId) {
    return `its authorityKeyIdentifier ${crl.authorityKeyId} is not the issuer's subjectKeyIdentifier ${issuer.subjectKeyId}: another key of a CA with this name signed it`;
  }
  const idp = crl.idp;
  if (idp) {
    const isCa = cert.basicConstraints?.ca === true;
    if (idp.onlyUser && isCa) return 'its issuingDistributionPoint says it lists only end-entity certificates, and this is a CA certificate';
    if (idp.onlyCA && !isCa) return 'its issuingDistributionPoint says it lists only CA certificates, and this is an end-entity certificate';
    if (idp.onlyAttribute) return 'its issuingDistributionPoint says it lists only attribute certificates';
    const dps = distributionPointNames(cert) ?? [];
    if (idp.fullNames.length > 0) {
      const list = `its issuingDistributionPoint [${idp.fullNames.join(', ')}]`;
      if (dps.length === 0) return `${list} names a distribution point, and the certificate has no cRLDistributionPoints to match it`;
      const nonUri = [...idp.fullNames, ...dps].filter((n) => !n.startsWith('URI:'));
      if (policy === 'webpki' && nonUri.length > 0) return `${list} vs the certificate's cRLDistributionPoints [${dps.join(', ')}]: only URIs may name distribution points (CABF BR 7.1.2.11.2, 7.2.2.1), not ${nonUri.join(', ')}`;
      if (!idp.fullNames.some((n) => dps.includes(n))) return `${list} is none of the certificate's cRLDistributionPoints [${dps.join(', ')}]`;
    }
  }
  return null;
}

interface Problem {
  text: string;
  rfc: string;
}

/** Why this (applicable) CRL cannot be used to judge a certificate of `issuer` at `at`. */
function crlProblems(crl: ParsedCrl, issuer: ParsedCertificate, at: Date): Problem[] {
  const out: Problem[] = [];
  // §6.3.3 (f): the CRL issuer's key must be allowed to sign CRLs.
  if (issuer.keyUsage && !issuer.keyUsage.usages.includes('crlSign')) {
    out.push({ text: `the issuer's keyUsage [${issuer.keyUsage.usages.join(', ')}] does not allow cRLSign, so its key may not sign CRLs`, rfc: 'RFC 5280 §4.2.1.3, §6.3.3 (f)' });
  }
  // §6.3.3 (g): the signature, with the issuer's key.
  let sigOk = false;
  if (!crl.signatureAlgorithmsMatch) out.push({ text: 'the signature algorithm inside tbsCertList differs from the outer one', rfc: 'RFC 5280 §5.1.1.2' });
  else if (crl.signatureUnusedBits !== 0) out.push({ text: `the signatureValue BIT STRING declares ${crl.signatureUnusedBits} unused bits, so the encoding was altered`, rfc: 'RFC 5280 §5.1.1.3' });
  else if (crl.signatureAlgorithm.kind === 'unsupported') out.push({ text: `signature algorithm ${crl.signatureAlgorithm.name} is not supported`, rfc: 'RFC 5280 §5.1.1.2' });
  else if (!issuer.publicKey) out.push({ text: `the issuer's key (${issuer.keyDescription}) is not supported`, rfc: 'RFC 5280 §6.3.3 (g)' });
  else if (!(sigOk = verifyX509Signature(crl.signatureAlgorithm, issuer.publicKey, crl.tbs, crl.signature))) {
    out.push({ text: `the signature does not verify with the key of "${issuer.subject}": the CRL was signed by another key or altered`, rfc: 'RFC 5280 §6.3.3 (g)' });
  }
  const h = 'hash' in crl.signatureAlgorithm ? crl.signatureAlgorithm.hash : undefined;
  if (sigOk && (h === 'md5' || h === 'sha1')) {
    out.push({ text: `it is signed with ${crl.signatureAlgorithm.name}; ${h === 'md5' ? 'MD5' : 'SHA-1'} collisions make such a signature forgeable`, rfc: 'RFC 9155; RFC 6151' });
  }
  // §5.1.2.4 / §5.1.2.5 / §6.3.3 (a): current at the validation time.
  if (Number.isNaN(at.getTime()) || Number.isNaN(crl.thisUpdate.getTime()) || (crl.nextUpdate && Number.isNaN(crl.nextUpdate.getTime()))) {
    out.push({ text: 'its dates or the validation time cannot be read', rfc: 'RFC 5280 §5.1.2.4' });
  } else {
    if (at < crl.thisUpdate) out.push({ text: `it was issued ${iso(crl.thisUpdate)}, after the validation time ${iso(at)}`, rfc: 'RFC 5280 §5.1.2.4' });
    if (crl.nextUpdate && at > crl.nextUpdate) {
      out.push({ text: `it is out of date: its nextUpdate ${iso(crl.nextUpdate)} has passed (validation time ${iso(at)}); a newer CRL is needed`, rfc: 'RFC 5280 §5.1.2.5, §6.3.3 (a)' });
    }
  }
  // §5.1.2.1: extensions only in v2 CRLs.
  if (crl.version !== 2 && (crl.extensions.length > 0 || crl.entries.some((e) => e.extensions.length > 0))) {
    out.push({ text: `it is a version ${crl.version} CRL with extensions (only v2 may have them)`, rfc: 'RFC 5280 §5.1.2.1' });
  }
  for (const p of crl.decodeProblems) out.push({ text: p, rfc: 'RFC 5280 §5.2, §5.3' });
  // §5.2.3: every CRL carries a non-critical cRLNumber.
  const number = crl.extensions.find((e) => e.oid === '2.5.29.20');
  if (!number) out.push({ text: 'it has no cRLNumber extension, which every CRL must carry', rfc: 'RFC 5280 §5.2.3' });
  else if (number.critical) out.push({ text: 'its cRLNumber extension is marked critical; it must not be', rfc: 'RFC 5280 §5.2.3' });
  // A serial listed twice: which entry (reason, date) holds is ambiguous.
  const serials = new Set<string>();
  const twice = new Set<string>();
  for (const e of crl.entries) (serials.has(e.serial) ? twice : serials).add(e.serial);
  if (twice.size > 0) out.push({ text: `it lists the serial number${twice.size > 1 ? 's' : ''} ${[...twice].slice(0, 3).join(', ')} more than once`, rfc: 'RFC 5280 §5.1.2.6; CABF BR §7.2.2' });
  // §5.2: critical extensions we do not process make the CRL unusable; some by name.
  for (const e of crl.extensions) {
    if (e.oid === '2.5.29.27') out.push({ text: 'it is a delta CRL (deltaCRLIndicator); delta CRLs are not supported, give the complete CRL', rfc: 'RFC 5280 §5.2.4' });
    else if (e.critical && !e.processed) out.push({ text: `it has the critical extension ${e.name}, which this verifier does not process`, rfc: 'RFC 5280 §5.2' });
  }
  if (crl.idp?.indirect) out.push({ text: 'it is an indirect CRL (issuingDistributionPoint indirectCRL); indirect CRLs are not supported', rfc: 'RFC 5280 §5.2.5' });
  if (crl.idp?.someReasons) out.push({ text: 'it covers only some revocation reasons (issuingDistributionPoint onlySomeReasons); a CRL covering all reasons is needed', rfc: 'RFC 5280 §5.2.5, §6.3.3 (d)' });
  if (crl.idp?.relativeName) out.push({ text: 'its issuingDistributionPoint names the point relative to the issuer, which is not supported', rfc: 'RFC 5280 §5.2.5' });
  const entryCritical = new Set<string>();
  for (const en of crl.entries) for (const e of en.extensions) if (e.critical && !e.processed) entryCritical.add(e.name);
  for (const name of entryCritical) out.push({ text: `an entry has the critical extension ${name}, which this verifier does not process`, rfc: 'RFC 5280 §5.3' });
  return out;
}

const sections = (ps: Problem[]) => [...new Set(ps.map((p) => p.rfc))].join('; ');

/**
 * The revocation checks of one certificate against the CRLs given: a `crl` check for each CRL
 * of its issuer (usable or not, and why), and a `revocation` check when a usable one decides.
 * Returns no checks when no CRL covers the certificate. `cert` and `issuer` are the child and
 * the next certificate of a path (the issuer's key must have signed the CRL); `index` is the
 * position of `cert` in the report's certificates; `policy` decides how distribution points
 * are matched.
 */
export function revocationChecks(cert: ParsedCertificate, issuer: ParsedCertificate, crls: ParsedCrl[], at: Date, index = 0, policy: Policy = 'webpki'): CertCheck[] {
  const base = { subject: cert.subject };
  const applicable = crls.filter((c) => notApplicable(c, cert, issuer, policy) === null);
  if (applicable.length === 0) return [];
  const judged = applicable.map((crl) => ({ crl, problems: crlProblems(crl, issuer, at) }));
  const usable = judged.filter((j) => j.problems.length === 0).map((j) => j.crl);
  const checks: CertCheck[] = [];
  for (const { crl, problems } of judged) {
    const ok = problems.length === 0;
    checks.push({
      id: 'crl',
      title: ok ? 'CRL usable' : usable.length > 0 ? 'Unusable CRL ignored' : 'CRL rejected',
      cert: index,
      ...base,
      compared: `${describeCrl(crl)}, next update ${crl.nextUpdate ? iso(crl.nextUpdate) : 'not given'} vs issuer key (${issuer.keyDescription}) of "${issuer.subject}" at ${iso(at)}`,
      // An unusable CRL fails the chain only when no usable one decides (status undetermined, §6.3.3).
      pass: ok || usable.length > 0,
      reason: ok
        ? `signed by the issuer's key, current at the validation time${crl.nextUpdate ? '' : ' (it has no nextUpdate, so it never goes out of date)'}, no unprocessed critical extension`
        : `the CRL is rejected: ${problems.map((p) => p.text).join('; ')}${usable.length > 0 ? '. Another CRL of this issuer decides instead' : '. With no usable CRL the revocation status cannot be determined'}`,
      rfc: ok ? 'RFC 5280 §6.3.3' : sections(problems),
    });
  }
  if (usable.length > 0) {
    const mine = serialKey(cert.serial);
    const hits = usable.flatMap((crl) => crl.entries.filter((e) => e.serial === mine).map((entry) => ({ crl, entry })));
    const revoked = hits.find((h) => h.entry.reason !== 'removeFromCRL');
    const newest = usable.reduce((a, b) => (b.thisUpdate > a.thisUpdate ? b : a));
    const shown = revoked?.crl ?? newest;
    const r = revoked?.entry;
    checks.push({
      id: 'revocation',
      title: 'Not revoked',
      cert: index,
      ...base,
      compared: `serial ${cert.serial} vs ${shown.entries.length} revoked serial(s) on the ${describeCrl(shown)}`,
      pass: !revoked,
      reason: r
        ? `revoked on ${iso(r.revocationDate)}, reason ${r.reason ?? 'not given (no reasonCode entry extension)'}${r.reason === 'certificateHold' ? ' (on hold: suspended, may be released)' : ''}${r.invalidityDate ? `; the key is considered compromised since ${iso(r.invalidityDate)}` : ''}`
        : hits.length > 0
          ? 'the serial number is listed with reason removeFromCRL: it is no longer revoked'
          : `the serial number is not on the CRL (next update ${shown.nextUpdate ? iso(shown.nextUpdate) : 'not given'})`,
      rfc: r ? 'RFC 5280 §6.3.3 (i), §5.3.1' : 'RFC 5280 §6.3.3 (i)',
    });
  }
  return checks;
}

/**
 * Every revocation check of a path (leaf … top). A CRL that cannot be read, or that breaks the
 * profile's structure, is ignored (a passing chain-level `crl` note says why), as if it had not
 * been given. When at least one CRL is left, revocation is checked for every certificate whose
 * issuer is in the path (the trust anchor itself is trusted as it is): a usable CRL of its
 * issuer must cover it, or the check fails because its status cannot be determined (RFC 5280
 * §6.3.3: UNDETERMINED), and a listed serial fails with the reason and date. A CRL that covers
 * no certificate of the path gets a passing chain-level `crl-unused` note saying why. No CRLs:
 * no checks.
 */
export function pathRevocationChecks(path: readonly ParsedCertificate[], crlDers: readonly Uint8Array[], at: Date, policy: Policy = 'webpki'): CertCheck[] {
  const checks: CertCheck[] = [];
  const crls: ParsedCrl[] = [];
  const ignored = (k: number, compared: string, why: string, rfc: string) =>
    checks.push({ id: 'crl', title: 'CRL ignored', cert: null, compared, pass: true, reason: `CRL #${k + 1} is ignored, as if it had not been given: ${why}`, rfc });
  crlDers.forEach((der, k) => {
    try {
      const c = parseCrlCached(der);
      if (c.malformed) ignored(k, describeCrl(c), c.malformed, 'RFC 5280 §5.1.2');
      else crls.push(c);
    } catch (e) {
      ignored(k, `CRL #${k + 1}: ${der.length} bytes of DER`, `it cannot be read (${(e as Error).message})`, 'RFC 5280 §5.1');
    }
  });
  if (crls.length === 0) return checks;
  const used = new Set<ParsedCrl>();
  for (let i = 0; i + 1 < path.length; i++) {
    const cert = path[i]!;
    const issuer = path[i + 1]!;
    const mine = crls.filter((c) => notApplicable(c, cert, issuer, policy) === null);
    for (const c of mine) used.add(c);
    if (mine.length > 0) {
      checks.push(...revocationChecks(cert, issuer, crls, at, i, policy));
      continue;
    }
    checks.push({
      id: 'crl',
      title: 'CRL of the issuer given',
      cert: i,
      subject: cert.subject,
      compared: `serial ${cert.serial} of "${cert.subject}" vs ${crls.length} CRL(s) given`,
      pass: false,
      reason: `no CRL given covers this certificate, so whether "${issuer.subject}" revoked it cannot be determined (${crls.map((c) => `${describeCrl(c)}: ${notApplicable(c, cert, issuer, policy)}`).join('; ')})`,
      rfc: 'RFC 5280 §6.3.3',
    });
  }
  for (const c of crls) {
    if (used.has(c)) continue;
    const whys = path.slice(0, -1).map((cert, i) => `"${cert.subject}": ${notApplicable(c, cert, path[i + 1]!, policy)}`);
    checks.push({
      id: 'crl-unused',
      title: 'CRL does not apply',
      cert: null,
      compared: `${describeCrl(c)} vs the issuers of the path`,
      pass: true,
      reason:
        whys.length > 0
          ? `not used: it covers no certificate of this path (${whys.join('; ')})`
          : 'not used: the path has no certificate with its issuer in the path',
      rfc: 'RFC 5280 §6.3.3 (b)',
    });
  }
  return checks;
}

// ---------------------------------------------------------------------------------------------
// E-mail identity (client certificates)

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
