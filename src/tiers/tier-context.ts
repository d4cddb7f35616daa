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

/** The environment every child of a run receives (docs/recipe-customization.md#the-env-contract); paths are this run's own files. */
export const ENV_CONTRACT = {
  CCCI_RUN_ID: 'The run id',
  CCCI_APP_DOMAIN: "The domain of the app under test (of the dependency, for a dependency's install_steps.sh)",
  CCCI_BASE_URL: 'Where cc-ci reaches the app; https://<domain> before the first deploy',
  CCCI_RECIPE: 'The recipe name',
  CCCI_OP: 'The op the child runs for: install, upgrade, backup, restore or functional',
  ABRA_DIR: "The run's own ABRA_DIR (recipes/ holds the run's checkouts)",
  CCCI_OP_STATE_FILE: 'JSON: what each op recorded (upgrade, backup, restore) and what hooks wrote (hooks)',
  CCCI_DEPS_FILE: 'JSON: {recipe: {recipe, domain, stack, baseUrl, secrets}} of the ready dependencies',
  CCCI_DEPS_SKIP_FILE: 'JSON: {recipe: reason} of dependencies that are not ready; tests that need one must fail',
  CCCI_DEPLOYS_FILE: 'One line per attempted `abra app new` + first deploy of this run (the deploy budget)',
  CCCI_CONTEXT_FILE: 'JSON: the tier context (stack, app service, HEALTH_PATH, HEALTH_OK, abra settings)',
} as const;
export type ContractEnv = Record<keyof typeof ENV_CONTRACT, string>;
export const CONTRACT_NAMES = Object.keys(ENV_CONTRACT) as (keyof typeof ENV_CONTRACT)[];

/** install_steps.sh gets the contract plus what it needs to shape the app before its first deploy. */
export const INSTALL_STEPS_ENV = {
  CCCI_APP_ENV_FILE: "The app's env file (edit it to shape the deploy)",
  CCCI_RECIPE_DIR: "The run's checkout of the recipe (the script's working directory)",
  CCCI_ABRA_BIN: 'The abra executable cc-ci uses',
  CCCI_SERVER: 'The abra server the app is deployed to',
} as const;
export type InstallStepsEnv = ContractEnv & Record<keyof typeof INSTALL_STEPS_ENV, string>;
