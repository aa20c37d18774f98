#!/usr/bin/env -S npx tsx
/**
 * App benchmark (prints figures; not a test). Needs `pnpm build` first.
 *   - initial JS: gzip size of the scripts index.html loads (and, apart, the engine Worker);
 *   - load → first interactive frame: navigation start until the first run is done and a
 *     frame has been painted with the controls enabled;
 *   - step click → painted frame: for every step of a run (median and worst);
 *   - longest main-thread task during runs and playback (Long Tasks API + frame gaps);
 *   - "New handshake" click → run done, with an RSA 2048 server key (the Worker makes the next
 *     seed's RSA key in the background while a run is on screen: issue 14), p95 of 8, after
 *     2 s on screen and at once; its floor is the same click with an ECDSA P-256 key (no key
 *     generation at all).
 * Budgets (issue 5): JS ≤ 250 KB gzip, load ≤ 1 s, step ≤ 50 ms, no task over 50 ms;
 * (issue 12): first handshake drawn ≤ 400 ms, step → painted ≤ 16 ms p95;
 * (issue 14): New handshake with RSA 2048 ≤ 150 ms p95.
 */
import { chromium } from '@playwright/test';
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import os from 'node:os';
import { gzipSync } from 'node:zlib';
import { initialScripts } from './initial-scripts.ts';

const PORT = Number(process.env.BENCH_PORT ?? 4179);
const URL = `http://127.0.0.1:${PORT}/`;
const dist = join(import.meta.dirname, '..', 'dist');

function kb(n) {
  return `${(n / 1024).toFixed(1)} KB`;
}

// 1. Initial JS: the entry and the chunks it loads at once (initial-scripts.ts); the engine
// Worker's script is counted apart.
const initial = initialScripts(dist);
let initialGz = 0;
let initialRaw = 0;
for (const f of new Set(initial)) {
  const buf = readFileSync(join(dist, f));
  initialRaw += buf.length;
  initialGz += gzipSync(buf, { level: 9 }).length;
}
const workerFiles = readdirSync(join(dist, 'assets')).filter((f) => /worker/i.test(f) && f.endsWith('.js'));
let workerGz = 0;
for (const f of workerFiles) workerGz += gzipSync(readFileSync(join(dist, 'assets', f)), { level: 9 }).length;

