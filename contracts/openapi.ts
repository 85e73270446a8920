import { z } from 'zod';
import { errorResponse } from './errors';
import { listQuery } from './list';
import { isFileResponse, ROUTES, type RouteContract } from './routes';

/**
 * The OpenAPI 3.1 document of the API, generated from the route table: zod's own JSON Schema
 * (draft 2020-12, the dialect OpenAPI 3.1 uses) for every parameter, body and answer. Pure:
 * api/openapi.ts serves it, test/openapi.test.ts checks it against the OpenAPI 3.1 schema
 * and against the routes the app really has.
 */

type JsonSchema = Record<string, unknown>;

export const OPENAPI_VERSION = '3.1.1';

/** `io: 'input'` for what a client sends (defaults not yet applied), `output` for what it gets. */
export function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

/** '/api/operator/payments/:id' → '/api/operator/payments/{id}'. */
export const openApiPath = (expressPath: string) => expressPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
const pathParams = (expressPath: string) => [...expressPath.matchAll(/:([A-Za-z0-9_]+)/g)].map((match) => match[1]!);

const operationId = (route: RouteContract) =>
  `${route.method.toLowerCase()}${route.path.replace(/^\/(api|webhooks)/, (_, root: string) => (root === 'webhooks' ? '/webhooks' : ''))
    .split(/[/.-]/).filter(Boolean).map((part) => (part.startsWith(':') ? `By${cap(part.slice(1))}` : cap(part))).join('')}`;
const cap = (text: string) => text.charAt(0).toUpperCase() + text.slice(1).replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());

function queryParameters(schema: z.ZodObject): JsonSchema[] {
  const json = jsonSchemaOf(schema, 'input');
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => ({
    name, in: 'query', required: required.has(name), schema: property,
    ...(typeof property.description === 'string' ? { description: property.description } : {}),
  }));
}

function parameters(route: RouteContract): JsonSchema[] {
  const out: JsonSchema[] = pathParams(route.path).map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } }));
  if (route.query) out.push(...queryParameters(route.query));
  if (route.listFilter) {
    out.push(...queryParameters(listQuery).filter((parameter) => parameter.name !== 'filter'));
    out.push({
      name: 'filter', in: 'query', required: false, description: 'The list filter, as JSON text',
      content: { 'application/json': { schema: jsonSchemaOf(route.listFilter, 'input') } },
    });
  }
  for (const [name, header] of Object.entries(route.headers ?? {})) out.push({ name, in: 'header', required: header.required, description: header.description, schema: { type: 'string' } });
  return out;
}

function requestBody(route: RouteContract): JsonSchema | undefined {
  if (!route.body) return undefined;
  const mediaType = route.bodyType === 'multipart' ? 'multipart/form-data' : 'application/json';
  const content: JsonSchema = { [mediaType]: { schema: jsonSchemaOf(route.body, 'input') } };
  for (const [other, schema] of Object.entries(route.alternativeBodies ?? {})) content[other] = { schema: jsonSchemaOf(schema, 'input') };
  return { required: true, content };
}

const STATUS_TEXT: Record<number, string> = { 200: 'OK', 201: 'Created', 202: 'Accepted', 204: 'No content' };

function responses(route: RouteContract): JsonSchema {
  const out: JsonSchema = {};
  for (const [status, contract] of Object.entries(route.responses)) {
    const description = STATUS_TEXT[Number(status)] ?? 'Answer';
    if (contract === null || contract === undefined) out[status] = { description };
    else if (isFileResponse(contract)) out[status] = { description: contract.description, content: { [contract.contentType]: { schema: { type: 'string' } } } };
    else {
      out[status] = {
        description,
        ...(route.listFilter ? { headers: { 'Content-Range': { description: '`<resource> <first>-<last>/<total>`', schema: { type: 'string' } } } } : {}),
        content: { 'application/json': { schema: jsonSchemaOf(contract, 'output') } },
      };
    }
  }
  out['4XX'] = { $ref: '#/components/responses/Refusal' };
  out['5XX'] = { $ref: '#/components/responses/Refusal' };
  return out;
}

