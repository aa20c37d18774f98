/** A lesson against a run: its settings, whether the run is one of them, and where each stop is. */
import type { Scenario } from '@tlslab/engine';
import { DEFAULT_SCENARIO } from '@tlslab/engine/scenario';
import type { RunView } from '../store/derive';
import type { Lesson } from './lessons';
import type { Space } from './locate';

/** The settings a lesson runs with: the defaults, the lesson's own, and the seed kept. */
export function lessonScenario(lesson: Lesson, seed: string): Scenario {
  const { seed: _s, ...defaults } = DEFAULT_SCENARIO;
  return { ...defaults, seed, ...lesson.scenario };
}

const COMPARED = ['version', 'cipherSuite', 'group', 'serverKeyType', 'serverName', 'mutual', 'helloRetry', 'resumption', 'earlyData', 'fault'] as const;
const PASTED = ['pastedChainPem', 'pastedKeyPem', 'extraTrustPem', 'pastedClientChainPem', 'pastedClientKeyPem', 'extraClientTrustPem'] as const;

/** Whether `s` still has the lesson's settings (any seed): otherwise its texts would not apply. */
export function hasLessonSettings(lesson: Lesson, s: Scenario): boolean {
  const want = lessonScenario(lesson, s.seed);
  return COMPARED.every((k) => (want[k] ?? false) === (s[k] ?? false)) && PASTED.every((k) => !s[k]);
}

/** The patch that puts a scenario back to the lesson's settings (pasted chains dropped). */
export function lessonPatch(lesson: Lesson, seed: string): Partial<Scenario> {
  const patch: Partial<Scenario> = { ...lessonScenario(lesson, seed), cipherSuite: lesson.scenario.cipherSuite };
  for (const k of PASTED) patch[k] = undefined;
  return patch;
}

export interface ResolvedStop {
  title: string;
  step: number;
  recordId: string;
  field?: { space: Space; start: number; end: number; label: string };
  tab: 'inspector' | 'keys' | 'certificates';
  text: string;
}

export type StopResult = ResolvedStop | { title: string; missing: string };

export function resolveStops(lesson: Lesson, run: RunView): StopResult[] {
  return lesson.stops.map((stop) => {
    const t = stop.locate(run);
    if (!t) return { title: stop.title, missing: `This run has no such step (${stop.title.toLowerCase()}).` };
    // A stop that names a field must find it: a lesson never highlights nothing by accident.
    if ('field' in t && !t.field) return { title: stop.title, missing: `The field this stop shows is not in step ${t.arrow.step} of this run.` };
    const f = t.field;
    return {
      title: stop.title,
      step: t.arrow.step,
      recordId: t.arrow.id,
      ...(f ? { field: { space: f.space, start: f.span.start, end: f.span.end, label: f.span.label } } : {}),
      tab: t.tab ?? 'inspector',
      text: stop.text(t, run),
    };
  });
}
