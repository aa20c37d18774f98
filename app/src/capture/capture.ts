/**
 * Opening a capture in the page: the files are read here and handed to the engine Worker
 * (`open-capture`), which finds the TLS connections and turns the chosen one into the event
 * stream every panel reads. The result lands in the main store as a run (so the diagram,
 * inspector, keys and certificate report show it), and in this small store (which file, which
 * connections, what went wrong). Nothing leaves the page.
 */
import { create } from 'zustand';
import type { ObservedConnection } from '@tlslab/engine';
import { looksLikeCapture, sizeProblem } from '@tlslab/engine/capture-file';
import type { CaptureView, FromWorker } from '@tlslab/engine/worker';
import { newCommandId, onWorkerMessage, postToWorker, runScenario } from '../engine-client';
import { useAppStore } from '../store';

export interface CaptureState {
  /** A capture is what the page shows now. */
  active: boolean;
  busy: boolean;
  fileName: string | null;
  keyLogName: string | null;
  trustName: string | null;
  connections: ObservedConnection[];
  connection: number | null;
  /** Problems with the file (not a capture, truncated, no TLS, key log matching nothing...). */
  problems: string[];
  keyLog: CaptureView['keyLog'] | null;
  /** Shown while a file is dragged over the page. */
  dragging: boolean;
}

export const useCaptureStore = create<CaptureState>()(() => ({
  active: false,
  busy: false,
  fileName: null,
  keyLogName: null,
  trustName: null,
  connections: [],
  connection: null,
  problems: [],
  keyLog: null,
  dragging: false,
}));

/** Ids of the capture commands sent (the engine bridge's counter: runs and captures in one order). */
const captureIds = new Set<number>();
let listening = false;

function nextId(): number {
  const id = newCommandId();
  captureIds.add(id);
  return id;
}

function listen(): void {
  if (listening) return;
  listening = true;
  onWorkerMessage((msg: FromWorker) => {
    if (msg.type !== 'capture') return;
    const app = useAppStore.getState();
    if (msg.id !== app.runId) return;
    const r = msg.result;
    useCaptureStore.setState({ busy: false, active: true, connections: r.connections, connection: r.connection, problems: r.problems, keyLog: r.keyLog });
    if (r.connection === null) {
      app.failRun(msg.id, r.problems[0] ?? 'This capture has no TLS connection.', []);
      return;
    }
    app.finishRun(msg.id, r.events, msg.ms, r.summary);
    // A capture is shown whole: every record on the diagram, nothing selected yet.
    const st = useAppStore.getState();
    st.setCursor(st.run.stepEnds.length);
    st.select(null);
  });
  // Changing a setting starts a simulated run again: the capture is no longer on screen.
  useAppStore.subscribe((st, prev) => {
    if (st.runId !== prev.runId && !captureIds.has(st.runId) && useCaptureStore.getState().active) useCaptureStore.setState({ active: false, busy: false });
  });
}

/** The Mozilla root store the app ships (public/mozilla-roots.pem), fetched once. */
let mozilla: Promise<string | null> | undefined;
function mozillaRoots(): Promise<string | null> {
  mozilla ??= fetch('mozilla-roots.pem')
    .then((r) => (r.ok ? r.text() : null))
    .catch(() => null);
  return mozilla;
}

/** Sorts dropped or picked files: the capture (by its magic number), a key log, PEM roots. */
export async function classifyFiles(files: readonly File[]): Promise<{ capture?: File; keyLog?: File; roots?: File; unknown: File[] }> {
  const out: { capture?: File; keyLog?: File; roots?: File; unknown: File[] } = { unknown: [] };
  for (const f of files) {
    const head = new Uint8Array(await f.slice(0, 64).arrayBuffer());
    const text = new TextDecoder().decode(head);
    if (looksLikeCapture(head)) out.capture ??= f;
    else if (text.includes('-----BEGIN')) out.roots ??= f;
    else if (/^(#|[A-Z_0-9]+ [0-9a-fA-F]{64} )/.test(text) || /keylog|keys|sslkey/i.test(f.name)) out.keyLog ??= f;
    else if (/\.(pcap|pcapng|cap)$/i.test(f.name)) out.capture ??= f;
    else out.unknown.push(f);
  }
  return out;
}

/** Opens a capture (with an optional key log and extra roots). */
export async function openCaptureFiles(capture: File, keyLog?: File | null, roots?: File | null): Promise<void> {
  listen();
  const tooBig = sizeProblem(capture.size);
  if (tooBig) {
    useCaptureStore.setState({ active: true, busy: false, fileName: capture.name, connections: [], connection: null, problems: [tooBig] });
    return;
  }
  const id = nextId();
  useCaptureStore.setState({ busy: true, fileName: capture.name, keyLogName: keyLog?.name ?? null, trustName: null, problems: [] });
  const app = useAppStore.getState();
  app.setPlaying(false);
  app.beginRun(id);
  const [bytes, keyLogText, rootsPem, mozillaPem] = await Promise.all([capture.arrayBuffer(), keyLog?.text(), roots?.text(), mozillaRoots()]);
  const trustPem = [mozillaPem ?? '', rootsPem ?? ''].join('\n');
  const trustName = [mozillaPem ? 'the Mozilla root store' : '', roots ? `the roots in ${roots.name}` : ''].filter(Boolean).join(' and ') || 'no trust anchors';
  useCaptureStore.setState({ trustName });
  postToWorker({ type: 'open-capture', id, capture: new Uint8Array(bytes), ...(keyLogText ? { keyLog: keyLogText } : {}), ...(trustPem.trim() ? { trustPem } : {}), trustName }, [
    bytes,
  ]);
}

/** Shows another connection of the open capture. */
export function showConnection(connection: number): void {
  listen();
  const id = nextId();
  useCaptureStore.setState({ busy: true, connection });
  const app = useAppStore.getState();
  app.setPlaying(false);
  app.beginRun(id);
  postToWorker({ type: 'capture-connection', id, connection });
}

/** Back to the simulated handshake of the current settings. */
export function closeCapture(): void {
  useCaptureStore.setState({ active: false, busy: false, fileName: null, keyLogName: null, connections: [], connection: null, problems: [], keyLog: null });
  runScenario(useAppStore.getState().scenario);
}
