/** Entry point: starts the engine bridge and renders the app. */
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { startEngine } from './engine-client';
import { prefetchSamples } from './certificates/CertificatesPanel';
import './styles.css';

startEngine();
createRoot(document.getElementById('root')!).render(<App />);
// The samples are small; fetch them now so the paste panel works offline later.
setTimeout(prefetchSamples, 1500);
