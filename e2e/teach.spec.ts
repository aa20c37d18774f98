/**
 * Teaching features in a real Chromium: the Lessons picker and a whole lesson, the field
 * explanations, the cipher-suite anatomy, presentation mode, the phone layout and the exports.
 */
import { expect, test } from '@playwright/test';
import { shot, stepCount, waitForRun } from './helpers';

test('a newcomer sees the Lessons picker; a link with settings does not open it; a whole lesson runs', async ({ page }, info) => {
  await page.goto('/');
  await waitForRun(page);
  const picker = page.getByRole('region', { name: 'Lessons' });
  await expect(picker).toBeVisible();
  await shot(page, info, 'teach-01-picker');
  // Remembered: the next visit (and any link with settings) starts without it.
  await page.goto('/?seed=teach-1&v=1.3');
  await waitForRun(page);
  await expect(picker).toHaveCount(0);
  await page.goto('/');
  await waitForRun(page);
  await expect(picker).toHaveCount(0);
  // The button opens it; pick TLS 1.3's one round trip and walk every stop.
  await page.getByRole('button', { name: 'Lessons' }).click();
  await page.getByRole('button', { name: /TLS 1.3's one round trip/ }).click();
  const lesson = page.getByTestId('lesson');
  await expect(lesson.getByTestId('lesson-text')).toBeVisible();
  const stops = Number((await lesson.getByTestId('lesson-progress').textContent())!.match(/of (\d+)/)![1]);
  expect(stops).toBeGreaterThanOrEqual(3);
  const seen = new Set<string>();
  for (let i = 1; i <= stops; i++) {
    await expect(lesson.getByTestId('lesson-progress')).toHaveText(`Stop ${i} of ${stops}`);
    const text = (await lesson.getByTestId('lesson-text').textContent())!;
    expect(seen.has(text)).toBe(false);
    seen.add(text);
    // The step on screen is the stop's, and the named field is highlighted in the inspector.
    const stepLine = (await lesson.locator('.lesson-body .muted').textContent())!;
    const step = Number(/Step (\d+)/.exec(stepLine)![1]);
    await expect.poll(async () => (await stepCount(page)).cursor).toBe(step);
    const label = /field (\S+) highlighted/.exec(stepLine)?.[1];
    if (label) await expect(page.locator(`ul.tree li.hl[data-label="${label}"]`)).toHaveCount(1);
    await shot(page, info, `teach-02-lesson-stop-${i}`);
    if (i < stops) await lesson.getByRole('button', { name: 'Next stop' }).click();
  }
  // The first stop names the key_share the client sent; leaving keeps the run where it is.
  const { cursor } = await stepCount(page);
  await lesson.getByRole('button', { name: /Leave the lesson/ }).click();
  await expect(lesson).toHaveCount(0);
  expect((await stepCount(page)).cursor).toBe(cursor);
  await page.getByRole('button', { name: 'Step back' }).click();
  expect((await stepCount(page)).cursor).toBe(cursor - 1);
});
