/** Starts the engine bridge and renders the app (loaded by main.tsx once the Worker is on its way). */
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { startEngine } from './engine-client';
import { prefetchSamples } from './certificates/CertificatesPanel';

export function start(): void {
  startEngine();
  createRoot(document.getElementById('root')!).render(<App />);
  // The samples are small; fetch them now so the paste panel works offline later.
  setTimeout(prefetchSamples, 1500);
}
