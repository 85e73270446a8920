import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { OperationalReadings } from '../db/operational-metrics';

/**
 * The process's Prometheus metrics: its own (HTTP latency, payment transitions it made,
 * Node's process metrics) and, where a reader is given, the cluster's backlogs read from
 * PostgreSQL at scrape time. Temporal's SDK metrics have their own endpoint
 * (TEMPORAL_SDK_METRICS_ADDRESS, served by the SDK's runtime).
 */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry, prefix: 'drypowder_' });

export const httpRequestDuration = new Histogram({
  name: 'drypowder_http_request_duration_seconds',
  help: 'HTTP requests by method, route template and status',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [metricsRegistry],
});

export const paymentTransitions = new Counter({
  name: 'drypowder_payment_transitions_total',
  help: 'Payment status changes committed by this process, by the status moved to and the event',
  labelNames: ['to', 'event'] as const,
  registers: [metricsRegistry],
});

export const databaseStatements = new Counter({
  name: 'drypowder_db_statements_total',
  help: 'SQL statements this process sent to PostgreSQL, each a round trip (BEGIN and COMMIT included)',
  registers: [metricsRegistry],
});

/** Counts every statement the process's pool sends, so the cost of a payment in round trips is read, not estimated. */
export function countStatements(db: { on(event: 'query', listener: () => void): unknown }): void {
  db.on('query', () => databaseStatements.inc());
}

/** Names the process in every series (api, worker), so replicas of both can share a scrape config. */
export function labelMetrics(service: string): void {
  metricsRegistry.setDefaultLabels({ service });
}

let readBooks: (() => Promise<OperationalReadings>) | undefined;
let pending: Promise<OperationalReadings> | undefined;

/** One reading of the books per scrape, however many gauges ask. */
function readingOfThisScrape(): Promise<OperationalReadings> {
  // Kept until the scrape's collectors have all run (they follow one another within microtasks).
  pending ??= readBooks!().finally(() => setImmediate(() => { pending = undefined; }));
  return pending;
}

/**
 * Gauges read from the books at scrape time. Every replica reads the same cluster-wide
 * values: aggregate them with max, not sum. Registered once per process; a later call (a
 * test building a second app) only points them at its database.
 */
export function registerOperationalGauges(read: () => Promise<OperationalReadings>): void {
  const first = readBooks === undefined;
  readBooks = read;
  if (!first) return;
  const gauge = (name: string, help: string, pick: (readings: OperationalReadings, set: (value: number, labels?: Record<string, string>) => void) => void, labelNames: string[] = []) =>
    new Gauge({
      name, help, labelNames, registers: [metricsRegistry],
      async collect() {
        this.reset();
        pick(await readingOfThisScrape(), (value, labels) => (labels ? this.set(labels, value) : this.set(value)));
      },
    });
  gauge('drypowder_email_outbox_queued', 'Emails waiting for the relay (cluster-wide)', (r, set) => set(r.outboxQueued));
  gauge('drypowder_email_outbox_oldest_queued_seconds', 'Age of the oldest email waiting for the relay (cluster-wide)', (r, set) => set(r.outboxOldestQueuedSeconds));
  gauge('drypowder_gl_posting_lag_seconds', 'Since the oldest closed settlement with unposted GL lines closed (cluster-wide)', (r, set) => set(r.glPostingLagSeconds));
  gauge('drypowder_spruce_sync_lag_seconds', 'The Spruce sync\'s own lag, per dealer', (r, set) => r.spruceSync.forEach((s) => set(s.lagSeconds, { dealer_id: s.dealerId, status: s.status })), ['dealer_id', 'status']);
  gauge('drypowder_spruce_sync_since_last_seconds', 'Since the Spruce sync last applied changes, per dealer', (r, set) => r.spruceSync.forEach((s) => set(s.sinceLastSyncSeconds, { dealer_id: s.dealerId, status: s.status })), ['dealer_id', 'status']);
}
