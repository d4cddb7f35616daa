// What cc-ci reads from compose files: the version label, backupbot labels, interpolation and swarm names.
import test from 'ava';
import { abraShExports, composeVersion, declaresBackup, interpolate, swarmObjectNames } from '../../../src/recipes/compose.js';

const LIST_FORM = `
version: "3.8"
services:
  app:
    image: nginx:1.25
    deploy:
      labels:
        - "traefik.enable=true"
        - "coop-cloud.\${STACK_NAME}.version=1.3.0+1.25"
        - "backupbot.backup=true"
  db:
    image: postgres:16
`;

const MAP_FORM = `
services:
  db:
    image: postgres:16
  app:
    image: nginx:1.25
    deploy:
      labels:
        traefik.enable: "true"
        coop-cloud.\${STACK_NAME}.version: 2.0.1+5.0
        backupbot.backup: true
`;

test('composeVersion reads the list-form version label', (t) => {
  t.is(composeVersion(LIST_FORM), '1.3.0+1.25');
});

test('composeVersion reads the map-form version label', (t) => {
  t.is(composeVersion(MAP_FORM), '2.0.1+5.0');
});

test('composeVersion accepts $STACK_NAME without braces', (t) => {
  t.is(composeVersion('services:\n  app:\n    deploy:\n      labels:\n        - coop-cloud.$STACK_NAME.version=0.1.0+1\n'), '0.1.0+1');
});

test("composeVersion is undefined without a version label, with an empty one, or with another stack's", (t) => {
  t.is(composeVersion('services:\n  app:\n    image: x\n'), undefined);
  t.is(composeVersion('services:\n  app:\n    deploy:\n      labels:\n        - "coop-cloud.${STACK_NAME}.version="\n'), undefined);
  t.is(composeVersion('services:\n  app:\n    deploy:\n      labels:\n        - "coop-cloud.other.version=1.0.0"\n'), undefined);
  t.is(composeVersion('services:\n  app:\n    deploy:\n      labels:\n        - "coop-cloud.${STACK_NAME}.timeout=120"\n'), undefined);
});

test('composeVersion of an empty file or one without services is undefined', (t) => {
  t.is(composeVersion(''), undefined);
  t.is(composeVersion('version: "3.8"\n'), undefined);
  t.is(composeVersion('services:\n  app:\n'), undefined);
});

test('invalid YAML names the file', (t) => {
  const error = t.throws(() => composeVersion('services: [\n', 'compose.smtp.yml'));
  t.true(error?.message.startsWith('compose.smtp.yml is not valid YAML: '), error?.message);
  const other = t.throws(() => declaresBackup('a: b: c\n'));
  t.true(other?.message.startsWith('compose.yml is not valid YAML: '), other?.message);
});

test('declaresBackup finds backupbot.backup=true in list and map form', (t) => {
  t.true(declaresBackup(LIST_FORM));
  t.true(declaresBackup(MAP_FORM));
  t.true(declaresBackup('services:\n  db:\n    deploy:\n      labels:\n        backupbot.backup: "true"\n'));
});

test('declaresBackup is false without the label or with any other value', (t) => {
  t.false(declaresBackup('services:\n  app:\n    image: x\n'));
  t.false(declaresBackup('services:\n  app:\n    deploy:\n      labels:\n        - backupbot.backup=false\n'));
  t.false(declaresBackup('services:\n  app:\n    deploy:\n      labels:\n        backupbot.backup: false\n'));
  t.false(declaresBackup('services:\n  app:\n    deploy:\n      labels:\n        - backupbot.backup\n'));
  t.false(declaresBackup(''));
});

const interpolates = test.macro({
  exec(t, template: string, variables: Record<string, string>, expected: string) {
    t.is(interpolate(template, variables), expected);
  },
  title: (_providedTitle, template: string, variables: Record<string, string>, expected: string) =>
    `interpolate turns ${JSON.stringify(template)} with ${JSON.stringify(variables)} into ${JSON.stringify(expected)}`,
});

