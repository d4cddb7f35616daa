// secret(…): how a recipe's CI author marks an EXTRA_ENV value as a secret where it is declared —
// the value itself, or a file of the operator's secrets dir. A marked value is registered with the
// redactor before it is written anywhere and shows masked in the manifest. Plain data, so a meta
// stays printable and a hook may return it too.
import * as z from 'zod';

/** Values shorter than this would be too likely to be ordinary words to mask (src/io/redact.ts). */
const MIN_LENGTH = 8;
const MARK = 'ccci.secret';

export const SecretValue = z.union([
  z.strictObject({
    [MARK]: z.literal(true),
    value: z.string().min(MIN_LENGTH, `a secret must be at least ${MIN_LENGTH} characters to be masked`),
  }),
  z.strictObject({
    [MARK]: z.literal(true),
    file: z.string().regex(/^[A-Za-z0-9_-][A-Za-z0-9_.-]*$/, 'a plain file name of the secrets dir (letters, digits, _ . -; no path)'),
  }),
]);
export type SecretValue = z.infer<typeof SecretValue>;

/** Marks an EXTRA_ENV value secret: `secret('…')`, or `secret({ file: 'name' })` for <secretsDir>/name. */
export function secret(source: string | { readonly file: string }): SecretValue {
  return Object.freeze(
    typeof source === 'string' ? { [MARK]: true as const, value: source } : { [MARK]: true as const, file: source.file },
  );
}

export function isSecretValue(value: unknown): value is SecretValue {
  return typeof value === 'object' && value !== null && (value as Record<string, unknown>)[MARK] === true;
}

/** How the manifest and the docs show a marked value: never the value. */
export function describeSecretValue(value: SecretValue): string {
  return 'file' in value ? `secret (file ${value.file} of the secrets dir)` : 'secret (masked)';
}
