/**
 * A passive TLS observer: the two byte streams of a captured connection (and, when there is
 * one, the NSS key log) become the same events our endpoints emit — every record with its
 * ByteSpans, each handshake message of either version decoded by the wire codecs
 * (msgs/), alerts, application data, the peer's certificate chain verified like our client
 * would, and with the key log the records decrypted, the keys derived, and each Finished
 * checked against the transcript.
 *
 * The sender of a record reports it `sent`, the receiver `received` (the same record id), so
 * every panel that reads a run reads a capture. Times are the packet timestamps: `t` is
 * milliseconds since the connection's first packet. An observer never sends alerts: what a
 * peer did wrong is a note, and decoding goes on.
 */
import { shiftSpans, type ByteSpan } from '../codec/bytespan';
import { Reader } from '../codec/reader';
import { concatBytes, equalBytes, toHex } from '../codec/hex';
import { alertName } from '../errors';
import type { AppDataPhase, DerivationInput, Side, TlsEvent, TlsEventBody, TlsVersionName } from '../events';
import { hash as hashBytes, type HashName } from '../crypto/hash';
import { suite13ByCode, TLS13_SUITES, type Suite13 } from '../crypto/tls13-suites';
import { KeySchedule, type SecretReport } from '../crypto/tls13-key-schedule';
import { CIPHER_SUITES, CONTENT_TYPES, ContentType, GROUPS, HANDSHAKE_TYPES, HandshakeType, nameOf, VERSIONS } from '../msgs/enums';
import { findExt } from '../msgs/extensions';
import { decodeHandshake, type HandshakeFrame, type HandshakeMessage } from '../msgs/handshake';
import { RECORD_HEADER_LEN, recordHeaderSpans } from '../msgs/record';
import { contentSpans, fragmentSpans } from '../record/content-spans';
import { Protection13, type OpenedRecord } from '../record/tls13';
import { citeTls12Hello, decodeHandshake12, type Tls12Message } from '../msgs/handshake12';
import { deriveKeyBlock, finishedVerifyData } from '../crypto/tls12-key-schedule';
import { digest } from '../crypto/prf';
import { Tls12RecordProtection } from '../record/tls12';
import { tls12SuiteByCode, type Tls12Suite } from '../crypto/tls12-suites';
import { verifyChain, type TrustStore } from '../pki/verify';
import type { ParsedKeyLog } from '../keylog';
import { parseCertificate } from '../pki/parse';
import type { PublicKey } from '../crypto/keys';
import { schemeMatchesKey, signatureSchemeFromCode, verify, verifyTls12 } from '../crypto/signature';
import { certificateVerifyContent } from '../handshake/tls13';
import { serverKeyExchangeSignedContent } from '../msgs/tls12';
import { SIGNATURE_SCHEMES } from '../msgs/enums';
import type { ByteStream } from './tcp';

type Dir = 'c2s' | 's2c';
const SENDER: Record<Dir, Side> = { c2s: 'client', s2c: 'server' };
const RECEIVER: Record<Dir, Side> = { c2s: 'server', s2c: 'client' };
/** TLSCiphertext.length limit of TLS 1.2 (RFC 5246 §6.2.3), the larger of the two versions'. */
const MAX_RECORD = (1 << 14) + 2048;

/** How to get a key log, said where records cannot be decrypted. */
export const KEY_LOG_HINT =
  'To see inside, capture again with a key log: start curl, Firefox or Chrome with the environment variable SSLKEYLOGFILE=/path/keys.log ' +
  '(openssl s_client/s_server: -keylogfile FILE; Node: the "keylog" event), then open the capture together with that file.';

export interface ObserveOptions {
  /** Secrets from the key log file and/or the capture's Decryption Secrets Blocks. */
  keyLog?: ParsedKeyLog;
  /** Whether the user gave a key log at all (changes how a missing key is worded). */
  keyLogGiven?: boolean;
  /** Trust anchors for the certificate report (Mozilla's roots, or the user's). */
  trust?: TrustStore | Uint8Array[];
  /** Name of the trust store, for the report ("Mozilla roots", "2 roots from roots.pem"). */
  trustName?: string;
  /** Skip crypto and certificate checks (a quick pass to list connections). */
  listOnly?: boolean;
}

/** What one TLS connection of a capture is, for a picker or a list. */
export interface ObservedConnection {
  /** 1-based, in the order the connections started. */
  index: number;
  client: string;
  server: string;
  serverName?: string;
  version?: string;
  cipherSuite?: string;
  /** ISO time of the first packet. */
  start: string;
  startMs: number;
  records: number;
  /** decrypted: every protected record opened; partly: some did; no-matching-keys: the key log has none for it; no-key-log; plaintext: nothing was encrypted; unsupported: a suite or version TLS Lab does not decrypt (CBC, TLS 1.0/1.1). */
  decryption: 'decrypted' | 'partly' | 'no-matching-keys' | 'no-key-log' | 'plaintext' | 'unsupported';
  /** What was odd about this connection, in words. */
  problems: string[];
}

interface RawRecord {
  dir: Dir;
  n: number;
  bytes: Uint8Array;
  time: number;
  packet: number;
}

/** Whether a byte stream starts like TLS: a record header of a known content type and a sane length. */
export function startsLikeTls(b: Uint8Array): 'client-hello' | 'server-hello' | 'records' | null {
  if (b.length < 6) return null;
  if (!plausibleHeader(b, 0)) return null;
  if (b[0] === ContentType.handshake && b[5] === HandshakeType.client_hello) return 'client-hello';
  if (b[0] === ContentType.handshake && b[5] === HandshakeType.server_hello) return 'server-hello';
  // A capture that started mid-connection: ask for two records in a row (or one filling the stream).
  const len = (b[3]! << 8) | b[4]!;
  const next = 5 + len;
  if (next === b.length || plausibleHeader(b, next)) return 'records';
  return null;
}

function plausibleHeader(b: Uint8Array, o: number): boolean {
  if (b.length < o + 5) return false;
  const type = b[o]!;
  const len = (b[o + 3]! << 8) | b[o + 4]!;
  return type >= 20 && type <= 24 && b[o + 1] === 3 && b[o + 2]! <= 4 && len <= MAX_RECORD && len > 0;
}

