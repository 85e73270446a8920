import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { signIn, startProduct, type RunningProduct } from '../bench/lib/services';
import { Connection } from '@temporalio/client';
import { createDb, dropDatabase, ensureDatabase, migrateLatest, type Db } from '../db/connection';
import { provisionTemporalCli } from '../runtime/temporal-cli';
import { startTracing } from '../runtime/tracing';
import { createNamespace } from '../scripts/lib/temporal-namespace';
import { eventually } from './support/eventually';
import { createDealer, createOperator, OPERATOR_PASSWORD } from './support/operator';
import { requiredEnv } from './support/temporal';

/** A span as OTLP/HTTP's JSON encoding carries it, with the service that sent it. */
interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: Record<string, unknown>;
}

interface OtlpValue { stringValue?: string; intValue?: string | number; boolValue?: boolean }
interface OtlpExport {
  resourceSpans: Array<{
    resource: { attributes: Array<{ key: string; value: OtlpValue }> };
    scopeSpans: Array<{ spans: Array<{ traceId: string; spanId: string; parentSpanId?: string; name: string; kind: number; attributes?: Array<{ key: string; value: OtlpValue }> }> }>;
  }>;
}

const valueOf = (value: OtlpValue) => value.stringValue ?? value.intValue ?? value.boolValue;

