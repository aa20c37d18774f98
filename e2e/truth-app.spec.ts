/**
 * Issue 9, what is on screen: round-trip badges and labels from the events, narration that
 * matches the bytes, settings that say what they changed, and the small things (close_notify
 * colour, inspector scroll, lifelines on their boxes). Screenshots in test-results/.
 */
import { expect, test, type Page } from '@playwright/test';
import { shot, stepCount, waitForRun } from './helpers';

async function open(page: Page, query: string): Promise<void> {
  await page.goto(`/?${query}`);
  await waitForRun(page);
}

const summary = (page: Page) => page.getByTestId('diagram-summary');
const narration = (page: Page) => page.getByTestId('narration');
const rttLabels = (page: Page) => page.locator('svg.seq text.rtt-label').evaluateAll((els) => els.map((e) => e.textContent).filter(Boolean));

test('0-RTT: the handshake stays 1-RTT with its round-trip label; only the data is 0-RTT', async ({ page }, info) => {
  await open(page, 'seed=lesson&resume=1&early=1');
  await page.keyboard.press('End');
  await expect(summary(page)).toContainText('0-RTT data accepted');
  await expect(page.getByTestId('rtt')).toHaveText('1-RTT handshake');
  expect(await rttLabels(page)).toEqual(['round trip 1']);
  await shot(page, info, 'truth-01-zero-rtt');
});

test('HRR + 0-RTT + mutual: 2-RTT; the early data is declined only once the HelloRetryRequest is shown', async ({ page }, info) => {
  await open(page, 'seed=lesson&resume=1&early=1&hrr=1&mutual=1');
  // Step 3 is the early data; step 4 the HelloRetryRequest.
  for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
  await expect(narration(page)).toContainText('0-RTT');
  await expect(narration(page)).not.toContainText('declined');
  await expect(summary(page)).not.toContainText('0-RTT data rejected');
  await page.keyboard.press('ArrowRight');
  await expect(narration(page)).toContainText('The server declined the 0-RTT request');
  await expect(summary(page)).toContainText('0-RTT data rejected');
  await shot(page, info, 'truth-02-hrr-declined');
  await page.keyboard.press('End');
  await expect(page.getByTestId('rtt')).toHaveText('2-RTT handshake');
  expect(await rttLabels(page)).toEqual(['round trip 1', 'round trip 2']);
});

test('resume + expired certificate: step 1 offers no ticket; a failed run has no RTT badge', async ({ page }, info) => {
  await open(page, 'seed=lesson&resume=1&fault=expired-certificate');
  await page.keyboard.press('ArrowRight');
  await expect(narration(page)).toContainText('The client says hello');
  await expect(narration(page)).not.toContainText('pre_shared_key');
  await page.keyboard.press('End');
  await expect(page.getByTestId('outcome')).toContainText('the client sent certificate_expired');
  await expect(page.getByTestId('rtt')).toHaveCount(0);
  await shot(page, info, 'truth-03-expired');
});

test('resume + 0-RTT + downgrade: TLS 1.3 texts, an alert in the clear, the outcome names every alert, the header the version', async ({ page }, info) => {
  await open(page, 'seed=lesson&resume=1&early=1&fault=downgrade');
  await page.keyboard.press('ArrowRight');
  await expect(narration(page)).toContainText('key share');
  await page.keyboard.press('ArrowRight');
  await expect(narration(page)).toContainText('A compatibility record');
  await page.keyboard.press('End');
  const caught = page.locator('svg.seq g.arrow', { hasText: 'illegal_parameter' });
  await expect(caught).toHaveAttribute('aria-label', /^Alert: illegal_parameter, client to server$/); // no key: in the clear
  await caught.click();
  await expect(narration(page)).toBeVisible();
  const outcome = page.getByTestId('outcome');
  await expect(outcome).toContainText('illegal_parameter');
  await expect(outcome).toContainText('unexpected_message');
  await expect(summary(page).locator('strong')).toHaveText('TLS 1.2 (the client offered TLS 1.3)');
  await shot(page, info, 'truth-04-downgrade');
  // The client's catch, narrated at its own step.
  const step = Number(await caught.getAttribute('data-step'));
  await page.keyboard.press('Home');
  for (let i = 0; i < step; i++) await page.keyboard.press('ArrowRight');
  await expect(narration(page)).toContainText('before using any handshake key');
});

