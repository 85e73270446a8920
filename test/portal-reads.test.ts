import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { refreshAccountStats } from '../db/account-stats';
import type { Db } from '../db/connection';
import { createPaymentWithReservations } from '../db/payments';
import { addDays, localDate } from '../domain/dates';
import { testDb } from './support/db';
import { pdfText } from './support/pdf-text';
import { createDealer, createOperator, signIn, startOperatorApp, type TestApp } from './support/operator';
import {
  createAdjustment, createCustomerAccount, createInvoice, createJob, createPortalCustomer, signInCustomer, startMailSink, waitForEmail, type CustomerSession,
} from './support/portal';

/**
 * What a signed-in customer can read: suppliers, Outstanding by job in the three views,
 * payments history and receipts — only ever for the accounts their company linked.
 */
describe('portal read APIs', () => {
  let db: Db;
  let api: TestApp;
  let sink: Awaited<ReturnType<typeof startMailSink>>;
  const today = localDate(new Date(), 'America/Chicago');

  let dealer: { id: string; name: string };
  let statementDealer: { id: string; name: string };
  let account: Awaited<ReturnType<typeof createCustomerAccount>>;
  let statementAccount: Awaited<ReturnType<typeof createCustomerAccount>>;
  let customer: CustomerSession;
  let company: Awaited<ReturnType<typeof createPortalCustomer>>;
  let ids: { riverside: string; oakStreet: string; old: string; mid: string; debit: string; credit: string; current: string; unassigned: string; paid: string };

  // Another contractor with its own account at the same dealer.
  let strangerAccount: Awaited<ReturnType<typeof createCustomerAccount>>;
  let strangerInvoice: { id: string };
  let strangerPaymentId: string;

  beforeAll(async () => {
    db = testDb();
    sink = await startMailSink();
    api = await startOperatorApp(db, { SMTP_URL: sink.smtpUrl });
    dealer = await createDealer(db, { name: 'Northwind Lumber', allow_partial_payments: true });
    statementDealer = await createDealer(db, { name: 'Cedar Ridge Supply', bills_by_statement: true });
    account = await createCustomerAccount(db, dealer.id, { name: 'Hallmark Builders' });
    statementAccount = await createCustomerAccount(db, statementDealer.id, { name: 'Hallmark Builders' });
    const hiddenAccount = await createCustomerAccount(db, dealer.id, { name: 'Hallmark (closed branch)' });
    company = await createPortalCustomer(db, [
      { id: account.id, dealerId: dealer.id },
      { id: statementAccount.id, dealerId: statementDealer.id },
      { id: hiddenAccount.id, dealerId: dealer.id },
    ]);
    await db('customer_accounts').where({ id: hiddenAccount.id }).update({ portal_access_disabled: true });
    await createInvoice(db, dealer.id, hiddenAccount.id, { amountCents: 99_999, dueDate: today });
    customer = await signInCustomer(api.app, company.email);

    const riverside = await createJob(db, dealer.id, account.id, 'Riverside Duplex');
    const oakStreet = await createJob(db, dealer.id, account.id, 'Oak Street Remodel');
    ids = {
      riverside: riverside.id,
      oakStreet: oakStreet.id,
      old: (await createInvoice(db, dealer.id, account.id, { number: `R-OLD-${randomUUID().slice(0, 4)}`, jobId: riverside.id, amountCents: 50_000, balanceCents: 30_000, dueDate: addDays(today, -95) })).id,
      mid: (await createInvoice(db, dealer.id, account.id, { jobId: riverside.id, amountCents: 20_000, reservedCents: 5_000, dueDate: addDays(today, -40) })).id,
      debit: (await createAdjustment(db, dealer.id, account.id, { kind: 'debit', jobId: riverside.id, amountCents: 1_500 })).id,
      credit: (await createAdjustment(db, dealer.id, account.id, { kind: 'credit', jobId: riverside.id, amountCents: 2_500 })).id,
      current: (await createInvoice(db, dealer.id, account.id, { jobId: oakStreet.id, amountCents: 12_345, dueDate: addDays(today, 20) })).id,
      unassigned: (await createInvoice(db, dealer.id, account.id, { amountCents: 700, dueDate: addDays(today, -65) })).id,
      paid: (await createInvoice(db, dealer.id, account.id, { jobId: oakStreet.id, amountCents: 800, balanceCents: 0, status: 'paid', dueDate: today })).id,
    };

    const stranger = await createCustomerAccount(db, dealer.id, { name: 'Someone Else Framing' });
    strangerAccount = stranger;
    strangerInvoice = await createInvoice(db, dealer.id, stranger.id, { amountCents: 4_200, dueDate: today });
    const strangerCompany = await createPortalCustomer(db, [{ id: stranger.id, dealerId: dealer.id }]);
    strangerPaymentId = await seedPayment(strangerCompany.companyId, dealer.id, stranger.id, [{ id: strangerInvoice.id, cents: 4_200 }]);
  });

  afterAll(async () => {
    await api.close();
    await sink.stop();
    await db.destroy();
  });

  async function seedPayment(companyId: string, dealerId: string, accountId: string, invoices: Array<{ id: string; cents: number }>, credit?: { id: string; cents: number; to: string }, feeCents = 0): Promise<string> {
    const [method] = await db('payment_methods')
      .insert({ company_id: companyId, kind: 'ach', moov_payment_method_id: `pm_${randomUUID()}`, moov_source_id: `ba_${randomUUID()}`, label: 'Business checking', last4: '6789', bank_name: 'First Prairie Bank' })
      .returning('id');
    const id = randomUUID();
    const itemsCents = invoices.reduce((sum, invoice) => sum + invoice.cents, 0);
    const creditsCents = credit?.cents ?? 0;
    await db.transaction((trx) => createPaymentWithReservations(trx, {
      id, dealerId, customerAccountId: accountId, companyId, portalUserId: null, paymentMethodId: method.id, method: 'ach', cardFunding: null,
      itemsCents, creditsCents, discountCents: 0, feeCents, amountCents: itemsCents - creditsCents + feeCents, processingCostCents: feeCents,
      sourceView: 'all', statementId: null, idempotencyKey: randomUUID(), requestHash: 'test',
      applications: [
        ...invoices.map((invoice) => ({ itemType: 'invoice' as const, itemId: invoice.id, amountCents: invoice.cents })),
        ...(credit ? [{ itemType: 'credit' as const, itemId: credit.id, amountCents: credit.cents, appliedToInvoiceId: credit.to }] : []),
      ],
    }));
    return id;
  }

  it('lists the suppliers the company is linked to, with its accounts there, and nothing hidden', async () => {
    const response = await customer.get('/api/portal/dealers').expect(200);
    expect(response.body.map((dealerRow: { name: string }) => dealerRow.name)).toEqual(['Cedar Ridge Supply', 'Northwind Lumber']);
    const northwind = response.body.find((row: { id: string }) => row.id === dealer.id);
    expect(northwind).toMatchObject({ billsByStatement: false, allowPartialPayments: true, accounts: [{ id: account.id, erpAccountId: account.erp_account_id, name: 'Hallmark Builders' }] });
  });

  it('groups what is owed by job with past-due age, balance, credits, counts and the payable part of each item', async () => {
    const response = await customer.get(`/api/portal/outstanding?dealerId=${dealer.id}`).expect(200);
    expect(response.body).toMatchObject({ view: 'all', asOf: today, dealer: { id: dealer.id, name: 'Northwind Lumber' } });
    expect(response.body.accounts).toHaveLength(1);
    const [outstanding] = response.body.accounts;
    expect(outstanding.jobs.map((job: { jobName: string }) => job.jobName)).toEqual(['Riverside Duplex', 'Oak Street Remodel', 'Not assigned to a job']);
    const [riverside, oak, none] = outstanding.jobs;
    expect(riverside).toMatchObject({
      jobId: ids.riverside, pastDueAge: '90+', maxDaysPastDue: 95,
      balanceCents: 30_000 + 20_000 + 1_500, creditsCents: 2_500, netCents: 49_000, payableCents: 30_000 + 15_000 + 1_500,
      invoiceCount: 2, debitCount: 1, creditCount: 1,
    });
    expect(riverside.items.map((item: { type: string; id: string }) => [item.type, item.id])).toEqual([
      ['invoice', ids.old], ['invoice', ids.mid], ['debit', ids.debit], ['credit', ids.credit],
    ]);
    expect(riverside.items[1]).toMatchObject({ balanceCents: 20_000, reservedCents: 5_000, payableCents: 15_000, pastDueAge: '30+', daysPastDue: 40 });
    expect(oak).toMatchObject({ pastDueAge: null, balanceCents: 12_345, invoiceCount: 1, items: [expect.objectContaining({ id: ids.current })] });
    expect(none).toMatchObject({ jobId: null, pastDueAge: '60+', balanceCents: 700 });
    // Paid items and accounts with portal access turned off are not shown.
    expect(JSON.stringify(response.body)).not.toContain(ids.paid);
    expect(JSON.stringify(response.body)).not.toContain('99999');
  });

  it('shows the same amounts as the operator console for the same account', async () => {
    await refreshAccountStats(db, [account.id]);
    const operator = await signIn(api.app, (await createOperator(db, dealer.id)).email);
    const consoleView = (await operator.get(`/api/operator/customers/${account.id}`).expect(200)).body;
    const { totals, jobs } = (await customer.get(`/api/portal/outstanding?dealerId=${dealer.id}`).expect(200)).body.accounts[0];
    expect(totals).toEqual({
      outstandingCents: consoleView.outstanding_cents,
      pastDueCents: consoleView.past_due_cents,
      debitsCents: consoleView.debit_adjustments_cents,
      creditsCents: consoleView.credit_adjustments_cents,
      netCents: consoleView.net_ar_cents,
    });
    expect(totals.outstandingCents).toBe(30_000 + 20_000 + 12_345 + 700);
    const invoice = (await operator.get(`/api/operator/invoices/${ids.mid}`).expect(200)).body;
    const portalItem = jobs.flatMap((job: { items: unknown[] }) => job.items).find((item: { id: string }) => item.id === ids.mid);
    expect(portalItem.balanceCents).toBe(invoice.balance_cents);
  });

  describe('dealers that bill by statement', () => {
    let statementId: string;
    let onStatement: string[];
    let newCharge: string;

    beforeAll(async () => {
      const [statement] = await db('statements').insert({
        dealer_id: statementDealer.id, customer_account_id: statementAccount.id, statement_number: `S-${randomUUID().slice(0, 6)}`,
        statement_date: addDays(today, -10), balance_cents: 60_000, discount_cents: 1_200, discount_date: addDays(today, 5), due_date: addDays(today, 15),
      }).returning('id');
      statementId = statement.id;
      const job = await createJob(db, statementDealer.id, statementAccount.id, 'Mill Creek Homes');
      onStatement = [
        (await createInvoice(db, statementDealer.id, statementAccount.id, { jobId: job.id, amountCents: 40_000, invoiceDate: addDays(today, -25), dueDate: addDays(today, 15), statementId })).id,
        (await createInvoice(db, statementDealer.id, statementAccount.id, { amountCents: 20_000, invoiceDate: addDays(today, -20), dueDate: addDays(today, 15), statementId })).id,
      ];
      newCharge = (await createInvoice(db, statementDealer.id, statementAccount.id, { jobId: job.id, amountCents: 9_900, invoiceDate: addDays(today, -3), dueDate: addDays(today, 27) })).id;
    });

    it('Current Statement shows balance, discount and due date with its items; New Charges what was billed since', async () => {
      const current = (await customer.get(`/api/portal/outstanding?dealerId=${statementDealer.id}&view=current_statement`).expect(200)).body.accounts[0];
      expect(current.statement).toMatchObject({
        id: statementId, balanceCents: 60_000, discountCents: 1_200, discountDate: addDays(today, 5), dueDate: addDays(today, 15),
        discountAvailable: true, openCents: 60_000, itemCount: 2, status: 'open',
      });
      const itemIds = (jobs: Array<{ items: Array<{ id: string }> }>) => jobs.flatMap((job) => job.items.map((item) => item.id)).sort();
      expect(itemIds(current.jobs)).toEqual([...onStatement].sort());

      const fresh = (await customer.get(`/api/portal/outstanding?dealerId=${statementDealer.id}&view=new_charges`).expect(200)).body.accounts[0];
      expect(itemIds(fresh.jobs)).toEqual([newCharge]);
      const all = (await customer.get(`/api/portal/outstanding?dealerId=${statementDealer.id}&view=all`).expect(200)).body.accounts[0];
      expect(itemIds(all.jobs)).toEqual([...onStatement, newCharge].sort());
    });

    it('the discount is no longer offered after its date', async () => {
      await db('statements').where({ id: statementId }).update({ discount_date: addDays(today, -1) });
      const current = (await customer.get(`/api/portal/outstanding?dealerId=${statementDealer.id}&view=current_statement`).expect(200)).body.accounts[0];
      expect(current.statement.discountAvailable).toBe(false);
    });

    it('statement views are refused for a dealer that does not bill by statement', async () => {
      const response = await customer.get(`/api/portal/outstanding?dealerId=${dealer.id}&view=new_charges`).expect(400);
      expect(response.body.error.code).toBe('statements_not_used');
    });
  });

  describe('payments history and receipts', () => {
    let paymentId: string;

    beforeAll(async () => {
      paymentId = await seedPayment(company.companyId, dealer.id, account.id, [{ id: ids.current, cents: 12_345 }, { id: ids.unassigned, cents: 700 }], { id: ids.credit, cents: 2_500, to: ids.current }, 150);
    });

    it('lists payments with status, amount, method and date, and shows one with what it paid', async () => {
      const history = (await customer.get('/api/portal/payments').expect(200)).body;
      expect(history.total).toBe(1);
      expect(history.payments[0]).toMatchObject({
        id: paymentId, status: 'pending', statusLabel: 'Processing', method: 'ach', methodLabel: 'First Prairie Bank ····6789',
        itemsCents: 13_045, creditsCents: 2_500, feeCents: 150, amountCents: 10_695, dealerName: 'Northwind Lumber',
      });
      const detail = (await customer.get(`/api/portal/payments/${paymentId}`).expect(200)).body;
      const current = await db('invoices').where({ id: ids.current }).first('invoice_number');
      const credit = await db('adjustments').where({ id: ids.credit }).first('adjustment_number');
      expect(detail.lines).toHaveLength(3);
      expect(detail.lines).toEqual(expect.arrayContaining([
        { type: 'invoice', number: current.invoice_number, amountCents: 12_345, appliedToInvoiceNumber: null, invoiceId: ids.current },
        { type: 'invoice', number: expect.any(String), amountCents: 700, appliedToInvoiceNumber: null, invoiceId: expect.any(String) },
      ]));
      expect(detail.lines[2]).toEqual({ type: 'credit', number: credit.adjustment_number, amountCents: 2_500, appliedToInvoiceNumber: current.invoice_number, invoiceId: null });
      expect(detail.events).toEqual([expect.objectContaining({ status: 'pending', statusLabel: 'Processing' })]);
      // Amounts in flight are no longer payable.
      const oak = (await customer.get(`/api/portal/outstanding?dealerId=${dealer.id}`).expect(200)).body.accounts[0].jobs.find((job: { jobId: string }) => job.jobId === ids.oakStreet);
      expect(oak.items[0]).toMatchObject({ balanceCents: 12_345, reservedCents: 12_345, payableCents: 0 });
    });

    it('the PDF receipt carries exactly the payment\'s numbers', async () => {
      const response = await customer.get(`/api/portal/payments/${paymentId}/receipt.pdf`).buffer(true).parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      }).expect(200);
      expect(response.headers['content-type']).toBe('application/pdf');
      const payment = await db('payments').where({ id: paymentId }).first();
      const text = pdfText(response.body as Buffer);
      const after = (label: string) => text[text.indexOf(label) + 1];
      expect(text).toContain(payment.number);
      expect(after('Items')).toBe('$130.45');
      expect(after('Credits')).toBe('-$25.00');
      expect(after('Processing fee')).toBe('$1.50');
      expect(after('Total charged')).toBe('$106.95');
      expect(payment.amount_cents).toBe(10_695);
    });

    it('emails the receipt again to the signed-in user, with the PDF attached', async () => {
      const response = await customer.send('post', `/api/portal/payments/${paymentId}/receipt/email`).expect(202);
      expect(response.body).toEqual({ sentTo: company.email });
      const message = await waitForEmail(sink, company.email);
      const payment = await db('payments').where({ id: paymentId }).first('number');
      expect(message.subject).toBe(`Receipt for payment ${payment.number} to Northwind Lumber`);
      expect(message.text).toContain('Total charged: $106.95');
      expect(message.attachments).toEqual([expect.objectContaining({ filename: `receipt-${payment.number}.pdf`, contentType: 'application/pdf' })]);
    });
  });

  it('never shows another company\'s items or payments: foreign ids answer 404', async () => {
    const otherDealer = await createDealer(db);
    await customer.get(`/api/portal/outstanding?dealerId=${otherDealer.id}`).expect(404);
    await customer.get('/api/portal/outstanding?dealerId=not-an-id').expect(404);
    await customer.get(`/api/portal/payments/${strangerPaymentId}`).expect(404);
    await customer.get(`/api/portal/payments/${strangerPaymentId}/receipt.pdf`).expect(404);
    await customer.send('post', `/api/portal/payments/${strangerPaymentId}/receipt/email`).expect(404);
    await customer.get('/api/portal/payments/12345').expect(404);
    const history = (await customer.get(`/api/portal/payments?dealerId=${dealer.id}`).expect(200)).body;
    expect(history.payments.map((payment: { id: string }) => payment.id)).not.toContain(strangerPaymentId);
    // Same dealer, but the stranger's account is not linked to this company.
    const outstanding = (await customer.get(`/api/portal/outstanding?dealerId=${dealer.id}`).expect(200)).body;
    expect(JSON.stringify(outstanding)).not.toContain(strangerInvoice.id);
    expect(JSON.stringify(outstanding)).not.toContain(strangerAccount.id);
    // A link the dealer disabled hides the account too.
    await db('company_account_links').where({ customer_account_id: statementAccount.id }).update({ status: 'disabled' });
    await customer.get(`/api/portal/outstanding?dealerId=${statementDealer.id}`).expect(404);
    await db('company_account_links').where({ customer_account_id: statementAccount.id }).update({ status: 'active' });
  });

  it('refuses every read without a session', async () => {
    await request(api.app).get('/api/portal/dealers').expect(401);
    await request(api.app).get(`/api/portal/outstanding?dealerId=${dealer.id}`).expect(401);
    await request(api.app).get('/api/portal/payments').expect(401);
  });
});
