/**
 * Checks what the narration and the badges claim against the run itself: the records' bytes
 * (extensions parsed here, independently of the codec's spans the texts read), which records
 * are sealed, the alerts on the wire, the flights in the engine's own order. Used by the
 * consistency test over the settings matrix; returns what does not hold, in words.
 */
import type { Side, TlsEvent, TlsVersionName } from '@tlslab/engine';
import { visibleCount, type HandshakeEvent, type RecordEvent, type RunView } from '../store/derive';
import type { Claim } from './claims';

const EXT = { pre_shared_key: 41, early_data: 42, supported_versions: 43, key_share: 51 } as const;
const TLS_RSA_SUITES = new Set([0x009c, 0x009d]);

/** The extensions of a ClientHello, ServerHello or EncryptedExtensions (msg_type ‖ length ‖ body), by code. */
export function helloExtensions(b: Uint8Array): Map<number, Uint8Array> {
  const out = new Map<number, Uint8Array>();
  const u16 = (i: number) => ((b[i] ?? 0) << 8) | (b[i + 1] ?? 0);
  let o = 4;
  if (b[0] === 1) {
    o += 2 + 32;
    o += 1 + (b[o] ?? 0); // session id
    o += 2 + u16(o); // cipher suites
    o += 1 + (b[o] ?? 0); // compression methods
  } else if (b[0] === 2) {
    o += 2 + 32;
    o += 1 + (b[o] ?? 0);
    o += 3; // cipher suite, compression method
  } else if (b[0] !== 8) return out;
  if (o + 2 > b.length) return out;
  const end = o + 2 + u16(o);
  for (o += 2; o + 4 <= end; o += 4 + u16(o + 2)) out.set(u16(o), b.subarray(o + 4, o + 4 + u16(o + 2)));
  return out;
}

/**
 * A handshake message whose sending or reading is a public-key operation: a hello with a
 * key_share (RFC 8446 §4.2.8), Certificate (11), ServerKeyExchange (12), CertificateVerify (15),
 * ClientKeyExchange (16).
 */
function publicKeyMessage(b: Uint8Array): boolean {
  if (b[0] === 1 || b[0] === 2) return helloExtensions(b).has(EXT.key_share);
  return b[0] === 11 || b[0] === 12 || b[0] === 15 || b[0] === 16;
}

/** A ServerHello's cipher suite code. */
function serverHelloSuite(b: Uint8Array): number {
  const o = 4 + 2 + 32 + 1 + (b[4 + 2 + 32] ?? 0);
  return ((b[o] ?? 0) << 8) | (b[o + 1] ?? 0);
}

/** The version a ServerHello selects: supported_versions, else legacy_version. */
function serverHelloVersion(b: Uint8Array): TlsVersionName | string {
  const sv = helloExtensions(b).get(EXT.supported_versions);
  const v = sv && sv.length >= 2 ? (sv[0]! << 8) | sv[1]! : ((b[4] ?? 0) << 8) | (b[5] ?? 0);
  return v === 0x0304 ? 'TLS 1.3' : v === 0x0303 ? 'TLS 1.2' : `0x${v.toString(16)}`;
}

/** A ClientHello's highest version: TLS 1.3 when supported_versions lists 0x0304. */
function clientHelloVersion(b: Uint8Array): TlsVersionName {
  const sv = helloExtensions(b).get(EXT.supported_versions);
  if (sv) for (let i = 1; i + 1 < sv.length; i += 2) if (sv[i] === 0x03 && sv[i + 1] === 0x04) return 'TLS 1.3';
  return 'TLS 1.2';
}

/**
 * The number of certificates in a Certificate message: TLS 1.3 (RFC 8446 §4.4.2: context, then
 * entries of cert_data and extensions) or TLS 1.2 (RFC 5246 §7.4.2: a list of ASN.1Cert).
 */
function certificateCount(b: Uint8Array, tls13: boolean): number {
  const u24 = (i: number) => ((b[i] ?? 0) << 16) | ((b[i + 1] ?? 0) << 8) | (b[i + 2] ?? 0);
  let o = 4 + (tls13 ? 1 + (b[4] ?? 0) : 0);
  const end = o + 3 + u24(o);
  let n = 0;
  for (o += 3; o + 3 <= end; n++) {
    o += 3 + u24(o);
    if (tls13) o += 2 + (((b[o] ?? 0) << 8) | (b[o + 1] ?? 0));
  }
  return n;
}

