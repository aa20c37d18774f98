/**
 * The TLS 1.3 key schedule (RFC 8446 §7.1), emitting every secret it derives.
 *
 *              0
 *              |
 *              v
 *    PSK ->  HKDF-Extract = Early Secret
 *              |
 *              +-----> Derive-Secret(., "ext binder" | "res binder", "")
 *              |                     = binder_key
 *              |
 *              +-----> Derive-Secret(., "c e traffic", ClientHello)
 *              |                     = client_early_traffic_secret
 *              |
 *              +-----> Derive-Secret(., "e exp master", ClientHello)
 *              |                     = early_exporter_master_secret
 *              v
 *        Derive-Secret(., "derived", "")
 *              |
 *              v
 *    (EC)DHE -> HKDF-Extract = Handshake Secret
 *              |
 *              +-----> Derive-Secret(., "c hs traffic",
 *              |                     ClientHello...ServerHello)
 *              |                     = client_handshake_traffic_secret
 *              |
 *              +-----> Derive-Secret(., "s hs traffic",
 *              |                     ClientHello...ServerHello)
 *              |                     = server_handshake_traffic_secret
 *              v
 *        Derive-Secret(., "derived", "")
 *              |
 *              v
 *    0 -> HKDF-Extract = Master Secret
 *              |
 *              +-----> Derive-Secret(., "c ap traffic",
 *              |                     ClientHello...server Finished)
 *              |                     = client_application_traffic_secret_0
 *              |
 *              +-----> Derive-Secret(., "s ap traffic",
 *              |                     ClientHello...server Finished)
 *              |                     = server_application_traffic_secret_0
 *              |
 *              +-----> Derive-Secret(., "exp master",
 *              |                     ClientHello...server Finished)
 *              |                     = exporter_master_secret
 *              |
 *              +-----> Derive-Secret(., "res master",
 *                                    ClientHello...client Finished)
 *                                    = resumption_master_secret
 *
 * Traffic keys (§7.3): [sender]_write_key = HKDF-Expand-Label(Secret, "key", "", key_length),
 * [sender]_write_iv = HKDF-Expand-Label(Secret, "iv", "", iv_length).
 * Finished (§4.4.4): finished_key = HKDF-Expand-Label(BaseKey, "finished", "", Hash.length),
 * verify_data = HMAC(finished_key, Transcript-Hash(Handshake Context, Certificate*, CertificateVerify*)).
 *
 * Without a PSK the Early Secret is HKDF-Extract(0, 0^HashLen). Resumption (§2.2, §4.6.1): the
 * ticket's PSK = HKDF-Expand-Label(resumption_master_secret, "resumption", ticket_nonce,
 * Hash.length) is the IKM of the next connection's Early Secret, and the ClientHello proves it
 * holds it with a binder (§4.2.11.2): HMAC(finished_key(binder_key), Transcript-Hash(Truncate(ClientHello))).
 */
import type { SecretStage, TlsEventBody } from '../events';
import { hash, hashLen, hmac, type HashName } from './hash';
import { deriveSecret, hkdfExpandLabel, hkdfExtract, hkdfLabel } from './hkdf';

/** What the key schedule reports for each derived value: a `secret` event without its side (the endpoint adds it); the TLS 1.3 schedule always names the parents. */
export type SecretReport = Omit<Extract<TlsEventBody, { type: 'secret' }>, 'type' | 'side' | 'parents'> & { parents: string[] };

/** The event names of the schedule's three main secrets, by the names RFC 8446 §7.1 draws. */
const EVENT_NAME: Record<string, string> = { 'Early Secret': 'early_secret', 'Handshake Secret': 'handshake_secret', 'Master Secret': 'master_secret' };
const eventName = (rfcName: string): string => EVENT_NAME[rfcName] ?? rfcName;

export type SecretSink = (s: SecretReport) => void;

/**
 * The names RFC 8446 §7.3 gives the key and iv expanded from a traffic secret:
 * `server_handshake_traffic_secret` → `server_handshake_write_key`, with their formulas.
 * (`client_application_traffic_secret_1` → `client_application_write_key`.)
 */
export function trafficKeyNames(secretName: string, keyLen: number, ivLen: number): { keyLabel: string; keyFormula: string; ivLabel: string; ivFormula: string } {
  const prefix = secretName.replace(/_traffic_secret(_\d+)?$/, '');
  return {
    keyLabel: `${prefix}_write_key`,
    keyFormula: `HKDF-Expand-Label(${secretName}, "key", "", ${keyLen})`,
    ivLabel: `${prefix}_write_iv`,
    ivFormula: `HKDF-Expand-Label(${secretName}, "iv", "", ${ivLen})`,
  };
}

