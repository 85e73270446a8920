import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { testDb } from './support/db';
import { startOperatorApp, type TestApp } from './support/operator';

/**
 * What the built apps cost a browser and what they give away: hashed assets cached for good
 * and compressed, source maps built for reading error reports but never served.
 */
describe('static apps and compression', () => {
  const db = testDb();
  let api: TestApp;
  let script: string;

  beforeAll(async () => {
    api = await startOperatorApp(db);
    const page = await request(api.app).get('/admin/').expect(200);
    script = /src="(\/admin\/assets\/[^"]+\.js)"/.exec(page.text)?.[1] ?? '';
  });
  afterAll(async () => {
    await api.close();
    await db.destroy();
  });

  it('serves hashed assets compressed and cached for a year, without a pointer to a source map', async () => {
    expect(script).toMatch(/^\/admin\/assets\/.+-[\w-]{6,}\.js$/);
    const asset = await request(api.app).get(script).set('Accept-Encoding', 'gzip').expect(200);
    expect(asset.headers['content-encoding']).toBe('gzip');
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    // Only the trailing comment points a browser at a map (libraries may mention the word inside).
    expect(/\/\/# sourceMappingURL=\S+\s*$/.test(asset.text)).toBe(false);
  });

  it('keeps source maps on disk and answers 404 for them, and for assets that do not exist', async () => {
    const mapPath = `${script}.map`;
    expect(existsSync(path.resolve(__dirname, '..', mapPath.replace(/^\/admin\//, 'admin/dist/')))).toBe(true);
    const refused = await request(api.app).get(mapPath).expect(404);
    expect(refused.body.error).toMatchObject({ code: 'not_found' });
    expect(readFileSync(path.resolve(__dirname, '../admin/dist/index.html'), 'utf8')).not.toContain('.map');
    await request(api.app).get('/admin/assets/no-such-chunk-12345678.js').expect(404);
  });

  it('compresses JSON answers for clients that accept it, and only for them', async () => {
    const plain = await request(api.app).get('/api/openapi.json').set('Accept-Encoding', 'identity').expect(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    const packed = await request(api.app).get('/api/openapi.json').set('Accept-Encoding', 'gzip').expect(200);
    expect(packed.headers['content-encoding']).toBe('gzip');
    expect(packed.body).toEqual(plain.body);
  });
});
