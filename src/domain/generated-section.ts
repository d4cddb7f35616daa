// Generated sections of a markdown document: what lies between `<!-- generated:<name> -->` and
// `<!-- /generated:<name> -->` is rewritten from a source; a drift test compares the two.

function startMarker(section: string): string {
  return `<!-- generated:${section} -->`;
}

function endMarker(section: string): string {
  return `<!-- /generated:${section} -->`;
}

function missingMarker(marker: string, section: string): Error {
  return new Error(
    `missing marker ${marker}: the generated section ${section} must sit between ${startMarker(section)} and ${endMarker(section)}`,
  );
}

/** The document with the section's content replaced; throws naming the marker that is missing or repeated. */
export function replaceSection(doc: string, section: string, content: string): string {
  const start = startMarker(section);
  const end = endMarker(section);
  const from = doc.indexOf(start);
  if (from === -1) throw missingMarker(start, section);
  if (doc.indexOf(start, from + start.length) !== -1) throw new Error(`marker ${start} appears more than once`);
  const to = doc.indexOf(end, from + start.length);
  if (to === -1) throw missingMarker(end, section);
  return `${doc.slice(0, from + start.length)}\n${content}\n${doc.slice(to)}`;
}
