import { chromium } from '@playwright/test';
import fs from 'node:fs';
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
const p = await b.newPage({ viewport: { width: 1400, height: 900 } });
await p.goto(`http://127.0.0.1:4301/?seed=bench-steps`);
await p.waitForSelector('[data-testid="run-status"][data-status=done]');
const fwd = p.getByRole('button', { name: 'Step forward' });
const pass = async () => { await p.keyboard.press('Home'); await p.waitForTimeout(300); const t=[]; while (await fwd.isEnabled()) {
  const ms = await p.evaluate(() => new Promise((res) => { const btn=[...document.querySelectorAll('button')].find(b=>b.getAttribute('aria-label')==='Step forward'||b.title==='Step forward'||b.textContent==='Step forward'); const t0=performance.now(); btn.click(); const t1=performance.now(); requestAnimationFrame(()=>{ const t2=performance.now(); setTimeout(()=>res([t1-t0, t2-t0]),0); }); }));
  t.push(ms); await p.waitForTimeout(150);} return t; };
await pass();
const cdp = await p.context().newCDPSession(p);
await cdp.send('Profiler.enable'); await cdp.send('Profiler.setSamplingInterval', { interval: 100 }); await cdp.send('Profiler.start');
const t = await pass();
const { profile } = await cdp.send('Profiler.stop');
fs.writeFileSync('/tmp/app.cpuprofile', JSON.stringify(profile));
console.log(t.map(([a,b])=>`${a.toFixed(1)}/${b.toFixed(1)}`).join(' '));
await b.close();
