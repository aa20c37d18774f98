/**
 * GeneralName (RFC 5280 §4.2.1.6) and NameConstraints (§4.2.1.10) decoded from raw DER, so the
 * verifier sees exactly what is encoded: an 8-byte iPAddress or a `.example.com` dNSName stays
 * visible as malformed instead of being "fixed" (or silently dropped) by a schema decoder.
 */
import { children, decodeName, decodeOid, readTlv, type Tlv } from './der';

/** One GeneralName as encoded. `problem` is set when the value breaks its form's syntax. */
export type RawGeneralName =
  | { kind: 'dns'; value: string; problem?: string }
  | { kind: 'email'; value: string; problem?: string }
  | { kind: 'uri'; value: string; problem?: string }
  | { kind: 'ip'; bytes: Uint8Array; problem?: string }
  | { kind: 'dn'; attributes: { oid: string; value: string }[][]; problem?: string }
  | { kind: 'other'; form: 'otherName' | 'x400Address' | 'ediPartyName' | 'registeredID'; text: string; problem?: string };

const ascii = (b: Uint8Array) => String.fromCharCode(...b);

/** IA5String contents: 7-bit only (X.680 §41). */
function ia5(b: Uint8Array): { value: string; problem?: string } {
  const value = ascii(b);
  return b.some((x) => x > 0x7f) ? { value, problem: 'contains non-ASCII bytes (IA5String is ASCII)' } : { value };
}

/** Decodes one GeneralName TLV (context-specific tags [0]..[8]). */
function decodeGeneralName(der: Uint8Array, t: Tlv): RawGeneralName {
  const body = der.subarray(t.contentStart, t.end);
  switch (t.tag) {
    case 0x81: {
      const s = ia5(body);
      return { kind: 'email', ...s };
    }
    case 0x82: {
      const s = ia5(body);
      return { kind: 'dns', ...s };
    }
    case 0x86: {
      const s = ia5(body);
      return { kind: 'uri', ...s };
    }
    case 0x87:
      return { kind: 'ip', bytes: body.slice() };
    case 0xa4: {
      try {
        const inner = readTlv(der, t.contentStart, t.end);
        return { kind: 'dn', attributes: decodeName(der.subarray(inner.start, inner.end)) };
      } catch (e) {
        return { kind: 'dn', attributes: [], problem: `unreadable directoryName (${(e as Error).message})` };
      }
    }
    case 0xa0: {
      let typeId = '?';
      try {
        const oid = readTlv(der, t.contentStart, t.end);
        if (oid.tag === 0x06) typeId = decodeOid(der.subarray(oid.contentStart, oid.end));
      } catch {
        /* typeId stays unknown */
      }
      return { kind: 'other', form: 'otherName', text: `othername:${typeId}` };
    }
    case 0xa3:
      return { kind: 'other', form: 'x400Address', text: 'x400Address' };
    case 0xa5:
      return { kind: 'other', form: 'ediPartyName', text: 'ediPartyName' };
    case 0x88:
      return { kind: 'other', form: 'registeredID', text: `RID:${decodeOid(body)}` };
    default:
      throw new Error(`GeneralName with unknown tag 0x${t.tag.toString(16)}`);
  }
}

/** Decodes GeneralNames (a SEQUENCE OF GeneralName). Throws on a malformed structure. */
export function decodeGeneralNames(der: Uint8Array): RawGeneralName[] {
  const seq = readTlv(der, 0);
  if (seq.tag !== 0x30 || seq.end !== der.length) throw new Error('GeneralNames is not a single SEQUENCE');
  return children(der, seq).map((t) => decodeGeneralName(der, t));
}

/** One subtree of a NameConstraints extension. `problem` set: the verifier cannot apply it. */
export interface RawSubtree {
  base: RawGeneralName;
  problem?: string;
}

/**
 * Decodes NameConstraints ::= SEQUENCE { permittedSubtrees [0], excludedSubtrees [1] } of
 * GeneralSubtree ::= SEQUENCE { base, minimum [0] DEFAULT 0, maximum [1] OPTIONAL }.
 * Throws on a malformed structure.
 */
export function decodeNameConstraints(der: Uint8Array): { permitted: RawSubtree[]; excluded: RawSubtree[] } {
  const seq = readTlv(der, 0);
  if (seq.tag !== 0x30 || seq.end !== der.length) throw new Error('NameConstraints is not a single SEQUENCE');
  const out = { permitted: [] as RawSubtree[], excluded: [] as RawSubtree[] };
  for (const part of children(der, seq)) {
    if (part.tag !== 0xa0 && part.tag !== 0xa1) throw new Error(`unexpected field tag 0x${part.tag.toString(16)}`);
    const list = part.tag === 0xa0 ? out.permitted : out.excluded;
    const subtrees = children(der, part);
    if (subtrees.length === 0) throw new Error('an empty GeneralSubtrees (SIZE (1..MAX))');
    for (const st of subtrees) {
      if (st.tag !== 0x30) throw new Error('GeneralSubtree is not a SEQUENCE');
      const [baseTlv, ...rest] = children(der, st);
      if (!baseTlv) throw new Error('GeneralSubtree without a base');
      const base = decodeGeneralName(der, baseTlv);
      let problem: string | undefined;
      for (const f of rest) {
        const zero = f.tag === 0x80 && f.end - f.contentStart === 1 && der[f.contentStart] === 0;
        // RFC 5280 §4.2.1.10: minimum MUST be zero (so DER omits it), maximum MUST be absent.
        if (!zero) problem = f.tag === 0x81 ? 'a maximum is set (RFC 5280: MUST be absent)' : 'a minimum other than 0';
      }
      list.push(problem ? { base, problem } : { base });
    }
  }
  return out;
}

/** Readable form of a GeneralName, as OpenSSL prints them (`DNS:…`, `IP:…`, `email:…`). */
export function describeRawName(g: RawGeneralName, format: (a: { oid: string; value: string }[][]) => string): string {
  switch (g.kind) {
    case 'dns':
      return `DNS:${g.value}`;
    case 'email':
      return `email:${g.value}`;
    case 'uri':
      return `URI:${g.value}`;
    case 'ip':
      return `IP:${ipText(g.bytes)}`;
    case 'dn':
      return `DirName:${format(g.attributes)}`;
    case 'other':
      return g.text;
  }
}

/** Text of an address (4 or 16 bytes) or an address+mask (8 or 32 bytes); hex otherwise. */
export function ipText(b: Uint8Array): string {
  const v4 = (x: Uint8Array) => Array.from(x).join('.');
  const v6 = (x: Uint8Array) => {
    const g: string[] = [];
    for (let i = 0; i < 16; i += 2) g.push(((x[i]! << 8) | x[i + 1]!).toString(16));
    return g.join(':').replace(/(^|:)0(:0)+(:|$)/, '::');
  };
  if (b.length === 4) return v4(b);
  if (b.length === 16) return v6(b);
  if (b.length === 8) return `${v4(b.subarray(0, 4))}/${v4(b.subarray(4))}`;
  if (b.length === 32) return `${v6(b.subarray(0, 16))}/${v6(b.subarray(16))}`;
  return `#${Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')}`;
}
