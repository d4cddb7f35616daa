// Masks known secret values wherever text leaves the process: log lines, artifacts, comments.
const MASK = '[REDACTED]';
/** Shorter values are too likely to be ordinary words; the original masked secrets of 8+ chars. */
export const MIN_SECRET_LENGTH = 8;

export class SecretRedactor {
  readonly #needles = new Set<string>();

  /** Registers a secret; its JSON-escaped form is masked too, as it appears inside log lines. */
  add(secret: string | undefined): void {
    if (secret === undefined || secret.length < MIN_SECRET_LENGTH) return;
    this.#needles.add(secret);
    this.#needles.add(JSON.stringify(secret).slice(1, -1));
  }

  get size(): number {
    return this.#needles.size;
  }

  redact = (text: string): string => {
    let out = text;
    for (const needle of this.#needles) if (out.includes(needle)) out = out.split(needle).join(MASK);
    return out;
  };

  /** True when none of the registered secrets occurs in the text. */
  isClean(text: string): boolean {
    for (const needle of this.#needles) if (text.includes(needle)) return false;
    return true;
  }
}

/** Names whose values are secrets by convention (SECRET_KEY_BASE, DB_PASSWORD, SMTP_PASS, API_TOKEN, …). */
const SECRET_NAME = /SECRET|PASSWORD|PASSWD|TOKEN|CREDENTIAL|(^|_)(KEY|PASS|PWD)($|_)/i;

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** Every string inside a JSON-like value, redacted (for artifacts built from messages and test output). */
export function redactDeep<T>(value: T, redact: (text: string) => string): T {
  if (typeof value === 'string') return redact(value) as T;
  if (Array.isArray(value)) return value.map((item) => redactDeep(item, redact)) as T;
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, redactDeep(inner, redact)])) as T;
  }
  return value;
}

/** One redactor per process: every logger and artifact writer goes through it. */
export const redactor = new SecretRedactor();
