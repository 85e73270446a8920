import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { startSpruceEmulator, type SpruceEmulator } from '../emulators/spruce';
import type { Db } from '../db/connection';
import { MAX_DOCUMENT_BYTES } from '../domain/item-documents';
import { apiClient, issueApiKey, type ApiClient } from './support/api-keys';
import { testDb } from './support/db';
import { createOperator, signIn, startOperatorApp, type SignedIn, type TestApp } from './support/operator';
import { hashPassword } from '../api/auth/passwords';
import { CUSTOMER_PASSWORD, signInCustomer, uniqueEmail, type CustomerSession } from './support/portal';
import { createCustomerBook, createSettlementDealer, type CustomerBook } from './support/settlements';

/**
 * Documents behind each invoice (docs/item-documents.md), end to end over HTTP: a Spruce
 * dealer's invoice copy and signed ticket listed and served from the Spruce emulator through
 * our API; a file-based dealer's documents uploaded in the console and through /api/v1, then
 * pulled by the customer (audited); bad files refused by field; other tenants told 404.
 */
jest.setTimeout(120_000);

const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000' + '1f15c4890000000a49444154789c6300010000050001' + '0d0a2db40000000049454e44ae426082', 'hex');
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('JFIF ticket scan'), Buffer.from([0xff, 0xd9])]);

interface Side {
  dealerId: string;
  book: CustomerBook;
  invoiceId: string;
  operator: SignedIn;
  customer: CustomerSession;
  customerUserId: string;
  api: ApiClient;
}

