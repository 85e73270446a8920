import { config } from '../runtime/config';
import { startTracing } from '../runtime/tracing';

// The entry point's first import: the instrumentations wrap http, undici and pg only as they load.
startTracing('drypowder-worker', config().OTEL_EXPORTER_OTLP_ENDPOINT);
