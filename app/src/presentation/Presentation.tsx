/**
 * Presentation mode (for a projector): the diagram at full width with labels readable from the
 * back of the room, the narration large beneath it, the inspector on demand in a drawer. The
 * toggle is kept in the link (`present=1`), so a prepared link opens straight in it.
 */
import { useEffect } from 'react';
import { create } from 'zustand';

export const PRESENT_PARAM = 'present';

function fromUrl(): boolean {
  return typeof location !== 'undefined' && new URLSearchParams(location.search).get(PRESENT_PARAM) === '1';
}

interface PresentationState {
  on: boolean;
  inspector: boolean;
}

export const usePresentation = create<PresentationState>()(() => ({ on: fromUrl(), inspector: false }));

export function setPresentation(on: boolean): void {
  usePresentation.setState({ on, inspector: false });
  const p = new URLSearchParams(location.search);
  if (on) p.set(PRESENT_PARAM, '1');
  else p.delete(PRESENT_PARAM);
  history.replaceState(null, '', `?${p.toString()}`);
}

export function PresentationToggle() {
  const on = usePresentation((s) => s.on);
  const inspector = usePresentation((s) => s.inspector);
  useEffect(() => {
    const root = document.documentElement;
    root.classList.toggle('presentation', on);
    root.classList.toggle('show-inspector', on && inspector);
  }, [on, inspector]);
  useEffect(() => {
    if (!on || !inspector) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') usePresentation.setState({ inspector: false });
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [on, inspector]);
  return (
    <span className="presentation-controls">
      <button
        type="button"
        role="switch"
        aria-checked={on}
        className={on ? 'present-toggle on' : 'present-toggle'}
        onClick={() => setPresentation(!on)}
        title="Full-width diagram and large narration, for a projector (kept in the link)"
      >
        Presentation
      </button>
      {on && (
        <button type="button" aria-expanded={inspector} aria-controls="details" onClick={() => usePresentation.setState({ inspector: !inspector })}>
          {inspector ? 'Hide details' : 'Show details'}
        </button>
      )}
    </span>
  );
}