/** The facts of one run, in the engine's own order (seq), for checking claims. */
class RunFacts {
  readonly events: TlsEvent[];
  readonly sent: RecordEvent[];
  constructor(readonly view: RunView) {
    this.events = [...view.events].sort((a, b) => a.seq - b.seq);
    const seen = new Set<string>();
    this.sent = this.events.filter((e): e is RecordEvent => {
      if (e.type !== 'record' || e.direction !== 'sent' || seen.has(e.recordId)) return false;
      seen.add(e.recordId);
      return true;
    });
  }
  record(id: string): RecordEvent | undefined {
    return this.sent.find((r) => r.recordId === id);
  }
  handshakes(pred: (h: HandshakeEvent) => boolean): HandshakeEvent[] {
    return this.events.filter((e): e is HandshakeEvent => e.type === 'handshake' && pred(e));
  }
  inRecord(rec: RecordEvent, name: string): HandshakeEvent | undefined {
    return this.handshakes((h) => h.direction === 'sent' && h.side === rec.side && h.recordId === rec.recordId && h.name === name)[0];
  }
  /** The server's ServerHello (not a HelloRetryRequest), as sent. */
  serverHello(): HandshakeEvent | undefined {
    return this.handshakes((h) => h.direction === 'sent' && h.side === 'server' && h.name === 'ServerHello')[0];
  }
  clientHello(): HandshakeEvent | undefined {
    return this.handshakes((h) => h.direction === 'sent' && h.side === 'client' && h.name === 'ClientHello')[0];
  }
  /** Server flights in the engine's record order: flight number of each server record. */
  serverFlights(): Map<string, number> {
    const out = new Map<string, number>();
    let n = 0;
    let prev: Side | undefined;
    for (const r of this.sent) {
      if (r.side === 'server' && prev !== 'server') n++;
      if (r.side === 'server') out.set(r.recordId, n);
      prev = r.side;
    }
    return out;
  }
  fatalSent(): { side: Side; description: string }[] {
    return this.events.flatMap((e) => (e.type === 'alert' && e.direction === 'sent' && e.level === 'fatal' ? [{ side: e.side, description: String(e.description) }] : []));
  }
  handshakeCompleted(): boolean {
    if (this.fatalSent().length > 0) return false;
    const read = (side: Side) => this.handshakes((h) => h.direction === 'received' && h.side === side && h.name === 'Finished').length > 0;
    return read('client') && read('server');
  }
  /** The content of a record as its sender wrote it: the inner plaintext of a sealed one. */
  content(rec: RecordEvent): { type: number; bytes: Uint8Array } {
    if (rec.protected) {
      const p = rec.protected.plaintext;
      // TLS 1.3 (the ServerHello's version; before it, early data under the offered TLS 1.3):
      // content ‖ type ‖ zeros. TLS 1.2: the plaintext as is, its type in the header.
      const sh = this.handshakes((h) => h.direction === 'sent' && h.side === 'server' && h.name === 'ServerHello' && h.seq < rec.seq)[0];
      const ch = this.clientHello();
      const v13 = sh ? serverHelloVersion(sh.bytes) === 'TLS 1.3' : !!ch && clientHelloVersion(ch.bytes) === 'TLS 1.3';
      if (v13) {
        const end = p.length - rec.protected.padding - 1;
        return { type: p[end]!, bytes: p.subarray(0, end) };
      }
      return { type: rec.bytes[0]!, bytes: p };
    }
    return { type: rec.bytes[0]!, bytes: rec.bytes.subarray(5) };
  }
  isSealed(rec: RecordEvent): boolean {
    const p = rec.protected;
    if (!p) return false;
    const tail = rec.bytes.subarray(rec.bytes.length - p.tag.length);
    return p.tag.length > 0 && tail.every((x, i) => x === p.tag[i]) && !rec.bytes.subarray(5).every((x, i) => x === p.plaintext[i]);
  }
  isPlain(rec: RecordEvent): boolean {
    if (rec.protected) return false;
    const first = this.handshakes((h) => h.direction === 'sent' && h.side === rec.side && h.recordId === rec.recordId)[0];
    // A handshake record in the clear starts with its first message's header.
    return !first || rec.bytes.subarray(5, 9).every((x, i) => x === first.bytes[i]);
  }
  /**
   * The version a record belongs to, from the bytes: a ClientHello's highest offered version;
   * after a ServerHello, the one it selects; before, the first ClientHello's.
   */
  versionOf(r: RecordEvent): string | undefined {
    const ch = this.inRecord(r, 'ClientHello');
    if (ch) return clientHelloVersion(ch.bytes);
    if (this.inRecord(r, 'HelloRetryRequest')) return 'TLS 1.3';
    const sh = this.inRecord(r, 'ServerHello') ?? this.handshakes((h) => h.direction === 'sent' && h.side === 'server' && h.name === 'ServerHello' && h.seq < r.seq)[0];
    const first = this.clientHello();
    return sh ? serverHelloVersion(sh.bytes) : first ? clientHelloVersion(first.bytes) : undefined;
  }
  /** Whether event `e` is on screen at step `step`. */
  visibleAt(e: TlsEvent, step: number): boolean {
    return this.view.events.indexOf(e) < visibleCount(this.view, step);
  }
}

