// badgeSvg: the label, the message with the level or "no runs", a colour per level, and escaping.
import test from 'ava';
import { badgeSvg } from '../../../src/web/badge.js';

test('a level shows as <recipe> L<n> in its own colour, one colour per level', (t) => {
  const colours = new Set<string>();
  for (let level = 0; level <= 5; level++) {
    const svg = badgeSvg('web', level);
    t.true(svg.includes(`>web L${level}</text>`), svg);
    t.true(svg.includes('aria-label="cc-ci: web L' + level + '"'));
    colours.add(/<rect x="\d+" width="\d+" height="20" fill="(#[0-9a-f]+)"\/>/.exec(svg)![1]!);
  }
  t.is(colours.size, 6);
});

test('no published level is "no runs", in grey', (t) => {
  const svg = badgeSvg('keycloak', undefined);
  t.true(svg.includes('>keycloak no runs</text>'));
  t.true(svg.includes('fill="#9f9f9f"'));
});

test('the width grows with the text, and the markup is well formed', (t) => {
  const short = Number(/width="(\d+)"/.exec(badgeSvg('a', 1))![1]);
  const long = Number(/width="(\d+)"/.exec(badgeSvg('a-much-longer-recipe-name', 1))![1]);
  t.true(long > short);
  t.regex(badgeSvg('web', 5), /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]*>[\s\S]*<\/svg>\n$/);
});
