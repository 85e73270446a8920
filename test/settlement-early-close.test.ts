import { parse } from 'csv-parse/sync';
import { createSettlementActivities } from '../activities/settlements';
import type { Db } from '../db/connection';
import { settlementBusinessDate, settlementClosesAt } from '../domain/settlement-day';
import { logger } from '../runtime/logger';
import { settlementStateQuery, settlementWorkflowId } from '../workflows/settlement-definitions';
import { testConfig } from './support/config';
import { testDb } from './support/db';
import { eventually } from './support/eventually';
import { createOperator, listQuery, signIn, startOperatorApp, type SignedIn, type TestApp } from './support/operator';
import { createCustomerBook, createSettledPayment, createSettlementDealer, type CustomerBook, type SettlementDealer } from './support/settlements';
import { startTestWorker } from './support/temporal';

/**
 * "Close now" before the cutoff: the payments that settle later that day belong to the same
 * business day, in the day's next settlement (sequence 2, 3, …), never to a later day. Each
 * settlement of the day is its own batch: its own workflow, number and posting file.
 */
describe('settlements closed early, several times on one business day', () => {
  let db: Db;
  let worker: Awaited<ReturnType<typeof startTestWorker>>;
  let api: TestApp;
  let activities: ReturnType<typeof createSettlementActivities>;
  let dealer: SettlementDealer;
  let book: CustomerBook;
  let operator: SignedIn;
  const ZONE = 'America/Chicago';
  const CLOSES = 4;

  beforeAll(async () => {
    db = testDb();
    worker = await startTestWorker({ db, logger, config: testConfig() });
    api = await startOperatorApp(db, { TASK_QUEUE: worker.taskQueue });
    activities = createSettlementActivities({ db, logger, config: api.config, temporal: worker.client, taskQueue: worker.taskQueue });
    dealer = await createSettlementDealer(db, null);
    operator = await signIn(api.app, (await createOperator(db, dealer.id)).email);
    book = await createCustomerBook(db, null, dealer, {
      invoices: Array.from({ length: CLOSES + 1 }, (_, index) => ({ number: `EC-${index + 1}`, amountCents: 50_000 })),
    });
  });
  afterAll(async () => {
    await api.close();
    await worker.stop();
    await db.destroy();
  });

  it('puts the payment settled after each close into a new settlement of the same business day, with the next sequence', async () => {
    const day = settlementBusinessDate(new Date(), ZONE, '17:00');
    const cutoff = settlementClosesAt(day, ZONE, '17:00').toISOString();
    const settlementIds: string[] = [];

    for (let round = 0; round <= CLOSES; round += 1) {
      const payment = await createSettledPayment(db, book, [{ kind: 'invoice', number: `EC-${round + 1}`, amountCents: 1_000 * (round + 1) }], { settledAt: new Date() });
      const { settlementId } = await activities.addToSettlement({ paymentId: payment.id });
      expect(settlementIds).not.toContain(settlementId);
      settlementIds.push(settlementId);

      const row = await db('settlements').where({ id: settlementId }).first();
      expect(row).toMatchObject({
        business_date: day, sequence: round + 1, status: 'open', payment_count: 1, gross_cents: 1_000 * (round + 1),
        workflow_id: settlementWorkflowId(dealer.id, day, round + 1),
      });
      expect(new Date(row.closes_at).toISOString()).toBe(cutoff);
      // Each batch of the day runs its own workflow, waiting for the same cutoff.
      const handle = worker.client.workflow.getHandle(row.workflow_id);
      await eventually(async () => expect(await handle.query(settlementStateQuery)).toMatchObject({ settlementId, businessDate: day, sequence: round + 1, status: 'open', joined: 1 }));

      if (round === CLOSES) break;
      const closed = await operator.send('post', `/api/operator/settlements/${settlementId}/close`).expect(200);
      expect(closed.body).toMatchObject({ id: settlementId, status: 'ready', business_date: day, sequence: round + 1, payment_count: 1 });
      await eventually(async () => expect((await handle.query(settlementStateQuery)).status).toBe('ready'));
    }

    // The first batch keeps the id settlements always had, so workflows started before a day
    // could hold several are still found.
    expect(settlementWorkflowId(dealer.id, day, 1)).toBe(`settlement-${dealer.id}-${day}`);
    expect(await db('settlements').where({ dealer_id: dealer.id }).whereNot({ business_date: day })).toEqual([]);
    const members = await db('payments').whereIn('settlement_id', settlementIds).select('settlement_id');
    expect(members).toHaveLength(CLOSES + 1);

    // Listed newest first: the day's batches by descending sequence.
    const list = await operator.get(`/api/operator/settlements${listQuery({ sort: ['business_date', 'DESC'], range: [0, 9] })}`).expect(200);
    expect(list.body.map((row: { id: string; sequence: number }) => [row.id, row.sequence])).toEqual(
      [...settlementIds].reverse().map((id, index) => [id, CLOSES + 1 - index]),
    );

    // The second batch posts on its own: its posting file holds only its line, dated the same business day.
    const second = await db('settlements').where({ id: settlementIds[1] }).first();
    const file = await operator.get(`/api/operator/settlements/${second.id}/posting-file.csv`).expect(200);
    const records = parse(file.text, { columns: true }) as Array<Record<string, string>>;
    expect(records.map((record) => [record.document_id, record.payment_amount, record.date, record.settlement_id])).toEqual([['EC-2', '20.00', day, second.number]]);

    // The audit log says who closed each one.
    const closes = await db('audit_events').whereIn('entity_id', settlementIds).where({ action: 'settlement.closed' });
    expect(closes).toHaveLength(CLOSES);
    expect(closes.every((event) => event.actor_kind === 'operator')).toBe(true);
  });

  it('opens one next settlement, not several, when payments settle together right after an early close', async () => {
    const dealerOf = await createSettlementDealer(db, null);
    const together = await createCustomerBook(db, null, dealerOf, { invoices: Array.from({ length: 7 }, (_, index) => ({ number: `TG-${index}`, amountCents: 10_000 })) });
    const first = await createSettledPayment(db, together, [{ kind: 'invoice', number: 'TG-0', amountCents: 500 }], { settledAt: new Date() });
    const { settlementId } = await activities.addToSettlement({ paymentId: first.id });
    await activities.closeSettlement({ settlementId, actorId: null });

    const payments = [];
    for (let index = 1; index < 7; index += 1) payments.push(await createSettledPayment(db, together, [{ kind: 'invoice', number: `TG-${index}`, amountCents: 100 * index }], { settledAt: new Date() }));
    const joined = await Promise.all(payments.map((payment) => activities.addToSettlement({ paymentId: payment.id })));
    expect(new Set(joined.map((join) => join.settlementId)).size).toBe(1);
    const next = await db('settlements').where({ id: joined[0]!.settlementId }).first();
    expect(next).toMatchObject({ sequence: 2, status: 'open', payment_count: 6, gross_cents: 2_100 });
    expect(await db('settlements').where({ dealer_id: dealerOf.id })).toHaveLength(2);
  });

  it("refuses another dealer's operator (404) and leaves the settlement open", async () => {
    const payment = await createSettledPayment(db, book, [{ kind: 'invoice', number: 'EC-1', amountCents: 100 }], { settledAt: new Date() });
    const { settlementId } = await activities.addToSettlement({ paymentId: payment.id });
    const other = await createSettlementDealer(db, null);
    const stranger = await signIn(api.app, (await createOperator(db, other.id)).email);
    const refused = await stranger.send('post', `/api/operator/settlements/${settlementId}/close`).expect(404);
    expect(refused.body.error).toMatchObject({ code: expect.any(String), message: expect.any(String) });
    expect((await db('settlements').where({ id: settlementId }).first()).status).toBe('open');
  });
});
