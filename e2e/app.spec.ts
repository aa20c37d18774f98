/**
 * TLS Lab in a real Chromium against the production build. Every handshake here is computed
 * by the engine in the page's Worker; the tests click as a person would.
 */
import { expect, test } from '@playwright/test';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { arrowNames, currentRunId, shot, stepCount, waitForRun } from './helpers';

const ORIGIN = `http://127.0.0.1:${process.env.E2E_PORT ?? 4173}`;

test('loads, runs a handshake in the worker, and asks nothing of other origins', async ({ page }, info) => {
  const foreign: string[] = [];
  page.on('request', (r) => {
    if (!r.url().startsWith(ORIGIN) && !r.url().startsWith('data:') && !r.url().startsWith('blob:')) foreign.push(r.url());
  });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/');
  await expect(page).toHaveTitle(/TLS Lab/);
  expect(await waitForRun(page)).toBeGreaterThan(0);
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'done');
  const { cursor, total } = await stepCount(page);
  expect(cursor).toBe(0);
  expect(total).toBeGreaterThan(4);
  // The settings are in the URL.
  expect(page.url()).toMatch(/seed=[0-9a-f]+/);
  expect(page.url()).toContain('v=1.3');
  await shot(page, info, '01-loaded');
  // Play runs the steps by itself (space toggles it).
  await page.getByRole('combobox', { name: 'Speed' }).selectOption('4');
  await page.getByRole('button', { name: 'Play' }).click();
  await expect(page.getByTestId('step-count')).toHaveText(`Step ${total} of ${total}`, { timeout: 20_000 });
  await shot(page, info, '02-end');
  // "New handshake": a fresh seed, shown and in the URL; typing the old seed replays it.
  const seed = await page.getByLabel('Seed').inputValue();
  const run = await currentRunId(page);
  await page.getByRole('button', { name: 'New handshake' }).click();
  await waitForRun(page, run);
  const fresh = await page.getByLabel('Seed').inputValue();
  expect(fresh).not.toBe(seed);
  expect(page.url()).toContain(`seed=${fresh}`);
  await page.getByLabel('Seed').fill(seed);
  await page.getByLabel('Seed').press('Enter');
  await expect.poll(() => page.url()).toContain(`seed=${seed}`);
  expect(foreign).toEqual([]);
  expect(errors).toEqual([]);
});

test('steps through a whole TLS 1.3 handshake, arrow by arrow, to application data', async ({ page }, info) => {
  await page.goto('/?seed=e2e-steps&v=1.3');
  await waitForRun(page);
  const { total } = await stepCount(page);
  let previous: string[] = [];
  for (let i = 1; i <= total; i++) {
    await page.getByRole('button', { name: 'Step forward' }).click();
    await expect(page.getByTestId('step-count')).toHaveText(`Step ${i} of ${total}`);
    const names = await arrowNames(page);
    // Exactly one new arrow per step, and the earlier ones stay as they were.
    expect(names.length).toBe(i);
    expect(names.slice(0, previous.length)).toEqual(previous);
    previous = names;
    if (i === 2) await shot(page, info, '03-server-hello-step');
  }
  expect(previous[0]).toMatch(/^ClientHello, client to server/);
  const idx = (re: RegExp) => previous.findIndex((n) => re.test(n));
  const sh = idx(/^ServerHello, server to client/);
  const sfin = idx(/Finished.*server to client/);
  const cfin = idx(/Finished.*client to server/);
  const data = idx(/^Application Data, client to server/);
  expect(sh).toBeGreaterThan(0);
  expect(idx(/EncryptedExtensions/)).toBeGreaterThan(sh);
  expect(idx(/CertificateVerify.*server to client/)).toBeGreaterThan(sh);
  expect(sfin).toBeGreaterThan(sh);
  expect(cfin).toBeGreaterThan(sfin);
  expect(data).toBeGreaterThan(cfin);
  expect(idx(/^Application Data, server to client/)).toBeGreaterThan(data);
  // Protected records say which key protects them.
  expect(previous[cfin]).toContain('encrypted with client_handshake_traffic_secret');
  await expect(page.getByTestId('rtt')).toHaveText('1-RTT handshake');
  // The last steps show the application data itself.
  await page.getByRole('button', { name: /^Application Data, server to client/ }).click();
  await expect(page.getByTestId('appdata-text')).toContainText('HTTP/1.1');
  await shot(page, info, '04-application-data');
  // Stepping back moves the cursor: the last arrow disappears.
  await page.keyboard.press('ArrowLeft');
  expect((await arrowNames(page)).length).toBe(total - 1);
});