/** Cuts a byte stream into records; each gets the time of the packet that carried its last byte. */
function splitRecords(dir: Dir, s: ByteStream, problems: string[]): RawRecord[] {
  const out: RawRecord[] = [];
  const who = dir === 'c2s' ? 'client' : 'server';
  let o = 0;
  let d = 0;
  while (o + RECORD_HEADER_LEN <= s.bytes.length) {
    if (!plausibleHeader(s.bytes, o)) {
      problems.push(`From byte ${o} of what the ${who} sent, the data is not TLS records (it starts ${toHex(s.bytes.subarray(o, o + 5))}); the rest of that direction is not shown.`);
      return out;
    }
    const end = o + RECORD_HEADER_LEN + ((s.bytes[o + 3]! << 8) | s.bytes[o + 4]!);
    if (end > s.bytes.length) break;
    while (d < s.deliveries.length - 1 && s.deliveries[d]!.end < end) d++;
    const del = s.deliveries[d]!;
    out.push({ dir, n: out.length, bytes: s.bytes.subarray(o, end), time: del.time, packet: del.packet });
    o = end;
  }
  if (s.gap) problems.push(`${s.gap.missing} bytes the ${who} sent are missing from the capture (after byte ${s.gap.at}): a packet was not captured, so the records after it are not shown.`);
  else if (o < s.bytes.length) problems.push(`The ${who}'s last record is incomplete: ${s.bytes.length - o} bytes of it were captured (the capture stopped, or the connection broke).`);
  return out;
}

/** A decoded handshake message as the observer reports it. */
interface Decoded {
  name: string;
  bytes: Uint8Array;
  spans: ByteSpan[];
  summary: Record<string, string>;
  m13?: HandshakeMessage;
  m12?: Tls12Message;
  /** Why the body could not be decoded (framing only then). */
  error?: string;
}

type Version = TlsVersionName | 'older';

/** The TLS 1.2 NewSessionTicket (RFC 5077 §3.3): uint32 ticket_lifetime_hint; opaque ticket<0..2^16-1>. */
function decodeTicket12(frame: HandshakeFrame): Decoded {
  const r = new Reader(frame.bytes);
  r.u8('msg_type', (v) => `NewSessionTicket (${v})`);
  const body = r.vector24('NewSessionTicket', { rfc: 'RFC 5077 §3.3', value: 'NewSessionTicket' });
  const lt = r.bytesN(4, 'ticket_lifetime_hint');
  const lifetime = ((lt[0]! << 24) >>> 0) + (lt[1]! << 16) + (lt[2]! << 8) + lt[3]!;
  r.spans[r.spans.length - 1] = { ...r.spans[r.spans.length - 1]!, value: `${lifetime} s` };
  const ticket = r.opaque(2, 'ticket');
  body();
  r.expectEnd('NewSessionTicket');
  return { name: 'NewSessionTicket', bytes: frame.bytes, spans: r.spans, summary: { ticket_lifetime_hint: String(lifetime), ticket: `${ticket.length} bytes` } };
}

/** The secrets a key log line gives, by the names the key schedule uses. */
const TLS13_KEYLOG: Record<string, { name: string; stage: string }> = {
  CLIENT_EARLY_TRAFFIC_SECRET: { name: 'client_early_traffic_secret', stage: 'early' },
  CLIENT_HANDSHAKE_TRAFFIC_SECRET: { name: 'client_handshake_traffic_secret', stage: 'handshake' },
  SERVER_HANDSHAKE_TRAFFIC_SECRET: { name: 'server_handshake_traffic_secret', stage: 'handshake' },
  CLIENT_TRAFFIC_SECRET_0: { name: 'client_application_traffic_secret_0', stage: 'master' },
  SERVER_TRAFFIC_SECRET_0: { name: 'server_application_traffic_secret_0', stage: 'master' },
  EXPORTER_SECRET: { name: 'exporter_master_secret', stage: 'master' },
};

class Observer {
  readonly events: TlsEvent[] = [];
  /** Where emitted events go: the log, or a message's deferred list (reported after the record). */
  private target: TlsEvent[] = this.events;
  private now: number;
  private version: Version | undefined;
  /** The version's name when it is before TLS 1.2 ("TLS 1.0"). */
  private olderName = '';
  private suiteCode: number | undefined;
  private suite13: Suite13 | undefined;
  private suite12: Tls12Suite | undefined;
  private clientRandom: Uint8Array | undefined;
  private serverRandom: Uint8Array | undefined;
  private clientSessionId: Uint8Array | undefined;
  private secrets: Map<string, Uint8Array> | undefined;
  private readonly hs: Record<Dir, { buf: Uint8Array; first: string }> = { c2s: { buf: new Uint8Array(0), first: '' }, s2c: { buf: new Uint8Array(0), first: '' } };
  /** Handshake messages of the transcript (RFC 8446 §4.4.1; RFC 5246 §7.4.9's handshake_messages). */
  private transcript: Uint8Array[] = [];
  private readonly finished: Record<Dir, boolean> = { c2s: false, s2c: false };
  /** TLS 1.3: the keys a direction may be under next, in order (trial decryption picks; earlier ones are dropped). */
  private readonly candidates: Record<Dir, Protection13[]> = { c2s: [], s2c: [] };
  private readonly appSecret: Partial<Record<Dir, { value: Uint8Array; n: number }>> = {};
  /** TLS 1.2: keys waiting for the direction's ChangeCipherSpec, and the keys in use after it. */
  private readonly pending12: Partial<Record<Dir, Tls12RecordProtection>> = {};
  private readonly read12: Partial<Record<Dir, Tls12RecordProtection>> = {};
  private readonly ccs: Record<Dir, boolean> = { c2s: false, s2c: false };
  private offeredEarly = false;
  private serverName: string | undefined;
  private kx: 'RSA' | 'ECDHE' | undefined;
  private masterSecret12: Uint8Array | undefined;
  private opened = 0;
  private unopened = 0;
  private readonly noted = new Set<string>();
  private clientHelloAt: number | undefined;
  /** The public key of each side's leaf certificate (for its CertificateVerify / ServerKeyExchange). */
  private readonly leafKey: Partial<Record<Dir, PublicKey>> = {};
  readonly problems: string[] = [];
  records = 0;

