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
 *
 * In layers, one file each: tls-stream.ts (options, result, records of a byte stream),
 * record-observer.ts (records and their protection), key-observer.ts (keys, Finished,
 * KeyUpdate), and here the handshake messages and the entry point.
 */
import { concatBytes, toHex } from '../codec/hex';
import type { Side, TlsEvent } from '../events';
import { hash as hashBytes, type HashName } from '../crypto/hash';
import { CIPHER_SUITES, ContentType, GROUPS, handshakeMessageName, HandshakeType, nameOf } from '../msgs/enums';
import { findExt } from '../msgs/extensions';
import { decodeHandshake, type HandshakeFrame } from '../msgs/handshake';
import { contentSpans } from '../record/content-spans';
import { citeTls12Hello, decodeHandshake12 } from '../msgs/handshake12';
import { verifyChain } from '../pki/verify';
import { parseCertificate } from '../pki/parse';
import { schemeMatchesKey, signatureSchemeFromCode, verify, verifyTls12 } from '../crypto/signature';
import { certificateVerifyContent } from '../handshake/tls13';
import { serverKeyExchangeSignedContent } from '../msgs/tls12';
import { SIGNATURE_SCHEMES } from '../msgs/enums';
import type { ByteStream } from './tcp';
import { decodeTicket12, RECEIVER, SENDER, splitRecords, type Decoded, type Dir, type ObservedConnection, type ObserveOptions } from './tls-stream';
import { KeyObserver } from './key-observer';

export { KEY_LOG_HINT } from '../keylog';
export { startsLikeTls, type ObservedConnection, type ObserveOptions } from './tls-stream';

/** The handshake layer: each message decoded and acted on, the certificate report, the summary. */
/** A decoded handshake message of either version, by type. */
type AnyMessage = NonNullable<Decoded['m13'] | Decoded['m12']>;
type Msg<T extends string> = AnyMessage extends infer X ? (X extends { type: infer U } ? (T extends U ? X : never) : never) : never;

class Observer extends KeyObserver {
  // ---- handshake messages --------------------------------------------------------------------

  protected decode(frame: HandshakeFrame): Decoded {
    try {
      if (frame.msgType === HandshakeType.new_session_ticket && this.version !== 'TLS 1.3') return decodeTicket12(frame);
      if (this.version === 'TLS 1.2' || this.version === 'older') {
        const d = decodeHandshake12(frame, this.kx);
        return { name: d.name, bytes: d.bytes, spans: d.spans, summary: d.summary, m12: d.msg };
      }
      const d = decodeHandshake(frame);
      return { name: d.name, bytes: d.bytes, spans: d.spans, summary: d.summary ?? {}, m13: d.msg };
    } catch (err) {
      const name = handshakeMessageName(frame.msgType);
      return { name, bytes: frame.bytes, spans: contentSpans(ContentType.handshake, frame.bytes), summary: {}, error: err instanceof Error ? err.message : String(err) };
    }
  }

  protected hashName(): HashName | undefined {
    return this.suite13?.hash ?? (this.suite12 ? (this.suite12.hash === 'sha384' ? 'SHA-384' : 'SHA-256') : undefined);
  }

