/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
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
  // Its glossary explains the words on the settings bar.
  await picker.getByText('Glossary: the words on the settings bar').click();
  await expect(picker.locator('details.glossary dt')).toContainText(['x25519', 'HelloRetryRequest', 'PSK (pre-shared key)', 'SNI (server name)', 'Seed']);
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
  for (const [role, token] of [
    ['key exchange', 'ECDHE'],
    ['authentication', 'RSA'],
    ['bulk cipher', 'AES_256_GCM'],
    ['hash', 'SHA384'],
  ] as const)
    await expect(suite12.locator(`tr[data-role="${role}"]`)).toContainText(token);
  await suite12.scrollIntoViewIfNeeded();
  await shot(page, info, 'teach-05-suite-12');
});

/** The smallest arrow-label size as drawn on screen (CSS px, after any zoom), over every label line. */
async function smallestLabelPx(page: import('@playwright/test').Page): Promise<number> {
  return page.evaluate(() => {
    const svg = document.querySelector<SVGSVGElement>('.diagram-scroll svg.seq')!;
    const scale = svg.getBoundingClientRect().width / svg.width.baseVal.value;
    let min = Infinity;
    for (const t of svg.querySelectorAll<SVGTextElement>('g.arrow text.label')) {
      const parts: Element[] = t.querySelectorAll('tspan').length > 0 ? [...t.querySelectorAll('tspan')] : [t];
      for (const p of parts) min = Math.min(min, parseFloat(getComputedStyle(p).fontSize) * scale);
    }
    return min === Infinity ? 0 : min; // no label drawn: no size to pass
  });
}

/** No sideways scroll once the layout has settled after a resize (a redraw follows a ResizeObserver). */
async function noSidewaysScroll(page: import('@playwright/test').Page): Promise<void> {
  await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
}

test('presentation mode: full-width diagram, labels ≥ 24 px at 1920×1080, kept in the link, usable at 1280×720', async ({ page }, info) => {
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.goto('/?seed=teach-present&v=1.3');
  await waitForRun(page);
  const toggle = page.getByRole('switch', { name: 'Presentation' });
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-checked', 'true');
  await expect.poll(() => page.url()).toContain('present=1');
  await page.keyboard.press('End');
  // The diagram takes the whole width; the details are hidden until asked for.
  await expect(page.locator('#details')).toBeHidden();
  const box = (await page.locator('.diagram').boundingBox())!;
  expect(box.width).toBeGreaterThan(1900);
  await expect.poll(() => smallestLabelPx(page)).toBeGreaterThanOrEqual(24);
  // The narration sits beneath the diagram, in large type.
  const narr = (await page.getByTestId('narration').boundingBox())!;
  expect(narr.y).toBeGreaterThan(box.y);
  expect(parseFloat(await page.getByTestId('narration').evaluate((e) => getComputedStyle(e).fontSize))).toBeGreaterThanOrEqual(20);
  await shot(page, info, 'teach-06-present-1920');
  // The inspector on demand, over the diagram.
  await page.getByRole('button', { name: 'Show details' }).click();
  await expect(page.locator('#details')).toBeVisible();
  await shot(page, info, 'teach-07-present-details');
  await page.keyboard.press('Escape');
  await expect(page.locator('#details')).toBeHidden();
  // The link keeps it: a reload (and a settings change) stays in presentation mode.
  await page.getByRole('radio', { name: 'TLS 1.2' }).check({ force: true });
  await expect.poll(() => page.url()).toContain('v=1.2');
  expect(page.url()).toContain('present=1');
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.reload();
  await waitForRun(page);
  await expect(page.getByRole('switch', { name: 'Presentation' })).toHaveAttribute('aria-checked', 'true');
  // Usable at 1280×720: the controls, the diagram and the narration are on screen, no sideways scroll.
  await page.getByRole('button', { name: 'Step forward' }).click();
  await page.getByRole('button', { name: 'Step forward' }).click();
  await expect(page.locator('svg.seq g.arrow')).toHaveCount(2);
  for (const sel of ['.controls', '.diagram-scroll', '[data-testid="narration"]']) {
    const b = (await page.locator(sel).boundingBox())!;
    expect(b.y + 20, sel).toBeLessThan(720);
    expect(b.height, sel).toBeGreaterThan(20);
  }
  await expect.poll(() => smallestLabelPx(page)).toBeGreaterThanOrEqual(16);
  await noSidewaysScroll(page);
  await shot(page, info, 'teach-08-present-1280');
  await toggle.click();
  await expect.poll(() => page.url()).not.toContain('present=1');
  await expect(page.locator('#details')).toBeVisible();
});

