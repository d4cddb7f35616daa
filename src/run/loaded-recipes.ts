// The code a run loaded for its recipe and DEPS (meta with its hooks, overlays, tests): prepare fills
// it, the later stages' actors read it. Code is not data, so it stays out of the machine's context;
// the context's PreparedFacts name which recipes are loaded.
import type { Customization } from '../recipes/load-customization.js';

export class LoadedRecipes {
  readonly #byRecipe = new Map<string, Customization>();

  add(customization: Customization): void {
    this.#byRecipe.set(customization.recipe, customization);
  }

  customizationOf(recipe: string): Customization {
    const customization = this.#byRecipe.get(recipe);
    if (customization === undefined) throw new Error(`the customization of ${recipe} was not loaded by prepare`);
    return customization;
  }
}
