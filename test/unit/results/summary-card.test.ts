// The summary card for every class of rung outcome (all pass, each rung failing, a skip, an
// unverified rung): the SVG says each rung's status (and why, when it is not a pass), and resvg renders
// it to an 800×420 PNG whose rung rows hold real text pixels (the font is there).
import test from 'ava';
import { Resvg } from '@resvg/resvg-js';
import { RUNG_NAMES, type Rung, type RungName } from '../../../src/domain/rungs.js';
import { renderPng } from '../../../src/io/render-png.js';
import type { Results } from '../../../src/results/schema.js';
import { CARD_HEIGHT, CARD_WIDTH, summaryCardSvg } from '../../../src/results/summary-card.js';

const PASS: Rung = { status: 'pass', reason: '3 tests passed' };

function results(rungs: Partial<Record<RungName, Rung>>, level: number): Results {
  return {
    schema: 1,
    runId: '20261204T020000Z-abcdef-p1',
    recipe: 'web',
    ref: 'a3f486f4'.padEnd(40, '0'),
    pr: '1',
    domain: 'web-abcdef.ci.test',
    baseVersion: { kind: 'version', value: '1.1.0+1.35.0', reason: 'newest release older than the head' },
    headVersion: '1.2.0+1.35.0',
    startedAt: '2026-12-04T02:00:00.000Z',
    finishedAt: '2026-12-04T02:01:10.000Z',
    verdict: level === 5 ? 'success' : 'failure',
    exitCode: level === 5 ? 0 : 1,
    abortReason: null,
    level,
    rungs: { install: PASS, upgrade: PASS, backup_restore: PASS, functional: PASS, lint: PASS, ...rungs },
    tiers: [
      {
        name: 'install',
        status: 'pass',
        reason: '3 tests passed',
        ms: 400,
        tests: [
          { name: 'a', status: 'pass', ms: 1 },
          { name: 'b', status: 'pass', ms: 1 },
        ],
      },
      {
        name: 'functional',
        status: 'fail',
        reason: '1 of 2 failed',
        ms: 300,
        tests: [
          { name: 'c', status: 'pass', ms: 1 },
          { name: 'd', status: 'fail', ms: 1 },
        ],
      },
    ],
    deploys: { expected: 1, actual: 1 },
    lint: { status: 'pass', rulesFailed: [], warnings: [], detail: 'ok' },
    flags: { cleanTeardown: true, noSecretLeak: true },
    secretScan: { scanned: ['run.log', 'results.json'], leaked: [] },
    teardown: { ran: true, complete: true, leftovers: [], errors: [] },
    customization: {},
    artifacts: { log: 'run.log', card: null, screenshot: null, problems: [] },
  };
}

const CLASSES: [string, Results][] = [
  ['all pass', results({}, 5)],
  ...RUNG_NAMES.map((name, index): [string, Results] => [
    `${name} failing`,
    results({ [name]: { status: 'fail', reason: `${name} broke` } }, index),
  ]),
  ['an intentional skip', results({ upgrade: { status: 'skip', reason: 'no older release to upgrade from' } }, 5)],
  ['an unverified rung', results({ backup_restore: { status: 'unver', reason: 'timed out after 900s', cause: 'timeout' } }, 2)],
];

/** Non-white pixels in a horizontal band of the card: text drawn there. */
function inkIn(svg: string, top: number, bottom: number): number {
  const { pixels, width } = new Resvg(svg, {
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
    background: '#ffffff',
  }).render();
  let ink = 0;
  for (let y = top; y < bottom; y++)
    for (let x = 0; x < 540; x++) {
      const at = (y * width + x) * 4;
      if (pixels[at]! < 200 || pixels[at + 1]! < 200 || pixels[at + 2]! < 200) ink++;
    }
  return ink;
}

for (const [name, card] of CLASSES) {
  test(`the card of a run with ${name} says each rung and renders to an 800×420 PNG with its text`, (t) => {
    const svg = summaryCardSvg(card);
    for (const rung of RUNG_NAMES) {
      const { status, reason } = card.rungs[rung];
      const word = { pass: 'pass', fail: 'fail', skip: 'skip', unver: 'unverified' }[status];
      t.true(svg.includes(`>${word}</text>`), `${rung} ${word}`);
      if (status !== 'pass') t.true(svg.includes(`>${reason}</text>`), `${rung} says why: ${reason}`);
    }
    t.true(svg.includes(`>L${card.level}</text>`));
    t.true(svg.includes('>tests passed: install 2/2 · functional 1/2</text>'));
    t.true(svg.includes('>deploys 1/1 · clean teardown yes · lint pass</text>'));
    t.true(svg.includes('>no screenshot</text>'));
    const png = renderPng(svg);
    t.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    t.is(png.readUInt32BE(16), CARD_WIDTH);
    t.is(png.readUInt32BE(20), CARD_HEIGHT);
    // each rung row (y 150 + 34 i, text above its baseline) holds drawn text
    for (const [index, rung] of RUNG_NAMES.entries())
      t.true(inkIn(svg, 134 + index * 34, 154 + index * 34) > 200, `row of ${rung} is drawn`);
  });
}

test('text from results is escaped, long reasons are clipped, and a screenshot replaces the placeholder', (t) => {
  const card = results({ functional: { status: 'fail', reason: `<script>alert("x")</script> & ${'a very long reason '.repeat(10)}` } }, 3);
  const svg = summaryCardSvg(card, 'data:image/png;base64,AAAA');
  t.false(svg.includes('<script>'));
  t.regex(svg, />&#60;script&#62;alert\(&#34;x&#34;\)&#60;\/script&#62; &#38; a very long [a-z ]*…<\/text>/);
  t.false(svg.includes('a very long reason a very long reason a very long reason'));
  t.true(svg.includes('href="data:image/png;base64,AAAA"'));
  t.false(svg.includes('no screenshot'));
});