  protected onMessage(dir: Dir, d: Decoded, frame: HandshakeFrame, recordId: string): void {
    const S = SENDER[dir];
    const R = RECEIVER[dir];
    const postHandshake = this.finished[dir] || (this.version === 'TLS 1.3' && (frame.msgType === HandshakeType.new_session_ticket || frame.msgType === HandshakeType.key_update));
    const before = this.transcript.slice();
    if (!postHandshake && frame.msgType !== 0) this.transcript.push(frame.bytes);
    const m = d.m13 ?? d.m12;
    if (!m) return;
    switch (m.type) {
      case 'ClientHello':
        this.onClientHello(R, m);
        return;
      case 'HelloRetryRequest':
        this.onHelloRetry(m, frame, before);
        return;
      case 'ServerHello':
        this.onServerHello(m, recordId);
        return;
      case 'EncryptedExtensions': {
        const alpn = findExt(m.extensions, 'alpn')?.protocols[0];
        const early = this.offeredEarly ? (findExt(m.extensions, 'early_data') ? 'accepted' : 'rejected') : undefined;
        if (alpn || early)
          for (const side of ['client', 'server'] as const) this.emit(side, { type: 'negotiated', ...(alpn ? { alpn } : {}), ...(early ? { earlyData: early } : {}) });
        return;
      }
      case 'CertificateRequest':
        for (const side of ['client', 'server'] as const) this.emit(side, { type: 'negotiated', clientAuth: 'requested' });
        return;
      case 'Certificate': {
        const chain = 'entries' in m ? m.entries.map((e) => e.certData) : m.chain;
        this.verifyCertificate(dir, chain, recordId);
        try {
          const key = chain[0] ? parseCertificate(chain[0]).publicKey : undefined;
          if (key) this.leafKey[dir] = key;
        } catch {
          /* the certificate report says what is wrong with it */
        }
        return;
      }
      case 'CertificateVerify':
        this.onCertificateVerify(dir, m, postHandshake, before, recordId);
        return;
      case 'ServerKeyExchange':
        this.checkSignature(
          dir,
          m.ske.signed.algorithm,
          m.ske.signed.signature,
          () => serverKeyExchangeSignedContent(this.clientRandom!, this.serverRandom!, m.ske.paramsBytes),
          'RFC 8422 §5.4',
          recordId,
        );
        return;
      case 'Finished':
        if (postHandshake) {
          this.note(
            R,
            `The ${S}'s Finished comes after the handshake (post-handshake authentication, RFC 8446 §4.6.2); TLS Lab does not check it yet.`,
            'RFC 8446 §4.6.2',
            recordId,
          );
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

  /** ClientHello: the client random picks the key log's secrets; early_data offered starts the 0-RTT keys. */
  private onClientHello(R: Side, m: Msg<'ClientHello'>): void {
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
  }

  /** HelloRetryRequest: TLS 1.3, and ClientHello1 becomes message_hash in the transcript (RFC 8446 §4.4.1). */
  private onHelloRetry(m: Msg<'HelloRetryRequest'>, frame: HandshakeFrame, before: readonly Uint8Array[]): void {
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
      this.emit(side, {
        type: 'negotiated',
        version: 'TLS 1.3',
        cipherSuite: nameOf(CIPHER_SUITES, m.cipherSuite),
        helloRetry: true,
        ...(group !== undefined ? { group: nameOf(GROUPS, group) } : {}),
      });
  }

  /** CertificateVerify of either version, checked against the signer's certificate key. */
  private onCertificateVerify(dir: Dir, m: Msg<'CertificateVerify'>, postHandshake: boolean, before: readonly Uint8Array[], recordId: string): void {
    const S = SENDER[dir];
    const R = RECEIVER[dir];
    if (postHandshake) {
      this.note(
        R,
        `The ${S}'s CertificateVerify comes after the handshake (post-handshake authentication, RFC 8446 §4.6.2); TLS Lab does not check post-handshake signatures yet.`,
        'RFC 8446 §4.6.2',
        recordId,
      );
      return;
    }
    if ('scheme' in m)
      this.checkSignature(
        dir,
        m.scheme,
        m.signature,
        () => certificateVerifyContent(`TLS 1.3, ${S} CertificateVerify`, hashBytes(this.suite13!.hash, concatBytes(...before))),
        'RFC 8446 §4.4.3',
        recordId,
      );
    else this.checkSignature(dir, m.signed.algorithm, m.signed.signature, () => concatBytes(...before), 'RFC 5246 §7.4.8', recordId);
  }

  /** A handshake signature checked with the key in the signer's certificate, as its peer would (reported as a note). */
  protected checkSignature(dir: Dir, code: number, signature: Uint8Array, content: () => Uint8Array, rfc: string, recordId: string): void {
    if (this.opts.listOnly) return;
    const S = SENDER[dir];
    const R = RECEIVER[dir];
    const what = this.version === 'TLS 1.2' && dir === 's2c' ? 'ServerKeyExchange' : 'CertificateVerify';
    const scheme = signatureSchemeFromCode(code);
    const key = this.leafKey[dir];
    if (!scheme || !key || (this.version === 'TLS 1.3' && !this.suite13)) {
      this.note(
        R,
        `The ${S}'s ${what} signature (${nameOf(SIGNATURE_SCHEMES, code)}) was not checked: ${!scheme ? 'TLS Lab does not implement this scheme' : !key ? "the certificate's key could not be read" : 'the cipher suite is unknown'}.`,
        rfc,
        recordId,
      );
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

  protected verifyCertificate(dir: Dir, chain: Uint8Array[], recordId: string): void {
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
    for (const check of report.checks) this.emit(R, { type: 'cert-check', check, recordId });
    this.emit(R, { type: 'cert-report', report, recordId });
    if (this.opts.trustName) this.note(R, `The ${purpose}'s chain was checked against ${this.opts.trustName}, at the capture's time ${new Date(this.now).toISOString()}.`);
  }

  /** How the connection went, for the list. */
  summary(): Pick<ObservedConnection, 'serverName' | 'version' | 'cipherSuite' | 'decryption' | 'records'> {
    // A suite (or version) we cannot decrypt, whatever the key log holds.
    const unsupported =
      this.version === 'older' ||
      (this.version === 'TLS 1.2' && this.suiteCode !== undefined && !this.suite12) ||
      (this.version === 'TLS 1.3' && this.suiteCode !== undefined && !this.suite13);
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

/**
 * Observes one connection: the client's and the server's byte streams become events.
 * `t0` is the time of the connection's first packet (ms since the epoch).
 */
export function observeConnection(
  client: ByteStream,
  server: ByteStream,
  t0: number,
  opts: ObserveOptions = {},
): { events: TlsEvent[]; problems: string[]; summary: ReturnType<Observer['summary']> } {
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
