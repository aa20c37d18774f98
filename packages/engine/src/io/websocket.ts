/**
 * A WebSocket to `tlslab relay` as a driver transport (io/driver.ts). The browser's WebSocket
 * and the `ws` package's (in tests) both fit `RelaySocket`.
 *
 * The relay opens the TCP side first and then sends one text frame `{"type":"open","remote":…}`;
 * only then does the stream start. Every other frame is binary: bytes of the TCP stream. A close
 * code of 4000 or more carries the relay's reason (not allowed, could not connect).
 */
import type { Transport } from './driver';

/** The part of the WebSocket API the transport needs. */
export interface RelaySocket {
  binaryType: string;
  readonly readyState: number;
  send(data: Uint8Array): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'message', fn: (ev: { data: unknown }) => void): void;
  addEventListener(type: 'close', fn: (ev: { code: number; reason: string }) => void): void;
  addEventListener(type: 'error', fn: () => void): void;
}

const OPEN = 1;

/** `onOpen(remote)` is told the peer's address when the relay has connected it. */
export function relayTransport(ws: RelaySocket, onRemote?: (remote: string) => void): Transport {
  ws.binaryType = 'arraybuffer';
  let ended = false;
  return {
    write: (bytes) => ws.send(bytes),
    end() {
      if (ended) return;
      ended = true;
      if (ws.readyState <= OPEN) ws.close(1000, 'done');
    },
    get writable() {
      return !ended && ws.readyState === OPEN;
    },
    attach(h) {
      let open = false;
      ws.addEventListener('message', (ev) => {
        const data = ev.data;
        if (typeof data === 'string') {
          try {
            const msg = JSON.parse(data) as { type?: string; remote?: string };
            if (msg.type === 'open' && !open) {
              open = true;
              onRemote?.(msg.remote ?? '');
              h.onOpen();
            }
          } catch {
            /* not ours: ignored */
          }
          return;
        }
        if (!open) return;
        if (data instanceof ArrayBuffer) h.onData(new Uint8Array(data));
        else if (ArrayBuffer.isView(data)) h.onData(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      });
      ws.addEventListener('error', () => h.onError('the connection to the relay failed (is `tlslab relay` running?)'));
      ws.addEventListener('close', (ev) => {
        if (ev.code >= 4000) h.onError(ev.reason || `the relay closed the connection (code ${ev.code})`);
        else if (!open && ev.code !== 1000) h.onError(`could not reach the relay (WebSocket closed, code ${ev.code})`);
        if (open) h.onEnd();
        ended = true;
        h.onClose();
      });
    },
  };
}
