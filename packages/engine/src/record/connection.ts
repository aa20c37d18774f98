/**
 * What both endpoints share, whatever the version: reading records off a byte stream
 * (any chunking), record-level checks (RFC 8446 §5), handshake message reassembly
 * (messages split across records and records holding several messages), alerts,
 * application data, close_notify, and turning every error into an alert + Closed.
 *
 * Client and server subclasses own the state machines; they see complete handshake frames
 * through `handleHandshake` and switch keys with `setReadProtection` / `setWriteProtection`.
 *
 * Record ids: the Nth record sent client→server is `c2s:N`, server→client `s2c:N`, counted
 * by both the sender and the receiver, so both sides' `record` events name the same record.
 */
import { withCryptoProvider, type CryptoProvider } from '../crypto/provider';
import type { ByteSpan } from '../codec/bytespan';
import { concatBytes } from '../codec/hex';
import { alertFor, alertName, ALERT_CODES, asTlsError, TlsError, warningFor, type AlertDescription, type TlsDeclineKind } from '../errors';
import type { EventSink, RecordMessageName, Side, TlsEventBody, TlsVersionName } from '../events';
import { CONTENT_TYPES, ContentType, contentTypeName, nameOf } from '../msgs/enums';
import { decodeHandshake, type EncodedMessage, type HandshakeFrame } from '../msgs/handshake';
import { ciphertextLimit, MAX_PLAINTEXT, RECORD_HEADER_LEN, recordHeaderSpans } from '../msgs/record';
import { fragmentSpans } from './content-spans';
import { citeTls12Hello } from '../msgs/handshake12';
import { HandshakeReassembly } from './reassembly';
import { RecordWriter } from './writer';
import { citeTls12Record } from './tls12';
import type { RecordProtection } from './tls13';
import { now, type HandshakeIo, type SidelessEvent } from './handshake-io';

export abstract class Connection {
  private inbuf: Uint8Array = new Uint8Array(0);
  private readonly handshakeIn = new HandshakeReassembly();
  /** While a handshake message is handled: the record that completed it (the one the checks it causes belong to). */
  private completingRecordId: string | undefined;
  protected readProtection: RecordProtection | null = null;
  private received = 0;
  protected ccsReceived = 0;
  protected sentCloseNotify = false;
  protected isClosed = false;
  private readonly appData: Uint8Array[] = [];
  protected readonly startedAt = now();
  /** Bytes of rejected 0-RTT data we may still drop (RFC 8446 §4.2.10); 0: not skipping. */
  private earlySkipBudget = 0;
  /** The protocol version once known (a single configured version, or the negotiated one): picks the RFC the record spans cite. */
  protected version: TlsVersionName | undefined;

  /** The sending half of the record layer (record/writer.ts). */
  private readonly writer: RecordWriter;

  constructor(
    readonly side: Side,
    private readonly sink: EventSink,
    /** Largest record content we send (≤ 2^14). */
    protected readonly maxFragment = MAX_PLAINTEXT,
  ) {
    this.writer = new RecordWriter(this.dir(true) as 'c2s' | 's2c', maxFragment, {
      version: () => this.version,
      record: (recordId, bytes, spans, messages, info) => this.emitRecord('sent', recordId, bytes, spans, messages, info),
    });
  }

  /** Legacy record version for the next plaintext handshake records (0x0301 for an initial ClientHello). */
  protected set plaintextRecordVersion(v: number) {
    this.writer.plaintextVersion = v;
  }

  /** Zero bytes of padding for each protected TLS 1.3 record we send (RFC 8446 §5.4). */
  protected set recordPadding(n: number) {
    this.writer.padding = n;
  }

  // ---- events ------------------------------------------------------------------------------

  protected emit(e: SidelessEvent): void {
    if (e.type === 'negotiated' && e.version) this.version = e.version;
    // A check of the peer's chain belongs to the record whose arrival completed its Certificate message.
    if ((e.type === 'cert-check' || e.type === 'cert-report') && e.recordId === undefined && this.completingRecordId !== undefined) {
      this.sink({ ...e, recordId: this.completingRecordId, side: this.side });
      return;
    }
    this.sink({ ...e, side: this.side } as TlsEventBody);
  }

