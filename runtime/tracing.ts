import type { WorkflowClientInterceptor } from '@temporalio/client';
import type { OpenTelemetryPlugin } from '@temporalio/interceptors-opentelemetry';
import type { IncomingMessage } from 'node:http';
import { routeTemplate } from './route-template';

/**
 * OpenTelemetry tracing, off unless OTEL_EXPORTER_OTLP_ENDPOINT names a collector (OTLP over
 * HTTP; OTEL_EXPORTER_OTLP_HEADERS carries a vendor's key, read by the exporter itself).
 * One trace follows a request from Express (its span named by the route it matched) through
 * its SQL and the workflow it starts, into the workflow's tasks and activities on a worker and
 * the calls they make to Moov, Plaid and Spruce. Started from the first import of each
 * process's entry point, because the instrumentations can only wrap `http`, `undici` and `pg`
 * as they are loaded.
 */
export interface Tracing {
  readonly enabled: boolean;
  /** Interceptors for a Temporal client that starts or signals workflows (the API's). */
  readonly clientInterceptors: WorkflowClientInterceptor[];
  /** The worker's plugin: activity spans, workflow spans through its sink, context in headers. */
  readonly workerPlugins: OpenTelemetryPlugin[];
  /** Sends what is still buffered; called at shutdown. */
  shutdown(): Promise<void>;
}

const OFF: Tracing = { enabled: false, clientInterceptors: [], workerPlugins: [], shutdown: async () => undefined };

let current: Tracing = OFF;

/** The workflow interceptors a bundle must hold for workflow spans (scripts/build-workflow-bundle.ts). */
export const TRACING_WORKFLOW_INTERCEPTORS = require.resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors');

export function startTracing(service: string, endpoint: string | undefined): Tracing {
  if (!endpoint) return OFF;
  // Loaded only when tracing is on: a process without it starts as fast as before.
  const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http');
  const { registerInstrumentations } = require('@opentelemetry/instrumentation') as typeof import('@opentelemetry/instrumentation');
  const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http') as typeof import('@opentelemetry/instrumentation-http');
  const { PgInstrumentation } = require('@opentelemetry/instrumentation-pg') as typeof import('@opentelemetry/instrumentation-pg');
  const { UndiciInstrumentation } = require('@opentelemetry/instrumentation-undici') as typeof import('@opentelemetry/instrumentation-undici');
  const { Resource } = require('@opentelemetry/resources') as typeof import('@opentelemetry/resources');
  const { BatchSpanProcessor } = require('@opentelemetry/sdk-trace-base') as typeof import('@opentelemetry/sdk-trace-base');
  const { NodeTracerProvider } = require('@opentelemetry/sdk-trace-node') as typeof import('@opentelemetry/sdk-trace-node');
  const temporalOtel = require('@temporalio/interceptors-opentelemetry') as typeof import('@temporalio/interceptors-opentelemetry');
  const resource = new Resource({ 'service.name': service, 'service.namespace': 'drypowder' });
  const processor = new BatchSpanProcessor(new OTLPTraceExporter({ url: new URL('v1/traces', endpoint.endsWith('/') ? endpoint : `${endpoint}/`).toString() }));
  const provider = new NodeTracerProvider({ resource, spanProcessors: [processor] });
  provider.register();
  const unregister = registerInstrumentations({
    instrumentations: [
      // Probes and the metrics scrape would be most of the traces and tell nothing.
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (request) => /^\/(healthz|readyz|metrics)\b/.test(request.url ?? ''),
        // Express routed the request by the time it ends: the server span is named by the route it matched.
        applyCustomAttributesOnSpan: (span, request) => {
          // A client request has no matched route, so only server spans are renamed.
          const route = routeTemplate(request as IncomingMessage & { route?: { path?: unknown }; baseUrl?: string });
          if (!route) return;
          span.setAttribute('http.route', route);
          span.updateName(`${(request as IncomingMessage).method} ${route}`);
        },
      }),
      new UndiciInstrumentation(),
      new PgInstrumentation({ requireParentSpan: true }),
    ],
  });
  current = {
    enabled: true,
    clientInterceptors: [new temporalOtel.OpenTelemetryWorkflowClientInterceptor()],
    workerPlugins: [new temporalOtel.OpenTelemetryPlugin({ resource, spanProcessor: processor })],
    async shutdown() {
      unregister();
      await provider.shutdown();
    },
  };
  return current;
}

/** The process's tracing, as its entry point started it. */
export function tracing(): Tracing {
  return current;
}
