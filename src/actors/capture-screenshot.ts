// The screenshot stage: the app's landing page (or what its SCREENSHOT hook shows) in headless
// Chromium, after the base deploy is ready and before any tier changes the app. Best effort: any
// failure is returned as the reason there is no screenshot; only an abort is thrown on.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fromPromise } from 'xstate';
import { SCREENSHOT_FILE } from '../domain/run-paths.js';
import type { DependencyRecord, PreparedFacts, ScreenshotFacts } from '../domain/run-types.js';
import { captureScreenshot } from '../io/browser.js';
import { pathExists } from '../io/fs.js';
import { appTarget } from '../run/app-target.js';
import { callHook, makeHookContext } from '../run/hook-calls.js';
import { stageSignal, type RunWorld } from '../run/run-world.js';

/** What this actor touches of the run's world. */
export type ScreenshotWorld = Pick<RunWorld, 'config' | 'identity' | 'paths' | 'log' | 'docker' | 'loaded' | 'opState' | 'stopping'>;

export interface ScreenshotInput {
  readonly prepared: PreparedFacts;
  readonly baseUrl: string;
  readonly readyDependencies: readonly DependencyRecord[];
}

const NAVIGATION_TIMEOUT_MS = 30_000;
const SETTLE_MS = 5_000;

export async function screenshotApp(world: ScreenshotWorld, input: ScreenshotInput, signal: AbortSignal): Promise<ScreenshotFacts> {
  const executablePath = world.config.chromium;
  if (!(await pathExists(executablePath))) return { problem: `no Chromium at ${executablePath} (chromium in the configuration)` };
  const target = appTarget(world, input.prepared, input.readyDependencies);
  const hook = target.meta.SCREENSHOT;
  try {
    const shot = await captureScreenshot({
      executablePath,
      url: input.baseUrl,
      navigationTimeoutMs: NAVIGATION_TIMEOUT_MS,
      settleMs: SETTLE_MS,
      show:
        hook === undefined
          ? undefined
          : async (page) => {
              const ctx = await makeHookContext(world, target, 'install', input.baseUrl, signal);
              await callHook('SCREENSHOT', () => hook(page, ctx), signal);
            },
      signal,
    });
    if (shot.blank) return { problem: `${input.baseUrl} stayed blank (one colour) after a retake` };
    await writeFile(join(world.paths.runDir, SCREENSHOT_FILE), shot.png);
    return { file: SCREENSHOT_FILE };
  } catch (error) {
    if (signal.aborted) throw error;
    const problem = `no screenshot of ${input.baseUrl}: ${(error as Error).message.split('\n')[0]}`;
    world.log.warn({ err: error }, problem);
    return { problem };
  }
}

export function makeCaptureScreenshot(world: ScreenshotWorld) {
  return fromPromise<ScreenshotFacts, ScreenshotInput>(({ input, signal }) => screenshotApp(world, input, stageSignal(world, signal)));
}
