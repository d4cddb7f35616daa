// preInstall of the `stray-hook` fixture: a hook that forgets to await, so its rejection is unhandled.
import type { HookContext } from 'cc-ci/recipe';

export function preInstall(ctx: HookContext): void {
  // deliberately not awaited: `false` exits 1, so this promise rejects after the hook has returned
  void ctx.exec('app', ['false']).then(() => undefined);
}