test('settings say what else they changed; the link and the controls agree', async ({ page }, info) => {
  await open(page, 'seed=lesson&fault=downgrade');
  const fault = page.getByRole('combobox', { name: 'Break something' });
  await expect(fault).toHaveValue('downgrade');
  let run = await waitForRun(page);
  await page.getByText('TLS 1.2', { exact: true }).click();
  run = await waitForRun(page, run);
  await expect(fault).toHaveValue('none');
  expect(page.url()).not.toContain('fault=');
  await expect(page.getByTestId('adjustments')).toContainText('Break something back to Nothing');
  // An ECDHE_RSA suite moves the key to RSA, and says so; then an ECDSA key moves the suite back.
  await page.getByRole('combobox', { name: 'Cipher suite' }).selectOption('TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256');
  run = await waitForRun(page, run);
  await expect(page.getByRole('combobox', { name: 'Server key' })).toHaveValue('rsa-2048');
  await expect(page.getByTestId('adjustments')).toHaveText('Server key set to RSA 2048: TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 needs one.');
  await shot(page, info, 'truth-05-adjusted');
  await page.getByRole('combobox', { name: 'Server key' }).selectOption('ecdsa-p256');
  await waitForRun(page, run);
  await expect(page.getByRole('combobox', { name: 'Server key' })).toHaveValue('ecdsa-p256');
  await expect(page.getByRole('combobox', { name: 'Cipher suite' })).toHaveValue('');
  await expect(page.getByTestId('adjustments')).toContainText("Cipher suite back to the client's preference list");
  expect(page.url()).toContain('key=ecdsa-p256');
  expect(page.url()).not.toContain('suite=');
});

test('after clicking a tab, ←/→ go on stepping', async ({ page }) => {
  await open(page, 'seed=lesson');
  await page.getByRole('tab', { name: 'Keys' }).click();
  await expect(page.getByRole('tab', { name: 'Keys' })).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  expect((await stepCount(page)).cursor).toBe(2);
  await expect(page.getByRole('tab', { name: 'Keys' })).toHaveAttribute('aria-selected', 'true');
  // Reached with the keyboard, a focused tab still moves between tabs.
  await page.getByRole('tab', { name: 'Keys' }).focus();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByRole('tab', { name: 'Certificates' })).toHaveAttribute('aria-selected', 'true');
  expect((await stepCount(page)).cursor).toBe(2);
});

test('close_notify is a clean close, not alarm red; lifelines sit on their boxes', async ({ page }, info) => {
  await open(page, 'seed=lesson');
  await page.keyboard.press('End');
  const close = page.locator('svg.seq g.arrow', { hasText: 'close_notify' }).first();
  await expect(close).toHaveClass(/\bclose\b/);
  await expect(close).not.toHaveClass(/\balert\b/);
  await open(page, 'seed=lesson&fault=expired-certificate');
  await page.keyboard.press('End');
  const fatal = String(await page.evaluate('getComputedStyle(document.querySelector("svg.seq g.arrow.fatal .shaft")).stroke'));
  expect(fatal).toMatch(/^rgb/);
  await open(page, 'seed=lesson');
  await page.keyboard.press('End');
  await expect(page.locator('svg.seq g.arrow.close .shaft').first()).not.toHaveCSS('stroke', fatal);
  // Each lifeline in the scrolling diagram continues the one under its box in the header.
  const centres = (sel: string) =>
    page.locator(sel).evaluateAll((els) =>
      els.map((e) => {
        const r = e.getBoundingClientRect();
        return r.left + r.width / 2;
      }),
    );
  const xs = {
    boxes: await centres('svg.seq-head rect.head-box'),
    head: await centres('svg.seq-head line.life'),
    body: await centres('.diagram-scroll svg.seq g.lifelines line.life'),
  };
  expect(xs.body).toHaveLength(2);
  for (let i = 0; i < 2; i++) {
    expect(Math.abs(xs.head[i]! - xs.boxes[i]!)).toBeLessThan(0.6);
    expect(Math.abs(xs.body[i]! - xs.boxes[i]!)).toBeLessThan(0.6);
  }
  await shot(page, info, 'truth-06-close');
});

test('the inspector starts at the top for another record; hovering a byte scrolls its field into view', async ({ page }, info) => {
  await open(page, 'seed=lesson');
  await page.keyboard.press('End');
  const panel = page.locator('.panel');
  await page.locator('svg.seq g.arrow[data-step="1"]').click();
  await panel.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
  expect(await panel.evaluate((el) => el.scrollTop)).toBeGreaterThan(0);
  await page.locator('svg.seq g.arrow[data-step="2"]').click();
  await expect(page.getByTestId('inspector')).toHaveAttribute('data-record-id', 's2c:0');
  await expect.poll(() => panel.evaluate((el) => el.scrollTop)).toBe(0);
  // The ClientHello: its last bytes are the last extension, far down the field tree.
  await page.locator('svg.seq g.arrow[data-step="1"]').click();
  await expect(page.getByTestId('inspector')).toHaveAttribute('data-record-id', 'c2s:0');
  const hex = page.locator('.hex[data-space="record"]').first();
  const more = hex.getByRole('button', { name: /show all/ });
  if (await more.count()) await more.click();
  const lastRow = hex.locator('.hex-row').last().locator('.cells');
  await lastRow.scrollIntoViewIfNeeded();
  await lastRow.hover({ position: { x: 4, y: 4 } });
  const lit = page.locator('ul.tree li.field.hl').first();
  await expect(lit).toHaveCount(1);
  await expect(lit).toBeInViewport();
  await shot(page, info, 'truth-07-hover');
});
