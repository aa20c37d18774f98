/**
 * Keyboard shortcuts (space play/pause, ←/→ step, Home/End) and the play loop.
 * Shortcuts are ignored while typing in a field so the settings stay usable.
 */
import { useEffect } from 'react';
import { useAppStore } from '../store';

/** A field that uses the keys itself (text entry, a select). */
function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  const tag = target.tagName;
  if (tag === 'INPUT') return !['checkbox', 'radio', 'button', 'submit', 'range'].includes((target as HTMLInputElement).type);
  return tag === 'TEXTAREA' || tag === 'SELECT' || target.isContentEditable;
}

/** Radios and tabs move their selection with ←/→ themselves. */
function usesArrows(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && ((target.tagName === 'INPUT' && (target as HTMLInputElement).type === 'radio') || target.getAttribute('role') === 'tab');
}

/** Play from the start if at the end, else toggle. */
export function togglePlay(): void {
  const s = useAppStore.getState();
  if (s.playing) return s.setPlaying(false);
  if (s.cursor >= s.run.stepEnds.length) s.setCursor(0);
  s.setPlaying(true);
}

export function useKeyboard(): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey || isTyping(e.target)) return;
      const s = useAppStore.getState();
      const onControl = e.target instanceof HTMLElement && (e.target.tagName === 'BUTTON' || e.target.tagName === 'INPUT' || e.target.getAttribute('role') === 'button');
      switch (e.key) {
        case ' ':
          if (onControl) return; // space activates the focused button
          e.preventDefault();
          togglePlay();
          return;
        case 'ArrowRight':
          if (usesArrows(e.target)) return;
          e.preventDefault();
          s.setPlaying(false);
          s.stepBy(1);
          return;
        case 'ArrowLeft':
          if (usesArrows(e.target)) return;
          e.preventDefault();
          s.setPlaying(false);
          s.stepBy(-1);
          return;
        case 'Home':
          e.preventDefault();
          s.setPlaying(false);
          s.setCursor(0);
          return;
        case 'End':
          e.preventDefault();
          s.setPlaying(false);
          s.setCursor(s.run.stepEnds.length);
          return;
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}

/** Advances the cursor while playing, at `speed` steps per second. */
export function usePlayback(): void {
  const playing = useAppStore((s) => s.playing);
  const speed = useAppStore((s) => s.speed);
  useEffect(() => {
    if (!playing) return;
    const timer = setInterval(() => {
      const s = useAppStore.getState();
      if (s.cursor >= s.run.stepEnds.length) {
        if (s.status !== 'running') s.setPlaying(false);
        return;
      }
      s.stepBy(1);
    }, 1000 / speed);
    return () => clearInterval(timer);
  }, [playing, speed]);
}
