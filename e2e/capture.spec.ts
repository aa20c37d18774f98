/// <reference lib="dom" />
/**
 * Open capture…: a real capture (openssl s_server/s_client and curl on loopback, committed in
 * packages/engine/test/vectors/captures) opened in the page with its key log, parsed in the
 * Worker and shown with the same diagram, inspector, keys and certificate report as a run.
 */
import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { arrowNames, shot, waitForRun } from './helpers';

const DIR = join(process.cwd(), 'packages', 'engine', 'test', 'vectors', 'captures');
const CAPTURE = join(DIR, 'openssl-curl-loopback.pcapng');
const KEYLOG = join(DIR, 'openssl-curl-loopback.keys');

async function openCapture(page: import('@playwright/test').Page, files: { capture: string; keyLog?: string }) {
  await page.getByRole('button', { name: 'Open capture…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Open a packet capture' });
  await dialog.getByTestId('capture-file').setInputFiles(files.capture);
  if (files.keyLog) await dialog.getByTestId('capture-keylog').setInputFiles(files.keyLog);
  await dialog.getByRole('button', { name: 'Open' }).click();
}

test('a capture with its key log: connections listed, records decrypted, keys and certificates shown', async ({ page }, info) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // A link with settings: the first-visit Lessons picker stays closed, the diagram keeps its place.
  await page.goto('/?seed=e2e-capture');
  const first = await waitForRun(page);
  await openCapture(page, { capture: CAPTURE, keyLog: KEYLOG });
  await waitForRun(page, first);
  await expect(page.getByTestId('capture-name')).toHaveText('openssl-curl-loopback.pcapng');
  const picker = page.getByTestId('capture-connection');
  await expect(picker.locator('option')).toHaveCount(3);
  await expect(picker.locator('option').first()).toContainText('localhost');
  await expect(picker.locator('option').first()).toContainText('TLS 1.3');
  await expect(picker.locator('option').first()).toContainText('decrypted');
  // The whole connection is on the diagram: the decrypted flight, the KeyUpdate, the data.
  const arrows = await arrowNames(page);
  expect(arrows[0]).toMatch(/^ClientHello, client to server/);
  expect(arrows.some((a) => a.startsWith('EncryptedExtensions') && a.includes('server_handshake_traffic_secret'))).toBe(true);
  expect(arrows.some((a) => a.startsWith('KeyUpdate'))).toBe(true);
  // Real timing on the diagram: each flight at its capture time.
  await expect(page.locator('svg.seq text.time-label').first()).toHaveText(/^at \d+\.\d\d ms$/);
  await shot(page, info, 'capture-01-tls13');
  // The Keys tab: the secrets come from the key log, and say so.
  await page.getByRole('tab', { name: 'Keys' }).click();
  await expect(page.getByRole('tabpanel')).toContainText('client_handshake_traffic_secret');
  await expect(page.getByRole('tabpanel')).toContainText('key log');
  await shot(page, info, 'capture-02-keys');
  // The Certificates tab: the server's chain checked (self-signed: not trusted).
  await page.getByRole('tab', { name: 'Certificates' }).click();
  await expect(page.getByRole('tabpanel')).toContainText('self-signed');
  // Another connection: the TLS 1.2 one.
  const before = await waitForRun(page);
  await picker.selectOption('2');
  await waitForRun(page, before);
  const arrows12 = await arrowNames(page);
  expect(arrows12.some((a) => a.startsWith('ServerKeyExchange') || a.includes('ServerKeyExchange'))).toBe(true);
  await page.getByRole('tab', { name: 'Inspector' }).click();
  await page.locator('svg.seq g.arrow').nth(1).click();
  await shot(page, info, 'capture-03-tls12-inspector');
  expect(errors).toEqual([]);
  // Back to the simulated handshake.
  const run = await waitForRun(page);
  await page.getByRole('button', { name: 'Close capture' }).click();
  await waitForRun(page, run);
  await expect(page.getByTestId('capture-name')).toHaveCount(0);
  await expect(page.locator('svg.seq text.time-label').filter({ hasText: /ms/ })).toHaveCount(0);
});

test('without a key log the plaintext is shown and the page says how to get one; a file that is not a capture gets a clear message', async ({ page }, info) => {
  // A link with settings: the first-visit Lessons picker stays closed, the diagram keeps its place.
  await page.goto('/?seed=e2e-capture');
  const first = await waitForRun(page);
  await openCapture(page, { capture: CAPTURE });
  await waitForRun(page, first);
  await expect(page.getByTestId('capture-keylog-hint')).toContainText('SSLKEYLOGFILE');
  const arrows = await arrowNames(page);
  expect(arrows[1]).toMatch(/^ServerHello/);
  // What the key log would have opened is not passed off as application data.
  expect(
    arrows
      .slice(2)
      .filter((a) => !a.startsWith('ChangeCipherSpec'))
      .every((a) => a.startsWith('Encrypted record')),
  ).toBe(true);
  await shot(page, info, 'capture-04-no-keylog');
  const next = await waitForRun(page);
  await openCapture(page, { capture: KEYLOG });
  await waitForRun(page, next);
  await expect(page.getByRole('alert').first()).toContainText('looks like a key log');
  await shot(page, info, 'capture-05-not-a-capture');
});

test('dropping the capture and its key log onto the page opens them', async ({ page }, info) => {
  // A link with settings: the first-visit Lessons picker stays closed, the diagram keeps its place.
  await page.goto('/?seed=e2e-capture');
  const first = await waitForRun(page);
  const files = [
    { name: 'dropped.pcapng', bytes: [...readFileSync(CAPTURE)] },
    { name: 'sslkeys.log', bytes: [...readFileSync(KEYLOG)] },
  ];
  await page.evaluate((list) => {
    const dt = new DataTransfer();
    for (const f of list) dt.items.add(new File([new Uint8Array(f.bytes)], f.name));
    document.body.dispatchEvent(new DragEvent('dragenter', { dataTransfer: dt, bubbles: true }));
    document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, files);
  await waitForRun(page, first);
  await expect(page.getByTestId('capture-name')).toHaveText('dropped.pcapng');
  await expect(page.getByTestId('capture-connection').locator('option').first()).toContainText('decrypted');
  await shot(page, info, 'capture-06-dropped');
});
