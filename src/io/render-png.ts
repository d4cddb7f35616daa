// SVG to PNG with resvg (no browser): the summary card. Text is set in the host's DejaVu Sans
// (Debian's fonts-dejavu-core); without it resvg falls back to any system sans font.
import { Resvg } from '@resvg/resvg-js';

export function renderPng(svg: string): Buffer {
  const resvg = new Resvg(svg, { font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' }, background: '#ffffff' });
  return resvg.render().asPng();
}
