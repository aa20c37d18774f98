/**
 * The sequence diagram's own layout (issue 12): the marks at an arrow's receiving end stay
 * clear of the flight labels in the margin, and a step leaves the arrows already drawn alone.
 */
import { expect, test, type Page } from '@playwright/test';
import { shot, waitForRun } from './helpers';

type Box = { x: number; y: number; width: number; height: number };
const overlaps = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
/** The drawn texts matching `selector`, as boxes in the diagram's own coordinates (the view may be scrolling). */
const boxesOf = (page: Page, selector: string) =>
  page.evaluate((sel) => {
    const svg = document.querySelector('.diagram-scroll svg.seq')!.getBoundingClientRect();
    return [...document.querySelectorAll(sel)]
      .map((e) => e.getBoundingClientRect())
      .filter((b) => b.width > 0)
      .map((b) => ({ x: b.x - svg.x, y: b.y - svg.y, width: b.width, height: b.height }));
  }, selector);

test('a fault mark on the first arrow of a flight stays clear of "round trip 1"', async ({ page }, info) => {
  for (const q of ['v=1.2&fault=bad-signature', 'v=1.3&fault=downgrade', 'v=1.3&fault=bad-signature', 'v=1.2&fault=bad-server-finished']) {
    await page.goto(`/?seed=e2e-marks&${q}`);
    await waitForRun(page);
    await page.keyboard.press('End');
    const marks = await boxesOf(page, 'svg.seq text.tamper, svg.seq text.timing, svg.seq text.certcheck');
    const labels = await boxesOf(page, 'svg.seq .flight text');
    expect(marks.length, q).toBeGreaterThan(0);
    for (const m of marks) for (const l of labels) expect(overlaps(m, l), `${q}: a mark over a flight label`).toBe(false);
    // The marks of one arrow do not overlap each other either (the verdict moved below the fault).
    for (let i = 0; i < marks.length; i++) for (let j = i + 1; j < marks.length; j++) expect(overlaps(marks[i]!, marks[j]!), `${q}: two marks overlap`).toBe(false);
  }
  await page.goto('/?seed=e2e-marks&v=1.2&fault=bad-signature');
  await waitForRun(page);
  await page.keyboard.press('End');
  await expect(page.locator('svg.seq text.tamper.faulty')).toHaveText('faulty server:wrong signature');
  await shot(page, info, 'diagram-01-fault-mark-clear-of-round-trip');
});

test('a step adds one arrow and leaves the ones drawn before it untouched', async ({ page }) => {
  await page.goto('/?seed=e2e-steps&v=1.3');
  await waitForRun(page);
  await page.keyboard.press('Home');
  await page.getByRole('button', { name: 'Step forward' }).click();
  await page.getByRole('button', { name: 'Step forward' }).click();
  await expect(page.locator('svg.seq g.arrow')).toHaveCount(2);
  await page.waitForTimeout(900); // the second record has arrived
  // Watch the arrows drawn so far: the next step must not rewrite them (no attribute changes).
  await page.evaluate(() => {
    const w = window as unknown as { __changed: string[] };
    w.__changed = [];
    const seen = [...document.querySelectorAll('svg.seq g.arrow')];
    new MutationObserver((records) => {
      for (const r of records) {
        const arrow = (r.target instanceof Element ? r.target : r.target.parentElement)?.closest('g.arrow');
        if (arrow && seen.includes(arrow)) w.__changed.push(`${r.type} ${r.attributeName ?? ''} on ${(r.target as Element).nodeName}`);
      }
    }).observe(document.querySelector('.diagram-scroll svg.seq')!, { subtree: true, attributes: true, childList: true, characterData: true });
  });
  await page.getByRole('button', { name: 'Step forward' }).click();
  await expect(page.locator('svg.seq g.arrow')).toHaveCount(3);
  await page.waitForTimeout(900);
  expect(await page.evaluate(() => (window as unknown as { __changed: string[] }).__changed)).toEqual([]);
});

