/**
 * The record layer of the TLS observer: events and notes, each captured record with its spans,
 * decrypted when a key is known (trial decryption for TLS 1.3, the ChangeCipherSpec switch for
 * TLS 1.2), and why a record could not be read. The handshake layers build on it
 * (key-observer.ts, tls.ts).
 */
import { shiftSpans, type ByteSpan } from '../codec/bytespan';
import { concatBytes, toHex } from '../codec/hex';
import { alertName } from '../errors';
import type { AppDataPhase, DerivationInput, RecordMessageName, SecretStage, Side, TlsEvent, TlsEventBody } from '../events';
import { type HashName } from '../crypto/hash';
import { type Suite13 } from '../crypto/tls13-suites';
import { KeySchedule, type SecretReport } from '../crypto/tls13-key-schedule';
import { CIPHER_SUITES, ContentType, contentTypeName, nameOf } from '../msgs/enums';
import { tls12Position } from '../crypto/tls12-key-schedule';
import { type HandshakeFrame } from '../msgs/handshake';
import { RECORD_HEADER_LEN, recordHeaderSpans } from '../msgs/record';
import { fragmentSpans } from '../record/content-spans';
import { Protection13, type OpenedRecord } from '../record/tls13';
import { Tls12RecordProtection } from '../record/tls12';
import { type Tls12Suite } from '../crypto/tls12-suites';
import type { PublicKey } from '../crypto/keys';

import { KEY_LOG_HINT } from '../keylog';
import { RECEIVER, SENDER, type Decoded, type Dir, type DistributiveOmit, type ObserveOptions, type RawRecord, type Version } from './tls-stream';

/** A handshake message a record completed, and the receiver's events about it (reported after the record). */
interface DecodedMessage {
  d: Decoded;
  first: string;
  after: TlsEvent[];
}

export abstract class RecordObserver {
  readonly events: TlsEvent[] = [];
  /** Where emitted events go: the log, or a message's deferred list (reported after the record). */
  protected target: TlsEvent[] = this.events;
  protected now: number;
  protected version: Version | undefined;
  /** The version's name when it is before TLS 1.2 ("TLS 1.0"). */
  protected olderName = '';
  protected suiteCode: number | undefined;
  protected suite13: Suite13 | undefined;
  protected suite12: Tls12Suite | undefined;
  protected clientRandom: Uint8Array | undefined;
  protected serverRandom: Uint8Array | undefined;
  protected clientSessionId: Uint8Array | undefined;
  protected secrets: Map<string, Uint8Array> | undefined;
  protected readonly hs: Record<Dir, { buf: Uint8Array; first: string }> = { c2s: { buf: new Uint8Array(0), first: '' }, s2c: { buf: new Uint8Array(0), first: '' } };
  /** Handshake messages of the transcript (RFC 8446 §4.4.1; RFC 5246 §7.4.9's handshake_messages). */
  protected transcript: Uint8Array[] = [];
  protected readonly finished: Record<Dir, boolean> = { c2s: false, s2c: false };
  /** TLS 1.3: the keys a direction may be under next, in order (trial decryption picks; earlier ones are dropped). */
  protected readonly candidates: Record<Dir, Protection13[]> = { c2s: [], s2c: [] };
  protected readonly appSecret: Partial<Record<Dir, { value: Uint8Array; n: number }>> = {};
  /** TLS 1.2: keys waiting for the direction's ChangeCipherSpec, and the keys in use after it. */
  protected readonly pending12: Partial<Record<Dir, Tls12RecordProtection>> = {};
  protected readonly read12: Partial<Record<Dir, Tls12RecordProtection>> = {};
  protected readonly ccs: Record<Dir, boolean> = { c2s: false, s2c: false };
  protected offeredEarly = false;
  protected serverName: string | undefined;
  protected kx: 'RSA' | 'ECDHE' | undefined;
  protected masterSecret12: Uint8Array | undefined;
  protected opened = 0;
  protected unopened = 0;
  protected readonly noted = new Set<string>();
  protected clientHelloAt: number | undefined;
  /** The public key of each side's leaf certificate (for its CertificateVerify / ServerKeyExchange). */
  protected readonly leafKey: Partial<Record<Dir, PublicKey>> = {};
  readonly problems: string[] = [];
  records = 0;

