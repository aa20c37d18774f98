import { chromium } from '@playwright/test';
import fs from 'node:fs';
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
const p = await b.newPage({ viewport: { width: 1400, height: 900 } });
await p.goto(`http://127.0.0.1:4300/?seed=bench-steps`);
await p.waitForSelector('[data-testid="run-status"][data-status=done]');
const fwd = p.getByRole('button', { name: 'Step forward' });
const pass = async () => { await p.keyboard.press('Home'); await p.waitForTimeout(300); while (await fwd.isEnabled()) { await fwd.click(); await p.waitForTimeout(200);} };
await pass();
await b.startTracing(p, { path: '/tmp/trace.json', categories: ['devtools.timeline', 'blink', 'v8'] });
await pass();
await b.stopTracing();
await b.close();
const t = JSON.parse(fs.readFileSync('/tmp/trace.json')).traceEvents;
const agg = {};
for (const e of t) if (e.ph === 'X' && e.dur) { agg[e.name] = (agg[e.name] || 0) + e.dur; }
console.log(Object.entries(agg).sort((a,b)=>b[1]-a[1]).slice(0,25).map(([k,v])=>`${(v/1000).toFixed(1)}ms ${k}`).join('\n'));
// per click: EventDispatch click durations and following task
const clicks = t.filter(e => e.name === 'EventDispatch' && e.args?.data?.type === 'click');
console.log('clicks', clicks.length, clicks.map(c => (c.dur/1000).toFixed(1)).join(' '));
