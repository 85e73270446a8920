import { randomUUID } from 'node:crypto';
import type { Db } from '../../db/connection';
import { recordAudit } from '../../db/audit';
import { addDays, localDate } from '../../domain/dates';
import { testDb } from '../../test/support/db';
import { createDealer, createOperator, listQuery, seedAccounts, signIn, startOperatorApp, type SignedIn, type TestApp } from '../../test/support/operator';

/** Invoices, adjustments, statements and the audit log as operator resources. */
describe('operator API: receivables and audit trail', () => {
  let db: Db;
  let testApp: TestApp;
  let dealerId: string;
  let operator: SignedIn;
  let stranger: SignedIn;
  let alder: string;
  let birch: string;
  let strangerAccount: string;
  const today = localDate(new Date(), 'America/Chicago');
  const invoiceIds: Record<string, string> = {};

  beforeAll(async () => {
    db = testDb();
    testApp = await startOperatorApp(db);
    dealerId = (await createDealer(db, { time_zone: 'America/Chicago' })).id;
    const user = await createOperator(db, dealerId, { role: 'ar_operator' });
    const seeded = await seedAccounts(db, dealerId, [
      { erp_account_id: 'A-1', name: 'Alder Framing' },
      { erp_account_id: 'B-1', name: 'Birch Builders' },
    ]);
    alder = seeded[0]!.id;
    birch = seeded[1]!.id;
    const [job] = await db('jobs').insert({ dealer_id: dealerId, customer_account_id: alder, erp_job_id: `J-${randomUUID().slice(0, 6)}`, name: 'Maple Street duplex' }).returning('id');
    const invoice = (number: string, account: string, dueInDays: number, amount: number, balance: number, status: string, extra: Record<string, unknown> = {}) => ({
      dealer_id: dealerId, customer_account_id: account, invoice_number: number, invoice_date: addDays(today, -40),
      due_date: addDays(today, dueInDays), amount_cents: amount, balance_cents: balance, status, ...extra,
    });
    const rows = await db('invoices')
      .insert([
        invoice('INV-100', alder, 10, 120_000, 120_000, 'open', { job_id: job.id, po_number: 'PO-77' }),
        invoice('INV-101', alder, -5, 50_000, 20_000, 'partially_paid'),
        invoice('INV-102', alder, -45, 80_000, 0, 'paid'),
        invoice('INV-103', birch, -95, 33_333, 33_333, 'open'),
        invoice('INV-104', birch, 0, 10_000, 10_000, 'open'),
        invoice('INV-105', birch, -1, 7_500, 0, 'void'),
      ])
      .returning(['id', 'invoice_number']);
    for (const row of rows) invoiceIds[row.invoice_number] = row.id;

    await db('adjustments').insert([
      { dealer_id: dealerId, customer_account_id: alder, kind: 'credit', reason: 'credit', adjustment_number: 'CR-1', amount_cents: 5_000, balance_cents: 5_000, transaction_date: addDays(today, -3) },
      { dealer_id: dealerId, customer_account_id: alder, kind: 'debit', reason: 'finance_charge', adjustment_number: 'DR-1', amount_cents: 1_250, balance_cents: 1_250, transaction_date: addDays(today, -2) },
      { dealer_id: dealerId, customer_account_id: birch, kind: 'credit', reason: 'write_off', adjustment_number: 'CR-2', amount_cents: 900, balance_cents: 0, status: 'applied', transaction_date: addDays(today, -1) },
    ]);
    const [statement] = await db('statements')
      .insert({ dealer_id: dealerId, customer_account_id: alder, statement_number: 'ST-2026-10', statement_date: addDays(today, -20), balance_cents: 140_000, discount_cents: 1_400, discount_date: addDays(today, 5), due_date: addDays(today, 10) })
      .returning('id');
    await db('invoices').where({ id: invoiceIds['INV-100'] }).update({ statement_id: statement.id });
    await db('statement_items').insert({ dealer_id: dealerId, statement_id: statement.id, item_type: 'invoice', invoice_id: invoiceIds['INV-100'], amount_cents: 120_000 });

    await recordAudit(db, { dealerId, actorKind: 'operator', actorId: user.id, action: 'customer.portal_disabled', entityType: 'customer_account', entityId: alder });
    await recordAudit(db, { dealerId, actorKind: 'erp', action: 'invoice.updated', entityType: 'invoice', entityId: invoiceIds['INV-100']!, data: { customer_account_id: alder } });
    await recordAudit(db, { dealerId, actorKind: 'system', action: 'stats.refreshed', entityType: 'customer_account', entityId: birch });

    const other = await createDealer(db);
    const otherUser = await createOperator(db, other.id);
    strangerAccount = (await seedAccounts(db, other.id, [{ erp_account_id: 'A-1', name: 'Stranger Supply' }]))[0]!.id;
    await db('invoices').insert({ dealer_id: other.id, customer_account_id: strangerAccount, invoice_number: 'INV-100', invoice_date: today, due_date: today, amount_cents: 1, balance_cents: 1 });
    await recordAudit(db, { dealerId: other.id, actorKind: 'system', action: 'stats.refreshed', entityType: 'customer_account', entityId: strangerAccount });

    operator = await signIn(testApp.app, user.email);
    stranger = await signIn(testApp.app, otherUser.email);
  });

  afterAll(async () => {
    await testApp.close();
    await db.destroy();
  });

  const numbers = async (path: string, params: Parameters<typeof listQuery>[0]) => {
    const response = await operator.get(`${path}${listQuery(params)}`).expect(200);
    return (response.body as Array<{ invoice_number?: string; adjustment_number?: string }>).map((row) => row.invoice_number ?? row.adjustment_number);
  };

  describe('invoices', () => {
    it('lists every receivable of the dealer by due date, with customer, job and days past due in the dealer’s time zone', async () => {
      const response = await operator.get('/api/operator/invoices').expect(200);
      expect(response.headers['content-range']).toBe('invoices 0-5/6');
      expect(response.body.map((row: { invoice_number: string }) => row.invoice_number)).toEqual(['INV-103', 'INV-102', 'INV-101', 'INV-105', 'INV-104', 'INV-100']);
      const byNumber = Object.fromEntries(response.body.map((row: { invoice_number: string }) => [row.invoice_number, row]));
      expect(byNumber['INV-100']).toMatchObject({ customer_name: 'Alder Framing', erp_account_id: 'A-1', job_name: 'Maple Street duplex', po_number: 'PO-77', amount_cents: 120_000, balance_cents: 120_000, days_past_due: 0 });
      expect(byNumber['INV-103'].days_past_due).toBe(95);
      expect(byNumber['INV-101'].days_past_due).toBe(5);
      // Paid, void and due-today invoices are not late.
      expect([byNumber['INV-102'].days_past_due, byNumber['INV-105'].days_past_due, byNumber['INV-104'].days_past_due]).toEqual([0, 0, 0]);
    });

    it('sorts both ways on whitelisted columns only', async () => {
      // INV-102 (paid) and INV-105 (void) both have a zero balance: their relative order is the id tie-breaker's.
      const descending = await numbers('/api/operator/invoices', { sort: ['balance_cents', 'DESC'] });
      expect(descending.slice(0, 4)).toEqual(['INV-100', 'INV-103', 'INV-101', 'INV-104']);
      expect(descending.slice(4).sort()).toEqual(['INV-102', 'INV-105']);
      const ascending = await numbers('/api/operator/invoices', { sort: ['balance_cents', 'ASC'] });
      expect(ascending.slice(0, 2).sort()).toEqual(['INV-102', 'INV-105']);
      expect(ascending.slice(2)).toEqual(['INV-104', 'INV-101', 'INV-103', 'INV-100']);
      const byCustomer = await operator.get(`/api/operator/invoices${listQuery({ sort: ['customer_name', 'DESC'] })}`).expect(200);
      expect(byCustomer.body.map((row: { customer_name: string }) => row.customer_name)).toEqual([...Array(3).fill('Birch Builders'), ...Array(3).fill('Alder Framing')]);
      const refused = await operator.get(`/api/operator/invoices${listQuery({ sort: ['reserved_cents; drop table invoices', 'ASC'] })}`).expect(400);
      expect(refused.body.error.code).toBe('invalid_sort');
    });

    it('accepts react-admin’s default sort by id', async () => {
      const response = await operator.get(`/api/operator/invoices${listQuery({ sort: ['id', 'DESC'], range: [0, 9] })}`).expect(200);
      const ids = response.body.map((row: { id: string }) => row.id);
      expect(ids).toEqual([...ids].sort().reverse());
    });

    it('pages with Content-Range', async () => {
      const page = await operator.get(`/api/operator/invoices${listQuery({ sort: ['invoice_number', 'ASC'], range: [2, 3] })}`).expect(200);
      expect(page.headers['content-range']).toBe('invoices 2-3/6');
      expect(page.body.map((row: { invoice_number: string }) => row.invoice_number)).toEqual(['INV-102', 'INV-103']);
    });

    it('filters by status, customer, due date range, past due and search', async () => {
      const sort: [string, 'ASC'] = ['invoice_number', 'ASC'];
      expect(await numbers('/api/operator/invoices', { sort, filter: { status: 'open' } })).toEqual(['INV-100', 'INV-103', 'INV-104']);
      expect(await numbers('/api/operator/invoices', { sort, filter: { status: ['paid', 'partially_paid'] } })).toEqual(['INV-101', 'INV-102']);
      expect(await numbers('/api/operator/invoices', { sort, filter: { customer_account_id: birch } })).toEqual(['INV-103', 'INV-104', 'INV-105']);
      expect(await numbers('/api/operator/invoices', { sort, filter: { due_date_gte: addDays(today, -45), due_date_lte: today } })).toEqual(['INV-101', 'INV-102', 'INV-104', 'INV-105']);
      expect(await numbers('/api/operator/invoices', { sort, filter: { past_due: true } })).toEqual(['INV-101', 'INV-103']);
      expect(await numbers('/api/operator/invoices', { sort, filter: { past_due: false } })).toEqual(['INV-100', 'INV-102', 'INV-104', 'INV-105']);
      expect(await numbers('/api/operator/invoices', { sort, filter: { q: 'po-77' } })).toEqual(['INV-100']);
      expect(await numbers('/api/operator/invoices', { sort, filter: { q: 'birch' } })).toEqual(['INV-103', 'INV-104', 'INV-105']);
      await operator.get(`/api/operator/invoices${listQuery({ filter: { status: 'lost' } })}`).expect(400);
      await operator.get(`/api/operator/invoices${listQuery({ filter: { due_date_gte: 'yesterday' } })}`).expect(400);
    });

    it('shows one invoice with its statement and payments, 404 for another dealer’s', async () => {
      const response = await operator.get(`/api/operator/invoices/${invoiceIds['INV-100']}`).expect(200);
      expect(response.body).toMatchObject({ invoice_number: 'INV-100', statement_number: 'ST-2026-10', payments: [] });
      await stranger.get(`/api/operator/invoices/${invoiceIds['INV-100']}`).expect(404);
      await operator.get('/api/operator/invoices/INV-100').expect(404);
    });

    it('never shows another dealer’s invoices', async () => {
      const mine = await operator.get(`/api/operator/invoices${listQuery({ filter: { customer_account_id: strangerAccount } })}`).expect(200);
      expect(mine.body).toEqual([]);
      const theirs = await stranger.get('/api/operator/invoices').expect(200);
      expect(theirs.headers['content-range']).toBe('invoices 0-0/1');
      expect(theirs.body[0].customer_name).toBe('Stranger Supply');
    });
  });

  describe('adjustments', () => {
    it('filters by kind and customer, newest first by default', async () => {
      expect(await numbers('/api/operator/adjustments', {})).toEqual(['CR-2', 'DR-1', 'CR-1']);
      expect(await numbers('/api/operator/adjustments', { filter: { kind: 'credit' } })).toEqual(['CR-2', 'CR-1']);
      expect(await numbers('/api/operator/adjustments', { filter: { kind: 'debit', customer_account_id: alder } })).toEqual(['DR-1']);
      expect(await numbers('/api/operator/adjustments', { filter: { kind: 'credit', customer_account_id: birch } })).toEqual(['CR-2']);
      expect(await numbers('/api/operator/adjustments', { sort: ['amount_cents', 'ASC'] })).toEqual(['CR-2', 'DR-1', 'CR-1']);
      expect(await numbers('/api/operator/adjustments', { sort: ['amount_cents', 'DESC'] })).toEqual(['CR-1', 'DR-1', 'CR-2']);
      const theirs = await stranger.get('/api/operator/adjustments').expect(200);
      expect(theirs.body).toEqual([]);
    });
  });

  describe('statements', () => {
    it('lists a customer’s statements and shows one with its items', async () => {
      const list = await operator.get(`/api/operator/statements${listQuery({ filter: { customer_account_id: alder } })}`).expect(200);
      expect(list.headers['content-range']).toBe('statements 0-0/1');
      expect(list.body[0]).toMatchObject({ statement_number: 'ST-2026-10', balance_cents: 140_000, discount_cents: 1_400 });
      const detail = await operator.get(`/api/operator/statements/${list.body[0].id}`).expect(200);
      expect(detail.body.items).toEqual([expect.objectContaining({ item_type: 'invoice', document_number: 'INV-100', amount_cents: 120_000 })]);
      await stranger.get(`/api/operator/statements/${list.body[0].id}`).expect(404);
    });
  });

  describe('audit events', () => {
    it('lists the trail of one customer — events about it and events that name it — newest first with actor names', async () => {
      const response = await operator.get(`/api/operator/audit-events${listQuery({ filter: { customer_account_id: alder } })}`).expect(200);
      expect(response.body.map((row: { action: string }) => row.action)).toEqual(['invoice.updated', 'customer.portal_disabled']);
      expect(response.body[1].actor_name).toBe('Dana Operator');
      expect(response.body[0].actor_name).toBe('ERP');
      const ascending = await operator.get(`/api/operator/audit-events${listQuery({ filter: { customer_account_id: alder }, sort: ['at', 'ASC'] })}`).expect(200);
      expect(ascending.body.map((row: { action: string }) => row.action)).toEqual(['customer.portal_disabled', 'invoice.updated']);
    });

    it('filters by entity and stays within the dealer', async () => {
      const invoices = await operator.get(`/api/operator/audit-events${listQuery({ filter: { entity_type: 'invoice' } })}`).expect(200);
      expect(invoices.body).toHaveLength(1);
      const all = await operator.get('/api/operator/audit-events').expect(200);
      expect(all.body.some((row: { entity_id: string }) => row.entity_id === strangerAccount)).toBe(false);
      const theirs = await stranger.get(`/api/operator/audit-events${listQuery({ filter: { customer_account_id: alder } })}`).expect(200);
      expect(theirs.body).toEqual([]);
      await stranger.get(`/api/operator/audit-events/${all.body[0].id}`).expect(404);
    });
  });
});
