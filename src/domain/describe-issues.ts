// Turns zod issues into lines that name the key, what was expected and, for typos, the nearest valid key.
import * as z from 'zod';

function editDistance(left: string, right: string): number {
  const previous = Array.from({ length: right.length + 1 }, (_, index) => index);
  for (let i = 1; i <= left.length; i++) {
    let diagonal = previous[0]!;
    previous[0] = i;
    for (let j = 1; j <= right.length; j++) {
      const above = previous[j]!;
      previous[j] = Math.min(previous[j]! + 1, previous[j - 1]! + 1, diagonal + (left[i - 1] === right[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return previous[right.length]!;
}

/** The closest known key, if it is close enough to be a typo. */
export function nearestKey(unknown: string, known: readonly string[]): string | undefined {
  let best: { key: string; distance: number } | undefined;
  for (const key of known) {
    const distance = editDistance(unknown.toLowerCase(), key.toLowerCase());
    if (best === undefined || distance < best.distance) best = { key, distance };
  }
  return best !== undefined && best.distance <= Math.max(2, Math.floor(unknown.length / 4)) ? best.key : undefined;
}

/** Follows wrappers (optional, default, …) and arrays to the object schema at `path`, if any. */
function objectKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let current: z.ZodType | undefined = schema;
  const unwrap = (node: z.ZodType): z.ZodType => {
    let inner = node;
    for (;;) {
      const def = (inner as unknown as { def: { type: string; innerType?: z.ZodType } }).def;
      if (def.innerType === undefined) return inner;
      inner = def.innerType;
    }
  };
  for (const segment of path) {
    if (current === undefined) return [];
    const node: z.ZodType = unwrap(current);
    if (node instanceof z.ZodObject) current = (node.shape as Record<string, z.ZodType>)[String(segment)];
    else if (node instanceof z.ZodArray) current = node.element as z.ZodType;
    else if (node instanceof z.ZodRecord) current = node.valueType as z.ZodType;
    else return [];
  }
  if (current === undefined) return [];
  const node = unwrap(current);
  if (node instanceof z.ZodObject) return Object.keys(node.shape);
  if (node instanceof z.ZodRecord && node.keyType instanceof z.ZodEnum) return node.keyType.options.map(String);
  return [];
}

export function describeIssues(error: z.ZodError, schema: z.ZodType): string {
  const lines: string[] = [];
  for (const issue of error.issues) {
    const where = issue.path.length === 0 ? '' : ` at ${z.core.toDotPath(issue.path)}`;
    if (issue.code === 'unrecognized_keys') {
      const known = objectKeysAt(schema, issue.path);
      for (const key of issue.keys) {
        const suggestion = nearestKey(key, known);
        const hint =
          suggestion !== undefined ? `; did you mean "${suggestion}"?` : known.length > 0 ? `; valid keys: ${known.join(', ')}` : '';
        lines.push(`- unknown key "${key}"${where}${hint}`);
      }
    } else {
      lines.push(`- ${issue.message}${where}`);
    }
  }
  return lines.join('\n');
}
