// End to end on the test bed: the app's screenshot is taken after the base deploy is ready, in real
// headless Chromium, and is not blank; the summary card embeds it. Without Chromium the run records
// why it has no screenshot, and its verdict and level are what the tiers say.
import test from 'ava';
import { execa } from 'execa';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { BLANK_VARIANCE, pngStats } from '../../src/io/png.js';
import { renderPng } from '../../src/io/render-png.js';
import { summaryCardSvg } from '../../src/results/summary-card.js';
import { Results } from '../../src/results/schema.js';
import { bedConfigFile, ccciBin, fixture } from '../helpers/test-bed.js';

async function runWeb(config: Record<string, unknown>): Promise<{ results: Results; runDir: string; output: string }> {
  const runsDir = await mkdtemp(join(tmpdir(), 'ccci-e2e-screenshot-'));
  const configFile = join(runsDir, '..', `${runsDir.split('/').at(-1)}.json`);
  await writeFile(configFile, JSON.stringify({ ...JSON.parse(await readFile(bedConfigFile, 'utf8')), ...config, runsDir }));
  const run = await execa(ccciBin, ['run', fixture('web'), '--ref', 'pr/1', '--pr', '1', '--config', configFile], {
    reject: false,
    all: true,
  });
  const [runId] = await readdir(runsDir);
  const runDir = join(runsDir, runId!);
  return { results: Results.parse(JSON.parse(await readFile(join(runDir, 'results.json'), 'utf8'))), runDir, output: run.all };
}

test.serial('the screenshot of the web app is taken, is 1280×800 and not blank, and the card shows it', async (t) => {
  const { results, runDir, output } = await runWeb({});
  t.is(results.verdict, 'success', output);
  t.is(results.artifacts.screenshot, 'screenshot.png');
  t.deepEqual(results.artifacts.problems, []);
  const stats = pngStats(await readFile(join(runDir, 'screenshot.png')));
  t.deepEqual([stats.width, stats.height], [1280, 800]);
  t.true(stats.variance > BLANK_VARIANCE * 10, `pixel variance ${stats.variance}`);
  t.regex(output, /^ {2}screenshot +\d+\.\ds {2}saved screenshot\.png$/m);
  // the card embeds the picture: where the placeholder would be, the pixels differ from a card without it
  const card = PNG.sync.read(await readFile(join(runDir, 'card.png')));
  const placeholder = PNG.sync.read(renderPng(summaryCardSvg({ ...results, artifacts: { ...results.artifacts, screenshot: null } })));
  let differing = 0;
  for (let y = 140; y < 255; y++)
    for (let x = 570; x < 760; x++) {
      const at = (y * card.width + x) * 4;
      if (Math.abs(card.data[at]! - placeholder.data[at]!) > 8) differing++;
    }
  t.true(differing > 500, `${differing} pixels of the picture area differ from the placeholder`);
});

test.serial('without Chromium the run says why it has no screenshot, and its verdict stands', async (t) => {
  const { results, output } = await runWeb({ chromium: '/nonexistent/chromium' });
  t.is(results.verdict, 'success', output);
  t.is(results.level, 5);
  t.is(results.artifacts.screenshot, null);
  t.deepEqual(results.artifacts.problems, ['no Chromium at /nonexistent/chromium (chromium in the configuration)']);
  t.is(results.artifacts.card, 'card.png', 'the card is made without the picture');
  t.regex(output, /^ {2}screenshot +\d+\.\ds {2}none: no Chromium at \/nonexistent\/chromium/m);
});
