/**
 * The page: settings and controls on top; the sequence diagram with its narration on the left;
 * the inspector / keys / certificates panels on the right. Everything reads the same store.
 */
import { useEffect } from 'react';
import { useAppStore, type PanelTab } from './store';
import { Settings } from './controls/Settings';
import { Controls } from './controls/Controls';
import { usePlayback, useKeyboard } from './controls/keyboard';
import { SequenceDiagram } from './diagram/SequenceDiagram';
import { Narration } from './narration/Narration';
import { Inspector } from './inspector/Inspector';
import { KeysPanel } from './keys/KeysPanel';
import { CertificatesPanel } from './certificates/CertificatesPanel';
import { PresentationToggle } from './presentation/Presentation';
import { TimePanel } from './timing/TimePanel';
import { LessonPicker, LessonPlayer, LessonsButton } from './lessons/LessonPanel';
import { CaptureOpener } from './capture/CaptureOpener';
import { CaptureBar } from './capture/CaptureBar';
import { RealPeer } from './live/RealPeer';

const TABS: { id: PanelTab; label: string }[] = [
  { id: 'inspector', label: 'Inspector' },
  { id: 'keys', label: 'Keys' },
  { id: 'certificates', label: 'Certificates' },
  { id: 'time', label: 'Time' },
];

function Tabs() {
  const tab = useAppStore((s) => s.tab);
  const setTab = useAppStore((s) => s.setTab);
  return (
    <div role="tablist" aria-label="Panels" className="tabs">
      {TABS.map((t, i) => (
        <button
          key={t.id}
          role="tab"
          id={`tab-${t.id}`}
          aria-selected={tab === t.id}
          aria-controls={`panel-${t.id}`}
          tabIndex={tab === t.id ? 0 : -1}
          className={tab === t.id ? 'tab active' : 'tab'}
          onClick={(e) => {
            setTab(t.id);
            // Clicked with a pointer: let ←/→ go on stepping the handshake. (Reached with
            // Tab, the tab keeps the focus and ←/→ move between tabs.)
            if (e.detail > 0) e.currentTarget.blur();
          }}
          onKeyDown={(e) => {
            if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
            e.preventDefault();
            e.stopPropagation();
            const next = TABS[(i + (e.key === 'ArrowRight' ? 1 : TABS.length - 1)) % TABS.length]!;
            setTab(next.id);
            document.getElementById(`tab-${next.id}`)?.focus();
          }}
        >
          {t.label}
        </button>
      ))}
    </div>
  );
}

function ErrorBanner() {
  const error = useAppStore((s) => s.error);
  if (!error) return null;
  return (
    <div role="alert" className="banner error">
      {error}
    </div>
  );
}

export function App() {
  const tab = useAppStore((s) => s.tab);
  const largeType = useAppStore((s) => s.largeType);
  useKeyboard();
  usePlayback();
  useEffect(() => {
    document.documentElement.classList.toggle('large-type', largeType);
  }, [largeType]);
  return (
    <div className="app">
      <header className="topbar">
        <h1>
          TLS Lab <span className="tagline">a real handshake, step by step</span>
        </h1>
        <LessonsButton />
        <PresentationToggle />
        <CaptureOpener />
        <Settings />
        <RealPeer />
      </header>
      {/* The stage (controls, narration, diagram, details) fills the window; on a short
          screen the settings scroll away above it. */}
      <div className="stage">
        <Controls />
        <ErrorBanner />
        <CaptureBar />
        <main className="main">
          <section className="left" aria-label="Handshake">
            <LessonPicker />
            <LessonPlayer />
            <Narration />
            <SequenceDiagram />
          </section>
          <section className="right" id="details" aria-label="Details">
            <Tabs />
            <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`} className="panel">
              {tab === 'inspector' && <Inspector />}
              {tab === 'keys' && <KeysPanel />}
              {tab === 'certificates' && <CertificatesPanel />}
              {tab === 'time' && <TimePanel />}
            </div>
          </section>
        </main>
      </div>
    </div>
  );
}
