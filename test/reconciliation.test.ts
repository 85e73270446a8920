import { createSettlementActivities } from '../activities/settlements';
import type { Db } from '../db/connection';
import { startSpruceEmulator, type SpruceEmulator } from '../emulators/spruce';
import { SpruceClient } from '../integrations/spruce';
import { logger } from '../runtime/logger';
import type { glPostingWorkflow } from '../workflows/gl-posting';
import { glPostingWorkflowId } from '../workflows/settlement-definitions';
import { testConfig } from './support/config';
import { testDb } from './support/db';
import { createOperator, signIn, startOperatorApp, type SignedIn, type TestApp } from './support/operator';
import { linkCardFromBrowser, startPaymentEmulators, type PaymentEmulators } from './support/payment-emulators';
import { createCustomerBook, createSettledPayment, createSettlementDealer, type PaymentPart } from './support/settlements';
import { startTestWorker } from './support/temporal';

/**
 * The reconciliation report against the real emulators: Moov's transfers and Spruce's
 * ledger beside Drypowder's settlement. It says so when all three agree, and lists every
 * difference once they do not.
 */
describe('reconciliation report', () => {
  let db: Db;
  let spruce: SpruceEmulator;
  let payments: PaymentEmulators;
  let worker: Awaited<ReturnType<typeof startTestWorker>>;
  let api: TestApp;
  let operator: SignedIn;
  let settlementId: string;
  let businessDate: string;
  let tenant: { id: string; apiKey: string; url: string };
  let card: string;
  let wallet: string;
  const paid: Array<{ id: string; number: string; amountCents: number; transferId: string }> = [];

  const transfer = async (key: string, amountCents: number) => {
    const created = await payments.moovClient.createTransfer({ idempotencyKey: key, sourcePaymentMethodId: card, destinationPaymentMethodId: wallet, amountCents });
    if (created.status !== 'completed') await payments.moov.admin.completeTransfer(created.transferId);
    return created.transferId;
  };

  beforeAll(async () => {
    db = testDb();
    spruce = await startSpruceEmulator({ port: 0 });
    payments = await startPaymentEmulators();
    worker = await startTestWorker({ db, logger, config: testConfig() });
    api = await startOperatorApp(db, { TASK_QUEUE: worker.taskQueue, MOOV_URL: payments.moov.url });

    const dealer = await createSettlementDealer(db, spruce);
    const row = await db('dealers').where({ id: dealer.id }).first();
    tenant = { id: dealer.tenantId, apiKey: row.spruce_api_key, url: spruce.url };
    const user = await createOperator(db, dealer.id);
    operator = await signIn(api.app, user.email);
    const book = await createCustomerBook(db, spruce, dealer, {
      invoices: [{ number: 'R-INV-1', amountCents: 40_000 }, { number: 'R-INV-2', amountCents: 40_000 }, { number: 'R-INV-3', amountCents: 40_000 }],
      credits: [{ number: 'R-CM-1', amountCents: 2_000 }],
      debits: [{ number: 'R-DB-1', amountCents: 3_000 }],
      statement: { number: 'R-ST-1', discountCents: 500 },
    }, 'recon');

    const customer = await payments.moovClient.ensureCustomerAccount({ id: book.companyId, name: 'Recon Builders' });
    expect((await linkCardFromBrowser(payments, customer)).ok).toBe(true);
    card = (await payments.moovClient.listPaymentMethods(customer, { types: ['card-payment'] }))[0]!.paymentMethodId;
    wallet = await payments.moovClient.walletPaymentMethodId(payments.moov.facilitatorAccountId);

    const activities = createSettlementActivities({ db, logger, config: api.config, temporal: worker.client, taskQueue: worker.taskQueue });
    const plan: Array<{ parts: PaymentPart[]; fee: number }> = [
      { parts: [{ kind: 'invoice', number: 'R-INV-1', amountCents: 12_300 }, { kind: 'credit', number: 'R-CM-1', amountCents: 2_000, appliedTo: 'R-INV-1' }, { kind: 'discount', amountCents: 500 }], fee: 0 },
      { parts: [{ kind: 'invoice', number: 'R-INV-2', amountCents: 8_000 }, { kind: 'debit', number: 'R-DB-1', amountCents: 3_000 }], fee: 330 },
      { parts: [{ kind: 'invoice', number: 'R-INV-3', amountCents: 6_500 }], fee: 0 },
    ];
    for (const [index, { parts, fee }] of plan.entries()) {
      const amount = parts.reduce((sum, part) => sum + (part.kind === 'invoice' || part.kind === 'debit' ? part.amountCents : -part.amountCents), 0) + fee;
      const transferId = await transfer(`recon-test-${index}-${book.companyId}`, amount);
      const payment = await createSettledPayment(db, book, parts, { settledAt: new Date(), feeCents: fee, method: 'card', transferId, processingCostCents: 40 });
      expect(payment.amountCents).toBe(amount);
      paid.push({ ...payment, transferId });
      settlementId = (await activities.addToSettlement({ paymentId: payment.id })).settlementId;
    }
    businessDate = (await operator.send('post', `/api/operator/settlements/${settlementId}/close`).expect(200)).body.business_date;
    await operator.send('post', `/api/operator/settlements/${settlementId}/auto-post`, {}).expect(202);
    await worker.client.workflow.getHandle<typeof glPostingWorkflow>(glPostingWorkflowId(settlementId)).result();
  });
  afterAll(async () => {
    await api.close();
    await worker.stop();
    await payments.stop();
    await spruce.stop();
    await db.destroy();
  });

  it('says all three agree to the cent when they do, per settlement and per day', async () => {
    const report = (await operator.get(`/api/operator/settlements/${settlementId}/reconciliation`).expect(200)).body;
    expect(report.differences).toEqual([]);
    expect(report.agrees).toBe(true);
    expect(report.summary).toMatch(/agree to the cent: 3 payments collected \$276\.30/);
    // 98.00 (9800 cents: not one of the Moov emulator's magic amounts), 113.30, 65.00.
    const collected = 9_800 + 11_330 + 6_500;
    expect(report.drypowder).toMatchObject({ paymentCount: 3, collectedCents: collected, lineCount: 6, lineCashCents: collected - 330, postedCashCents: collected - 330 });
    expect(report.processor).toMatchObject({ available: true, transferCount: 3, collectedCents: collected, returnedCents: 0 });
    expect(report.erp).toMatchObject({ available: true, postingCount: 6, cashCents: collected - 330 });

    const daily = (await operator.get(`/api/operator/reconciliation?date=${businessDate}`).expect(200)).body;
    expect(daily).toMatchObject({ date: businessDate, agrees: true, differences: [] });
    expect(daily.settlements.map((s: { id: string }) => s.id)).toEqual([settlementId]);
  });

  it('lists every difference once the books disagree', async () => {
    // Someone keyed a payment into Spruce by hand, for a payment Drypowder already posted.
    const client = new SpruceClient({ baseUrl: tenant.url, apiKey: tenant.apiKey, tenantId: tenant.id });
    await client.postGlLine('keyed-by-hand-1', { type: 'invoice_payment', account_id: (await db('gl_posting_lines').where({ settlement_id: settlementId }).first()).erp_account_id, document_id: 'R-INV-3', amount_cents: 100, posting_date: businessDate, payment_reference: paid[2]!.number });
    // The processor moved a different amount for the second payment.
    const other = await transfer(`recon-test-other-${paid[1]!.id}`, paid[1]!.amountCents + 1);
    await db('payments').where({ id: paid[1]!.id }).update({ moov_transfer_id: other });
    // Drypowder lost the answer for one line Spruce did post.
    const line = await db('gl_posting_lines').where({ payment_id: paid[0]!.id, line_type: 'invoice_payment' }).first();
    await db('gl_posting_lines').where({ id: line.id }).update({ status: 'pending', erp_posting_id: null });

    const report = (await operator.get(`/api/operator/settlements/${settlementId}/reconciliation`).expect(200)).body;
    expect(report.agrees).toBe(false);
    expect(report.summary).toBe('3 differences found; each is listed below.');
    expect(report.differences.map((d: { kind: string; paymentNumber: string }) => [d.kind, d.paymentNumber]).sort()).toEqual([
      ['ledger_has_unrecorded_posting', paid[0]!.number],
      ['ledger_unexpected_posting', paid[2]!.number],
      ['transfer_amount_mismatch', paid[1]!.number],
    ].sort());
    const mismatch = report.differences.find((d: { kind: string }) => d.kind === 'transfer_amount_mismatch');
    expect(mismatch).toMatchObject({ drypowderCents: paid[1]!.amountCents, otherCents: paid[1]!.amountCents + 1 });
  });

  it('refuses a day without a settlement and a malformed date', async () => {
    expect((await operator.get('/api/operator/reconciliation?date=2020-01-06').expect(404)).body.error.code).toBe('no_settlement');
    await operator.get('/api/operator/reconciliation?date=yesterday').expect(400);
  });
});
