// captureScreenshot in real headless Chromium (Debian's, through playwright-core) against real
// loopback HTTP servers: a page is shot at 1280×800 and is not blank; a page that never answers fails
// at the navigation deadline; a blank page is retaken and reported blank; the SCREENSHOT hook acts on
// the page first; an abort ends the shot, and no Chromium is left running after any of them.
import test from 'ava';
import { execa } from 'execa';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { captureScreenshot, VIEWPORT } from '../../../src/io/browser.js';
import { BLANK_VARIANCE, pngStats } from '../../../src/io/png.js';

const CHROMIUM = '/usr/bin/chromium';

async function serving(handler: Parameters<typeof createServer>[1]): Promise<{ url: string; server: Server }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server };
}

const page = (body: string) => (_: unknown, response: import('node:http').ServerResponse) => {
  response.setHeader('content-type', 'text/html; charset=utf-8');
  response.end(`<!doctype html><html><body>${body}</body></html>`);
};

async function chromiumProcesses(): Promise<number> {
  const { stdout } = await execa('pgrep', ['-c', '-f', `${CHROMIUM}|chromium/chromium`], { reject: false });
  return Number(stdout.trim() || 0);
}

const shot = (url: string, extra: Partial<Parameters<typeof captureScreenshot>[0]> = {}) =>
  captureScreenshot({
    executablePath: CHROMIUM,
    url,
    navigationTimeoutMs: 10_000,
    settleMs: 2_000,
    signal: new AbortController().signal,
    ...extra,
  });

test.serial('a page is shot at 1280×800, and it is not blank', async (t) => {
  const { url, server } = await serving(page('<h1 style="font-size:64px;color:#c00">web</h1><p>a test page</p>'));
  t.teardown(() => server.close());
  const { png, blank } = await shot(url);
  const stats = pngStats(png);
  t.false(blank);
  t.deepEqual([stats.width, stats.height], [VIEWPORT.width, VIEWPORT.height]);
  t.true(stats.variance > BLANK_VARIANCE * 10, String(stats.variance));
  t.is(await chromiumProcesses(), 0, 'the browser is closed');
});

test.serial('a page that never answers fails at the navigation deadline', async (t) => {
  const { url, server } = await serving(() => undefined);
  t.teardown(() => {
    server.closeAllConnections();
    server.close();
  });
  const started = Date.now();
  const error = await t.throwsAsync(shot(url, { navigationTimeoutMs: 2_000 }));
  t.regex(error.message, /Timeout 2000ms exceeded/);
  t.true(Date.now() - started < 15_000);
  t.is(await chromiumProcesses(), 0);
});

test.serial('a page that stays one colour is retaken once and reported blank', async (t) => {
  const { url, server } = await serving(page(''));
  t.teardown(() => server.close());
  const { png, blank } = await shot(url);
  t.true(blank);
  t.true(pngStats(png).variance < BLANK_VARIANCE);
});

test.serial('the SCREENSHOT hook acts on the page before the shot', async (t) => {
  const { url, server } = await serving(page('<button id="b" onclick="document.body.style.background=\'#000\'">dark</button>'));
  t.teardown(() => server.close());
  const { png } = await shot(url, { show: async (tab) => tab.click('#b') });
  // the page turned black: the mean is dark, whatever the button
  const { variance } = pngStats(png);
  t.true(variance < 200, String(variance));
});

test.serial('an abort ends the shot with its reason, and the browser is closed', async (t) => {
  const { url, server } = await serving(() => undefined);
  t.teardown(() => {
    server.closeAllConnections();
    server.close();
  });
  const controller = new AbortController();
  setTimeout(() => controller.abort(new Error('sigterm')), 1_500);
  const error = await t.throwsAsync(shot(url, { navigationTimeoutMs: 20_000, signal: controller.signal }));
  t.is(error.message, 'sigterm');
  t.is(await chromiumProcesses(), 0);
});