/** An OpenTelemetry collector's OTLP/HTTP traces endpoint, keeping what it receives. */
async function startCollector(): Promise<{ url: string; spans: ReceivedSpan[]; close(): Promise<void> }> {
  const spans: ReceivedSpan[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      if (req.method === 'POST' && req.url === '/v1/traces' && req.headers['content-type']?.startsWith('application/json')) {
        for (const resourceSpans of (JSON.parse(body) as OtlpExport).resourceSpans) {
          const service = String(valueOf(resourceSpans.resource.attributes.find((attribute) => attribute.key === 'service.name')!.value));
          for (const scope of resourceSpans.scopeSpans) {
            for (const span of scope.spans) {
              spans.push({ service, traceId: span.traceId, spanId: span.spanId, parentSpanId: span.parentSpanId || undefined, name: span.name, kind: span.kind,
                attributes: Object.fromEntries((span.attributes ?? []).map((attribute) => [attribute.key, valueOf(attribute.value)])) });
            }
          }
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      } else {
        res.writeHead(415).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    spans,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('tracing: one trace from an operator request through the workflow it starts to the SQL its activities run', () => {
  const databaseUrl = (() => {
    const url = new URL(requiredEnv('TEST_DATABASE_URL'));
    url.pathname = `/drypowder_tracing_${randomUUID().slice(0, 8)}`;
    return url.toString();
  })();
  const namespace = `tracing-${randomUUID().slice(0, 8)}`;
  let db: Db;
  let collector: Awaited<ReturnType<typeof startCollector>>;
  let product: RunningProduct;
  let uploadDir: string;

  beforeAll(async () => {
    // Its own database: the worker's duties (per-dealer workflows, sweeps) see only this file's dealer.
    await ensureDatabase(databaseUrl);
    db = createDb(databaseUrl, { max: 2 });
    await migrateLatest(db);
    collector = await startCollector();
    uploadDir = mkdtempSync(path.join(os.tmpdir(), 'drypowder-tracing-uploads-'));
    // And its own Temporal namespace: the worker ensures the cluster's schedules, which in the
    // run's shared namespace would be other test files' to create.
    const address = requiredEnv('TEMPORAL_ADDRESS');
    createNamespace(await provisionTemporalCli(), address, namespace, 24);
    const connection = await Connection.connect({ address });
    await eventually(async () => {
      await connection.workflowService.describeNamespace({ namespace });
    }, 30_000, 250);
    await connection.close();
    product = await startProduct({
      label: 'tracing', databaseUrl, temporalAddress: address, namespace,
      // The run's shared workflow bundle has no tracing interceptors in it; the worker bundles its own.
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, UPLOAD_DIR: uploadDir, OTEL_BSP_SCHEDULE_DELAY: '200', WORKFLOW_BUNDLE_PATH: '' },
    });
  }, 240_000);

  afterAll(async () => {
    await product?.stop();
    await collector?.close();
    await db?.destroy();
    await dropDatabase(databaseUrl);
    rmSync(uploadDir, { recursive: true, force: true });
  });

  it('follows a CSV upload from the API into its ingestion workflow and the validation activity on the worker', async () => {
    const dealer = await createDealer(db, { integration_mode: 'file' });
    const operator = await createOperator(db, dealer.id);
    // Production sets Secure cookies, which an agent keeps off plain http; the cookie goes along by hand.
    const session = await signIn(product.apiUrl, 'operator', operator.email, OPERATOR_PASSWORD);
    const upload = await request(product.apiUrl).post('/api/operator/ingestion-runs').set('Cookie', session.cookie).set('X-CSRF-Token', session.csrfToken)
      .attach('accounts', Buffer.from('account_id,name\nC-TRACE-1,Trace Framing\n'), 'accounts.csv').expect(202);
    await eventually(async () => {
      const run = await request(product.apiUrl).get(`/api/operator/ingestion-runs/${upload.body.id}`).set('Cookie', session.cookie).expect(200);
      expect(run.body.status).toBe('validated');
    }, 60_000, 250);
    // The workflow's own span closes with the workflow: the upload is committed.
    await request(product.apiUrl).post(`/api/operator/ingestion-runs/${upload.body.id}/commit`).set('Cookie', session.cookie).set('X-CSRF-Token', session.csrfToken).expect(202);
    await eventually(async () => {
      const run = await request(product.apiUrl).get(`/api/operator/ingestion-runs/${upload.body.id}`).set('Cookie', session.cookie).expect(200);
      expect(run.body.status).toBe('succeeded');
    }, 60_000, 250);

    let trace: ReceivedSpan[] = [];
    await eventually(() => {
      const started = collector.spans.find((span) => span.service === 'drypowder-api' && span.name === 'StartWorkflow:ingestWorkflow');
      expect(started).toBeDefined();
      trace = collector.spans.filter((span) => span.traceId === started!.traceId);
      expect(trace.map((span) => `${span.service} ${span.name}`)).toEqual(expect.arrayContaining([
        'drypowder-worker RunWorkflow:ingestWorkflow',
        'drypowder-worker StartActivity:validateIngestionRun',
        'drypowder-worker RunActivity:validateIngestionRun',
        'drypowder-worker RunActivity:commitIngestionRun',
      ]));
    }, 30_000, 250);

    // The trace starts at the operator's request: the HTTP server span, named by Express's route.
    const root = trace.find((span) => !span.parentSpanId)!;
    expect(root).toMatchObject({ service: 'drypowder-api', kind: 2, attributes: expect.objectContaining({ 'http.route': '/api/operator/ingestion-runs' }) });
    // Each span's parent is in the same trace: one tree, not pieces joined by id alone.
    const ids = new Set(trace.map((span) => span.spanId));
    expect(trace.filter((span) => span.parentSpanId && !ids.has(span.parentSpanId)).map((span) => span.name)).toEqual([]);
    // The SQL on both sides: the API recording the run, the activity reading the uploaded rows' run.
    const sql = (service: string) => trace.filter((span) => span.service === service && typeof span.attributes['db.statement'] === 'string');
    expect(sql('drypowder-api').map((span) => span.attributes['db.statement'])).toEqual(expect.arrayContaining([expect.stringMatching(/^insert into "ingestion_runs"/)]));
    const activity = trace.find((span) => span.name === 'RunActivity:validateIngestionRun')!;
    const underActivity = (span: ReceivedSpan): boolean => {
      const parent = trace.find((candidate) => candidate.spanId === span.parentSpanId);
      return parent ? parent.spanId === activity.spanId || underActivity(parent) : false;
    };
    expect(sql('drypowder-worker').filter(underActivity).length).toBeGreaterThan(0);
    // Probes are not traced.
    expect(collector.spans.some((span) => span.attributes['http.route'] === '/readyz' || span.attributes['http.target'] === '/readyz')).toBe(false);
  }, 120_000);

  it('traces nothing and loads nothing of OpenTelemetry when no collector is configured', () => {
    const tracing = startTracing('drypowder-test', undefined);
    expect(tracing).toMatchObject({ enabled: false, clientInterceptors: [], workerPlugins: [] });
  });
});
