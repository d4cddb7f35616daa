// callHook: a recipe hook's value, its failure as HookError, and cancellation that does not wait for a hung hook.
import test from 'ava';
import { callHook, HookError } from '../../../src/run/hook-calls.js';

test('returns the value of a synchronous hook', async (t) => {
  t.deepEqual(await callHook('EXTRA_ENV', () => ({ A: 'b' }), new AbortController().signal), { A: 'b' });
});

test('returns the value of an asynchronous hook', async (t) => {
  t.is(await callHook('BACKUP_VERIFY', async () => true, new AbortController().signal), true);
});

test('a hook that throws becomes a HookError "<name> failed: <message>" with the original as cause', async (t) => {
  const original = new Error('database not reachable');
  const error = await t.throwsAsync(
    callHook(
      'preInstall',
      () => {
        throw original;
      },
      new AbortController().signal,
    ),
    { instanceOf: HookError },
  );
  t.is(error.message, 'preInstall failed: database not reachable');
  t.is(error.name, 'HookError');
  t.is(error.hookName, 'preInstall');
  t.is(error.cause, original);
});

test('a hook that rejects with a non-Error is described by its string form', async (t) => {
  const error = await t.throwsAsync(
    callHook('preBackup', () => Promise.reject('no space left'), new AbortController().signal),
    { instanceOf: HookError },
  );
  t.is(error.message, 'preBackup failed: no space left');
});

test("aborting while a hook never settles rejects with the signal's reason", async (t) => {
  const controller = new AbortController();
  const reason = new Error('run cancelled');
  let called!: () => void;
  const hookStarted = new Promise<void>((resolve) => {
    called = resolve;
  });
  const pending = callHook(
    'READY_PROBE',
    () => {
      called();
      return new Promise<never>(() => undefined);
    },
    controller.signal,
  );
  await hookStarted;
  controller.abort(reason);
  const error = await t.throwsAsync(pending);
  t.is(error, reason);
});

test('a hook that fails after the abort still rejects with the abort reason, not a HookError', async (t) => {
  const controller = new AbortController();
  const reason = new Error('tier timed out');
  const hook = () => {
    controller.abort(reason);
    throw new Error('interrupted');
  };
  const error = await t.throwsAsync(callHook('preRestore', hook, controller.signal));
  t.is(error, reason);
});

test('a signal aborted beforehand rejects at once without calling the hook', async (t) => {
  const controller = new AbortController();
  const reason = new Error('already cancelled');
  controller.abort(reason);
  let calls = 0;
  const error = await t.throwsAsync(
    callHook(
      'preInstall',
      () => {
        calls++;
      },
      controller.signal,
    ),
  );
  t.is(error, reason);
  t.is(calls, 0);
});