export interface TrafficKeys {
  key: Uint8Array;
  iv: Uint8Array;
}

export class KeySchedule {
  private early?: Uint8Array;
  private handshake?: Uint8Array;
  private master?: Uint8Array;

  constructor(
    readonly hashName: HashName,
    private readonly out: SecretSink,
  ) {}

  get hashLength(): number {
    return hashLen(this.hashName);
  }

  private zeros(): Uint8Array {
    return new Uint8Array(this.hashLength);
  }

  private derivedSalt(from: Uint8Array, fromName: string, name: string): Uint8Array {
    const emptyHash = hash(this.hashName, new Uint8Array());
    const v = deriveSecret(this.hashName, from, 'derived', emptyHash);
    this.out({
      name,
      value: v,
      formula: `Derive-Secret(${fromName}, "derived", "")`,
      inputs: [
        { name: fromName, value: from },
        { name: 'label', value: 'tls13 derived' },
        { name: `${this.hashName}("")`, value: emptyHash },
        { name: 'HkdfLabel', value: hkdfLabel('derived', emptyHash, this.hashLength) },
      ],
      rfc: 'RFC 8446 §7.1',
      stage: name === 'derived_for_handshake' ? 'early' : 'handshake',
      parents: [eventName(fromName)],
      position: 'chain',
    });
    return v;
  }

  /** Early Secret = HKDF-Extract(salt = 0, IKM = PSK or 0^HashLen). */
  deriveEarlySecret(psk?: Uint8Array): Uint8Array {
    const zeros = this.zeros();
    this.early = hkdfExtract(this.hashName, new Uint8Array(), psk ?? zeros);
    this.out({
      name: 'early_secret',
      value: this.early,
      formula: psk ? 'HKDF-Extract(salt = 0, IKM = PSK)  (resumption PSK)' : 'HKDF-Extract(salt = 0, IKM = 0^HashLen)  (no PSK)',
      inputs: [
        { name: 'salt', value: zeros },
        { name: psk ? 'IKM (PSK)' : 'IKM', value: psk ?? zeros },
        { name: 'Hash', value: this.hashName },
      ],
      rfc: 'RFC 8446 §7.1',
      stage: 'early',
      parents: [],
      position: 'chain',
    });
    return this.early;
  }

  /** binder_key = Derive-Secret(Early Secret, "res binder", "") (RFC 8446 §7.1). */
  deriveBinderKey(): Uint8Array {
    if (!this.early) throw new Error('key schedule: binder key before early secret');
    return this.traffic(this.early, 'Early Secret', 'res binder', hash(this.hashName, new Uint8Array()), '""', 'binder_key', 'early');
  }

  /**
   * The PSK binder (RFC 8446 §4.2.11.2): HMAC(finished_key, Transcript-Hash(Truncate(ClientHello))),
   * with finished_key = HKDF-Expand-Label(binder_key, "finished", "", Hash.length) (§4.4.4).
   */
  binder(binderKey: Uint8Array, truncatedHash: Uint8Array, ctxName: string): Uint8Array {
    const finishedKey = hkdfExpandLabel(this.hashName, binderKey, 'finished', new Uint8Array(), this.hashLength);
    this.out({
      name: 'binder_finished_key',
      value: finishedKey,
      formula: 'HKDF-Expand-Label(binder_key, "finished", "", Hash.length)',
      inputs: [
        { name: 'binder_key', value: binderKey },
        { name: 'HkdfLabel', value: hkdfLabel('finished', new Uint8Array(), this.hashLength) },
      ],
      rfc: 'RFC 8446 §4.2.11.2',
      stage: 'early',
      parents: ['binder_key'],
      position: 'branch',
    });
    const binder = hmac(this.hashName, finishedKey, truncatedHash);
    this.out({
      name: 'psk_binder',
      value: binder,
      formula: `HMAC(binder_finished_key, Transcript-Hash(${ctxName}))`,
      inputs: [
        { name: 'binder_finished_key', value: finishedKey },
        { name: `Transcript-Hash(${ctxName})`, value: truncatedHash },
      ],
      rfc: 'RFC 8446 §4.2.11.2',
      stage: 'early',
      parents: ['binder_finished_key'],
      position: 'branch',
    });
    return binder;
  }

