/**
 * The one bound store, built from typed slices:
 * - scenario: the settings (mirrored in the URL) and the seed;
 * - timeline: the event log of the current run and the cursor (steps played);
 * - selection: the selected record and the hovered field/bytes;
 * - view: UI preferences (panel tab, large type, speed, the diagram's time axis) and the paste box.
 * The engine bridge (engine-client.ts) writes into it with plain actions from outside React.
 */
import { create, type StateCreator } from 'zustand';
import type { RunSummary, Scenario, TlsEvent } from '@tlslab/engine';
import { buildRunView, type RunView } from './derive';
import { freshSeed, scenarioFromUrl, timeAxisFromUrl, withTimeAxis } from './url';
import { normalizeScenario as normalizeByEngine, type ScenarioChange } from '@tlslab/engine/scenario';
import { FAULTS, KEY_TYPE_LABELS, type RttChoice } from './options';
import type { PemInspection } from '@tlslab/engine/worker';

export interface ScenarioSlice {
  scenario: Scenario;
  /** What the last settings change also changed, and why (shown under the settings). */
  adjustments: string[];
  /** Changes settings; the engine bridge re-runs with the same seed. */
  setScenario: (patch: Partial<Scenario>) => void;
  /** Fresh randomness: a new seed, same settings. */
  newHandshake: () => void;
}

export type RunStatus = 'idle' | 'running' | 'done' | 'error';

export interface TimelineSlice {
  runId: number;
  status: RunStatus;
  /** A clear message when the run (or the Worker) failed outside the TLS state machines. */
  error: string | null;
  /** The completed run's events and the views derived from them. */
  run: RunView;
  /** How long the engine took (ms, in the Worker). */
  runMs: number | null;
  /** The engine's summary of the run (outcome, first alert, why). */
  summary: RunSummary | null;
  /** Steps played (0 = nothing yet, run.stepEnds.length = all). */
  cursor: number;
  playing: boolean;
  beginRun: (id: number) => void;
  finishRun: (id: number, events: TlsEvent[], ms: number, summary: RunSummary | null) => void;
  failRun: (id: number, message: string, events: TlsEvent[]) => void;
  setCursor: (cursor: number) => void;
  stepBy: (delta: number) => void;
  setPlaying: (playing: boolean) => void;
}

export interface Hover {
  /** Which byte buffer: the record on the wire, the decrypted plaintext, what the receiver got, or a certificate's DER. */
  space: 'record' | 'plaintext' | 'received' | 'certificate';
  start: number;
  end: number;
  label: string;
}

export interface SelectionSlice {
  selectedRecordId: string | null;
  hover: Hover | null;
  select: (recordId: string | null) => void;
  setHover: (hover: Hover | null) => void;
}

export type PanelTab = 'inspector' | 'keys' | 'certificates' | 'time';

export interface PasteState {
  chainPem: string;
  keyPem: string;
  trustPem: string;
  /** CRLs (PEM) the client checks the server chain against. */
  crlPem: string;
  /** Mutual TLS: the e-mail address the server expects in the client certificate. */
  clientEmail: string;
  /** Mutual TLS: the client's chain, key and the extra roots the server trusts client certificates from. */
  clientChainPem: string;
  clientKeyPem: string;
  clientTrustPem: string;
  clientMessage: string | null;
  clientInspection: PemInspection | null;
  clientBusy: boolean;
  /** Also trust the Mozilla root store (as shipped with Node), loaded only when used. */
  mozilla: boolean;
  inspection: PemInspection | null;
  busy: boolean;
  message: string | null;
}

export interface ViewSlice {
  tab: PanelTab;
  largeType: boolean;
  /** Steps per second when playing. */
  speed: number;
  /** The diagram's vertical axis: time at this round-trip time (ms), or null for one row per record (kept in the link, `rtt=`). */
  timeAxis: RttChoice | null;
  paste: PasteState;
  setTab: (tab: PanelTab) => void;
  setLargeType: (on: boolean) => void;
  setSpeed: (speed: number) => void;
  setTimeAxis: (rtt: RttChoice | null) => void;
  setPaste: (patch: Partial<PasteState>) => void;
}

export type AppState = ScenarioSlice & TimelineSlice & SelectionSlice & ViewSlice;

/**
 * Keeps a scenario consistent by the engine's rules (scenario.ts `normalizeScenario`): what the
 * person just changed (`patch`) wins; whatever else has to change is said, with why, so nothing
 * changes silently.
 */
export function normalizeScenario(s: Scenario, patch: Partial<Scenario> = {}): { scenario: Scenario; changes: string[] } {
  const { scenario, changes } = normalizeByEngine(s, patch);
  return { scenario, changes: changes.map(changeText) };
}