  constructor(
    protected readonly t0: number,
    protected readonly opts: ObserveOptions,
  ) {
    this.now = t0;
  }

  // ---- events --------------------------------------------------------------------------------

  protected emit(side: Side, body: DistributiveOmit<TlsEventBody, 'side'>): void {
    // `seq` is set once the whole connection is observed (events are reordered per record).
    this.target.push({ ...body, side, seq: 0, t: this.now - this.t0 } as TlsEvent);
  }

  protected note(side: Side, text: string, rfc?: string, recordId?: string): void {
    this.emit(side, { type: 'note', text, ...(rfc ? { rfc } : {}), ...(recordId ? { recordId } : {}) });
  }

  protected noteOnce(key: string, side: Side, text: string, rfc?: string, recordId?: string): void {
    if (this.noted.has(key)) return;
    this.noted.add(key);
    this.note(side, text, rfc, recordId);
  }

  /** A key schedule whose derivations become the client's `secret` events. */
  protected schedule(h: HashName): KeySchedule {
    return new KeySchedule(h, (s: SecretReport) => this.emit('client', { type: 'secret', ...s }));
  }

  protected keyLogSecret(label: string, name: string, stage: SecretStage, value: Uint8Array, rfc: string): void {
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
      position: stage === 'tls12' ? tls12Position(name) : 'branch',
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
      ({
        type: 'record',
        recordId,
        contentType: contentTypeName(type),
        bytes: r.bytes,
        spans,
        messages: messages as RecordMessageName[],
        ...(info ? { protected: info } : {}),
      }) as const;

    if (type === ContentType.change_cipher_spec) {
      this.changeCipherSpec(r, recordId, sentRecord(this.plainSpans(r.bytes, type, fragment, r.dir), []));
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
    let messages: string[] = [];
    let decoded: DecodedMessage[] = [];
    let alert: { level: 'warning' | 'fatal'; code: number } | undefined;
    if (innerType === ContentType.handshake) {
      ({ messages, decoded } = this.handshakeMessages(r, content, prefix, recordId));
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

  /** ChangeCipherSpec: TLS 1.2 switches the direction to its pending keys (RFC 5246 §7.1); TLS 1.3 ignores it (RFC 8446 §D.4). */
  protected changeCipherSpec(r: RawRecord, recordId: string, rec: Omit<Extract<TlsEventBody, { type: 'record' }>, 'side' | 'direction'>): void {
    const S = SENDER[r.dir];
    const R = RECEIVER[r.dir];
    this.emit(S, { ...rec, direction: 'sent' });
    this.emit(R, { ...rec, direction: 'received' });
    this.ccs[r.dir] = true;
    if (this.version === 'TLS 1.2' || this.version === 'older') {
      const p = this.pending12[r.dir];
      if (p) this.read12[r.dir] = p;
    } else if (this.version === 'TLS 1.3' || this.offeredEarly) {
      this.noteOnce(
        `ccs-${r.dir}`,
        R,
        `The ${S}'s change_cipher_spec carries no meaning in TLS 1.3: it is sent for middlebox compatibility and ignored.`,
        'RFC 8446 §D.4',
        recordId,
      );
    }
  }

  /**
   * The handshake messages a record completes (a message may span records, RFC 8446 §5.1), each
   * decoded and acted on; what the receiver makes of it is kept to report after the record.
   */
  protected handshakeMessages(r: RawRecord, content: Uint8Array, prefix: Uint8Array, recordId: string): { messages: string[]; decoded: DecodedMessage[] } {
    const S = SENDER[r.dir];
    const R = RECEIVER[r.dir];
    const messages: string[] = [];
    const decoded: DecodedMessage[] = [];
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
    return { messages, decoded };
  }

  protected plainSpans(record: Uint8Array, type: number, fragment: Uint8Array, dir: Dir): ByteSpan[] {
    const spans = recordHeaderSpans(record, 'fragment');
    const version = this.version === 'older' ? 'TLS 1.2' : this.version;
    spans.push(...shiftSpans(fragmentSpans(type, fragment, this.hs[dir].buf, version), RECORD_HEADER_LEN, 1));
    return spans;
  }

  /** Whether a record of this outer type is protected now (RFC 8446 §5.2; RFC 5246 §6.2.3 after ChangeCipherSpec). */
  protected isProtected(dir: Dir, type: number): boolean {
    if (this.version === 'TLS 1.2' || this.version === 'older') return this.ccs[dir];
    if (type !== ContentType.application_data) return false;
    // TLS 1.3: application_data after the ServerHello, or the client's 0-RTT data before it.
    return this.version === 'TLS 1.3' || (dir === 'c2s' && this.offeredEarly);
  }

  protected open(dir: Dir, record: Uint8Array, prefix: Uint8Array): OpenedRecord | undefined {
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

  protected flight = 0;
  protected lastDir: Dir | undefined;

  /** When application data travels (RFC 8446 §2.3), as a run's appdata events say it. */
  protected dataTiming(dir: Dir, keyName: string | undefined): { phase?: AppDataPhase; flight: number } {
    // 0-RTT data arrives before the ServerHello says which version this is.
    if (keyName === 'client_early_traffic_secret') return { phase: 'early', flight: this.flight };
    if (this.version !== 'TLS 1.3') return { flight: this.flight };
    const phase: AppDataPhase = dir === 's2c' && !this.finished.c2s ? 'half-rtt' : 'application';
    return { phase, flight: this.flight };
  }

  /** Why a protected record stays closed, in one sentence. */
  protected whyEncrypted(): string {
    if (!this.opts.keyLogGiven && !this.secrets) return 'Encrypted: there is no key log for this capture, so what this record carries (handshake, data or an alert) is not known.';
    if (!this.secrets) return 'Encrypted: the key log has no secrets for this connection, so what this record carries is not known.';
    if (this.version === 'TLS 1.2' && !this.suite12)
      return `Encrypted with ${nameOf(CIPHER_SUITES, this.suiteCode ?? 0)}, a suite TLS Lab does not decrypt yet (CBC suites are shown as ciphertext).`;
    return 'Encrypted: it does not open with the keys from the key log (a secret is missing or belongs to another connection).';
  }

  protected explainEncrypted(dir: Dir, recordId: string): void {
    const R = RECEIVER[dir];
    if (!this.opts.keyLogGiven && !this.secrets) {
      this.noteOnce('encrypted', R, `This record is encrypted and there is no key log for this connection, so what it carries is not shown. ${KEY_LOG_HINT}`, undefined, recordId);
    } else if (!this.secrets) {
      this.noteOnce(
        'encrypted',
        R,
        `This record is encrypted, and the key log has no secrets for this connection (client random ${this.clientRandom ? toHex(this.clientRandom) : 'unknown: no ClientHello captured'}).`,
        undefined,
        recordId,
      );
    } else if (this.version === 'TLS 1.2' && !this.suite12) {
      this.noteOnce(
        'encrypted',
        R,
        `This record is encrypted with ${nameOf(CIPHER_SUITES, this.suiteCode ?? 0)}, which TLS Lab cannot decrypt yet (it decrypts the AES-GCM and ChaCha20-Poly1305 suites; CBC suites are shown as ciphertext).`,
        undefined,
        recordId,
      );
    } else {
      this.noteOnce(
        `encrypted-${dir}`,
        R,
        `This record does not decrypt with the keys from the key log (a secret is missing or belongs to another connection).`,
        undefined,
        recordId,
      );
    }
  }

  /** The handshake layer (tls.ts): decodes one handshake message, then reacts to it. */
  protected abstract decode(frame: HandshakeFrame): Decoded;
  protected abstract onMessage(dir: Dir, d: Decoded, frame: HandshakeFrame, recordId: string): void;
}
