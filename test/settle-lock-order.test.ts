import { randomUUID } from 'node:crypto';
import type { Db } from '../db/connection';
import { applyReservations, createPaymentWithReservations } from '../db/payments';
import { testDb } from './support/db';
import { eventually } from './support/eventually';
import { createCustomerBook, createSettlementDealer, type CustomerBook } from './support/settlements';

/**
 * A hold (db/payments.ts reserveItems) locks a payment's invoices and then its adjustments,
 * each in id order. Settling, returning and releasing a payment must take the same rows in the
 * same order, or a hold and a settle sharing an invoice and an adjustment can each hold what the
 * other waits for. Here the adjustment's id sorts before the invoice's, the order in which a
 * mixed id order would take it first.
 */
describe('settling locks its items in the order a hold does', () => {
  let db: Db;
  let book: CustomerBook;

  beforeAll(async () => {
    db = testDb();
    const dealer = await createSettlementDealer(db, null);
    book = await createCustomerBook(db, null, dealer, { invoices: [{ number: `INV-LO-${randomUUID().slice(0, 6)}`, amountCents: 1_000_00 }], debits: [{ number: `DBT-LO-${randomUUID().slice(0, 6)}`, amountCents: 50_00 }] });
  });

  afterAll(async () => {
    await db.destroy();
  });

  it('waits for a held invoice before it touches the adjustment', async () => {
    const invoiceId = [...book.invoiceIds.values()][0]!;
    const lowId = `00000000-0000-4000-8000-${randomUUID().slice(-12)}`;
    await db('adjustments').where({ id: [...book.adjustmentIds.values()][0]! }).update({ id: lowId });
    const paymentId = randomUUID();
    await db.transaction((trx) => createPaymentWithReservations(trx, {
      id: paymentId, dealerId: book.dealerId, customerAccountId: book.accountId, companyId: book.companyId, portalUserId: null, paymentMethodId: book.paymentMethodId,
      method: 'ach', cardFunding: null, itemsCents: 1_050_00, creditsCents: 0, discountCents: 0, feeCents: 0, amountCents: 1_050_00, processingCostCents: 0,
      sourceView: 'all', statementId: null, idempotencyKey: `lock-order-${paymentId}`, requestHash: 'test',
      applications: [{ itemType: 'debit', itemId: lowId, amountCents: 50_00 }, { itemType: 'invoice', itemId: invoiceId, amountCents: 1_000_00 }],
    }));
    const payment = await db('payments').where({ id: paymentId }).first('id', 'dealer_id', 'customer_account_id', 'number');

    // Another transaction holds the invoice, as a hold being placed on it does.
    const holder = await db.transaction();
    await holder('invoices').where({ id: invoiceId }).forUpdate().first('id');
    const settling = db.transaction((trx) => applyReservations(trx, payment));
    settling.catch(() => undefined);
    await eventually(async () => {
      const waiting = await db('pg_stat_activity').where({ datname: db.client.database(), wait_event_type: 'Lock' }).whereILike('query', '%invoices%').count<{ count: string }[]>({ count: '*' });
      expect(Number(waiting[0]!.count)).toBe(1);
    });

    // The holder goes on to the adjustment, as a hold on both does: settling must not have it.
    const adjustment = await holder.raw('select id from adjustments where id = ? for update nowait', [lowId]).then(() => 'locked', (error: { code?: string }) => error.code);
    await holder.rollback();
    expect(adjustment).toBe('locked');

    await settling;
    expect(await db('invoices').where({ id: invoiceId }).first('balance_cents', 'reserved_cents')).toEqual({ balance_cents: 0, reserved_cents: 0 });
    expect(await db('adjustments').where({ id: lowId }).first('balance_cents', 'reserved_cents')).toEqual({ balance_cents: 0, reserved_cents: 0 });
  });
});
