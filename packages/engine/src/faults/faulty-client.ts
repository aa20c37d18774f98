/**
 * A client that commits a fault on purpose, for teaching runs (scenario.ts FaultName): a real
 * `TlsClient`, unchanged, whose ClientKeyExchange is rewritten on its way out, through the
 * codec (msgs/handshake12.ts) — the endpoints hold no fault code.
 *
 * - `tls12-corrupt-premaster`: encryptedPreMasterSecret becomes an RSA encryption of the
 *   client's premaster with client_version 2.0 instead of 3.3 (RFC 5246 §7.4.7.1);
 * - `tls12-bad-premaster-padding`: the RSA block is padded 00 01 … instead of 00 02 …
 *   (RFC 8017 §7.2.1), the case Bleichenbacher's attack probes.
 *
 * Either way the server's countermeasure (RFC 5246 §7.4.7.1) goes on with a random premaster,
 * the two sides derive different keys, and the server cannot open the client's Finished:
 * bad_record_mac. The encryption uses the server key from the Certificate the client received,
 * the premaster the client reported (its `pre_master_secret` event) and the same random
 * padding the client's own encryption drew, so the run's random stream is unchanged. The
 * rewritten message is the one the client's transcript holds (ClientContext.outgoing), as with
 * a client whose RSA step is broken. Each fault is announced by a note on the record that
 * carries the message.
 */
import { TlsClient } from '../client/client';
import type { ClientConfig } from '../config';
import type { PublicKey } from '../crypto/keys';
import { encryptPremaster } from '../crypto/rsa-kx';
import type { Rng } from '../crypto/rng';
import { TlsError } from '../errors';
import type { EncodedMessage } from '../msgs/handshake';
import { decodeHandshake12, encodeHandshake12, type Encoded12 } from '../msgs/handshake12';
import { parseCertificateCached } from '../pki/verify';
import type { SidelessEvent } from '../record/handshake-io';

/** The faults a client commits itself (inside its own records, where a man in the middle could not). */
export type ClientFault = 'tls12-corrupt-premaster' | 'tls12-bad-premaster-padding';

export const CLIENT_FAULTS: readonly ClientFault[] = ['tls12-corrupt-premaster', 'tls12-bad-premaster-padding'];

const NOTES: Record<ClientFault, string> = {
  'tls12-corrupt-premaster': 'Fault: the client encrypts a premaster whose client_version is 2.0; the server must not reveal this (Bleichenbacher countermeasure).',
  'tls12-bad-premaster-padding':
    'Fault: the client’s RSA block starts 00 01 instead of 00 02 (wrong PKCS#1 v1.5 padding); the server must not reveal this (Bleichenbacher countermeasure).',
};

/** The random bytes drawn since `start()`, to be drawn again in the same order by `replay()`. */
class RngLog {
  private chunks: Uint8Array[] | undefined;
  readonly rng: Rng;

  constructor(inner: Rng) {
    this.rng = (n) => {
      const b = inner(n);
      this.chunks?.push(b);
      return b;
    };
  }

  start(): void {
    this.chunks = [];
  }

  /** The recorded draws again (a request of another size than recorded is an internal error). */
  replay(): Rng {
    const chunks = this.chunks ?? [];
    this.chunks = undefined;
    return (n) => {
      const b = chunks.shift();
      if (!b || b.length !== n) throw new TlsError('LocalInternal', 'the faulty encryption asked for other random bytes than the real one');
      return b;
    };
  }
}

export class FaultyClient extends TlsClient {
  private readonly draws: RngLog;
  /** The server's end-entity certificate (DER), from the Certificate the client received. */
  private serverLeaf?: Uint8Array;
  /** The premaster the client made (its `pre_master_secret` secret event). */
  private premaster?: Uint8Array;
  /** The ClientKeyExchange we rewrote, to note on the record that carries it. */
  private rewritten?: Encoded12;

  constructor(
    config: ClientConfig,
    readonly faults: readonly ClientFault[],
  ) {
    const draws = new RngLog(config.rng);
    super({ ...config, rng: draws.rng });
    this.draws = draws;
  }

  protected override emit(e: SidelessEvent): void {
    super.emit(e);
    if (e.type === 'handshake' && e.direction === 'received' && e.name === 'Certificate' && !this.serverLeaf && this.version === 'TLS 1.2') {
      const m = decodeHandshake12({ msgType: e.bytes[0]!, bytes: e.bytes, body: e.bytes.subarray(4) }).msg;
      if (m.type === 'Certificate') this.serverLeaf = m.chain[0];
    }
    if (e.type === 'secret' && e.name === 'pre_master_secret') {
      this.premaster = e.value;
      this.draws.start(); // what the client draws next is its RSA padding
    }
  }

  /** The ClientKeyExchange of RSA key transport, encrypted again with the fault (RFC 5246 §7.4.7.1). */
  protected override outgoing12(enc: Encoded12): Encoded12 {
    const corrupt = this.faults.includes('tls12-corrupt-premaster');
    const badPadding = this.faults.includes('tls12-bad-premaster-padding');
    if (enc.msg.type !== 'ClientKeyExchange' || enc.msg.cke.kind !== 'RSA' || (!corrupt && !badPadding)) return enc;
    if (!this.premaster) throw new TlsError('LocalInternal', 'a ClientKeyExchange before the premaster was reported');
    let premaster = this.premaster;
    if (corrupt) {
      // RFC 5246 §7.4.7.1: client_version must be ClientHello.client_version; 2.0 is not.
      premaster = premaster.slice();
      premaster[0] = 0x02;
      premaster[1] = 0x00;
    }
    const encryptedPreMasterSecret = encryptPremaster(this.serverKey(), premaster, this.draws.replay(), badPadding);
    this.rewritten = encodeHandshake12({ type: 'ClientKeyExchange', cke: { kind: 'RSA', encryptedPreMasterSecret } });
    return this.rewritten;
  }

  protected override queueHandshake(enc: EncodedMessage<unknown>): string {
    const recordId = super.queueHandshake(enc);
    if (enc !== this.rewritten) return recordId;
    // Emitted once the ClientKeyExchange has its record, so the note sits on that record.
    for (const f of CLIENT_FAULTS) if (this.faults.includes(f)) this.emit({ type: 'note', text: NOTES[f], rfc: 'RFC 5246 §7.4.7.1', recordId });
    return recordId;
  }

  private serverKey(): PublicKey {
    const key = this.serverLeaf ? parseCertificateCached(this.serverLeaf).publicKey : undefined;
    if (!key) throw new TlsError('LocalInternal', 'no server public key to encrypt the faulty premaster to');
    return key;
  }
}
