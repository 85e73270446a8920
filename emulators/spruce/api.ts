import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { timingSafeEqual } from 'node:crypto';
import { createDebitAdjustment, releaseCreditHold } from './charges';
import { documentView, invoiceDocuments } from './documents';
import { postGlLine } from './gl';
import { SpruceError, type SpruceStore, type Tenant } from './store';
import { COLLECTIONS, type ObjectType, type Stored } from './types';

/**
 * The tenant API our connector speaks (docs/spruce-api.md): bearer auth per tenant,
 * cursor-paginated AR objects, the change feed, GL postings and the ledger, and debit
 * adjustments created by the caller (charges such as a returned payment fee).
 */

const OBJECT_LIMIT = { fallback: 100, max: 1000 };
const CHANGE_LIMIT = { fallback: 500, max: 1000 };
const BATCH_MAX_LINES = 500;

export function tenantApi(store: SpruceStore): Router {
  const router = Router();
  router.use(express.json({ limit: '10mb' }));

  const authenticated = (req: Request): Tenant => {
    const tenant = store.findTenant(String(req.params.tenantId));
    const header = req.get('authorization') ?? '';
    const token = /^Bearer (.+)$/i.exec(header)?.[1] ?? '';
    // An unknown tenant and a wrong key answer alike, so keys cannot be probed per tenant.
    if (!tenant || !sameSecret(token, tenant.apiKey)) throw new SpruceError(401, 'unauthorized', 'Missing or invalid API key for this tenant.');
    return tenant;
  };

  router.get('/v1/tenants/:tenantId', (req, res) => {
    const tenant = authenticated(req);
    res.json({ id: tenant.id, name: tenant.name, head_seq: tenant.seq, counts: store.counts(tenant) });
  });

  router.get('/v1/tenants/:tenantId/changes', (req, res) => {
    const tenant = authenticated(req);
    const after = nonNegativeInt(req.query.after, 'after', 0);
    const limit = boundedLimit(req.query.limit, CHANGE_LIMIT);
    const changes = store.changesAfter(tenant, after, limit);
    const nextAfter = changes.at(-1)?.seq ?? Math.min(after, tenant.seq);
    res.json({ changes, next_after: nextAfter, head_seq: tenant.seq, has_more: nextAfter < tenant.seq });
  });

  router.post('/v1/tenants/:tenantId/gl/postings', (req, res) => {
    const tenant = authenticated(req);
    const outcome = postGlLine(store, tenant, req.get('idempotency-key'), req.body);
    if (outcome.replayed) res.set('Idempotent-Replayed', 'true');
    res.status(outcome.status).json(outcome.body);
  });

  router.post('/v1/tenants/:tenantId/gl/postings/batch', (req, res) => {
    const tenant = authenticated(req);
    const lines = (req.body as { lines?: unknown })?.lines;
    if (!Array.isArray(lines) || lines.length === 0 || lines.length > BATCH_MAX_LINES) {
      throw new SpruceError(400, 'invalid_batch', `Send { "lines": [...] } with 1 to ${BATCH_MAX_LINES} lines.`);
    }
    const results = lines.map((entry: { idempotency_key?: unknown; line?: unknown }) => {
      const key = typeof entry?.idempotency_key === 'string' ? entry.idempotency_key : undefined;
      const outcome = postGlLine(store, tenant, key, entry?.line);
      return { idempotency_key: key ?? null, status: outcome.status, replayed: outcome.replayed, ...(outcome.status < 300 ? { posting: outcome.body } : (outcome.body as object)) };
    });
    res.json({ results });
  });

  router.post('/v1/tenants/:tenantId/adjustments', (req, res) => {
    const tenant = authenticated(req);
    const outcome = createDebitAdjustment(store, tenant, req.get('idempotency-key'), req.body);
    if (outcome.replayed) res.set('Idempotent-Replayed', 'true');
    res.status(outcome.status).json(outcome.body);
  });

  router.post('/v1/tenants/:tenantId/accounts/:accountId/credit-hold/release', (req, res) => {
    const tenant = authenticated(req);
    const outcome = releaseCreditHold(store, tenant, String(req.params.accountId), req.get('idempotency-key'), req.body);
    if (outcome.replayed) res.set('Idempotent-Replayed', 'true');
    res.status(outcome.status === 201 ? 200 : outcome.status).json(outcome.body);
  });

  router.get('/v1/tenants/:tenantId/gl/postings', (req, res) => {
    const tenant = authenticated(req);
    const after = nonNegativeInt(req.query.after, 'after', 0);
    const limit = boundedLimit(req.query.limit, OBJECT_LIMIT);
    const reference = typeof req.query.payment_reference === 'string' ? req.query.payment_reference : undefined;
    const matching = tenant.ledger.filter((posting) => posting.ledger_seq > after && (!reference || posting.payment_reference === reference));
    const data = matching.slice(0, limit);
    res.json({ data, next_after: data.length < matching.length ? data.at(-1)!.ledger_seq : null });
  });

  router.get('/v1/tenants/:tenantId/gl/postings/:postingId', (req, res) => {
    const tenant = authenticated(req);
    const posting = tenant.ledger.find((candidate) => candidate.id === req.params.postingId);
    if (!posting) throw new SpruceError(404, 'not_found', `No posting ${req.params.postingId}.`);
    res.json(posting);
  });

  router.get('/v1/tenants/:tenantId/invoices/:invoiceId/documents', (req, res) => {
    const tenant = authenticated(req);
    res.json({ data: invoiceDocuments(tenant, String(req.params.invoiceId)).map(documentView) });
  });

  router.get('/v1/tenants/:tenantId/documents/:documentId/content', (req, res) => {
    const tenant = authenticated(req);
    const document = tenant.documents.get(String(req.params.documentId));
    if (!document) throw new SpruceError(404, 'not_found', `No document ${req.params.documentId}.`);
    const bytes = Buffer.from(document.content_base64, 'base64');
    res.setHeader('Content-Type', document.content_type);
    res.setHeader('Content-Length', String(bytes.length));
    res.setHeader('Content-Disposition', `attachment; filename="${document.file_name.replace(/"/g, '')}"`);
    res.end(bytes);
  });

  router.get('/v1/tenants/:tenantId/:collection', (req, res) => {
    const tenant = authenticated(req);
    const type = collectionType(req.params.collection);
    const limit = boundedLimit(req.query.limit, OBJECT_LIMIT);
    const cursor = typeof req.query.cursor === 'string' && req.query.cursor ? decodeCursor(req.query.cursor) : undefined;
    const accountId = typeof req.query.account_id === 'string' ? req.query.account_id : undefined;
    const status = typeof req.query.status === 'string' ? req.query.status.split(',') : undefined;
    const filter = (object: Stored) =>
      (!accountId || (object as { account_id?: string }).account_id === accountId) && (!status || status.includes((object as { status?: string }).status ?? ''));
    const page = store.list(tenant, type, filter, cursor, limit);
    res.json({ data: page.data, next_cursor: page.nextCursor === null ? null : encodeCursor(page.nextCursor) });
  });

  router.get('/v1/tenants/:tenantId/:collection/:objectId', (req, res) => {
    const tenant = authenticated(req);
    res.json(store.require(tenant, collectionType(req.params.collection), String(req.params.objectId)));
  });

  router.use('/v1', (_req, _res, next) => next(new SpruceError(404, 'not_found', 'No such endpoint.')));
  return router;
}

