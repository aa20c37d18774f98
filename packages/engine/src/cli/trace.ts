/**
 * `--trace` and `--json`: turning the event stream into text.
 *
 * `formatTrace(events)` is a pure function events → lines; `createTraceFormatter()` is the
 * same thing for a stream (it remembers which records and secrets it already printed, so a
 * record seen by both sides in `simulate` is explained once and a secret both sides derive is
 * shown once, then confirmed). Colour is opt-in (the CLI turns it on only for a TTY).
 *
 * What a trace shows, per event:
 * - record: direction arrow, content type, length, header fields; for a protected record the
 *   key name, sequence number, `nonce = iv XOR seq` with all three values, AAD, tag, the inner
 *   content type and padding;
 * - handshake message: every field from its ByteSpans as a tree (by depth), `label = value`;
 * - secret: name, formula, every input, value;
 * - certificate check: ✓/✗, what was compared, why, RFC section; the report's verdict;
 * - alerts, application data (as escaped text), state changes, negotiated parameters, timings.
 */
import type { ByteSpan } from '../codec/bytespan';
import { paddedSequence, toHex } from '../codec/hex';
import type { Side, TlsEvent, TlsEventBody, DerivationInput } from '../events';
import { assertNever } from '../errors';

export interface TraceOptions {
  /** ANSI colours (only for a TTY). Default false. */
  color?: boolean;
  /** Longest hex value printed in full, in bytes; longer ones are cut with "… (N bytes)". Default 256. */
  maxHexBytes?: number;
  /** Print timestamps (ms since the run started). Default true. */
  times?: boolean;
}

type Paint = (s: string) => string;

interface Palette {
  dim: Paint;
  bold: Paint;
  client: Paint;
  server: Paint;
  secret: Paint;
  ok: Paint;
  bad: Paint;
  warn: Paint;
  field: Paint;
}

function palette(color: boolean): Palette {
  const wrap =
    (open: string): Paint =>
    (s) =>
      color ? `\x1b[${open}m${s}\x1b[0m` : s;
  return {
    dim: wrap('2'),
    bold: wrap('1'),
    client: wrap('36'),
    server: wrap('35'),
    secret: wrap('33'),
    ok: wrap('32'),
    bad: wrap('31;1'),
    warn: wrap('33;1'),
    field: wrap('34'),
  };
}

const INDENT = '    ';

export interface TraceFormatter {
  /** Lines for one event (may be empty when the event repeats something already shown). */
  format(e: TlsEvent | TlsEventBody): string[];
}

/** A stateful formatter for a stream of events. */
export function createTraceFormatter(opts: TraceOptions = {}): TraceFormatter {
  return new Trace(opts);
}

class Trace implements TraceFormatter {
  private readonly p: ReturnType<typeof palette>;
  private readonly maxHex: number;
  private readonly times: boolean;
  /** recordId → true when its full description has been printed. */
  private readonly recordsShown = new Set<string>();
  /** `name` → hex value of secrets already printed (by either side). */
  private readonly secretsShown = new Map<string, { side: Side; hex: string }>();
  private readonly handshakesShown = new Set<string>();

  constructor(opts: TraceOptions) {
    this.p = palette(opts.color ?? false);
    this.maxHex = opts.maxHexBytes ?? 256;
    this.times = opts.times ?? true;
  }

  private sideName(s: Side): string {
    return s === 'client' ? this.p.client('client') : this.p.server('server');
  }

  private arrow(side: Side, dir: 'sent' | 'received'): string {
    const from = dir === 'sent' ? side : side === 'client' ? 'server' : 'client';
    return from === 'client' ? `${this.p.client('C')} → ${this.p.server('S')}` : `${this.p.client('C')} ← ${this.p.server('S')}`;
  }

  private hex(b: Uint8Array): string {
    if (b.length === 0) return this.p.dim('(empty)');
    if (b.length <= this.maxHex) return toHex(b);
    return `${toHex(b.subarray(0, this.maxHex))}… ${this.p.dim(`(${b.length} bytes)`)}`;
  }

  private stamp(e: TlsEvent | TlsEventBody): string {
    if (!this.times) return '';
    const t = 't' in e && typeof e.t === 'number' ? e.t : undefined;
    return this.p.dim(t === undefined ? '          ' : `${t.toFixed(2).padStart(9)}ms`) + ' ';
  }

