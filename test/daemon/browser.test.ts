// The dashboard in real headless Chromium (Debian's, through playwright-core) over a real run of the
// test bed's web recipe triggered on the real Gitea: while the run goes, the run page's log tail and
// the machine view's highlight move without a reload; once it has finished, the overview, the recipe
// page, the run page and the badge show it. Each page is photographed into test-artifacts/pages/.
import test from 'ava';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { byMessage, daemonForTest, triggeredPulls } from '../helpers/daemon-harness.js';

const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/pages/', import.meta.url));

async function photograph(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${ARTIFACTS}${name}.png`, fullPage: true });
}

test('the live run page and machine view follow a run; the finished run shows on every page', async (t) => {
  t.timeout(8 * 60_000);
  await mkdir(ARTIFACTS, { recursive: true });
  const daemon = await daemonForTest(t, { repositories: ['recipes/web'] });
  const browser: Browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
  });
  t.teardown(() => browser.close());
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await triggeredPulls(t, 'web', 1);
  const runId = String((await daemon.waitForLog(byMessage('run starting'), 'the run starting')).runId);

  const machine = await context.newPage();
  const run = await context.newPage();
  await Promise.all([machine.goto(`${daemon.url}/runs/${runId}/machine`), run.goto(`${daemon.url}/runs/${runId}`)]);
  t.true((await machine.content()).includes('The run is going'));
  // the highlight moves to the screenshot stage and on, and rows are added, while the page stays loaded
  await machine.waitForSelector(
    'li.active[data-path="testing.app.holdingDomain.capturingScreenshot"], li.active[data-path="testing.app.holdingDomain.installing"]',
    { timeout: 3 * 60_000 },
  );
  const rowsMidway = await machine.locator('#transitions tr').count();
  const logMidway = (await run.locator('#log').textContent())?.split('\n').length ?? 0;
  await photograph(machine, 'machine-live');
  await photograph(run, 'run-live');
  await machine.waitForSelector('li.active[data-path="testing.app.holdingDomain.tearingDown"]', { timeout: 3 * 60_000 });
  t.true((await machine.locator('#transitions tr').count()) > rowsMidway, 'transitions were added live');
  t.true(((await run.locator('#log').textContent())?.split('\n').length ?? 0) > logMidway, 'log lines were added live');
  await machine.waitForSelector('li.active[data-path="finished"]', { timeout: 3 * 60_000 });
  await photograph(machine, 'machine-finished');

  // the run page reloads itself at the end: it then shows the result
  await run.waitForSelector('text=Result: level 5', { timeout: 60_000 });
  await photograph(run, 'run-finished');
  t.is(await run.locator('a[href$="/card.png"]').count(), 1);

  const overview = await context.newPage();
  await overview.goto(`${daemon.url}/`);
  const badge = overview.locator('img[src="/badge/web.svg"]');
  await badge.waitFor();
  t.true(await badge.evaluate((image: HTMLImageElement) => image.complete && image.naturalWidth > 0), 'the badge image loaded');
  t.is(await badge.getAttribute('alt'), 'L5');
  await photograph(overview, 'overview');

  const recipe = await context.newPage();
  await recipe.goto(`${daemon.url}/recipes/web`);
  t.true((await recipe.content()).includes(`<a href="/runs/${runId}">${runId}</a>`));

  // the images as such (a browser tab showing one PNG or SVG is no page to photograph)
  const badgePage = await context.newPage();
  await badgePage.goto(`${daemon.url}/badge/web.svg`);
  t.true((await badgePage.content()).includes('web L5'));
  const card = await fetch(`${daemon.url}/runs/${runId}/card.png`);
  t.is(card.headers.get('content-type'), 'image/png');
  await card.arrayBuffer();
  await photograph(recipe, 'recipe');
  t.log(`page screenshots: ${ARTIFACTS}`);
});
