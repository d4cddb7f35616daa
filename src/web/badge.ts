// /badge/<recipe>.svg: a shields-style badge `cc-ci | <recipe> L<n>`, coloured by level; `no runs`
// while nothing is published. Text widths are estimated per character (Verdana 11 px averages), as
// shields does without a font at hand.

/** Colours by level, red to bright green; grey for no published level. */
const LEVEL_COLOURS = ['#e05d44', '#fe7d37', '#dfb317', '#a4a61d', '#97ca00', '#44cc11'] as const;
const NONE_COLOUR = '#9f9f9f';

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** About 6.5 px per character of Verdana 11 px, plus padding on both sides. */
function textWidth(text: string): number {
  return Math.round(text.length * 6.5 + 10);
}

export function badgeSvg(recipe: string, level: number | undefined): string {
  const label = 'cc-ci';
  const message = level === undefined ? `${recipe} no runs` : `${recipe} L${level}`;
  const colour = level === undefined ? NONE_COLOUR : LEVEL_COLOURS[level]!;
  const left = textWidth(label);
  const right = textWidth(message);
  const width = left + right;
  const title = escapeXml(`${label}: ${message}`);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="20" role="img" aria-label="${title}">
<title>${title}</title>
<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>
<clipPath id="r"><rect width="${width}" height="20" rx="3" fill="#fff"/></clipPath>
<g clip-path="url(#r)"><rect width="${left}" height="20" fill="#555"/><rect x="${left}" width="${right}" height="20" fill="${colour}"/><rect width="${width}" height="20" fill="url(#s)"/></g>
<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="11">
<text x="${left / 2}" y="14">${escapeXml(label)}</text><text x="${left + right / 2}" y="14">${escapeXml(message)}</text>
</g>
</svg>
`;
}