  format(e: TlsEvent | TlsEventBody): string[] {
    const head = this.stamp(e);
    const body = INDENT + ' '.repeat(head.length === 0 ? 0 : 12);
    switch (e.type) {
      case 'record':
        return this.formatRecord(e, head, body);
      case 'handshake':
        return this.formatHandshake(e, head, body);
      case 'state':
        return [`${head}${this.sideName(e.side)} ${this.p.dim('state')} ${e.from} → ${this.p.bold(e.to)}`];
      case 'negotiated':
        return this.formatNegotiated(e, head);
      case 'secret':
        return this.formatSecret(e, head, body);
      case 'cert-check': {
        const c = e.check;
        const mark = c.pass ? this.p.ok('✓ pass') : this.p.bad('✗ FAIL');
        const where = c.cert === null ? 'chain' : `cert[${c.cert}]${c.subject ? ` ${c.subject}` : ''}`;
        return [
          `${head}${this.sideName(e.side)} ${this.p.dim('cert-check')} ${mark} ${this.p.bold(c.title)} ${this.p.dim(`(${c.id}, ${where})`)}`,
          `${body}compared: ${c.compared}`,
          `${body}${c.pass ? 'reason' : this.p.bad('reason')}: ${c.reason}${c.rfc ? this.p.dim(`  [${c.rfc}]`) : ''}`,
        ];
      }
      case 'cert-report':
        return this.formatCertReport(e, head, body);
      case 'alert': {
        const paint = e.level === 'fatal' ? this.p.bad : this.p.warn;
        const verb = e.direction === 'sent' ? 'sent' : 'received';
        return [
          `${head}${this.arrow(e.side, e.direction)} ${this.sideName(e.side)} ${verb} ${paint(`${e.level} alert ${e.description} (${e.code})`)}` +
            (e.reason ? `: ${e.reason}` : ''),
        ];
      }
      case 'appdata': {
        if (e.direction === 'received' && this.recordsShown.has(`appdata:${e.recordId}`)) {
          return [`${head}${this.arrow(e.side, e.direction)} ${this.sideName(e.side)} received application data ${e.data.length} bytes ${this.p.dim(`(record ${e.recordId})`)}`];
        }
        this.recordsShown.add(`appdata:${e.recordId}`);
        return [
          `${head}${this.arrow(e.side, e.direction)} ${this.sideName(e.side)} ${e.direction} ${this.p.bold('application data')} ${e.data.length} bytes ${this.p.dim(`(record ${e.recordId})`)}`,
          ...showText(e.data).map((l) => `${body}${l}`),
        ];
      }
      case 'timing':
        return [`${head}${this.sideName(e.side)} ${this.p.dim('timing')} ${e.what}: ${e.ms.toFixed(2)} ms`];
      case 'note':
        return [`${head}${this.sideName(e.side)} ${this.p.warn('note')} ${e.text}${e.rfc ? this.p.dim(`  [${e.rfc}]`) : ''}`];
      case 'closed':
        return [`${head}${this.sideName(e.side)} ${this.p.dim('closed')} ${e.reason}${e.error ? `: ${e.error}` : ''}`];
      case 'fault': {
        const who = e.actor === 'on-path-attacker' ? 'on-path attacker' : e.actor === 'faulty-peer' ? `faulty ${e.culprit}` : 'setup';
        return [
          `${head}${this.sideName(e.side)} ${this.p.bad('fault')} ${this.p.bold(e.fault)} (${who}${e.recordId ? `, record ${e.recordId}` : ''}): ${e.text}${e.rfc ? this.p.dim(`  [${e.rfc}]`) : ''}`,
        ];
      }
      case 'run':
        return [
          `${head}${this.p.dim('run')} clock ${this.p.bold(e.at)} (${e.atSource === 'seed' ? 'from the seed' : 'given'}); ` +
            (e.serverName ? `server_name ${this.p.bold(e.serverName.aLabel)}${e.serverName.idn ? ` (${e.serverName.uLabel})` : ''}` : 'no server_name') +
            `; checks the certificate for ${e.checkedName}; client auth ${e.clientAuth}`,
        ];
      default:
        return assertNever(e);
    }
  }

