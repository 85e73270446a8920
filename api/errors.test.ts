import express from 'express';
import request from 'supertest';
import { errorHandler } from './errors';

/** What reaches a client when a handler fails for a reason that is not the request's fault. */
function appThrowing(error: unknown) {
  const app = express();
  app.get('/boom', () => {
    throw error;
  });
  app.use(errorHandler);
  return app;
}

describe('errorHandler', () => {
  it.each([
    ['too many connections', Object.assign(new Error('sorry, too many clients already'), { code: '53300' })],
    ['the server starting up', Object.assign(new Error('the database system is starting up'), { code: '57P03' })],
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    ['the pool waiting too long', Object.assign(new Error('Knex: Timeout acquiring a connection.'), { name: 'KnexTimeoutError' })],
  ])('answers 503 database_unavailable with Retry-After for %s', async (_what, error) => {
    const answer = await request(appThrowing(error)).get('/boom').expect(503);
    expect(answer.headers['retry-after']).toBe('2');
    expect(answer.body.error.code).toBe('database_unavailable');
  });

  it('still answers 500 for a fault of our own, without its detail', async () => {
    const answer = await request(appThrowing(Object.assign(new Error('column "x" does not exist'), { code: '42703' }))).get('/boom').expect(500);
    expect(answer.body.error.code).toBe('internal');
    expect(JSON.stringify(answer.body)).not.toContain('column');
  });
});
