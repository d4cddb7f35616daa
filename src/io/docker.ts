// The docker CLI adapter: what cc-ci reads from the swarm, and the last-resort removal of leftovers.
import { runChecked, runCommand, type CommandOptions, type CommandResult } from './exec.js';
import type { ContainerHealth, RestartPolicy, ServiceStatus, TaskStatus } from '../domain/swarm-state.js';

export type DockerOptions = Pick<CommandOptions, 'log' | 'signal'>;

export interface StackObjects {
  readonly services: readonly string[];
  readonly containers: readonly string[];
  readonly volumes: readonly string[];
  readonly secrets: readonly string[];
  readonly configs: readonly string[];
  readonly networks: readonly string[];
}

export interface Docker {
  /** The same adapter with every call stopped by `signal` (a stage's): an aborted stage's docker calls end with it. */
  withSignal(signal: AbortSignal): Docker;
  stackServices(stack: string): Promise<ServiceStatus[]>;
  /** Every task of a service, newest first, including failed and shut-down ones. */
  serviceTasks(service: string): Promise<TaskStatus[]>;
  serviceLabels(service: string): Promise<Record<string, string>>;
  /** The service's restart policy as swarm holds it (swarm's default, condition any, when the compose sets none). */
  serviceRestartPolicy(service: string): Promise<RestartPolicy>;
  /** Health of a task's container, if it has a healthcheck and the container is still there. */
  taskContainerHealth(taskId: string): Promise<ContainerHealth | undefined>;
  /** Health of a container, if it has a healthcheck and is still there. */
  containerHealth(container: string): Promise<ContainerHealth | undefined>;
  /** Swarm's rolling-update state of a service (`updating`, `completed`, `rollback_completed`, …), if any. */
  serviceUpdateState(service: string): Promise<string | undefined>;
  /** Ids of the running containers of a swarm service. */
  runningContainers(service: string): Promise<string[]>;
  /** Adds labels to a service's spec; a change of labels alone restarts no task. */
  labelService(service: string, labels: Readonly<Record<string, string>>): Promise<void>;
  /** The id of the swarm this engine belongs to (empty when it is in none). */
  swarmId(): Promise<string>;
  /** Runs argv in a container (`docker exec -i`); the result says whether it failed. */
  exec(
    container: string,
    argv: readonly string[],
    options?: { readonly input?: string; readonly signal?: AbortSignal },
  ): Promise<CommandResult>;
  /** Host port a running task of `service` publishes for `targetPort` (host-mode publishing). */
  publishedPort(service: string, targetPort?: number): Promise<number | undefined>;
  volumeMountpoint(volume: string): Promise<string | undefined>;
  /** Everything on this engine that belongs to the stack. */
  stackObjects(stack: string): Promise<StackObjects>;
  /** Stack names with services, containers, volumes, secrets or configs on this engine. */
  stackNames(): Promise<string[]>;
  /** Removes whatever is left of the stack, in dependency order. */
  removeStackObjects(stack: string): Promise<void>;
}