test('Mutual TLS: CertificateRequest and the client certificate appear, and go away again', async ({ page }, info) => {
  await page.goto('/?seed=e2e-mtls&v=1.3');
  let run = await waitForRun(page);
  await page.keyboard.press('End');
  let names = await arrowNames(page);
  expect(names.some((n) => n.includes('CertificateRequest'))).toBe(false);
  const toggle = page.getByRole('switch', { name: 'Mutual TLS' });
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-checked', 'true');
  run = await waitForRun(page, run);
  expect(page.url()).toContain('mutual=1');
  await page.keyboard.press('End');
  names = await arrowNames(page);
  expect(names.some((n) => /CertificateRequest.*server to client/.test(n))).toBe(true);
  expect(names.some((n) => /(^|, )Certificate(,| ).*client to server/.test(n))).toBe(true);
  expect(names.some((n) => /CertificateVerify.*client to server/.test(n))).toBe(true);
  await page.getByRole('tab', { name: 'Certificates' }).click();
  await expect(page.getByRole('region', { name: /Server's check of the client/ })).toBeVisible();
  await shot(page, info, '05-mutual-tls');
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-checked', 'false');
  await waitForRun(page, run);
  await page.keyboard.press('End');
  names = await arrowNames(page);
  expect(names.some((n) => n.includes('CertificateRequest'))).toBe(false);
  expect(names.some((n) => /CertificateVerify.*client to server/.test(n))).toBe(false);
});

test('ServerHello in the inspector: hovering random lights up its 32 bytes', async ({ page }, info) => {
  await page.goto('/?seed=e2e-inspect&v=1.3');
  await waitForRun(page);
  await page.keyboard.press('End');
  await page.getByRole('button', { name: /^ServerHello, server to client/ }).click();
  const inspector = page.getByTestId('inspector');
  await expect(inspector.locator('h2')).toHaveText(/^ServerHello/);
  const random = inspector.locator('ul.tree [data-label="random"]').first();
  await expect(random).toBeVisible();
  await random.hover();
  const hex = inspector.locator('.hex[data-space="record"]');
  await expect(hex).toHaveAttribute('data-hl-bytes', '32');
  // What is drawn highlighted is exactly 32 byte values, equal to the field's value.
  const lit = (await hex.locator('.cells .hl').allTextContents()).join(' ').trim().split(/\s+/);
  expect(lit).toHaveLength(32);
  const value = (await random.locator('.fvalue').textContent())?.trim();
  expect(lit.join('')).toBe(value);
  await shot(page, info, '06-inspector-random');
  // And the other way: hovering a byte of the random highlights the field.
  const start = Number(await random.getAttribute('data-start'));
  await page.mouse.move(0, 0);
  await expect(inspector.locator('ul.tree [data-label="random"].hl')).toHaveCount(0);
  const i = start + 5;
  const row = hex.locator(`.cells[data-offset="${i - (i % 16)}"]`);
  // Hovering the tree row may have scrolled the panel: bring the hex row back into view first.
  await row.scrollIntoViewIfNeeded();
  const box = (await row.boundingBox())!;
  const count = Number(await row.getAttribute('data-count'));
  await page.mouse.move(box.x + (((i % 16) * 3 + 0.5) / (count * 3 - 1)) * box.width, box.y + box.height / 2);
  await expect(inspector.locator('ul.tree [data-label="random"].hl')).toHaveCount(1);
  // A protected record shows the nonce computation and the decrypted plaintext.
  await page.getByRole('button', { name: /Finished, server to client, encrypted/ }).click();
  await expect(page.getByRole('table', { name: 'Nonce computation' })).toBeVisible();
  await expect(inspector.getByText(/^Decrypted: handshake/)).toBeVisible();
  await shot(page, info, '07-inspector-protected');
});

test('pasted certificates: expired ends in an alert, valid passes', async ({ page }, info) => {
  await page.goto('/?seed=e2e-paste&v=1.3');
  let run = await waitForRun(page);
  await page.getByRole('tab', { name: 'Certificates' }).click();
  // Paste as a person would: the expired sample's text, its key, and the sample root to trust.
  await page.getByLabel(/^Certificate \(PEM\)/).fill(readFileSync('public/samples/expired.pem', 'utf8'));
  await page.getByLabel('Private key (PEM, optional)').fill(readFileSync('public/samples/expired.key', 'utf8'));
  await page.getByLabel('Extra trust anchors (PEM, optional)').fill(readFileSync('public/samples/sample-root.pem', 'utf8'));
  await page.getByRole('button', { name: 'Use in the handshake' }).click();
  run = await waitForRun(page, run);
  await page.keyboard.press('End');
  const report = page.getByRole('region', { name: /Client's check of the server/ });
  await expect(report).toContainText(/expired/i);
  await expect(report).toContainText('rejected');
  const names = await arrowNames(page);
  expect(names.some((n) => /^Alert: certificate_expired, client to server/.test(n))).toBe(true);
  expect(names.some((n) => n.startsWith('Application Data'))).toBe(false);
  await shot(page, info, '08-paste-expired');

  // The valid sample, loaded with its button.
  await page.getByRole('button', { name: 'Valid', exact: true }).click();
  await expect(page.getByLabel(/^Certificate \(PEM\)/)).toHaveValue(/BEGIN CERTIFICATE/);
  await page.getByRole('button', { name: 'Use in the handshake' }).click();
  await waitForRun(page, run);
  await page.keyboard.press('End');
  await expect(report).toContainText('✓ valid');
  const names2 = await arrowNames(page);
  expect(names2.some((n) => n.startsWith('Alert: certificate'))).toBe(false);
  expect(names2.some((n) => n.startsWith('Application Data, server to client'))).toBe(true);
  await shot(page, info, '09-paste-valid');

  // Garbage gets a clear message, and the app keeps working.
  await page.getByLabel(/^Certificate \(PEM\)/).fill('-----BEGIN CERTIFICATE-----\nnot base64 at all!!\n-----END CERTIFICATE-----\n');
  await page.getByRole('button', { name: 'Check' }).click();
  await expect(page.getByTestId('paste-inspection').getByRole('alert')).toBeVisible();
  await page.getByRole('button', { name: 'Step back' }).click();
});

test('a seed in the URL reproduces identical bytes on reload', async ({ page }) => {
  const hexOf = async (name: RegExp) => {
    await page.getByRole('button', { name }).click();
    await expect(page.getByTestId('inspector').locator('h2')).toHaveText(name.source.replace(/^\^/, '').split(',')[0]!);
    const hex = page.locator('[data-testid="inspector"] .hex[data-space="record"]').first();
    const more = hex.getByRole('button', { name: /^show all/ });
    if (await more.count()) await more.click();
    return (await hex.locator('.cells').allTextContents()).join(' ');
  };
  await page.goto('/?seed=reproducible-42&v=1.3&group=x25519');
  await waitForRun(page);
  await page.keyboard.press('End');
  const ch1 = await hexOf(/^ClientHello, client to server/);
  const sh1 = await hexOf(/^ServerHello, server to client/);
  expect(ch1.length).toBeGreaterThan(200);
  await page.reload();
  await waitForRun(page);
  await page.keyboard.press('End');
  expect(await hexOf(/^ClientHello, client to server/)).toBe(ch1);
  expect(await hexOf(/^ServerHello, server to client/)).toBe(sh1);
  // A different seed gives different bytes (so the comparison above can fail).
  await page.goto('/?seed=reproducible-43&v=1.3&group=x25519');
  await waitForRun(page);
  await page.keyboard.press('End');
  expect(await hexOf(/^ClientHello, client to server/)).not.toBe(ch1);
});

test('keyboard only: tab to an arrow and select it; dark mode and large type render', async ({ page }, info) => {
  await page.emulateMedia({ colorScheme: 'dark', reducedMotion: 'reduce' });
  await page.goto('/?seed=e2e-keys&v=1.3');
  await waitForRun(page);
  await page.keyboard.press('End');
  const first = page.locator('svg.seq g.arrow').first();
  await first.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('inspector').locator('h2')).toHaveText(/^ClientHello/);
  await page.getByRole('tab', { name: 'Keys' }).click();
  await expect(page.locator('[data-secret="client_handshake_traffic_secret"] [data-testid="secret-value"]')).toHaveText(/^[0-9a-f]{64}$/);
  await page.getByLabel('Large type').check();
  await shot(page, info, '10-dark-large-keys');
  // Arrow keys work while the checkbox has focus (only text fields keep their keys).
  // Keys appear only once derived: at step 1 no handshake secret is shown yet.
  await page.keyboard.press('Home');
  await page.keyboard.press('ArrowRight');
  await expect(page.locator('[data-secret="client_handshake_traffic_secret"] [data-testid="secret-value"]')).toHaveCount(0);
});

test('a bad paste says what is wrong and the app keeps working; no key: checks run, then the server cannot sign', async ({ page }, info) => {
  await page.goto('/?seed=e2e-badpaste&v=1.3');
  let run = await waitForRun(page);
  await page.getByRole('tab', { name: 'Certificates' }).click();
  await page.getByLabel(/^Certificate \(PEM\)/).fill('this is not a certificate');
  await page.getByRole('button', { name: 'Use in the handshake' }).click();
  run = await waitForRun(page, run);
  const banner = page.locator('.banner.error');
  await expect(banner).toContainText('could not start');
  await expect(banner).toContainText('no certificate');
  await shot(page, info, '11-bad-paste');
  await page.getByRole('button', { name: 'Back to the demo PKI' }).click();
  run = await waitForRun(page, run);
  await expect(banner).toHaveCount(0);
  await page.keyboard.press('End');
  expect((await arrowNames(page)).some((n) => n.startsWith('Application Data, server to client'))).toBe(true);

  // The valid chain without its private key: the client's checks pass, then the server cannot sign.
  await page.getByRole('button', { name: 'Valid', exact: true }).click();
  await expect(page.getByLabel(/^Certificate \(PEM\)/)).toHaveValue(/BEGIN CERTIFICATE/);
  await page.getByLabel('Private key (PEM, optional)').fill('');
  await page.getByRole('button', { name: 'Use in the handshake' }).click();
  await waitForRun(page, run);
  await page.keyboard.press('End');
  // The checks of the paste run anyway (in the Worker) and pass; the run says why it stopped.
  await expect(page.getByRole('region', { name: /Pasted chain/ })).toContainText('✓ valid');
  await expect(page.getByTestId('outcome')).toContainText(/private key/i);
  expect((await arrowNames(page)).some((n) => n.startsWith('Alert: internal_error, server to client'))).toBe(true);
  await shot(page, info, '12-paste-without-key');
});

test('works offline after load: new runs and the sample certificates need no network', async ({ page, context }, info) => {
  // The samples are fetched in the background shortly after load.
  const prefetched = page.waitForResponse((r) => r.url().endsWith('samples/sample-root.pem'));
  await page.goto('/?seed=e2e-offline&v=1.3');
  let run = await waitForRun(page);
  await prefetched;
  await context.setOffline(true);
  await page.getByRole('switch', { name: 'Mutual TLS' }).click();
  run = await waitForRun(page, run);
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'done');
  await page.getByRole('radio', { name: 'TLS 1.2' }).check();
  run = await waitForRun(page, run);
  await page.keyboard.press('End');
  await expect(page.getByTestId('rtt')).toHaveText('2-RTT handshake');
  await page.getByRole('tab', { name: 'Certificates' }).click();
  await page.getByRole('button', { name: 'Wrong host', exact: true }).click();
  await expect(page.getByLabel(/^Certificate \(PEM\)/)).toHaveValue(/BEGIN CERTIFICATE/);
  await page.getByRole('button', { name: 'Use in the handshake' }).click();
  await waitForRun(page, run);
  await page.keyboard.press('End');
  expect((await arrowNames(page)).some((n) => /^Alert: bad_certificate, client to server/.test(n))).toBe(true);
  await shot(page, info, '13-offline-tls12-wrong-host');
  await context.setOffline(false);
});

test('TLS 1.2 with RSA key transport: the premaster, the PRF and the key block, 2 round trips', async ({ page }, info) => {
  await page.goto('/?seed=e2e-rsa&v=1.2&suite=TLS_RSA_WITH_AES_128_GCM_SHA256&key=rsa-2048');
  await waitForRun(page);
  // No key exchange group in RSA key transport.
  await expect(page.getByRole('combobox', { name: /^Group/ })).toBeDisabled();
  const { total } = await stepCount(page);
  // Step to the ClientKeyExchange and read the narration.
  for (let i = 0; i < total; i++) {
    await page.keyboard.press('ArrowRight');
    const names = await arrowNames(page);
    if (names.some((n) => n.startsWith('ClientKeyExchange'))) break;
  }
  await expect(page.getByTestId('narration')).toContainText('premaster secret');
  await expect(page.getByTestId('narration')).toContainText('No forward secrecy');
  await page.keyboard.press('End');
  await page.getByRole('tab', { name: 'Keys' }).click();
  for (const name of ['pre_master_secret', 'master_secret', 'key_block', 'client_write_key']) {
    await expect(page.locator(`[data-secret="${name}"] [data-testid="secret-value"]`)).toHaveText(/^[0-9a-f]+$/);
  }
  await shot(page, info, '14-tls12-rsa-keys');
  await expect(page.getByTestId('rtt')).toHaveText('2-RTT handshake');
  const names = await arrowNames(page);
  expect(names.some((n) => /^ChangeCipherSpec, server to client/.test(n))).toBe(true);
  expect(names.some((n) => /^Finished, client to server, encrypted with client_write_key/.test(n))).toBe(true);
});

test('a downgrade attack: the man in the middle strips TLS 1.3, the downgrade sentinel gives it away', async ({ page }, info) => {
  await page.goto('/?seed=e2e-downgrade');
  const run = await waitForRun(page);
  await page.getByRole('combobox', { name: /^Break something/ }).selectOption('downgrade');
  await waitForRun(page, run);
  await page.keyboard.press('End');
  const names = await arrowNames(page);
  expect(names[0]).toMatch(/^ClientHello, client to server/);
  expect(names[1]).toMatch(/^ServerHello, Certificate, ServerKeyExchange, ServerHelloDone, server to client/);
  expect(names[2]).toMatch(/^Alert: illegal_parameter, client to server/);
  await expect(page.getByTestId('narration')).toContainText('downgrade sentinel');
  await expect(page.getByTestId('narration')).toContainText('The client catches a downgrade');
  await expect(page.getByTestId('narration')).toContainText('DOWNGRD\\x01');
  // The ClientHello as sent (1.3 and 1.2) and as the server got it (1.2 only).
  await page.getByRole('button', { name: /^ClientHello, client to server/ }).click();
  const inspector = page.getByTestId('inspector');
  await expect(inspector).toContainText('removed TLS 1.3 (0x0304)');
  const got = page.getByTestId('received-bytes');
  await expect(got).toContainText('2 bytes shorter than what was sent');
  await got.scrollIntoViewIfNeeded();
  await shot(page, info, '17-downgrade');
});

test('Resume (PSK): a resumed handshake has no certificate, and a new ticket arrives', async ({ page }, info) => {
  await page.goto('/?seed=e2e-resume');
  let run = await waitForRun(page);
  expect((await arrowNames(page)).length).toBe(0);
  await page.keyboard.press('End');
  expect((await arrowNames(page)).some((n) => n.includes('Certificate'))).toBe(true);
  await page.getByLabel('Resume (PSK)').check();
  run = await waitForRun(page, run);
  expect(page.url()).toContain('resume=1');
  await page.keyboard.press('Home');
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('narration')).toContainText('pre_shared_key');
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('narration')).toContainText('The server accepts the ticket');
  await page.keyboard.press('End');
  const names = await arrowNames(page);
  expect(names.some((n) => n.includes('Certificate'))).toBe(false);
  expect(names.some((n) => n.startsWith('NewSessionTicket, server to client'))).toBe(true);
  expect(names.some((n) => n.startsWith('Application Data, server to client'))).toBe(true);
  await expect(page.getByTestId('diagram-summary')).toContainText('resumed (PSK)');
  // The binder and the resumption secret are in the key schedule.
  await page.getByRole('tab', { name: 'Keys' }).click();
  for (const name of ['binder_key', 'psk_binder', 'resumption_master_secret']) {
    await expect(page.locator(`[data-secret="${name}"] [data-testid="secret-value"]`).first()).toHaveText(/^[0-9a-f]+$/);
  }
  await shot(page, info, '18-resumption');

  // 0-RTT: the request leaves in the client's first flight, under the early traffic key.
  await page.getByLabel('0-RTT data').check();
  await waitForRun(page, run);
  expect(page.url()).toContain('early=1');
  await page.keyboard.press('End');
  const early = await arrowNames(page);
  const firstServer = early.findIndex((n) => n.includes('server to client'));
  const earlyData = early.findIndex((n) => /^Application Data, client to server, encrypted with client_early_traffic_secret/.test(n));
  expect(earlyData).toBeGreaterThan(0);
  expect(earlyData).toBeLessThan(firstServer);
  expect(early.some((n) => n.startsWith('EndOfEarlyData, client to server'))).toBe(true);
  await expect(page.getByTestId('diagram-summary')).toContainText('0-RTT data accepted');
  await page.getByRole('button', { name: 'To start' }).click();
  for (let i = 0; i <= earlyData; i++) await page.getByRole('button', { name: 'Step forward' }).click();
  await expect(page.getByTestId('narration')).toContainText('replay');
  await shot(page, info, '19-zero-rtt');
});

test('the run opens decrypted in Wireshark: the downloaded capture and key log', async ({ page }, info) => {
  await page.goto('/?seed=e2e-wireshark&v=1.2&suite=TLS_RSA_WITH_AES_128_GCM_SHA256&key=rsa-2048');
  await waitForRun(page);
  await page.getByRole('tab', { name: 'Keys' }).click();
  const region = page.getByRole('region', { name: 'Open the run in Wireshark' });
  const [keylog] = await Promise.all([page.waitForEvent('download'), region.getByRole('button', { name: 'Download key log' }).click()]);
  expect(keylog.suggestedFilename()).toBe('tlslab-tls12-rsa_with_aes_128_gcm_sha256-rsa-2048-seed-e2e-wireshark.keylog');
  const text = readFileSync((await keylog.path())!, 'utf8');
  // The master secret the Keys tab shows is the one in the key log.
  await page.keyboard.press('End');
  const master = await page.locator('[data-secret="master_secret"] [data-testid="secret-value"]').first().textContent();
  expect(text).toMatch(new RegExp(`^CLIENT_RANDOM [0-9a-f]{64} ${master}\n$`));
  const [capture] = await Promise.all([page.waitForEvent('download'), region.getByRole('button', { name: 'Download capture (.pcapng)' }).click()]);
  expect(capture.suggestedFilename()).toBe('tlslab-tls12-rsa_with_aes_128_gcm_sha256-rsa-2048-seed-e2e-wireshark.pcapng');
  const path = info.outputPath('run.pcapng');
  await capture.saveAs(path);
  await shot(page, info, '16-wireshark-export');
  // Wireshark's dissector, with only the file: handshake messages, then the HTTP exchange decrypted.
  const tshark = spawnSync('tshark', ['--version'], { stdio: 'ignore' }).status === 0;
  if (!tshark && process.env.TLSLAB_REQUIRE_TSHARK !== '1') return test.info().annotations.push({ type: 'skipped', description: 'tshark not installed' });
  const out = execFileSync('tshark', ['-r', path, '-T', 'fields', '-e', 'tls.handshake.type', '-e', 'http.request.method', '-e', 'http.response.code'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const rows = out
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => l.split('\t'));
  expect(rows.flatMap((r) => (r[0] ? r[0].split(',') : []))).toEqual(['1', '2', '11', '14', '16', '20', '20']);
  expect(rows.map((r) => r[1]).filter(Boolean)).toEqual(['GET']);
  expect(rows.map((r) => r[2]).filter(Boolean)).toEqual(['200']);
});

test('the engine Worker starts before the app chunk is fetched, and the load is marked for profiling', async ({ page }) => {
  await page.goto('/?seed=e2e-load-marks&v=1.3');
  await waitForRun(page);
  const t = await page.evaluate(() => {
    const mark = (n: string) => performance.getEntriesByName(n)[0]?.startTime ?? NaN;
    const app = performance.getEntriesByType('resource').find((e) => /\/start-[^/]*\.js$/.test(e.name));
    return {
      created: mark('tlslab:worker-created'),
      appFetched: app?.startTime ?? NaN,
      posted: mark('tlslab:run-posted'),
      ready: mark('tlslab:worker-ready'),
      done: mark('tlslab:run-done'),
    };
  });
  // main.tsx makes the Worker, then imports the app chunk (start.tsx), whose startEngine() posts the first run.
  expect(t.created).toBeLessThanOrEqual(t.appFetched);
  expect(t.appFetched).toBeLessThan(t.posted);
  expect(t.ready).toBeGreaterThan(t.created);
  expect(t.done).toBeGreaterThan(Math.max(t.posted, t.ready));
});

test('a worker that cannot start gives a clear message; the next change restarts it', async ({ page }, info) => {
  // Block the engine worker's script: the Worker fails to load.
  await page.route(/engine\.worker-[^/]*\.js$/, (route) => route.abort());
  await page.goto('/?seed=e2e-worker&v=1.3');
  const banner = page.locator('.banner.error');
  await expect(banner).toContainText('engine worker failed');
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'error');
  await shot(page, info, '15-worker-failed');
  // The page still answers; once the script is reachable again, a change starts a new worker.
  await page.unroute(/engine\.worker-[^/]*\.js$/);
  const run = await currentRunId(page);
  await page.getByRole('switch', { name: 'Mutual TLS' }).click();
  await waitForRun(page, run);
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'done');
  await expect(banner).toHaveCount(0);
  await page.keyboard.press('End');
  expect((await arrowNames(page)).some((n) => /CertificateRequest/.test(n))).toBe(true);
});