/** One change the engine made, in words. */
function changeText(c: ScenarioChange): string {
  switch (c.kind) {
    case 'suite-not-in-version':
      return `Cipher suite back to the client's preference list: ${c.suite} is not a ${c.version} suite.`;
    case 'fault-needs-version':
      return `Break something back to Nothing: "${FAULTS.find((f) => f.id === c.fault)!.label}" needs ${c.needs}.`;
    case 'hello-retry-off':
      return 'HelloRetryRequest turned off: TLS 1.2 has no HelloRetryRequest.';
    case 'resumption-off':
      return 'Resume (PSK) turned off: ticket resumption is a TLS 1.3 option here.';
    case 'premaster-fault-needs-rsa-key':
      return `Break something back to Nothing: the premaster fault needs RSA key transport, and so an RSA server key, not ${KEY_TYPE_LABELS[c.keyType]}.`;
    case 'premaster-fault-suite':
      return `Cipher suite set to ${c.suite}: the premaster fault needs RSA key transport.`;
    case 'suite-needs-key':
      return `Cipher suite back to the client's preference list: ${c.suite} needs a ${KEY_TYPE_LABELS[c.needs]} server key, not ${KEY_TYPE_LABELS[c.keyType]}.`;
    case 'key-follows-suite':
      return `Server key set to ${KEY_TYPE_LABELS[c.keyType]}: ${c.suite} needs one.`;
    case 'early-data-off':
      return '0-RTT data turned off: it needs a resumed TLS 1.3 session (Resume).';
  }
}

const initialScenario = normalizeScenario(scenarioFromUrl(typeof location === 'undefined' ? '' : location.search));

const scenarioSlice: StateCreator<AppState, [], [], ScenarioSlice> = (set) => ({
  scenario: initialScenario.scenario,
  adjustments: initialScenario.changes,
  setScenario: (patch) =>
    set((st) => {
      const { scenario, changes } = normalizeScenario({ ...st.scenario, ...patch }, patch);
      return { scenario, adjustments: changes };
    }),
  newHandshake: () => set((st) => ({ scenario: { ...st.scenario, seed: freshSeed() }, adjustments: [] })),
});

const EMPTY_RUN = buildRunView([]);

const timelineSlice: StateCreator<AppState, [], [], TimelineSlice> = (set, get) => ({
  runId: 0,
  status: 'idle',
  error: null,
  run: EMPTY_RUN,
  runMs: null,
  summary: null,
  cursor: 0,
  playing: false,
  beginRun: (id) => set({ runId: id, status: 'running', error: null }),
  finishRun: (id, events, ms, summary) => {
    if (id !== get().runId) return;
    const run = buildRunView(events);
    const prev = get();
    const wasAtEnd = prev.run.stepEnds.length > 0 && prev.cursor >= prev.run.stepEnds.length;
    const cursor = wasAtEnd ? run.stepEnds.length : Math.min(prev.cursor, run.stepEnds.length);
    // A run that never put a record on the wire failed before the handshake: say why, loudly.
    const error = run.arrows.length === 0 ? `The handshake could not start: ${summary?.error ?? 'the engine sent no records.'}` : null;
    set({ run, runMs: ms, summary, status: 'done', error, cursor });
  },
  failRun: (id, message, events) => {
    if (id !== get().runId) return;
    const run = buildRunView(events);
    set({ run, status: 'error', error: message, playing: false, cursor: Math.min(get().cursor, run.stepEnds.length) });
  },
  setCursor: (cursor) => set((st) => ({ cursor: Math.max(0, Math.min(cursor, st.run.stepEnds.length)) })),
  stepBy: (delta) => set((st) => ({ cursor: Math.max(0, Math.min(st.cursor + delta, st.run.stepEnds.length)) })),
  setPlaying: (playing) => set({ playing }),
});

const selectionSlice: StateCreator<AppState, [], [], SelectionSlice> = (set) => ({
  selectedRecordId: null,
  hover: null,
  select: (recordId) => set({ selectedRecordId: recordId, hover: null }),
  setHover: (hover) => set({ hover }),
});

function storedLargeType(): boolean {
  try {
    return localStorage.getItem('tlslab.largeType') === '1';
  } catch {
    return false;
  }
}

const viewSlice: StateCreator<AppState, [], [], ViewSlice> = (set) => ({
  tab: 'inspector',
  largeType: storedLargeType(),
  speed: 1,
  timeAxis: typeof location === 'undefined' ? null : timeAxisFromUrl(location.search),
  paste: {
    chainPem: '',
    keyPem: '',
    trustPem: '',
    crlPem: '',
    clientEmail: '',
    clientChainPem: '',
    clientKeyPem: '',
    clientTrustPem: '',
    clientMessage: null,
    clientInspection: null,
    clientBusy: false,
    mozilla: false,
    inspection: null,
    busy: false,
    message: null,
  },
  setTab: (tab) => set({ tab }),
  setLargeType: (largeType) => {
    try {
      localStorage.setItem('tlslab.largeType', largeType ? '1' : '0');
    } catch {
      /* private mode: not remembered */
    }
    set({ largeType });
  },
  setSpeed: (speed) => set({ speed }),
  setTimeAxis: (timeAxis) => {
    // A view parameter: the link keeps it (and keepViewParams keeps it when the settings change).
    if (typeof history !== 'undefined') history.replaceState(null, '', withTimeAxis(location.search, timeAxis));
    set({ timeAxis });
  },
  setPaste: (patch) => set((st) => ({ paste: { ...st.paste, ...patch } })),
});

export const useAppStore = create<AppState>()((...a) => ({
  ...scenarioSlice(...a),
  ...timelineSlice(...a),
  ...selectionSlice(...a),
  ...viewSlice(...a),
}));