  constructor(
    private readonly t0: number,
    private readonly opts: ObserveOptions,
  ) {
    this.now = t0;
  }

  // ---- events --------------------------------------------------------------------------------

  private emit(side: Side, body: DistributiveOmit<TlsEventBody, 'side'>): void {
    // `seq` is set once the whole connection is observed (events are reordered per record).
    this.target.push({ ...body, side, seq: 0, t: this.now - this.t0 } as TlsEvent);
  }

  private note(side: Side, text: string, rfc?: string, recordId?: string): void {
    this.emit(side, { type: 'note', text, ...(rfc ? { rfc } : {}), ...(recordId ? { recordId } : {}) });
  }

  private noteOnce(key: string, side: Side, text: string, rfc?: string, recordId?: string): void {
    if (this.noted.has(key)) return;
    this.noted.add(key);
    this.note(side, text, rfc, recordId);
  }

  /** A key schedule whose derivations become the client's `secret` events. */
  private schedule(h: HashName): KeySchedule {
    return new KeySchedule(h, (s: SecretReport) => this.emit('client', { type: 'secret', ...s }));
  }

  private keyLogSecret(label: string, name: string, stage: string, value: Uint8Array, rfc: string): void {
    this.emit('client', {
      type: 'secret',
      name,
      value,
      formula: `from the key log: ${label} <client_random> <secret> (not computed here: no key exchange was observed with private keys)`,
      inputs: [
        { name: 'source', value: 'NSS key log (SSLKEYLOGFILE format)' },
        { name: 'key log label', value: label },
        { name: 'client_random', value: this.clientRandom ?? new Uint8Array(0) },
      ] satisfies DerivationInput[],
      rfc,
      stage,
    });
  }

  // ---- records -------------------------------------------------------------------------------

  handle(r: RawRecord): void {
    this.now = r.time;
    this.records++;
    // A flight: the records one side sends before the other's next one (flight 1 holds the ClientHello).
    if (r.dir !== this.lastDir) {
      this.flight++;
      this.lastDir = r.dir;
    }
    const S = SENDER[r.dir];
    const R = RECEIVER[r.dir];
    const recordId = `${r.dir}:${r.n}`;
    const type = r.bytes[0]!;
    const fragment = r.bytes.subarray(RECORD_HEADER_LEN);
    const sentRecord = (spans: ByteSpan[], messages: string[], info?: OpenedRecord['info']) =>
      ({ type: 'record', recordId, contentType: nameOf(CONTENT_TYPES, type, 2), bytes: r.bytes, spans, messages, ...(info ? { protected: info } : {}) }) as const;

    if (type === ContentType.change_cipher_spec) {
      const rec = sentRecord(this.plainSpans(r.bytes, type, fragment, r.dir), []);
      this.emit(S, { ...rec, direction: 'sent' });
      this.emit(R, { ...rec, direction: 'received' });
      this.ccs[r.dir] = true;
      if (this.version === 'TLS 1.2' || this.version === 'older') {
        const p = this.pending12[r.dir];
        if (p) this.read12[r.dir] = p;
      } else if (this.version === 'TLS 1.3' || this.offeredEarly) {
        this.noteOnce(`ccs-${r.dir}`, R, `The ${S}'s change_cipher_spec carries no meaning in TLS 1.3: it is sent for middlebox compatibility and ignored.`, 'RFC 8446 §D.4', recordId);
      }
      return;
    }

    let innerType = type;
    let content: Uint8Array = fragment;
    let spans: ByteSpan[];
    let info: OpenedRecord['info'] | undefined;
    const prefix = this.hs[r.dir].buf;
    if (this.isProtected(r.dir, type)) {
      const opened = this.open(r.dir, r.bytes, prefix);
      if (!opened) {
        this.unopened++;
        const rec = { ...sentRecord(recordHeaderSpans(r.bytes, 'encrypted_record'), []), undecrypted: this.whyEncrypted() };
        this.emit(S, { ...rec, direction: 'sent' });
        this.emit(R, { ...rec, direction: 'received' });
        this.explainEncrypted(r.dir, recordId);
        return;
      }
      this.opened++;
      innerType = opened.contentType;
      content = opened.content;
      spans = opened.spans;
      info = opened.info;
    } else {
      spans = this.plainSpans(r.bytes, type, fragment, r.dir);
    }

    // What the record carries, before the sender reports it.
    const messages: string[] = [];
    const decoded: { d: Decoded; first: string; after: TlsEvent[] }[] = [];
    let alert: { level: 'warning' | 'fatal'; code: number } | undefined;
    if (innerType === ContentType.handshake) {
      const inner = fragmentSpans(ContentType.handshake, content, prefix, this.version === 'older' ? 'TLS 1.2' : this.version);
      for (const s of inner) if (s.depth === 0 && (s.label === 'Handshake' || s.label === 'Handshake (fragment)')) messages.push(s.value ?? 'Handshake');
      const h = this.hs[r.dir];
      if (h.buf.length === 0) h.first = recordId;
      h.buf = concatBytes(h.buf, content);
      while (h.buf.length >= 4) {
        const len = (h.buf[1]! << 16) | (h.buf[2]! << 8) | h.buf[3]!;
        if (h.buf.length < 4 + len) break;
        const bytes = h.buf.slice(0, 4 + len);
        h.buf = h.buf.slice(4 + len);
        const frame: HandshakeFrame = { msgType: bytes[0]!, bytes, body: bytes.subarray(4) };
        const d = this.decode(frame);
        // What the receiver makes of the message is reported after it has the record; it is
        // worked out now, as the next message of the record may depend on it (the version).
        const after: TlsEvent[] = [];
        this.target = after;
        try {
          if (d.error) this.note(R, `The ${S}'s ${d.name} could not be decoded: ${d.error}. Its bytes are shown as they are.`, undefined, h.first);
          this.onMessage(r.dir, d, frame, h.first);
        } finally {
          this.target = this.events;
        }
        decoded.push({ d, first: h.first, after });
        h.first = recordId;
      }
    } else if (innerType === ContentType.alert && content.length === 2) {
      alert = { level: content[0] === 1 ? 'warning' : 'fatal', code: content[1]! };
    }

    for (const { d, first } of decoded) this.emit(S, { type: 'handshake', direction: 'sent', name: d.name, bytes: d.bytes, spans: d.spans, recordId: first, summary: d.summary });
    if (alert) this.emit(S, { type: 'alert', direction: 'sent', level: alert.level, description: alertName(alert.code), code: alert.code });
    const rec = sentRecord(spans, messages, info);
    this.emit(S, { ...rec, direction: 'sent' });
    const data = innerType === ContentType.application_data ? { data: content, recordId, ...this.dataTiming(r.dir, info?.keyName) } : undefined;
    if (data) this.emit(S, { type: 'appdata', direction: 'sent', ...data });
    this.emit(R, { ...rec, direction: 'received' });

    for (const { d, first, after } of decoded) {
      this.emit(R, { type: 'handshake', direction: 'received', name: d.name, bytes: d.bytes, spans: d.spans, recordId: first, summary: d.summary });
      this.events.push(...after);
    }
    if (alert) {
      this.emit(R, { type: 'alert', direction: 'received', level: alert.level, description: alertName(alert.code), code: alert.code });
    } else if (innerType === ContentType.alert) {
      this.note(R, `An alert of ${content.length} bytes (an alert is 2 bytes: level and description).`, 'RFC 8446 §6', recordId);
    }
    if (data) this.emit(R, { type: 'appdata', direction: 'received', ...data });
  }

