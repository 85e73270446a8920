import Ajv2020 from 'ajv/dist/2020';
import request from 'supertest';
import openApiSchema from './fixtures/openapi-3.1.schema.json';
import { openApiDocument, openApiPath } from '../contracts/openapi';
import type { Db } from '../db/connection';
import { testDb } from './support/db';
import { startOperatorApp, type TestApp } from './support/operator';
import { routeInventory, type RouteEntry } from './support/route-inventory';

/**
 * The OpenAPI document describes the app as it is: it is a valid OpenAPI 3.1 document (checked
 * against the OpenAPI Initiative's own schema, test/fixtures/openapi-3.1.schema.json), every
 * endpoint of /api and /webhooks the router has is in it, and it names none the router lacks.
 */

type Document = { paths: Record<string, Record<string, unknown>>; [key: string]: unknown };

const METHODS = new Set(['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace']);

/**
 * Ajv resolves `$dynamicRef: "#meta"` to the outermost dynamic scope (the document root)
 * rather than to `$defs/schema`, the one `$dynamicAnchor: meta` of this schema, and then
 * judges every Schema Object as if it were a whole document. With no dialect extending the
 * anchor, the two name the same schema, so the copy compiled here points at it directly.
 */
function withStaticMetaRef(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withStaticMetaRef);
  if (typeof node !== 'object' || node === null) return node;
  return Object.fromEntries(Object.entries(node).map(([key, value]) =>
    key === '$dynamicRef' && value === '#meta' ? ['$ref', '#/$defs/schema'] : [key, withStaticMetaRef(value)]));
}

function openApiValidator() {
  // Formats are annotations in OpenAPI's schema; strict mode would refuse its "uri-reference".
  const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
  return ajv.compile(withStaticMetaRef(openApiSchema) as object);
}

const documented = (document: Document) =>
  Object.entries(document.paths).flatMap(([path, item]) => Object.keys(item).filter((method) => METHODS.has(method)).map((method) => `${method.toUpperCase()} ${path}`));

const described = (route: RouteEntry) => route.kind === 'route' && (route.path.startsWith('/api/') || route.path.startsWith('/webhooks/'));

describe('OpenAPI document', () => {
  let db: Db;
  let api: TestApp;
  let served: Document;

  beforeAll(async () => {
    db = testDb();
    api = await startOperatorApp(db);
    const response = await request(api.app).get('/api/openapi.json').expect(200).expect('Content-Type', /json/);
    served = response.body;
  });

  afterAll(async () => {
    await api.close();
    await db.destroy();
  });

  it('is served without a login and is what contracts/ generate', () => {
    expect(served).toEqual(JSON.parse(JSON.stringify(openApiDocument({ version: served.info ? (served.info as { version: string }).version : undefined }))));
    expect(served.openapi).toMatch(/^3\.1\.\d+$/);
  });

  it('validates as OpenAPI 3.1', () => {
    const validate = openApiValidator();
    const valid = validate(served);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('is refused by the same validator when it is not OpenAPI 3.1', () => {
    const validate = openApiValidator();
    const { info: _info, ...withoutInfo } = served;
    expect(validate(withoutInfo)).toBe(false);
    expect(validate({ ...served, openapi: '3.0.3' })).toBe(false);
    expect(validate({ ...served, paths: { '/api/x': { get: { responses: { 200: { content: {} } } } } } })).toBe(false);
  });

  it('covers every route of the app, and names no route the app lacks', () => {
    const inventory = routeInventory(api.app).filter(described).map((route) => `${route.method} ${openApiPath(route.path)}`);
    const inDocument = documented(served);
    expect(inventory.length).toBeGreaterThan(80);
    expect(inventory.filter((route) => !inDocument.includes(route))).toEqual([]);
    expect(inDocument.filter((route) => !inventory.includes(route))).toEqual([]);
  });

  it('gives every path parameter of a route a parameter entry', () => {
    const missing: string[] = [];
    for (const [path, item] of Object.entries(served.paths)) {
      const names = [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]);
      for (const [method, operation] of Object.entries(item as Record<string, { parameters?: Array<{ name: string; in: string }> }>)) {
        for (const name of names) if (!operation.parameters?.some((parameter) => parameter.in === 'path' && parameter.name === name)) missing.push(`${method} ${path} {${name}}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('renders a reference page naming every path, without a login and without a script', async () => {
    const response = await request(api.app).get('/api/docs').expect(200).expect('Content-Type', /html/);
    for (const path of Object.keys(served.paths)) expect(response.text).toContain(path.replace(/&/g, '&amp;'));
    expect(response.text).toContain('Refusals');
    expect(response.text).not.toMatch(/<script|https?:\/\/cdn/i);
  });
});
