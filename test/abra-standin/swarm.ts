// Reading the swarm: a stack's services, containers, networks, and waiting for them.
import { docker, dockerChecked, lines } from './proc.js';

export interface ServiceInfo {
  readonly id: string;
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly replicated: boolean;
  readonly mounts: readonly { Type?: string; Source?: string; Target?: string }[];
  readonly updateState: string | null;
  readonly updateMessage: string;
}

export function stackServiceIds(stack: string): string[] {
  return lines(dockerChecked(['service', 'ls', '--filter', `label=com.docker.stack.namespace=${stack}`, '--format', '{{.ID}}']));
}

export function isDeployed(stack: string): boolean {
  return stackServiceIds(stack).length > 0;
}

export function inspectServices(ids: readonly string[]): ServiceInfo[] {
  if (ids.length === 0) return [];
  const raw = JSON.parse(dockerChecked(['service', 'inspect', ...ids])) as any[];
  return raw.map((s) => ({
    id: s.ID,
    name: s.Spec?.Name ?? s.ID,
    labels: s.Spec?.Labels ?? {},
    replicated: s.Spec?.Mode?.Replicated !== undefined,
    mounts: s.Spec?.TaskTemplate?.ContainerSpec?.Mounts ?? [],
    updateState: s.UpdateStatus?.State ?? null,
    updateMessage: s.UpdateStatus?.Message ?? '',
  }));
}

export function stackServices(stack: string): ServiceInfo[] {
  return inspectServices(stackServiceIds(stack));
}

/** Running containers of a service (by swarm service name). */
export function runningContainers(serviceName: string): string[] {
  return lines(
    dockerChecked([
      'ps',
      '--filter',
      `label=com.docker.swarm.service.name=${serviceName}`,
      '--filter',
      'status=running',
      '--format',
      '{{.ID}}',
    ]),
  );
}

export function stackContainers(stack: string): string[] {
  return lines(dockerChecked(['ps', '-a', '--filter', `label=com.docker.stack.namespace=${stack}`, '--format', '{{.ID}}']));
}

export function stackNetworks(stack: string): string[] {
  return lines(dockerChecked(['network', 'ls', '--filter', `label=com.docker.stack.namespace=${stack}`, '--format', '{{.Name}}']));
}

/** `running/desired` per service from `docker service ls`. */
export function replicas(stack: string): Map<string, { running: number; desired: number; text: string }> {
  const map = new Map<string, { running: number; desired: number; text: string }>();
  const out = dockerChecked([
    'service',
    'ls',
    '--filter',
    `label=com.docker.stack.namespace=${stack}`,
    '--format',
    '{{.Name}}\t{{.Replicas}}',
  ]);
  for (const line of lines(out)) {
    const [name = '', text = ''] = line.split('\t');
    const m = /^(\d+)\/(\d+)/.exec(text);
    map.set(name, { running: m ? Number(m[1]) : 0, desired: m ? Number(m[2]) : 0, text });
  }
  return map;
}

/** The last task error of a service, if any (for timeout messages). */
export function lastTaskError(serviceName: string): string {
  const result = docker(['service', 'ps', serviceName, '--no-trunc', '--format', '{{.CurrentState}}\t{{.Error}}']);
  const tasks = lines(result.stdout).map((line) => line.split('\t'));
  const failed = tasks.find(([, error]) => error !== undefined && error.trim() !== '');
  const pick = failed ?? tasks[0];
  return pick ? pick.filter((part) => part.trim() !== '').join(': ') : '';
}