export function collectionType(collection: unknown): ObjectType {
  const type = COLLECTIONS[String(collection)];
  if (!type) throw new SpruceError(404, 'not_found', `Unknown collection ${String(collection)}; use ${Object.keys(COLLECTIONS).join(', ')}.`);
  return type;
}

export function spruceErrorHandler(error: unknown, _req: Request, res: Response, _next: NextFunction): void {
  if (error instanceof SpruceError) {
    res.status(error.status).json({ error: { code: error.code, message: error.message, ...(error.details === undefined ? {} : { details: error.details }) } });
    return;
  }
  const status = (error as { status?: number })?.status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const code = (error as { type?: string }).type === 'entity.parse.failed' ? 'malformed_json' : status === 413 ? 'payload_too_large' : 'bad_request';
    res.status(status).json({ error: { code, message: error instanceof Error ? error.message : 'Bad request' } });
    return;
  }
  res.status(500).json({ error: { code: 'internal', message: error instanceof Error ? error.message : String(error) } });
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function nonNegativeInt(value: unknown, name: string, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed < 0) throw new SpruceError(400, 'invalid_parameter', `${name} must be a non-negative integer.`);
  return parsed;
}

function boundedLimit(value: unknown, bounds: { fallback: number; max: number }): number {
  const parsed = nonNegativeInt(value, 'limit', bounds.fallback);
  if (parsed < 1 || parsed > bounds.max) throw new SpruceError(400, 'invalid_parameter', `limit must be between 1 and ${bounds.max}.`);
  return parsed;
}

// Cursors are opaque to clients so the ordering key can change without breaking them.
const encodeCursor = (id: string) => Buffer.from(JSON.stringify({ after: id })).toString('base64url');

function decodeCursor(cursor: string): string {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { after?: unknown };
    if (typeof parsed.after === 'string') return parsed.after;
  } catch {
    // fall through to the refusal
  }
  throw new SpruceError(400, 'invalid_cursor', 'The cursor is not one this API returned.');
}
