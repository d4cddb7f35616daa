// The deploy budget (docs/results.md): one `abra app new` + first deploy for the app and one per cold
// dependency, counted as attempts in the run's own state file. The upgrade adds none.

export interface DeployBudgetInput {
  /** The run got as far as deploying (so the budget applies at all). */
  readonly attempted: boolean;
  readonly dependencies: number;
  /** Lines in CCCI_DEPLOYS_FILE. */
  readonly recorded: number;
  /** The run was not aborted and its install passed: every planned deploy must have happened. */
  readonly complete: boolean;
}

export interface DeployBudget {
  readonly expected: number;
  readonly actual: number;
  readonly kept: boolean;
}

/** A complete run must have exactly the planned deploys; one that stopped early may have fewer, never more. */
export function judgeDeployBudget(input: DeployBudgetInput): DeployBudget {
  const expected = input.attempted ? 1 + input.dependencies : 0;
  const kept = input.complete ? input.recorded === expected : input.recorded <= expected;
  return { expected, actual: input.recorded, kept };
}
