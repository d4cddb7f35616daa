// Run identity: run ids, per-run app domains, stack names and the name limits of swarm, DNS and the file system.
import test from 'ava';
import {
  appDomain,
  dependencyDomain,
  makeRunId,
  normalizeRecipeName,
  perRunDomainPattern,
  RECIPE_NAME_LIMIT,
  RUN_ID_PATTERN,
  runNameProblems,
  stackName,
  SWARM_NAME_LIMITS,
  swarmNameProblems,
  type SwarmObjectKind,
} from '../../../src/domain/identity.js';

const CI = 'ci.example.org';

test('appDomain is <first 4 chars>-<6 hex>.<ciDomain>', (t) => {
  t.regex(appDomain('keycloak', '42', 'deadbeef', CI), /^keyc-[0-9a-f]{6}\.ci\.example\.org$/);
});

test('appDomain is deterministic for the same recipe, pr and ref', (t) => {
  t.is(appDomain('keycloak', '42', 'deadbeef', CI), appDomain('keycloak', '42', 'deadbeef', CI));
  t.is(appDomain('keycloak', 42, 'deadbeef', CI), appDomain('keycloak', '42', 'deadbeef', CI));
});

test('appDomain changes when the recipe, the pr or the ref changes', (t) => {
  const domains = [
    appDomain('keycloak', '42', 'deadbeef', CI),
    appDomain('keycloak-x', '42', 'deadbeef', CI),
    appDomain('keycloak', '43', 'deadbeef', CI),
    appDomain('keycloak', undefined, 'deadbeef', CI),
    appDomain('keycloak', '42', 'deadbeee', CI),
  ];
  t.is(new Set(domains).size, domains.length);
});

test('appDomain keeps the ciDomain as given', (t) => {
  const domain = appDomain('web', undefined, 'main', 'ci.test');
  t.regex(domain, /^web-[0-9a-f]{6}\.ci\.test$/);
});

const prefix = test.macro({
  exec(t, recipe: string, expected: string) {
    t.is(appDomain(recipe, '1', 'abc', CI).split('-').slice(0, -1).join('-'), expected);
  },
  title: (_providedTitle, recipe: string, expected: string) => `the domain prefix of recipe "${recipe}" is "${expected}"`,
});

test(prefix, 'web', 'web');
test(prefix, 'ab', 'ab');
test(prefix, 'x', 'x');
test(prefix, 'Keycloak', 'keyc');
test(prefix, 'My_App', 'my-a');
test(prefix, 'a-bcdef', 'a-bc');
test(prefix, 'ab_cd', 'ab-c');
test(prefix, 'abc_def', 'abc');
test(prefix, '___', 'app');

test('normalizeRecipeName lowercases and turns other characters into single dashes', (t) => {
  t.is(normalizeRecipeName('My_Fancy..App'), 'my-fancy-app');
  t.is(normalizeRecipeName('__web__'), 'web');
  t.is(normalizeRecipeName('a--b'), 'a--b');
  t.is(normalizeRecipeName('***'), '');
});

test('stackName turns every dot into an underscore', (t) => {
  t.is(stackName('keyc-0a1b2c.ci.example.org'), 'keyc-0a1b2c_ci_example_org');
  t.is(stackName('nodots'), 'nodots');
});

test('perRunDomainPattern matches per-run domains', (t) => {
  const pattern = perRunDomainPattern('ci.test');
  for (const recipe of ['keycloak', 'web', 'x', 'My_App', '___']) t.regex(appDomain(recipe, '7', 'cafe', 'ci.test'), pattern, recipe);
  t.regex('a-b-0123ab.ci.test', pattern);
});

test('perRunDomainPattern does not match warm, canonical or foreign domains', (t) => {
  const pattern = perRunDomainPattern('ci.test');
  for (const domain of [
    'warm-keycloak.ci.test',
    'keycloak.ci.test',
    'keyc-0123ab.other.test',
    'keyc-0123ab.ci.test.evil.org',
    'keyc-0123ab.ciXtest',
    'keyc-0123ABC.ci.test',
    'keyc-0123a.ci.test',
    'keycl-0123ab.ci.test',
    'x.keyc-0123ab.ci.test',
    'KEYC-0123ab.ci.test',
  ]) {
    t.notRegex(domain, pattern, domain);
  }
});

