// `cc-ci/recipe`: the one entry point for customization tree authors (docs/recipe-customization.md).
// meta.ts and ops.ts import defineMeta, secret and the hook types from it; the tree's tests import the
// helpers. It resolves for a tree anywhere on disk, to the cc-ci that runs the tree
// (src/io/package-resolution.mjs); nothing else of cc-ci's sources is an interface.
export { defineMeta, secret } from './recipes/schema.js';
export type {
  EnvValues,
  HookContext,
  OpHook,
  ReadyProbeAnswer,
  ReadyProbeSpecInput,
  RecipeMeta,
  RecipeMetaInput,
  RecipeMetaSource,
} from './recipes/schema.js';
export type { DependencyRecord, ExecResult, HookOp } from './recipes/hook-context.js';
export type { SecretValue } from './recipes/secret-value.js';
export type { ContractEnv, TierContext } from './tiers/tier-context.js';
export {
  appRequest,
  contractEnv,
  hookValue,
  opState,
  readyDependency,
  serviceExec,
  tierContext,
  type AppAnswer,
  type AppRequestOptions,
  type ExecOutput,
} from './tiers/tree-helpers.js';