  private plainSpans(record: Uint8Array, type: number, fragment: Uint8Array, dir: Dir): ByteSpan[] {
    const spans = recordHeaderSpans(record, 'fragment');
    const version = this.version === 'older' ? 'TLS 1.2' : this.version;
    spans.push(...shiftSpans(fragmentSpans(type, fragment, this.hs[dir].buf, version), RECORD_HEADER_LEN, 1));
    return spans;
  }

  /** Whether a record of this outer type is protected now (RFC 8446 §5.2; RFC 5246 §6.2.3 after ChangeCipherSpec). */
  private isProtected(dir: Dir, type: number): boolean {
    if (this.version === 'TLS 1.2' || this.version === 'older') return this.ccs[dir];
    if (type !== ContentType.application_data) return false;
    // TLS 1.3: application_data after the ServerHello, or the client's 0-RTT data before it.
    return this.version === 'TLS 1.3' || (dir === 'c2s' && this.offeredEarly);
  }

  private open(dir: Dir, record: Uint8Array, prefix: Uint8Array): OpenedRecord | undefined {
    if (this.version === 'TLS 1.2' || this.version === 'older') {
      const p = this.read12[dir];
      if (!p) return undefined;
      try {
        const o = p.open(record);
        if (o.contentType === ContentType.handshake && prefix.length > 0) o.info.plaintextSpans = fragmentSpans(o.contentType, o.content, prefix, 'TLS 1.2');
        return o;
      } catch {
        return undefined;
      }
    }
    const list = this.candidates[dir];
    for (let i = 0; i < list.length; i++) {
      try {
        const o = list[i]!.open(record, prefix.length > 0 ? prefix : undefined);
        // The keys before this one are done with (RFC 8446 §5.1: keys change at record boundaries).
        list.splice(0, i);
        return o;
      } catch {
        /* not under this key: try the next */
      }
    }
    return undefined;
  }

  private flight = 0;
  private lastDir: Dir | undefined;

  /** When application data travels (RFC 8446 §2.3), as a run's appdata events say it. */
  private dataTiming(dir: Dir, keyName: string | undefined): { phase?: AppDataPhase; flight: number } {
    // 0-RTT data arrives before the ServerHello says which version this is.
    if (keyName === 'client_early_traffic_secret') return { phase: 'early', flight: this.flight };
    if (this.version !== 'TLS 1.3') return { flight: this.flight };
    const phase: AppDataPhase = dir === 's2c' && !this.finished.c2s ? 'half-rtt' : 'application';
    return { phase, flight: this.flight };
  }

  /** Why a protected record stays closed, in one sentence. */
  private whyEncrypted(): string {
    if (!this.opts.keyLogGiven && !this.secrets) return 'Encrypted: there is no key log for this capture, so what this record carries (handshake, data or an alert) is not known.';
    if (!this.secrets) return 'Encrypted: the key log has no secrets for this connection, so what this record carries is not known.';
    if (this.version === 'TLS 1.2' && !this.suite12) return `Encrypted with ${nameOf(CIPHER_SUITES, this.suiteCode ?? 0)}, a suite TLS Lab does not decrypt yet (CBC suites are shown as ciphertext).`;
    return 'Encrypted: it does not open with the keys from the key log (a secret is missing or belongs to another connection).';
  }

  private explainEncrypted(dir: Dir, recordId: string): void {
    const R = RECEIVER[dir];
    if (!this.opts.keyLogGiven && !this.secrets) {
      this.noteOnce('encrypted', R, `This record is encrypted and there is no key log for this connection, so what it carries is not shown. ${KEY_LOG_HINT}`, undefined, recordId);
    } else if (!this.secrets) {
      this.noteOnce('encrypted', R, `This record is encrypted, and the key log has no secrets for this connection (client random ${this.clientRandom ? toHex(this.clientRandom) : 'unknown: no ClientHello captured'}).`, undefined, recordId);
    } else if (this.version === 'TLS 1.2' && !this.suite12) {
      this.noteOnce(
        'encrypted',
        R,
        `This record is encrypted with ${nameOf(CIPHER_SUITES, this.suiteCode ?? 0)}, which TLS Lab cannot decrypt yet (it decrypts the AES-GCM and ChaCha20-Poly1305 suites; CBC suites are shown as ciphertext).`,
        undefined,
        recordId,
      );
    } else {
      this.noteOnce(`encrypted-${dir}`, R, `This record does not decrypt with the keys from the key log (a secret is missing or belongs to another connection).`, undefined, recordId);
    }
  }

