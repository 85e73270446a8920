import express, { Router } from 'express';
import { z } from 'zod';
import { collectionType } from './api';
import { attachDocument, documentView, invoiceDocuments } from './documents';
import { SpruceError, type SpruceStore } from './store';
import type { Book } from './types';
import type { WebhookDispatcher } from './webhooks';

/**
 * The emulator's own control surface for tests and demos (never part of the connector
 * contract): tenants, objects edited "in Spruce", a whole book loaded at once, webhook
 * registration and fault switches. Unauthenticated: it listens on loopback only.
 */

export interface Faults {
  /** none; unavailable = every tenant API call answers 503; refuse = the port refuses connections. */
  outage: 'none' | 'unavailable' | 'refuse';
  delayMs: number;
  dropWebhooks: boolean;
}

export interface FaultControl {
  faults(): Faults & { outageEndsAt: string | null };
  setFaults(next: Partial<Faults> & { durationMs?: number }): Promise<void>;
}

const tenantBody = z.object({ id: z.string().trim().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/), name: z.string().min(1).max(200).optional(), api_key: z.string().min(8).max(200) });
const webhookBody = z.object({ url: z.string().url(), secret: z.string().min(16).max(200), from_seq: z.number().int().nonnegative().optional() });
const faultsBody = z.object({
  outage: z.enum(['none', 'unavailable', 'refuse']).optional(),
  delay_ms: z.number().int().min(0).max(120_000).optional(),
  drop_webhooks: z.boolean().optional(),
  duration_ms: z.number().int().positive().max(3_600_000).optional(),
});

function parse<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value ?? {});
  if (!result.success) {
    const details = result.error.issues.map((issue) => ({ field: issue.path.join('.') || '(body)', message: issue.message }));
    throw new SpruceError(400, 'invalid_request', details.map((d) => `${d.field}: ${d.message}`).join('; '), details);
  }
  return result.data;
}

export function adminRoutes(store: SpruceStore, dispatcher: WebhookDispatcher, control: FaultControl): Router {
  const router = Router();
  router.use('/admin', express.json({ limit: '200mb' }));

  router.get('/', (_req, res) => {
    res.type('html').send(indexPage(store, dispatcher, control));
  });

  router.get('/admin/faults', (_req, res) => {
    res.json(control.faults());
  });

  router.put('/admin/faults', async (req, res) => {
    const body = parse(faultsBody, req.body);
    if (body.outage === 'refuse' && !body.duration_ms) {
      throw new SpruceError(400, 'duration_required', 'A refuse outage closes this port too, so it needs duration_ms to end by itself.');
    }
    res.json({ ...control.faults(), outage: body.outage ?? control.faults().outage });
    // Answer first: a refuse outage closes the socket this answer travels on.
    await new Promise((resolve) => res.on('finish', resolve));
    await control.setFaults({ outage: body.outage, delayMs: body.delay_ms, dropWebhooks: body.drop_webhooks, durationMs: body.duration_ms });
  });

  router.get('/admin/tenants', (_req, res) => {
    res.json(store.listTenants().map((tenant) => ({ id: tenant.id, name: tenant.name, head_seq: tenant.seq, counts: store.counts(tenant) })));
  });

  router.post('/admin/tenants', (req, res) => {
    const body = parse(tenantBody, req.body);
    const tenant = store.createTenant({ id: body.id, name: body.name, apiKey: body.api_key });
    res.status(201).json({ id: tenant.id, name: tenant.name, head_seq: tenant.seq });
  });

  router.get('/admin/tenants/:tenantId', (req, res) => {
    const tenant = store.tenant(req.params.tenantId);
    res.json({ id: tenant.id, name: tenant.name, head_seq: tenant.seq, counts: store.counts(tenant), ledger_lines: tenant.ledger.length });
  });

  router.put('/admin/tenants/:tenantId/webhook', (req, res) => {
    const body = parse(webhookBody, req.body);
    store.setWebhook(req.params.tenantId, { url: body.url, secret: body.secret, fromSeq: body.from_seq });
    res.json(webhookView(store, dispatcher, req.params.tenantId));
  });

  router.get('/admin/tenants/:tenantId/webhook', (req, res) => {
    res.json(webhookView(store, dispatcher, req.params.tenantId));
  });

  router.delete('/admin/tenants/:tenantId/webhook', (req, res) => {
    store.setWebhook(req.params.tenantId, null);
    res.status(204).end();
  });

  // A book may carry `documents` (emulators/spruce/documents.ts), attached once its invoices exist.
  router.post('/admin/tenants/:tenantId/book', async (req, res) => {
    const { documents = [], ...book } = (req.body ?? {}) as Partial<Book> & { documents?: unknown[] };
    const counts = store.loadBook(req.params.tenantId, book);
    const tenant = store.tenant(req.params.tenantId);
    for (const [index, document] of documents.entries()) {
      await attachDocument(store, tenant, document).catch((error: unknown) => {
        if (error instanceof SpruceError) throw new SpruceError(error.status, error.code, `documents[${index}]: ${error.message}`);
        throw error;
      });
    }
    res.status(201).json({ loaded: { ...counts, documents: documents.length }, head_seq: tenant.seq });
  });

  router.post('/admin/tenants/:tenantId/invoices/:invoiceId/documents', async (req, res) => {
    const document = await attachDocument(store, store.tenant(req.params.tenantId), { ...(req.body ?? {}), invoice_id: req.params.invoiceId });
    res.status(201).json(documentView(document));
  });

  router.get('/admin/tenants/:tenantId/invoices/:invoiceId/documents', (req, res) => {
    res.json({ data: invoiceDocuments(store.tenant(req.params.tenantId), req.params.invoiceId).map(documentView) });
  });

  router.get('/admin/tenants/:tenantId/ledger', (req, res) => {
    res.json(store.tenant(req.params.tenantId).ledger);
  });

  router.get('/admin/tenants/:tenantId/:collection/:objectId', (req, res) => {
    const tenant = store.tenant(req.params.tenantId);
    res.json(store.require(tenant, collectionType(req.params.collection), req.params.objectId));
  });

  router.post('/admin/tenants/:tenantId/:collection', (req, res) => {
    const type = collectionType(req.params.collection);
    const existed = Boolean(store.get(store.tenant(req.params.tenantId), type, String((req.body as { id?: unknown })?.id ?? '')));
    res.status(existed ? 200 : 201).json(store.upsert(req.params.tenantId, type, req.body));
  });

  router.patch('/admin/tenants/:tenantId/:collection/:objectId', (req, res) => {
    res.json(store.patch(req.params.tenantId, collectionType(req.params.collection), req.params.objectId, (req.body ?? {}) as Record<string, unknown>));
  });

  router.delete('/admin/tenants/:tenantId/:collection/:objectId', (req, res) => {
    store.delete(req.params.tenantId, collectionType(req.params.collection), req.params.objectId);
    res.status(204).end();
  });

  return router;
}

