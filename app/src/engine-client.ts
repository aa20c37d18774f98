/**
 * The bridge to the engine Worker. It owns the Worker, sends `ToWorker` commands, and turns
 * `FromWorker` messages into store actions. It re-runs whenever the scenario changes, keeps
 * the URL in step with the settings, and restarts the Worker if it crashes or hangs, with a
 * clear message; the page keeps working either way.
 */
import type { LiveRequest, Scenario, TlsEvent, VerificationReportSummary } from '@tlslab/engine';
import type { FromWorker, PemInspection, ToWorker } from '@tlslab/engine/worker';
import { useAppStore } from './store';
import { keepViewParams, nextSeed, scenarioToSearch } from './store/url';
import { useLiveStore } from './live/store';
import { createEngineWorker, markLoad, takeEarlyWorker } from './worker-boot';

/** A run that takes longer than this is abandoned (the Worker is restarted). */
const RUN_TIMEOUT_MS = 20_000;

let worker: Worker | null = null;
let nextId = 1;
const pendingEvents = new Map<number, TlsEvent[]>();
const pemWaiters = new Map<number, (r: PemInspection) => void>();
/** Runs made for a side view (timing comparisons): their events go to the caller, not the store. */
const asideRuns = new Map<number, { events: TlsEvent[]; resolve: (events: TlsEvent[] | null) => void }>();
const verifyWaiters = new Map<number, (r: VerificationReportSummary | null) => void>();
let watchdog: ReturnType<typeof setTimeout> | undefined;
/** Other parts of the app that talk to the Worker (the capture opener) hear its messages here. */
const listeners = new Set<(msg: FromWorker) => void>();

function post(msg: ToWorker): void {
  ensureWorker().postMessage(msg);
}

/** A fresh command id (runs, pastes and captures share one counter, so a later command has a larger id). */
export function newCommandId(): number {
  return nextId++;
}

/** Sends a command to the engine Worker (`transfer`: buffers moved, not copied). */
export function postToWorker(msg: ToWorker, transfer: Transferable[] = []): void {
  ensureWorker().postMessage(msg, transfer);
}

/** Listens to every message from the Worker; returns the function that stops listening. */
export function onWorkerMessage(f: (msg: FromWorker) => void): () => void {
  listeners.add(f);
  return () => listeners.delete(f);
}

function ensureWorker(): Worker {
  if (worker) return worker;
  const w = takeEarlyWorker() ?? createEngineWorker();
  w.onmessage = (ev: MessageEvent<FromWorker>) => onMessage(ev.data);
  w.onerror = (ev) => {
    ev.preventDefault();
    crashed(`The engine worker failed: ${ev.message || 'it could not start'}.`);
  };
  w.onmessageerror = () => crashed('A message from the engine worker could not be read.');
  worker = w;
  return w;
}

function crashed(message: string): void {
  worker?.terminate();
  worker = null;
  clearTimeout(watchdog);
  const id = useAppStore.getState().runId;
  useAppStore.getState().failRun(id, `${message} The engine was restarted; change a setting or press "New handshake" to try again.`, pendingEvents.get(id) ?? []);
  pendingEvents.clear();
  for (const [, resolve] of pemWaiters) resolve({ certificates: 0, keys: [], problems: [message] });
  pemWaiters.clear();
  for (const [, r] of asideRuns) r.resolve(null);
  asideRuns.clear();
  for (const [, resolve] of verifyWaiters) resolve(null);
  verifyWaiters.clear();
}

function onMessage(msg: FromWorker): void {
  for (const l of listeners) l(msg);
  const store = useAppStore.getState();
  const aside = 'id' in msg ? asideRuns.get(msg.id) : undefined;
  if (aside) {
    if (msg.type === 'events') aside.events.push(...msg.events);
    else if (msg.type === 'done' || msg.type === 'error') {
      asideRuns.delete(msg.id);
      aside.resolve(msg.type === 'done' ? aside.events : null);
    }
    return;
  }
  switch (msg.type) {
    case 'ready':
      // For bench:app (and anyone profiling the load): when the Worker could take its first command.
      markLoad('tlslab:worker-ready', msg.at - performance.timeOrigin);
      return;
    case 'events': {
      const list = pendingEvents.get(msg.id);
      if (list) for (const e of msg.events) list.push(e);
      return;
    }
    case 'done': {
      markLoad('tlslab:run-done');
      clearTimeout(watchdog);
      const events = pendingEvents.get(msg.id) ?? [];
      pendingEvents.delete(msg.id);
      store.finishRun(msg.id, events, msg.ms, msg.summary);
      if (useLiveStore.getState().runId !== msg.id) prepareKeys(store.scenario);
      if (useLiveStore.getState().runId === msg.id) {
        const sm = msg.summary;
        useLiveStore.getState().set({
          status: sm.ok
            ? `Done: ${[sm.version, sm.cipherSuite].filter(Boolean).join(', ')}, the request answered.`
            : `Ended: ${sm.alert ? `alert ${sm.alert}` : ''}${sm.alert && sm.error && sm.error !== sm.alert ? ' — ' : ''}${sm.error && sm.error !== sm.alert ? sm.error : ''}.`,
        });
      }
      return;
    }
    case 'capture':
      return;
    case 'status':
      if (useLiveStore.getState().runId === msg.id) useLiveStore.getState().set({ status: msg.text });
      return;
    case 'pem': {
      const resolve = pemWaiters.get(msg.id);
      pemWaiters.delete(msg.id);
      resolve?.(msg.result);
      return;
    }
    case 'verified': {
      verifyWaiters.get(msg.id)?.(msg.report);
      verifyWaiters.delete(msg.id);
      return;
    }
    case 'error': {
      const verifying = verifyWaiters.get(msg.id);
      if (verifying) {
        verifyWaiters.delete(msg.id);
        verifying(null);
        return;
      }
      const resolve = pemWaiters.get(msg.id);
      if (resolve) {
        pemWaiters.delete(msg.id);
        resolve({ certificates: 0, keys: [], problems: [msg.message] });
        return;
      }
      clearTimeout(watchdog);
      const events = pendingEvents.get(msg.id) ?? [];
      pendingEvents.delete(msg.id);
      store.failRun(msg.id, msg.message, events);
      return;
    }
  }
}

