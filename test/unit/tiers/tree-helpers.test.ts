// The helpers `cc-ci/recipe` gives a tree's tests: the env contract's files read for them, HTTP to the
// app without following redirects, and a command in a service's container (a stand-in `docker` on PATH).
import test from 'ava';
import { chmod, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONTRACT_NAMES } from '../../../src/tiers/tier-context.js';
import { appRequest, contractEnv, hookValue, opState, readyDependency, serviceExec, tierContext } from '../../../src/tiers/tree-helpers.js';

let root = '';
let baseUrl = '';

test.before(async () => {
  root = await mkdtemp(join(tmpdir(), 'ccci-tree-helpers-'));
  const state = join(root, 'state');
  await mkdir(state);
  const server = createServer((request, response) => {
    if (request.url === '/moved') {
      response.writeHead(302, { location: '/elsewhere' }).end();
      return;
    }
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      response
        .writeHead(200, { 'content-type': 'text/plain' })
        .end(`${request.method} ${request.url} ${request.headers['user-agent']} ${body}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  server.unref();
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const env: Record<string, string> = {
    CCCI_RUN_ID: 'r1',
    CCCI_APP_DOMAIN: 'app-abc123.ci.test',
    CCCI_BASE_URL: `${baseUrl}/`,
    CCCI_RECIPE: 'app',
    CCCI_OP: 'functional',
    ABRA_DIR: join(root, 'abra'),
    CCCI_OP_STATE_FILE: join(state, 'op-state.json'),
    CCCI_DEPS_FILE: join(state, 'deps.json'),
    CCCI_DEPS_SKIP_FILE: join(state, 'deps-skip.json'),
    CCCI_DEPLOYS_FILE: join(state, 'deploys'),
    CCCI_CONTEXT_FILE: join(state, 'context.json'),
  };
  Object.assign(process.env, env);
  await writeFile(
    env.CCCI_CONTEXT_FILE!,
    JSON.stringify({
      runId: 'r1',
      recipe: 'app',
      domain: 'app-abc123.ci.test',
      stack: 'app-abc123',
      appService: 'app-abc123_app',
      healthPath: '/',
      healthOk: [200],
      httpTimeoutSeconds: 5,
      abra: { bin: 'abra', tty: false, server: 'default' },
    }),
  );
  await writeFile(
    env.CCCI_DEPS_FILE!,
    JSON.stringify({
      kv: { recipe: 'kv', domain: 'kv-1.ci.test', stack: 'kv-1', baseUrl: 'http://127.0.0.1:1', secrets: { password: 'p4ssw0rd!' } },
    }),
  );
  await writeFile(env.CCCI_DEPS_SKIP_FILE!, JSON.stringify({ db: 'its deploy failed' }));
  // a stand-in docker: `ps` names a container for the app services of two stacks, `exec` echoes what it got
  const bin = join(root, 'bin');
  await mkdir(bin);
  await writeFile(
    join(bin, 'docker'),
    `#!/bin/sh
echo "$*" >> "${join(root, 'docker.log')}"
case "$1" in
  ps) case "$*" in *service.name=app-abc123_app\\ *|*service.name=kv-1_app\\ *) echo c0ffee ;; esac ;;
  exec)
    shift
    input=none
    if [ "$1" = -i ]; then shift; input=$(cat); fi
    shift
    if [ "$1" = fail ]; then echo broken >&2; exit 3; fi
    echo "ran $* input=$input" ;;
esac
`,
  );
  await chmod(join(bin, 'docker'), 0o755);
  process.env.PATH = `${bin}:${process.env.PATH}`;
});

test.serial('contractEnv names every contract variable; an unset one is named in the error', (t) => {
  t.deepEqual(Object.keys(contractEnv()).sort(), [...CONTRACT_NAMES].sort());
  const value = process.env.CCCI_DEPS_FILE;
  delete process.env.CCCI_DEPS_FILE;
  try {
    t.throws(() => contractEnv(), { message: 'not started by cc-ci: the env contract is incomplete (CCCI_DEPS_FILE unset)' });
  } finally {
    process.env.CCCI_DEPS_FILE = value;
  }
});

test.serial('tierContext is the parsed context file', async (t) => {
  t.like(await tierContext(), { stack: 'app-abc123', appService: 'app-abc123_app', healthOk: [200] });
});

test.serial('opState is {} before anything was recorded; hookValue reads hooks.<key>', async (t) => {
  t.deepEqual(await opState(), {});
  t.is(await hookValue('seed'), undefined);
  await writeFile(process.env.CCCI_OP_STATE_FILE!, JSON.stringify({ backup: { attempt: 1 }, hooks: { seed: { file: '/x', value: 'v' } } }));
  t.deepEqual(await hookValue('seed'), { file: '/x', value: 'v' });
  t.deepEqual((await opState()).backup, { attempt: 1 });
});

test.serial('readyDependency: the record of a ready one; the reason of one that is not; one not in DEPS', async (t) => {
  t.like(await readyDependency('kv'), { domain: 'kv-1.ci.test', secrets: { password: 'p4ssw0rd!' } });
  await t.throwsAsync(readyDependency('db'), { message: 'dependency db is not ready: its deploy failed' });
  await t.throwsAsync(readyDependency('mail'), { message: 'dependency mail was not deployed for this run (is it in DEPS?)' });
});

test.serial('appRequest: the base URL plus the path, method and body, redirects not followed', async (t) => {
  const answer = await appRequest('/hello?x=1', { method: 'POST', body: 'payload' });
  t.is(answer.status, 200);
  t.is(answer.body, 'POST /hello?x=1 cc-ci payload');
  t.is(answer.headers.get('content-type'), 'text/plain');
  const moved = await appRequest('/moved');
  t.is(moved.status, 302);
  t.is(moved.headers.get('location'), '/elsewhere');
  t.is((await appRequest('/other', { baseUrl })).body, 'GET /other cc-ci ');
  await t.throwsAsync(appRequest('relative'), { message: 'appRequest: "relative" is not a path (it starts with /)' });
});

test.serial(
  "serviceExec: argv in the service's running container, with input, in another stack; a failure and no container throw",
  async (t) => {
    t.deepEqual(await serviceExec('app', ['cat', '/etc/motd']), { stdout: 'ran cat /etc/motd input=none\n', stderr: '' });
    t.is((await serviceExec('app', ['sh', '-c', 'cat > /f'], { input: 'bytes' })).stdout, 'ran sh -c cat > /f input=bytes\n');
    t.is((await serviceExec('app', ['true'], { stack: 'kv-1' })).stdout, 'ran true input=none\n');
    const failure = await t.throwsAsync(serviceExec('app', ['fail']));
    t.true(failure?.message.endsWith(': broken'), failure?.message);
    await t.throwsAsync(serviceExec('db', ['true']), { message: 'serviceExec: service app-abc123_db has no running container' });
    const log = await readFile(join(root, 'docker.log'), 'utf8');
    t.true(log.includes('ps -q --filter label=com.docker.swarm.service.name=app-abc123_app --filter status=running\n'), log);
    t.true(log.includes('exec -i c0ffee sh -c cat > /f\n'), log);
  },
);
