// What is wrong in a recipe's own files at the tested ref, found before anything is deployed: each
// defect names the file and, where there is one, the line. These are the recipe's failures (the
// install rung fails, verdict failure), never cc-ci's errors: docs/results.md#failure-or-error.
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import { parseRecipeVersion } from '../domain/versions.js';

export interface RecipeFile {
  readonly name: string;
  readonly text: string;
}

export interface RecipeDefect {
  readonly file: string;
  /** 1-based; absent when the defect is the file as a whole (missing, empty). */
  readonly line?: number;
  readonly message: string;
}

export function describeDefect(defect: RecipeDefect): string {
  return `${defect.file}${defect.line === undefined ? '' : `:${defect.line}`}: ${defect.message}`;
}

const VERSION_LABEL = /^coop-cloud\.\$\{?STACK_NAME\}?\.version$/;
const ENV_LINE = /^\s*(?:export\s+)?[A-Za-z_][A-Za-z0-9_]*=/;

function lineOf(counter: LineCounter, offset: number | undefined): number | undefined {
  return offset === undefined ? undefined : counter.linePos(offset).line;
}

interface ParsedCompose {
  readonly file: string;
  readonly document: Document.Parsed;
  readonly counter: LineCounter;
}

function parseCompose(file: RecipeFile, defects: RecipeDefect[]): ParsedCompose | undefined {
  const counter = new LineCounter();
  const document = parseDocument(file.text, { lineCounter: counter, prettyErrors: false });
  const error = document.errors[0];
  if (error !== undefined) {
    defects.push({ file: file.name, line: lineOf(counter, error.pos[0]), message: `not valid YAML: ${error.message.split('\n')[0]}` });
    return undefined;
  }
  if (document.contents !== null && !isMap(document.contents)) {
    defects.push({ file: file.name, line: 1, message: 'not a compose file: its top level is not a mapping' });
    return undefined;
  }
  return { file: file.name, document, counter };
}

/** Version labels: `coop-cloud.${STACK_NAME}.version=<major>.<minor>.<patch>+<upstream>`, in list or map form. */
function versionLabelDefects({ file, document, counter }: ParsedCompose, defects: RecipeDefect[]): void {
  const services = document.get('services');
  if (!isMap(services)) return;
  for (const service of services.items) {
    const labels = isMap(service.value) ? service.value.getIn(['deploy', 'labels'], true) : undefined;
    const entries: { text: string; offset: number | undefined }[] = [];
    if (isMap(labels)) {
      for (const item of labels.items) {
        if (isScalar(item.key))
          entries.push({
            text: `${String(item.key.value)}=${isScalar(item.value) ? String(item.value.value ?? '') : ''}`,
            offset: item.key.range?.[0],
          });
      }
    } else if (isSeq(labels)) {
      for (const item of labels.items) {
        if (isScalar(item)) entries.push({ text: String(item.value), offset: item.range?.[0] });
      }
    }
    for (const { text, offset } of entries) {
      const index = text.indexOf('=');
      const key = index === -1 ? text : text.slice(0, index);
      const value = index === -1 ? '' : text.slice(index + 1);
      if (VERSION_LABEL.test(key) && parseRecipeVersion(value) === undefined) {
        defects.push({
          file,
          line: lineOf(counter, offset),
          message: `version label "${text}" is not a recipe version (<major>.<minor>.<patch>+<upstream>, e.g. 1.2.0+1.35.0)`,
        });
      }
    }
  }
}

/** Every service needs an image in some compose file (an override may add one to a service it extends). */
function imageDefects(parsed: readonly ParsedCompose[], defects: RecipeDefect[]): void {
  const withImage = new Set<string>();
  const firstSeen = new Map<string, { file: string; line: number | undefined }>();
  for (const { file, document, counter } of parsed) {
    const services = document.get('services');
    if (!isMap(services)) continue;
    for (const service of services.items) {
      const name = isScalar(service.key) ? String(service.key.value) : '';
      if (!firstSeen.has(name))
        firstSeen.set(name, { file, line: lineOf(counter, isScalar(service.key) ? service.key.range?.[0] : undefined) });
      const image = isMap(service.value) ? service.value.get('image') : undefined;
      if (image !== undefined && image !== null && String(image).trim() !== '') withImage.add(name);
    }
  }
  for (const [name, where] of firstSeen) {
    if (!withImage.has(name)) defects.push({ file: where.file, line: where.line, message: `service "${name}" has no image` });
  }
}

function envSampleDefects(envSample: string | undefined, defects: RecipeDefect[]): void {
  if (envSample === undefined) {
    defects.push({ file: '.env.sample', message: "missing: abra app new copies it into the app's env file" });
    return;
  }
  envSample.split('\n').forEach((line, index) => {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#') || ENV_LINE.test(line)) return;
    defects.push({
      file: '.env.sample',
      line: index + 1,
      message: `not a KEY=value line: "${trimmed.length > 60 ? `${trimmed.slice(0, 57)}...` : trimmed}"`,
    });
  });
}

/**
 * The defects of a recipe's files: `compose*.yml` (compose.yml first, then the overrides) and
 * `.env.sample` (undefined when the file is missing). Empty when nothing is wrong.
 */
export function recipeDefects(composeFiles: readonly RecipeFile[], envSample: string | undefined): RecipeDefect[] {
  const defects: RecipeDefect[] = [];
  if (!composeFiles.some((file) => file.name === 'compose.yml'))
    defects.push({ file: 'compose.yml', message: 'missing: a recipe deploys from compose.yml' });
  const parsed = composeFiles.flatMap((file) => parseCompose(file, defects) ?? []);
  const base = parsed.find((compose) => compose.file === 'compose.yml');
  if (base !== undefined && !isMap(base.document.get('services'))) defects.push({ file: 'compose.yml', line: 1, message: 'no services' });
  for (const compose of parsed) versionLabelDefects(compose, defects);
  // an unparseable override could hold the missing image: only judge images when every file parsed
  if (parsed.length === composeFiles.length) imageDefects(parsed, defects);
  envSampleDefects(envSample, defects);
  return defects;
}
