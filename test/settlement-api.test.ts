import { parse } from 'csv-parse/sync';
import { createSettlementActivities } from '../activities/settlements';
import type { Db } from '../db/connection';
import { logger } from '../runtime/logger';
import type { settlementWorkflow } from '../workflows/settlement';
import { testConfig } from './support/config';
import { testDb } from './support/db';
import { createOperator, listQuery, signIn, startOperatorApp, type SignedIn, type TestApp } from './support/operator';
import { createCustomerBook, createSettledPayment, createSettlementDealer, type CustomerBook, type SettlementDealer } from './support/settlements';
import { startTestWorker } from './support/temporal';

const POSTING_HEADER = ['account_id', 'job_id', 'payment_id', 'payment_amount', 'document_id', 'document_type', 'applied_document_id', 'date', 'gl_account', 'line_type', 'settlement_id', 'reference'];

/**
 * Posting by hand: the posting file checked line by line against the settlement, the
 * Summary CSV, marking categories posted (and every refusal), Resolve, and tenancy.
 */
describe('settlements API: manual posting and resolve', () => {
  let db: Db;
  let worker: Awaited<ReturnType<typeof startTestWorker>>;
  let api: TestApp;
  let activities: ReturnType<typeof createSettlementActivities>;

  let dealer: SettlementDealer;
  let book: CustomerBook;
  let operator: SignedIn;
  let operatorId: string;
  let settlementId: string;
  let settlement: Record<string, any>;
  const payments: Array<{ id: string; number: string }> = [];

  // Document numbers as an ERP might hold them, including ones a spreadsheet would run.
  const INV_FORMULA = '=2+3';
  const INV_PLAIN = 'INV-2002';
  const INV_BIG = 'INV-2003';
  const CREDIT = '@CM-77';
  const DEBIT = 'DB-51';
  const STATEMENT = 'ST-2026-10';
  const RETURNED_INVOICE = 'INV-2004';

  beforeAll(async () => {
    db = testDb();
    worker = await startTestWorker({ db, logger, config: testConfig() });
    api = await startOperatorApp(db, { TASK_QUEUE: worker.taskQueue });
    activities = createSettlementActivities({ db, logger, config: api.config, temporal: worker.client, taskQueue: worker.taskQueue });

    dealer = await createSettlementDealer(db, null, { discount_gl_account: '4910' });
    const user = await createOperator(db, dealer.id);
    operatorId = user.id;
    operator = await signIn(api.app, user.email);
    book = await createCustomerBook(db, null, dealer, {
      invoices: [
        { number: INV_FORMULA, amountCents: 10_000, job: '-J1' },
        { number: INV_PLAIN, amountCents: 5_000, job: '-J1' },
        { number: INV_BIG, amountCents: 30_000 },
        { number: RETURNED_INVOICE, amountCents: 4_000 },
      ],
      credits: [{ number: CREDIT, amountCents: 1_500 }],
      debits: [{ number: DEBIT, amountCents: 2_000 }],
      statement: { number: STATEMENT, discountCents: 300 },
    }, 'csv');

    const now = new Date();
    const parts = [
      [
        { kind: 'invoice' as const, number: INV_FORMULA, amountCents: 10_000 },
        { kind: 'invoice' as const, number: INV_PLAIN, amountCents: 5_000 },
        { kind: 'credit' as const, number: CREDIT, amountCents: 1_500, appliedTo: INV_PLAIN },
        { kind: 'discount' as const, amountCents: 300 },
      ],
      [{ kind: 'invoice' as const, number: INV_BIG, amountCents: 20_000 }, { kind: 'debit' as const, number: DEBIT, amountCents: 2_000 }],
      [{ kind: 'invoice' as const, number: RETURNED_INVOICE, amountCents: 4_000 }],
    ];
    for (const [index, applications] of parts.entries()) {
      const payment = await createSettledPayment(db, book, applications, { settledAt: now, processingCostCents: 10 * (index + 1), method: index === 1 ? 'card' : 'ach', feeCents: index === 1 ? 75 : 0 });
      payments.push(payment);
      settlementId = (await activities.addToSettlement({ paymentId: payment.id })).settlementId;
    }
    // The third payment comes back before anything is posted: reversed on this same batch.
    await db('payments').where({ id: payments[2]!.id }).update({ status: 'returned', returned_at: now });
    await activities.queueReversal({ paymentId: payments[2]!.id });
    settlement = (await operator.send('post', `/api/operator/settlements/${settlementId}/close`).expect(200)).body;
  });
  afterAll(async () => {
    await api.close();
    await worker.stop();
    await db.destroy();
  });

  const csv = async (path: string) => {
    const response = await operator.get(path).expect(200);
    expect(response.headers['content-type']).toMatch(/text\/csv/);
    return { text: response.text, rows: parse(response.text) as string[][] };
  };
  const keyOf = async (paymentIndex: number, documentNumber: string | null) => {
    const line = await db('gl_posting_lines').where({ payment_id: payments[paymentIndex]!.id, document_id: documentNumber ?? STATEMENT }).whereNot({ line_type: 'reversal' }).first();
    return line.idempotency_key as string;
  };

  it('shows the closed settlement with its totals, categories, payments and lines', async () => {
    expect(settlement).toMatchObject({
      id: settlementId,
      status: 'ready',
      payment_count: 3,
      gross_cents: 13_200 + 22_075 + 4_000,
      fee_cents: 60,
      net_cents: 13_200 + 22_075 + 4_000 - 60 - 4_000,
      returned_cents: 4_000,
      categories: {
        invoices: { status: 'unposted', line_count: 6, amount_cents: 10_000 + 5_000 + 300 + 20_000 + 4_000 - 4_000, posted_at: null },
        credit_adjustments: { status: 'unposted', line_count: 1, amount_cents: 1_500 },
        debit_adjustments: { status: 'unposted', line_count: 1, amount_cents: 2_000 },
      },
    });
    expect(settlement.payments.map((payment: { number: string }) => payment.number)).toEqual(payments.map((payment) => payment.number));
    expect(settlement.lines).toHaveLength(8);
    const list = await operator.get(`/api/operator/settlements${listQuery({ sort: ['business_date', 'DESC'], range: [0, 9], filter: { status: ['ready'] } })}`).expect(200);
    expect(list.headers['content-range']).toBe('settlements 0-0/1');
    expect(list.body[0]).toMatchObject({ id: settlementId, number: settlement.number, payment_count: 3, categories: { invoices: { status: 'unposted' } } });
  });

  it('writes the posting file one application per line, in posting order, formulas neutralised', async () => {
    const date = settlement.business_date as string;
    const [p1, p2, p3] = payments.map((payment) => payment.number);
    const erp = book.erpAccountId;
    const n = settlement.number as string;
    const reversal = async (documentNumber: string) => (await db('gl_posting_lines').where({ payment_id: payments[2]!.id, line_type: 'reversal', document_id: documentNumber }).first()).idempotency_key;
    const expected = [
      // Invoices (with the statement discount), payment by payment; reversals after them.
      [erp, "'-J1", p1, '100.00', `'${INV_FORMULA}`, 'invoice', '', date, '', 'invoice_payment', n, await keyOf(0, INV_FORMULA)],
      [erp, "'-J1", p1, '50.00', INV_PLAIN, 'invoice', '', date, '', 'invoice_payment', n, await keyOf(0, INV_PLAIN)],
      [erp, '', p1, '3.00', STATEMENT, 'discount', '', date, '4910', 'statement_discount', n, await keyOf(0, null)],
      [erp, '', p2, '200.00', INV_BIG, 'invoice', '', date, '', 'invoice_payment', n, await keyOf(1, INV_BIG)],
      [erp, '', p3, '40.00', RETURNED_INVOICE, 'invoice', '', date, '', 'invoice_payment', n, await keyOf(2, RETURNED_INVOICE)],
      [erp, '', p3, '-40.00', RETURNED_INVOICE, 'reversal', '', date, '', 'reversal', n, await reversal(RETURNED_INVOICE)],
      // Credit memos, applied to the invoice they settle.
      [erp, "'-J1", p1, '15.00', `'${CREDIT}`, 'credit_memo', INV_PLAIN, date, '', 'credit_application', n, await keyOf(0, CREDIT)],
      [erp, '', p2, '20.00', DEBIT, 'debit', '', date, '', 'debit_payment', n, await keyOf(1, DEBIT)],
    ];

    const withHeader = await csv(`/api/operator/settlements/${settlementId}/posting-file.csv`);
    expect(withHeader.rows[0]).toEqual(POSTING_HEADER);
    expect(withHeader.rows.slice(1)).toEqual(expected);
    expect(withHeader.text.split('\r\n')[1]).toContain(`,'${INV_FORMULA},`);
    expect(withHeader.text).toContain(',-40.00,');

    const headless = await csv(`/api/operator/settlements/${settlementId}/posting-file.csv?header=false`);
    expect(headless.rows).toEqual(expected);

    const credits = await csv(`/api/operator/settlements/${settlementId}/posting-file.csv?header=false&category=credit_adjustments`);
    expect(credits.rows).toEqual([expected[6]]);
    const invoices = await csv(`/api/operator/settlements/${settlementId}/posting-file.csv?category=invoices`);
    expect(invoices.rows).toEqual([POSTING_HEADER, ...expected.slice(0, 6)]);

    await operator.get(`/api/operator/settlements/${settlementId}/posting-file.csv?category=cash`).expect(400);
  });

  it('lists every payment in the Summary CSV', async () => {
    const { rows } = await csv(`/api/operator/settlements/${settlementId}/summary.csv`);
    expect(rows[0]).toEqual(['settlement_id', 'payment_id', 'account_id', 'account_name', 'method', 'status', 'amount', 'customer_fee', 'processing_cost', 'items', 'credits', 'discount', 'submitted_at', 'settled_at', 'returned_at', 'on_this_settlement']);
    const body = rows.slice(1).map((row) => [row[1], row[4], row[5], row[6], row[7], row[8], row[15]]);
    expect(body).toEqual([
      [payments[0]!.number, 'ACH', 'settled', '132.00', '0.00', '0.10', 'settled'],
      [payments[1]!.number, 'CARD', 'settled', '220.75', '0.75', '0.20', 'settled'],
      [payments[2]!.number, 'ACH', 'returned', '40.00', '0.00', '0.30', 'settled and reversed'],
    ]);
    for (const row of rows.slice(1)) {
      expect(row[13]).toMatch(/^\d{4}-\d{2}-\d{2}T/);
      expect(row[0]).toBe(settlement.number);
    }
    expect(rows[3]![14]).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  });

  it('marks categories posted by hand, refusing empty, already posted, open and unknown ones', async () => {
    const path = (category: string) => `/api/operator/settlements/${settlementId}/categories/${category}/mark-posted`;
    const refused = await operator.send('post', `/api/operator/settlements/${settlementId}/resolve`).expect(409);
    expect(refused.body.error.code).toBe('categories_unposted');

    const postedAt = '2026-11-20T18:30:00.000Z';
    const marked = await operator.send('post', path('invoices'), { postedAt }).expect(200);
    expect(marked.body.status).toBe('partially_posted');
    expect(marked.body.categories.invoices).toMatchObject({ status: 'posted', post_method: 'manual', posted_by: operatorId, posted_at: postedAt });
    expect(marked.body.categories.credit_adjustments.status).toBe('unposted');

    const twice = await operator.send('post', path('invoices'), { postedAt }).expect(409);
    expect(twice.body.error.code).toBe('category_already_posted');
    expect((await operator.send('post', path('cash'), {}).expect(404)).body.error.code).toBe('unknown_category');
    expect((await operator.send('post', path('credit_adjustments'), { postedAt: '2099-01-01T00:00:00Z' }).expect(400)).body.error.code).toBe('posted_at_in_future');
    expect((await operator.send('post', path('credit_adjustments'), { postedAt: 'yesterday' }).expect(400)).body.error.code).toBe('invalid_request');
    expect((await operator.send('post', `/api/operator/settlements/${settlementId}/auto-post`, {}).expect(422)).body.error.code).toBe('auto_post_unavailable');

    // The default posting file now leaves out what is already in the ERP.
    const remaining = await csv(`/api/operator/settlements/${settlementId}/posting-file.csv?header=false`);
    expect(remaining.rows.map((row) => row[9])).toEqual(['credit_application', 'debit_payment']);
    expect((await csv(`/api/operator/settlements/${settlementId}/posting-file.csv?header=false&lines=all`)).rows).toHaveLength(8);

    // An empty category, and a batch still collecting payments, cannot be marked.
    const other = await createSettledPayment(db, book, [{ kind: 'invoice', number: INV_BIG, amountCents: 1_000 }], { settledAt: new Date() });
    const open = (await activities.addToSettlement({ paymentId: other.id })).settlementId;
    expect(open).not.toBe(settlementId);
    const stillOpen = await operator.send('post', `/api/operator/settlements/${open}/categories/invoices/mark-posted`, {}).expect(409);
    expect(stillOpen.body.error.code).toBe('settlement_open');
    await operator.send('post', `/api/operator/settlements/${open}/close`).expect(200);
    const empty = await operator.send('post', `/api/operator/settlements/${open}/categories/debit_adjustments/mark-posted`, {}).expect(409);
    expect(empty.body.error).toMatchObject({ code: 'category_empty' });
    expect(empty.body.error.message).toMatch(/nothing in debit adjustments/);

    const audit = await db('audit_events').where({ entity_id: settlementId, action: 'settlement.category_marked_posted' });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor_kind: 'operator', actor_id: operatorId, data: expect.objectContaining({ category: 'invoices', postedAt }) });
  });

  it('resolves only once every category is posted, recording who and when', async () => {
    for (const category of ['credit_adjustments', 'debit_adjustments']) {
      await operator.send('post', `/api/operator/settlements/${settlementId}/categories/${category}/mark-posted`, {}).expect(200);
    }
    const posted = await operator.get(`/api/operator/settlements/${settlementId}`).expect(200);
    expect(posted.body.status).toBe('posted');
    const resolved = await operator.send('post', `/api/operator/settlements/${settlementId}/resolve`).expect(200);
    expect(resolved.body).toMatchObject({ status: 'resolved', resolved_by: operatorId });
    expect(resolved.body.resolved_at).toBeTruthy();
    expect((await operator.send('post', `/api/operator/settlements/${settlementId}/resolve`).expect(409)).body.error.code).toBe('settlement_already_resolved');
    expect((await operator.send('post', `/api/operator/settlements/${settlementId}/categories/invoices/mark-posted`, {}).expect(409)).body.error.code).toBe('settlement_resolved');
    expect(await db('audit_events').where({ entity_id: settlementId, action: 'settlement.resolved', actor_id: operatorId })).toHaveLength(1);

    // Its workflow is done once resolved.
    const result = await worker.client.workflow.getHandle<typeof settlementWorkflow>(settlement.workflow_id).result();
    expect(result.status).toBe('resolved');
  });

  it('keeps another dealer out', async () => {
    const stranger = await createSettlementDealer(db, null);
    const user = await createOperator(db, stranger.id);
    const other = await signIn(api.app, user.email);
    await other.get(`/api/operator/settlements/${settlementId}`).expect(404);
    await other.get(`/api/operator/settlements/${settlementId}/posting-file.csv`).expect(404);
    await other.get(`/api/operator/settlements/${settlementId}/summary.csv`).expect(404);
    await other.get(`/api/operator/settlements/${settlementId}/posting-progress`).expect(404);
    await other.send('post', `/api/operator/settlements/${settlementId}/categories/invoices/mark-posted`, {}).expect(404);
    await other.send('post', `/api/operator/settlements/${settlementId}/resolve`).expect(404);
    await other.send('post', `/api/operator/settlements/${settlementId}/close`).expect(404);
    await other.get('/api/operator/settlements/not-an-id').expect(404);
    const list = await other.get('/api/operator/settlements').expect(200);
    expect(list.body).toEqual([]);
  });
});
