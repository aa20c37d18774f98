/**
 * The keys of the TLS observer: the negotiated suite, the early, handshake and application
 * keys (RFC 8446 §7.1 from the key log's secrets; RFC 5246 §6.3 key block from the master
 * secret), each Finished checked against the transcript (RFC 8446 §4.4.4, RFC 5246 §7.4.9),
 * and KeyUpdate (RFC 8446 §4.6.3).
 */
import { concatBytes, equalBytes, toHex } from '../codec/hex';
import type { DerivationInput, TlsEventBody } from '../events';
import { hash as hashBytes } from '../crypto/hash';
import { suite13ByCode, TLS13_SUITES } from '../crypto/tls13-suites';
import { CIPHER_SUITES, GROUPS, nameOf, VERSIONS } from '../msgs/enums';
import { findExt } from '../msgs/extensions';
import { type HandshakeMessage } from '../msgs/handshake';
import { Protection13 } from '../record/tls13';
import { deriveKeyBlock, finishedVerifyData, tls12Position } from '../crypto/tls12-key-schedule';
import { digest } from '../crypto/prf';
import { Tls12RecordProtection } from '../record/tls12';
import { tls12SuiteByCode } from '../crypto/tls12-suites';

import { hashLen } from '../crypto/hash';
import type { Suite13 } from '../crypto/tls13-suites';
import { RECEIVER, SENDER, TLS13_KEYLOG, type Dir, type DistributiveOmit } from './tls-stream';
import { RecordObserver } from './record-observer';

/** The observer's key derivation and Finished checks, over its record layer. */
export abstract class KeyObserver extends RecordObserver {
  protected setSuite(code: number): void {
    this.suiteCode = code;
    if (this.version === 'TLS 1.3') this.suite13 = suite13ByCode(code);
    else this.suite12 = tls12SuiteByCode(code);
  }

  protected onServerHello(m: Extract<HandshakeMessage, { legacySessionIdEcho: Uint8Array }>, recordId: string): void {
    this.serverRandom = m.random;
    const selected = findExt(m.extensions, 'supported_versions_selected')?.version;
    const wasHrr = this.version === 'TLS 1.3';
    this.version = selected === 0x0304 ? 'TLS 1.3' : m.legacyVersion === 0x0303 && selected === undefined ? 'TLS 1.2' : selected === 0x0303 ? 'TLS 1.2' : 'older';
    this.setSuite(m.cipherSuite);
    const suiteName = nameOf(CIPHER_SUITES, m.cipherSuite);
    const n: DistributiveOmit<Extract<TlsEventBody, { type: 'negotiated' }>, 'side'> = {
      type: 'negotiated',
      cipherSuite: suiteName,
      ...(this.serverName ? { serverName: this.serverName } : {}),
    };
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
    if (this.clientHelloAt !== undefined)
      this.emit('client', { type: 'timing', what: 'ClientHello sent → ServerHello captured (round trip, from the packet timestamps)', ms: this.now - this.clientHelloAt });
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
  protected earlyKeys(): void {
    const secret = this.secrets?.get('CLIENT_EARLY_TRAFFIC_SECRET');
    if (!secret || this.opts.listOnly) return;
    this.keyLogSecret('CLIENT_EARLY_TRAFFIC_SECRET', 'client_early_traffic_secret', 'early', secret, 'RFC 8446 §7.1');
    for (const suite of TLS13_SUITES) {
      if (hashLen(suite.hash) !== secret.length) continue;
      const k = this.schedule(suite.hash).trafficKeys(secret, 'client_early_traffic_secret', `client_early_${suite.name}`, suite.keyLen, suite.ivLen);
      this.candidates.c2s.push(new Protection13(suite, k.key, k.iv, 'client_early_traffic_secret'));
    }
  }

  protected handshakeKeys13(recordId: string): void {
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
      this.trafficKeyFromLog(suite, label, dir, 'handshake records stay', '_traffic_secret', '');
    }
  }

  /**
   * A TLS 1.3 traffic secret from the key log becomes a `secret` event and the keys a direction
   * may be under next (RFC 8446 §7.1, §7.3); a missing one is said. Returns the secret.
   */
  protected trafficKeyFromLog(suite: Suite13, label: string, dir: Dir, what: string, suffix: string, keyName: string): Uint8Array | undefined {
    const secret = this.secrets?.get(label);
    const meta = TLS13_KEYLOG[label]!;
    if (!secret) {
      this.note('client', `The key log has no ${label} for this connection: the ${SENDER[dir]}'s ${what} encrypted.`);
      return undefined;
    }
    this.keyLogSecret(label, meta.name, meta.stage, secret, 'RFC 8446 §7.1');
    const k = this.schedule(suite.hash).trafficKeys(secret, meta.name, meta.name.replace(suffix, keyName), suite.keyLen, suite.ivLen);
    this.candidates[dir].push(new Protection13(suite, k.key, k.iv, meta.name));
    return secret;
  }

