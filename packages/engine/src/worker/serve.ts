/**
 * Serves the engine inside a Worker: answers `ToWorker` commands with `FromWorker` messages.
 *
 * A run is synchronous (the engine is sans-IO and uses no Promises), so events are collected
 * as they are emitted and posted in batches, then `done`. Any exception outside the TLS state
 * machines (which turn their own errors into alerts) becomes an `error` message: the Worker
 * itself never dies from a bad command.
 */
import { runScenario } from '../index';
import type { TlsEvent } from '../events';
import { prepareDemoKey } from '../pki/demo';
import { preferQuickStart } from '../crypto/provider-noble';
import type { FromWorker, ToWorker } from './protocol';
import type { RelaySocket } from '../io/websocket';
import { inspect, reverify } from './certificates';
import { live } from './live';
import { Captures } from './captures';

export type { CaptureView, FromWorker, PemInspection, ToWorker } from './protocol';

/** The part of a Worker scope (or a MessagePort) that serve needs. */
export interface WorkerPort {
  postMessage(message: FromWorker): void;
  onmessage: ((ev: MessageEvent<ToWorker>) => void) | null;
}

const BATCH = 200;

/** Background work runs in slices this long, so a command waits at most about this much. */
const SLICE_MS = 8;

function message(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}

export function serve(port: WorkerPort = self as unknown as WorkerPort): void {
  preferQuickStart();
  const cancelled = new Set<number>();
  /** Open WebSockets of live runs, closed when their run is cancelled. */
  const sockets = new Map<number, RelaySocket>();

  function run(id: number, scenario: Extract<ToWorker, { type: 'run' }>['scenario']): void {
    const t0 = performance.now();
    let batch: TlsEvent[] = [];
    const flush = (): void => {
      if (batch.length === 0 || cancelled.has(id)) return;
      port.postMessage({ type: 'events', id, events: batch });
      batch = [];
    };
    try {
      const summary = runScenario(scenario, (e) => {
        batch.push(e);
        if (batch.length >= BATCH) flush();
      });
      flush();
      if (!cancelled.has(id)) port.postMessage({ type: 'done', id, summary, ms: performance.now() - t0 });
    } catch (err) {
      flush();
      port.postMessage({ type: 'error', id, message: `The engine could not run this scenario: ${message(err)}` });
    }
  }

  /** Advances a prepared key in short slices between messages (setTimeout yields to them). */
  function prepare(msg: Extract<ToWorker, { type: 'prepare' }>): void {
    const { step } = prepareDemoKey(msg.seed, msg.serverKeyType);
    const slice = (): void => {
      const t0 = performance.now();
      while (performance.now() - t0 < SLICE_MS) if (step()) return;
      setTimeout(slice, 0);
    };
    setTimeout(slice, 0);
  }

  const captures = new Captures();

  port.onmessage = (ev) => {
    const msg = ev.data;
    try {
      switch (msg.type) {
        case 'run':
          run(msg.id, msg.scenario);
          return;
        case 'inspect-pem':
          port.postMessage({ type: 'pem', id: msg.id, result: inspect(msg) });
          return;
        case 'open-capture': {
          const t0 = performance.now();
          const result = captures.open(msg);
          port.postMessage({ type: 'capture', id: msg.id, result, ms: performance.now() - t0 });
          return;
        }
        case 'capture-connection': {
          const t0 = performance.now();
          port.postMessage({ type: 'capture', id: msg.id, result: captures.connection(msg.connection), ms: performance.now() - t0 });
          return;
        }
        case 'verify':
          port.postMessage(reverify(msg));
          return;
        case 'prepare':
          prepare(msg);
          return;
        case 'live':
          live({ post: (m) => port.postMessage(m), cancelled, sockets, batch: BATCH }, msg);
          return;
        case 'cancel':
          cancelled.add(msg.id);
          sockets.get(msg.id)?.close(1000, 'cancelled');
          sockets.delete(msg.id);
          return;
        default: {
          const never: never = msg;
          throw new Error(`unknown command ${JSON.stringify(never)}`);
        }
      }
    } catch (err) {
      port.postMessage({ type: 'error', id: (msg as { id?: number }).id ?? 0, message: message(err) });
    }
  };
  port.postMessage({ type: 'ready', at: performance.timeOrigin + performance.now() });
}
