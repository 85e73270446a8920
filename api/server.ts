import './start-tracing';
import { createDb, pingDatabase } from '../db/connection';
import { config, exitWithOneLine } from '../runtime/config';
import { logger } from '../runtime/logger';
import { describeStartupError, onShutdown } from '../runtime/shutdown';
import { connectTemporalClient, temporalSecurity } from '../runtime/temporal-client';
import { tracing } from '../runtime/tracing';
import { createApp } from './app';
import { countStatements, labelMetrics } from '../runtime/metrics';

async function main(): Promise<void> {
  const cfg = config();
  labelMetrics('api');
  const db = createDb(cfg.DATABASE_URL, { max: cfg.DB_POOL_MAX, parallelQueries: false });
  countStatements(db);
  await pingDatabase(db).catch((error) => exitWithOneLine(describeStartupError(error, `PostgreSQL at DATABASE_URL`)));
  const temporal = await connectTemporalClient(cfg.TEMPORAL_ADDRESS, cfg.TEMPORAL_NAMESPACE, temporalSecurity(cfg), tracing().clientInterceptors).catch((error) =>
    exitWithOneLine(describeStartupError(error, `Temporal at TEMPORAL_ADDRESS=${cfg.TEMPORAL_ADDRESS}`)),
  );
  const app = createApp({ db, temporal, config: cfg });
  const server = app.listen(cfg.API_PORT, () => logger.info({ port: cfg.API_PORT }, 'api listening'));
  onShutdown(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await temporal.connection.close();
    await db.destroy();
    await tracing().shutdown();
  });
}

main().catch((error) => exitWithOneLine(describeStartupError(error, 'api')));