  protected applicationKeys13(): void {
    const suite = this.suite13;
    if (!suite || !this.secrets) return;
    for (const [label, dir] of [
      ['SERVER_TRAFFIC_SECRET_0', 's2c'],
      ['CLIENT_TRAFFIC_SECRET_0', 'c2s'],
    ] as const) {
      const secret = this.trafficKeyFromLog(suite, label, dir, 'application data stays', '_traffic_secret_0', '_application');
      if (secret) this.appSecret[dir] = { value: secret, n: 0 };
    }
    const exporter = this.secrets.get('EXPORTER_SECRET');
    if (exporter) this.keyLogSecret('EXPORTER_SECRET', 'exporter_master_secret', 'master', exporter, 'RFC 8446 §7.5');
  }

  protected keys12(): void {
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
      this.emit('client', { type: 'secret', name, value: value.slice(), formula, inputs, rfc, stage: 'tls12', position: tls12Position(name) });
    const keys = deriveKeyBlock({ suite, masterSecret: ms, clientRandom: this.clientRandom!, serverRandom: this.serverRandom!, report });
    this.pending12.c2s = new Tls12RecordProtection(suite, keys.clientWriteKey, keys.clientWriteIv, 'client_write_key');
    this.pending12.s2c = new Tls12RecordProtection(suite, keys.serverWriteKey, keys.serverWriteIv, 'server_write_key');
  }

  protected onFinished(dir: Dir, verifyData: Uint8Array, before: Uint8Array[], recordId: string): void {
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
        this.emit('client', { type: 'secret', name, value: value.slice(), formula, inputs, rfc, stage: 'tls12', position: tls12Position(name) });
      expected = finishedVerifyData({
        hash: this.suite12.hash,
        masterSecret: this.masterSecret12,
        side: S,
        handshakeHash: digest(this.suite12.hash, concatBytes(...before)),
        report,
      });
      how = `PRF(master_secret, "${S} finished", Hash(handshake_messages))`;
    }
    const rfc = this.version === 'TLS 1.2' ? 'RFC 5246 §7.4.9' : 'RFC 8446 §4.4.4';
    if (!expected) {
      this.noteOnce('finished-unverified', R, `The Finished messages cannot be checked without the key log's secrets for this connection.`, rfc, recordId);
      return;
    }
    if (equalBytes(expected, verifyData)) this.note(R, `The ${S}'s Finished is correct: its verify_data equals ${how} over the handshake as captured.`, rfc, recordId);
    else {
      this.note(
        R,
        `The ${S}'s Finished does NOT match: verify_data ${toHex(verifyData)}, expected ${toHex(expected)} (${how}). The handshake was changed, or the key log belongs to another connection.`,
        rfc,
        recordId,
      );
      this.problems.push(`The ${S}'s Finished does not match the transcript.`);
    }
  }

  /** KeyUpdate (RFC 8446 §4.6.3): the sender's next records use application_traffic_secret_N+1. */
  protected onKeyUpdate(dir: Dir, requestUpdate: number, recordId: string): void {
    const S = SENDER[dir];
    const cur = this.appSecret[dir];
    const suite = this.suite13;
    if (!cur || !suite || this.opts.listOnly) {
      this.note(
        RECEIVER[dir],
        `The ${S} updated its keys${requestUpdate ? ' and asked for the same' : ''}; the records after it need the next secret, which comes from the one the key log gives.`,
        'RFC 8446 §4.6.3',
        recordId,
      );
      return;
    }
    const name = (n: number) => `${S}_application_traffic_secret_${n}`;
    const ks = this.schedule(suite.hash);
    const next = ks.nextApplicationSecret(cur.value, name(cur.n), name(cur.n + 1));
    const k = ks.trafficKeys(next, name(cur.n + 1), `${S}_application_${cur.n + 1}`, suite.keyLen, suite.ivLen);
    this.appSecret[dir] = { value: next, n: cur.n + 1 };
    this.candidates[dir] = [new Protection13(suite, k.key, k.iv, name(cur.n + 1))];
    this.note(
      RECEIVER[dir],
      `The ${S} moved to ${name(cur.n + 1)}${requestUpdate ? ' and asked its peer to update too' : ''}; its next records are read with the new key.`,
      'RFC 8446 §4.6.3',
      recordId,
    );
  }
}
