/** Shared steps for the e2e tests: wait for a run, read the arrows, take a screenshot. */
import { expect, type Page, type TestInfo } from '@playwright/test';

/** Waits until a run newer than `afterRunId` has finished; returns its id. */
export async function waitForRun(page: Page, afterRunId = 0): Promise<number> {
  const status = page.getByTestId('run-status');
  await expect
    .poll(async () => {
      const id = Number(await status.getAttribute('data-run-id'));
      const st = await status.getAttribute('data-status');
      return id > afterRunId && (st === 'done' || st === 'error') ? st : 'waiting';
    })
    .not.toBe('waiting');
  return Number(await status.getAttribute('data-run-id'));
}

export async function currentRunId(page: Page): Promise<number> {
  return Number(await page.getByTestId('run-status').getAttribute('data-run-id'));
}

/** Accessible names of the arrows now drawn, in diagram order. */
export async function arrowNames(page: Page): Promise<string[]> {
  return page.locator('svg.seq g.arrow').evaluateAll((els) =>
    els
      .map((e) => ({ name: e.getAttribute('aria-label') ?? '', step: Number(e.getAttribute('data-step')) }))
      .sort((a, b) => a.step - b.step)
      .map((x) => x.name),
  );
}

export async function stepCount(page: Page): Promise<{ cursor: number; total: number }> {
  const text = (await page.getByTestId('step-count').textContent()) ?? '';
  const m = /Step (\d+) of (\d+)/.exec(text);
  if (!m) throw new Error(`no step count in "${text}"`);
  return { cursor: Number(m[1]), total: Number(m[2]) };
}

/** The narration's text once it tells the step the counter shows (it follows the diagram by a frame or two). */
export async function narrationText(page: Page): Promise<string> {
  const { cursor } = await stepCount(page);
  const narration = page.getByTestId('narration');
  await expect(narration).toHaveAttribute('data-step', String(cursor));
  return (await narration.textContent()) ?? '';
}

export async function shot(page: Page, info: TestInfo, name: string): Promise<void> {
  const path = info.outputPath(`${name}.png`);
  await page.screenshot({ path, fullPage: false });
}
