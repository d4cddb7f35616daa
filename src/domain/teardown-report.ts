// What teardown reports: the vocabulary the teardown, the janitor's reap and results.json share.
import * as z from 'zod';

export const TeardownError = z.strictObject({
  domain: z.string(),
  step: z
    .enum(['undeploy', 'remove', 'env-file', 'crash'])
    .describe('undeploy / remove: abra failed; env-file: abra left the env file (cc-ci removed it); crash: the teardown itself failed'),
  message: z.string(),
});
export type TeardownError = z.infer<typeof TeardownError>;

export const TeardownReport = z.strictObject({
  ran: z.boolean(),
  complete: z
    .boolean()
    .describe('Every step of the teardown ran to its end; false when it crashed (it then cannot vouch that nothing is left)'),
  leftovers: z.array(z.string()).describe('Swarm objects or files of the domain still present after teardown'),
  errors: z
    .array(TeardownError)
    .describe(
      'What did not go cleanly, for the app and each dependency; a step that failed but left nothing behind keeps cleanTeardown true',
    ),
});
export type TeardownReport = z.infer<typeof TeardownReport>;