test('stepping does not move the diagram: the narration and the summary line keep their height through a run', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 860 });
  for (const q of ['v=1.2', 'v=1.3&mutual=1&hrr=1']) {
    await page.goto(`/?seed=steady&${q}`);
    await waitForRun(page);
    await page.keyboard.press('Home');
    const { total } = await stepCount(page);
    const tops = new Set<number>();
    const rtt = page.getByTestId('rtt');
    for (let step = 1; step <= total; step++) {
      if (step > 1) await page.keyboard.press('ArrowRight');
      await expect(page.getByTestId('narration')).toHaveAttribute('data-step', String(step - 1));
      tops.add(await page.locator('.diagram-scroll').evaluate((el) => Math.round(el.getBoundingClientRect().top)));
      // The line's room for the run's last badges is not a badge on screen: the round trips are
      // counted once the handshake is complete, not before.
      if (step === 1) await expect(rtt).toHaveCount(0);
    }
    await expect(rtt).toHaveCount(1);
    expect([...tops], q).toHaveLength(1);
  }
});

test('a 390 px phone: stacked (diagram, narration, details), no sideways scroll; 4K works too', async ({ page }, info) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/?seed=teach-phone&v=1.3');
  await waitForRun(page);
  await page.keyboard.press('End');
  await page.getByRole('button', { name: /^ServerHello, server to client/ }).click();
  await noSidewaysScroll(page);
  const diagram = (await page.locator('.diagram').boundingBox())!;
  const narration = (await page.getByTestId('narration').boundingBox())!;
  const details = (await page.locator('#details').boundingBox())!;
  expect(narration.y).toBeGreaterThanOrEqual(diagram.y + diagram.height - 1);
  expect(details.y).toBeGreaterThanOrEqual(narration.y + narration.height - 1);
  for (const b of [diagram, narration, details]) expect(b.x + b.width).toBeLessThanOrEqual(391);
  await shot(page, info, 'teach-09-phone-top');
  await page.locator('#details').scrollIntoViewIfNeeded();
  await noSidewaysScroll(page);
  await shot(page, info, 'teach-10-phone-details');
  await page.setViewportSize({ width: 3840, height: 2160 });
  await noSidewaysScroll(page);
  await page.getByRole('switch', { name: 'Presentation' }).click();
  await expect.poll(() => smallestLabelPx(page)).toBeGreaterThanOrEqual(40);
  await noSidewaysScroll(page);
  await shot(page, info, 'teach-11-present-4k');
});

