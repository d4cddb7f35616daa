// The engine's floor for the steps a `web` run makes (npm run bench prints it beside each stage):
// raw docker on a busybox service shaped like web (same healthcheck, stop grace 2 s, a host-mode
// port), timed from the command to the state the run waits for.
import { execa } from 'execa';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const STACK = 'ccci_bench_floor';
const COMPOSE = `version: "3.8"
services:
  app:
    image: ccci-testbed/busybox:1.35.0
    command: ["sh", "-c", "echo '<h1>floor</h1>' > /tmp/index.html && exec httpd -f -p 80 -h /tmp"]
    healthcheck:
      test: ["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1/"]
      interval: 2s
      timeout: 2s
      retries: 3
      start_period: 5s
    stop_grace_period: 2s
    ports:
      - target: 80
        mode: host
    deploy:
      restart_policy:
        condition: on-failure
`;

export interface Floor {
  readonly deployMs: number;
  readonly updateMs: number;
  readonly removeMs: number;
}

const docker = async (...args: string[]) => (await execa('docker', args)).stdout.trim();
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The running task's id once its container reports healthy; polled as fast as docker answers. */
async function healthyTask(except?: string): Promise<string> {
  for (;;) {
    const tasks = (
      await docker('service', 'ps', `${STACK}_app`, '--filter', 'desired-state=running', '--format', '{{.ID}} {{.CurrentState}}')
    ).split('\n');
    for (const line of tasks) {
      const [id, state] = line.split(' ');
      if (id === undefined || id === except || state !== 'Running') continue;
      const container = await docker('inspect', id, '--format', '{{.Status.ContainerStatus.ContainerID}}').catch(() => '');
      if (container === '') continue;
      const health = await docker('inspect', container, '--format', '{{.State.Health.Status}}').catch(() => '');
      if (health === 'healthy') return id;
    }
    await pause(100);
  }
}

async function stackGone(): Promise<void> {
  for (;;) {
    const left = [
      await docker('service', 'ls', '--quiet', '--filter', `label=com.docker.stack.namespace=${STACK}`),
      await docker('network', 'ls', '--quiet', '--filter', `label=com.docker.stack.namespace=${STACK}`),
      await docker('ps', '--all', '--quiet', '--filter', `label=com.docker.stack.namespace=${STACK}`),
    ].join('');
    if (left === '') return;
    await pause(100);
  }
}

export async function measureFloor(): Promise<Floor> {
  const dir = await mkdtemp(join(tmpdir(), 'ccci-floor-'));
  const file = join(dir, 'compose.yml');
  await writeFile(file, COMPOSE);
  try {
    let started = performance.now();
    await docker('stack', 'deploy', '--detach=true', '--compose-file', file, STACK);
    const first = await healthyTask();
    const deployMs = performance.now() - started;
    started = performance.now();
    await docker('service', 'update', '--force', '--detach', `${STACK}_app`);
    await healthyTask(first);
    const updateMs = performance.now() - started;
    started = performance.now();
    await docker('stack', 'rm', STACK);
    await stackGone();
    const removeMs = performance.now() - started;
    return { deployMs, updateMs, removeMs };
  } finally {
    await execa('docker', ['stack', 'rm', STACK], { reject: false });
    await rm(dir, { recursive: true, force: true });
  }
}
