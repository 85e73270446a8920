import express from 'express';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { adminRoutes, type FaultControl, type Faults } from './admin';
import { spruceErrorHandler, tenantApi } from './api';
import { SpruceError, SpruceStore } from './store';
import { WebhookDispatcher, type WebhookOptions } from './webhooks';

export { SpruceStore } from './store';
export { signWebhook } from './webhooks';
export type { Book, Change, GlPosting } from './types';

/**
 * A stand-in for the ECI Spruce ERP: a real HTTP server speaking the connector contract in
 * docs/spruce-api.md, multi-tenant, with its own storage, signed change webhooks, a GL
 * posting endpoint and fault switches for outages, slowness and lost webhooks.
 */

export interface SpruceEmulatorOptions {
  port: number;
  host?: string;
  /** Persist the book, change log and ledger as a JSON snapshot here. */
  dataDir?: string;
  log?: (message: string, data?: Record<string, unknown>) => void;
  tenants?: Array<{ id: string; name?: string; apiKey: string }>;
  webhooks?: Partial<WebhookOptions>;
}

export interface SpruceEmulator extends FaultControl {
  url: string;
  port: number;
  store: SpruceStore;
  webhooks: WebhookDispatcher;
  stop(): Promise<void>;
}

const DEFAULT_WEBHOOKS: WebhookOptions = { maxBatch: 200, initialBackoffMs: 200, maxBackoffMs: 30_000, timeoutMs: 10_000 };

export async function startSpruceEmulator(options: SpruceEmulatorOptions): Promise<SpruceEmulator> {
  const log = options.log ?? (() => undefined);
  const host = options.host ?? '127.0.0.1';
  const store = new SpruceStore(options.dataDir);
  for (const tenant of options.tenants ?? []) if (!store.findTenant(tenant.id)) store.createTenant(tenant);

  let faults: Faults = { outage: 'none', delayMs: 0, dropWebhooks: false };
  let outageTimer: NodeJS.Timeout | undefined;
  let outageEndsAt: string | null = null;

  const dispatcher = new WebhookDispatcher(
    store,
    { deliveriesAllowed: () => faults.outage === 'none', dropping: () => faults.dropWebhooks },
    { ...DEFAULT_WEBHOOKS, ...options.webhooks },
    log,
  );

  const app = express();
  app.disable('x-powered-by');
  app.use('/v1', async (_req, res, next) => {
    if (faults.outage === 'unavailable') {
      res.set('Retry-After', '1');
      next(new SpruceError(503, 'service_unavailable', 'Spruce is temporarily unavailable; retry later.'));
      return;
    }
    if (faults.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, faults.delayMs));
    next();
  });

  const server: Server = createServer(app);
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const listenOn = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve((server.address() as AddressInfo).port);
      });
    });
  const closeListener = () =>
    new Promise<void>((resolve) => {
      if (!server.listening) return resolve();
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    });

  const control: FaultControl = {
    faults: () => ({ ...faults, outageEndsAt }),
    async setFaults(next) {
      const previous = faults.outage;
      faults = {
        outage: next.outage ?? faults.outage,
        delayMs: next.delayMs ?? faults.delayMs,
        dropWebhooks: next.dropWebhooks ?? faults.dropWebhooks,
      };
      if (outageTimer) clearTimeout(outageTimer);
      outageTimer = undefined;
      outageEndsAt = null;
      if (faults.outage !== 'none' && next.durationMs) {
        outageEndsAt = new Date(Date.now() + next.durationMs).toISOString();
        outageTimer = setTimeout(() => void control.setFaults({ outage: 'none' }), next.durationMs);
        outageTimer.unref();
      }
      if (faults.outage === 'refuse' && previous !== 'refuse') await closeListener();
      if (faults.outage !== 'refuse' && previous === 'refuse') await listenOn(port);
      log('faults changed', { ...faults, outageEndsAt });
      if (faults.outage === 'none') dispatcher.kickAll();
    },
  };

  app.use(tenantApi(store));
  app.use(adminRoutes(store, dispatcher, control));
  app.use(spruceErrorHandler);

  const port = await listenOn(options.port);
  const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
  log('spruce emulator listening', { url, tenants: store.listTenants().length });
  // A restarted emulator resumes pushing what its receivers have not acknowledged yet.
  dispatcher.kickAll();

  return {
    url,
    port,
    store,
    webhooks: dispatcher,
    ...control,
    async stop() {
      if (outageTimer) clearTimeout(outageTimer);
      dispatcher.stop();
      await closeListener();
      store.flush();
    },
  };
}
