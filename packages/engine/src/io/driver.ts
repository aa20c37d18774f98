/**
 * Drives a sans-IO `Endpoint` over a byte stream: bytes from the transport go into
 * `endpoint.receive`, whatever it returns goes back onto the transport. `tlslab connect`,
 * `tlslab serve` and the interop tests run it over TCP (cli/socket.ts); the page's real-peer
 * modes run it over a WebSocket to `tlslab relay`.
 *
 * Application data and alerts come out of the endpoint as events; this driver watches the event
 * stream, and calls the owner's hooks only after `receive` has returned (never re-entering the
 * endpoint from inside its own sink).
 */
import type { Endpoint } from '../config';
import type { EventSink, TlsEvent } from '../events';
import { createEventLog } from './stamp';

export interface AlertInfo {
  level: 'warning' | 'fatal';
  description: string;
  code: number;
  reason?: string;
}

/** How a connection ended. */
export interface Outcome {
  /** The handshake completed at some point. */
  connected: boolean;
  /** The fatal alert we sent (our endpoint rejected something). */
  alertSent?: AlertInfo;
  /** The fatal alert the peer sent. */
  alertReceived?: AlertInfo;
  /** The peer sent close_notify. */
  closeNotifyReceived: boolean;
  /** A socket-level error (ECONNRESET, ...). */
  socketError?: string;
  /** The endpoint threw (a bug: endpoints never throw). */
  endpointThrew?: string;
  /** The endpoint's state when the socket closed. */
  finalState: string;
  /** Application data bytes received. */
  bytesReceived: number;
}

export interface DriverHooks {
  /** Every stamped event, in order. */
  onEvent?: (e: TlsEvent) => void;
  /** Once, when the handshake completes. */
  onConnected?: (d: Driver) => void;
  /** Application data from the peer. */
  onAppData?: (data: Uint8Array, d: Driver) => void;
  /** Keep every event in `events` (default true; the benchmark turns it off). */
  keepEvents?: boolean;
}

export interface Driver {
  readonly endpoint: Endpoint;
  readonly events: TlsEvent[];
  readonly outcome: Outcome;
  /** Resolves when the transport has closed (never rejects). */
  readonly finished: Promise<Outcome>;
  /** Encrypts and writes application data. */
  send(data: Uint8Array): void;
  /** Sends close_notify and ends the transport. */
  close(): void;
}

/**
 * A byte stream the driver runs an endpoint over: a TCP socket (cli/socket.ts) or a WebSocket
 * to the relay (the page's real-peer modes). The transport calls the handlers it was given.
 */
export interface Transport {
  write(bytes: Uint8Array): void;
  /** Ends our half of the stream (TCP FIN / WebSocket close). */
  end(): void;
  /** False once the stream can no longer carry bytes. */
  readonly writable: boolean;
  /** Registers the handlers; `onOpen` may be called at once if the stream is already open. */
  attach(h: TransportHandlers): void;
}

export interface TransportHandlers {
  onOpen(): void;
  onData(bytes: Uint8Array): void;
  /** The peer ended its half. */
  onEnd(): void;
  /** The stream is gone (after onEnd or an error). */
  onClose(): void;
  onError(message: string): void;
}

/** Reads the endpoint's events into the outcome (alerts, bytes received) and queues the data received. */
function outcomeRecorder(outcome: Outcome, pendingData: Uint8Array[], forward?: (e: TlsEvent) => void): (e: TlsEvent) => void {
  return (e) => {
    if (e.type === 'alert') {
      const info: AlertInfo = { level: e.level, description: String(e.description), code: e.code, reason: e.reason };
      if (e.direction === 'sent' && e.level === 'fatal') outcome.alertSent ??= info;
      if (e.direction === 'received') {
        if (e.description === 'close_notify') outcome.closeNotifyReceived = true;
        else if (e.level === 'fatal') outcome.alertReceived ??= info;
      }
    } else if (e.type === 'appdata' && e.direction === 'received') {
      outcome.bytesReceived += e.data.length;
      pendingData.push(e.data);
    }
    forward?.(e);
  };
}

/**
 * Attaches `create(sink)`'s endpoint to `transport`. A client endpoint's ClientHello is written
 * as soon as the transport is open.
 */
export function driveTransport(transport: Transport, create: (sink: EventSink) => Endpoint, hooks: DriverHooks = {}): Driver {
  const outcome: Outcome = { connected: false, closeNotifyReceived: false, finalState: 'Start', bytesReceived: 0 };
  const pendingData: Uint8Array[] = [];
  let connectedNotified = false;
  let closing = false;

  const stamped = createEventLog(outcomeRecorder(outcome, pendingData, hooks.onEvent), hooks.keepEvents ?? true);

  const endpoint = create(stamped.sink);

  const write = (out: Uint8Array[]): void => {
    for (const chunk of out) if (chunk.length > 0 && transport.writable) transport.write(chunk);
  };

  const guard = (what: string, f: () => Uint8Array[]): Uint8Array[] => {
    try {
      return f();
    } catch (err) {
      outcome.endpointThrew ??= `${what} threw: ${err instanceof Error ? err.message : String(err)}`;
      return [];
    }
  };

  const afterReceive = (): void => {
    if (endpoint.connected && !connectedNotified) {
      connectedNotified = true;
      outcome.connected = true;
      hooks.onConnected?.(driver);
    }
    // 0-RTT data reaches a server before its handshake ends: it is handed over once connected.
    while (pendingData.length > 0 && (endpoint.connected || endpoint.closed)) {
      const data = pendingData.shift()!;
      hooks.onAppData?.(data, driver);
    }
    if (endpoint.closed && !closing) {
      closing = true;
      transport.end();
    }
  };

  let resolveFinished: (o: Outcome) => void = () => {};
  const finished = new Promise<Outcome>((resolve) => {
    resolveFinished = resolve;
  });

  const driver: Driver = {
    endpoint,
    events: stamped.events,
    outcome,
    finished,
    send(data) {
      if (!endpoint.connected || endpoint.closed) return;
      write(guard('send', () => endpoint.send(data)));
    },
    close() {
      if (!endpoint.closed) write(guard('close', () => endpoint.close()));
      if (!closing) {
        closing = true;
        transport.end();
      }
    },
  };
  const begin = (): void => {
    write(guard('start', () => endpoint.start()));
    afterReceive();
  };
  transport.attach({
    onOpen: begin,
    onData(bytes) {
      if (endpoint.closed) return;
      write(guard('receive', () => endpoint.receive(bytes)));
      afterReceive();
    },
    onEnd() {
      // The peer ended its half: nothing more will come.
      if (!closing) {
        closing = true;
        transport.end();
      }
    },
    onClose() {
      outcome.finalState = endpoint.state;
      resolveFinished(outcome);
    },
    onError(message) {
      outcome.socketError ??= message;
    },
  });
  return driver;
}
