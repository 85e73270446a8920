import { Router } from 'express';
import { pingDatabase } from '../db/connection';
import type { AppDeps } from './deps';

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** `/healthz`: the process is alive. `/readyz`: it can reach PostgreSQL and Temporal. */
export function healthRoutes({ db, temporal }: AppDeps): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const checks: Record<string, string> = {};
    await Promise.all([
      withTimeout(pingDatabase(db), 2000, 'PostgreSQL').then(
        () => (checks.postgres = 'ok'),
        (error: Error) => (checks.postgres = error.message),
      ),
      withTimeout(temporal.connection.workflowService.getSystemInfo({}), 2000, 'Temporal').then(
        () => (checks.temporal = 'ok'),
        (error: Error) => (checks.temporal = error.message),
      ),
    ]);
    const ready = Object.values(checks).every((value) => value === 'ok');
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', checks });
  });
  return router;
}
