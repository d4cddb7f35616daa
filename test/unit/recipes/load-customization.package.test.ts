// A tree anywhere on disk imports cc-ci as `cc-ci/recipe`: real files in a temporary directory outside
// the package (no node_modules with cc-ci above them), imported by the real loader; as CommonJS (no
// package.json above the tree, how an operator's /etc/cc-ci/recipes is compiled) and as an ES module.
import test from 'ava';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { PACKAGE_ROOT } from '../../../src/io/package-root.js';
import type { Allowlist } from '../../../src/recipes/allowlist.js';
import { CustomizationError, loadCustomization } from '../../../src/recipes/load-customization.js';
import { isSecretValue } from '../../../src/recipes/secret-value.js';

const NO_ALLOWLIST: Allowlist = { file: null, recipes: new Set(), notes: [] };

/** A fresh directory outside the package: Node caches modules per URL, so no two tests share a file. */
async function outsideRoot(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'ccci-package-import-'));
  if (!relative(PACKAGE_ROOT, dir).startsWith('..')) throw new Error(`test setup: ${dir} is inside the package ${PACKAGE_ROOT}`);
  return dir;
}

async function writeTree(base: string, files: Readonly<Record<string, string>>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(base, path)), { recursive: true });
    await writeFile(join(base, path), text);
  }
}

const META = `import { defineMeta, secret, type HookContext } from 'cc-ci/recipe';
export const meta = defineMeta({
  HEALTH_PATH: '/health',
  EXTRA_ENV: { MODE: 'ci', SMTP_SECRET: secret({ file: 'smtp-password' }) },
  READY_PROBE: async (ctx: HookContext) => ctx.op === 'install',
});
`;

const OPS = `import { hookValue, serviceExec, type HookContext } from 'cc-ci/recipe';
export async function preBackup(ctx: HookContext): Promise<void> {
  await ctx.opState.write('seen', typeof hookValue === 'function' && typeof serviceExec === 'function');
}
`;

for (const [kind, extra] of [
  ['CommonJS (no package.json above it)', {}],
  ['an ES module (package.json "type": "module")', { '../package.json': '{ "type": "module" }\n' }],
] as const) {
  test(`a tree outside the package importing cc-ci/recipe loads and validates, as ${kind}`, async (t) => {
    const dir = await outsideRoot();
    await writeTree(join(dir, 'recipes', 'app'), { 'meta.ts': META, 'ops.ts': OPS, ...extra });
    const customization = await loadCustomization({ customizationDir: join(dir, 'recipes'), recipe: 'app', allowlist: NO_ALLOWLIST });
    t.is(customization.meta.HEALTH_PATH, '/health');
    t.true(isSecretValue((customization.meta.EXTRA_ENV as Record<string, unknown>).SMTP_SECRET));
    t.is(typeof customization.meta.READY_PROBE, 'function');
    t.deepEqual(Object.keys(customization.ops), ['preBackup']);
  });
}

test('an ES module tree may await at its top level, importing cc-ci/recipe', async (t) => {
  const dir = await outsideRoot();
  await writeTree(join(dir, 'recipes'), {
    'package.json': '{ "type": "module" }\n',
    'app/meta.ts': `const { defineMeta } = await import('cc-ci/recipe');\nexport const meta = defineMeta({ DEPLOY_TIMEOUT: 30 });\n`,
  });
  const customization = await loadCustomization({ customizationDir: join(dir, 'recipes'), recipe: 'app', allowlist: NO_ALLOWLIST });
  t.is(customization.meta.DEPLOY_TIMEOUT, 30);
});

for (const [kind, extra] of [
  ['CommonJS', {}],
  ['an ES module', { '../package.json': '{ "type": "module" }\n' }],
] as const) {
  test(`a deep import into cc-ci's sources is a load error naming the one entry point (${kind})`, async (t) => {
    const dir = await outsideRoot();
    await writeTree(join(dir, 'recipes', 'app'), {
      'meta.ts': "import { defineMeta } from 'cc-ci/src/recipes/schema.js';\nexport const meta = defineMeta({});\n",
      ...extra,
    });
    const metaFile = join(dir, 'recipes', 'app', 'meta.ts');
    const error = await t.throwsAsync(
      loadCustomization({ customizationDir: join(dir, 'recipes'), recipe: 'app', allowlist: NO_ALLOWLIST }),
      {
        instanceOf: CustomizationError,
      },
    );
    t.is(
      error?.message.split('\n')[0],
      `Cannot load ${metaFile}: cc-ci/src/recipes/schema.js is not an entry point of cc-ci: a customization tree imports from 'cc-ci/recipe' only`,
    );
  });
}
