// A node:test reporter writing one JSON line per finished test; cc-ci reads them into results.json.
// Plain JavaScript: node loads reporters before any --import loader, so TypeScript is not an option here.

/** @param {AsyncIterable<{ type: string, data: any }>} source */
export default async function* jsonReporter(source) {
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const { data } = event;
    if (data.details?.type === 'suite') continue;
    const skipped = data.skip !== undefined && data.skip !== false;
    const error = data.details?.error;
    yield `${JSON.stringify({
      name: data.name,
      file: data.file ?? null,
      status: event.type === 'test:fail' ? 'fail' : skipped ? 'skip' : 'pass',
      ms: Math.round(data.details?.duration_ms ?? 0),
      message:
        event.type === 'test:fail'
          ? (error?.cause?.message ?? error?.message ?? 'failed')
          : skipped && typeof data.skip === 'string'
            ? data.skip
            : undefined,
    })}\n`;
  }
}
