import { createServer } from 'node:http';
import { metricsRegistry } from '../runtime/metrics';

/** The worker's own /metrics (payment transitions its activities committed, process metrics) on its own port. */
export function serveWorkerMetrics(port: number, token: string | undefined): () => void {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    if (token && req.headers.authorization !== `Bearer ${token}`) {
      res.writeHead(401).end();
      return;
    }
    metricsRegistry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': metricsRegistry.contentType }).end(text),
      () => res.writeHead(500).end(),
    );
  });
  server.listen(port);
  return () => server.close();
}
