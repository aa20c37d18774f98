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
import { initialScripts } from './initial-scripts';

const dist = join(import.meta.dirname, '..', 'dist');

test('the main thread loads at most 250 KB of gzip JS, and none of the engine-only libraries', () => {
  const scripts = initialScripts(dist);
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
