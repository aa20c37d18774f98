/**
 * A server made to misbehave, for the "Break something" runs where the culprit is the server
 * itself (scenario faults bad-signature and bad-server-finished). It is a real `TlsServer`
 * whose outgoing handshake messages pass through `queueHandshake` on their way into records:
 * a faulted message is decoded with its version's codec (msgs/handshake.ts for TLS 1.3,
 * msgs/handshake12.ts for TLS 1.2), one bit of the value is flipped, and it is re-encoded —
 * before it is put into its (encrypted) record, so the record opens fine at the client, whose
 * check of the value then fails (decrypt_error). The endpoints themselves contain no fault code.
 *
 *   tls12-bad-signature  ServerKeyExchange signature   (RFC 5246 §7.4.3, RFC 8422 §5.4)
 *   tls12-bad-finished   Finished verify_data           (RFC 5246 §7.4.9)
 *   tls13-bad-signature  CertificateVerify signature   (RFC 8446 §4.4.3)
 *   tls13-bad-finished   Finished verify_data           (RFC 8446 §4.4.4)
 *
 * The server's own transcript holds the message as it computed it; only the bytes sent (and
 * the `handshake` event that reports them, on which the Session hangs its `fault` event) carry
 * the flipped bit.
 */
import type { ServerConfig } from '../config';
import type { TlsVersionName } from '../events';
import { decodeHandshake, encodeHandshake, type EncodedMessage, type HandshakeFrame } from '../msgs/handshake';
import { decodeHandshake12, encodeHandshake12 } from '../msgs/handshake12';
import { TlsServer } from '../server/server';

/** The faults a server commits itself. */
/**
 * - `tls12-bad-finished`: one bit of the server's Finished verify_data is flipped.
 * - `tls12-bad-signature`: one bit of the ServerKeyExchange signature is flipped.
 * - `tls13-bad-finished`: one bit of the server's Finished verify_data is flipped (the server
 *   computes a wrong value; its record protection is intact).
 * - `tls13-bad-signature`: one bit of the CertificateVerify signature is flipped.
 */
export type ServerFault = 'tls12-bad-finished' | 'tls12-bad-signature' | 'tls13-bad-finished' | 'tls13-bad-signature';

interface FaultSpec {
  version: TlsVersionName;
  /** The handshake message whose value is wrong. */
  message: 'ServerKeyExchange' | 'CertificateVerify' | 'Finished';
  note: string;
  rfc?: string;
}

const SPECS: Record<ServerFault, FaultSpec> = {
  'tls12-bad-signature': { version: 'TLS 1.2', message: 'ServerKeyExchange', note: 'Fault: the ServerKeyExchange signature is corrupted after signing.' },
  'tls12-bad-finished': {
    version: 'TLS 1.2',
    message: 'Finished',
    note: 'Fault: one bit of the server Finished verify_data is flipped before encryption.',
    rfc: 'RFC 5246 §7.4.9',
  },
  'tls13-bad-signature': {
    version: 'TLS 1.3',
    message: 'CertificateVerify',
    note: 'Fault: the server flips one bit of its CertificateVerify signature after signing.',
    rfc: 'RFC 8446 §4.4.3',
  },
  'tls13-bad-finished': {
    version: 'TLS 1.3',
    message: 'Finished',
    note: 'Fault: the server flips one bit of its Finished verify_data after computing it.',
    rfc: 'RFC 8446 §4.4.4',
  },
};

/** A copy with the last bit of the last byte flipped. */
function flipLastBit(b: Uint8Array): Uint8Array {
  const out = b.slice();
  out[out.length - 1]! ^= 0x01;
  return out;
}

function frameOf(bytes: Uint8Array): HandshakeFrame {
  return { msgType: bytes[0]!, bytes, body: bytes.subarray(4) };
}

/** Re-encodes `bytes` (one message of `version`) with the faulted value flipped, through the codec. */
function rewrite(version: TlsVersionName, bytes: Uint8Array): EncodedMessage<unknown> {
  if (version === 'TLS 1.2') {
    const { msg } = decodeHandshake12(frameOf(bytes), 'ECDHE');
    switch (msg.type) {
      case 'ServerKeyExchange':
        return encodeHandshake12({ ...msg, ske: { ...msg.ske, signed: { ...msg.ske.signed, signature: flipLastBit(msg.ske.signed.signature) } } });
      case 'Finished':
        return encodeHandshake12({ ...msg, verifyData: flipLastBit(msg.verifyData) });
      default:
        return encodeHandshake12(msg);
    }
  }
  const { msg } = decodeHandshake(frameOf(bytes));
  switch (msg.type) {
    case 'CertificateVerify':
      return encodeHandshake({ ...msg, signature: flipLastBit(msg.signature) });
    case 'Finished':
      return encodeHandshake({ ...msg, verifyData: flipLastBit(msg.verifyData) });
    default:
      return encodeHandshake(msg);
  }
}

/** A TLS server that commits `faults` (each only in its own version, on its own message). */
export class FaultyServer extends TlsServer {
  constructor(
    config: ServerConfig,
    readonly faults: readonly ServerFault[],
  ) {
    super(config);
  }

  protected override queueHandshake(enc: EncodedMessage<unknown>): string {
    const version = this.version;
    const fault = this.faults.map((f) => SPECS[f]).find((s) => s.version === version && s.message === enc.name);
    if (!fault || !version) return super.queueHandshake(enc);
    this.note(fault.note, fault.rfc);
    return super.queueHandshake(rewrite(version, enc.bytes));
  }
}

/** A server for `config` committing `faults`: a plain `TlsServer` when there are none. */
export function createFaultyServer(config: ServerConfig, faults: readonly ServerFault[]): TlsServer {
  return faults.length > 0 ? new FaultyServer(config, faults) : new TlsServer(config);
}
