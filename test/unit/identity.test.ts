// Run identity: run ids, per-run app domains, stack names and the swarm name limit (SPEC §4.1).
import test from 'ava';
import {
  appDomain,
  dependencyDomain,
  makeRunId,
  normalizeRecipeName,
  perRunDomainPattern,
  RUN_ID_PATTERN,
  stackName,
  SWARM_NAME_LIMIT,
  swarmNameProblems,
} from '../../src/domain/identity.js';

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
  const times = ['2023-12-31T23:59:59.999Z', '2024-01-01T00:00:00.000Z', '2024-01-01T00:00:01.000Z', '2024-02-10T09:00:00.000Z', '2024-10-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z'];
  const ids = times.map((time, index) => makeRunId(new Date(time), index % 2 === 0 ? { pid: 99999 - index } : {}));
  t.deepEqual([...ids].reverse().sort(), ids);
});

test('RUN_ID_PATTERN rejects other shapes', (t) => {
  for (const id of ['20240305T070809Z', '20240305T070809Z-ABCDEF', '20240305T070809.123Z-abcdef', '20240305T070809Z-abcdef-p', '20240305T070809Z-abcdef-42', '../20240305T070809Z-abcdef']) {
    t.notRegex(id, RUN_ID_PATTERN, id);
  }
});

test('the swarm name limit is 64 characters', (t) => {
  t.is(SWARM_NAME_LIMIT, 64);
});

test('a swarm name of exactly 64 characters is fine', (t) => {
  t.deepEqual(swarmNameProblems([{ kind: 'secret', name: 'a'.repeat(64) }]), []);
});

test('a swarm name of 65 characters is reported', (t) => {
  const name = 'b'.repeat(65);
  t.deepEqual(swarmNameProblems([{ kind: 'config', name }]), [`config "${name}" is 65 characters; swarm allows 64`]);
});

test('swarmNameProblems reports every long name in order and only those', (t) => {
  const long = `stack_${'s'.repeat(60)}_v1`;
  const longer = `stack_${'c'.repeat(70)}_v2`;
  t.deepEqual(
    swarmNameProblems([
      { kind: 'secret', name: long },
      { kind: 'secret', name: 'stack_short_v1' },
      { kind: 'config', name: longer },
    ]),
    [`secret "${long}" is 69 characters; swarm allows 64`, `config "${longer}" is 79 characters; swarm allows 64`],
  );
});

test('a long recipe name still leaves room for a 20-character secret name and its version', (t) => {
  const stack = stackName(appDomain('verylongrecipename', '123', 'abc', CI));
  t.regex(stack, /^very-[0-9a-f]{6}_ci_example_org$/);
  const secret = `${stack}_${'s'.repeat(20)}_v1`;
  t.is(secret.length, 50);
  t.true(secret.length <= SWARM_NAME_LIMIT);
  t.deepEqual(swarmNameProblems([{ kind: 'secret', name: secret }]), []);
});

test('dependencyDomain is deterministic for the same app domain and dependency', (t) => {
  const app = appDomain('keycloak', '42', 'deadbeef', CI);
  t.is(dependencyDomain(app, 'postgres', CI), dependencyDomain(app, 'postgres', CI));
  t.regex(dependencyDomain(app, 'postgres', CI), /^post-[0-9a-f]{6}\.ci\.example\.org$/);
});

test('dependencyDomain is a per-run domain: the janitor\'s pattern matches it', (t) => {
  const pattern = perRunDomainPattern(CI);
  const app = appDomain('keycloak', '42', 'deadbeef', CI);
  for (const dependency of ['postgres', 'redis', 'mariadb', 'x', 'My_Dep', '___']) t.regex(dependencyDomain(app, dependency, CI), pattern, dependency);
  t.regex(dependencyDomain(app, '___', CI), /^dep-[0-9a-f]{6}\.ci\.example\.org$/);
});

test('dependencyDomain differs from the app\'s domain, per dependency, and per app', (t) => {
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