function lines(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

function jsonLines<T>(text: string): T[] {
  return lines(text).map((line) => JSON.parse(line) as T);
}

export function createDocker(options: DockerOptions): Docker {
  const docker = (...commandArguments: string[]) => runChecked(['docker', ...commandArguments], options);
  const dockerQuiet = (...commandArguments: string[]) => runCommand(['docker', ...commandArguments], options);
  const namespace = (stack: string) => `label=com.docker.stack.namespace=${stack}`;
  const byPrefix = (names: string[], stack: string) => names.filter((name) => name.startsWith(`${stack}_`));

  const api: Docker = {
    withSignal: (signal) => createDocker({ ...options, signal }),
    async stackServices(stack) {
      const result = await docker('service', 'ls', '--filter', namespace(stack), '--format', '{{json .}}');
      return jsonLines<{ Name: string; Replicas: string }>(result.stdout).map((service) => {
        const [running, desired] = service.Replicas.split(' ')[0]!.split('/').map(Number);
        return { name: service.Name, running: running ?? 0, desired: desired ?? 0 };
      });
    },
    async serviceTasks(service) {
      const result = await dockerQuiet('service', 'ps', service, '--no-trunc', '--format', '{{json .}}');
      if (result.failed) return [];
      return jsonLines<{ ID: string; CurrentState: string; DesiredState: string; Error: string }>(result.stdout).map((task) => ({
        id: task.ID,
        currentState: task.CurrentState,
        desiredState: task.DesiredState,
        error: task.Error,
      }));
    },
    async serviceLabels(service) {
      const result = await docker('service', 'inspect', service, '--format', '{{json .Spec.Labels}}');
      return (JSON.parse(result.stdout) ?? {}) as Record<string, string>;
    },
    async serviceRestartPolicy(service) {
      const result = await docker('service', 'inspect', service, '--format', '{{json .Spec.TaskTemplate.RestartPolicy}}');
      const policy = JSON.parse(result.stdout) as { Condition?: RestartPolicy['condition']; MaxAttempts?: number } | null;
      return { condition: policy?.Condition ?? 'any', maxAttempts: policy?.MaxAttempts ?? 0 };
    },
    async taskContainerHealth(taskId) {
      const task = await dockerQuiet('inspect', '--type', 'task', taskId, '--format', '{{.Status.ContainerStatus.ContainerID}}');
      const container = task.stdout.trim();
      if (task.failed || container === '') return undefined;
      return api.containerHealth(container);
    },
    async containerHealth(container) {
      const health = await dockerQuiet('inspect', '--type', 'container', container, '--format', '{{json .State.Health}}');
      const parsed = health.failed ? null : (JSON.parse(health.stdout) as { Status: string; FailingStreak: number } | null);
      return parsed === null ? undefined : { status: parsed.Status, failingStreak: parsed.FailingStreak };
    },
    async serviceUpdateState(service) {
      const result = await docker('service', 'inspect', service, '--format', '{{json .UpdateStatus}}');
      const status = JSON.parse(result.stdout) as { State?: string } | null;
      return status?.State;
    },
    async labelService(service, labels) {
      await docker(
        'service',
        'update',
        '--detach',
        ...Object.entries(labels).flatMap(([key, value]) => ['--label-add', `${key}=${value}`]),
        service,
      );
    },
    async swarmId() {
      return (await docker('info', '--format', '{{.Swarm.Cluster.ID}}')).stdout.trim();
    },
    async runningContainers(service) {
      return lines(
        (
          await docker(
            'ps',
            '--filter',
            `label=com.docker.swarm.service.name=${service}`,
            '--filter',
            'status=running',
            '--format',
            '{{.ID}}',
          )
        ).stdout,
      );
    },
    exec(container, argv, execOptions = {}) {
      return runCommand(['docker', 'exec', ...(execOptions.input === undefined ? [] : ['-i']), container, ...argv], {
        ...options,
        input: execOptions.input,
        signal: execOptions.signal ?? options.signal,
        outputLevel: 'info',
      });
    },
    async publishedPort(service, targetPort) {
      for (const id of await api.runningContainers(service)) {
        const result = await dockerQuiet('inspect', id, '--format', '{{json .NetworkSettings.Ports}}');
        if (result.failed) continue;
        const ports = (JSON.parse(result.stdout) ?? {}) as Record<string, { HostIp: string; HostPort: string }[] | null>;
        for (const [key, bindings] of Object.entries(ports)) {
          if (targetPort !== undefined && key !== `${targetPort}/tcp`) continue;
          const binding = bindings?.[0];
          if (binding !== undefined) return Number(binding.HostPort);
        }
      }
      return undefined;
    },
    async volumeMountpoint(volume) {
      const result = await dockerQuiet('volume', 'inspect', volume, '--format', '{{.Mountpoint}}');
      return result.failed ? undefined : result.stdout.trim();
    },
    async stackObjects(stack) {
      const [services, containers, volumes, secrets, configs, networks] = await Promise.all([
        docker('service', 'ls', '--filter', namespace(stack), '--format', '{{.Name}}'),
        docker('ps', '-a', '--filter', namespace(stack), '--format', '{{.Names}}'),
        docker('volume', 'ls', '--format', '{{.Name}}'),
        docker('secret', 'ls', '--format', '{{.Name}}'),
        docker('config', 'ls', '--format', '{{.Name}}'),
        docker('network', 'ls', '--filter', namespace(stack), '--format', '{{.Name}}'),
      ]);
      return {
        services: lines(services.stdout),
        containers: lines(containers.stdout),
        volumes: byPrefix(lines(volumes.stdout), stack),
        secrets: byPrefix(lines(secrets.stdout), stack),
        configs: byPrefix(lines(configs.stdout), stack),
        networks: lines(networks.stdout),
      };
    },
    async stackNames() {
      const serviceIds = lines((await docker('service', 'ls', '--quiet')).stdout);
      const [services, volumes, secrets, configs] = await Promise.all([
        serviceIds.length === 0
          ? Promise.resolve({ stdout: '' })
          : docker('service', 'inspect', ...serviceIds, '--format', '{{index .Spec.Labels "com.docker.stack.namespace"}}'),
        docker('volume', 'ls', '--format', '{{.Label "com.docker.stack.namespace"}}'),
        docker('secret', 'ls', '--format', '{{.Name}}'),
        docker('config', 'ls', '--format', '{{.Name}}'),
      ]);
      // secrets and configs carry no namespace label when abra creates them: their stack is the name's head
      const fromNames = [...lines(secrets.stdout), ...lines(configs.stdout)].map((name) => name.split('_').slice(0, -2).join('_'));
      return [...new Set([...lines(services.stdout), ...lines(volumes.stdout), ...fromNames].filter((name) => name !== ''))].sort();
    },
    async removeStackObjects(stack) {
      let objects = await api.stackObjects(stack);
      if (objects.services.length > 0) await dockerQuiet('service', 'rm', ...objects.services);
      if (objects.containers.length > 0) await dockerQuiet('rm', '-f', ...objects.containers);
      objects = await api.stackObjects(stack);
      if (objects.networks.length > 0) await dockerQuiet('network', 'rm', ...objects.networks);
      if (objects.volumes.length > 0) await dockerQuiet('volume', 'rm', '-f', ...objects.volumes);
      if (objects.secrets.length > 0) await dockerQuiet('secret', 'rm', ...objects.secrets);
      if (objects.configs.length > 0) await dockerQuiet('config', 'rm', ...objects.configs);
    },
  };
  return api;
}