/** Cancels the run in flight, if any (its answers are dropped; a live run's connection closes). */
function cancelCurrent(): void {
  const store = useAppStore.getState();
  if (store.runId && pendingEvents.has(store.runId)) {
    post({ type: 'cancel', id: store.runId });
    pendingEvents.delete(store.runId);
  }
}

/** Runs a scenario in the Worker; the result lands in the store. */
export function runScenario(scenario: Scenario): void {
  const store = useAppStore.getState();
  cancelCurrent();
  useLiveStore.getState().set({ runId: null, status: null });
  const id = nextId++;
  pendingEvents.set(id, []);
  store.beginRun(id);
  clearTimeout(watchdog);
  watchdog = setTimeout(() => crashed(`The run took longer than ${RUN_TIMEOUT_MS / 1000} s.`), RUN_TIMEOUT_MS);
  markLoad('tlslab:run-posted');
  post({ type: 'run', id, scenario });
}

/** Runs a scenario in the Worker for a side view; resolves with its events (null if it failed). */
export function runAside(scenario: Scenario): Promise<TlsEvent[] | null> {
  const id = nextId++;
  return new Promise((resolve) => {
    asideRuns.set(id, { events: [], resolve });
    post({ type: 'run', id, scenario });
  });
}

/**
 * While the user looks at a run, the Worker makes the slow (RSA) keys the likely next runs
 * need: "New handshake" (the next seed, this key type) and switching this seed to RSA.
 */
function prepareKeys(scenario: Scenario): void {
  post({ type: 'prepare', id: nextId++, seed: nextSeed(), serverKeyType: scenario.serverKeyType });
  post({ type: 'prepare', id: nextId++, seed: scenario.seed, serverKeyType: 'rsa-2048' });
}

/**
 * A live run in the Worker: our client against a real server, or our server for a real client,
 * through `tlslab relay`. Waiting for a real client has no watchdog (the person starts curl when
 * they like); the Worker's own timeout ends a connection that stalls.
 */
export function runLive(request: LiveRequest, relay: string): void {
  const store = useAppStore.getState();
  cancelCurrent();
  const id = nextId++;
  pendingEvents.set(id, []);
  store.beginRun(id);
  clearTimeout(watchdog);
  useLiveStore.getState().set({ runId: id, status: 'Starting…' });
  post({ type: 'live', id, relay, request });
}

/** Stops a live run (closes its connection); the events so far stay on screen. */
export function stopLive(): void {
  const id = useLiveStore.getState().runId;
  if (id === null || !pendingEvents.has(id)) return;
  post({ type: 'cancel', id });
  const events = pendingEvents.get(id) ?? [];
  pendingEvents.delete(id);
  useAppStore.getState().failRun(id, 'The live run was stopped.', events);
  useLiveStore.getState().set({ status: 'Stopped.' });
}

/** Parses and verifies a paste in the Worker. */
export function inspectPem(args: {
  chainPem: string;
  keyPem?: string;
  extraTrustPem?: string;
  host?: string;
  purpose?: 'server' | 'client';
  policy?: 'webpki' | 'rfc5280';
  crlPem?: string;
  email?: string;
}): Promise<PemInspection> {
  const id = nextId++;
  return new Promise((resolve) => {
    pemWaiters.set(id, resolve);
    post({ type: 'inspect-pem', id, ...args });
  });
}

/** Verifies a DER chain in the Worker under a policy (null if the Worker failed). */
export function verifyInWorker(args: Omit<Extract<ToWorker, { type: 'verify' }>, 'type' | 'id'>): Promise<VerificationReportSummary | null> {
  const id = nextId++;
  return new Promise((resolve) => {
    verifyWaiters.set(id, resolve);
    post({ type: 'verify', id, ...args });
  });
}

/** Starts the bridge: first run now, a new run on every scenario change, the URL kept in step. */
export function startEngine(): void {
  const first = useAppStore.getState().scenario;
  history.replaceState(null, '', keepViewParams(scenarioToSearch(first), location.search));
  runScenario(first);
  useAppStore.subscribe((st, prev) => {
    if (st.scenario === prev.scenario) return;
    history.replaceState(null, '', keepViewParams(scenarioToSearch(st.scenario), location.search));
    runScenario(st.scenario);
  });
}
