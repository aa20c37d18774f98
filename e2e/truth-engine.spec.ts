/**
 * Issue 9, the items the engine reports: what the screen says is what the run did — 0.5-RTT
 * answers, who is at fault, the link's clock, server names, mutual TLS, the key schedule's
 * branches, a record's write key, the master secret, the Bleichenbacher case.
 */
import { expect, test } from '@playwright/test';
import { arrowNames, narrationText, shot, waitForRun } from './helpers';

test('0-RTT: the server answers in its first flight, and the diagram shows it arrives at 1 RTT', async ({ page }, info) => {
  await page.goto('/?seed=lesson&resume=1&early=1');
  await waitForRun(page);
  await page.keyboard.press('End');
  const names = await arrowNames(page);
  const answer = names.findIndex((n) => /^Application Data, server to client/.test(n));
  const clientFinished = names.findIndex((n) => /^Finished, client to server/.test(n));
  expect(answer).toBeGreaterThan(0);
  expect(answer).toBeLessThan(clientFinished);
  await expect(page.locator('svg.seq text.timing', { hasText: '0.5-RTT answerat 1 RTT' })).toHaveCount(1);
  await expect(page.locator('svg.seq text.timing', { hasText: '0-RTT data' })).toHaveCount(1);
  await page.getByRole('button', { name: /^Application Data, server to client/ }).click();
  await page.getByRole('button', { name: 'To start' }).click();
  for (let i = 0; i <= answer; i++) await page.getByRole('button', { name: 'Step forward' }).click();
  await expect(page.getByTestId('narration')).toContainText('already in the server’s first flight (0.5-RTT)');
  await expect(page.getByTestId('narration')).toContainText('1 round trip after the client started');
  await shot(page, info, 'te-01-half-rtt');
  // Without 0-RTT the answer comes a round trip later.
  await page.goto('/?seed=lesson');
  await waitForRun(page);
  await page.keyboard.press('End');
  await expect(page.locator('svg.seq text.timing', { hasText: /^answerat 2 RTT$/ })).toHaveCount(1);
});

test('a faulty server is not an attacker; a flipped ciphertext bit is', async ({ page }, info) => {
  for (const v of ['1.3', '1.2']) {
    await page.goto(`/?seed=e2e-fault&v=${v}&fault=bad-server-finished`);
    await waitForRun(page);
    await page.keyboard.press('End');
    const mark = page.locator('svg.seq text.tamper.faulty');
    await expect(mark).toHaveText('faulty server:wrong Finished');
    await expect(page.locator('svg.seq text.tamper.on-path')).toHaveCount(0);
    const narration = page.getByTestId('narration');
    await expect(narration).toContainText('Who is at fault: a faulty server');
    await expect(narration).not.toContainText('attacker');
    await page.getByRole('button', { name: /wrong Finished from the server/ }).click();
    const card = page.getByTestId('fault-card');
    await expect(card).toHaveAttribute('data-actor', 'faulty-peer');
    await expect(card).toContainText('not a change in transit');
    await expect(page.getByTestId('inspector')).not.toContainText('man in the middle');
    if (v === '1.3') await shot(page, info, 'te-02-faulty-server');
  }
  await page.goto('/?seed=e2e-fault&fault=bad-signature');
  await waitForRun(page);
  await page.keyboard.press('End');
  await expect(page.locator('svg.seq text.tamper.faulty')).toHaveText('faulty server:wrong signature');
  await expect(page.locator('svg.seq g.arrow.faulty')).toHaveAttribute('aria-label', /CertificateVerify.*wrong CertificateVerify from the server/);

  await page.goto('/?seed=e2e-fault&fault=tamper-ciphertext');
  await waitForRun(page);
  await page.keyboard.press('End');
  await expect(page.locator('svg.seq text.tamper.on-path')).toHaveText('changedin transit');
  await expect(page.getByTestId('narration')).toContainText('Who is at fault: an on-path attacker');
  await page.getByRole('button', { name: /changed in transit/ }).click();
  await expect(page.getByTestId('fault-card')).toHaveAttribute('data-actor', 'on-path-attacker');
  await shot(page, info, 'te-03-on-path');
});

test('the link holds the clock: t= is kept, and without it the seed decides', async ({ page }) => {
  await page.goto('/?seed=lesson');
  await waitForRun(page);
  const clock = page.getByRole('textbox', { name: /^Clock/ });
  await expect(clock).toHaveValue('');
  const fromSeed = await clock.getAttribute('placeholder');
  expect(fromSeed).toMatch(/^2026-\d\d-\d\dT\d\d:\d\d:00Z$/);
  await expect(page.locator('.settings .field-hint', { hasText: 'from the seed' })).toBeVisible();
  await page.goto('/?seed=lesson&t=2026-06-01T00:00:00Z');
  await waitForRun(page);
  await expect(clock).toHaveValue('2026-06-01T00:00:00Z');
  expect(page.url()).toContain('t=2026-06-01T00%3A00%3A00Z');
  await clock.fill('tomorrow');
  await clock.press('Enter');
  await expect(page.getByRole('alert').filter({ hasText: 'not an ISO 8601 time' })).toBeVisible();
  expect(page.url()).toContain('t=2026-06-01T00%3A00%3A00Z');
});

