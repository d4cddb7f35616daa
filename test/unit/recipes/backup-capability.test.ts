// backupCapability: BACKUP_CAPABLE (from the real registry) overrides backupbot label detection both ways; otherwise labels decide.
import test from 'ava';
import { backupCapability } from '../../../src/recipes/backup-capability.js';
import { parseMeta } from '../../../src/recipes/load-customization.js';

const FILE = '/etc/cc-ci/recipes/keycloak/meta.ts';

const LABELLED = {
  name: 'compose.yml',
  text: `
services:
  app:
    image: nginx:1.25
    deploy:
      labels:
        - "backupbot.backup=true"
`,
};
const UNLABELLED = {
  name: 'compose.yml',
  text: `
services:
  app:
    image: nginx:1.25
    deploy:
      labels:
        traefik.enable: "true"
`,
};
const LABELLED_EXTRA = {
  name: 'compose.postgres.yml',
  text: `
services:
  db:
    image: postgres:16
    deploy:
      labels:
        backupbot.backup: "true"
`,
};
const LABEL_FALSE = {
  name: 'compose.yml',
  text: `
services:
  app:
    image: nginx:1.25
    deploy:
      labels:
        - "backupbot.backup=false"
`,
};

test('BACKUP_CAPABLE false wins over a backupbot label', (t) => {
  t.deepEqual(backupCapability(parseMeta({ BACKUP_CAPABLE: false }, FILE), [LABELLED]), {
    capable: false,
    reason: 'BACKUP_CAPABLE is false in the recipe meta',
  });
});

test('BACKUP_CAPABLE true wins over the absence of labels', (t) => {
  t.deepEqual(backupCapability(parseMeta({ BACKUP_CAPABLE: true }, FILE), [UNLABELLED]), {
    capable: true,
    reason: 'BACKUP_CAPABLE is true in the recipe meta',
  });
  t.deepEqual(backupCapability(parseMeta({ BACKUP_CAPABLE: true }, FILE), []), {
    capable: true,
    reason: 'BACKUP_CAPABLE is true in the recipe meta',
  });
});

test('without BACKUP_CAPABLE a backupbot.backup=true label in compose.yml makes the recipe backup-capable', (t) => {
  t.deepEqual(backupCapability(parseMeta({}, FILE), [LABELLED]), { capable: true, reason: 'backupbot.backup=true label found' });
});

test('without BACKUP_CAPABLE a label in any compose file counts', (t) => {
  t.deepEqual(backupCapability(parseMeta({}, FILE), [UNLABELLED, LABELLED_EXTRA]), {
    capable: true,
    reason: 'backupbot.backup=true label found',
  });
});

test('without BACKUP_CAPABLE and without a true label the recipe is not backup-capable', (t) => {
  const notCapable = { capable: false, reason: 'not backup-capable: no backupbot.backup=true label in the compose files' };
  t.deepEqual(backupCapability(parseMeta({}, FILE), [UNLABELLED]), notCapable);
  t.deepEqual(backupCapability(parseMeta({}, FILE), [LABEL_FALSE]), notCapable);
  t.deepEqual(backupCapability(parseMeta({}, FILE), []), notCapable);
});