/** Checks each claim; returns the ones that do not hold, with why. */
export function checkClaims(view: RunView, claims: readonly Claim[]): string[] {
  const f = new RunFacts(view);
  const problems: string[] = [];
  for (const c of claims) {
    const why = checkOne(f, c);
    if (why) problems.push(`step ${c.step}${c.recordId ? ` (${c.recordId})` : ''}: ${c.kind} ${JSON.stringify(c)} — ${why}`);
  }
  return problems;
}

function checkOne(f: RunFacts, c: Claim): string | null {
  const rec = c.recordId ? f.record(c.recordId) : undefined;
  const need = (): RecordEvent => {
    if (!rec) throw new Error(`claim ${c.kind} names no record`);
    return rec;
  };
  const before = (e: TlsEvent) => !!rec && e.seq < rec.seq;
  switch (c.kind) {
    case 'version': {
      const actual = f.versionOf(need());
      return actual === c.version ? null : `the bytes say ${actual}`;
    }
    case 'certificates': {
      const r = need();
      const cert = f.inRecord(r, 'Certificate');
      if (!cert) return 'the record carries no Certificate';
      const n = certificateCount(cert.bytes, f.versionOf(r) === 'TLS 1.3');
      return n === c.value ? null : `its certificate_list holds ${n}`;
    }
    case 'plaintext':
      return f.isPlain(need()) ? null : `the record is sealed under ${need().protected?.keyName}`;
    case 'encrypted': {
      const r = need();
      if (!f.isSealed(r)) return 'the record travels in the clear';
      return !c.key || r.protected!.keyName.startsWith(c.key) ? null : `sealed under ${r.protected!.keyName}`;
    }
    case 'offers-ticket': {
      const ch = f.inRecord(need(), 'ClientHello');
      return ch && helloExtensions(ch.bytes).has(EXT.pre_shared_key) ? null : 'the ClientHello has no pre_shared_key extension';
    }
    case 'after-retry':
      return f.handshakes((h) => h.name === 'HelloRetryRequest' && h.direction === 'sent' && before(h)).length > 0 ? null : 'no HelloRetryRequest came first';
    case 'resumed': {
      const sh = f.inRecord(need(), 'ServerHello');
      if (!sh || !helloExtensions(sh.bytes).has(EXT.pre_shared_key)) return 'the ServerHello selects no pre_shared_key';
      return f.handshakes((h) => h.side === 'server' && h.direction === 'sent' && h.name === 'Certificate').length === 0 ? null : 'the server sent a Certificate';
    }
    case 'handshake-encrypted-after': {
      const r = need();
      const clear = f.sent.filter((x) => x.seq > r.seq && !x.protected && f.handshakes((h) => h.direction === 'sent' && h.recordId === x.recordId && h.side === x.side).length > 0);
      return clear.length === 0 ? null : `handshake records in the clear after it: ${clear.map((x) => x.recordId).join(', ')}`;
    }
    case 'changed-in-transit': {
      const r = need();
      const got = f.events.find((e): e is RecordEvent => e.type === 'record' && e.direction === 'received' && e.recordId === r.recordId);
      const same = !!got && got.bytes.length === r.bytes.length && got.bytes.every((x, i) => x === r.bytes[i]);
      return got && !same ? null : got ? 'the receiver got the bytes that were sent' : 'the record never arrived';
    }
    case 'next-encrypted': {
      const r = need();
      const next = f.sent.find((x) => x.side === r.side && x.seq > r.seq);
      if (next && !f.isSealed(next)) return `${next.recordId} is in the clear`;
      return !next || !c.key || next.protected!.keyName.startsWith(c.key) ? null : `${next.recordId} is sealed under ${next.protected!.keyName}`;
    }
    case 'retry-group': {
      const hrr = f.inRecord(need(), 'HelloRetryRequest');
      const ch = f.clientHello();
      const wanted = hrr && helloExtensions(hrr.bytes).get(EXT.key_share);
      const shares = ch && helloExtensions(ch.bytes).get(EXT.key_share);
      if (!wanted || wanted.length !== 2 || !shares) return 'no selected_group in the HelloRetryRequest';
      const group = (wanted[0]! << 8) | wanted[1]!;
      const offered: number[] = [];
      for (let o = 2; o + 4 <= shares.length; o += 4 + ((shares[o + 2]! << 8) | shares[o + 3]!)) offered.push((shares[o]! << 8) | shares[o + 1]!);
      return offered.includes(group) ? `the ClientHello already had a key share for group 0x${group.toString(16)}` : null;
    }
    case 'completed':
      return f.handshakeCompleted() === c.value ? null : `the handshake ${c.value ? 'did not complete' : 'completed'}`;
    case 'last-of-flight': {
      const r = need();
      const next = f.sent.find((x) => x.seq > r.seq);
      return !next || next.side !== r.side ? null : `${r.side} sends ${next.recordId} next`;
    }
    case 'alert': {
      const r = f.record(c.recordId ?? '');
      if (!r) return 'no such record';
      if (r.side !== c.side) return `the record is the ${r.side}'s`;
      const { type, bytes } = f.content(r);
      if (type !== 21) return `the record carries content type ${type}, not an alert`;
      const sent = f.events.filter((e) => e.type === 'alert' && e.direction === 'sent' && e.side === c.side && String(e.description) === c.description);
      return sent.some((e) => e.type === 'alert' && e.code === bytes[1]) ? null : `the record's alert code is ${bytes[1]}`;
    }
    case 'fatal':
      return f.content(need()).bytes[0] === 2 ? null : 'the alert is not fatal';
    case 'no-data-before':
      return f.events.some((e) => e.type === 'appdata' && e.direction === 'received' && before(e)) ? 'application data was delivered before it' : null;
    case 'key-exchange': {
      const sh = f.serverHello();
      const kx = sh && (TLS_RSA_SUITES.has(serverHelloSuite(sh.bytes)) ? 'RSA' : 'ECDHE');
      return kx === c.value ? null : `the ServerHello's suite uses ${kx}`;
    }
    case 'early-data': {
      const ch = f.clientHello();
      if (!ch || !helloExtensions(ch.bytes).has(EXT.early_data)) return 'the ClientHello offers no early_data';
      if (c.value === 'sent') return f.sent.some((r) => r.side === 'client' && r.protected?.keyName === 'client_early_traffic_secret') ? null : 'no record under the early key';
      const got = f.handshakes((h) => h.side === 'client' && h.direction === 'received' && f.visibleAt(h, c.step));
      const hrr = got.some((h) => h.name === 'HelloRetryRequest');
      const sh = got.find((h) => h.name === 'ServerHello');
      const ee = got.find((h) => h.name === 'EncryptedExtensions');
      const accepted = !hrr && !!ee && helloExtensions(ee.bytes).has(EXT.early_data);
      const rejected = hrr || (!!sh && serverHelloVersion(sh.bytes) !== 'TLS 1.3') || (!!ee && !helloExtensions(ee.bytes).has(EXT.early_data));
      if (c.value === 'accepted') return accepted ? null : 'the client has not (yet) read an EncryptedExtensions with early_data';
      return rejected ? null : 'nothing the client has read so far rejects the early data';
    }
    case 'handshake-complete': {
      const r = need();
      const mine = f.handshakes((h) => h.side === r.side && h.name === 'Finished' && before(h));
      const done = mine.some((h) => h.direction === 'sent') && mine.some((h) => h.direction === 'received');
      return done === c.value ? null : `the ${r.side} had ${done ? '' : 'not '}finished the handshake`;
    }
    case 'handshake-rtts': {
      if (!f.handshakeCompleted()) return 'the handshake did not complete';
      const fin = f.handshakes((h) => h.side === 'server' && h.direction === 'sent' && h.name === 'Finished')[0];
      const n = fin ? f.serverFlights().get(fin.recordId) : undefined;
      return n === c.value ? null : `the server's Finished is in its flight ${n}`;
    }
    case 'flight-rtt': {
      const flights = f.serverFlights();
      const n = flights.get(c.recordId ?? '');
      if (n !== c.value) return `the record is in server flight ${n}`;
      const fin = f.handshakes((h) => h.side === 'server' && h.direction === 'sent' && h.name === 'Finished')[0];
      const last = fin ? flights.get(fin.recordId) : undefined;
      return last === undefined || n <= last ? null : `the handshake ended in server flight ${last}`;
    }
    case 'negotiated-version': {
      const sh = f.serverHello();
      const hrr = f.handshakes((h) => h.direction === 'sent' && h.side === 'server' && h.name === 'HelloRetryRequest')[0];
      // A HelloRetryRequest selects its version too (supported_versions, RFC 8446 §4.1.4).
      const v = sh ? serverHelloVersion(sh.bytes) : hrr ? serverHelloVersion(hrr.bytes) : undefined;
      return v === c.version ? null : `the ServerHello selects ${v}`;
    }
    case 'first-sealed':
    case 'last-public-key':
    case 'client-auth':
      return checkTurningPoint(f, c, need());
    case 'outcome': {
      const alerts = f.fatalSent();
      const key = (xs: { side: Side; description: string }[]) =>
        xs
          .map((a) => `${a.side}:${a.description}`)
          .sort()
          .join(',');
      if (key(alerts) !== key(c.alerts)) return `the alerts sent were ${key(alerts) || 'none'}`;
      if (!c.ok) return alerts.length > 0 || !f.handshakeCompleted() ? null : 'the run shows no failure';
      const closed = (side: Side) => f.events.some((e) => e.type === 'alert' && e.direction === 'sent' && e.side === side && e.description === 'close_notify');
      const answered = f.events.some((e) => e.type === 'appdata' && e.direction === 'received' && e.side === 'client');
      return f.handshakeCompleted() && closed('client') && closed('server') && answered ? null : 'the run did not complete, answer and close';
    }
  }
}