describe('documents behind each invoice', () => {
  let db: Db;
  let api: TestApp;
  let spruce: SpruceEmulator;
  let spruceSide: Side;
  let fileSide: Side;
  let tenantId: string;

  async function side(emulator: SpruceEmulator | null, label: string): Promise<Side & { tenantId: string }> {
    const dealer = await createSettlementDealer(db, emulator);
    const book = await createCustomerBook(db, emulator, dealer, { invoices: [{ number: `INV-${label}-${randomUUID().slice(0, 6)}`, amountCents: 48_000 }] }, `${label}-${randomUUID().slice(0, 4)}`);
    const invoiceId = [...book.invoiceIds.values()][0]!;
    const admin = await createOperator(db, dealer.id, { role: 'admin' });
    const operator = await signIn(api.app, admin.email);
    const portal = { email: uniqueEmail(label) };
    const [user] = await db('portal_users').insert({ company_id: book.companyId, email: portal.email, name: 'Pat Payables', password_hash: await hashPassword(CUSTOMER_PASSWORD), terms_version: '2026-01', terms_accepted_at: db.fn.now() }).returning('id');
    const key = await issueApiKey(operator, 'write', `documents ${label}`);
    return {
      dealerId: dealer.id, tenantId: dealer.tenantId, book, invoiceId, operator, customer: await signInCustomer(api.app, portal.email), customerUserId: user.id, api: apiClient(api.app, key.secret),
    };
  }

  const upload = (who: SignedIn, invoiceId: string, file: { bytes: Buffer; name: string; type: string } | null, fields: Record<string, string>) => {
    const test = who.agent.post(`/api/operator/invoices/${invoiceId}/documents`).set('X-CSRF-Token', who.csrfToken);
    for (const [name, value] of Object.entries(fields)) test.field(name, value);
    if (file) test.attach('file', file.bytes, { filename: file.name, contentType: file.type });
    return test;
  };

  const binary = (test: request.Test) => test.buffer(true).parse((res, done) => {
    const chunks: Buffer[] = [];
    res.on('data', (chunk: Buffer) => chunks.push(chunk));
    res.on('end', () => done(null, Buffer.concat(chunks)));
  });

  beforeAll(async () => {
    db = testDb();
    api = await startOperatorApp(db);
    spruce = await startSpruceEmulator({ port: 0 });
    const spruceDealer = await side(spruce, 'spr');
    tenantId = spruceDealer.tenantId;
    spruceSide = spruceDealer;
    fileSide = await side(null, 'file');
  });

  afterAll(async () => {
    await spruce.stop();
    await api.close();
    await db.destroy();
  });

  describe('a Spruce dealer', () => {
    let erpInvoiceId: string;

    beforeAll(async () => {
      erpInvoiceId = [...spruceSide.book.invoiceIds.keys()][0]!;
      const attach = (body: object) => request(spruce.url).post(`/admin/tenants/${tenantId}/invoices/${erpInvoiceId}/documents`).send(body).expect(201);
      await attach({ id: `COPY-${erpInvoiceId}`, kind: 'invoice_copy' });
      await attach({ id: `DT-${erpInvoiceId}`, kind: 'delivery_ticket', file_name: 'ticket-88812.png', content_type: 'image/png', content_base64: PNG.toString('base64'), ticket_number: '88812', delivered_date: '2026-10-02', signed_by: 'R. Alvarez' });
    });

    it('lists the invoice copy and the signed ticket from Spruce in the console, the portal and /api/v1, with no Spruce address in them', async () => {
      for (const list of [
        await spruceSide.operator.get(`/api/operator/invoices/${spruceSide.invoiceId}/documents`).expect(200),
        await spruceSide.customer.get(`/api/portal/invoices/${spruceSide.invoiceId}/documents`).expect(200),
        await spruceSide.api.get(`/api/v1/invoices/${spruceSide.invoiceId}/documents`).expect(200),
      ]) {
        expect(list.body.documents).toEqual([
          expect.objectContaining({ id: `COPY-${erpInvoiceId}`, kind: 'invoice_copy', content_type: 'application/pdf', source: 'spruce', invoice_id: spruceSide.invoiceId }),
          expect.objectContaining({ id: `DT-${erpInvoiceId}`, kind: 'delivery_ticket', file_name: 'ticket-88812.png', content_type: 'image/png', size_bytes: PNG.length, ticket_number: '88812', delivered_on: '2026-10-02', signed_by: 'R. Alvarez' }),
        ]);
        expect(list.text).not.toContain(spruce.url);
        expect(list.text).not.toContain(tenantId);
      }
    });

    it('streams the ticket from Spruce to the customer and audits who pulled it; the invoice copy is a PDF', async () => {
      const ticket = await binary(spruceSide.customer.get(`/api/portal/invoices/${spruceSide.invoiceId}/documents/DT-${erpInvoiceId}`)).expect(200);
      expect(ticket.headers['content-type']).toBe('image/png');
      expect(ticket.headers['content-disposition']).toContain('ticket-88812.png');
      expect(Buffer.compare(ticket.body as Buffer, PNG)).toBe(0);
      const copy = await binary(spruceSide.customer.get(`/api/portal/invoices/${spruceSide.invoiceId}/documents/COPY-${erpInvoiceId}`)).expect(200);
      expect((copy.body as Buffer).subarray(0, 5).toString()).toBe('%PDF-');

      const audits = await db('audit_events').where({ dealer_id: spruceSide.dealerId, action: 'document.downloaded' }).select('actor_kind', 'actor_id', 'entity_id', 'data');
      expect(audits).toEqual([expect.objectContaining({
        actor_kind: 'customer', actor_id: spruceSide.customerUserId, entity_id: spruceSide.invoiceId,
        data: expect.objectContaining({ document_id: `DT-${erpInvoiceId}`, kind: 'delivery_ticket', ticket_number: '88812', source: 'spruce', invoice_number: erpInvoiceId }),
      })]);
    });

    it('serves only documents Spruce lists for that invoice, and sends uploads back to Spruce', async () => {
      await spruceSide.customer.get(`/api/portal/invoices/${spruceSide.invoiceId}/documents/DT-someone-else`).expect(404);
      const refused = await upload(spruceSide.operator, spruceSide.invoiceId, { bytes: PDF, name: 'copy.pdf', type: 'application/pdf' }, { kind: 'invoice_copy' }).expect(409);
      expect(refused.body.error.code).toBe('documents_in_spruce');
    });

    it('says Spruce is unavailable (503) during an outage rather than failing', async () => {
      // A fresh invoice so no list is cached.
      const erp = `INV-out-${randomUUID().slice(0, 6)}`;
      const dealer = { id: spruceSide.dealerId, name: '', tenantId };
      const book = await createCustomerBook(db, spruce, dealer, { invoices: [{ number: erp, amountCents: 1_000 }] });
      await request(spruce.url).put('/admin/faults').send({ outage: 'unavailable' }).expect(200);
      try {
        const answer = await spruceSide.operator.get(`/api/operator/invoices/${book.invoiceIds.get(erp)}/documents`).expect(503);
        expect(answer.body.error.code).toBe('spruce_unavailable');
      } finally {
        await request(spruce.url).put('/admin/faults').send({ outage: 'none' }).expect(200);
      }
    });
  });

  describe('a file-based dealer', () => {
    let ticketId: string;

    it('takes a signed ticket uploaded on the console\'s invoice page (audited)', async () => {
      const answer = await upload(fileSide.operator, fileSide.invoiceId, { bytes: PDF, name: 'ticket 4471.pdf', type: 'application/pdf' }, {
        kind: 'delivery_ticket', ticket_number: '4471', delivered_on: '2026-10-03', signed_by: 'Jo Framer',
      }).expect(201);
      expect(answer.body).toEqual(expect.objectContaining({ kind: 'delivery_ticket', file_name: 'ticket 4471.pdf', content_type: 'application/pdf', size_bytes: PDF.length, ticket_number: '4471', delivered_on: '2026-10-03', signed_by: 'Jo Framer', source: 'upload' }));
      ticketId = answer.body.id;
      expect(await db('audit_events').where({ dealer_id: fileSide.dealerId, action: 'document.uploaded', entity_id: fileSide.invoiceId }).first('actor_kind')).toEqual({ actor_kind: 'operator' });
    });

    it('takes an invoice copy through /api/v1 once per Idempotency-Key, and refuses the key for another file', async () => {
      const key = `doc-${randomUUID()}`;
      const post = (bytes: Buffer) => fileSide.api.post(`/api/v1/invoices/${fileSide.invoiceId}/documents`, undefined, key).field('kind', 'invoice_copy').attach('file', bytes, { filename: 'copy.jpg', contentType: 'image/jpeg' });
      const first = await post(JPEG).expect(201);
      expect(first.body).toEqual(expect.objectContaining({ kind: 'invoice_copy', content_type: 'image/jpeg', size_bytes: JPEG.length }));
      const again = await post(JPEG).expect(201);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.body.id).toBe(first.body.id);
      expect((await post(PDF).expect(409)).body.error.code).toBe('idempotency_key_reused');
      expect(await db('item_documents').where({ invoice_id: fileSide.invoiceId, kind: 'invoice_copy' }).count('* as n').first()).toEqual({ n: 1 });
      const noKey = await fileSide.api.post(`/api/v1/invoices/${fileSide.invoiceId}/documents`).field('kind', 'invoice_copy').attach('file', JPEG, 'copy.jpg').expect(400);
      expect(noKey.body.error.code).toBe('idempotency_key_required');
    });

    it('lets the customer see both and download the ticket (audited), the invoice copy first', async () => {
      const list = await fileSide.customer.get(`/api/portal/invoices/${fileSide.invoiceId}/documents`).expect(200);
      expect(list.body.documents.map((document: { kind: string }) => document.kind)).toEqual(['invoice_copy', 'delivery_ticket']);
      const ticket = await binary(fileSide.customer.get(`/api/portal/invoices/${fileSide.invoiceId}/documents/${ticketId}`)).expect(200);
      expect(ticket.headers['content-type']).toBe('application/pdf');
      expect(ticket.headers['cache-control']).toBe('private, no-store');
      expect(Buffer.compare(ticket.body as Buffer, PDF)).toBe(0);
      const audit = await db('audit_events').where({ dealer_id: fileSide.dealerId, action: 'document.downloaded' }).first('actor_id', 'data');
      expect(audit).toEqual({ actor_id: fileSide.customerUserId, data: expect.objectContaining({ document_id: ticketId, ticket_number: '4471', source: 'upload' }) });
      const v1 = await binary(fileSide.api.get(`/api/v1/invoices/${fileSide.invoiceId}/documents/${ticketId}`)).expect(200);
      expect(Buffer.compare(v1.body as Buffer, PDF)).toBe(0);
    });

    it('refuses a file that is not PDF, PNG or JPEG, one over 10 MB, a missing file and a bad field, naming the field', async () => {
      const wrongType = await upload(fileSide.operator, fileSide.invoiceId, { bytes: Buffer.from('name,amount\nx,1\n'), name: 'ticket.pdf', type: 'application/pdf' }, { kind: 'delivery_ticket' }).expect(415);
      expect(wrongType.body.error).toEqual(expect.objectContaining({ code: 'unsupported_file_type', details: [expect.objectContaining({ field: 'file' })] }));
      const tooLarge = await upload(fileSide.operator, fileSide.invoiceId, { bytes: Buffer.concat([PDF, Buffer.alloc(MAX_DOCUMENT_BYTES)]), name: 'huge.pdf', type: 'application/pdf' }, { kind: 'delivery_ticket' }).expect(413);
      expect(tooLarge.body.error).toEqual(expect.objectContaining({ code: 'file_too_large', details: [expect.objectContaining({ field: 'file' })] }));
      const noFile = await upload(fileSide.operator, fileSide.invoiceId, null, { kind: 'delivery_ticket' }).expect(400);
      expect(noFile.body.error).toEqual(expect.objectContaining({ code: 'file_required', details: [expect.objectContaining({ field: 'file' })] }));
      const badKind = await upload(fileSide.operator, fileSide.invoiceId, { bytes: PDF, name: 'x.pdf', type: 'application/pdf' }, { kind: 'receipt' }).expect(400);
      expect(badKind.body.error.details).toEqual([expect.objectContaining({ field: 'kind' })]);
      const badDate = await upload(fileSide.operator, fileSide.invoiceId, { bytes: PDF, name: 'x.pdf', type: 'application/pdf' }, { kind: 'delivery_ticket', delivered_on: '2026-02-30' }).expect(400);
      expect(badDate.body.error.details).toEqual([expect.objectContaining({ field: 'delivered_on' })]);
      const json = await fileSide.operator.send('post', `/api/operator/invoices/${fileSide.invoiceId}/documents`, { kind: 'delivery_ticket' }).expect(415);
      expect(json.body.error.code).toBe('not_multipart');
      expect(await db('item_documents').where({ invoice_id: fileSide.invoiceId }).count('* as n').first()).toEqual({ n: 2 });
    });

    it('tells another customer, another dealer\'s operator and another dealer\'s API key 404', async () => {
      const strangerSession = spruceSide.customer;
      const paths = [`/invoices/${fileSide.invoiceId}/documents`, `/invoices/${fileSide.invoiceId}/documents/${ticketId}`];
      for (const path of paths) {
        await strangerSession.get(`/api/portal${path}`).expect(404);
        await spruceSide.operator.get(`/api/operator${path}`).expect(404);
        await spruceSide.api.get(`/api/v1${path}`).expect(404);
      }
      await upload(spruceSide.operator, fileSide.invoiceId, { bytes: PDF, name: 'x.pdf', type: 'application/pdf' }, { kind: 'delivery_ticket' }).expect(404);
      await spruceSide.api.post(`/api/v1/invoices/${fileSide.invoiceId}/documents`, undefined, `doc-${randomUUID()}`).field('kind', 'delivery_ticket').attach('file', PDF, 'x.pdf').expect(404);
      await fileSide.customer.get(`/api/portal/invoices/${fileSide.invoiceId}/documents/${randomUUID()}`).expect(404);
      // An id shaped like Spruce's on a file-based dealer's invoice is simply not there.
      await fileSide.operator.get(`/api/operator/invoices/${fileSide.invoiceId}/documents/:documentId`).expect(404);
      await fileSide.api.get(`/api/v1/invoices/${fileSide.invoiceId}/documents/DOC-1`).expect(404);
    });
  });
});