  // ---- handshake messages --------------------------------------------------------------------

  private decode(frame: HandshakeFrame): Decoded {
    try {
      if (frame.msgType === HandshakeType.new_session_ticket && this.version !== 'TLS 1.3') return decodeTicket12(frame);
      if (this.version === 'TLS 1.2' || this.version === 'older') {
        const d = decodeHandshake12(frame, this.kx);
        return { name: d.name, bytes: d.bytes, spans: d.spans, summary: d.summary, m12: d.msg };
      }
      const d = decodeHandshake(frame);
      return { name: d.name, bytes: d.bytes, spans: d.spans, summary: d.summary ?? {}, m13: d.msg };
    } catch (err) {
      const name = HANDSHAKE_TYPES[frame.msgType] ?? `unknown(${frame.msgType})`;
      return { name, bytes: frame.bytes, spans: contentSpans(ContentType.handshake, frame.bytes), summary: {}, error: err instanceof Error ? err.message : String(err) };
    }
  }

  private hashName(): HashName | undefined {
    return this.suite13?.hash ?? (this.suite12 ? (this.suite12.hash === 'sha384' ? 'SHA-384' : 'SHA-256') : undefined);
  }

  private onMessage(dir: Dir, d: Decoded, frame: HandshakeFrame, recordId: string): void {
    const S = SENDER[dir];
    const R = RECEIVER[dir];
    const postHandshake = this.finished[dir] || (this.version === 'TLS 1.3' && (frame.msgType === HandshakeType.new_session_ticket || frame.msgType === HandshakeType.key_update));
    const before = this.transcript.slice();
    if (!postHandshake && frame.msgType !== 0) this.transcript.push(frame.bytes);
    const m = d.m13 ?? d.m12;
    if (!m) return;
    switch (m.type) {
      case 'ClientHello': {
        if (this.clientRandom) return; // the second ClientHello after a HelloRetryRequest keeps the random
        this.clientRandom = m.random;
        this.clientSessionId = m.legacySessionId;
        this.clientHelloAt = this.now;
        this.serverName = findExt(m.extensions, 'server_name')?.hostNames[0];
        this.offeredEarly = findExt(m.extensions, 'early_data') !== undefined;
        this.secrets = this.opts.keyLog?.byClientRandom.get(toHex(m.random));
        if (this.opts.keyLogGiven && !this.secrets && !this.opts.listOnly)
          this.note(R, `The key log has no secrets for this connection (client random ${toHex(m.random)}): its encrypted records stay encrypted.`);
        if (this.offeredEarly) this.earlyKeys();
        return;
      }
      case 'HelloRetryRequest': {
        this.version = 'TLS 1.3';
        this.setSuite(m.cipherSuite);
        const h = this.hashName();
        if (h) {
          // RFC 8446 §4.4.1: ClientHello1 is replaced by message_hash in the transcript.
          const ch1 = hashBytes(h, concatBytes(...before));
          this.transcript = [concatBytes(new Uint8Array([HandshakeType.message_hash, 0, 0, ch1.length]), ch1), frame.bytes];
        }
        const group = findExt(m.extensions, 'key_share_hrr')?.selectedGroup;
        for (const side of ['client', 'server'] as const)
          this.emit(side, { type: 'negotiated', version: 'TLS 1.3', cipherSuite: nameOf(CIPHER_SUITES, m.cipherSuite), helloRetry: true, ...(group !== undefined ? { group: nameOf(GROUPS, group) } : {}) });
        return;
      }
      case 'ServerHello':
        this.onServerHello(m, recordId);
        return;
      case 'EncryptedExtensions': {
        const alpn = findExt(m.extensions, 'alpn')?.protocols[0];
        const early = this.offeredEarly ? (findExt(m.extensions, 'early_data') ? 'accepted' : 'rejected') : undefined;
        if (alpn || early) for (const side of ['client', 'server'] as const) this.emit(side, { type: 'negotiated', ...(alpn ? { alpn } : {}), ...(early ? { earlyData: early } : {}) });
        return;
      }
      case 'CertificateRequest':
        for (const side of ['client', 'server'] as const) this.emit(side, { type: 'negotiated', clientAuth: 'requested' });
        return;
      case 'Certificate': {
        const chain = 'entries' in m ? m.entries.map((e) => e.certData) : m.chain;
        this.verifyCertificate(dir, chain);
        try {
          const key = chain[0] ? parseCertificate(chain[0]).publicKey : undefined;
          if (key) this.leafKey[dir] = key;
        } catch {
          /* the certificate report says what is wrong with it */
        }
        return;
      }
      case 'CertificateVerify':
        if (postHandshake) {
          this.note(R, `The ${S}'s CertificateVerify comes after the handshake (post-handshake authentication, RFC 8446 §4.6.2); TLS Lab does not check post-handshake signatures yet.`, 'RFC 8446 §4.6.2', recordId);
          return;
        }
        if ('scheme' in m) this.checkSignature(dir, m.scheme, m.signature, () => certificateVerifyContent(`TLS 1.3, ${S} CertificateVerify`, hashBytes(this.suite13!.hash, concatBytes(...before))), 'RFC 8446 §4.4.3', recordId);
        else this.checkSignature(dir, m.signed.algorithm, m.signed.signature, () => concatBytes(...before), 'RFC 5246 §7.4.8', recordId);
        return;
      case 'ServerKeyExchange':
        this.checkSignature(dir, m.ske.signed.algorithm, m.ske.signed.signature, () => serverKeyExchangeSignedContent(this.clientRandom!, this.serverRandom!, m.ske.paramsBytes), 'RFC 8422 §5.4', recordId);
        return;
      case 'Finished':
        if (postHandshake) {
          this.note(R, `The ${S}'s Finished comes after the handshake (post-handshake authentication, RFC 8446 §4.6.2); TLS Lab does not check it yet.`, 'RFC 8446 §4.6.2', recordId);
          return;
        }
        this.onFinished(dir, m.verifyData, before, recordId);
        return;
      case 'KeyUpdate':
        this.onKeyUpdate(dir, m.requestUpdate, recordId);
        return;
      default:
        return;
    }
  }

