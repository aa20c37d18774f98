import { chromium } from '@playwright/test';
import fs from 'node:fs';
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
const p = await b.newPage({ viewport: { width: 1400, height: 900 } });
await p.goto(`http://127.0.0.1:4331/?seed=warm`); await p.waitForSelector('[data-testid="run-status"][data-status=done]');
await b.startTracing(p, { path: '/tmp/load.json', categories: ['devtools.timeline', 'v8', 'disabled-by-default-devtools.timeline'] });
const t0 = Date.now();
await p.goto(`http://127.0.0.1:4331/?seed=load1`);
await p.waitForSelector('[data-testid="run-status"][data-status=done]');
await p.waitForSelector('svg.seq g.arrow', { state: 'attached' }).catch(()=>{});
console.log('wall', Date.now() - t0);
await b.stopTracing(); await b.close();
const ev = JSON.parse(fs.readFileSync('/tmp/load.json')).traceEvents;
const threads = {}; for (const e of ev) if (e.name === 'thread_name') threads[`${e.pid}:${e.tid}`] = e.args.name;
const nav = ev.find(e => e.name === 'navigationStart' || e.name==='NavigationStartToLargestContentfulPaint'); 
const start = Math.min(...ev.filter(e => e.ts && e.ph !== 'M').map(e => e.ts));
const byThread = {};
for (const e of ev) if (e.ph === 'X' && e.dur > 3000 && ['v8.compile','v8.run','EvaluateScript','v8.evaluateModule','FunctionCall','RunTask','ParseHTML','v8.parseOnBackground','Layout','Paint','UpdateLayoutTree','v8.compileModule','WorkerThread::WorkerScriptLoader','ScriptCompile'].some(n=>e.name.startsWith(n))) {
  const th = threads[`${e.pid}:${e.tid}`] || e.tid; (byThread[th] ||= []).push(`${((e.ts-start)/1000).toFixed(0)}+${(e.dur/1000).toFixed(0)} ${e.name}`);
}
for (const [th, l] of Object.entries(byThread)) { if (/Compositor|IO|Chrome_/.test(th)) continue; console.log('==', th); console.log(l.slice(0,40).join('\n')); }