  /** client_early_traffic_secret = Derive-Secret(Early Secret, "c e traffic", ClientHello) (0-RTT). */
  deriveEarlyTrafficSecret(clientHelloHash: Uint8Array): Uint8Array {
    if (!this.early) throw new Error('key schedule: early traffic secret before early secret');
    return this.traffic(this.early, 'Early Secret', 'c e traffic', clientHelloHash, 'ClientHello', 'client_early_traffic_secret', 'early');
  }

  /** early_exporter_master_secret = Derive-Secret(Early Secret, "e exp master", ClientHello). */
  deriveEarlyExporterSecret(clientHelloHash: Uint8Array): Uint8Array {
    if (!this.early) throw new Error('key schedule: early exporter secret before early secret');
    return this.traffic(this.early, 'Early Secret', 'e exp master', clientHelloHash, 'ClientHello', 'early_exporter_master_secret', 'early');
  }

  /**
   * The PSK of a NewSessionTicket (RFC 8446 §4.6.1):
   * HKDF-Expand-Label(resumption_master_secret, "resumption", ticket_nonce, Hash.length).
   */
  ticketPsk(resumptionMasterSecret: Uint8Array, nonce: Uint8Array, name: string): Uint8Array {
    const v = hkdfExpandLabel(this.hashName, resumptionMasterSecret, 'resumption', nonce, this.hashLength);
    this.out({
      name,
      value: v,
      formula: 'HKDF-Expand-Label(resumption_master_secret, "resumption", ticket_nonce, Hash.length)',
      inputs: [
        { name: 'resumption_master_secret', value: resumptionMasterSecret },
        { name: 'ticket_nonce', value: nonce },
        { name: 'HkdfLabel', value: hkdfLabel('resumption', nonce, this.hashLength) },
      ],
      rfc: 'RFC 8446 §4.6.1',
      stage: 'master',
      parents: ['resumption_master_secret'],
      position: 'branch',
    });
    return v;
  }

  /** Handshake Secret and the two handshake traffic secrets. */
  deriveHandshakeSecrets(sharedSecret: Uint8Array, helloHash: Uint8Array): { client: Uint8Array; server: Uint8Array } {
    const early = this.early ?? this.deriveEarlySecret();
    const salt = this.derivedSalt(early, 'Early Secret', 'derived_for_handshake');
    this.handshake = hkdfExtract(this.hashName, salt, sharedSecret);
    this.out({
      name: 'handshake_secret',
      value: this.handshake,
      formula: 'HKDF-Extract(salt = Derive-Secret(Early Secret, "derived", ""), IKM = (EC)DHE shared secret)',
      inputs: [
        { name: 'salt', value: salt },
        { name: 'IKM ((EC)DHE shared secret)', value: sharedSecret },
      ],
      rfc: 'RFC 8446 §7.1',
      stage: 'handshake',
      parents: ['derived_for_handshake', 'ecdhe_shared_secret'],
      position: 'chain',
    });
    const client = this.traffic(this.handshake, 'Handshake Secret', 'c hs traffic', helloHash, 'ClientHello...ServerHello', 'client_handshake_traffic_secret', 'handshake');
    const server = this.traffic(this.handshake, 'Handshake Secret', 's hs traffic', helloHash, 'ClientHello...ServerHello', 'server_handshake_traffic_secret', 'handshake');
    return { client, server };
  }

  /** Master Secret and the application traffic secrets (transcript through server Finished). */
  deriveMasterSecrets(serverFinishedHash: Uint8Array): { client: Uint8Array; server: Uint8Array; exporter: Uint8Array } {
    if (!this.handshake) throw new Error('key schedule: master secret before handshake secret');
    const salt = this.derivedSalt(this.handshake, 'Handshake Secret', 'derived_for_master');
    const zeros = this.zeros();
    this.master = hkdfExtract(this.hashName, salt, zeros);
    this.out({
      name: 'master_secret',
      value: this.master,
      formula: 'HKDF-Extract(salt = Derive-Secret(Handshake Secret, "derived", ""), IKM = 0^HashLen)',
      inputs: [
        { name: 'salt', value: salt },
        { name: 'IKM', value: zeros },
      ],
      rfc: 'RFC 8446 §7.1',
      stage: 'master',
      parents: ['derived_for_master'],
      position: 'chain',
    });
    const ctx = 'ClientHello...server Finished';
    const client = this.traffic(this.master, 'Master Secret', 'c ap traffic', serverFinishedHash, ctx, 'client_application_traffic_secret_0', 'master');
    const server = this.traffic(this.master, 'Master Secret', 's ap traffic', serverFinishedHash, ctx, 'server_application_traffic_secret_0', 'master');
    const exporter = this.traffic(this.master, 'Master Secret', 'exp master', serverFinishedHash, ctx, 'exporter_master_secret', 'master');
    return { client, server, exporter };
  }

