// Co-op Cloud recipe versions: `<major>.<minor>.<patch>+<upstream>` (the upstream part is free text).
export interface RecipeVersion {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  readonly upstream: string;
  readonly text: string;
}

const VERSION_PATTERN = /^v?(\d+)\.(\d+)\.(\d+)(?:\+(.+))?$/;

export function parseRecipeVersion(text: string): RecipeVersion | undefined {
  const match = VERSION_PATTERN.exec(text.trim());
  if (!match) return undefined;
  return { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3]), upstream: match[4] ?? '', text: text.trim() };
}

const upstreamCollator = new Intl.Collator('en', { numeric: true });

/** Orders by the recipe's own semver first; the upstream part only breaks ties. */
export function compareRecipeVersions(left: RecipeVersion, right: RecipeVersion): number {
  return (
    left.major - right.major ||
    left.minor - right.minor ||
    left.patch - right.patch ||
    upstreamCollator.compare(left.upstream, right.upstream)
  );
}

/** Release tags that parse as versions, oldest first; other tags are ignored. */
export function sortedReleaseTags(tags: readonly string[]): RecipeVersion[] {
  return tags
    .map(parseRecipeVersion)
    .filter((version): version is RecipeVersion => version !== undefined)
    .sort(compareRecipeVersions);
}