test('the ServerHello step already shows the handshake traffic secrets; a missing client certificate is told in the Certificates tab', async ({ page }, info) => {
  await page.goto('/?seed=e2e-steps-keys&v=1.3');
  await waitForRun(page);
  await page.getByRole('tab', { name: 'Keys' }).click();
  const clientHs = page.locator('[data-secret="client_handshake_traffic_secret"]');
  await page.getByRole('button', { name: 'Step forward' }).click();
  await expect(page.getByTestId('step-count')).toHaveText(/^Step 1 of/);
  await expect(clientHs).toHaveClass(/pending/);
  await page.getByRole('button', { name: 'Step forward' }).click();
  await expect(page.getByTestId('step-count')).toHaveText(/^Step 2 of/);
  expect((await arrowNames(page))[1]).toMatch(/^ServerHello, server to client/);
  // The client read the ServerHello in the same step: both sides can now derive the handshake keys.
  await expect(clientHs).toHaveClass(/derived/);
  await expect(page.locator('[data-secret="server_handshake_traffic_secret"]')).toHaveClass(/derived/);
  await expect(page.getByTestId('state-moves')).toContainText('client: ExpectServerHello → ExpectEncryptedExtensions');
  await shot(page, info, '12-serverhello-keys');

  await page.goto('/?seed=e2e-steps-keys&v=1.2&mutual=1&fault=no-client-certificate');
  await waitForRun(page);
  await page.keyboard.press('End');
  await page.getByRole('tab', { name: 'Certificates' }).click();
  const empty = page.getByTestId('cert-empty');
  await expect(empty).toContainText("Server's check of the client: ✗ no certificate");
  await expect(empty).toContainText('handshake_failure');
  await shot(page, info, '13-no-client-certificate');
});

