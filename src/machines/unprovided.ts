// Typed placeholders for actors a machine declares but does not implement; wiring provides them.
import { fromCallback, fromPromise, type EventObject } from 'xstate';

export function unprovidedPromise<TOutput, TInput>(name: string) {
  return fromPromise<TOutput, TInput>(async () => {
    throw new Error(`actor "${name}" was not provided; pass it with machine.provide({ actors: { ${name} } })`);
  });
}

export function unprovidedCallback<TEvent extends EventObject, TInput>(name: string) {
  return fromCallback<TEvent, TInput>(() => {
    throw new Error(`actor "${name}" was not provided; pass it with machine.provide({ actors: { ${name} } })`);
  });
}
