// Small file-system questions the actors ask, and the one way cc-ci replaces a file's content.
import { access, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export async function pathExists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** The file's text, or undefined when it cannot be read. */
export async function readOptionalFile(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

let temporaries = 0;

/** Writes a private temporary file, then renames it into place: a reader sees the old content or the new, never half. */
export async function writeFileAtomically(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.${++temporaries}.tmp`;
  await writeFile(temporary, text);
  await rename(temporary, path);
}