function security(route: RouteContract): JsonSchema[] | undefined {
  if (route.login === 'operator') return [{ operatorSession: [] }];
  if (route.login === 'customer') return [{ customerSession: [] }];
  if (route.login === 'api_key') return [{ apiKey: [] }];
  if (route.login === 'platform_admin') return [{ platformAdmin: [] }];
  return [];
}

function operation(route: RouteContract): JsonSchema {
  const rolesNote = route.roles?.length ? ` Roles: ${route.roles.join(', ')}.` : '';
  const csrfNote = (route.login === 'operator' || route.login === 'customer') && route.method !== 'GET' ? ' Send the session\'s CSRF token in X-CSRF-Token.' : '';
  const pageNote = route.login === 'api_key' && route.method === 'GET' && route.query?.shape && 'limit' in route.query.shape ? ' Answers `{ data, has_more, next_cursor }`.' : '';
  const body = requestBody(route);
  return {
    operationId: operationId(route),
    summary: route.summary,
    ...(rolesNote || csrfNote || pageNote ? { description: `${rolesNote}${csrfNote}${pageNote}`.trim() } : {}),
    tags: [route.tag],
    security: security(route),
    parameters: parameters(route),
    ...(body ? { requestBody: body } : {}),
    responses: responses(route),
  };
}

const PUBLIC_API_DESCRIPTION = 'The API for dealers\' own systems (`/api/v1`): API keys as bearer tokens, cursor pages `{ data, has_more, next_cursor }`, an Idempotency-Key on every POST. Every refusal is `{ error: { code, message, details? } }` with a 4xx status; a 5xx is a defect. See docs/api-v1.md.';

/**
 * `only: 'v1'`: the document of the public API alone (the routes an API key calls), from which
 * the typed client in clients/v1 is generated; the full document is what /api/openapi.json serves.
 */
export function openApiDocument(options: { version?: string; serverUrl?: string; only?: 'v1' } = {}): JsonSchema {
  const routes = options.only === 'v1' ? ROUTES.filter((route) => route.login === 'api_key') : ROUTES;
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of routes) {
    const path = openApiPath(route.path);
    (paths[path] ??= {})[route.method.toLowerCase()] = operation(route);
  }
  return {
    openapi: OPENAPI_VERSION,
    info: {
      title: options.only === 'v1' ? 'Drypowder API v1' : 'Drypowder API',
      version: options.version ?? '0.1.0',
      description: options.only === 'v1' ? PUBLIC_API_DESCRIPTION : 'The operator console API (`/api/operator`, snake_case, react-admin lists), the Payments portal API (`/api/portal`, camelCase), the API for dealers\' own systems (`/api/v1`, API keys, cursor pages, Idempotency-Key on every POST; docs/api-v1.md), the platform administrators\' API (`/api/platform`, dealer onboarding; docs/onboarding.md) and the webhooks Drypowder accepts. Every refusal is `{ error: { code, message, details? } }` with a 4xx status; a 5xx is a defect.',
    },
    servers: [{ url: options.serverUrl ?? '/' }],
    tags: [...new Set(routes.map((route) => route.tag))].map((name) => ({ name })),
    paths,
    components: {
      schemas: { Error: jsonSchemaOf(errorResponse, 'output') },
      responses: { Refusal: { description: 'A refusal: `code` for programs, `message` for people, `details` per field when a request part was invalid', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } } },
      securitySchemes: {
        operatorSession: { type: 'apiKey', in: 'cookie', name: 'dp_operator', description: 'Set by POST /api/operator/auth/sign-in; mutations also send X-CSRF-Token.' },
        customerSession: { type: 'apiKey', in: 'cookie', name: 'dp_customer', description: 'Set by POST /api/portal/auth/sign-in; mutations also send X-CSRF-Token.' },
        apiKey: { type: 'http', scheme: 'bearer', bearerFormat: 'dpk_<prefix>_<secret>', description: 'A dealer\'s API key, created by an admin in Settings → API keys: `Authorization: Bearer dpk_…`. Read keys may only GET.' },
        platformAdmin: { type: 'http', scheme: 'bearer', description: 'The platform administrators\' token, PLATFORM_ADMIN_TOKEN in the server\'s configuration (docs/onboarding.md); unset, /api/platform refuses every request (403 platform_admin_disabled).' },
      },
    },
  };
}