  protected note(text: string, rfc?: string): void {
    this.emit({ type: 'note', text, ...(rfc ? { rfc } : {}) });
  }

  /**
   * The hellos are read and written by the version-independent codec; in TLS 1.2 they use
   * RFC 5246's names. A ClientHello that does not offer TLS 1.3 is a TLS 1.2 one (what a
   * server that speaks both reads after a downgrade).
   */
  private cite(spans: ByteSpan[], name: string): ByteSpan[] {
    const v12 =
      this.version === 'TLS 1.2' || (this.version === undefined && name === 'ClientHello' && !spans.some((s) => s.label === 'ProtocolVersion' && s.value?.startsWith('TLS 1.3')));
    return v12 ? citeTls12Hello(spans, name) : spans;
  }

  private dir(sent: boolean): string {
    return (this.side === 'client') === sent ? 'c2s' : 's2c';
  }

  /** The handle given to handshake flows. */
  protected makeIo(): HandshakeIo {
    return {
      side: this.side,
      emit: (e) => this.emit(e),
      note: (t, r) => this.note(t, r),
      secret: (x) => this.emit({ type: 'secret', ...x }),
      queueHandshake: (e) => this.queueHandshake(e),
      flush: () => this.flush(),
      sendCcs: () => this.sendCcs(),
      setReadProtection: (p) => this.setReadProtection(p),
      setWriteProtection: (p) => this.setWriteProtection(p),
      elapsed: () => now() - this.startedAt,
      skipEarlyData: (n) => {
        this.earlySkipBudget = n;
      },
      decline: (k, r) => this.decline(k, r),
    };
  }

  // ---- what subclasses implement -----------------------------------------------------------

  /** Current state name. */
  abstract get state(): string;
  /** A complete handshake message arrived. */
  protected abstract handleHandshake(frame: HandshakeFrame, recordId: string): void;
  /** Moves the state machine to Closed (called once). */
  protected abstract enterClosed(): void;
  /** Whether application data may be received now. */
  protected abstract canReceiveAppData(): boolean;
  /** Whether the handshake is still in progress (middlebox CCS is acceptable). */
  protected abstract handshaking(): boolean;

  /**
   * A change_cipher_spec record. TLS 1.3 (RFC 8446 §5): during the handshake a single
   * unprotected CCS with the value 0x01 is dropped; anything else is unexpected_message.
   * The TLS 1.2 flow overrides this (there it switches the read keys).
   */
  protected handleChangeCipherSpec(body: Uint8Array, _recordId: string): void {
    if (body.length !== 1 || body[0] !== 1) throw new TlsError('PeerUnexpectedMessage', 'change_cipher_spec with a value other than 0x01');
    if (!this.handshaking()) throw new TlsError('PeerUnexpectedMessage', 'change_cipher_spec after the handshake');
    if (this.ccsReceived > 1) throw new TlsError('PeerUnexpectedMessage', 'more than one change_cipher_spec');
    this.note('Ignored the middlebox-compatibility change_cipher_spec (it carries no meaning in TLS 1.3).', 'RFC 8446 §D.4');
  }

  /** Decodes a TLS 1.3 handshake message (TLS 1.2 flows decode their own) and reports it as received. */
  protected decodeReceived(frame: HandshakeFrame, recordId: string): EncodedMessage {
    const enc = decodeHandshake(frame);
    this.emit({ type: 'handshake', direction: 'received', name: enc.name, bytes: enc.bytes, spans: this.cite(enc.spans, enc.name), recordId, summary: enc.summary ?? {} });
    return enc;
  }

  // ---- Endpoint API ------------------------------------------------------------------------

  /** The endpoint's own crypto provider (config.cryptoProvider); otherwise the installed one. */
  protected cryptoProvider: CryptoProvider | undefined;

