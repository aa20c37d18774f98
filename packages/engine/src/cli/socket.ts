/**
 * Drives a sans-IO `Endpoint` over a TCP socket (node:net): bytes from the socket go into
 * `endpoint.receive`, whatever it returns goes back onto the socket. Used by `tlslab connect`,
 * `tlslab serve` and the interop tests.
 *
 * Application data and alerts come out of the endpoint as events; this driver watches the event
 * stream, and calls the owner's hooks only after `receive` has returned (never re-entering the
 * endpoint from inside its own sink).
 */
import type { Socket } from 'node:net';
import type { Endpoint } from '../config';
import type { EventSink, TlsEvent } from '../events';
import { stampingSink } from './sink';

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
  /** Resolves when the socket has closed (never rejects). */
  readonly finished: Promise<Outcome>;
  /** Encrypts and writes application data. */
  send(data: Uint8Array): void;
  /** Sends close_notify and ends the socket. */
  close(): void;
}

/**
 * Attaches `create(sink)`'s endpoint to `socket`. A client endpoint's ClientHello is written
 * as soon as the socket is connected.
 */
export function driveEndpoint(socket: Socket, create: (sink: EventSink) => Endpoint, hooks: DriverHooks = {}): Driver {
  const outcome: Outcome = { connected: false, closeNotifyReceived: false, finalState: 'Start', bytesReceived: 0 };
  const pendingData: Uint8Array[] = [];
  let connectedNotified = false;
  let closing = false;

  const stamped = stampingSink((e) => {
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
    hooks.onEvent?.(e);
  }, hooks.keepEvents ?? true);

  const endpoint = create(stamped.sink);

  const write = (out: Uint8Array[]): void => {
    for (const chunk of out) if (chunk.length > 0 && !socket.destroyed) socket.write(chunk);
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
      socket.end();
    }
  };

  const finished = new Promise<Outcome>((resolve) => {
    socket.on('close', () => {
      outcome.finalState = endpoint.state;
      resolve(outcome);
    });
  });

  socket.on('data', (chunk: Buffer) => {
    if (endpoint.closed) return;
    write(guard('receive', () => endpoint.receive(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength))));
    afterReceive();
  });
  socket.on('end', () => {
    // The peer ended its half: nothing more will come.
    if (!closing) {
      closing = true;
      socket.end();
    }
  });
  socket.on('error', (err: NodeJS.ErrnoException) => {
    outcome.socketError ??= err.code ? `${err.code}${err.message.includes(err.code) ? '' : `: ${err.message}`}` : err.message;
  });

  const begin = (): void => {
    write(guard('start', () => endpoint.start()));
    afterReceive();
  };
  if (socket.connecting) socket.once('connect', begin);
  else begin();

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
        socket.end();
      }
    },
  };
  return driver;
}

/**
 * One clear line for a failed connection, e.g.
 * `handshake failed: received fatal alert unknown_ca from server`.
 */
export function describeFailure(o: Outcome, peer: 'server' | 'client', phase?: 'handshake' | 'exchange'): string {
  // A TLS 1.3 client is "connected" once it has sent its Finished, but the server may still
  // reject it (e.g. certificate_required): until application data arrives, call it the handshake.
  const stage = phase ?? (o.connected && o.bytesReceived > 0 ? 'exchange' : 'handshake');
  const what = stage === 'handshake' ? 'handshake failed' : 'connection failed after the handshake';
  if (o.endpointThrew) return `${what}: engine error (${o.endpointThrew})`;
  if (o.alertReceived) {
    return `${what}: received fatal alert ${o.alertReceived.description} (${o.alertReceived.code}) from ${peer}`;
  }
  if (o.alertSent) {
    return `${what}: sent fatal alert ${o.alertSent.description} (${o.alertSent.code}) to ${peer}${o.alertSent.reason ? `: ${o.alertSent.reason}` : ''}`;
  }
  if (o.socketError) return `${what}: ${o.socketError}`;
  if (stage === 'handshake') return `${what}: ${peer} closed the connection (we were in state ${o.finalState})`;
  return `${what}: ${peer} closed the connection without an answer`;
}