test(interpolates, '${A}', { A: 'one' }, 'one');
test(interpolates, '$A', { A: 'one' }, 'one');
test(interpolates, '$A_B', { A: 'one', A_B: 'two' }, 'two');
test(interpolates, '${A}_B', { A: 'one', A_B: 'two' }, 'one_B');
test(interpolates, '${A:-x}', { A: 'one' }, 'one');
test(interpolates, '${A:-x}', {}, 'x');
test(interpolates, '${A:-x}', { A: '' }, 'x');
test(interpolates, '${A-x}', {}, 'x');
test(interpolates, '${A:-}', {}, '');
test(interpolates, '${MISSING}', {}, '');
test(interpolates, '$MISSING', {}, '');
test(
  interpolates,
  '${STACK_NAME}_db_password_${SECRET_DB_PASSWORD_VERSION}',
  { STACK_NAME: 'web-0a1b2c_ci_test', SECRET_DB_PASSWORD_VERSION: 'v2' },
  'web-0a1b2c_ci_test_db_password_v2',
);
test(interpolates, 'no variables here', {}, 'no variables here');
test(interpolates, '$1 and $ alone', {}, '$1 and $ alone');

test('swarmObjectNames lists services, networks, volumes, secrets, configs: named ones expanded, others <stack>_<key>', (t) => {
  const compose = `
services:
  app:
    image: x
  db:
    image: y
networks:
  internal:
  proxy:
    external: true
volumes:
  data:
  shared:
    name: \${STACK_NAME}_shared_data
secrets:
  db_password:
    external: true
    name: \${STACK_NAME}_db_password_\${SECRET_DB_PASSWORD_VERSION}
  unnamed:
    external: true
configs:
  nginx_conf:
    name: \${STACK_NAME}_nginx_conf_\${NGINX_CONF_VERSION:-v1}
  empty:
`;
  t.deepEqual(swarmObjectNames(compose, { STACK_NAME: 'web_ci_test', SECRET_DB_PASSWORD_VERSION: 'v3' }, 'web_ci_test'), [
    { kind: 'service', key: 'app', name: 'web_ci_test_app' },
    { kind: 'service', key: 'db', name: 'web_ci_test_db' },
    { kind: 'network', key: 'internal', name: 'web_ci_test_internal' },
    { kind: 'volume', key: 'data', name: 'web_ci_test_data' },
    { kind: 'volume', key: 'shared', name: 'web_ci_test_shared_data' },
    { kind: 'secret', key: 'db_password', name: 'web_ci_test_db_password_v3' },
    { kind: 'config', key: 'nginx_conf', name: 'web_ci_test_nginx_conf_v1' },
    { kind: 'config', key: 'empty', name: 'web_ci_test_empty' },
  ]);
});

test('swarmObjectNames of a compose with one service is that service', (t) => {
  t.deepEqual(swarmObjectNames('services:\n  app:\n    image: x\n', {}, 's'), [{ kind: 'service', key: 'app', name: 's_app' }]);
});

test('abraShExports reads export lines, quoted or not, and nothing else', (t) => {
  const abraSh = [
    '#!/usr/bin/env bash',
    'export NGINX_CONF_VERSION=v2',
    '  export ENTRYPOINT_VERSION="v5"',
    "export PG_BACKUP_VERSION='v1'",
    'NOT_EXPORTED=v9',
    '# export COMMENTED=v1',
    'export EMPTY=',
    'environment() { echo hi; }',
  ].join('\n');
  t.deepEqual(abraShExports(abraSh), { NGINX_CONF_VERSION: 'v2', ENTRYPOINT_VERSION: 'v5', PG_BACKUP_VERSION: 'v1', EMPTY: '' });
});

test('abraShExports of an empty file is empty', (t) => {
  t.deepEqual(abraShExports(''), {});
});
