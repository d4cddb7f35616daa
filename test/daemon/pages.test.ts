// The daemon's read-only HTTP pages over a real run: the live log followed over server-sent events
// while the run goes, the run page with rungs, reasons, tests and artifacts, results.json, the plain
// log — every line redacted — and paths that are not run ids answered 404.
// Serial: both daemons poll recipes/web, so side by side the second would also run the first's trigger.
import test from 'ava';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RUNG_NAMES } from '../../src/domain/rungs.js';
import { Results } from '../../src/results/schema.js';
import { byMessage, daemonForTest, runResults, triggeredPulls } from '../helpers/daemon-harness.js';

const SECRET = 'webhook-secret-that-must-never-be-served';

/** Reads a server-sent event stream to its end: the events in order. */
async function readEvents(url: string): Promise<{ event: string; data: string }[]> {
  const response = await fetch(url, { headers: { accept: 'text/event-stream' } });
  if (response.headers.get('content-type')?.startsWith('text/event-stream') !== true)
    throw new Error(`not an event stream: ${response.headers.get('content-type')}`);
  const events: { event: string; data: string }[] = [];
  let buffer = '';
  const decoder = new TextDecoder();
  for await (const chunk of response.body!) {
    buffer += decoder.decode(chunk, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) !== -1) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
      const data = [...block.matchAll(/^data: ?(.*)$/gm)].map((match) => match[1]).join('\n');
      events.push({ event, data });
    }
  }
  return events;
}

