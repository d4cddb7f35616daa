// A stage that failed outside the tiers (prepare, lock, deploy): the fact the run machine records, and
// the error an actor throws to hand that fact over unchanged.

/** A stage that failed outside the tiers: it decides the rungs that never ran. */
export interface StageFailure {
  readonly stage: 'prepare' | 'lock' | 'deploy';
  readonly message: string;
  /** recipe: the recipe is at fault (rung fails); otherwise the rung is unverified. */
  readonly kind: 'recipe' | 'bad-input' | 'infra' | 'timeout' | 'harness';
  /** The app's services are dead and will not run again: nothing later waits for them. */
  readonly appDead?: true;
  /** The commit tested, when the failure came after the checkout: lint still runs on it. */
  readonly headSha?: string;
}

/** Carries a StageFailure out of an actor; any other error of a stage is recorded as a harness failure. */
export class StageFailureError extends Error {
  readonly failure: StageFailure;

  constructor(
    stage: StageFailure['stage'],
    kind: StageFailure['kind'],
    message: string,
    details: Pick<StageFailure, 'appDead' | 'headSha'> = {},
  ) {
    super(message);
    this.name = 'StageFailureError';
    this.failure = { stage, kind, message, ...details };
  }

  /** The deploy found the app dead: a recipe failure that no later tier should wait out again. */
  static appDead(message: string): StageFailureError {
    return new StageFailureError('deploy', 'recipe', message, { appDead: true });
  }

  /** The recipe's own files are broken at the tested commit: its failure, and lint still runs on that commit. */
  static recipeDefect(message: string, headSha: string): StageFailureError {
    return new StageFailureError('prepare', 'recipe', message, { headSha });
  }
}

/** The failure an actor's error stands for in `stage`. */
export function stageFailureOf(stage: StageFailure['stage'], error: unknown): StageFailure {
  if (error instanceof StageFailureError) return error.failure;
  return { stage, kind: 'harness', message: error instanceof Error ? error.message : String(error) };
}
