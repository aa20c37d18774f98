/**
 * The man in the middle: an on-path attacker between the two endpoints of a run. It sees every
 * record on the wire and, for the scenario's on-path faults, changes one of them the way an
 * attacker without the keys could — through the codec, never by byte offsets:
 *
 * - `downgrade`: the client's first ClientHello is read with the record framing and the
 *   handshake decoder, TLS 1.3 is taken out of supported_versions (RFC 8446 §4.2.1), and the
 *   message and its record are written again by the encoders (every length follows).
 * - `tamper-ciphertext`: the server's first protected record is framed, one bit of its
 *   encrypted fragment is flipped, and the record is framed again (RFC 8446 §5.2).
 *
 * It knows which record is which from the sender's own `record` event (recordId, protection),
 * and reports each change through `OnPathReport`. Returns the bytes to deliver (null drops).
 */
import { concatBytes } from '../codec/hex';
import { Reader } from '../codec/reader';
import type { EventSink, Side, TlsEventBody } from '../events';
import { ContentType, HandshakeType, TLS13 } from '../msgs/enums';
import { findExt } from '../msgs/extensions';
import { decodeHandshake, encodeHandshake, type HandshakeFrame } from '../msgs/handshake';
import { encodeRecord } from '../msgs/record';
import type { Scenario } from '../scenario';
import type { AlertDescription } from '../errors';

export type RecordEvent = Extract<TlsEventBody, { type: 'record' }>;

/** A man in the middle: the bytes to deliver for a record sent by `from`, or null to drop it. */
export type Mitm = (from: Side, record: Uint8Array) => Uint8Array | null;

/** Reports an on-path change: the sender, the record's id, what was done and the alert it leads to. */
export type OnPathReport = (from: Side, recordId: string, text: string, rfc: string, expectedAlert: AlertDescription) => void;

/** The sender's `record` event for bytes it sent (undefined for bytes no endpoint sent). */
export type RecordEventOf = (bytes: Uint8Array) => RecordEvent | undefined;

/** The man in the middle of the scenario's fault (a pass-through for every other fault). It changes one record at most. */
export function makeMitm(sc: Scenario, recordOf: RecordEventOf, onPath: OnPathReport): Mitm {
  let done = false;
  return (from, bytes) => {
    if (done) return bytes;
    const ev = recordOf(bytes);
    const changed = sc.fault === 'downgrade' ? downgrade(sc, from, bytes, ev, onPath) : sc.fault === 'tamper-ciphertext' ? tamper(from, bytes, ev, onPath) : null;
    if (!changed) return bytes;
    done = true;
    return changed;
  };
}

/** RFC 8446 §4.1.3: TLS 1.3 taken out of the client's offer, so the server can only choose TLS 1.2. */
function downgrade(sc: Scenario, from: Side, bytes: Uint8Array, ev: RecordEvent | undefined, onPath: OnPathReport): Uint8Array | null {
  if (from !== 'client' || sc.version !== 'TLS 1.3') return null;
  const out = withoutTls13(bytes);
  if (!out) return null;
  const id = ev?.recordId ?? 'c2s:0';
  onPath(
    'client',
    id,
    `On-path attacker: removed TLS 1.3 (0x0304) from the ClientHello's supported_versions (record ${id}), so the server can only choose TLS 1.2. The ClientHello is not encrypted, so this goes unnoticed until the client sees the downgrade sentinel in the server's random.`,
    'RFC 8446 §4.1.3',
    'illegal_parameter',
  );
  return out;
}

/** RFC 8446 §5.2 / RFC 5246 §6.2.3.3: one flipped bit of ciphertext, which the AEAD tag no longer matches. */
function tamper(from: Side, bytes: Uint8Array, ev: RecordEvent | undefined, onPath: OnPathReport): Uint8Array | null {
  const info = ev?.protected;
  if (from !== 'server' || !ev || !info) return null;
  const record = readRecord(bytes);
  if (!record || record.fragment.length === 0) return null;
  const fragment = record.fragment.slice();
  fragment[0]! ^= 0x01;
  const tls13 = info.trafficSecret !== undefined;
  onPath(
    'server',
    ev.recordId,
    `On-path attacker: flipped one bit of ciphertext in record ${ev.recordId}. Without the keys it cannot make a matching authentication tag, so the client's AEAD check fails and it sends bad_record_mac.`,
    tls13 ? 'RFC 8446 §5.2' : 'RFC 5246 §6.2.3.3',
    'bad_record_mac',
  );
  return writeRecord({ ...record, fragment });
}

/** One record as framed on the wire (RFC 8446 §5.1: type, legacy_record_version, length, fragment). */
interface WireRecord {
  contentType: number;
  legacyVersion: number;
  fragment: Uint8Array;
}

/** Frames `bytes` as exactly one record; null if they are not one whole record. */
function readRecord(bytes: Uint8Array): WireRecord | null {
  try {
    const r = new Reader(bytes);
    const contentType = r.u8('type');
    const legacyVersion = r.u16('legacy_record_version');
    const fragment = r.opaque(2, 'fragment');
    r.expectEnd('record');
    return { contentType, legacyVersion, fragment };
  } catch {
    return null;
  }
}

function writeRecord(record: WireRecord): Uint8Array {
  return encodeRecord(record.contentType, record.legacyVersion, record.fragment).bytes;
}

/** The first handshake message of a record's fragment (msg_type ‖ uint24 length ‖ body, RFC 8446 §4), and what follows it. */
function readHandshakeFrame(fragment: Uint8Array): { frame: HandshakeFrame; rest: Uint8Array } | null {
  try {
    const r = new Reader(fragment);
    const msgType = r.u8('msg_type');
    const body = r.opaque(3, 'body');
    return { frame: { msgType, bytes: fragment.slice(0, r.offset), body }, rest: fragment.slice(r.offset) };
  } catch {
    return null;
  }
}

/**
 * A plaintext ClientHello record with TLS 1.3 removed from supported_versions (RFC 8446
 * §4.2.1), decoded and encoded again; null if the record is not a ClientHello offering TLS 1.3.
 */
function withoutTls13(bytes: Uint8Array): Uint8Array | null {
  const record = readRecord(bytes);
  if (!record || record.contentType !== ContentType.handshake) return null;
  const first = readHandshakeFrame(record.fragment);
  if (!first || first.frame.msgType !== HandshakeType.client_hello) return null;
  let hello;
  try {
    hello = decodeHandshake(first.frame).msg;
  } catch {
    return null;
  }
  if (hello.type !== 'ClientHello') return null;
  const offered = findExt(hello.extensions, 'supported_versions');
  if (!offered?.versions.includes(TLS13)) return null;
  const versions = offered.versions.filter((v) => v !== TLS13);
  const extensions = hello.extensions.map((e) => (e === offered ? { ...offered, versions } : e));
  const message = encodeHandshake({ ...hello, extensions }).bytes;
  return writeRecord({ ...record, fragment: concatBytes(message, first.rest) });
}

/**
 * The usual report of an on-path change, on the receiver's side: a note on the record
 * (`tampered`) and the `fault` event, blamed on the network.
 */
export function onPathReporter(sc: Scenario, sink: EventSink): OnPathReport {
  return (from, recordId, text, rfc, expectedAlert) => {
    const to: Side = from === 'client' ? 'server' : 'client';
    sink({ type: 'note', side: to, text, rfc, recordId, tampered: true });
    sink({ type: 'fault', side: to, fault: sc.fault, actor: 'on-path-attacker', culprit: 'network', recordId, expectedAlert, text, rfc });
  };
}