/** The claims of milestones.ts: the first sealed record, the last public-key operation, one-way or mutual. */
function checkTurningPoint(f: RunFacts, c: Extract<Claim, { kind: 'first-sealed' | 'last-public-key' | 'client-auth' }>, r: RecordEvent): string | null {
  switch (c.kind) {
    case 'first-sealed': {
      if (!f.isSealed(r)) return 'the record travels in the clear';
      const earlier = f.sent.find((x) => x.side === r.side && x.seq < r.seq && f.isSealed(x));
      return earlier ? `the ${r.side} sealed ${earlier.recordId} before it` : null;
    }
    case 'last-public-key': {
      const pk = (x: RecordEvent) => f.handshakes((h) => h.direction === 'sent' && h.side === x.side && h.recordId === x.recordId).some((h) => publicKeyMessage(h.bytes));
      if (!pk(r)) return 'the record carries no key exchange, certificate or signature';
      const later = f.sent.find((x) => x.seq > r.seq && pk(x));
      return later ? `${later.recordId} carries one after it` : null;
    }
    case 'client-auth': {
      const types = (x: RecordEvent) => f.handshakes((h) => h.direction === 'sent' && h.side === x.side && h.recordId === x.recordId).map((h) => h.bytes[0]);
      const requests = f.handshakes((h) => h.direction === 'sent' && h.side === 'server' && h.bytes[0] === 13);
      if (c.value === 'mutual') return r.side === 'server' && types(r).includes(13) ? null : 'the record carries no CertificateRequest';
      if (requests.length > 0) return `the server sent a CertificateRequest (${requests[0]!.recordId})`;
      // The end of the server's handshake flight: ServerHelloDone (14) or Finished (20).
      return r.side === 'server' && types(r).some((t) => t === 14 || t === 20) ? null : 'the record does not end the server’s handshake flight';
    }
  }
}
