/**
 * Issue 12, "every control has a tooltip or a glossary entry": the settings that use a glossary
 * word carry its definition as their tooltip and as their accessible description.
 */
import { expect, test } from '@playwright/test';
import { waitForRun } from './helpers';

test('the glossary words on the settings bar are explained on the controls that use them', async ({ page }) => {
  await page.goto('/?seed=e2e-glossary&v=1.3&resume=1');
  await waitForRun(page);
  const settings = page.getByRole('form', { name: 'Run settings' });
  const cases = [
    [settings.getByRole('radio', { name: 'TLS 1.3' }), /^TLS 1\.2 \/ TLS 1\.3: The two versions of the protocol/],
    [settings.getByRole('switch', { name: 'Mutual TLS' }), /^Mutual TLS: The server also asks the client for a certificate/],
    [settings.getByRole('combobox', { name: /^Cipher suite/ }), /^Cipher suite: The named set of algorithms/],
    [settings.getByRole('combobox', { name: /^Group/ }), /^Key exchange group: The curve both sides use/],
    [settings.getByRole('checkbox', { name: 'HelloRetryRequest' }), /^HelloRetryRequest: The server’s answer when the client sent no key share/],
    [settings.getByRole('checkbox', { name: 'Resume (PSK)' }), /^PSK \(pre-shared key\): A secret both sides already have/],
    [settings.getByRole('checkbox', { name: '0-RTT data' }), /^0-RTT \(early data\): With a PSK, the client sends its request/],
    [settings.getByRole('combobox', { name: /^Server key/ }), /^Server key: The key pair behind the server’s certificate/],
    [settings.getByRole('textbox', { name: 'Server name' }), /^SNI \(server name\): The host name the client asks for/],
    [settings.getByRole('checkbox', { name: 'Send SNI' }), /^SNI \(server name\)/],
    [settings.getByRole('combobox', { name: /^Break something/ }), /^Break something: Makes one thing go wrong on purpose/],
    [settings.getByRole('textbox', { name: 'Seed' }), /^Seed: The value all of a run’s randomness comes from/],
    [settings.getByRole('textbox', { name: 'Clock' }), /Clock: The time the run happens at/],
  ] as const;
  for (const [control, text] of cases) {
    await expect(control).toHaveAccessibleDescription(text);
  }
  // The definitions behind the controls add no text to the page (a search for "0-RTT" finds what is shown).
  await expect(page.getByText(/^0-RTT \(early data\):/)).toHaveCount(0);
  // The tooltip says the same (a disabled control's tooltip says why it is disabled instead).
  await expect(settings.getByRole('checkbox', { name: 'HelloRetryRequest' })).toHaveAttribute('title', /^HelloRetryRequest: .*\(RFC 8446 §4\.1\.4\)$/);
  await expect(settings.getByRole('combobox', { name: /^Group/ }).locator('option[value="x25519"]')).toHaveAttribute('title', /^x25519: Diffie-Hellman on Curve25519/);
  await settings.getByRole('radio', { name: 'TLS 1.2' }).check({ force: true });
  await waitForRun(page, 0);
  await expect(settings.getByRole('checkbox', { name: 'Extended master secret' })).toHaveAccessibleDescription(
    /^Extended master secret: TLS 1\.2: the master secret is computed over the hash/,
  );
});
