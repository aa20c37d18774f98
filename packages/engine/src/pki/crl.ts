/**
 * CRLs the user gives (RFC 5280 §5 profile): one DER CRL into a `ParsedCrl` (issuer, dates,
 * entries with reason and date, the extensions revocation needs), and a pasted bundle of PEM /
 * DER CRLs. The checks that use them are in revocation.ts (RFC 5280 §6.3) and email.ts (the
 * e-mail identity of a client certificate, §4.2.1.6), re-exported here.
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
 * @example
 *   const { crls, problems } = parseCrlBundle(pemText);
 *   const report = verifyChain({ chain, anchors, purpose: 'server', crls });
 */
import { AsnParser } from '@peculiar/asn1-schema';
import { AuthorityKeyIdentifier, CertificateList, CRLReason, IssuingDistributionPoint, Extensions, type Extension, type GeneralName } from '@peculiar/asn1-x509';
import { toHex } from '../codec/hex';
import { type X509SignatureAlgorithm } from '../crypto/signature';
import { children, readTlv, type Tlv } from './der';
import { derLength, u8 } from './asn1-util';
import { decodeSignatureAlgorithm, fingerprint, formatName, nameAttributesFromDer, nameKey, type NameAttribute, type ParsedExtension } from './parse';

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

/** Hex of an INTEGER's content octets without leading zero octets: the comparison form of a serial number. */
export function serialKey(hex: string): string {
  const h = hex.toLowerCase().replace(/^(00)+(?=..)/, '');
  return h === '' ? '00' : h;
}

export function generalNameText(g: GeneralName): string {
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

/** What the DER walk of a CertificateList finds (RFC 5280 §5.1), before the extensions are decoded. */
interface CrlStructure {
  list: CertificateList;
  tbs: Uint8Array;
  unusedBits: number;
  issuerAttributes: NameAttribute[][];
  outerAlg: Uint8Array;
  innerAlg: Uint8Array;
  crlNumberHex: string | undefined;
  entryDers: Uint8Array[];
  malformed: string[];
}

/** Walks the CertificateList; throws a readable Error when it is not one. */
function readCrlStructure(der: Uint8Array): CrlStructure {
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
  return { list, tbs, unusedBits, issuerAttributes, outerAlg, innerAlg, crlNumberHex, entryDers, malformed };
}

/**
 * Parses one DER CRL (RFC 5280 §5.1). Throws an Error with a readable message when the
 * structure is not a CertificateList; problems inside extensions are kept in `decodeProblems`.
 */
export function parseCrl(der: Uint8Array): ParsedCrl {
  const { list, tbs, unusedBits, issuerAttributes, outerAlg, innerAlg, crlNumberHex, entryDers, malformed } = readCrlStructure(der);
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
  decodeCrlExtensions(crl, t.crlExtensions, crlNumberHex !== undefined);
  for (const [k, entryDer] of entryDers.entries()) crl.entries.push(decodeEntry(entryDer, k, decodeProblems));
  return crl;
}

/** The CRL's own extensions (RFC 5280 §5.2): authorityKeyIdentifier, issuingDistributionPoint, cRLNumber. */
function decodeCrlExtensions(crl: ParsedCrl, list: Extension[] | undefined, crlNumberRead: boolean): void {
  for (const { ext, value } of readExtensions(list, CRL_EXTENSIONS, '', crl.decodeProblems)) {
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
      } else if (ext.oid === '2.5.29.20' && !crlNumberRead) {
        throw new Error('not an INTEGER');
      }
    } catch (e) {
      crl.decodeProblems.push(`cannot decode the CRL's ${ext.name} extension: ${(e as Error).message}`);
    }
  }
}

/** One revoked entry (RFC 5280 §5.1.2.6) and its extensions (§5.3: reasonCode, invalidityDate). */
function decodeEntry(entryDer: Uint8Array, k: number, decodeProblems: string[]): CrlEntry {
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
  return entry;
}

/** A Time (RFC 5280 §4.1.2.5: UTCTime YYMMDDHHMMSSZ, years 1950–2049, or GeneralizedTime YYYYMMDDHHMMSSZ). */
function decodeTime(der: Uint8Array, t: Tlv): Date {
  const text = String.fromCharCode(...der.subarray(t.contentStart, t.end));
  const m =
    t.tag === 0x17 ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text) : t.tag === 0x18 ? /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.\d+)?Z$/.exec(text) : null;
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
  const header = [0x30, ...derLength(len)];
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
export function parseCrlCached(der: Uint8Array): ParsedCrl {
  let p = parsedCrls.get(der);
  if (!p) {
    p = parseCrl(der);
    parsedCrls.set(der, p);
  }
  return p;
}

// The pasted-input reader and the checks that use CRLs, re-exported so `from './crl'` keeps working.
export { parseCrlBundle, type CrlBundle } from './crl-bundle';
export { pathRevocationChecks, revocationChecks } from './revocation';
export { emailChecks } from './email';
