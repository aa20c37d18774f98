/**
 * The engine Worker, created first thing: the entry module (main.tsx) makes it before the rest
 * of the app is even fetched, so the Worker's script loads and compiles while the app's bundle
 * does, on the other core. The engine bridge (engine-client.ts) takes it on its first command.
 */

/**
 * A User Timing mark of the engine's load (tlslab:worker-created, worker-ready, run-posted,
 * run-done), made once: for the page's first Worker and first run. bench:app's load breakdown
 * reads them, and they show in a browser's performance panel.
 */
export function markLoad(name: string, startTime?: number): void {
  try {
    if (performance.getEntriesByName(name, 'mark').length > 0) return;
    performance.mark(name, startTime === undefined ? undefined : { startTime: Math.max(0, startTime) });
  } catch {
    // No User Timing here: nothing to mark.
  }
}

let early: Worker | null = null;
let earlyFailed = false;

/** A new engine Worker. */
export function createEngineWorker(): Worker {
  return new Worker(new URL('./engine.worker.ts', import.meta.url), { type: 'module' });
}

/** Starts the engine Worker now (its first command comes once the app has loaded). */
export function startWorkerEarly(): void {
  if (early || typeof Worker === 'undefined') return;
  try {
    early = createEngineWorker();
  } catch {
    return; // The bridge makes its own, and reports what is wrong with it.
  }
  markLoad('tlslab:worker-created');
  // Until the bridge takes it, a failure to start is only noted: the bridge then makes a
  // fresh Worker, whose failure it reports.
  early.addEventListener('error', (ev) => {
    ev.preventDefault();
    earlyFailed = true;
  });
  // The Worker says it is ready as soon as it has loaded, which on a fast load is before the
  // bridge (in the app chunk) listens: a message nobody listens to is gone, so it is marked here.
  early.addEventListener('message', (ev: MessageEvent<{ type?: string; at?: number }>) => {
    if (ev.data?.type === 'ready' && typeof ev.data.at === 'number') markLoad('tlslab:worker-ready', ev.data.at - performance.timeOrigin);
  });
}

/** The Worker started early, once; null when there is none or it failed to start. */
export function takeEarlyWorker(): Worker | null {
  const w = early;
  early = null;
  if (w && earlyFailed) {
    w.terminate();
    return null;
  }
  return w;
}