test('exports the diagram as a valid SVG with every arrow, and as a PNG', async ({ page }, info) => {
  await page.goto('/?seed=teach-export&v=1.3&mutual=1');
  await waitForRun(page);
  await page.keyboard.press('End');
  const names = await page.locator('svg.seq g.arrow').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
  const { total } = await stepCount(page);
  expect(names).toHaveLength(total);
  const [svgDownload] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'SVG' }).click()]);
  expect(svgDownload.suggestedFilename()).toMatch(/^tlslab-tls13-teach-export-step\d+\.svg$/);
  const path = info.outputPath('diagram.svg');
  await svgDownload.saveAs(path);
  const text = (await import('node:fs')).readFileSync(path, 'utf8');
  expect(text.startsWith('<?xml')).toBe(true);
  // A well-formed SVG document whose arrows are exactly the arrows on screen, in order.
  const parsed = await page.evaluate((src) => {
    const doc = new DOMParser().parseFromString(src, 'image/svg+xml');
    return {
      error: doc.querySelector('parsererror')?.textContent ?? null,
      root: doc.documentElement.namespaceURI + ' ' + doc.documentElement.localName,
      arrows: [...doc.querySelectorAll('g[data-arrow]')].map((g) => g.getAttribute('data-name')),
      titles: doc.querySelectorAll('g[data-arrow] > title').length,
      labels: [...doc.querySelectorAll('g[data-arrow] text')].map((t) => t.textContent).join(' | '),
      styled: [...doc.querySelectorAll('g[data-arrow] line')].every((l) => /stroke:/.test(l.getAttribute('style') ?? '')),
      vars: /var\(--/.test(src),
    };
  }, text);
  expect(parsed.error).toBeNull();
  expect(parsed.root).toBe('http://www.w3.org/2000/svg svg');
  expect(parsed.arrows).toEqual(names);
  expect(parsed.titles).toBe(names.length);
  expect(parsed.labels).toContain('CertificateRequest');
  expect(parsed.styled).toBe(true);
  expect(parsed.vars).toBe(false);
  // The exported file, opened as an image in the browser, looks like the diagram.
  await page.setContent(`<body style="margin:0">${text.replace(/^<\?xml[^>]*>/, '')}</body>`);
  await shot(page, info, 'teach-12-exported-svg');
  await page.goto('/?seed=teach-export&v=1.3&mutual=1');
  await waitForRun(page);
  await page.keyboard.press('End');
  const [pngDownload] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'PNG' }).click()]);
  const png = info.outputPath('diagram.png');
  await pngDownload.saveAs(png);
  const bytes = (await import('node:fs')).readFileSync(png);
  expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  // IHDR: twice the diagram's width.
  const width = bytes.readUInt32BE(16);
  const svgWidth = await page.locator('.diagram-scroll svg.seq').evaluate((s) => (s as SVGSVGElement).width.baseVal.value);
  expect(width).toBe(Math.ceil(svgWidth * 2));
});

test('compute it yourself: the commands shown, run here, print the values on screen', async ({ page }, info) => {
  const { execFileSync } = await import('node:child_process');
  const { mkdtempSync } = await import('node:fs');
  const dir = mkdtempSync(`${(await import('node:os')).tmpdir()}/tlslab-e2e-`);
  const sh = (cmd: string) => execFileSync('sh', ['-c', cmd], { encoding: 'utf8', cwd: dir }).trim();
  await page.goto('/?seed=teach-compute&v=1.3');
  await waitForRun(page);
  await page.keyboard.press('End');
  await page.getByRole('tab', { name: 'Keys' }).click();
  const card = page.locator('article.secret[data-secret="client_handshake_traffic_secret"]');
  await card.getByText('Compute it yourself').click();
  const value = (await card.getByTestId('secret-value').textContent())!.trim();
  for (const tool of ['node', 'python', 'openssl']) {
    const cmd = (await card.locator(`.recipe[data-tool="${tool}"] pre.cmd`).textContent())!;
    expect(sh(cmd), tool).toBe(value);
  }
  await card.scrollIntoViewIfNeeded();
  await shot(page, info, 'teach-13-compute-secret');
  // A decrypted record and its nonce, from the inspector.
  await page.getByRole('button', { name: /Finished, server to client, encrypted/ }).click();
  const inspector = page.getByTestId('inspector');
  const computes = inspector.getByTestId('compute-it');
  await computes.first().getByText('Compute it yourself').click();
  await computes.nth(1).getByText('Compute it yourself').click();
  const nonce = (await inspector.locator('table[aria-label="Nonce computation"] tr.result td').textContent())!.replace(/\s+/g, '');
  expect(sh((await computes.first().locator('.recipe[data-tool="node"] pre.cmd').textContent())!)).toBe(nonce);
  const plain = (await inspector.locator('.hex[data-space="plaintext"] .cells').allTextContents()).join(' ').replace(/\s+/g, '');
  // The hex view draws the rows in view; the decrypted record begins with them and ends with
  // the inner content type (handshake, 0x16).
  const opened = sh((await computes.nth(1).locator('.recipe[data-tool="node"] pre.cmd').textContent())!);
  expect(plain.length).toBeGreaterThan(64);
  expect(opened.startsWith(plain)).toBe(true);
  expect(opened.endsWith('16')).toBe(true);
  await computes.nth(1).scrollIntoViewIfNeeded();
  await shot(page, info, 'teach-14-compute-record');
});