  /** A handshake signature checked with the key in the signer's certificate, as its peer would (reported as a note). */
  private checkSignature(dir: Dir, code: number, signature: Uint8Array, content: () => Uint8Array, rfc: string, recordId: string): void {
    if (this.opts.listOnly) return;
    const S = SENDER[dir];
    const R = RECEIVER[dir];
    const what = this.version === 'TLS 1.2' && dir === 's2c' ? 'ServerKeyExchange' : 'CertificateVerify';
    const scheme = signatureSchemeFromCode(code);
    const key = this.leafKey[dir];
    if (!scheme || !key || (this.version === 'TLS 1.3' && !this.suite13)) {
      this.note(R, `The ${S}'s ${what} signature (${nameOf(SIGNATURE_SCHEMES, code)}) was not checked: ${!scheme ? 'TLS Lab does not implement this scheme' : !key ? "the certificate's key could not be read" : 'the cipher suite is unknown'}.`, rfc, recordId);
      return;
    }
    if (dir === 's2c') for (const side of ['client', 'server'] as const) this.emit(side, { type: 'negotiated', signatureScheme: scheme });
    let ok = false;
    try {
      ok = schemeMatchesKey(scheme, key) && (this.version === 'TLS 1.2' ? verifyTls12(scheme, key, content(), signature) : verify(scheme, key, content(), signature));
    } catch {
      ok = false;
    }
    if (ok) this.note(R, `The ${S}'s ${what} signature (${scheme}) verifies with the public key in its certificate: it holds the private key.`, rfc, recordId);
    else {
      this.note(R, `The ${S}'s ${what} signature (${scheme}) does NOT verify with the public key in its certificate.`, rfc, recordId);
      this.problems.push(`The ${S}'s ${what} signature does not verify.`);
    }
  }

  private setSuite(code: number): void {
    this.suiteCode = code;
    if (this.version === 'TLS 1.3') this.suite13 = suite13ByCode(code);
    else this.suite12 = tls12SuiteByCode(code);
  }

  private onServerHello(m: Extract<HandshakeMessage, { legacySessionIdEcho: Uint8Array }>, recordId: string): void {
    this.serverRandom = m.random;
    const selected = findExt(m.extensions, 'supported_versions_selected')?.version;
    const wasHrr = this.version === 'TLS 1.3';
    this.version = selected === 0x0304 ? 'TLS 1.3' : m.legacyVersion === 0x0303 && selected === undefined ? 'TLS 1.2' : selected === 0x0303 ? 'TLS 1.2' : 'older';
    this.setSuite(m.cipherSuite);
    const suiteName = nameOf(CIPHER_SUITES, m.cipherSuite);
    const n: DistributiveOmit<Extract<TlsEventBody, { type: 'negotiated' }>, 'side'> = { type: 'negotiated', cipherSuite: suiteName, ...(this.serverName ? { serverName: this.serverName } : {}) };
    if (this.version !== 'older') n.version = this.version;
    if (this.version === 'TLS 1.3') {
      const share = findExt(m.extensions, 'key_share_server')?.share.group;
      if (share !== undefined) n.group = nameOf(GROUPS, share);
      n.resumed = findExt(m.extensions, 'pre_shared_key_selected') !== undefined;
      if (wasHrr) n.helloRetry = true;
    } else {
      this.kx = /^TLS_(EC)?DHE_/.test(suiteName) ? 'ECDHE' : suiteName.startsWith('TLS_RSA_') ? 'RSA' : undefined;
      if (this.kx) n.keyExchange = this.kx;
      n.extendedMasterSecret = findExt(m.extensions, 'extended_master_secret') !== undefined;
      // RFC 5246 §7.4.1.3: a resumed session echoes the client's session id (or accepts its ticket).
      const sid = this.clientSessionId;
      if (sid && sid.length > 0 && equalBytes(sid, m.legacySessionIdEcho)) n.resumed = true;
      const alpn = findExt(m.extensions, 'alpn')?.protocols[0];
      if (alpn) n.alpn = alpn;
    }
    for (const side of ['client', 'server'] as const) this.emit(side, { ...n });
    if (this.clientHelloAt !== undefined) this.emit('client', { type: 'timing', what: 'ClientHello sent → ServerHello captured (round trip, from the packet timestamps)', ms: this.now - this.clientHelloAt });
    if (this.version === 'older') {
      this.olderName = nameOf(VERSIONS, selected ?? m.legacyVersion);
      this.note('client', `This connection uses ${nameOf(VERSIONS, m.legacyVersion)}; TLS Lab decodes its messages but does not decrypt versions before TLS 1.2.`);
      return;
    }
    if (this.opts.listOnly || !this.secrets) return;
    if (this.version === 'TLS 1.3') this.handshakeKeys13(recordId);
    else this.keys12();
  }

  /** 0-RTT (RFC 8446 §2.3): the client's early data is under client_early_traffic_secret, with the PSK's suite (not known yet: each is tried). */
  private earlyKeys(): void {
    const secret = this.secrets?.get('CLIENT_EARLY_TRAFFIC_SECRET');
    if (!secret || this.opts.listOnly) return;
    this.keyLogSecret('CLIENT_EARLY_TRAFFIC_SECRET', 'client_early_traffic_secret', 'early', secret, 'RFC 8446 §7.1');
    for (const suite of TLS13_SUITES) {
      if (hashLenOf(suite.hash) !== secret.length) continue;
      const k = this.schedule(suite.hash).trafficKeys(secret, 'client_early_traffic_secret', `client_early_${suite.name}`, suite.keyLen, suite.ivLen);
      this.candidates.c2s.push(new Protection13(suite, k.key, k.iv, 'client_early_traffic_secret'));
    }
  }