  /** resumption_master_secret (transcript through client Finished). */
  deriveResumptionMasterSecret(clientFinishedHash: Uint8Array): Uint8Array {
    if (!this.master) throw new Error('key schedule: resumption secret before master secret');
    return this.traffic(this.master, 'Master Secret', 'res master', clientFinishedHash, 'ClientHello...client Finished', 'resumption_master_secret', 'master');
  }

  private traffic(secret: Uint8Array, secretName: string, label: string, th: Uint8Array, ctxName: string, name: string, stage: SecretStage): Uint8Array {
    const v = deriveSecret(this.hashName, secret, label, th);
    this.out({
      name,
      value: v,
      formula: `Derive-Secret(${secretName}, "${label}", ${ctxName})`,
      inputs: [
        { name: secretName, value: secret },
        { name: 'label', value: `tls13 ${label}` },
        { name: `Transcript-Hash(${ctxName})`, value: th },
        { name: 'HkdfLabel', value: hkdfLabel(label, th, this.hashLength) },
      ],
      rfc: 'RFC 8446 §7.1',
      stage,
      parents: [eventName(secretName)],
      position: 'branch',
    });
    return v;
  }

  /**
   * [sender]_write_key and [sender]_write_iv from a traffic secret (RFC 8446 §7.3).
   * `prefix` names them, e.g. `server_handshake` → server_handshake_write_key.
   */
  trafficKeys(secret: Uint8Array, secretName: string, prefix: string, keyLen: number, ivLen: number): TrafficKeys {
    const expand = (label: 'key' | 'iv', len: number): Uint8Array => {
      const value = hkdfExpandLabel(this.hashName, secret, label, new Uint8Array(), len);
      this.out({
        name: `${prefix}_write_${label}`,
        value,
        formula: `HKDF-Expand-Label(${secretName}, "${label}", "", ${len})`,
        inputs: [
          { name: secretName, value: secret },
          { name: 'HkdfLabel', value: hkdfLabel(label, new Uint8Array(), len) },
        ],
        rfc: 'RFC 8446 §7.3',
        stage: 'traffic',
        parents: [secretName],
        position: 'branch',
      });
      return value;
    };
    return { key: expand('key', keyLen), iv: expand('iv', ivLen) };
  }

  /** finished_key and verify_data (RFC 8446 §4.4.4). `who` is 'client' or 'server'. */
  finished(baseKey: Uint8Array, baseKeyName: string, who: string, transcriptHash: Uint8Array, ctxName: string): Uint8Array {
    const finishedKey = hkdfExpandLabel(this.hashName, baseKey, 'finished', new Uint8Array(), this.hashLength);
    this.out({
      name: `${who}_finished_key`,
      value: finishedKey,
      formula: `HKDF-Expand-Label(${baseKeyName}, "finished", "", Hash.length)`,
      inputs: [
        { name: baseKeyName, value: baseKey },
        { name: 'HkdfLabel', value: hkdfLabel('finished', new Uint8Array(), this.hashLength) },
      ],
      rfc: 'RFC 8446 §4.4.4',
      stage: 'handshake',
      parents: [baseKeyName],
      position: 'branch',
    });
    const verifyData = hmac(this.hashName, finishedKey, transcriptHash);
    this.out({
      name: `${who}_verify_data`,
      value: verifyData,
      formula: `HMAC(${who}_finished_key, Transcript-Hash(${ctxName}))`,
      inputs: [
        { name: `${who}_finished_key`, value: finishedKey },
        { name: `Transcript-Hash(${ctxName})`, value: transcriptHash },
      ],
      rfc: 'RFC 8446 §4.4.4',
      stage: 'handshake',
      parents: [`${who}_finished_key`],
      position: 'branch',
    });
    return verifyData;
  }

  /** application_traffic_secret_N+1 = HKDF-Expand-Label(application_traffic_secret_N, "traffic upd", "", Hash.length) (§7.2). */
  nextApplicationSecret(current: Uint8Array, currentName: string, nextName: string): Uint8Array {
    const v = hkdfExpandLabel(this.hashName, current, 'traffic upd', new Uint8Array(), this.hashLength);
    this.out({
      name: nextName,
      value: v,
      formula: `HKDF-Expand-Label(${currentName}, "traffic upd", "", Hash.length)`,
      inputs: [{ name: currentName, value: current }],
      rfc: 'RFC 8446 §7.2',
      stage: 'traffic',
      parents: [currentName],
      position: 'branch',
    });
    return v;
  }
}
