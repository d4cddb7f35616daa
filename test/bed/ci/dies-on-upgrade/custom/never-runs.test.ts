// cc-ci custom test for the `dies-on-upgrade` fixture: the upgrade finds the app dead, so the functional
// tier must not run; if it does, this fails.
import { test } from 'node:test';

test('not reached: the upgrade found the app dead', () => {
  throw new Error('the functional tier ran although the upgrade found the app dead');
});