test('server names: ☃.example is sent as xn--n3h.example; a..b and empty are refused with a reason; no SNI is a choice', async ({ page }, info) => {
  await page.goto('/?seed=e2e-names&sni=%E2%98%83.example');
  await waitForRun(page);
  await page.keyboard.press('End');
  expect((await arrowNames(page)).some((n) => /^Application Data, server to client/.test(n))).toBe(true);
  await expect(page.getByText('sent as xn--n3h.example')).toBeVisible();
  await page.getByRole('button', { name: 'To start' }).click();
  await page.getByRole('button', { name: 'Step forward' }).click();
  await expect(page.getByTestId('narration')).toContainText('SNI: ☃.example, sent in its ASCII form xn--n3h.example');
  await shot(page, info, 'te-04-idn');
  const field = page.getByRole('textbox', { name: /^Server name/ });
  for (const [bad, why] of [
    ['a..b', 'empty label'],
    ['', 'The server name is empty'],
  ]) {
    await field.fill(bad!);
    await field.press('Enter');
    await expect(page.getByRole('alert').filter({ hasText: why! })).toBeVisible();
    expect(decodeURIComponent(page.url())).toContain('sni=☃.example');
  }
  await shot(page, info, 'te-05-bad-name');
  await field.press('Escape');
  const run = await waitForRun(page);
  await page.getByLabel('Send SNI').uncheck();
  await waitForRun(page, run);
  expect(page.url()).toContain('nosni=1');
  await page.keyboard.press('Home');
  await page.getByRole('button', { name: 'Step forward' }).click();
  await expect(page.getByTestId('narration')).toContainText('no server name (this client sends no SNI');
});

test('mutual TLS: the switch follows the no-client-certificate fault; resumed runs say why there is no CertificateRequest', async ({ page }, info) => {
  await page.goto('/?seed=e2e-mtls&fault=no-client-certificate');
  await waitForRun(page);
  const sw = page.getByRole('switch', { name: 'Mutual TLS' });
  await expect(sw).toHaveAttribute('aria-checked', 'true');
  await expect(sw).toBeDisabled();
  await page.keyboard.press('End');
  expect((await arrowNames(page)).some((n) => n.includes('CertificateRequest'))).toBe(true);
  await page.goto('/?seed=e2e-mtls&mutual=1&resume=1');
  await waitForRun(page);
  await page.keyboard.press('Home');
  let found = false;
  for (let i = 0; i < 4 && !found; i++) {
    await page.getByRole('button', { name: 'Step forward' }).click();
    found = (await narrationText(page)).includes('No client certificate in a resumed handshake');
  }
  expect(found).toBe(true);
  await expect(page.getByTestId('narration')).toContainText('RFC 8446 §4.3.2');
  await shot(page, info, 'te-06-mtls-resume');
});

test('Keys tab: exporter and resumption master secrets are two branches of master_secret; a record’s key is its write key', async ({ page }, info) => {
  await page.goto('/?seed=e2e-keys');
  await waitForRun(page);
  await page.keyboard.press('End');
  await page.getByRole('tab', { name: 'Keys' }).click();
  for (const name of ['exporter_master_secret', 'resumption_master_secret', 'client_application_traffic_secret_0']) {
    await expect(page.locator(`[data-secret="${name}"]`).first()).toHaveAttribute('data-parents', 'master_secret');
    await expect(page.locator(`.branch-group[data-parent="master_secret"] [data-secret="${name}"]`).first()).toBeVisible();
  }
  await page.locator('.branch-group[data-parent="master_secret"]').first().scrollIntoViewIfNeeded();
  await shot(page, info, 'te-07-keys-branches');
  await page.getByRole('tab', { name: 'Inspector' }).click();
  await page.getByRole('button', { name: /^EncryptedExtensions.*server to client/ }).click();
  const key = page.getByTestId('record-key');
  await expect(key).toContainText('server_handshake_write_key = HKDF-Expand-Label(server_handshake_traffic_secret, "key", "", 16)');
  await expect(page.getByTestId('record-iv')).toContainText('server_handshake_write_iv = HKDF-Expand-Label(server_handshake_traffic_secret, "iv", "", 12)');
  await key.scrollIntoViewIfNeeded();
  await shot(page, info, 'te-08-record-key');
});

test('TLS 1.2: the narration says which master secret; EMS off shows the classic formula; both Bleichenbacher cases explain bad_record_mac', async ({ page }, info) => {
  await page.goto('/?seed=e2e-ems&v=1.2');
  const first = await waitForRun(page);
  const findStep = async (text: string) => {
    await page.keyboard.press('Home');
    for (let i = 0; i < 12; i++) {
      await page.getByRole('button', { name: 'Step forward' }).click();
      if ((await narrationText(page)).includes(text)) return true;
    }
    return false;
  };
  expect(await findStep('The extended master secret (RFC 7627)')).toBe(true);
  await page.getByLabel('Extended master secret').uncheck();
  await waitForRun(page, first);
  expect(page.url()).toContain('ems=0');
  expect(await findStep('The classic master secret (RFC 5246 §8.1)')).toBe(true);
  await expect(page.getByTestId('narration')).toContainText('master_secret = PRF(pre_master_secret, "master secret", ClientHello.random + ServerHello.random)');
  await shot(page, info, 'te-09-classic-ms');
  for (const fault of ['bad-premaster', 'bad-premaster-padding']) {
    await page.goto(`/?seed=e2e-bb&v=1.2&key=rsa-2048&suite=TLS_RSA_WITH_AES_128_GCM_SHA256&fault=${fault}`);
    await waitForRun(page);
    await page.keyboard.press('End');
    expect((await arrowNames(page)).some((n) => /^Alert: bad_record_mac, server to client/.test(n))).toBe(true);
    const narration = page.getByTestId('narration');
    await expect(narration).toContainText('Who is at fault: a faulty client');
    await expect(narration).toContainText('random premaster');
    await expect(narration).toContainText(fault === 'bad-premaster' ? 'client_version' : 'PKCS#1 v1.5 padding');
    if (fault === 'bad-premaster-padding') await shot(page, info, 'te-10-bleichenbacher');
  }
});
