// The build: bundles the CLI's TypeScript sources into dist/ with esbuild, so `ccci` starts without
// compiling them (npm ci runs it as `prepare`; bin/ccci reruns it when a source is newer than the build).
// Each subcommand is its own chunk, loaded only when that subcommand runs. Dependencies stay in
// node_modules. Plain JavaScript: it must run before anything is compiled.
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const DIST = join(ROOT, 'dist');
const SOURCES = join(ROOT, 'src');
const GENERIC_TIERS = ['install', 'upgrade', 'backup', 'restore'];
/** Written last: its mtime is when the build in dist/ was complete. */
const STAMP = join(DIST, 'built');

async function newestMtime(dir) {
  let newest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? await newestMtime(path) : (await stat(path)).mtimeMs);
  }
  return newest;
}

/** True when dist/ is missing, unfinished, or older than some file under src/. */
export async function isStale() {
  const built = await stat(STAMP).then(
    (stamp) => stamp.mtimeMs,
    () => undefined,
  );
  return built === undefined || (await newestMtime(SOURCES)) > built;
}

/** Builds into a fresh directory, then swaps it in, so no reader sees half a build. */
export async function build() {
  const { build: esbuild } = await import('esbuild');
  const next = `${DIST}.next-${process.pid}`;
  const old = `${DIST}.old-${process.pid}`;
  await rm(next, { recursive: true, force: true });
  await mkdir(next, { recursive: true });
  await esbuild({
    // the generic tier tests too: the tier test runner then starts without compiling them (tsx)
    entryPoints: {
      ccci: join(SOURCES, 'cli/main.ts'),
      ...Object.fromEntries(GENERIC_TIERS.map((tier) => [`tiers/generic/${tier}.test`, join(SOURCES, `tiers/generic/${tier}.test.ts`)])),
    },
    outdir: next,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    outExtension: { '.js': '.mjs' },
    sourcemap: 'linked',
    logLevel: 'warning',
  });
  await writeFile(join(next, 'built'), `${new Date().toISOString()}\n`);
  await rename(DIST, old).catch((error) => {
    if (error.code !== 'ENOENT') throw error;
  });
  await rename(next, DIST);
  await rm(old, { recursive: true, force: true });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await build();
