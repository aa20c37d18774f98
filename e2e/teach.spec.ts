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

test('the inspector explains a field and an extension, and takes the suite apart', async ({ page }, info) => {
  await page.goto('/?seed=teach-explain&v=1.3');
  await waitForRun(page);
  await page.keyboard.press('End');
  await page.getByRole('button', { name: /^ServerHello, server to client/ }).click();
  const inspector = page.getByTestId('inspector');
  // A field: the server's random.
  await inspector.locator('ul.tree [data-label="random"]').first().hover();
  const explain = inspector.getByTestId('field-explanation').first();
  await expect(explain).toHaveAttribute('data-label', 'random');
  await expect(explain).toContainText('32 random bytes chosen by the server');
  const value = (await inspector.locator('ul.tree [data-label="random"] .fvalue').first().textContent())!.trim();
  await expect(explain.getByTestId('field-value-meaning')).toContainText(value);
  // An extension: key_share in the ServerHello.
  await inspector.locator('ul.tree li[data-label="extension"]', { hasText: 'key_share' }).first().hover();
  await expect(explain).toContainText('Key shares (RFC 8446 §4.2.8)');
  await expect(explain).toContainText('The server’s share');
  await shot(page, info, 'teach-03-explain-extension');
  // Keyboard: the tree is one Tab stop and the arrows move through it (and explain each field).
  const tree = inspector.getByRole('tree').first();
  await expect(tree.locator('li[tabindex="0"]')).toHaveCount(1);
  await tree.locator('li[tabindex="0"]').focus();
  const before = await page.evaluate(() => document.activeElement?.getAttribute('data-index'));
  await page.keyboard.press('ArrowDown');
  const after = await page.evaluate(() => document.activeElement?.getAttribute('data-index'));
  expect(Number(after)).toBe(Number(before) + 1);
  await expect(tree.locator('li[tabindex="0"]')).toHaveCount(1);
  // The step did not move: the tree keeps its arrow keys.
  await expect(page.getByTestId('step-count')).toHaveText(/Step (\d+) of \1/);
  // Suite anatomy: AEAD + hash, where kx and auth went, the client's list with the choice.
  const suite = inspector.getByTestId('suite-anatomy');
  await expect(suite).toContainText('TLS_AES_128_GCM_SHA256');
  await expect(suite.locator('tr[data-role="bulk cipher"]')).toContainText('AES_128_GCM');
  await expect(suite.locator('tr[data-role="hash"]')).toContainText('SHA256');
  await expect(suite.locator('tr[data-role="key exchange"]')).toHaveCount(0);
  await expect(suite.getByTestId('suite-13-here')).toContainText('x25519');
  await expect(suite.locator('li.chosen')).toHaveText(/TLS_AES_128_GCM_SHA256/);
  await suite.scrollIntoViewIfNeeded();
  await shot(page, info, 'teach-04-suite-13');
  // TLS 1.2: four parts.
  await page.goto('/?seed=teach-explain&v=1.2&suite=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384&key=rsa-2048');
  await waitForRun(page);
  await page.keyboard.press('End');
  await page.getByRole('button', { name: /^ServerHello, Certificate, ServerKeyExchange, ServerHelloDone, server to client/ }).click();
  const suite12 = page.getByTestId('suite-anatomy');
  for (const [role, token] of [['key exchange', 'ECDHE'], ['authentication', 'RSA'], ['bulk cipher', 'AES_256_GCM'], ['hash', 'SHA384']])
    await expect(suite12.locator(`tr[data-role="${role}"]`)).toContainText(token);
  await suite12.scrollIntoViewIfNeeded();
  await shot(page, info, 'teach-05-suite-12');
});
