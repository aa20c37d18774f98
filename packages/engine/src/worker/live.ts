/**
 * The Worker's live runs: a real peer reached through `tlslab relay` over a WebSocket, its
 * events posted in batches as they happen, the socket closed when the run is cancelled.
 */
import type { TlsEvent } from '../events';
import { runLive } from '../live';
import { relayTransport, type RelaySocket } from '../io/websocket';
import type { FromWorker, ToWorker } from './protocol';

/** What a live run needs of the serving Worker. */
export interface LiveContext {
  post(message: FromWorker): void;
  cancelled: ReadonlySet<number>;
  /** Open WebSockets of live runs, closed when their run is cancelled. */
  sockets: Map<number, RelaySocket>;
  batch: number;
}

export function live(cx: LiveContext, msg: Extract<ToWorker, { type: 'live' }>): void {
  const { cancelled, sockets } = cx;
  const port = { postMessage: cx.post };
  const { id, request } = msg;
  const t0 = performance.now();
  let url: URL;
  try {
    url = new URL(msg.relay);
    if (url.protocol !== 'ws:' && url.protocol !== 'wss:') throw new Error('not a ws: URL');
  } catch {
    port.postMessage({ type: 'error', id, message: `The relay address "${msg.relay}" is not a WebSocket URL (e.g. ws://127.0.0.1:8090).` });
    return;
  }
  url.pathname = request.mode === 'client' ? '/connect' : '/accept';
  if (request.mode === 'client') url.search = `?to=${encodeURIComponent(request.target ?? '')}`;
  const ws = new WebSocket(url.toString()) as unknown as RelaySocket;
  sockets.set(id, ws);
  const status = (text: string): void => {
    if (!cancelled.has(id)) port.postMessage({ type: 'status', id, text });
  };
  status(
    request.mode === 'client'
      ? `Connecting to ${request.target} through the relay at ${msg.relay}…`
      : `Waiting for a TLS client: the relay at ${msg.relay} hands over the next connection to its --listen port…`,
  );
  let batch: TlsEvent[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = (): void => {
    timer = undefined;
    if (batch.length === 0 || cancelled.has(id)) return;
    port.postMessage({ type: 'events', id, events: batch });
    batch = [];
  };
  let remoteAddress: string | undefined;
  const transport = relayTransport(ws, (remote) => {
    remoteAddress = remote;
    status(request.mode === 'client' ? `Connected to ${remote}.` : `A client connected from ${remote}.`);
  });
  void runLive(
    request,
    transport,
    (e) => {
      batch.push(e);
      if (batch.length >= cx.batch) flush();
      else timer ??= setTimeout(flush, 50);
    },
    {
      timeoutMs: request.mode === 'client' ? 15_000 : 300_000,
      peerLabel: request.mode === 'client' ? `${request.target}, reached through tlslab relay` : 'reached through tlslab relay',
      remoteAddress: () => remoteAddress,
    },
  ).then((summary) => {
    clearTimeout(timer);
    flush();
    sockets.delete(id);
    if (!cancelled.has(id)) port.postMessage({ type: 'done', id, summary, ms: performance.now() - t0 });
  });
}
