/**
 * The run's event stream (stamped by io/stamp.ts `createEventLog`). `runSink` is the sink both endpoints of a run write to: it numbers the flights records travel
 * in, tells when in the handshake application data goes (0-RTT, 0.5-RTT, RFC 8446 §2.3),
 * remembers each sent record's event for the man in the middle, and reports a faulty peer's
 * fault on the message that carries the wrong value.
 */
import type { AppDataPhase, EventSink, Side } from '../events';
import type { RecordEvent, RecordEventOf } from '../faults/mitm';
import type { EventLog } from '../io/stamp';
import { endpointFaultFor } from '../faults/reports';
import type { Scenario } from '../scenario';

/** A note from one side of the run (with the RFC that backs it). */
export type Note = (side: Side, text: string, rfc?: string) => void;

/** A run's setup problem: the run stops with this error (said as a note). */
export type SetupError = { error: string };

/** The endpoints of a run, once made (the sink asks them whether they are connected yet). */
export type RunEndpoints = { client?: { readonly connected: boolean }; server?: { readonly connected: boolean } };

export interface RunSink {
  readonly sink: EventSink;
  /** The sender's `record` event for bytes an endpoint sent. */
  readonly recordOf: RecordEventOf;
}

/** The sink of a run of `sc` over `log`. */
export function runSink(log: EventLog, sc: Scenario, endpoints: RunEndpoints): RunSink {
  const sentRecords = new WeakMap<Uint8Array, RecordEvent>();
  // Which flight each record travels in, and when in the handshake application data goes.
  const flightOf = new Map<string, number>();
  const phaseOf = new Map<string, AppDataPhase>();
  let flight = 0;
  let lastSender: Side | undefined;
  const endpointFault = endpointFaultFor(sc);
  const sink: EventSink = (e) => {
    if (e.type === 'record' && e.direction === 'sent') {
      sentRecords.set(e.bytes, e);
      if (!flightOf.has(e.recordId)) {
        if (e.side !== lastSender) flight++;
        lastSender = e.side;
        flightOf.set(e.recordId, flight);
      }
    }
    if (e.type === 'appdata') {
      let phase = phaseOf.get(e.recordId);
      if (!phase) {
        const sender = endpoints[e.side];
        phase = sender?.connected ? 'application' : e.side === 'client' ? 'early' : 'half-rtt';
        phaseOf.set(e.recordId, phase);
      }
      const f = flightOf.get(e.recordId);
      log.sink({ ...e, phase, ...(f !== undefined ? { flight: f } : {}) });
      return;
    }
    log.sink(e);
    // A fault an endpoint commits is reported on the message that carries the wrong value.
    if (endpointFault && e.type === 'handshake' && e.direction === 'sent' && e.side === endpointFault.culprit && endpointFault.messages.includes(e.name)) {
      const ok = endpointFault.when?.(log.events) ?? true;
      if (ok)
        log.sink({ type: 'fault', side: e.side, fault: sc.fault, actor: 'faulty-peer', culprit: e.side, recordId: e.recordId, message: e.name, ...endpointFault.report(e.name) });
    }
  };
  return { sink, recordOf: (bytes) => sentRecords.get(bytes) };
}