  private formatNegotiated(e: Extract<TlsEventBody, { type: 'negotiated' }>, head: string): string[] {
    const parts: string[] = [];
    const add = (k: string, v: string | boolean | undefined): void => {
      if (v !== undefined) parts.push(`${k}=${this.p.bold(String(v))}`);
    };
    add('version', e.version);
    add('cipher_suite', e.cipherSuite);
    add('group', e.group);
    add('signature_scheme', e.signatureScheme);
    add('alpn', e.alpn);
    add('server_name', e.serverName);
    add('hello_retry', e.helloRetry);
    add('key_exchange', e.keyExchange);
    add('extended_master_secret', e.extendedMasterSecret);
    add('master_secret_reason', e.masterSecretReason);
    add('client_auth', e.clientAuth);
    add('client_auth_skipped', e.clientAuthSkipped);
    return [`${head}${this.sideName(e.side)} ${this.p.dim('negotiated')} ${parts.join(' ')}`];
  }

  private formatCertReport(e: Extract<TlsEventBody, { type: 'cert-report' }>, head: string, body: string): string[] {
    const r = e.report;
    const lines = [
      `${head}${this.sideName(e.side)} ${this.p.dim('cert-report')} ${r.ok ? this.p.ok('✓ chain verified') : this.p.bad('✗ chain rejected')}: ${r.verdict}` +
        (r.alert ? this.p.dim(` (alert ${r.alert})`) : '') +
        this.p.dim(` purpose=${r.purpose}${r.host ? ` host=${r.host}` : ''} at=${r.at}`),
    ];
    r.certificates.forEach((c, i) => {
      lines.push(`${body}[${i}] ${c.role.padEnd(12)} ${this.p.bold(c.subject)}`);
      lines.push(`${body}    issuer ${c.issuer}; key ${c.key}; sig ${c.signatureAlgorithm}`);
      lines.push(`${body}    valid ${c.notBefore} … ${c.notAfter}${c.sans.length ? `; SAN ${c.sans.join(', ')}` : ''}`);
      lines.push(`${body}    serial ${c.serial}; sha256 ${c.sha256}${c.isCA ? '; CA' : ''}${c.selfSigned ? '; self-signed' : ''}`);
    });
    return lines;
  }

  private formatRecord(e: Extract<TlsEventBody, { type: 'record' }>, head: string, body: string): string[] {
    const msgs = e.messages.length ? ` [${e.messages.join(', ')}]` : '';
    const inner = e.protected ? ` → ${e.protected.innerContentType}` : '';
    const title = `${head}${this.arrow(e.side, e.direction)} ${this.sideName(e.side)} ${e.direction} ${this.p.bold('record')} ${e.contentType}${inner} ${e.bytes.length} bytes ${this.p.dim(`(${e.recordId})`)}${msgs}`;
    if (this.recordsShown.has(e.recordId)) {
      return [`${title} ${this.p.dim('— shown above')}`];
    }
    this.recordsShown.add(e.recordId);
    const lines = [title];
    // The record layer's spans: header and content framing (the fields of the handshake
    // messages it carries come with their own `handshake` events).
    lines.push(...this.spanTree(e.spans, e.bytes, body, Infinity));
    const pr = e.protected;
    if (pr) {
      lines.push(`${body}${this.p.secret('protection')} key = ${this.p.bold(pr.keyName)}, sequence number = ${pr.sequence}`);
      lines.push(`${body}  write_key = ${this.hex(pr.key)}  ${this.p.dim(`(${pr.keyLabel} = ${pr.keyFormula})`)}`);
      lines.push(`${body}  write_iv  = ${this.hex(pr.iv)}  ${this.p.dim(`(${pr.ivLabel} = ${pr.ivFormula})`)}`);
      if (pr.explicitNonce) lines.push(`${body}  explicit_nonce = ${this.hex(pr.explicitNonce)}`);
      if (pr.iv.length === pr.nonce.length) {
        // The XOR constructions (TLS 1.3, TLS 1.2 ChaCha20): show the padded sequence number.
        lines.push(`${body}  seq       = ${this.hex(paddedSequence(pr.sequence, pr.iv.length))}   ${this.p.dim('(64-bit sequence number, left-padded)')}`);
      }
      lines.push(`${body}  nonce     = ${this.hex(pr.nonce)}   ${this.p.dim(`(${pr.nonceFormula})`)}`);
      lines.push(`${body}  aad       = ${this.hex(pr.aad)}`);
      lines.push(`${body}  ciphertext ${pr.ciphertext.length} bytes, tag = ${this.hex(pr.tag)}`);
      // TLS 1.3 hides the real type inside (TLSInnerPlaintext, RFC 8446 §5.2); TLS 1.2's AEAD
      // plaintext is just the content, of the outer type.
      const tls13 = pr.padding > 0 || pr.plaintextSpans.some((s) => s.label === 'zeros') || pr.nonceFormula.includes('8446');
      lines.push(
        tls13
          ? `${body}  plaintext ${pr.plaintext.length} bytes: inner content type ${this.p.bold(pr.innerContentType)}, ${pr.padding} zero padding byte${pr.padding === 1 ? '' : 's'}`
          : `${body}  plaintext ${pr.plaintext.length} bytes of ${this.p.bold(pr.innerContentType)}`,
      );
      if (pr.plaintextSpans.length > 0) {
        lines.push(`${body}  ${this.p.dim(tls13 ? 'TLSInnerPlaintext:' : 'plaintext:')}`);
        lines.push(...this.spanTree(pr.plaintextSpans, pr.plaintext, `${body}    `, Infinity));
      }
    }
    return lines;
  }