  private handshakeKeys13(recordId: string): void {
    const suite = this.suite13;
    if (!suite) {
      this.note('client', `The cipher suite ${nameOf(CIPHER_SUITES, this.suiteCode ?? 0)} is not one TLS Lab can decrypt.`, undefined, recordId);
      return;
    }
    // Early data (if any) is over once the client's handshake key opens a record; drop the guesses of other suites.
    this.candidates.c2s = this.candidates.c2s.filter((p) => p.suite.code === suite.code);
    for (const [label, dir] of [
      ['SERVER_HANDSHAKE_TRAFFIC_SECRET', 's2c'],
      ['CLIENT_HANDSHAKE_TRAFFIC_SECRET', 'c2s'],
    ] as const) {
      const secret = this.secrets?.get(label);
      const meta = TLS13_KEYLOG[label]!;
      if (!secret) {
        this.note('client', `The key log has no ${label} for this connection: the ${SENDER[dir]}'s handshake records stay encrypted.`);
        continue;
      }
      this.keyLogSecret(label, meta.name, meta.stage, secret, 'RFC 8446 §7.1');
      const k = this.schedule(suite.hash).trafficKeys(secret, meta.name, meta.name.replace('_traffic_secret', ''), suite.keyLen, suite.ivLen);
      this.candidates[dir].push(new Protection13(suite, k.key, k.iv, meta.name));
    }
  }

  private applicationKeys13(): void {
    const suite = this.suite13;
    if (!suite || !this.secrets) return;
    for (const [label, dir] of [
      ['SERVER_TRAFFIC_SECRET_0', 's2c'],
      ['CLIENT_TRAFFIC_SECRET_0', 'c2s'],
    ] as const) {
      const secret = this.secrets.get(label);
      const meta = TLS13_KEYLOG[label]!;
      if (!secret) {
        this.note('client', `The key log has no ${label} for this connection: the ${SENDER[dir]}'s application data stays encrypted.`);
        continue;
      }
      this.keyLogSecret(label, meta.name, meta.stage, secret, 'RFC 8446 §7.1');
      const k = this.schedule(suite.hash).trafficKeys(secret, meta.name, meta.name.replace('_traffic_secret_0', '_application'), suite.keyLen, suite.ivLen);
      this.candidates[dir].push(new Protection13(suite, k.key, k.iv, meta.name));
      this.appSecret[dir] = { value: secret, n: 0 };
    }
    const exporter = this.secrets.get('EXPORTER_SECRET');
    if (exporter) this.keyLogSecret('EXPORTER_SECRET', 'exporter_master_secret', 'master', exporter, 'RFC 8446 §7.5');
  }

  private keys12(): void {
    const suite = this.suite12;
    const ms = this.secrets?.get('CLIENT_RANDOM');
    if (!ms) {
      this.note('client', 'The key log has no CLIENT_RANDOM line (the TLS 1.2 master secret) for this connection: its encrypted records stay encrypted.');
      return;
    }
    this.masterSecret12 = ms;
    this.keyLogSecret('CLIENT_RANDOM', 'master_secret', 'tls12', ms, 'RFC 5246 §8.1');
    if (!suite) {
      this.note(
        'client',
        `${nameOf(CIPHER_SUITES, this.suiteCode ?? 0)} is not a suite TLS Lab decrypts yet (AES-GCM and ChaCha20-Poly1305 are; CBC suites are shown as ciphertext).`,
      );
      return;
    }
    const report = (name: string, value: Uint8Array, formula: string, inputs: DerivationInput[], rfc: string) =>
      this.emit('client', { type: 'secret', name, value: value.slice(), formula, inputs, rfc, stage: 'tls12' });
    const keys = deriveKeyBlock({ suite, masterSecret: ms, clientRandom: this.clientRandom!, serverRandom: this.serverRandom!, report });
    this.pending12.c2s = new Tls12RecordProtection(suite, keys.clientWriteKey, keys.clientWriteIv, 'client_write_key');
    this.pending12.s2c = new Tls12RecordProtection(suite, keys.serverWriteKey, keys.serverWriteIv, 'server_write_key');
  }

  private onFinished(dir: Dir, verifyData: Uint8Array, before: Uint8Array[], recordId: string): void {
    const S = SENDER[dir];
    const R = RECEIVER[dir];
    this.finished[dir] = true;
    if (this.opts.listOnly) return;
    let expected: Uint8Array | undefined;
    let how = '';
    if (this.version === 'TLS 1.3' && this.suite13) {
      const label = dir === 's2c' ? 'SERVER_HANDSHAKE_TRAFFIC_SECRET' : 'CLIENT_HANDSHAKE_TRAFFIC_SECRET';
      const base = this.secrets?.get(label);
      if (base) {
        const th = hashBytes(this.suite13.hash, concatBytes(...before));
        const ctx = dir === 's2c' ? 'ClientHello...server CertificateVerify' : 'ClientHello...client CertificateVerify';
        expected = this.schedule(this.suite13.hash).finished(base, TLS13_KEYLOG[label]!.name, S, th, ctx);
        how = `HMAC(finished_key, Transcript-Hash(${ctx})) with the finished_key from ${label}`;
      }
      if (dir === 's2c') this.applicationKeys13();
    } else if (this.version === 'TLS 1.2' && this.suite12 && this.masterSecret12) {
      const report = (name: string, value: Uint8Array, formula: string, inputs: DerivationInput[], rfc: string) =>
        this.emit('client', { type: 'secret', name, value: value.slice(), formula, inputs, rfc, stage: 'tls12' });
      expected = finishedVerifyData({ hash: this.suite12.hash, masterSecret: this.masterSecret12, side: S, handshakeHash: digest(this.suite12.hash, concatBytes(...before)), report });
      how = `PRF(master_secret, "${S} finished", Hash(handshake_messages))`;
    }
    const rfc = this.version === 'TLS 1.2' ? 'RFC 5246 §7.4.9' : 'RFC 8446 §4.4.4';
    if (!expected) {
      this.noteOnce('finished-unverified', R, `The Finished messages cannot be checked without the key log's secrets for this connection.`, rfc, recordId);
      return;
    }
    if (equalBytes(expected, verifyData)) this.note(R, `The ${S}'s Finished is correct: its verify_data equals ${how} over the handshake as captured.`, rfc, recordId);
    else {
      this.note(R, `The ${S}'s Finished does NOT match: verify_data ${toHex(verifyData)}, expected ${toHex(expected)} (${how}). The handshake was changed, or the key log belongs to another connection.`, rfc, recordId);
      this.problems.push(`The ${S}'s Finished does not match the transcript.`);
    }
  }

