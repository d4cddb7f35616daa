// A time budget on top of a longer-lived abort signal (a tier inside a run).
//
// Not AbortSignal.any([parent, AbortSignal.timeout(ms)]): the composite holds its sources weakly and
// node keeps no strong reference to a timeout signal either, so garbage collection may drop the timeout
// before it fires and the budget silently never ends. A plain timer held here cannot be collected.

export interface Deadline {
  readonly signal: AbortSignal;
  /** True once the budget (not the parent) ended the signal. */
  readonly expired: () => boolean;
  /** Stops the timer and lets go of the parent; call when the budgeted work is over. */
  dispose(): void;
}

export function deadline(parent: AbortSignal, ms: number): Deadline {
  const controller = new AbortController();
  let expired = false;
  const onParentAbort = () => controller.abort(parent.reason);
  if (parent.aborted) controller.abort(parent.reason);
  else parent.addEventListener('abort', onParentAbort, { once: true });
  const timer = setTimeout(() => {
    expired = true;
    controller.abort(new DOMException(`budget of ${ms} ms used up`, 'TimeoutError'));
  }, ms);
  return {
    signal: controller.signal,
    expired: () => expired,
    dispose() {
      clearTimeout(timer);
      parent.removeEventListener('abort', onParentAbort);
    },
  };
}