test('a step sends a dot along its arrow, moved by the compositor; it is gone once the record arrives', async ({ page }) => {
  await page.goto('/?seed=e2e-travel&v=1.3');
  await waitForRun(page);
  await page.keyboard.press('Home');
  const forward = page.getByRole('button', { name: 'Step forward' });
  await forward.click();
  await page.waitForTimeout(900);
  // While the second record flies: one dot, moved by a Web Animation of its transform (not by
  // script: no frame of the flight needs the main thread), on the line of the new arrow's shaft.
  await forward.click();
  await page.waitForTimeout(150);
  const flight = await page.evaluate(() => {
    const dot = document.querySelector<HTMLElement>('.diagram-scroll > .packet');
    const shaft = document.querySelectorAll<SVGLineElement>('svg.seq g.arrow line.shaft')[1];
    if (!dot || !shaft) return null;
    const animations = dot.getAnimations().map((a) => ({
      kind: a.constructor.name,
      props: (a.effect as KeyframeEffect).getKeyframes().flatMap((k) => Object.keys(k).filter((p) => !['offset', 'easing', 'composite', 'computedOffset'].includes(p))),
    }));
    // The dot's centre in the diagram's own coordinates, against the shaft's two ends.
    const svg = shaft.ownerSVGElement!.getBoundingClientRect();
    const d = dot.getBoundingClientRect();
    const c = { x: d.left + d.width / 2 - svg.left, y: d.top + d.height / 2 - svg.top };
    const [x1, y1, x2, y2] = (['x1', 'y1', 'x2', 'y2'] as const).map((k) => shaft[k].baseVal.value) as [number, number, number, number];
    const along = (c.x - x1) / (x2 - x1);
    const off = Math.abs(c.y - (y1 + along * (y2 - y1)));
    return { animations, along, off, dots: document.querySelectorAll('.diagram-scroll > .packet').length };
  });
  expect(flight).not.toBeNull();
  expect(flight!.dots).toBe(1);
  expect(flight!.animations).toEqual([{ kind: 'Animation', props: ['transform', 'transform'] }]);
  expect(flight!.along).toBeGreaterThan(0.05);
  expect(flight!.along).toBeLessThan(0.98);
  expect(flight!.off).toBeLessThan(3);
  await page.waitForTimeout(900);
  await expect(page.locator('.diagram-scroll > .packet')).toHaveCount(0);
  // A step taken mid-flight lands the record at once: never two dots.
  await forward.click();
  await page.waitForTimeout(100);
  await forward.click();
  await expect(page.locator('.diagram-scroll > .packet')).toHaveCount(1);
  // With reduced motion nothing flies.
  await page.emulateMedia({ reducedMotion: 'reduce' });
  await page.waitForTimeout(900);
  await forward.click();
  await page.waitForTimeout(50);
  await expect(page.locator('.diagram-scroll > .packet')).toHaveCount(0);
});

test('the text panels follow a step when its record has landed, and catch up after quick steps', async ({ page }) => {
  await page.goto('/?seed=e2e-landing&v=1.3');
  await waitForRun(page);
  await page.keyboard.press('Home');
  const narration = page.getByTestId('narration');
  const counter = async () => Number(/Step (\d+)/.exec((await page.getByTestId('step-count').textContent()) ?? '')?.[1]);
  const start = await counter();
  await expect(narration).toHaveAttribute('data-step', String(start));
  // One step: while its dot rides the arrow, the narration still tells the step before; once it
  // has landed, the narration tells the new step.
  const during = await page.evaluate(async () => {
    (document.querySelector('button[aria-label="Step forward"]') as HTMLButtonElement).click();
    const frame = () => new Promise((r) => requestAnimationFrame(r));
    await frame();
    await frame();
    await new Promise((r) => setTimeout(r, 150));
    return { flying: document.querySelectorAll('.diagram-scroll > .packet').length, step: document.querySelector('[data-testid="narration"]')?.getAttribute('data-step') };
  });
  expect(during).toEqual({ flying: 1, step: String(start) });
  await expect(page.locator('.diagram-scroll > .packet')).toHaveCount(0);
  await expect(narration).toHaveAttribute('data-step', String(start + 1));
  // Quick steps, each cutting the last one's flight short: the panels catch up with the last.
  for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowRight');
  expect(await counter()).toBe(start + 5);
  await expect(narration).toHaveAttribute('data-step', String(start + 5), { timeout: 3000 });
  // Back steps send nothing on its way: the panels follow at once.
  await page.keyboard.press('ArrowLeft');
  await expect(narration).toHaveAttribute('data-step', String(start + 4), { timeout: 500 });
});
