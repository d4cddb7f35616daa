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

/** One redactor per process: every logger and artifact writer goes through it. */
export const redactor = new SecretRedactor();
