/**
 * What the page loads before the first handshake (issue 12 "load → first handshake drawn", the
 * budget in e2e/bench-app.mjs): the main-thread scripts stay within 250 KB gzip, and the
 * engine's heavy parts (the Public Suffix List, the ASN.1 schema libraries, the elliptic
 * curves) live only in the Worker that needs them. Reads the production build in dist/.
 */
import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const dist = join(import.meta.dirname, '..', 'dist');

/** The scripts index.html loads and every chunk they import (the app chunk main.tsx loads at once, too), the Worker's apart. */
function scriptsOf(html: string): string[] {
  const out = [...new Set([...html.matchAll(/(?:src|href)="\.?\/?(assets\/[^"]+\.js)"/g)].map((m) => m[1]!))];
  for (let i = 0; i < out.length; i++) {
    for (const m of readFileSync(join(dist, out[i]!), 'utf8').matchAll(/["'`]\.\/([\w.-]+\.js)["'`]/g)) {
      const f = `assets/${m[1]!}`;
      if (!/worker/i.test(f) && !out.includes(f)) out.push(f);
    }
  }
  return out;
}

test('the main thread loads at most 250 KB of gzip JS, and none of the engine-only libraries', () => {
  const scripts = scriptsOf(readFileSync(join(dist, 'index.html'), 'utf8'));
  // The entry and the app chunk it loads at once (main.tsx starts the Worker in between).
  expect(scripts.length).toBeGreaterThan(1);
  let gz = 0;
  for (const f of scripts) {
    const code = readFileSync(join(dist, f));
    gz += gzipSync(code, { level: 9 }).length;
    const text = code.toString('utf8');
    // Markers of tldts' suffix list, asn1js and @noble/curves (each found in the bundle before
    // the main thread stopped importing the engine's index).
    for (const marker of ['amazonaws', 'ASN.1 object', 'invalid scalar']) expect(text.includes(marker), `${f} contains ${marker}`).toBe(false);
  }
  expect(gz).toBeLessThanOrEqual(250 * 1024);
});
