import { createHmac, randomUUID } from 'node:crypto';
import type { SpruceStore } from './store';
import type { Change } from './types';

/**
 * Pushes every change to the tenant's registered webhook at once, in sequence order. One
 * delivery loop per tenant: when the receiver is down the same delivery (same id, same
 * changes, fresh timestamp and signature) is retried with exponential backoff, and nothing
 * later overtakes it. Changes that pile up meanwhile travel together in the next delivery.
 */

export interface WebhookOptions {
  maxBatch: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
  timeoutMs: number;
}

export interface DeliveryGate {
  /** False while the emulator is in an outage: nothing is pushed. */
  deliveriesAllowed(): boolean;
  /** True when webhooks are being dropped on the floor (the feed still has them). */
  dropping(): boolean;
}

export interface TenantDeliveryStatus {
  attempts: number;
  failures: number;
  consecutiveFailures: number;
  delivered: number;
  dropped: number;
  lastError: string | null;
  lastDeliveredAt: string | null;
}

interface PendingDelivery {
  id: string;
  changes: Change[];
}

export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export class WebhookDispatcher {
  private readonly running = new Set<string>();
  private readonly rerun = new Set<string>();
  private readonly pending = new Map<string, PendingDelivery>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly statuses = new Map<string, TenantDeliveryStatus>();
  private stopped = false;

  constructor(
    private readonly store: SpruceStore,
    private readonly gate: DeliveryGate,
    private readonly options: WebhookOptions,
    private readonly log: (message: string, data?: Record<string, unknown>) => void,
  ) {
    store.on('change', (tenantId) => this.kick(tenantId));
  }

  status(tenantId: string): TenantDeliveryStatus {
    let status = this.statuses.get(tenantId);
    if (!status) {
      status = { attempts: 0, failures: 0, consecutiveFailures: 0, delivered: 0, dropped: 0, lastError: null, lastDeliveredAt: null };
      this.statuses.set(tenantId, status);
    }
    return status;
  }

  /** Starts delivering for a tenant unless a loop is already running or waiting to retry. */
  kick(tenantId: string): void {
    if (this.stopped || this.timers.has(tenantId)) return;
    if (this.running.has(tenantId)) {
      // The running loop may be past its last look at the log: make it look again.
      this.rerun.add(tenantId);
      return;
    }
    this.running.add(tenantId);
    void this.run(tenantId).finally(() => {
      this.running.delete(tenantId);
      if (this.rerun.delete(tenantId)) this.kick(tenantId);
    });
  }

  /** Retries every waiting tenant now (after an outage ends). */
  kickAll(): void {
    for (const [tenantId, timer] of this.timers) {
      clearTimeout(timer);
      this.timers.delete(tenantId);
    }
    for (const tenant of this.store.listTenants()) this.kick(tenant.id);
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  private async run(tenantId: string): Promise<void> {
    for (;;) {
      if (this.stopped || !this.gate.deliveriesAllowed()) return;
      const tenant = this.store.findTenant(tenantId);
      const webhook = tenant?.webhook;
      if (!tenant || !webhook) return;
      const status = this.status(tenantId);
      let delivery = this.pending.get(tenantId);
      if (!delivery) {
        if (webhook.deliveredSeq >= tenant.seq) return;
        const changes = this.store.changesAfter(tenant, webhook.deliveredSeq, this.options.maxBatch);
        if (this.gate.dropping()) {
          status.dropped += changes.length;
          this.store.markDelivered(tenantId, changes.at(-1)!.seq);
          continue;
        }
        delivery = { id: `dlv_${randomUUID()}`, changes };
        this.pending.set(tenantId, delivery);
      }
      status.attempts += 1;
      const error = await this.send(tenantId, webhook.url, webhook.secret, delivery);
      if (!error) {
        this.pending.delete(tenantId);
        this.store.markDelivered(tenantId, delivery.changes.at(-1)!.seq);
        status.delivered += delivery.changes.length;
        status.consecutiveFailures = 0;
        status.lastDeliveredAt = new Date().toISOString();
        continue;
      }
      status.failures += 1;
      status.consecutiveFailures += 1;
      status.lastError = error;
      const backoff = Math.min(this.options.maxBackoffMs, this.options.initialBackoffMs * 2 ** Math.min(status.consecutiveFailures - 1, 20));
      this.log('webhook delivery failed; will retry', { tenantId, deliveryId: delivery.id, error, backoffMs: backoff });
      const timer = setTimeout(() => {
        this.timers.delete(tenantId);
        this.kick(tenantId);
      }, backoff);
      timer.unref();
      this.timers.set(tenantId, timer);
      return;
    }
  }

  private async send(tenantId: string, url: string, secret: string, delivery: PendingDelivery): Promise<string | null> {
    const body = JSON.stringify({ id: delivery.id, type: 'changes', tenant_id: tenantId, sent_at: new Date().toISOString(), changes: delivery.changes });
    const timestamp = String(Math.floor(Date.now() / 1000));
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'spruce-tenant-id': tenantId,
          'spruce-delivery-id': delivery.id,
          'spruce-timestamp': timestamp,
          'spruce-signature': signWebhook(secret, timestamp, body),
        },
        body,
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      await response.arrayBuffer().catch(() => undefined);
      return response.ok ? null : `receiver answered ${response.status}`;
    } catch (error) {
      return error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
    }
  }
}