  private formatHandshake(e: Extract<TlsEventBody, { type: 'handshake' }>, head: string, body: string): string[] {
    const key = `${e.recordId}:${e.name}:${toHex(e.bytes.subarray(0, 64))}:${e.bytes.length}`;
    const summary = Object.entries(e.summary)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    const title =
      `${head}${this.arrow(e.side, e.direction)} ${this.sideName(e.side)} ${e.direction} ${this.p.bold(e.name)} ${e.bytes.length} bytes` +
      (summary ? this.p.dim(`  ${summary}`) : '');
    if (this.handshakesShown.has(key)) return [`${title} ${this.p.dim('— fields shown above')}`];
    this.handshakesShown.add(key);
    return [title, ...this.spanTree(e.spans, e.bytes, body, Infinity)];
  }

  private formatSecret(e: Extract<TlsEventBody, { type: 'secret' }>, head: string, body: string): string[] {
    const v = toHex(e.value);
    const seen = this.secretsShown.get(e.name);
    if (seen && seen.side !== e.side) {
      const same = seen.hex === v;
      return [
        `${head}${this.sideName(e.side)} ${this.p.secret('secret')} ${this.p.bold(e.name)} ${same ? this.p.ok(`= the ${seen.side}'s value (both sides agree)`) : this.p.bad(`≠ the ${seen.side}'s value: ${this.hex(e.value)}`)}`,
      ];
    }
    this.secretsShown.set(e.name, { side: e.side, hex: v });
    const lines = [
      `${head}${this.sideName(e.side)} ${this.p.secret('secret')} ${this.p.bold(e.name)} ${this.p.dim(`[${e.stage}] ${e.rfc}`)}`,
      `${body}${this.p.dim('formula')} ${e.name} = ${e.formula}`,
    ];
    for (const inp of e.inputs) lines.push(`${body}${this.p.dim('input')}   ${inp.name} = ${this.inputValue(inp)}`);
    lines.push(`${body}${this.p.dim('value')}   ${this.p.secret(this.hex(e.value))} ${this.p.dim(`(${e.value.length} bytes)`)}`);
    return lines;
  }

  private inputValue(inp: DerivationInput): string {
    return typeof inp.value === 'string' ? JSON.stringify(inp.value) : this.hex(inp.value);
  }

  /** The span tree: one line per span, indented by depth, `label = value`. */
  private spanTree(spans: readonly ByteSpan[], bytes: Uint8Array, indent: string, maxDepth: number): string[] {
    const sorted = spans
      .map((s, i) => ({ s, i }))
      .filter(({ s }) => s.depth <= maxDepth)
      .sort((a, b) => a.s.start - b.s.start || a.s.depth - b.s.depth || a.i - b.i)
      .map(({ s }) => s);
    const minDepth = sorted.reduce((m, s) => Math.min(m, s.depth), Infinity);
    const lines: string[] = [];
    for (let i = 0; i < sorted.length; i++) {
      const s = sorted[i]!;
      const next = sorted[i + 1];
      const hasChildren = next !== undefined && next.depth > s.depth && next.start < s.end;
      const len = s.end - s.start;
      const pad = '  '.repeat(Math.max(0, s.depth - minDepth));
      const where = this.p.dim(`[${s.start}..${s.end})`);
      let value: string;
      if (s.value !== undefined) value = s.value;
      else if (hasChildren) value = this.p.dim(`${len} bytes`);
      else value = s.end <= bytes.length ? this.hex(bytes.subarray(s.start, s.end)) : this.p.dim(`${len} bytes`);
      lines.push(`${indent}${pad}${this.p.field(s.label)} = ${value} ${where}${s.rfc ? this.p.dim(` ${s.rfc}`) : ''}`);
    }
    return lines;
  }
}

