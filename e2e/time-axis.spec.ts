/// <reference lib="dom" />
/**
 * The diagram's time axis (issue 12): with an RTT chosen (`rtt=` in the link), the records are
 * slanted arrows from their departure to their arrival over a ruler in ms, with when the request
 * left and when the response's first byte arrived — the Time tab's numbers for the same run.
 * They stay buttons that select their record; Off gives back one row per record.
 */
import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { shot, stepCount, waitForRun } from './helpers';

interface DrawnArrow {
  id: string;
  name: string;
  step: number;
  depart: number;
  arrive: number;
  slot: number;
  y1: number;
  y2: number;
}
interface DrawnMoment {
  ms: number;
  y: number;
  extent: number;
  label: string;
}

/** The arrows as drawn (their shafts' ends) with the times they carry, in step order. */
const drawnArrows = (page: Page): Promise<DrawnArrow[]> =>
  page.locator('.diagram-scroll svg.seq g.arrow').evaluateAll((els) =>
    els
      .map((g) => {
        const hit = g.querySelector('line.hit')!;
        return {
          id: g.getAttribute('data-record-id') ?? '',
          name: g.getAttribute('aria-label') ?? '',
          step: Number(g.getAttribute('data-step')),
          depart: Number(g.getAttribute('data-depart-ms') ?? NaN),
          arrive: Number(g.getAttribute('data-arrive-ms') ?? NaN),
          slot: Number(g.getAttribute('data-slot') ?? NaN),
          y1: Number(hit.getAttribute('y1')),
          y2: Number(hit.getAttribute('y2')),
        };
      })
      .sort((a, b) => a.step - b.step),
  );

/** The ruler's moments: their ms, the y of their strip and its height, and the label drawn. */
const drawnMoments = (page: Page): Promise<DrawnMoment[]> =>
  page.locator('.diagram-scroll svg.seq g.moment').evaluateAll((els) =>
    els.map((g) => ({
      ms: Number(g.getAttribute('data-ms')),
      y: Number(g.getAttribute('data-y')),
      extent: Number(g.getAttribute('data-extent')),
      label: g.querySelector('text')?.textContent ?? '',
    })),
  );

/** The Time tab's numbers for this run at `rtt`: when the request leaves and the first byte arrives (ms). */
async function timeTabNumbers(page: Page, rtt: number): Promise<{ request: number; firstByte: number }> {
  await page.getByRole('tab', { name: 'Time' }).click();
  const panel = page.getByTestId('time-panel');
  await panel.getByLabel('Round-trip time').selectOption(String(rtt));
  const text = (await panel.getByTestId('time-summary').textContent()) ?? '';
  const request = /request leaves at (\d+) ms/.exec(text);
  const firstByte = /first byte of the response arrives at (\d+) ms/.exec(text);
  if (!request || !firstByte) throw new Error(`no times in "${text}"`);
  await page.getByRole('tab', { name: 'Inspector' }).click();
  return { request: Number(request[1]), firstByte: Number(firstByte[1]) };
}

/** Each arrow's ends lie in the strips of the ruler's moments for its times, and later departures are drawn lower. */
function expectArrowsOnTheRuler(arrows: DrawnArrow[], moments: DrawnMoment[], rtt: number, what: string): void {
  const at = (ms: number) => {
    const m = moments.find((x) => x.ms === ms);
    expect(m, `${what}: a tick at ${ms} ms`).toBeDefined();
    return m!;
  };
  for (const a of arrows) {
    const d = at(a.depart);
    const r = at(a.arrive);
    expect(a.y1, `${what}: ${a.name} leaves in the ${a.depart} ms strip`).toBeGreaterThanOrEqual(d.y);
    expect(a.y1).toBeLessThanOrEqual(d.y + d.extent);
    expect(a.y2, `${what}: ${a.name} arrives in the ${a.arrive} ms strip`).toBeGreaterThanOrEqual(r.y);
    expect(a.y2).toBeLessThanOrEqual(r.y + r.extent);
    expect(a.arrive, `${what}: a record takes half a round trip to cross`).toBe(a.depart + rtt / 2);
  }
  for (const a of arrows) for (const b of arrows) if (a.depart < b.depart) expect(a.y1, `${what}: ${a.name} above ${b.name}`).toBeLessThan(b.y1);
  // The ruler: its labels are its times, and between two moments the drawing is to scale.
  for (const m of moments) expect(m.label).toBe(`${m.ms} ms`);
  const scales = moments.slice(1).map((m, i) => (m.y - moments[i]!.y - moments[i]!.extent) / (m.ms - moments[i]!.ms));
  for (const s of scales) expect(s).toBeCloseTo(scales[0]!, 6);
}

