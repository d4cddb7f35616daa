// The summary card of a run (an SVG, rendered to PNG by src/io/render-png.ts): recipe and version,
// the level, the five rungs (pass / fail / intentional skip with its reason / unverified), the tiers
// with their test counts, the deploy budget, and the app screenshot or a placeholder. It says only
// what results.json says: presentation never changes a verdict.
import { RUNG_NAMES, type RungStatus } from '../domain/rungs.js';
import type { Results } from './schema.js';

export const CARD_WIDTH = 800;
export const CARD_HEIGHT = 420;

const LEVEL_COLOURS = ['#e05d44', '#fe7d37', '#dfb317', '#a4a61d', '#97ca00', '#44cc11'] as const;
const STATUS_LOOK: Record<RungStatus, { readonly mark: string; readonly word: string; readonly colour: string }> = {
  pass: { mark: '✔', word: 'pass', colour: '#1a7f37' },
  fail: { mark: '✘', word: 'fail', colour: '#cf222e' },
  skip: { mark: '–', word: 'skip', colour: '#57606a' },
  unver: { mark: '?', word: 'unverified', colour: '#9a6700' },
};

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

function clip(text: string, length: number): string {
  return text.length <= length ? text : `${text.slice(0, length - 1)}…`;
}

function text(x: number, y: number, content: string, attributes = ''): string {
  return `<text x="${x}" y="${y}" ${attributes}>${escapeXml(content)}</text>`;
}

/** `screenshot`: a data URL of the app's screenshot, when there is one. */
export function summaryCardSvg(results: Results, screenshot?: string): string {
  const colour = LEVEL_COLOURS[results.level] ?? LEVEL_COLOURS[0];
  const version = results.headVersion ?? 'no version label';
  const rows = RUNG_NAMES.map((name, index) => {
    const rung = results.rungs[name];
    const look = STATUS_LOOK[rung.status];
    const y = 150 + index * 34;
    // a skip and a rung that is not green say why; a pass needs no words
    const why = rung.status === 'pass' ? '' : clip(rung.reason, 46);
    return [
      text(32, y, look.mark, `fill="${look.colour}" font-size="20" font-weight="bold"`),
      text(60, y, name.replace('_', ' / '), 'font-size="17"'),
      text(210, y, look.word, `fill="${look.colour}" font-size="17" font-weight="bold"`),
      why === '' ? '' : text(310, y, why, 'fill="#57606a" font-size="13"'),
    ].join('');
  }).join('\n');
  const tiers = results.tiers
    .map((tier) => `${tier.name} ${tier.tests.filter((test) => test.status === 'pass').length}/${tier.tests.length}`)
    .join(' · ');
  const picture =
    screenshot === undefined
      ? `<rect x="560" y="132" width="208" height="130" rx="6" fill="#f6f8fa" stroke="#d0d7de"/>${text(664, 202, 'no screenshot', 'fill="#8c959f" font-size="14" text-anchor="middle"')}`
      : `<image x="560" y="132" width="208" height="130" preserveAspectRatio="xMidYMid slice" href="${screenshot}"/><rect x="560" y="132" width="208" height="130" rx="6" fill="none" stroke="#d0d7de"/>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${CARD_WIDTH}" height="${CARD_HEIGHT}" viewBox="0 0 ${CARD_WIDTH} ${CARD_HEIGHT}" font-family="DejaVu Sans, sans-serif">
<rect width="${CARD_WIDTH}" height="${CARD_HEIGHT}" fill="#ffffff"/>
<rect width="${CARD_WIDTH}" height="8" fill="${colour}"/>
${text(32, 44, 'cc-ci', 'fill="#57606a" font-size="15"')}
${text(32, 82, clip(results.recipe, 28), 'fill="#1b1f24" font-size="32" font-weight="bold"')}
${text(32, 108, clip(`${version} · ${results.ref.slice(0, 8)}${results.pr === null ? '' : ` · PR #${results.pr}`}`, 60), 'fill="#57606a" font-size="15"')}
<rect x="640" y="28" width="128" height="72" rx="10" fill="${colour}"/>
${text(704, 78, `L${results.level}`, 'fill="#ffffff" font-size="40" font-weight="bold" text-anchor="middle"')}
${text(704, 116, results.verdict, 'fill="#1b1f24" font-size="15" text-anchor="middle"')}
${picture}
${rows}
${text(32, 346, clip(tiers === '' ? 'no tier ran' : `tests passed: ${tiers}`, 90), 'fill="#1b1f24" font-size="14"')}
${text(32, 376, `deploys ${results.deploys.actual}/${results.deploys.expected} · clean teardown ${results.flags.cleanTeardown ? 'yes' : 'no'} · lint ${results.lint.status}`, 'fill="#1b1f24" font-size="14"')}
${text(32, 402, clip(`run ${results.runId} · ${results.finishedAt}`, 90), 'fill="#8c959f" font-size="12"')}
</svg>
`;
}
