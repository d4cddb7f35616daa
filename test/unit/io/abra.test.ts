// parseLintTable and parseGeneratedSecretTable: abra's tables, with ASCII or box-drawing separators.
import test from 'ava';
import { parseGeneratedSecretTable, parseLintTable } from '../../../src/io/abra.js';

const ASCII = `
+------+------------------------------+----------+-----------+---------+------------------+
| REF  | RULE                         | SEVERITY | SATISFIED | SKIPPED | RESOLVE          |
+------+------------------------------+----------+-----------+---------+------------------+
| R001 | compose config has version   | warn     | ✅        | ❌      |                  |
| R002 | healthcheck enabled          | warn     | ❌        | ❌      | add healthcheck  |
| R006 | has published version        | error    | ✅        | ❌      |                  |
| R009 | service named "app"          | error    | ❌        | ❌      | name it app      |
| R011 | all services have images     | critical | ❌        | ❌      | add an image     |
| R014 | only annotated tags used     | error    | ❌        | ✅      |                  |
+------+------------------------------+----------+-----------+---------+------------------+
WARN critical errors present in web config
`;

const BOX = `
┌──────┬─────────────────────┬──────────┬───────────┬─────────┬─────────┐
│ REF  │ RULE                │ SEVERITY │ SATISFIED │ SKIPPED │ RESOLVE │
├──────┼─────────────────────┼──────────┼───────────┼─────────┼─────────┤
│ R003 │ image tags used     │ WARN     │ ❌        │ ❌      │ tag it  │
│ R004 │ no unstable tags    │ warn     │ ❌        │ ✅      │         │
│ R008 │ .env.sample exists  │ ERROR    │ ❌        │ ❌      │ add it  │
│ R015 │ long secret names   │ error    │ ✅        │ ❌      │         │
└──────┴─────────────────────┴──────────┴───────────┴─────────┴─────────┘
`;

test('an ASCII table: error and critical failures are rules failed, warn failures are warnings, skipped rules do not count', (t) => {
  t.deepEqual(parseLintTable(ASCII), { rulesFailed: ['R009', 'R011'], warnings: ['R002'], rows: 6 });
});

test('a box-drawing table parses the same way, severity in any case', (t) => {
  t.deepEqual(parseLintTable(BOX), { rulesFailed: ['R008'], warnings: ['R003'], rows: 4 });
});

test('heavy box-drawing separators are understood too', (t) => {
  t.deepEqual(parseLintTable('┃ R011 ┃ images ┃ error ┃ ❌ ┃ ❌ ┃ fix ┃'), { rulesFailed: ['R011'], warnings: [], rows: 1 });
});

test('a skipped rule counts as a row but not as a failure', (t) => {
  t.deepEqual(parseLintTable('| R014 | annotated tags | error | ❌ | ✅ | |'), { rulesFailed: [], warnings: [], rows: 1 });
});

test('a skipped column of "-" means not skipped', (t) => {
  t.deepEqual(parseLintTable('| R014 | annotated tags | error | ❌ | - | |'), { rulesFailed: ['R014'], warnings: [], rows: 1 });
});

test('the header, rules of dashes and other lines are not rows', (t) => {
  t.deepEqual(parseLintTable('| REF | RULE | SEVERITY | SATISFIED | SKIPPED | RESOLVE |\n+----+\nWARN critical errors present\n'), {
    rulesFailed: [],
    warnings: [],
    rows: 0,
  });
});

test('a row without a severity or without a rule id is not a row', (t) => {
  t.deepEqual(
    parseLintTable('| R001 | something | info | ❌ | ❌ |\n| R1 | something | error | ❌ | ❌ |\n| X001 | something | error | ❌ | ❌ |'),
    {
      rulesFailed: [],
      warnings: [],
      rows: 0,
    },
  );
});

test('an all-green table has rows and no failures', (t) => {
  t.deepEqual(parseLintTable('| R001 | a | warn | ✅ | ❌ | |\n| R006 | b | error | ✅ | ❌ | |'), {
    rulesFailed: [],
    warnings: [],
    rows: 2,
  });
});

test('empty output has no rows', (t) => {
  t.deepEqual(parseLintTable(''), { rulesFailed: [], warnings: [], rows: 0 });
});

test('parseGeneratedSecretTable reads the value column of a table without a rule under its header', (t) => {
  const output = 'some info line\n| SECRET NAME | SECRET VALUE |\n| db_password | hunter2hunter2 |\n| admin       | abc 123        |\n';
  t.deepEqual(parseGeneratedSecretTable(output), [
    { name: 'db_password', value: 'hunter2hunter2' },
    { name: 'admin', value: 'abc 123' },
  ]);
});

test('parseGeneratedSecretTable finds the value column wherever it is and with box-drawing separators', (t) => {
  t.deepEqual(parseGeneratedSecretTable('│ NAME │ VERSION │ GENERATED VALUE │\n│ db │ v1 │ s3cr3t │\n│ smtp │ v2 │ p4ss │'), [
    { name: 'db', value: 's3cr3t' },
    { name: 'smtp', value: 'p4ss' },
  ]);
});

test('parseGeneratedSecretTable stops at the end of the table', (t) => {
  t.deepEqual(
    parseGeneratedSecretTable('| NAME | VALUE |\n| db | s3cr3t |\n\nWARN generated secrets are not shown again\n| other | table |'),
    [{ name: 'db', value: 's3cr3t' }],
  );
});

test('parseGeneratedSecretTable skips dashed separator cells inside a table', (t) => {
  t.deepEqual(parseGeneratedSecretTable('| NAME | VALUE |\n|------|-------|\n| db | s3cr3t |'), [{ name: 'db', value: 's3cr3t' }]);
});

test('parseGeneratedSecretTable finds nothing without a VALUE header', (t) => {
  t.deepEqual(parseGeneratedSecretTable('| NAME | VERSION |\n| db | v1 |\nno secrets to generate'), []);
  t.deepEqual(parseGeneratedSecretTable(''), []);
});

// A rule line between the header and the rows (ASCII `+---+---+` as the abra stand-in prints, or
// box-drawing `├───┼───┤`) must not end the table, or every secret would reach the log unredacted.
test('parseGeneratedSecretTable reads an ASCII table with rule lines as the abra stand-in prints it', (t) => {
  const output = [
    '+-------------+----------------+',
    '| SECRET NAME | SECRET VALUE   |',
    '+-------------+----------------+',
    '| db_password | hunter2hunter2 |',
    '+-------------+----------------+',
  ].join('\n');
  t.deepEqual(parseGeneratedSecretTable(output), [{ name: 'db_password', value: 'hunter2hunter2' }]);
});

test('parseGeneratedSecretTable reads a box-drawing table with a rule under the header', (t) => {
  const output = ['┌──────┬────────┐', '│ NAME │ VALUE  │', '├──────┼────────┤', '│ db   │ s3cr3t │', '└──────┴────────┘'].join('\n');
  t.deepEqual(parseGeneratedSecretTable(output), [{ name: 'db', value: 's3cr3t' }]);
});