test.serial('the live log follows a run to its end; the run page, results.json and the log show the finished run', async (t) => {
  t.timeout(6 * 60_000);
  const daemon = await daemonForTest(t, { repositories: ['recipes/web'], webhookSecret: SECRET });
  await triggeredPulls(t, 'web', 1);
  const runId = String((await daemon.waitForLog(byMessage('run starting'), 'the run starting')).runId);
  const [live, machine] = await Promise.all([
    readEvents(`${daemon.url}/runs/${runId}/log`),
    readEvents(`${daemon.url}/runs/${runId}/machine/events`),
  ]);
  t.is(live.at(-1)?.event, 'end', 'the stream ends when the run has finished');
  const lines = live.filter((event) => event.event === 'line').map((event) => event.data);
  t.regex(lines[0] ?? '', /^\d\d:\d\d:\d\d\.\d{3} info  run started /);
  t.true(
    lines.some((line) => / info  run finished /.test(line)),
    'the last entries of the run came through',
  );

  // the machine view followed the run machine from its first state to its last
  t.is(machine.at(-1)?.event, 'end');
  const transitions = machine
    .filter((event) => event.event === 'transition')
    .map((event) => JSON.parse(event.data) as { machine: { event: string; state: unknown } });
  t.deepEqual(transitions[0]?.machine, { event: 'xstate.init', state: 'sweeping' });
  t.deepEqual(transitions.at(-1)?.machine.state, 'finished');
  for (const event of [
    'xstate.done.actor.prepareRun',
    'lock.acquired',
    'install.deployAttempted',
    'install.ready',
    'xstate.done.actor.captureScreenshot',
    'xstate.done.actor.tearDownApp',
  ])
    t.true(
      transitions.some((transition) => transition.machine.event === event),
      event,
    );
  t.false(
    lines.some((line) => line.includes('machine transition')),
    'the log views leave the transitions to the machine view',
  );
  const machinePage = await (await fetch(`${daemon.url}/runs/${runId}/machine`)).text();
  t.true(machinePage.includes('<li data-path="finished" class="active">'));
  t.true(machinePage.includes('<td><code>install.ready</code></td>'));
  t.false(machinePage.includes('<script>'), 'a finished run needs no script');

  const [results] = (await runResults(daemon)).filter((entry) => entry.runId === runId);
  t.is(results?.verdict, 'success');
  const plain = await fetch(`${daemon.url}/runs/${runId}/log`);
  t.is(plain.headers.get('content-type'), 'text/plain; charset=UTF-8');
  t.deepEqual((await plain.text()).split('\n'), lines, 'the plain log is what the stream sent');

  const page = await fetch(`${daemon.url}/runs/${runId}`);
  t.is(page.status, 200);
  t.is(page.headers.get('content-type'), 'text/html; charset=UTF-8');
  const html = await page.text();
  t.regex(html, /<h2>Result: level 5, <span class="success">success<\/span> \(exit 0\)<\/h2>/);
  for (const name of RUNG_NAMES) t.regex(html, new RegExp(`<tr><td>${name}</td><td class="pass">pass</td><td>[^<]+</td></tr>`));
  for (const tier of results!.tiers)
    for (const entry of tier.tests)
      t.true(html.includes(`<td>${entry.name.replaceAll("'", '&#39;').replaceAll('"', '&quot;')}</td>`), `test ${entry.name} listed`);
  t.true(html.includes(`href="/runs/${runId}/results.json"`));
  t.true(html.includes(`href="/runs/${runId}/log"`));
  t.false(html.includes('<script>'), 'a finished run needs no script');

  const served = await fetch(`${daemon.url}/runs/${runId}/results.json`);
  t.is(served.headers.get('content-type'), 'application/json; charset=utf-8');
  t.deepEqual(Results.parse(await served.json()), results);

  // what the daemon saw of that run, in Prometheus text format
  const scraped = await fetch(`${daemon.url}/metrics`);
  t.regex(scraped.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  const metrics = await scraped.text();
  t.true(metrics.includes('ccci_runs_total{verdict="success",level="5"} 1'), metrics);
  t.true(metrics.includes('ccci_run_duration_seconds_count 1'));
  for (const stage of ['prepare', 'deploy', 'install', 'upgrade', 'backup', 'restore', 'functional', 'lint', 'teardown'])
    t.true(metrics.includes(`ccci_stage_duration_seconds_count{stage="${stage}"} 1`), `stage ${stage}`);
  t.regex(metrics, /^ccci_forge_requests_total\{endpoint="GET \/user",outcome="ok"\} [1-9]/m);
  t.regex(metrics, /^ccci_forge_requests_total\{endpoint="POST \/repos\/\{owner\}\/\{repo\}\/statuses\/\{sha\}",outcome="ok"\} [1-9]/m);
  t.true(metrics.includes('ccci_queue_depth 0'));
  t.true(metrics.includes('ccci_runs_in_progress 0'));
  t.regex(metrics, /^ccci_daemon_process_resident_memory_bytes \d+/m);
});

test.serial(
  "every served line passes the daemon's redactor; what is not a run id is 404; /healthz says what the daemon does",
  async (t) => {
    const daemon = await daemonForTest(t, { repositories: ['recipes/web'], webhookSecret: SECRET });
    // a run directory as a manual run leaves it, whose log happens to quote the daemon's webhook secret
    const runId = '20261202T120000Z-abcdef-p42';
    await mkdir(join(daemon.runsDir, runId));
    await writeFile(join(daemon.runsDir, runId, 'run.log'), `${JSON.stringify({ level: 30, time: 0, msg: `leaked ${SECRET} here` })}\n`);
    const log = await (await fetch(`${daemon.url}/runs/${runId}/log`)).text();
    t.is(log, '00:00:00.000 info  leaked [REDACTED] here');
    const page = await (await fetch(`${daemon.url}/runs/${runId}`)).text();
    t.true(page.includes('leaked [REDACTED] here'));
    t.false(page.includes(SECRET));
    t.regex(page, /This run left no results\.json\./);

    for (const path of [
      '/runs/..%2F..%2Fetc',
      '/runs/20261202T120000Z-abcdef%2F..',
      '/runs/not-a-run/log',
      '/runs/20991231T000000Z-000000',
      '/runs/20991231T000000Z-000000/results.json',
    ]) {
      t.is((await fetch(`${daemon.url}${path}`)).status, 404, path);
    }
    const health = (await (await fetch(`${daemon.url}/healthz`)).json()) as Record<string, unknown>;
    t.like(health, { status: 'ok', waiting: 0, running: [], forgeBlocked: null, owed: 0 });
    t.like(health.lastPoll, { repositories: 1, failed: [] });
  },
);