test('makeRunId is a UTC stamp then 6 hex characters', (t) => {
  const id = makeRunId(new Date('2024-03-05T07:08:09.123Z'));
  t.regex(id, RUN_ID_PATTERN);
  t.regex(id, /^20240305T070809Z-[0-9a-f]{6}$/);
});

test('makeRunId with a pid ends in -p<pid>', (t) => {
  const id = makeRunId(new Date('2024-03-05T07:08:09.000Z'), { pid: 4242 });
  t.regex(id, RUN_ID_PATTERN);
  t.regex(id, /^20240305T070809Z-[0-9a-f]{6}-p4242$/);
});

test('makeRunId gives different ids in the same second', (t) => {
  const now = new Date('2024-03-05T07:08:09.000Z');
  const ids = new Set(Array.from({ length: 20 }, () => makeRunId(now)));
  t.true(ids.size > 1);
});

test('run ids sort by time', (t) => {
  const times = [
    '2023-12-31T23:59:59.999Z',
    '2024-01-01T00:00:00.000Z',
    '2024-01-01T00:00:01.000Z',
    '2024-02-10T09:00:00.000Z',
    '2024-10-01T00:00:00.000Z',
    '2025-01-01T00:00:00.000Z',
  ];
  const ids = times.map((time, index) => makeRunId(new Date(time), index % 2 === 0 ? { pid: 99999 - index } : {}));
  t.deepEqual([...ids].reverse().sort(), ids);
});

test('RUN_ID_PATTERN rejects other shapes', (t) => {
  for (const id of [
    '20240305T070809Z',
    '20240305T070809Z-ABCDEF',
    '20240305T070809.123Z-abcdef',
    '20240305T070809Z-abcdef-p',
    '20240305T070809Z-abcdef-42',
    '../20240305T070809Z-abcdef',
  ]) {
    t.notRegex(id, RUN_ID_PATTERN, id);
  }
});

test('swarm limits: secrets and configs 64, services and networks 63, volumes 255 (what the engine refuses)', (t) => {
  t.deepEqual(SWARM_NAME_LIMITS, { service: 63, network: 63, volume: 255, secret: 64, config: 64 });
});

for (const kind of Object.keys(SWARM_NAME_LIMITS) as SwarmObjectKind[]) {
  const limit = SWARM_NAME_LIMITS[kind];
  test(`a ${kind} name at the limit (${limit}) is fine; one more character is reported with the limit`, (t) => {
    t.deepEqual(swarmNameProblems([{ kind, name: 'a'.repeat(limit) }]), []);
    const name = 'b'.repeat(limit + 1);
    t.deepEqual(swarmNameProblems([{ kind, name }]), [`${kind} "${name}" is ${limit + 1} characters; swarm allows ${limit}`]);
  });
}

test('swarmNameProblems reports every long name in order and only those', (t) => {
  const long = `stack_${'s'.repeat(60)}_v1`;
  const longer = `stack_${'c'.repeat(70)}_v2`;
  t.deepEqual(
    swarmNameProblems([
      { kind: 'secret', name: long },
      { kind: 'secret', name: 'stack_short_v1' },
      { kind: 'config', name: longer },
      { kind: 'volume', name: longer },
    ]),
    [`secret "${long}" is 69 characters; swarm allows 64`, `config "${longer}" is 79 characters; swarm allows 64`],
  );
});

test('runNameProblems: an ordinary recipe and domain have none', (t) => {
  t.deepEqual(runNameProblems({ recipe: 'keycloak', domain: appDomain('keycloak', '1', 'abc', CI) }), []);
});