test('mutual TLS: a pasted expired client certificate fails the server check and ends in an alert', async ({ page }, info) => {
  await page.goto('/?seed=e2e-client-paste&v=1.3');
  let run = await waitForRun(page);
  await page.getByRole('tab', { name: 'Certificates' }).click();
  // The client paste boxes exist only in mutual TLS.
  await expect(page.getByLabel('Client certificate (PEM)')).toHaveCount(0);
  await page.getByRole('switch', { name: 'Mutual TLS' }).click();
  run = await waitForRun(page, run);
  // The "Expired client" sample fills the three boxes (an openssl-made clientAuth chain and the sample root).
  await page.getByRole('button', { name: 'Expired client' }).click();
  await expect(page.getByLabel('Client certificate (PEM)')).toHaveValue(readFileSync('public/samples/client-expired.pem', 'utf8'));
  await expect(page.getByLabel('Client trust anchors (PEM, optional)')).toHaveValue(readFileSync('public/samples/sample-root.pem', 'utf8'));
  await page.getByRole('button', { name: 'Use as the client certificate' }).click();
  run = await waitForRun(page, run);
  await page.keyboard.press('End');
  const report = page.getByRole('region', { name: /Server's check of the client/ });
  await expect(report).toContainText(/expired/i);
  await expect(report).toContainText('rejected');
  const names = await arrowNames(page);
  expect(names.some((n) => /^Alert: certificate_expired, server to client/.test(n))).toBe(true);
  expect(names.some((n) => n.startsWith('Application Data, server to client'))).toBe(false);
  // "Use" also checks the paste on its own, as the server would (clientAuth purpose, no host name).
  const own = page.getByTestId('client-paste-inspection');
  await expect(own).toContainText('Pasted client chain (checked as the server would): ✗ rejected');
  await expect(own).toContainText(/expired/i);
  await page.getByRole('region', { name: 'Paste a client certificate' }).scrollIntoViewIfNeeded();
  await shot(page, info, '14-client-paste-expired');

  // The valid client sample: Check passes, and in the run the server accepts it.
  await page.getByRole('button', { name: 'Valid client' }).click();
  await page.getByRole('region', { name: 'Paste a client certificate' }).getByRole('button', { name: 'Check' }).click();
  await expect(own).toContainText('✓ valid');
  await page.getByRole('button', { name: 'Use as the client certificate' }).click();
  run = await waitForRun(page, run);
  await page.keyboard.press('End');
  await expect(report).toContainText('✓ valid');
  await expect(report).toContainText('CN=alice');
  expect((await arrowNames(page)).some((n) => n.startsWith('Application Data, server to client'))).toBe(true);

  // Back to the demo client certificate: the server accepts it again.
  await page.getByRole('button', { name: 'Back to the demo client certificate' }).click();
  await waitForRun(page, run);
  await page.keyboard.press('End');
  await expect(report).toContainText('✓ valid');
  expect((await arrowNames(page)).some((n) => n.startsWith('Alert: certificate'))).toBe(false);
});
