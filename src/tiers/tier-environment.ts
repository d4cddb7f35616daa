// Inside a tier test process: the run's context, its op state and the adapters, from the env contract.
import { readFile } from 'node:fs/promises';
import { createAbra, type Abra } from '../io/abra.js';
import { createDocker, type Docker } from '../io/docker.js';
import { silentLogger } from '../io/log.js';
import { readJsonFile, type OpState } from '../io/run-state.js';
import { CONTRACT_NAMES, TierContext, type ContractEnv } from './tier-context.js';

export interface TierEnvironment {
  readonly env: ContractEnv;
  readonly context: TierContext;
  readonly docker: Docker;
  readonly abra: Abra;
  opState(): Promise<OpState>;
}

export async function tierEnvironment(): Promise<TierEnvironment> {
  const missing = CONTRACT_NAMES.filter((name) => process.env[name] === undefined);
  if (missing.length > 0) throw new Error(`tier test started without the cc-ci env contract: ${missing.join(', ')} unset`);
  const env = Object.fromEntries(CONTRACT_NAMES.map((name) => [name, process.env[name]!])) as ContractEnv;
  const context = TierContext.parse(JSON.parse(await readFile(env.CCCI_CONTEXT_FILE, 'utf8')));
  return {
    env,
    context,
    docker: createDocker({ log: silentLogger }),
    abra: createAbra({
      bin: context.abra.bin,
      abraDir: env.ABRA_DIR,
      server: context.abra.server,
      tty: context.abra.tty,
      log: silentLogger,
    }),
    opState: () => readJsonFile<OpState>(env.CCCI_OP_STATE_FILE, {}),
  };
}
