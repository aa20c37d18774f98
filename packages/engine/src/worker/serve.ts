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
import { inDeliveryOrder } from '../steps';
import { prepareDemoKey } from '../pki/demo';
import { describePublicKey, parseCertificate, parsePemBundle, publicKeysEqual } from '../pki/parse';
import { createTrustStore, verifyChain, type Policy, type TrustStore } from '../pki/verify';
import { parseCrlBundle } from '../pki/crl';
import { openCapture, type OpenedCapture } from '../observe/index';
import { captureSummary } from '../observe/summary';
import type { CaptureView, FromWorker, PemInspection, ToWorker } from './protocol';
import { runLive } from '../live';
import { relayTransport, type RelaySocket } from '../io/websocket';

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
  const cancelled = new Set<number>();
  /** Open WebSockets of live runs, closed when their run is cancelled. */
  const sockets = new Map<number, RelaySocket>();

  function live(msg: Extract<ToWorker, { type: 'live' }>): void {
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
    status(request.mode === 'client' ? `Connecting to ${request.target} through the relay at ${msg.relay}…` : `Waiting for a TLS client: the relay at ${msg.relay} hands over the next connection to its --listen port…`);
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
    void runLive(request, transport, (e) => {
      batch.push(e);
      if (batch.length >= BATCH) flush();
      else timer ??= setTimeout(flush, 50);
    }, { timeoutMs: request.mode === 'client' ? 15_000 : 300_000, peerLabel: request.mode === 'client' ? `${request.target}, reached through tlslab relay` : 'reached through tlslab relay', remoteAddress: () => remoteAddress }).then((summary) => {
      clearTimeout(timer);
      flush();
      sockets.delete(id);
      if (!cancelled.has(id)) port.postMessage({ type: 'done', id, summary, ms: performance.now() - t0 });
    });
  }

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

  function inspect(msg: Extract<ToWorker, { type: 'inspect-pem' }>): PemInspection {
    const bundle = parsePemBundle(msg.chainPem);
    const problems = [...bundle.problems];
    const keys = [...bundle.keys];
    if (msg.keyPem?.trim()) {
      const kb = parsePemBundle(msg.keyPem);
      keys.push(...kb.keys);
      problems.push(...kb.problems.map((p) => `Private key box: ${p}`));
      if (kb.certificates.length > 0) problems.push('Private key box: it holds a certificate; paste certificates in the certificate box.');
      if (kb.keys.length === 0 && kb.problems.length === 0) problems.push('Private key box: no private key found.');
    }
    const anchors: Uint8Array[] = [];
    if (msg.extraTrustPem?.trim()) {
      const tb = parsePemBundle(msg.extraTrustPem);
      anchors.push(...tb.certificates);
      problems.push(...tb.problems.map((p) => `Trust anchors box: ${p}`));
    }
    if (bundle.certificates.length === 0) {
      if (problems.length === 0) problems.push('No certificate found; expected PEM (-----BEGIN CERTIFICATE-----) or DER.');
      return { certificates: 0, keys: keys.map((k) => describePublicKey(k.publicKey)), problems };
    }
    const purpose = msg.purpose ?? 'server';
    const leaf = bundle.certificates[0]!;
    if (keys.length > 0) {
      try {
        const leafKey = parseCertificate(leaf).publicKey;
        if (leafKey && !keys.some((k) => publicKeysEqual(k.publicKey, leafKey)))
          problems.push(`The private key does not belong to the first (leaf) certificate: the ${purpose} could not prove it owns it.`);
      } catch {
        /* the report below says what is wrong with the leaf */
      }
    }
    const crls = readCrls(msg.crlPem, problems);
    const judge = (policy: Policy | undefined) =>
      verifyChain({
        chain: bundle.certificates,
        anchors,
        host: purpose === 'server' ? msg.host || undefined : undefined,
        purpose,
        at: msg.at ? new Date(msg.at) : undefined,
        ...(policy ? { policy } : {}),
        ...(crls.length ? { crls } : {}),
        ...(msg.email ? { email: msg.email } : {}),
      });
    // Without a policy the verifier's default judges; the comparison is with the other one.
    const report = judge(msg.policy);
    const other: Policy = (report.policy ?? msg.policy ?? 'webpki') === 'webpki' ? 'rfc5280' : 'webpki';
    return {
      certificates: bundle.certificates.length,
      keys: keys.map((k) => describePublicKey(k.publicKey)),
      problems,
      report,
      comparison: { policy: other, report: judge(other) },
      ...(msg.crlPem?.trim() ? { crls: crls.length } : {}),
    };
  }

  /** CRLs of a CRL box; what cannot be used goes to `problems`. */
  function readCrls(pem: string | undefined, problems: string[]): Uint8Array[] {
    if (!pem?.trim()) return [];
    const cb = parseCrlBundle(pem);
    problems.push(...cb.problems.map((p) => `CRL box: ${p}`));
    return cb.crls;
  }

  function reverify(msg: Extract<ToWorker, { type: 'verify' }>): FromWorker {
    const problems: string[] = [];
    const crls = readCrls(msg.crlPem, problems);
    const report = verifyChain({
      chain: msg.chain,
      anchors: msg.anchors,
      purpose: msg.purpose,
      policy: msg.policy,
      ...(msg.at ? { at: new Date(msg.at) } : {}),
      ...(msg.host !== undefined ? { host: msg.host } : {}),
      ...(msg.keyExchange ? { keyExchange: msg.keyExchange } : {}),
      ...(crls.length ? { crls } : {}),
      ...(msg.email ? { email: msg.email } : {}),
    });
    return { type: 'verified', id: msg.id, report };
  }

  /** The last capture opened (a connection picker asks for others), and the last trust store built. */
  let lastCapture: OpenedCapture | undefined;
  let lastTrust: { pem: string; store: TrustStore } | undefined;

  function captureView(c: OpenedCapture, connection: number | undefined): CaptureView {
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

  function openCaptureCommand(msg: Extract<ToWorker, { type: 'open-capture' }>): CaptureView {
    let trust: TrustStore | undefined;
    if (msg.trustPem) {
      if (lastTrust?.pem !== msg.trustPem) lastTrust = { pem: msg.trustPem, store: createTrustStore(parsePemBundle(msg.trustPem).certificates) };
      trust = lastTrust.store;
    }
    lastCapture = openCapture(msg.capture, { ...(msg.keyLog ? { keyLog: msg.keyLog } : {}), ...(trust ? { trust } : {}), ...(msg.trustName ? { trustName: msg.trustName } : {}) });
    return captureView(lastCapture, msg.connection);
  }

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
          const result = openCaptureCommand(msg);
          port.postMessage({ type: 'capture', id: msg.id, result, ms: performance.now() - t0 });
          return;
        }
        case 'capture-connection': {
          if (!lastCapture) throw new Error('no capture is open');
          const t0 = performance.now();
          port.postMessage({ type: 'capture', id: msg.id, result: captureView(lastCapture, msg.connection), ms: performance.now() - t0 });
          return;
        }
        case 'verify':
          port.postMessage(reverify(msg));
          return;
        case 'prepare':
          prepare(msg);
          return;
        case 'live':
          live(msg);
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
  port.postMessage({ type: 'ready' });
}
