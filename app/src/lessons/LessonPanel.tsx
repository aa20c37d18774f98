/**
 * The Lessons button, the picker (open on a first visit, never over a link that carries
 * settings), and the lesson being taken: one stop at a time, each a step of the real run on
 * screen with its field highlighted in the inspector. Leaving keeps the run, cursor and
 * selection as they are, so a person can go on exploring from there.
 */
import { useEffect, useMemo } from 'react';
import { useAppStore } from '../store';
import { LESSONS, lessonById } from './lessons';
import { hasLessonSettings, lessonPatch, resolveStops, type ResolvedStop } from './resolve';
import { useLessonStore } from './store';
import { GLOSSARY } from './glossary';
import { rfcLink } from '../format';

export function LessonsButton() {
  const open = useLessonStore((s) => s.pickerOpen);
  return (
    <button
      type="button"
      className={open ? 'lessons-button active' : 'lessons-button'}
      aria-expanded={open}
      aria-controls="lesson-picker"
      title="Guided lessons over real handshakes"
      onClick={() => (open ? useLessonStore.getState().closePicker() : useLessonStore.getState().openPicker())}
    >
      Lessons
    </button>
  );
}

export function LessonPicker() {
  const open = useLessonStore((s) => s.pickerOpen);
  const current = useLessonStore((s) => s.lessonId);
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') useLessonStore.getState().closePicker();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [open]);
  if (!open) return null;
  const start = (id: string) => {
    const lesson = lessonById(id)!;
    const app = useAppStore.getState();
    app.setPlaying(false);
    app.setScenario(lessonPatch(lesson, app.scenario.seed));
    useLessonStore.getState().start(id);
  };
  return (
    <section id="lesson-picker" className="lesson-picker" role="region" aria-label="Lessons">
      <header>
        <h2>Lessons</h2>
        <button type="button" className="linkish" onClick={() => useLessonStore.getState().closePicker()}>
          Close
        </button>
      </header>
      <p className="small">
        Each lesson runs a real handshake with the settings it needs and stops at the steps that matter, with the field to look at highlighted. Leave at any point and keep
        exploring the same run.
      </p>
      <ol className="lesson-list">
        {LESSONS.map((l) => (
          <li key={l.id}>
            <button type="button" data-lesson={l.id} aria-current={current === l.id ? 'true' : undefined} onClick={() => start(l.id)}>
              <strong>{l.title}</strong>
              <span className="muted small">{l.blurb}</span>
            </button>
          </li>
        ))}
      </ol>
      <details className="glossary">
        <summary>Glossary: the words on the settings bar</summary>
        <dl>
          {GLOSSARY.map((t) => {
            const link = rfcLink(t.rfc);
            return (
              <div key={t.term}>
                <dt>{t.term}</dt>
                <dd>
                  {t.means}
                  {link && (
                    <>
                      {' '}
                      <a href={link} target="_blank" rel="noreferrer noopener">
                        {t.rfc}
                      </a>
                    </>
                  )}
                </dd>
              </div>
            );
          })}
        </dl>
      </details>
    </section>
  );
}

/** Puts the app on a stop: its step, its record, its panel, its field. */
function show(stop: ResolvedStop): void {
  const app = useAppStore.getState();
  app.setPlaying(false);
  app.setCursor(stop.step);
  app.select(stop.recordId);
  app.setTab(stop.tab);
  const f = stop.field;
  app.setHover(f ? { space: f.space, start: f.start, end: f.end, label: f.label } : null);
  if (!f) return;
  // The inspector follows the cursor a moment later; then bring the field into view.
  window.setTimeout(() => {
    const el = document.querySelector<HTMLElement>(`ul.tree[data-space="${f.space}"] li[data-start="${f.start}"][data-end="${f.end}"][data-label="${CSS.escape(f.label)}"]`);
    el?.scrollIntoView({ block: 'nearest' });
  }, 120);
}

export function LessonPlayer() {
  const lessonId = useLessonStore((s) => s.lessonId);
  const stopIndex = useLessonStore((s) => s.stop);
  const run = useAppStore((s) => s.run);
  const status = useAppStore((s) => s.status);
  const scenario = useAppStore((s) => s.scenario);
  const lesson = lessonById(lessonId);
  const matches = !!lesson && hasLessonSettings(lesson, scenario);
  const ready = matches && status === 'done' && run.arrows.length > 0;
  const stops = useMemo(() => (lesson && ready ? resolveStops(lesson, run) : []), [lesson, ready, run]);
  const stop = stops[stopIndex];

  useEffect(() => {
    if (stop && !('missing' in stop)) show(stop);
  }, [stop]);

  if (!lesson) return null;
  const { goTo, leave } = useLessonStore.getState();
  const last = stopIndex >= lesson.stops.length - 1;
  return (
    <section className="lesson" role="region" aria-label={`Lesson: ${lesson.title}`} data-testid="lesson">
      <header>
        <h2>
          <span className="muted small">Lesson · </span>
          {lesson.title}
        </h2>
        <span className="muted small" data-testid="lesson-progress">
          Stop {stopIndex + 1} of {lesson.stops.length}
        </span>
      </header>
      {!matches ? (
        <div className="lesson-body">
          <p>The settings changed since this lesson began; its stops are about other settings.</p>
          <button type="button" onClick={() => useAppStore.getState().setScenario(lessonPatch(lesson, scenario.seed))}>
            Back to the lesson’s settings
          </button>
        </div>
      ) : !ready ? (
        <p className="lesson-body muted">Computing the lesson’s handshake…</p>
      ) : stop && 'missing' in stop ? (
        <p className="lesson-body">{stop.missing}</p>
      ) : stop ? (
        <div className="lesson-body" aria-live="polite">
          <h3>{stop.title}</h3>
          <p data-testid="lesson-text">{stop.text}</p>
          <p className="muted small">
            Step {stop.step}
            {stop.field && (
              <>
                {' · field '}
                <code>{stop.field.label}</code> highlighted in the inspector
              </>
            )}
            {stop.tab !== 'inspector' && ` · see the ${stop.tab === 'keys' ? 'Keys' : 'Certificates'} tab`}
          </p>
        </div>
      ) : null}
      <footer>
        <button type="button" onClick={() => goTo(stopIndex - 1)} disabled={stopIndex === 0}>
          Previous stop
        </button>
        {last ? (
          <button type="button" className="primary" onClick={leave}>
            Finish lesson
          </button>
        ) : (
          <button type="button" className="primary" onClick={() => goTo(stopIndex + 1)}>
            Next stop
          </button>
        )}
        <span className="spacer" />
        <button type="button" className="linkish" onClick={leave}>
          Leave the lesson (keep this run)
        </button>
        <button type="button" className="linkish" onClick={() => useLessonStore.getState().openPicker()}>
          Other lessons
        </button>
      </footer>
    </section>
  );
}