  /** KeyUpdate (RFC 8446 §4.6.3): the sender's next records use application_traffic_secret_N+1. */
  private onKeyUpdate(dir: Dir, requestUpdate: number, recordId: string): void {
    const S = SENDER[dir];
    const cur = this.appSecret[dir];
    const suite = this.suite13;
    if (!cur || !suite || this.opts.listOnly) {
      this.note(RECEIVER[dir], `The ${S} updated its keys${requestUpdate ? ' and asked for the same' : ''}; the records after it need the next secret, which comes from the one the key log gives.`, 'RFC 8446 §4.6.3', recordId);
      return;
    }
    const name = (n: number) => `${S}_application_traffic_secret_${n}`;
    const ks = this.schedule(suite.hash);
    const next = ks.nextApplicationSecret(cur.value, name(cur.n), name(cur.n + 1));
    const k = ks.trafficKeys(next, name(cur.n + 1), `${S}_application_${cur.n + 1}`, suite.keyLen, suite.ivLen);
    this.appSecret[dir] = { value: next, n: cur.n + 1 };
    this.candidates[dir] = [new Protection13(suite, k.key, k.iv, name(cur.n + 1))];
    this.note(RECEIVER[dir], `The ${S} moved to ${name(cur.n + 1)}${requestUpdate ? ' and asked its peer to update too' : ''}; its next records are read with the new key.`, 'RFC 8446 §4.6.3', recordId);
  }

  private verifyCertificate(dir: Dir, chain: Uint8Array[]): void {
    const R = RECEIVER[dir];
    if (this.opts.listOnly) return;
    if (chain.length === 0) {
      this.note(R, `The ${SENDER[dir]} sent an empty Certificate message (no certificate).`, this.version === 'TLS 1.2' ? 'RFC 5246 §7.4.6' : 'RFC 8446 §4.4.2.4');
      return;
    }
    const purpose = dir === 's2c' ? 'server' : 'client';
    const report = verifyChain({
      chain,
      anchors: this.opts.trust ?? [],
      purpose,
      at: new Date(this.now),
      ...(purpose === 'server' && this.serverName ? { host: this.serverName } : {}),
      ...(this.version === 'TLS 1.2' && this.kx ? { keyExchange: this.kx === 'RSA' ? 'rsa' : 'ecdhe' } : {}),
    });
    for (const check of report.checks) this.emit(R, { type: 'cert-check', check });
    this.emit(R, { type: 'cert-report', report });
    if (this.opts.trustName) this.note(R, `The ${purpose}'s chain was checked against ${this.opts.trustName}, at the capture's time ${new Date(this.now).toISOString()}.`);
  }

  /** How the connection went, for the list. */
  summary(): Pick<ObservedConnection, 'serverName' | 'version' | 'cipherSuite' | 'decryption' | 'records'> {
    // A suite (or version) we cannot decrypt, whatever the key log holds.
    const unsupported = this.version === 'older' || (this.version === 'TLS 1.2' && this.suiteCode !== undefined && !this.suite12) || (this.version === 'TLS 1.3' && this.suiteCode !== undefined && !this.suite13);
    let decryption: ObservedConnection['decryption'];
    if (this.unopened > 0 && unsupported) decryption = 'unsupported';
    else if (this.opts.listOnly && this.unopened > 0) decryption = this.secrets ? 'decrypted' : this.opts.keyLogGiven ? 'no-matching-keys' : 'no-key-log';
    else if (this.opened === 0 && this.unopened === 0) decryption = 'plaintext';
    else if (this.unopened === 0) decryption = 'decrypted';
    else if (this.opened > 0) decryption = 'partly';
    else decryption = this.opts.keyLogGiven || this.secrets ? 'no-matching-keys' : 'no-key-log';
    return {
      ...(this.serverName ? { serverName: this.serverName } : {}),
      ...(this.version ? { version: this.version === 'older' ? this.olderName : this.version } : {}),
      ...(this.suiteCode !== undefined ? { cipherSuite: nameOf(CIPHER_SUITES, this.suiteCode) } : {}),
      decryption,
      records: this.records,
    };
  }
}

function hashLenOf(h: HashName): number {
  return h === 'SHA-384' ? 48 : h === 'SHA-512' ? 64 : 32;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/**
 * Observes one connection: the client's and the server's byte streams become events.
 * `t0` is the time of the connection's first packet (ms since the epoch).
 */
export function observeConnection(client: ByteStream, server: ByteStream, t0: number, opts: ObserveOptions = {}): { events: TlsEvent[]; problems: string[]; summary: ReturnType<Observer['summary']> } {
  const problems: string[] = [];
  const records = [...splitRecords('c2s', client, problems), ...splitRecords('s2c', server, problems)];
  // The order the records were captured in: by the packet that completed each (a stable sort keeps each direction's order).
  records.sort((a, b) => a.packet - b.packet);
  const o = new Observer(t0, opts);
  for (const r of records) {
    try {
      o.handle(r);
    } catch (err) {
      problems.push(`Record ${r.dir}:${r.n} could not be shown: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  const summary = o.summary();
  // The hellos (and the records before the ServerHello) were read before the version was known;
  // in a TLS 1.2 connection they cite RFC 5246, as our endpoints' do.
  if (summary.version === 'TLS 1.2') {
    const RECITE: Record<string, string> = { 'RFC 8446 §4': 'RFC 5246 §7.4', 'RFC 8446 §5': 'RFC 5246 §7.1' };
    for (const e of o.events) {
      if (e.type === 'handshake') e.spans = citeTls12Hello(e.spans, e.name);
      else if (e.type === 'record') e.spans = e.spans.map((sp) => (sp.rfc && RECITE[sp.rfc] ? { ...sp, rfc: RECITE[sp.rfc] } : sp));
    }
  }
  o.events.forEach((e, i) => (e.seq = i));
  return { events: o.events, problems: [...problems, ...o.problems], summary };
}
