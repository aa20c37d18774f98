/**
 * The lesson being taken (which lesson, which stop) and whether the picker is open. Its own
 * small store: the run, cursor and selection stay in the app's store, so leaving a lesson
 * leaves the run exactly as it is.
 */
import { create } from 'zustand';

const SEEN_KEY = 'tlslab.lessons.seen';

/** The page's query string as loaded (before the engine bridge writes the settings into it). */
const initialSearch = typeof location === 'undefined' ? '' : location.search;

function seenBefore(): boolean {
  try {
    return localStorage.getItem(SEEN_KEY) === '1';
  } catch {
    return false;
  }
}

function remember(): void {
  try {
    localStorage.setItem(SEEN_KEY, '1');
  } catch {
    /* private mode: the picker shows again next time */
  }
}

/** A newcomer: never saw the picker here, and came without settings in the link. */
export function isFirstVisit(search = initialSearch, seen = seenBefore()): boolean {
  return !seen && new URLSearchParams(search).size === 0;
}

export interface LessonState {
  pickerOpen: boolean;
  lessonId: string | null;
  stop: number;
  openPicker: () => void;
  closePicker: () => void;
  start: (id: string) => void;
  goTo: (stop: number) => void;
  leave: () => void;
}

// Shown once: a returning visitor starts straight at the handshake.
const firstVisit = isFirstVisit();
if (firstVisit) remember();

export const useLessonStore = create<LessonState>()((set) => ({
  pickerOpen: firstVisit,
  lessonId: null,
  stop: 0,
  openPicker: () => {
    remember();
    set({ pickerOpen: true });
  },
  closePicker: () => {
    remember();
    set({ pickerOpen: false });
  },
  start: (id) => {
    remember();
    set({ lessonId: id, stop: 0, pickerOpen: false });
  },
  goTo: (stop) => set({ stop }),
  leave: () => set({ lessonId: null, stop: 0 }),
}));