/**
 * Pure: a closing summary of a run — per side what was negotiated, the records and bytes each
 * side sent, the certificate verdicts, the alerts, and the handshake time.
 */
export function summaryLines(events: readonly (TlsEvent | TlsEventBody)[]): string[] {
  const lines: string[] = ['── summary ──'];
  for (const side of ['client', 'server'] as const) {
    const mine = events.filter((e) => 'side' in e && e.side === side);
    if (mine.length === 0) continue;
    const n: Record<string, unknown> = {};
    for (const e of mine)
      if (e.type === 'negotiated') for (const [k, v] of Object.entries(e)) if (v !== undefined && k !== 'type' && k !== 'side' && k !== 'seq' && k !== 't') n[k] = v;
    const sent = mine.filter((e) => e.type === 'record' && e.direction === 'sent');
    const bytes = sent.reduce((a, e) => a + (e.type === 'record' ? e.bytes.length : 0), 0);
    const hs = mine.find((e) => e.type === 'timing' && /^handshake/.test(e.what));
    const parts = [n.version, n.cipherSuite, n.group, n.signatureScheme, n.alpn ? `ALPN ${String(n.alpn)}` : undefined, n.helloRetry ? 'HelloRetryRequest' : undefined]
      .filter((x) => typeof x === 'string' && x.length > 0)
      .join(', ');
    lines.push(`${side}: ${parts || 'nothing negotiated'}`);
    lines.push(`  sent ${sent.length} record${sent.length === 1 ? '' : 's'} (${bytes} bytes)${hs && hs.type === 'timing' ? `; handshake ${hs.ms.toFixed(1)} ms` : ''}`);
    for (const e of mine) {
      if (e.type === 'cert-report') lines.push(`  checked the ${e.report.purpose} certificate: ${e.report.ok ? 'ok' : 'REJECTED'} — ${e.report.verdict}`);
      if (e.type === 'alert' && e.level === 'fatal') lines.push(`  ${e.direction} fatal alert ${e.description} (${e.code})${e.reason ? `: ${e.reason}` : ''}`);
    }
    const closed = mine.find((e) => e.type === 'closed');
    const state = [...mine].reverse().find((e) => e.type === 'state');
    lines.push(`  final state ${state && state.type === 'state' ? state.to : '?'}${closed && closed.type === 'closed' ? ` (closed: ${closed.reason})` : ''}`);
  }
  return lines;
}

/** Pure: the whole trace of a run. */
export function formatTrace(events: readonly (TlsEvent | TlsEventBody)[], opts: TraceOptions = {}): string[] {
  const f = createTraceFormatter(opts);
  return events.flatMap((e) => f.format(e));
}

/** Application data as escaped text lines (or hex when it is not mostly text). */
export function showText(data: Uint8Array, maxChars = 2000): string[] {
  let printable = 0;
  for (const b of data) if ((b >= 0x20 && b < 0x7f) || b === 0x0a || b === 0x0d || b === 0x09) printable++;
  if (data.length > 0 && printable / data.length < 0.9) {
    return [`hex ${toHex(data.subarray(0, 512))}${data.length > 512 ? `… (${data.length} bytes)` : ''}`];
  }
  const text = new TextDecoder().decode(data.subarray(0, maxChars));
  const lines = text.split('\n').map((l, i, all) => {
    const esc = JSON.stringify(i < all.length - 1 ? `${l}\n` : l);
    return `| ${esc.slice(1, -1)}`;
  });
  if (lines.length > 0 && lines[lines.length - 1] === '| ') lines.pop();
  if (data.length > maxChars) lines.push(`| … (${data.length} bytes in all)`);
  return lines;
}

/** One event as a JSON line: Uint8Array as lower-case hex, bigint as decimal string. */
export function toJsonLine(e: TlsEvent | TlsEventBody | (TlsEventBody & Record<string, unknown>)): string {
  return JSON.stringify(e, (_k, v: unknown) => {
    if (v instanceof Uint8Array) return toHex(v);
    if (typeof v === 'bigint') return v.toString();
    return v;
  });
}
