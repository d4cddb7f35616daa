// What prepare learned about the recipe under test and its DEPS: what the later stages deploy and test.
import type { PreparedFacts } from '../domain/run-types.js';
import type { Customization } from './load-customization.js';
import type { RecipeMeta } from './schema.js';

export interface PreparedRun extends PreparedFacts {
  readonly recipe: string;
  /** The run's own checkout: <runDir>/abra/recipes/<recipe>. */
  readonly recipeDir: string;
  readonly meta: Readonly<RecipeMeta>;
  readonly customization: Customization;
  /** DEPS in declaration order: deployed before the app, torn down after it in reverse. */
  readonly dependencies: readonly DependencyPlan[];
}

/** A dependency (DEPS) of the recipe under test: its own domain, checkout and customization. */
export interface DependencyPlan {
  readonly recipe: string;
  readonly domain: string;
  readonly stack: string;
  /** Where it was cloned from. */
  readonly source: string;
  readonly recipeDir: string;
  /** The release tag deployed, or null when the repository has none (its default branch is deployed). */
  readonly version: string | null;
  readonly customization: Customization;
}
