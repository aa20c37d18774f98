/**
 * The real-peer settings (which side is real, where the relay is, the server to reach) and the
 * live run's progress. Kept apart from the scenario: a live run is started by a button, never by
 * a link, and is not reproducible (the peer chooses its own randomness).
 */
import { create } from 'zustand';

export type PeerChoice = 'built-in' | 'real';

export interface LiveState {
  server: PeerChoice;
  client: PeerChoice;
  relay: string;
  /** The real server, HOST:PORT. */
  target: string;
  /** The run id of the live run on screen (or in flight), null when the run shown is simulated. */
  runId: number | null;
  /** What the live run is doing, in words. */
  status: string | null;
  set: (patch: Partial<Omit<LiveState, 'set'>>) => void;
}

export const DEFAULT_RELAY = 'ws://127.0.0.1:8090';

export const useLiveStore = create<LiveState>()((set) => ({
  server: 'built-in',
  client: 'built-in',
  relay: DEFAULT_RELAY,
  target: '127.0.0.1:4433',
  runId: null,
  status: null,
  set: (patch) => set(patch),
}));

/** `HOST:PORT` (or `[v6]:PORT`) → a problem in words, or null when it is fine. */
export function targetProblem(target: string): string | null {
  const m = /^\[([0-9a-fA-F:.]+)\]:(\d+)$/.exec(target) ?? /^([A-Za-z0-9.-]+):(\d+)$/.exec(target);
  if (!m) return `"${target}" is not HOST:PORT (e.g. 127.0.0.1:4433 or example.com:443).`;
  const port = Number(m[2]);
  if (port < 1 || port > 65535) return `Port ${m[2]} is not between 1 and 65535.`;
  return null;
}

/** A WebSocket URL for the relay, or a problem in words. */
export function relayProblem(relay: string): string | null {
  try {
    const u = new URL(relay);
    if (u.protocol !== 'ws:' && u.protocol !== 'wss:') return `The relay address must start with ws:// (got ${u.protocol}//).`;
    return null;
  } catch {
    return `"${relay}" is not a WebSocket URL (e.g. ${DEFAULT_RELAY}).`;
  }
}
