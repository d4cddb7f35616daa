// What tier tests (generic, overlays, functional) know about the run: the env contract plus one context file.
import * as z from 'zod';

export const TierContext = z.strictObject({
  runId: z.string(),
  recipe: z.string(),
  domain: z.string(),
  stack: z.string(),
  appService: z.string().describe('The swarm service named `app` by Co-op Cloud convention'),
  healthPath: z.string(),
  healthOk: z.array(z.number()),
  httpTimeoutSeconds: z.number(),
  abra: z.strictObject({ bin: z.string(), tty: z.boolean(), server: z.string() }),
});
export type TierContext = z.infer<typeof TierContext>;

/** The environment every child of a run receives (SPEC §5.4); paths are this run's own files. */
export const ENV_CONTRACT = [
  'CCCI_RUN_ID',
  'CCCI_APP_DOMAIN',
  'CCCI_BASE_URL',
  'CCCI_RECIPE',
  'CCCI_OP',
  'ABRA_DIR',
  'CCCI_OP_STATE_FILE',
  'CCCI_DEPS_FILE',
  'CCCI_DEPS_SKIP_FILE',
  'CCCI_DEPLOYS_FILE',
  'CCCI_CONTEXT_FILE',
] as const;
export type ContractEnv = Record<(typeof ENV_CONTRACT)[number], string>;
