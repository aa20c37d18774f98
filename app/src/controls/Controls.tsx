/** Transport controls: to start, step back, play/pause, step forward, to end, speed; run status. */
import { useAppStore } from '../store';
import { togglePlay } from './keyboard';
import { IconFirst, IconLast, IconNext, IconPause, IconPlay, IconPrev } from './icons';

const SPEEDS = [0.5, 1, 2, 4];

export function Controls() {
  const cursor = useAppStore((s) => s.cursor);
  const total = useAppStore((s) => s.run.stepEnds.length);
  const playing = useAppStore((s) => s.playing);
  const speed = useAppStore((s) => s.speed);
  const status = useAppStore((s) => s.status);
  const runMs = useAppStore((s) => s.runMs);
  const runId = useAppStore((s) => s.runId);
  const largeType = useAppStore((s) => s.largeType);
  const { setCursor, stepBy, setPlaying, setSpeed, setLargeType } = useAppStore.getState();
  const stop = () => setPlaying(false);
  return (
    <div className="controls" role="group" aria-label="Playback">
      <button type="button" onClick={() => (stop(), setCursor(0))} disabled={cursor === 0} aria-label="To start" title="To start (Home)">
        <IconFirst />
      </button>
      <button type="button" onClick={() => (stop(), stepBy(-1))} disabled={cursor === 0} aria-label="Step back" title="Step back (←)">
        <IconPrev />
      </button>
      <button type="button" className="play" onClick={togglePlay} disabled={total === 0} aria-label={playing ? 'Pause' : 'Play'} title="Play / pause (space)">
        {playing ? <IconPause /> : <IconPlay />}
      </button>
      <button type="button" onClick={() => (stop(), stepBy(1))} disabled={cursor >= total} aria-label="Step forward" title="Step forward (→)">
        <IconNext />
      </button>
      <button type="button" onClick={() => (stop(), setCursor(total))} disabled={cursor >= total} aria-label="To end" title="To end (End)">
        <IconLast />
      </button>
      <label className="speed">
        Speed
        <select value={speed} onChange={(e) => setSpeed(Number(e.target.value))}>
          {SPEEDS.map((s) => (
            <option key={s} value={s}>
              {s}×
            </option>
          ))}
        </select>
      </label>
      <span className="step-count" aria-live="polite" data-testid="step-count">
        Step {cursor} of {total}
      </span>
      <span className="run-status" data-testid="run-status" data-status={status} data-run-id={runId}>
        {status === 'running' ? 'computing…' : status === 'error' ? 'engine error' : runMs !== null ? `computed in ${runMs.toFixed(0)} ms` : ''}
      </span>
      <span className="spacer" />
      <label className="switch-label">
        <input type="checkbox" checked={largeType} onChange={(e) => setLargeType(e.target.checked)} /> Large type
      </label>
    </div>
  );
}