test('runNameProblems: a recipe name over 255 characters is refused with the limit, shortened in the message', (t) => {
  const recipe = 'r'.repeat(RECIPE_NAME_LIMIT + 1);
  t.deepEqual(runNameProblems({ recipe: 'r'.repeat(RECIPE_NAME_LIMIT), domain: appDomain('r', '1', 'abc', CI) }), []);
  t.deepEqual(runNameProblems({ recipe, domain: appDomain(recipe, '1', 'abc', CI) }), [
    `recipe name "${'r'.repeat(40)}…" is 256 characters; it becomes a directory name, which allows 255`,
  ]);
});

test('runNameProblems: the stack must leave room for _<service> within 63 characters', (t) => {
  // 'web-<6 hex>.' is 11 characters: a ciDomain of 50 gives a stack of 61, the longest allowed
  const fits = `${'d'.repeat(45)}.org`;
  const domain = appDomain('web', '1', 'abc', fits);
  t.is(stackName(domain).length, 60);
  t.deepEqual(runNameProblems({ recipe: 'web', domain }), []);
  const atLimit = appDomain('web', '1', 'abc', `${'d'.repeat(46)}.org`);
  t.deepEqual(runNameProblems({ recipe: 'web', domain: atLimit }), []);
  const over = appDomain('web', '1', 'abc', `${'d'.repeat(47)}.org`);
  t.deepEqual(runNameProblems({ recipe: 'web', domain: over }), [
    `stack "${stackName(over)}" is 62 characters; services are named <stack>_<service> and swarm allows 63, so a stack allows 61 (shorten ciDomain)`,
  ]);
});

test('runNameProblems: a DNS label over 63 or a name over 253 characters is refused', (t) => {
  const label = 'l'.repeat(64);
  const problems = runNameProblems({ recipe: 'web', domain: `web-abcdef.${label}.org` });
  t.true(problems.includes(`domain label "${label}" is 64 characters; DNS allows 63`), problems.join('\n'));
  const long = `web-abcdef.${Array.from({ length: 5 }, () => 'x'.repeat(60)).join('.')}`;
  t.true(runNameProblems({ recipe: 'web', domain: long }).includes(`domain "${long}" is ${long.length} characters; DNS allows 253`));
});

test('a long recipe name still leaves room for a 20-character secret name and its version', (t) => {
  const stack = stackName(appDomain('verylongrecipename', '123', 'abc', CI));
  t.regex(stack, /^very-[0-9a-f]{6}_ci_example_org$/);
  const secret = `${stack}_${'s'.repeat(20)}_v1`;
  t.is(secret.length, 50);
  t.true(secret.length <= SWARM_NAME_LIMITS.secret);
  t.deepEqual(swarmNameProblems([{ kind: 'secret', name: secret }]), []);
});

test('dependencyDomain is deterministic for the same app domain and dependency', (t) => {
  const app = appDomain('keycloak', '42', 'deadbeef', CI);
  t.is(dependencyDomain(app, 'postgres', CI), dependencyDomain(app, 'postgres', CI));
  t.regex(dependencyDomain(app, 'postgres', CI), /^post-[0-9a-f]{6}\.ci\.example\.org$/);
});

test("dependencyDomain is a per-run domain: the janitor's pattern matches it", (t) => {
  const pattern = perRunDomainPattern(CI);
  const app = appDomain('keycloak', '42', 'deadbeef', CI);
  for (const dependency of ['postgres', 'redis', 'mariadb', 'x', 'My_Dep', '___'])
    t.regex(dependencyDomain(app, dependency, CI), pattern, dependency);
  t.regex(dependencyDomain(app, '___', CI), /^dep-[0-9a-f]{6}\.ci\.example\.org$/);
});

test("dependencyDomain differs from the app's domain, per dependency, and per app", (t) => {
  const app = appDomain('postgres', '42', 'deadbeef', CI);
  const other = appDomain('postgres', '43', 'deadbeef', CI);
  const domains = [
    app,
    other,
    dependencyDomain(app, 'postgres', CI),
    dependencyDomain(app, 'postgrest', CI),
    dependencyDomain(app, 'redis', CI),
    dependencyDomain(other, 'postgres', CI),
    appDomain('postgres', undefined, 'main', CI),
  ];
  t.is(new Set(domains).size, domains.length);
});
