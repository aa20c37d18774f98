/**
 * The scripts a page of the production build runs on the main thread at load: those index.html
 * names, and every chunk they import (statically, or like the app chunk main.tsx loads at once,
 * dynamically), followed through their imports. The engine Worker's script is left out (it is
 * the Worker's). Paths relative to `dist`, e.g. `assets/start-….js`. Read by bundle.spec.ts and
 * bench-app.mjs.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export function initialScripts(dist: string): string[] {
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const out = [...new Set([...html.matchAll(/(?:src|href)="\.?\/?(assets\/[^"]+\.js)"/g)].map((m) => m[1]!))];
  for (let i = 0; i < out.length; i++) {
    for (const m of readFileSync(join(dist, out[i]!), 'utf8').matchAll(/["'`]\.\/([\w.-]+\.js)["'`]/g)) {
      const f = `assets/${m[1]!}`;
      if (!/worker/i.test(f) && !out.includes(f)) out.push(f);
    }
  }
  return out;
}