  /** Runs one Endpoint API call with this endpoint's provider (crypto/provider.ts). */
  protected usingProvider<T>(fn: () => T): T {
    return this.cryptoProvider ? withCryptoProvider(this.cryptoProvider, fn) : fn();
  }

  get connected(): boolean {
    return this.state === 'Connected';
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** Feeds bytes from the wire (any chunking). Never throws: errors become alerts + Closed. */
  receive(bytes: Uint8Array): Uint8Array[] {
    return this.usingProvider(() => {
      if (this.isClosed) return [];
      try {
        this.inbuf = this.inbuf.length === 0 ? bytes.slice() : concatBytes(this.inbuf, bytes);
        this.processInput();
      } catch (err) {
        this.fail(err);
      }
      return this.takeOutput();
    });
  }

  /**
   * Whether `send` may be called now: once connected; a TLS 1.3 server also right after its
   * Finished (0.5-RTT data, RFC 8446 §4.4.4), before it has the client's Finished.
   */
  get canSend(): boolean {
    return this.connected;
  }

  /** Sends application data (fragmented into records of at most 2^14 bytes). Before `canSend`: throws a TlsError (a caller bug; nothing is sent). */
  send(data: Uint8Array): Uint8Array[] {
    return this.usingProvider(() => {
      if (this.isClosed) return [];
      if (!this.canSend) throw new TlsError('LocalInternal', `cannot send application data in state ${this.state}`);
      try {
        this.writeAppData(data);
      } catch (err) {
        this.fail(err);
      }
      return this.takeOutput();
    });
  }

  /** Application data in records of at most maxFragment bytes, under the current write key. */
  protected writeAppData(data: Uint8Array): void {
    for (let o = 0; o < data.length || (o === 0 && data.length === 0); o += this.maxFragment) {
      const chunk = data.slice(o, o + this.maxFragment);
      const id = this.writeRecord(ContentType.application_data, chunk, []);
      this.emit({ type: 'appdata', direction: 'sent', data: chunk, recordId: id });
      if (data.length === 0) break;
    }
  }

  /** Sends close_notify (RFC 8446 §6.1). The connection closes when the peer's arrives. */
  close(): Uint8Array[] {
    return this.usingProvider(() => {
      if (this.isClosed || this.sentCloseNotify) return this.takeOutput();
      try {
        this.sendAlert(1, 'close_notify');
        this.sentCloseNotify = true;
        if (!this.connected) this.finishClose('close_notify');
      } catch (err) {
        this.fail(err);
      }
      return this.takeOutput();
    });
  }

  /** Application data received so far and not yet read (also reported as `appdata` events). */
  readAppData(): Uint8Array {
    const all = concatBytes(...this.appData);
    this.appData.length = 0;
    return all;
  }

  protected takeOutput(): Uint8Array[] {
    return this.writer.take();
  }

  // ---- reading -----------------------------------------------------------------------------

  private processInput(): void {
    while (!this.isClosed && this.inbuf.length >= RECORD_HEADER_LEN) {
      const type = this.inbuf[0]!;
      const length = (this.inbuf[3]! << 8) | this.inbuf[4]!;
      // RFC 8446 §5: an unknown content type is an unexpected_message.
      if (!(type in CONTENT_TYPES) || type === 24) {
        throw new TlsError('PeerUnexpectedMessage', `record with unknown content type ${type}`);
      }
      // RFC 8446 §5.2 / RFC 5246 §6.2.3: check the version's length limit before waiting for the body.
      const limit = ciphertextLimit(this.version);
      if (length > limit.max) throw new TlsError('DecodeRecordOverflow', `record length ${length} exceeds ${limit.text}`);
      if (type !== ContentType.application_data && length > MAX_PLAINTEXT && !(this.readProtection && type === ContentType.alert)) {
        throw new TlsError('DecodeRecordOverflow', `${nameOf(CONTENT_TYPES, type, 2)} record length ${length} exceeds 2^14`);
      }
      if (this.inbuf.length < RECORD_HEADER_LEN + length) return;
      const record = this.inbuf.slice(0, RECORD_HEADER_LEN + length);
      this.inbuf = this.inbuf.slice(RECORD_HEADER_LEN + length);
      this.handleRecord(record);
    }
  }

  private handleRecord(record: Uint8Array): void {
    const recordId = `${this.dir(false)}:${this.received++}`;
    const outerType = record[0]!;
    const fragment = record.subarray(RECORD_HEADER_LEN);
    let type = outerType;
    let content: Uint8Array = fragment;

    if (outerType === ContentType.change_cipher_spec) {
      this.ccsReceived++;
      this.emitRecord('received', recordId, record, recordHeaderSpans(record, 'fragment'), [], undefined);
      this.handleChangeCipherSpec(fragment, recordId);
      return;
    }
    let early: ReturnType<RecordProtection['open']> | undefined;
    if (this.earlySkipBudget > 0 && outerType === ContentType.application_data) {
      const r = this.skipEarlyRecord(record, recordId);
      if (r === 'dropped') return;
      early = r;
    }
    if (this.readProtection && this.isProtectedOuterType(outerType)) {
      let opened: ReturnType<RecordProtection['open']>;
      try {
        opened = early ?? this.readProtection.open(record, this.handshakeIn.buffered);
      } catch (err) {
        // Still a record that arrived (e.g. changed on the way): show its bytes, then fail.
        this.emitRecord('received', recordId, record, recordHeaderSpans(record, 'encrypted_record'), [], undefined);
        throw err;
      }
      type = opened.contentType;
      content = opened.content;
      this.emitRecord('received', recordId, record, opened.spans, this.messageNames(fragmentSpans(type, content, this.handshakeIn.buffered)), opened.info);
    } else {
      // RFC 8446 §5: once keys are in use, only change_cipher_spec (and, leniently, an alert
      // from a peer that could not derive keys) may arrive unprotected.
      if (this.readProtection && outerType === ContentType.handshake) {
        throw new TlsError('PeerUnexpectedMessage', 'unprotected handshake record after keys were established');
      }
      if (!this.readProtection && outerType === ContentType.application_data && !this.readsPlainAppData()) {
        throw new TlsError('PeerUnexpectedMessage', 'application_data record before any keys were established');
      }
      const spans = recordHeaderSpans(record, 'fragment');
      const inner = fragmentSpans(outerType, fragment, this.handshakeIn.buffered, this.version);
      for (const s of inner) spans.push({ ...s, start: s.start + RECORD_HEADER_LEN, end: s.end + RECORD_HEADER_LEN, depth: s.depth + 1 });
      this.emitRecord('received', recordId, record, spans, this.messageNames(inner), undefined);
    }

    // RFC 8446 §5.1: handshake messages MUST NOT be interleaved with other record types.
    if (type !== ContentType.handshake && this.handshakeIn.midMessage) {
      throw new TlsError('PeerUnexpectedMessage', `${nameOf(CONTENT_TYPES, type, 2)} record in the middle of a fragmented handshake message`);
    }
    switch (type) {
      case ContentType.handshake:
        this.handleHandshakeContent(content, recordId);
        return;
      case ContentType.alert:
        this.handleAlert(content);
        return;
      case ContentType.application_data:
        if (!this.canReceiveAppData()) throw new TlsError('PeerUnexpectedMessage', `application data in state ${this.state}`);
        this.appDataReceived(content.length);
        this.appData.push(content);
        this.emit({ type: 'appdata', direction: 'received', data: content, recordId });
        return;
      case ContentType.change_cipher_spec:
        // RFC 8446 §5: a protected change_cipher_spec is an unexpected_message.
        throw new TlsError('PeerUnexpectedMessage', 'protected change_cipher_spec record');
      default:
        throw new TlsError('PeerUnexpectedMessage', `record with unknown inner content type ${type}`);
    }
  }

  /**
   * Rejected 0-RTT data (RFC 8446 §4.2.10): a record that does not open with the read key (or
   * any application_data record before there is one) is dropped while the budget lasts.
   * Returns 'dropped', or the opened record.
   */
  private skipEarlyRecord(record: Uint8Array, recordId: string): 'dropped' | ReturnType<RecordProtection['open']> {
    if (this.readProtection) {
      try {
        const opened = this.readProtection.open(record, this.handshakeIn.buffered);
        this.earlySkipBudget = 0; // it opens: the client has moved on to its handshake keys
        return opened;
      } catch (err) {
        if (!(err instanceof TlsError) || err.kind !== 'PeerBadRecordMac') throw err;
      }
    }
    const len = record.length - RECORD_HEADER_LEN;
    if (len > this.earlySkipBudget) throw new TlsError('PeerBadRecordMac', 'more rejected early data than max_early_data_size');
    this.earlySkipBudget -= len;
    this.emitRecord('received', recordId, record, recordHeaderSpans(record, 'encrypted_record'), [], undefined);
    this.note(`Dropped a 0-RTT record (${len} bytes) the server rejected: it is early data under keys the server does not use.`, 'RFC 8446 §4.2.10');
    return 'dropped';
  }

  /**
   * Which outer content types are opened with the read keys. TLS 1.3 (RFC 8446 §5.2): only
   * application_data. TLS 1.2 (RFC 5246 §6.2.3) keeps the real type outside: a protection
   * with `keepsOuterType` opens every type but change_cipher_spec.
   */
  protected isProtectedOuterType(outerType: number): boolean {
    if (this.readProtection?.keepsOuterType) return outerType !== ContentType.change_cipher_spec;
    return outerType === ContentType.application_data;
  }

  /** Hook before application data is accepted (the server counts 0-RTT bytes). */
  protected appDataReceived(_len: number): void {}

  /** TLS 1.2 hook: a NULL-protected application_data would never be legal in what we speak. */
  protected readsPlainAppData(): boolean {
    return false;
  }

  /** The codec labels each message it finds in a record with its name (or `Name (fragment)`). */
  private messageNames(spans: ByteSpan[]): RecordMessageName[] {
    return spans.filter((s) => s.label === 'Handshake' || s.label === 'Handshake (fragment)').map((s) => (s.value ?? 'Handshake') as RecordMessageName);
  }

  private handleHandshakeContent(content: Uint8Array, recordId: string): void {
    this.handshakeIn.add(content, recordId);
    while (!this.isClosed) {
      const message = this.handshakeIn.next(recordId);
      if (!message) break;
      const { bytes, firstRecord } = message;
      this.completingRecordId = recordId;
      try {
        this.handleHandshake({ msgType: bytes[0]!, bytes, body: bytes.subarray(4) }, firstRecord);
      } finally {
        this.completingRecordId = undefined;
      }
    }
  }

  private handleAlert(content: Uint8Array): void {
    // RFC 8446 §5.1 / RFC 5246 §6.2.1: zero-length fragments of types other than
    // application_data are not allowed (in TLS 1.3 also when the record was only padding).
    if (content.length === 0) throw new TlsError('PeerUnexpectedMessage', 'zero-length alert record');
    // RFC 8446 §6: an alert is exactly two bytes.
    if (content.length !== 2) throw new TlsError('DecodeError', `alert of ${content.length} bytes (must be 2)`);
    const level = content[0]!;
    const code = content[1]!;
    const description = alertName(code);
    this.emit({ type: 'alert', direction: 'received', level: level === 1 ? 'warning' : 'fatal', description, code });
    if (code === ALERT_CODES.close_notify) {
      // RFC 8446 §6.1: answer with our own close_notify, then close.
      if (!this.sentCloseNotify) {
        this.sendAlert(1, 'close_notify');
        this.sentCloseNotify = true;
      }
      this.finishClose('close_notify');
      return;
    }
    if (code === ALERT_CODES.user_canceled) {
      this.note('The peer sent user_canceled; waiting for its close_notify.', 'RFC 8446 §6.1');
      return;
    }
    if (code === ALERT_CODES.no_renegotiation && level === 1 && this.version === 'TLS 1.2' && this.connected) {
      // RFC 5246 §7.2.2: a warning; the requester decides whether to go on. We never ask to renegotiate, so there is nothing to undo.
      this.note('The peer declined a renegotiation (warning no_renegotiation); the connection goes on.', 'RFC 5246 §7.2.2');
      return;
    }
    // RFC 8446 §6.2: every other alert is fatal in TLS 1.3, whatever its level.
    throw new TlsError('PeerSentAlert', `peer sent ${description} alert`);
  }

  /** Switches read keys. RFC 8446 §5.1: a handshake message may not span a key change. */
  protected setReadProtection(p: RecordProtection | null): void {
    if (this.handshakeIn.midMessage) throw new TlsError('PeerUnexpectedMessage', 'handshake data not at a record boundary when keys change');
    this.readProtection = p;
  }

  // ---- writing -----------------------------------------------------------------------------

  /** Queues a handshake message (coalesced with others until a flush or key change). */
  protected queueHandshake(enc: EncodedMessage<unknown>): string {
    const recordId = this.writer.queue(enc.bytes, enc.name);
    this.emit({ type: 'handshake', direction: 'sent', name: enc.name, bytes: enc.bytes, spans: this.cite(enc.spans, enc.name), recordId, summary: summaryOf(enc) });
    return recordId;
  }

  /** Writes pending handshake messages as records of at most maxFragment bytes. */
  protected flush(): void {
    this.writer.flush();
  }

  /** Switches write keys (pending handshake messages go out under the old ones first). */
  protected setWriteProtection(p: RecordProtection | null): void {
    this.flush();
    this.writer.protection = p;
  }

  /** Writes one record now; returns its record id. */
  protected writeRecord(type: number, content: Uint8Array, messages: RecordMessageName[], spans?: ByteSpan[]): string {
    return this.writer.write(type, content, messages, spans);
  }

  protected sendCcs(): void {
    this.flush();
    this.writeRecord(ContentType.change_cipher_spec, new Uint8Array([1]), []);
  }

  /** Declines a request with the warning alert the one table picks (errors.ts); the state does not change. */
  protected decline(kind: TlsDeclineKind, reason: string): void {
    this.sendAlert(1, warningFor(kind), reason);
  }

  protected sendAlert(level: 1 | 2, description: AlertDescription, reason?: string): void {
    this.flush();
    this.emit({ type: 'alert', direction: 'sent', level: level === 1 ? 'warning' : 'fatal', description, code: ALERT_CODES[description], ...(reason ? { reason } : {}) });
    this.writeRecord(ContentType.alert, new Uint8Array([level, ALERT_CODES[description]]), []);
  }

  private emitRecord(
    direction: 'sent' | 'received',
    recordId: string,
    bytes: Uint8Array,
    spans: ByteSpan[],
    messages: RecordMessageName[],
    info: import('../events').ProtectedRecordInfo | undefined,
  ): void {
    if (this.version === 'TLS 1.2' && !info) spans = citeTls12Record(spans);
    this.emit({
      type: 'record',
      direction,
      recordId,
      contentType: contentTypeName(bytes[0]!),
      bytes,
      spans,
      messages,
      ...(info ? { protected: info } : {}),
    });
  }

  // ---- ending ------------------------------------------------------------------------------

  /** Every error ends here: the one alert table decides the alert, then Closed. */
  protected fail(err: unknown): void {
    if (this.isClosed) return;
    const e = asTlsError(err);
    if (e.kind === 'PeerSentAlert') {
      this.finishClose('alert-received', e.reason);
      return;
    }
    const alert = alertFor(e);
    this.writer.dropPending();
    try {
      this.sendAlert(2, alert, e.reason);
    } catch (inner) {
      this.note(`could not send the ${alert} alert: ${asTlsError(inner).reason}`);
    }
    this.finishClose('alert-sent', e.reason);
  }

  protected finishClose(reason: 'close_notify' | 'alert-sent' | 'alert-received' | 'error', error?: string): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.enterClosed();
    this.emit({ type: 'closed', reason, ...(error !== undefined ? { error } : {}) });
  }
}

function summaryOf(enc: EncodedMessage<unknown>): Record<string, string> {
  return enc.summary ?? {};
}