function webhookView(store: SpruceStore, dispatcher: WebhookDispatcher, tenantId: string) {
  const tenant = store.tenant(tenantId);
  return {
    url: tenant.webhook?.url ?? null,
    delivered_seq: tenant.webhook?.deliveredSeq ?? null,
    head_seq: tenant.seq,
    delivery: dispatcher.status(tenantId),
  };
}

const escapeHtml = (value: string) => value.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

function indexPage(store: SpruceStore, dispatcher: WebhookDispatcher, control: FaultControl): string {
  const faults = control.faults();
  const rows = store
    .listTenants()
    .map((tenant) => {
      const counts = store.counts(tenant);
      const delivery = dispatcher.status(tenant.id);
      const cells = [
        escapeHtml(tenant.id),
        escapeHtml(tenant.name),
        String(counts.account),
        String(counts.contact),
        String(counts.job),
        String(counts.invoice),
        String(counts.adjustment),
        String(counts.statement),
        String(tenant.seq),
        tenant.webhook ? `${escapeHtml(tenant.webhook.url)} (delivered to ${tenant.webhook.deliveredSeq}${delivery.lastError && delivery.consecutiveFailures ? `; failing: ${escapeHtml(delivery.lastError)}` : ''})` : '—',
        String(tenant.ledger.length),
      ];
      return `<tr>${cells.map((cell) => `<td>${cell}</td>`).join('')}</tr>`;
    })
    .join('');
  return `<!doctype html><html><head><meta charset="utf-8"><title>Spruce emulator</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:left}</style></head>
<body><h1>Spruce ERP emulator</h1>
<p>Faults: outage <b>${faults.outage}</b>${faults.outageEndsAt ? ` until ${faults.outageEndsAt}` : ''}, delay ${faults.delayMs} ms, webhooks ${faults.dropWebhooks ? '<b>dropped</b>' : 'delivered'}.</p>
<table><thead><tr><th>Tenant</th><th>Name</th><th>Accounts</th><th>Contacts</th><th>Jobs</th><th>Invoices</th><th>Adjustments</th><th>Statements</th><th>Head seq</th><th>Webhook</th><th>Ledger lines</th></tr></thead>
<tbody>${rows || '<tr><td colspan="11">No tenants yet.</td></tr>'}</tbody></table>
<p>API contract: docs/spruce-api.md. Admin: /admin/tenants, /admin/faults.</p></body></html>`;
}
