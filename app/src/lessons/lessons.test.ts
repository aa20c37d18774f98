/**
 * Every lesson against real runs with several seeds: each stop is found from the run's events
 * (never a step number), its field is a span of the record the inspector shows, and its text
 * reads the run's own values.
 */
import { describe, expect, it } from 'vitest';
import { runScenario, type TlsEvent } from '@tlslab/engine';
import { buildRunView, type RunView } from '../store/derive';
import { arrowSpans } from '../inspector/record-spans';
import { LESSONS } from './lessons';
import { hasLessonSettings, lessonScenario, resolveStops, type ResolvedStop } from './resolve';

function runOf(scenario: Parameters<typeof runScenario>[0]): RunView {
  const events: TlsEvent[] = [];
  runScenario(scenario, (e) => events.push(e));
  return buildRunView(events);
}

describe('lessons', () => {
  it('cover the topics the issue lists', () => {
    expect(LESSONS.map((l) => l.id)).toEqual(['rsa', 'ecdhe', 'tls13-1rtt', 'certificates', 'mutual', 'bad-cert', 'downgrade', 'bleichenbacher', 'resumption', 'hrr', 'attacker']);
    for (const l of LESSONS) expect(l.stops.length).toBeGreaterThanOrEqual(3);
  });

  for (const lesson of LESSONS) {
    it(`${lesson.id}: every stop resolves in runs of three seeds`, () => {
      const texts = new Set<string>();
      for (const seed of ['lesson-a', 'lesson-b', '7']) {
        const scenario = lessonScenario(lesson, seed);
        expect(hasLessonSettings(lesson, scenario)).toBe(true);
        const run = runOf(scenario);
        const stops = resolveStops(lesson, run);
        for (const s of stops) expect(s, `${lesson.id} / ${s.title}`).not.toHaveProperty('missing');
        const found = stops as ResolvedStop[];
        let last = 0;
        for (const s of found) {
          expect(s.step).toBeGreaterThanOrEqual(last);
          last = s.step;
          const arrow = run.arrows.find((a) => a.id === s.recordId)!;
          expect(arrow.step).toBe(s.step);
          if (s.field) {
            // The highlighted field is one of the spans the inspector draws for that record.
            const spans = arrowSpans(run.events, arrow)[s.field.space] ?? [];
            expect(spans.some((x) => x.start === s.field!.start && x.end === s.field!.end && x.label === s.field!.label)).toBe(true);
          }
          expect(s.text.length).toBeGreaterThan(40);
          expect(s.text).not.toMatch(/undefined|NaN|\[object|\(\)|null|\s\s|: \./);
          texts.add(s.text);
        }
      }
      // The texts carry the run's values: different seeds give at least one different text
      // (random values, keys). Bleichenbacher's quotes the engine's notes and alert, which do
      // not depend on the seed.
      if (lesson.id !== 'bleichenbacher') expect(texts.size).toBeGreaterThan(lesson.stops.length);
    });
  }

  it('a run with other settings is not taken for the lesson', () => {
    const rsa = LESSONS.find((l) => l.id === 'rsa')!;
    expect(hasLessonSettings(rsa, { ...lessonScenario(rsa, 's'), version: 'TLS 1.3', cipherSuite: undefined })).toBe(false);
    expect(hasLessonSettings(rsa, { ...lessonScenario(rsa, 's'), mutual: true })).toBe(false);
  });

  it('stops that are not in a run say so instead of pointing elsewhere', () => {
    const hrr = LESSONS.find((l) => l.id === 'hrr')!;
    const plain = runOf(
      lessonScenario(
        LESSONS.find((l) => l.id === 'tls13-1rtt')!,
        'x',
      ),
    );
    const stops = resolveStops(hrr, plain);
    expect(stops.filter((s) => 'missing' in s).length).toBeGreaterThan(0);
  });
});