for (const [v, label] of [
  ['1.3', 'TLS 1.3'],
  ['1.2', 'TLS 1.2'],
] as const) {
  test(`${label} at 100 ms RTT: arrows in time, the first byte as on the Time tab`, async ({ page }, info) => {
    await page.goto(`/?seed=e2e-time&v=${v}&rtt=100`);
    await waitForRun(page);
    await expect(page.getByLabel('Time axis')).toHaveValue('100');
    await page.keyboard.press('End');
    const { total } = await stepCount(page);
    const arrows = await drawnArrows(page);
    expect(arrows).toHaveLength(total);
    const moments = await drawnMoments(page);
    expectArrowsOnTheRuler(arrows, moments, 100, label);
    // The caption says what a crossing takes, from the same model.
    await expect(page.locator('svg.seq .time-caption')).toContainText('RTT 100 ms, a record takes 50 ms to cross');
    // The marks: drawn at their records' ends, with the Time tab's numbers for this run.
    const mark = async (kind: 'request' | 'first-byte') => {
      const g = page.locator(`svg.seq [data-testid="${kind}"]`);
      await expect(g).toBeVisible();
      return {
        ms: Number(await g.getAttribute('data-ms')),
        y: Number(await g.getAttribute('data-y')),
        id: (await g.getAttribute('data-record-id'))!,
        text: (await g.textContent()) ?? '',
      };
    };
    const request = await mark('request');
    const firstByte = await mark('first-byte');
    expect(arrows.find((a) => a.id === request.id)).toMatchObject({ depart: request.ms, y1: request.y });
    expect(arrows.find((a) => a.id === firstByte.id)).toMatchObject({ arrive: firstByte.ms, y2: firstByte.y });
    expect(firstByte.text).toContain(`at ${firstByte.ms} ms`);
    expect(request.text).toContain(`at ${request.ms} ms`);
    const tab = await timeTabNumbers(page, 100);
    expect(firstByte.ms).toBe(tab.firstByte);
    expect(request.ms).toBe(tab.request);
    // TLS 1.3's handshake is one round trip shorter (RFC 8446 §2 and RFC 5246 §7.3).
    expect(firstByte.ms).toBe(v === '1.3' ? 200 : 300);
    await shot(page, info, `time-axis-01-tls${v.replace('.', '')}`);
  });
}

test('a time-axis arrow selects its record; stepping reveals one arrow at a time; Off gives back the rows', async ({ page }, info) => {
  await page.setViewportSize({ width: 1400, height: 900 });
  await page.goto('/?seed=e2e-time&v=1.3&rtt=100');
  await waitForRun(page);
  // Stepping: one arrow more per step, the first-byte mark only once its record is on screen.
  await page.keyboard.press('Home');
  for (let k = 1; k <= 3; k++) {
    await page.getByRole('button', { name: 'Step forward' }).click();
    await expect(page.locator('svg.seq g.arrow')).toHaveCount(k);
  }
  await expect(page.locator('svg.seq [data-testid="first-byte"]')).toBeHidden();
  await page.keyboard.press('End');
  await expect(page.locator('svg.seq [data-testid="first-byte"]')).toBeVisible();
  // The client's Finished leaves together with other records (the same moment), and is a button of its own.
  const finished = page.getByRole('button', { name: /^Finished, client to server/ });
  expect(Number(await finished.getAttribute('data-sent'))).toBeGreaterThan(1);
  await finished.click();
  await expect(finished).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('inspector').locator('h2')).toHaveText(/^Finished/);
  const id = await finished.getAttribute('data-record-id');
  await expect(page.getByTestId('inspector')).toContainText(`record ${id}`);
  await shot(page, info, 'time-axis-02-selected');
  // Off: one row per record again, no ruler, and the link forgets the axis.
  await page.getByLabel('Time axis').selectOption('off');
  await expect(page.locator('svg.seq g.moment')).toHaveCount(0);
  await expect.poll(() => new URL(page.url()).searchParams.get('rtt')).toBeNull();
  const rows = await drawnArrows(page);
  expect(rows.every((a) => Number.isNaN(a.depart))).toBe(true);
  rows.slice(1).forEach((a, i) => expect(a.y1 - rows[i]!.y1).toBe(64));
  await expect(page.locator('svg.seq .flight-label').first()).toHaveText('Flight 1');
  // The selection survives the change of layout.
  await expect(page.getByRole('button', { name: /^Finished, client to server/ })).toHaveAttribute('aria-pressed', 'true');
  // Back on: kept in the link, and a reload keeps it.
  await page.getByLabel('Time axis').selectOption('300');
  await expect.poll(() => new URL(page.url()).searchParams.get('rtt')).toBe('300');
  await page.reload();
  await waitForRun(page);
  await expect(page.getByLabel('Time axis')).toHaveValue('300');
  await page.keyboard.press('End');
  expectArrowsOnTheRuler(await drawnArrows(page), await drawnMoments(page), 300, 'after a reload');
});