// 2. Serve the production build.
const server = spawn('pnpm', ['exec', 'vite', 'preview', '--host', '127.0.0.1', '--port', String(PORT), '--strictPort'], {
  cwd: join(import.meta.dirname, '..'),
  stdio: ['ignore', 'pipe', 'pipe'],
});
await new Promise((resolve, reject) => {
  const t = setTimeout(() => reject(new Error('vite preview did not start')), 30000);
  server.stdout.on('data', (d) => {
    if (String(d).includes(String(PORT))) {
      clearTimeout(t);
      resolve();
    }
  });
});

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  await page.addInitScript(() => {
    window.__longTasks = [];
    try {
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) window.__longTasks.push({ start: e.startTime, ms: e.duration });
      }).observe({ type: 'longtask', buffered: true });
    } catch {
      /* no Long Tasks API */
    }
  });

  // Load → first interactive frame (the controls drawn and answering), and → the first
  // handshake computed in the Worker and drawn (median of 5 loads each).
  const loads = [];
  const firstRuns = [];
  const loadParts = [];
  for (let i = 0; i < 5; i++) {
    await page.goto(`${URL}?seed=bench-${i}`);
    const [ui, run, parts] = await page.evaluate(
      () =>
        new Promise((resolve) => {
          let ui = null;
          const check = () => {
            if (ui === null && document.querySelector('.controls button')) ui = performance.now();
            const el = document.querySelector('[data-testid="run-status"]');
            if (el?.getAttribute('data-status') === 'done')
              requestAnimationFrame(() =>
                setTimeout(() => {
                  // The app's User Timing marks (engine-client.ts, worker-boot.ts) and the Worker's own compute time.
                  const mark = (n) => performance.getEntriesByName(n)[0]?.startTime ?? NaN;
                  const parts = {
                    created: mark('tlslab:worker-created'),
                    posted: mark('tlslab:run-posted'),
                    ready: mark('tlslab:worker-ready'),
                    compute: Number(/computed in (\d+)/.exec(el.textContent ?? '')?.[1]),
                    received: mark('tlslab:run-done'),
                  };
                  resolve([ui, performance.now(), parts]);
                }, 0),
              );
            else requestAnimationFrame(check);
          };
          check();
        }),
    );
    loads.push(ui);
    firstRuns.push(run);
    loadParts.push({ ...parts, drawn: run });
  }

  // Step click → painted frame, over a whole run: real (trusted) mouse clicks, timed by the
  // Event Timing API (from the click's timestamp to the next frame presented after handling it).
  await page.goto(`${URL}?seed=bench-steps`);
  await page.waitForSelector('[data-testid="run-status"][data-status="done"]');
  await page.evaluate(() => {
    window.__clicks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries())
        if (e.name === 'click' || e.name === 'pointerup') window.__clicks.push({ name: e.name, ms: e.duration, handled: e.processingEnd - e.startTime });
    }).observe({ type: 'event', durationThreshold: 16, buffered: true });
  });
  const forward = page.getByRole('button', { name: 'Step forward' });
  // From the click's timestamp to the end of its handler (React's render and the diagram's update
  // run inside it), for the clicks Event Timing reports: the app's own share of a step.
  const handled = [];
  // As clicked, the passes click every ~280 ms, while the previous record is still travelling
  // (550 ms): the text panels wait for a record to land (after-paint.ts), so they catch up only
  // once the clicks pause. `reading` waits before each click until they have caught up (the
  // narration shows the step the counter shows) and 300 ms more, as a person reading each step
  // does: the passes then also carry the panels' update and what it costs the next click.
  const stepPass = async ({ reading = false } = {}) => {
    const out = [];
    await page.keyboard.press('Home');
    await page.waitForTimeout(300);
    while (await forward.isEnabled()) {
      if (reading) {
        await page.waitForFunction(() => {
          const n = /Step (\d+)/.exec(document.querySelector('[data-testid="step-count"]')?.textContent ?? '')?.[1];
          return document.querySelector('[data-testid="narration"]')?.getAttribute('data-step') === n;
        });
        await page.waitForTimeout(300);
      }
      const before = await page.evaluate(() => window.__clicks.length);
      await forward.click();
      await page.waitForTimeout(250);
      const entries = await page.evaluate((n) => window.__clicks.slice(n), before);
      const click = entries.filter((e) => e.name === 'click').pop();
      // Event Timing only reports events slower than 16 ms; a missing entry means "within a frame".
      out.push(click ? click.ms : 16);
      if (click) handled.push(click.handled);
    }
    return out;
  };
  // The pointer comes to rest on the button first, as a person's does before they click. The
  // first pointer input a fresh page gets costs Chromium some 5 ms once (hit testing and
  // dispatching pointerover/mouseover for the first time), whatever the page; Playwright's click
  // moves, presses and releases within a millisecond, so without this the first step's frame
  // would carry that one-time cost (measured: the first step was a frame late on 8 of 8 fresh
  // pages, and on 1 of 8 after one earlier mouse move anywhere on the page).
  await forward.hover();
  const coldSteps = await stepPass();
  const steps = await stepPass();
  const readSteps = await stepPass({ reading: true });
  // The same pass without the travel animation (prefers-reduced-motion): each click above lands
  // while the previous record is still travelling (550 ms), and a page that is animating
  // presents a click's frame a frame later. This pass shows what the animation costs.
  await page.emulateMedia({ reducedMotion: 'reduce' });
  const stillSteps = await stepPass();
  await page.emulateMedia({ reducedMotion: null });

  // The floors of that measurement in this browser on this machine: the same clicks, observer
  // and 16 ms rounding on a page whose click changes one word and nothing else — once still, and
  // once with each click also starting a 550 ms SVG travel (a dot and a line driven by
  // requestAnimationFrame, as d3's transitions are), the situation of the as-clicked passes above.
  // While such an animation runs, headless Chromium presents a click's frame either at the next
  // frame or one later, depending on where clicks fall against the page's frame clock; that phase
  // holds for a page's life, so the travelling floor takes three fresh pages and reports each.
  const clickFloor = async (travel) => {
    const floorPage = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    await floorPage.setContent(
      '<button id="b">0</button><svg width="600" height="40"><line id="l" x1="10" y1="20" x2="10" y2="20" stroke="black"/><circle id="c" cx="10" cy="20" r="5"/></svg>',
    );
    await floorPage.evaluate((withTravel) => {
      window.__clicks = [];
      const b = document.getElementById('b');
      const c = document.getElementById('c');
      const l = document.getElementById('l');
      let start = -Infinity;
      const tick = () => {
        const k = Math.min(1, (performance.now() - start) / 550);
        const x = String(10 + 500 * (1 - (1 - k) ** 3));
        c.setAttribute('cx', x);
        l.setAttribute('x2', x);
        if (k < 1) requestAnimationFrame(tick);
      };
      b.addEventListener('click', () => {
        b.textContent = String(Number(b.textContent) + 1);
        if (!withTravel) return;
        const idle = performance.now() - start >= 550;
        start = performance.now();
        if (idle) requestAnimationFrame(tick);
      });
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) if (e.name === 'click') window.__clicks.push(e.duration);
      }).observe({ type: 'event', durationThreshold: 16, buffered: true });
    }, travel);
    const out = [];
    for (let i = 0; i < 20; i++) {
      const before = await floorPage.evaluate(() => window.__clicks.length);
      await floorPage.click('#b');
      await floorPage.waitForTimeout(250);
      out.push((await floorPage.evaluate((n) => window.__clicks.slice(n), before)).pop() ?? 16);
    }
    await floorPage.close();
    return out;
  };
  const floorSteps = await clickFloor(false);
  const travelFloorPages = [await clickFloor(true), await clickFloor(true), await clickFloor(true)];
  const travelFloorSteps = travelFloorPages.flat();

  // Longest main-thread task during runs (settings changes) and playback.
  await page.evaluate(() => {
    window.__longTasks = [];
    // The longest gap between frames, by a requestAnimationFrame loop started only now: a page
    // with a loop like it draws a main-thread frame every vsync, which changes how Chromium
    // schedules the frame after a click, so it must not run while the step clicks are timed.
    window.__maxGap = 0;
    let last = performance.now();
    const loop = (t) => {
      window.__maxGap = Math.max(window.__maxGap, t - last);
      last = t;
      requestAnimationFrame(loop);
    };
    requestAnimationFrame(loop);
  });
  for (const q of ['?seed=bench-a&v=1.3', '?seed=bench-b&v=1.3&mutual=1', '?seed=bench-c&v=1.3&key=rsa-2048', '?seed=bench-d&v=1.2']) {
    await page.evaluate((search) => history.replaceState(null, '', search), q);
    await page.getByRole('button', { name: 'New handshake' }).click();
    await page.waitForSelector('[data-testid="run-status"][data-status="done"], [data-testid="run-status"][data-status="error"]');
    await page.keyboard.press('End');
    await page.waitForTimeout(300);
  }
  await page.getByRole('button', { name: 'New handshake' }).click();
  await page.waitForSelector('[data-testid="run-status"][data-status="done"]');
  await page.keyboard.press('Home');
  await page.getByRole('combobox', { name: 'Speed' }).selectOption('4');
  await page.getByRole('button', { name: 'Play' }).click();
  await page.waitForFunction(() => document.querySelector('button[aria-label="Step forward"]')?.disabled, null, { timeout: 30000 });
  const { longTasks, maxGap } = await page.evaluate(() => ({ longTasks: window.__longTasks, maxGap: window.__maxGap }));

  // "New handshake": click → the new run done (its run id changed and it says done).
  const newHandshake = async (onScreenMs) => {
    await page.waitForTimeout(onScreenMs);
    return page.evaluate(
      () =>
        new Promise((resolve) => {
          const status = () => document.querySelector('[data-testid="run-status"]');
          const before = status()?.getAttribute('data-run-id');
          const button = [...document.querySelectorAll('button')].find((b) => b.textContent?.trim() === 'New handshake');
          const t0 = performance.now();
          button.click();
          const check = () => {
            const el = status();
            if (el?.getAttribute('data-run-id') !== before && el?.getAttribute('data-status') === 'done') resolve(performance.now() - t0);
            else requestAnimationFrame(check);
          };
          check();
        }),
    );
  };
  const p95 = (a) => [...a].sort((x, y) => x - y)[Math.ceil(a.length * 0.95) - 1] ?? NaN;
  const newHandshakes = {};
  for (const [label, key, onScreen] of [
    ['rsa', 'rsa-2048', 2000],
    ['rsaNow', 'rsa-2048', 0],
    ['ecdsa', 'ecdsa-p256', 2000],
  ]) {
    await page.goto(`${URL}?key=${key}&seed=bench-nh-${label}`);
    await page.waitForSelector('[data-testid="run-status"][data-status="done"]', { timeout: 60000 });
    const times = [];
    for (let i = 0; i < 8; i++) times.push(await newHandshake(onScreen));
    newHandshakes[label] = times;
  }
  const nh = (label) => `p95 ${p95(newHandshakes[label]).toFixed(0)} ms (all: ${newHandshakes[label].map((x) => x.toFixed(0)).join(', ')})`;

  const sorted = [...steps].sort((a, b) => a - b);
  const coldSorted = [...coldSteps].sort((a, b) => a - b);
  if (process.env.BENCH_VERBOSE) console.log('per step (ms): first pass', coldSteps.join(' '), '| second pass', steps.join(' '), '| reading pace', readSteps.join(' '));
  const allSteps = [...coldSteps, ...steps, ...readSteps];
  const median = (a) => a[Math.floor(a.length / 2)] ?? NaN;
  const maxTask = longTasks.reduce((m, t) => Math.max(m, t.ms), 0);
  const lines = [
    ['initial JS (main thread, gzip)', `${kb(initialGz)} (${kb(initialRaw)} raw, ${new Set(initial).size} file(s))`, '≤ 250 KB', initialGz <= 250 * 1024],
    ['engine worker JS (gzip, loaded at start)', kb(workerGz), '', true],
    [
      'load → first interactive frame (median of 5)',
      `${median([...loads].sort((a, b) => a - b)).toFixed(0)} ms (all: ${loads.map((x) => x.toFixed(0)).join(', ')})`,
      '≤ 1000 ms',
      median([...loads].sort((a, b) => a - b)) <= 1000,
    ],
    [
      'load → first handshake drawn (median of 5)',
      `${median([...firstRuns].sort((a, b) => a - b)).toFixed(0)} ms (all: ${firstRuns.map((x) => x.toFixed(0)).join(', ')})`,
      '≤ 400 ms (issue 12)',
      median([...firstRuns].sort((a, b) => a - b)) <= 400,
    ],
    [
      '  where the first handshake’s time goes',
      (() => {
        const m = (k) => median(loadParts.map((p) => p[k]).sort((a, b) => a - b));
        const f = (x) => (Number.isFinite(x) ? x.toFixed(0) : '?');
        return `median ms after navigation: Worker created ${f(m('created'))}, run posted ${f(m('posted'))}, Worker ready ${f(m('ready'))}; computed in ${f(m('compute'))} ms in the Worker; done received ${f(m('received'))}, drawn ${f(m('drawn'))}`;
      })(),
      '',
      true,
    ],
    [
      'step click → painted frame, first pass',
      `median ${median(coldSorted).toFixed(0)} ms, worst ${coldSorted[coldSorted.length - 1]?.toFixed(0)} ms over ${coldSteps.length} steps`,
      '≤ 50 ms',
      (coldSorted[coldSorted.length - 1] ?? 0) <= 50,
    ],
    [
      'step click → painted frame, second pass',
      `median ${median(sorted).toFixed(0)} ms, worst ${sorted[sorted.length - 1]?.toFixed(0)} ms (Event Timing; ≤16 = within a frame)`,
      '≤ 50 ms',
      (sorted[sorted.length - 1] ?? 0) <= 50,
    ],
    [
      'step click → painted frame, reading pace',
      `median ${median([...readSteps].sort((a, b) => a - b)).toFixed(0)} ms, worst ${Math.max(...readSteps).toFixed(0)} ms over ${readSteps.length} steps (each click after the panels caught up, +300 ms)`,
      '≤ 50 ms',
      Math.max(...readSteps) <= 50,
    ],
    [
      'step click → painted frame, p95 of the three passes',
      `${p95(allSteps).toFixed(0)} ms over ${allSteps.length} steps (floor: the next frame, 16.7 ms at 60 Hz; Event Timing rounds to 8 ms)`,
      '≤ 16 ms p95 (issue 12)',
      p95(allSteps) <= 16,
    ],
    [
      'step click → painted frame, reduced motion',
      `p95 ${p95(stillSteps).toFixed(0)} ms, median ${median([...stillSteps].sort((a, b) => a - b)).toFixed(0)} ms over ${stillSteps.length} steps (no travel animation running when clicked)`,
      '',
      true,
    ],
    [
      'step click → handled (handler, render, diagram)',
      handled.length
        ? `p95 ${p95(handled).toFixed(1)} ms, median ${median([...handled].sort((a, b) => a - b)).toFixed(1)} ms over the ${handled.length} clicks Event Timing reported`
        : 'no click reported (all within a frame)',
      '',
      true,
    ],
    ['floor: a click that changes one word, p95', `${p95(floorSteps).toFixed(0)} ms over ${floorSteps.length} clicks (same method)`, '', true],
    [
      'floor: the same click while an SVG dot travels',
      `p95 ${p95(travelFloorSteps).toFixed(0)} ms over ${travelFloorSteps.length} clicks on 3 pages, their medians ${travelFloorPages.map((a) => median([...a].sort((x, y) => x - y)).toFixed(0)).join(', ')} ms (each click starts a 550 ms rAF travel)`,
      '',
      true,
    ],
    [
      'longest main-thread task (runs + playback)',
      longTasks.length ? `${maxTask.toFixed(0)} ms (${longTasks.length} task(s) ≥ 50 ms)` : 'no task ≥ 50 ms',
      '< 50 ms',
      longTasks.length === 0,
    ],
    ['longest gap between frames (same period)', `${maxGap.toFixed(0)} ms`, '', true],
    ['New handshake, RSA 2048 (after 2 s on screen)', nh('rsa'), '≤ 150 ms p95', p95(newHandshakes.rsa) <= 150],
    ['New handshake, RSA 2048 (clicked at once)', nh('rsaNow'), '', true],
    ['floor: New handshake, ECDSA P-256 (no keygen)', nh('ecdsa'), '', true],
  ];
  console.log(
    `machine: ${os.cpus().length} cores, load average ${os
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')} (other jobs slow every figure)`,
  );
  for (const [what, value, budget, ok] of lines) console.log(`${ok ? 'ok  ' : 'OVER'} ${what.padEnd(46)} ${value}${budget ? `  [budget ${budget}]` : ''}`);
  console.log(`ratio new-handshake rsa/ecdsa-floor ${(p95(newHandshakes.rsa) / p95(newHandshakes.ecdsa)).toFixed(2)}`);
  console.log(`ratio step-p95/click-floor-p95 ${(p95(allSteps) / p95(floorSteps)).toFixed(2)}`);
  console.log(`ratio step-p95/travelling-click-floor-p95 ${(p95(allSteps) / p95(travelFloorSteps)).toFixed(2)}`);
  console.log(`ratio reduced-motion-step-p95/click-floor-p95 ${(p95(stillSteps) / p95(floorSteps)).toFixed(2)}`);
} finally {
  await browser.close();
  server.kill('SIGTERM');
}
