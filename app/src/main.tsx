/**
 * Entry point: starts the engine Worker, then loads the app. The app is a separate chunk, so
 * the Worker's script is fetched and compiled while the app's bundle is (see worker-boot.ts).
 */
import { startWorkerEarly } from './worker-boot';
import './styles.css';

startWorkerEarly();
import('./start')
  .then(({ start }) => start())
  .catch((err: unknown) => {
    const root = document.getElementById('root');
    if (root) root.textContent = `TLS Lab could not load: ${err instanceof Error ? err.message : String(err)}. Reload the page to try again.`;
  });
