// pngStats: size and luminance variance of a real PNG; one colour is blank, a drawing is not.
import test from 'ava';
import { renderPng } from '../../../src/io/render-png.js';
import { BLANK_VARIANCE, pngStats } from '../../../src/io/png.js';

const svg = (body: string) => `<svg xmlns="http://www.w3.org/2000/svg" width="64" height="32">${body}</svg>`;

test('a single-colour image has no variance: blank', (t) => {
  const stats = pngStats(renderPng(svg('<rect width="64" height="32" fill="#3366cc"/>')));
  t.is(stats.width, 64);
  t.is(stats.height, 32);
  t.true(stats.variance < BLANK_VARIANCE);
});

test('a drawing on white varies: not blank', (t) => {
  const stats = pngStats(renderPng(svg('<rect x="8" y="8" width="24" height="16" fill="#000"/>')));
  t.true(stats.variance > 1000, String(stats.variance));
});
