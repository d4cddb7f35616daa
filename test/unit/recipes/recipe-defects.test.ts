// The recipe defects found before anything is deployed: each names its file and line, and a sound
// recipe (with overrides that add images to services they extend) has none.
import test from 'ava';
import { describeDefect, recipeDefects } from '../../../src/recipes/recipe-defects.js';

const SOUND = `version: "3.8"
services:
  app:
    image: nginx:1.27
    deploy:
      labels:
        - "coop-cloud.\${STACK_NAME}.version=1.2.0+1.27"
`;
const SAMPLE = 'TYPE=web\n# a comment\n\nexport DOMAIN=web.example.com\n';
const defectsOf = (files: { name: string; text: string }[], sample: string | null = SAMPLE) =>
  recipeDefects(files, sample ?? undefined).map(describeDefect);

test('a sound recipe has no defects', (t) => {
  t.deepEqual(defectsOf([{ name: 'compose.yml', text: SOUND }]), []);
  // labels as a map, and an override that gives an image to a service compose.yml only names
  const mapLabels =
    SOUND.replace(
      '      labels:\n        - "coop-cloud.${STACK_NAME}.version=1.2.0+1.27"',
      '      labels:\n        coop-cloud.${STACK_NAME}.version: 1.2.0+1.27',
    ) + '  worker:\n    command: sleep\n';
  t.deepEqual(
    defectsOf([
      { name: 'compose.yml', text: mapLabels },
      { name: 'compose.worker.yml', text: 'services:\n  worker:\n    image: busybox:1\n' },
    ]),
    [],
  );
});

test('compose.yml missing, not YAML, not a mapping, or without services: each said with the file and line', (t) => {
  t.deepEqual(defectsOf([]), ['compose.yml: missing: a recipe deploys from compose.yml']);
  t.deepEqual(defectsOf([{ name: 'compose.yml', text: 'services:\n  app:\n\timage: x\n' }]), [
    'compose.yml:3: not valid YAML: Tabs are not allowed as indentation',
  ]);
  t.deepEqual(defectsOf([{ name: 'compose.yml', text: '- a\n- b\n' }]), [
    'compose.yml:1: not a compose file: its top level is not a mapping',
  ]);
  t.deepEqual(defectsOf([{ name: 'compose.yml', text: 'version: "3.8"\n' }]), ['compose.yml:1: no services']);
  t.regex(
    defectsOf([
      { name: 'compose.yml', text: SOUND },
      { name: 'compose.smtp.yml', text: 'services: [\n' },
    ])[0]!,
    /^compose\.smtp\.yml:\d+: not valid YAML: /,
  );
});

test('a service without an image in any compose file, and a version label that is not a recipe version', (t) => {
  const text = `${SOUND.replace('1.2.0+1.27', 'latest')}  worker:\n    command: sleep\n`;
  t.deepEqual(defectsOf([{ name: 'compose.yml', text }]), [
    'compose.yml:7: version label "coop-cloud.${STACK_NAME}.version=latest" is not a recipe version (<major>.<minor>.<patch>+<upstream>, e.g. 1.2.0+1.35.0)',
    'compose.yml:8: service "worker" has no image',
  ]);
});

test('.env.sample missing, or with a line that is not KEY=value', (t) => {
  t.deepEqual(defectsOf([{ name: 'compose.yml', text: SOUND }], null), [
    ".env.sample: missing: abra app new copies it into the app's env file",
  ]);
  t.deepEqual(defectsOf([{ name: 'compose.yml', text: SOUND }], 'TYPE=web\nDOMAIN web.example.com\n'), [
    '.env.sample:2: not a KEY=value line: "DOMAIN web.example.com"',
  ]);
});
