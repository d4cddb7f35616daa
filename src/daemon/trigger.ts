// The trigger grammar (docs/daemon.md): the comment body, trimmed, is exactly `!testme` or `!testme --quick`.
// Anything else — `!testme please`, a quote, a second line — is not a trigger.

export type Trigger = { readonly kind: 'full' } | { readonly kind: 'quick' };

export function parseTrigger(body: string): Trigger | undefined {
  const text = body.trim();
  if (text === '!testme') return { kind: 'full' };
  if (text === '!testme --quick') return { kind: 'quick' };
  return undefined;
}