test('the exported SVG has the time layout; presentation and large type stay readable', async ({ page }, info) => {
  await page.goto('/?seed=e2e-time&v=1.3&rtt=100');
  await waitForRun(page);
  await page.keyboard.press('End');
  const onScreen = await drawnArrows(page);
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'SVG' }).click()]);
  expect(download.suggestedFilename()).toMatch(/-rtt100\.svg$/);
  const path = info.outputPath('time-axis.svg');
  await download.saveAs(path);
  const text = readFileSync(path, 'utf8');
  const parsed = await page.evaluate((src) => {
    const doc = new DOMParser().parseFromString(src, 'image/svg+xml');
    return {
      error: doc.querySelector('parsererror')?.textContent ?? null,
      title: doc.querySelector('svg > title')?.textContent ?? '',
      moments: doc.querySelectorAll('g[data-ms][data-extent]').length,
      firstByte: doc.querySelector('[data-testid="first-byte"]')?.textContent ?? null,
      departs: [...doc.querySelectorAll('g[data-arrow]')].map((g) => Number(g.getAttribute('data-depart-ms'))),
    };
  }, text);
  expect(parsed.error).toBeNull();
  expect(parsed.title).toContain('time axis at 100 ms RTT');
  expect(parsed.moments).toBeGreaterThan(0);
  expect(parsed.firstByte).toContain('at 200 ms');
  expect(parsed.departs).toEqual(onScreen.map((a) => a.depart));
  await page.setContent(`<body style="margin:0">${text.replace(/^<\?xml[^>]*>/, '')}</body>`);
  await shot(page, info, 'time-axis-03-exported-svg');

  // Presentation at 1920×1080: the arrow labels are as large as in the rows (≥ 24 px).
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.goto('/?seed=e2e-time&v=1.3&rtt=100&present=1');
  await waitForRun(page);
  await page.keyboard.press('End');
  const smallest = await page.evaluate(() => {
    const svg = document.querySelector<SVGSVGElement>('.diagram-scroll svg.seq')!;
    const scale = svg.getBoundingClientRect().width / svg.width.baseVal.value;
    return Math.min(...[...svg.querySelectorAll('g.arrow text.label')].map((t) => parseFloat(getComputedStyle(t).fontSize) * scale));
  });
  expect(smallest).toBeGreaterThanOrEqual(24);
  await expectNoSidewaysScroll(page);
  await page.locator('.diagram-scroll').evaluate((el) => el.scrollTo(0, 0));
  await shot(page, info, 'time-axis-04-present-1920');
  // Large type: the same layout, in larger type (the axis is laid out for the font).
  await page.setViewportSize({ width: 1400, height: 900 });
  await page.goto('/?seed=e2e-time&v=1.2&rtt=100');
  await waitForRun(page);
  await page.getByLabel('Large type').check();
  await page.keyboard.press('End');
  expectArrowsOnTheRuler(await drawnArrows(page), await drawnMoments(page), 100, 'large type');
  await shot(page, info, 'time-axis-05-large-type');
});

async function expectNoSidewaysScroll(page: Page): Promise<void> {
  const { scroll, client } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
  expect(scroll).toBeLessThanOrEqual(client);
}

test('a capture keeps its own times: the time axis is off and says why', async ({ page }) => {
  const dir = join(process.cwd(), 'packages', 'engine', 'test', 'vectors', 'captures');
  await page.goto('/?seed=e2e-time&rtt=100');
  const first = await waitForRun(page);
  await expect(page.locator('svg.seq g.moment').first()).toBeAttached();
  await page.getByRole('button', { name: 'Open capture…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Open a packet capture' });
  await dialog.getByTestId('capture-file').setInputFiles(join(dir, 'openssl-curl-loopback.pcapng'));
  await dialog.getByTestId('capture-keylog').setInputFiles(join(dir, 'openssl-curl-loopback.keys'));
  await dialog.getByRole('button', { name: 'Open' }).click();
  await waitForRun(page, first);
  await page.keyboard.press('End');
  const control = page.getByLabel('Time axis');
  await expect(control).toBeDisabled();
  await expect(control).toHaveValue('off');
  await expect(page.locator('label.time-axis-control')).toHaveAttribute('title', /capture has its own times/);
  await expect(page.locator('svg.seq g.moment')).toHaveCount(0);
  await expect(page.locator('svg.seq .time-label').first()).toContainText(/^at \d/);
});

test('the Time tab and the time axis share one round-trip time while the axis is on', async ({ page }) => {
  await page.goto('/?seed=e2e-time&rtt=100');
  await waitForRun(page);
  await page.getByRole('tab', { name: 'Time' }).click();
  const panel = page.getByTestId('time-panel');
  const select = panel.getByLabel('Round-trip time');
  await expect(select).toHaveValue('100');
  await expect(panel).toContainText('the diagram’s Time axis uses the same');
  await select.selectOption('300');
  await expect(page.getByLabel('Time axis')).toHaveValue('300');
  await expect(page).toHaveURL(/rtt=300/);
  await expect(panel.getByTestId('time-summary')).toContainText('150 ms) to cross');
  // With the axis off, the tab keeps its own choice and the diagram stays in rows.
  await page.getByLabel('Time axis').selectOption('off');
  await expect(select).toHaveValue('300');
  await select.selectOption('20');
  await expect(page.getByLabel('Time axis')).toHaveValue('off');
  await expect(panel).not.toContainText('uses the same');
});
