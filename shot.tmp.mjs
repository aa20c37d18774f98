// usage: node shot.mjs URLQUERY out.png [width height] [steps] [clickText]
import { chromium } from '@playwright/test';
const [q, out, w = '1400', h = '900', steps = 'all', tab = ''] = process.argv.slice(2);
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
const p = await b.newPage({ viewport: { width: +w, height: +h } });
p.on('console', (m) => { if (m.type() === 'error') console.log('console error:', m.text()); });
await p.goto(`http://127.0.0.1:${process.env.PORT || 4300}/?${q}`);
await p.waitForSelector('[data-testid="run-status"][data-status=done]', { timeout: 30000 });
if (steps !== 'all') { for (let i = 0; i < +steps; i++) await p.getByRole('button', { name: 'Step forward' }).click(); }
if (tab) await p.getByRole('tab', { name: tab }).click();
await p.waitForTimeout(500);
await p.screenshot({ path: out, fullPage: false });
await b.close();
