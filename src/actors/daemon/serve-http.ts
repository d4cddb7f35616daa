// The HTTP server (hono on node:http), bound to the configured address for the daemon's whole life.
import { createAdaptorServer } from '@hono/node-server';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fromCallback } from 'xstate';
import type { DaemonEvent } from '../../machines/daemon.machine.js';
import { createWebApp } from '../../web/app.js';
import type { DaemonWorld } from './daemon-world.js';

export function makeServeHttp(world: DaemonWorld) {
  return fromCallback<DaemonEvent, undefined>(({ sendBack }) => {
    const log = world.log.child({ component: 'http' });
    const app = createWebApp({
      store: world.store,
      runsDir: world.config.runsDir,
      dispatcher: world.dispatcher,
      admitter: world.admitter,
      webhookSecret: world.webhookSecret,
      limitMinutes: world.limitMinutes,
      recipes: world.enrolled.map((entry) => entry.recipe),
      metrics: world.metrics,
      redact: world.redact,
      log,
      health: () => ({ ...world.health, owed: world.store.pendingStatuses().length + world.store.pendingComments().length }),
    });
    const server = createAdaptorServer({ fetch: app.fetch }) as Server;
    let listening = false;
    server.on('error', (error) => {
      if (!listening)
        sendBack({ type: 'http.failed', message: `${world.daemon.listen.host}:${world.daemon.listen.port}: ${error.message}` });
      else log.error({ err: error }, 'HTTP server error');
    });
    server.listen(world.daemon.listen.port, world.daemon.listen.host, () => {
      listening = true;
      const address = server.address() as AddressInfo;
      const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      const url = `http://${host}:${address.port}`;
      if (world.daemon.publicUrl === undefined) world.links.publicUrl = url;
      log.info({ url, publicUrl: world.links.publicUrl, webhook: world.webhookSecret !== undefined }, 'HTTP server listening');
      sendBack({ type: 'http.listening', url });
    });
    return () => {
      // live-log streams would hold close() open: end them
      server.closeAllConnections();
      server.close();
    };
  });
}