test('the certificate as an ASN.1 tree beside its hex, each part linked to the checks that used it', async ({ page }, info) => {
  await page.goto('/?seed=teach-asn1&v=1.3&fault=expired-certificate');
  await waitForRun(page);
  await page.keyboard.press('End');
  await page.getByRole('button', { name: /EncryptedExtensions, Certificate, CertificateVerify, Finished, server to client/ }).click();
  const view = page.getByTestId('certificate-bytes');
  await view.scrollIntoViewIfNeeded();
  const tree = view.getByRole('tree', { name: 'Certificate ASN.1 fields' });
  for (const l of ['tbsCertificate', 'issuer', 'validity', 'subjectPublicKeyInfo', 'extensions', 'signatureValue'])
    await expect(tree.locator(`li[data-label="${l}"]`)).toHaveCount(1);
  await tree.locator('li[data-label="notAfter"]').hover();
  // The hovered part lights up its bytes in the DER hex view and says which check used it.
  const hex = view.locator('.hex[data-space="certificate"]');
  await expect(hex).toHaveAttribute('data-hl-bytes', /^(1[3-9])$/);
  const explain = view.getByTestId('field-explanation');
  await expect(explain).toContainText('The end of the validity period');
  await expect(explain.getByTestId('field-checks')).toContainText('✗ Valid at');
  await shot(page, info, 'teach-15-asn1');
  await view.getByRole('button', { name: 'chain[1]' }).click();
  await tree.locator('li[data-label="subject"]').hover();
  await expect(explain).toContainText('TLS Lab Demo Intermediate CA');
});

test('Time: the run with time going down, and time to first byte for 1.2, 1.3, resumption and 0-RTT', async ({ page }, info) => {
  await page.goto('/?seed=teach-time&v=1.3');
  await waitForRun(page);
  await page.keyboard.press('End');
  await page.getByRole('tab', { name: 'Time' }).click();
  const panel = page.getByTestId('time-panel');
  await panel.getByLabel('Round-trip time').selectOption('300');
  await expect(panel.getByTestId('time-summary')).toContainText('request leaves at 300 ms (1 RTT)');
  await expect(panel.getByTestId('time-summary')).toContainText('arrives at 600 ms (2 RTT)');
  const table = panel.getByTestId('ttfb-table');
  await expect(table.locator('tr[data-row="tls12"] td').nth(1)).toHaveText('900 ms (3 RTT)');
  await expect(table.locator('tr[data-row="tls13"] td').nth(1)).toHaveText('600 ms (2 RTT)');
  await expect(table.locator('tr[data-row="resume"] td').nth(0)).toHaveText('300 ms (1 RTT)');
  await expect(table.locator('tr[data-row="zero"] td').nth(0)).toHaveText('0 ms (0 RTT)');
  await expect(panel.getByTestId('ttfb-note')).toContainText('TLS 1.3 sends the request 1 RTT sooner');
  // The drawing: every record arrives RTT/2 after it leaves.
  const arrows = panel.locator('svg.time-diagram g.t-arrow');
  expect(await arrows.count()).toBeGreaterThan(4);
  for (const g of await arrows.all()) expect(Number(await g.getAttribute('data-arrive')) - Number(await g.getAttribute('data-depart'))).toBe(0.5);
  await shot(page, info, 'teach-16-time');
  // Side by side with the other version, same seed: TLS 1.2's response comes a round trip later.
  const compare = panel.getByTestId('compare');
  await expect(compare.getByTestId('compare-other')).toContainText('TLS 1.2');
  await expect(compare.getByTestId('compare-other')).toContainText('First byte at 900 ms.');
  await compare.getByLabel('Compare with').selectOption('hrr');
  await expect(compare.getByTestId('compare-other')).toContainText('HelloRetryRequest');
  await expect(compare.getByTestId('compare-other')).toContainText('First byte at 900 ms.');
  await compare.scrollIntoViewIfNeeded();
  await shot(page, info, 'teach-17-compare');
});
