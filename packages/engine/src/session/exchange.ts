/**
 * The application exchange of a run: once connected the client sends its request (an HTTP/1.1
 * GET unless the scenario says otherwise), the server answers with what was negotiated, and the
 * client closes with close_notify (RFC 8446 §6.1) when the answer is in. 0-RTT (RFC 8446 §2.3):
 * a request sent as early data is answered in the server's first flight, and sent again if the
 * server rejected it (RFC 8446 §4.2.10).
 */
import { utf8 } from '../codec/hex';
import type { TlsClient } from '../client/client';
import type { TlsServer } from '../server/server';
import type { Negotiated } from '../negotiated';
import type { Note } from './event-log';
import type { Push } from './wire';

/** The HTTP/1.1 answer of the simulated server (echoes what was negotiated). */
function httpResponse(version: string, suite: string): Uint8Array {
  const body = `Hello from TLS Lab! This answer was protected with ${version} and ${suite}.\n`;
  return utf8.encode(`HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ${utf8.encode(body).length}\r\nConnection: close\r\n\r\n${body}`);
}

/** The request the client sends (also its 0-RTT early data). */
export function requestOf(request: string | undefined, host: string): Uint8Array {
  return utf8.encode(request ?? `GET / HTTP/1.1\r\nHost: ${host}\r\n\r\n`);
}

export interface Exchange {
  /** Runs after each delivery on the wire: sends what is due. */
  step(push: Push): void;
  /** Whether the client received the answer. */
  readonly gotResponse: boolean;
}

export interface ExchangeSetup {
  client: TlsClient;
  server: TlsServer;
  request: Uint8Array;
  /** The request already went as 0-RTT early data with the ClientHello. */
  sentEarly: boolean;
  /** What the server negotiated so far (its answer names it). */
  serverNegotiated: () => Negotiated;
  fallbackVersion: string;
  note: Note;
}

/** The exchange of one run. */
export function httpExchange(x: ExchangeSetup): Exchange {
  const { client: c, server: s } = x;
  // 0-RTT: the request already went with the ClientHello; sent again only if the server rejects it.
  let requestSent = x.sentEarly;
  let responded = false;
  let resent = false;
  let gotResponse = false;
  let clientClosing = false;
  const step = (push: Push): void => {
    if (c.connected && c.earlyData === 'rejected' && requestSent && !resent) {
      resent = true;
      x.note('client', 'The server rejected the 0-RTT request: the client sends it again now.', 'RFC 8446 §4.2.10');
      push('client', c.send(x.request));
    }
    if (c.connected && !requestSent) {
      requestSent = true;
      push('client', c.send(x.request));
    }
    // The server answers as soon as it has the request: 0-RTT data it accepted is answered in
    // its first flight, right after its Finished (0.5-RTT data, RFC 8446 §2.3 Figure 4).
    if (s.canSend && !responded) {
      const got = s.readAppData();
      if (got.length > 0) {
        responded = true;
        if (!s.connected) {
          x.note('server', 'Answering the accepted 0-RTT request now, in the first flight after our Finished (0.5-RTT data), before the client’s Finished.', 'RFC 8446 §2.3');
        }
        const neg = x.serverNegotiated();
        push('server', s.send(httpResponse(neg.version ?? x.fallbackVersion, neg.cipherSuite ?? '?')));
      }
    }
    if (c.connected && !clientClosing) {
      const got = c.readAppData();
      if (got.length > 0) {
        gotResponse = true;
        clientClosing = true;
        push('client', c.close());
      }
    }
  };
  return {
    step,
    get gotResponse() {
      return gotResponse;
    },
  };
}
