/**
 * Drives a sans-IO `Endpoint` over a TCP socket (node:net) — io/driver.ts over a socket
 * transport. Used by `tlslab connect`, `tlslab serve` and the interop tests.
 */
import type { Socket } from 'node:net';
import type { Endpoint } from '../config';
import type { EventSink } from '../events';
import { driveTransport, type Driver, type DriverHooks, type Outcome, type Transport } from '../io/driver';

export type { Driver, DriverHooks, Outcome } from '../io/driver';

/** A node:net socket as a driver transport. */
function socketTransport(socket: Socket): Transport {
  return {
    write: (bytes) => socket.write(bytes),
    end: () => socket.end(),
    get writable() {
      return !socket.destroyed;
    },
    attach(h) {
      socket.on('data', (chunk: Buffer) => h.onData(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength)));
      socket.on('end', () => h.onEnd());
      socket.on('close', () => h.onClose());
      socket.on('error', (err: NodeJS.ErrnoException) => h.onError(err.code ? `${err.code}${err.message.includes(err.code) ? '' : `: ${err.message}`}` : err.message));
      if (socket.connecting) socket.once('connect', () => h.onOpen());
      else h.onOpen();
    },
  };
}

/**
 * Attaches `create(sink)`'s endpoint to `socket`. A client endpoint's ClientHello is written
 * as soon as the socket is connected.
 */
export function driveEndpoint(socket: Socket, create: (sink: EventSink) => Endpoint, hooks: DriverHooks = {}): Driver {
  return driveTransport(socketTransport(socket), create, hooks);
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
