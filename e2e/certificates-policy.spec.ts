/**
 * The Certificates tab's policy selector, checks grouped by certificate, and the CRL box: a
 * person flips the policy (the run and the paste are judged again, and the other policy's view
 * is shown), loads the Revoked sample with its CRL, checks it and uses it in the handshake.
 */
import { readFileSync } from 'node:fs';
import { expect, test, type Locator } from '@playwright/test';
import { arrowNames, shot, waitForRun } from './helpers';

/** The number of checks the comparison line says change, and the rows marked ⇄ agree. */
async function expectMarksMatchComparison(report: Locator): Promise<void> {
  const line = report.getByTestId('policy-compare');
  await expect(line).toContainText(/the same chain (passes|fails)/);
  const text = (await line.textContent()) ?? '';
  const marked = await report.locator('tr[data-differs="true"]').count();
  const count = (re: RegExp) => Number(re.exec(text)?.[1] ?? '0');
  if (/no check changes its outcome/.test(text)) expect(marked).toBe(0);
  else expect(marked).toBe(count(/(\d+) checks? changes? (its|their) outcome/) + count(/(\d+) checks? (is|are) made only under/));
}

test('policy selector, checks grouped by certificate, and a pasted CRL that revokes the leaf', async ({ page }, info) => {
  await page.goto('/?seed=e2e-policy&v=1.3');
  let run = await waitForRun(page);
  await page.keyboard.press('End');
  await page.getByRole('tab', { name: 'Certificates' }).click();

  // The run's report: the policy asked for, one group per certificate of the path, and the other policy's view.
  const policyBar = page.getByRole('region', { name: 'Verification policy' });
  await expect(policyBar.getByRole('radio', { name: 'webpki' })).toBeChecked();
  const report = page.getByRole('region', { name: /Client's check of the server/ });
  await expect(report.getByTestId('report-policy')).toContainText('webpki');
  const groups = report.getByTestId('cert-group');
  await expect(groups).toHaveCount(3); // leaf, intermediate, trust anchor of the demo PKI
  await expect(groups.nth(0)).toHaveAttribute('data-cert', '0');
  await expect(groups.nth(0).locator('h4')).toContainText(/leaf/i);
  await expect(groups.nth(0).locator('h4')).toContainText('checks pass');
  await expect(groups.nth(2).locator('h4')).toContainText(/anchor/i);
  await expect(report.getByTestId('policy-compare')).toContainText('Under rfc5280 the same chain passes');
  await expectMarksMatchComparison(report);

  // Flip the policy: the URL keeps it, the handshake runs again, and the comparison is with webpki.
  await policyBar.getByText('rfc5280', { exact: true }).click();
  await expect(policyBar.getByRole('radio', { name: 'rfc5280' })).toBeChecked();
  run = await waitForRun(page, run);
  expect(page.url()).toContain('policy=rfc5280');
  await page.keyboard.press('End');
  await expect(report.getByTestId('report-policy')).toContainText('rfc5280');
  await expect(report.getByTestId('policy-compare')).toContainText('Under webpki the same chain');
  await expectMarksMatchComparison(report);
  await shot(page, info, 'policy-00-rfc5280');

  // The Revoked sample fills the chain, key, its root and its CRL.
  await page.getByRole('button', { name: 'Revoked (with its CRL)' }).click();
  const crlBox = page.getByLabel('CRLs (PEM, optional)');
  await expect(crlBox).toHaveValue(readFileSync('public/samples/revoked.crl', 'utf8'));
  await page.getByRole('region', { name: 'Paste a certificate' }).getByRole('button', { name: 'Check' }).click();
  const own = page.getByTestId('paste-inspection');
  await expect(own).toContainText('and 2 CRLs');
  await expect(own).toContainText('✗ rejected');
  await expect(own).toContainText('→ alert certificate_revoked');
  const leafGroup = own.getByTestId('cert-group').and(own.locator('[data-cert="0"]'));
  await expect(leafGroup.locator('h4')).toContainText('✗ 1 of');
  const revocation = leafGroup.locator('tr[data-check="revocation"]');
  await expect(revocation).toHaveClass(/fail/);
  await expect(revocation).toContainText('revoked on 2025-05-01T00:00:00Z, reason keyCompromise');
  await expect(leafGroup.locator('tr[data-check="crl"]')).toContainText('CRL usable');
  await expect(own.getByTestId('report-policy')).toContainText('rfc5280');
  await expectMarksMatchComparison(own);

  // Flipping the policy back re-checks the paste under webpki.
  await policyBar.getByText('webpki', { exact: true }).click();
  await expect(own.getByTestId('report-policy')).toContainText('webpki');
  await expect(own.getByTestId('policy-compare')).toContainText('Under rfc5280 the same chain fails');
  run = await waitForRun(page, run);

  // Used in the handshake, the client checks the chain against the CRL and sends certificate_revoked.
  await page.getByRole('button', { name: 'Use in the handshake' }).click();
  await waitForRun(page, run);
  await page.keyboard.press('End');
  await expect(report).toContainText('revoked on 2025-05-01T00:00:00Z, reason keyCompromise');
  await expect(report).toContainText('→ alert certificate_revoked');
  expect((await arrowNames(page)).some((n) => /^Alert: certificate_revoked, client to server/.test(n))).toBe(true);
  await report.evaluate((el) => el.scrollIntoView({ block: 'start' }));
  await shot(page, info, 'policy-01-run-revoked');
  await own.evaluate((el) => el.scrollIntoView({ block: 'start' }));
  await shot(page, info, 'policy-02-paste-revoked');

  // Something that is not a CRL gets a clear message; without a CRL the same chain passes.
  await crlBox.fill('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
  await page.getByRole('region', { name: 'Paste a certificate' }).getByRole('button', { name: 'Check' }).click();
  await expect(own.getByRole('alert')).toContainText('CRL box: block 1 (CERTIFICATE): this is a certificate, not a CRL');
  await crlBox.fill('');
  await page.getByRole('region', { name: 'Paste a certificate' }).getByRole('button', { name: 'Check' }).click();
  await expect(own).toContainText('Pasted chain (checked as the client would): ✓ valid');
  await expect(own.locator('tr[data-check="revocation"]')).toHaveCount(0);
});
