// The app's screenshot: headless Debian Chromium driven by playwright-core (nothing is downloaded),
// one browser per shot, always closed. Navigation has a deadline; a single-page app gets a settle
// phase (network idle, capped); a blank frame is retaken once.
import { chromium, type Page } from 'playwright-core';
import { BLANK_VARIANCE, pngStats } from './png.js';

export const VIEWPORT = { width: 1280, height: 800 } as const;

export interface ScreenshotOptions {
  /** The Chromium executable (Debian's `chromium`). */
  readonly executablePath: string;
  readonly url: string;
  readonly navigationTimeoutMs: number;
  /** At most this long for the network to go idle after the page loaded. */
  readonly settleMs: number;
  /** The recipe's SCREENSHOT hook: shows more than the landing page before the shot. */
  readonly show?: (page: Page) => Promise<void>;
  readonly signal: AbortSignal;
}

export interface Screenshot {
  readonly png: Buffer;
  /** Still one colour after the retake: nothing the app drew. */
  readonly blank: boolean;
}

const RETAKE_AFTER_MS = 1_000;

export async function captureScreenshot(options: ScreenshotOptions): Promise<Screenshot> {
  options.signal.throwIfAborted();
  const browser = await chromium.launch({
    executablePath: options.executablePath,
    headless: true,
    // root in a container has no user namespace for the sandbox; /dev/shm may be tiny
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
    timeout: options.navigationTimeoutMs,
  });
  // one close, awaited by whoever gets there last: an abort starts it, the finally waits for it
  let closing: Promise<void> | undefined;
  const close = () => (closing ??= browser.close());
  const onAbort = () => void close();
  options.signal.addEventListener('abort', onAbort, { once: true });
  try {
    const page = await browser.newPage({ viewport: VIEWPORT, ignoreHTTPSErrors: true });
    page.setDefaultTimeout(options.navigationTimeoutMs);
    await page.goto(options.url, { waitUntil: 'load', timeout: options.navigationTimeoutMs });
    // a single-page app keeps fetching after load; a page that never goes quiet is shot as it is
    await page.waitForLoadState('networkidle', { timeout: options.settleMs }).catch(() => undefined);
    if (options.show !== undefined) await options.show(page);
    let png = await page.screenshot({ type: 'png' });
    let blank = pngStats(png).variance < BLANK_VARIANCE;
    if (blank) {
      await page.waitForTimeout(RETAKE_AFTER_MS);
      png = await page.screenshot({ type: 'png' });
      blank = pngStats(png).variance < BLANK_VARIANCE;
    }
    options.signal.throwIfAborted();
    return { png, blank };
  } catch (error) {
    options.signal.throwIfAborted();
    throw error;
  } finally {
    options.signal.removeEventListener('abort', onAbort);
    await close();
  }
}
