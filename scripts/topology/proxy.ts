import { request, createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The reverse proxy of the topology run, standing in for nginx in docker-compose: requests go
 * round-robin to the API replicas; a replica that refuses the connection (killed, restarting)
 * is skipped and the request, body included, goes to the next. Bodies are buffered, which is
 * fine for the run's JSON requests (nginx streams them in the compose stack).
 */
export interface RunningProxy {
  url: string;
  /** Requests sent to another replica after the first refused the connection. */
  retried: number;
  stop(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export async function startProxy(upstreams: () => string[]): Promise<RunningProxy> {
  let next = 0;
  const state = { retried: 0 };
  const server: Server = createServer(async (req, res) => {
    const body = await readBody(req);
    const targets = upstreams();
    const forwardedFor = [req.headers['x-forwarded-for'], req.socket.remoteAddress].filter(Boolean).join(', ');
    for (let attempt = 0; attempt < targets.length * 2; attempt += 1) {
      const target = new URL(targets[(next++) % targets.length]!);
      const answered = await new Promise<boolean>((resolve) => {
        const upstream = request({
          host: target.hostname, port: target.port, method: req.method, path: req.url,
          headers: { ...req.headers, host: req.headers.host, 'x-forwarded-for': forwardedFor, 'content-length': String(body.length) },
        }, (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
          resolve(true);
        });
        // Only a refused connection is retried: the replica never saw the request.
        upstream.on('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED' ? false : (res.headersSent ? true : (res.writeHead(502).end(), true))));
        upstream.end(body);
      });
      if (answered) return;
      state.retried += 1;
    }
    res.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'no_upstream', message: 'No API replica is accepting connections.' } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    get retried() {
      return state.retried;
    },
    stop: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
