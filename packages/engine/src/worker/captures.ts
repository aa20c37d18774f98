/**
 * The Worker's capture commands: a pcap/pcapng file opened (with its key log and trust
 * anchors) and one of its connections played like a run, in delivery order (steps.ts).
 */
import { inDeliveryOrder } from '../steps';
import { parsePemBundle } from '../pki/parse';
import { createTrustStore, type TrustStore } from '../pki/verify';
import { openCapture, type OpenedCapture } from '../observe/index';
import { captureSummary } from '../observe/summary';
import type { CaptureView, ToWorker } from './protocol';

/** Remembers the last capture opened (a connection picker asks for others) and the last trust store built. */
export class Captures {
  private lastCapture: OpenedCapture | undefined;
  private lastTrust: { pem: string; store: TrustStore } | undefined;

  /** Opens a capture and shows its first (or the asked) connection. */
  open(msg: Extract<ToWorker, { type: 'open-capture' }>): CaptureView {
    let trust: TrustStore | undefined;
    if (msg.trustPem) {
      if (this.lastTrust?.pem !== msg.trustPem) this.lastTrust = { pem: msg.trustPem, store: createTrustStore(parsePemBundle(msg.trustPem).certificates) };
      trust = this.lastTrust.store;
    }
    this.lastCapture = openCapture(msg.capture, {
      ...(msg.keyLog ? { keyLog: msg.keyLog } : {}),
      ...(trust ? { trust } : {}),
      ...(msg.trustName ? { trustName: msg.trustName } : {}),
    });
    return view(this.lastCapture, msg.connection);
  }

  /** Another connection of the open capture. */
  connection(connection: number): CaptureView {
    if (!this.lastCapture) throw new Error('no capture is open');
    return view(this.lastCapture, connection);
  }
}

function view(c: OpenedCapture, connection: number | undefined): CaptureView {
  const n = c.connections.length === 0 ? null : Math.min(Math.max(1, connection ?? 1), c.connections.length);
  // Played like a run: each record read as soon as it is sent, with its steps (steps.ts).
  const events = n === null ? [] : inDeliveryOrder(c.events(n));
  return {
    format: c.format,
    packets: c.packets,
    connections: c.connections,
    problems: c.problems,
    keyLog: c.keyLog,
    connection: n,
    events,
    summary: captureSummary(events),
  };
}
