import pg from 'pg';
import { distribution, type Distribution } from './stats';

/**
 * The physical floors figures are compared with: a bare `SELECT 1` round trip to the same
 * PostgreSQL on one plain connection (what any query costs before it does anything), and an
 * HTTP round trip to an endpoint that does nothing.
 */
export async function selectOneRoundTrips(databaseUrl: string, iterations = 500): Promise<Distribution> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    for (let i = 0; i < 20; i++) await client.query('select 1');
    const samples: number[] = [];
    for (let i = 0; i < iterations; i++) {
      const started = performance.now();
      await client.query('select 1');
      samples.push(performance.now() - started);
    }
    return distribution(samples);
  } finally {
    await client.end();
  }
}

export async function httpRoundTrips(url: string, iterations = 300, headers: Record<string, string> = {}): Promise<Distribution> {
  const samples: number[] = [];
  for (let i = 0; i < iterations + 20; i++) {
    const started = performance.now();
    const response = await fetch(url, { headers });
    await response.arrayBuffer();
    if (i >= 20) samples.push(performance.now() - started);
  }
  return distribution(samples);
}
