// deadline(): a time budget on a parent signal. It must fire even when garbage collection runs while
// nothing but an event listener refers to it (AbortSignal.any over AbortSignal.timeout does not).
import test from 'ava';
import { execa } from 'execa';
import { fileURLToPath } from 'node:url';
import { deadline } from '../../../src/io/deadline.js';

const DEADLINE_MODULE = fileURLToPath(new URL('../../../src/io/deadline.ts', import.meta.url));

test('the budget ends the signal and says so', async (t) => {
  const budget = deadline(new AbortController().signal, 10);
  await new Promise((resolve) => budget.signal.addEventListener('abort', resolve, { once: true }));
  t.true(budget.expired());
  t.is((budget.signal.reason as DOMException).name, 'TimeoutError');
  budget.dispose();
});

test("the parent aborting ends the signal with the parent's reason, and that is not expiry", (t) => {
  const parent = new AbortController();
  const budget = deadline(parent.signal, 60_000);
  const reason = new Error('cancelled');
  parent.abort(reason);
  t.true(budget.signal.aborted);
  t.is(budget.signal.reason, reason);
  t.false(budget.expired());
  budget.dispose();
});

test('an already aborted parent gives an aborted signal', (t) => {
  const parent = new AbortController();
  parent.abort(new Error('gone'));
  const budget = deadline(parent.signal, 60_000);
  t.true(budget.signal.aborted);
  budget.dispose();
});

test('after dispose neither the timer nor the parent reach the signal', async (t) => {
  const parent = new AbortController();
  const budget = deadline(parent.signal, 5);
  budget.dispose();
  parent.abort(new Error('late'));
  await new Promise((resolve) => setTimeout(resolve, 30));
  t.false(budget.signal.aborted);
  t.false(budget.expired());
});

test('it fires although garbage collection runs while only a listener refers to it', async (t) => {
  const script = `
    const { deadline } = await import(${JSON.stringify(DEADLINE_MODULE)});
    const parent = new AbortController();
    const fired = new Promise((resolve) => {
      deadline(parent.signal, 200).signal.addEventListener('abort', () => resolve('fired'), { once: true });
    });
    for (let i = 0; i < 5; i++) { globalThis.gc(); await new Promise((r) => setTimeout(r, 50)); }
    const outcome = await Promise.race([fired, new Promise((r) => setTimeout(() => r('never fired'), 2000))]);
    console.log(outcome);
  `;
  const child = await execa(process.execPath, ['--expose-gc', '--import', 'tsx', '--input-type=module', '-e', script]);
  t.is(child.stdout.trim(), 'fired');
});
