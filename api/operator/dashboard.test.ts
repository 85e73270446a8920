import type { Db } from '../../db/connection';
import { addDays, localDate, zonedInstant } from '../../domain/dates';
import { testDb } from '../../test/support/db';
import { createDealer, createOperator, listQuery, seedAccounts, signIn, startOperatorApp, type SignedIn, type TestApp } from '../../test/support/operator';
import { createCustomerBook, createSettledPayment, createSettlementDealer } from '../../test/support/settlements';

/**
 * The console home: every count must equal the total of the filtered list it links to, and
 * nothing of another dealer may leak in.
 */
describe('operator API: dashboard', () => {
  let db: Db;
  let testApp: TestApp;
  let operator: SignedIn;
  let stranger: SignedIn;

  beforeAll(async () => {
    db = testDb();
    testApp = await startOperatorApp(db);
    const dealer = await createSettlementDealer(db, null);
    operator = await signIn(testApp.app, (await createOperator(db, dealer.id, { role: 'ar_operator' })).email);
    await seedAccounts(db, dealer.id, [
      { erp_account_id: 'D-1', name: 'Dogwood Decks', stats: { outstanding_cents: 150_000, current_cents: 100_000, past_due_cents: 50_000, aging_1_30_cents: 30_000, aging_91_plus_cents: 20_000 } },
      { erp_account_id: 'D-2', name: 'Elm Exteriors', stats: { outstanding_cents: 41_234, current_cents: 0, past_due_cents: 41_234, aging_31_60_cents: 11_234, aging_61_90_cents: 30_000 } },
    ]);

    const book = await createCustomerBook(db, null, dealer, { invoices: Array.from({ length: 6 }, (_, index) => ({ number: `DI-${index}`, amountCents: 10_000 })) });
    const payments = [];
    for (let index = 0; index < 6; index += 1) payments.push(await createSettledPayment(db, book, [{ kind: 'invoice', number: `DI-${index}`, amountCents: 1_000 * (index + 1) }]));
    await db('payments').where({ id: payments[0]!.id }).update({ status: 'frozen' });
    await db('payments').where({ id: payments[1]!.id }).update({ status: 'pending', needs_investigation: true, settled_at: null });
    await db('payments').whereIn('id', [payments[2]!.id, payments[3]!.id]).update({ status: 'returned', returned_at: new Date() });
    await db('payments').where({ id: payments[4]!.id }).update({ status: 'disputed' });

    const settlement = (number: string, status: string, businessDate: string, netCents: number) => ({
      dealer_id: dealer.id, number, business_date: businessDate, status, closes_at: new Date(), payment_count: 1, gross_cents: netCents, fee_cents: 0, net_cents: netCents,
      workflow_id: `settlement-${dealer.id}-${businessDate}-${number}`,
    });
    await db('settlements').insert([
      settlement(`S-${dealer.id.slice(0, 4)}-1`, 'ready', '2026-11-02', 12_345),
      settlement(`S-${dealer.id.slice(0, 4)}-2`, 'partially_posted', '2026-11-03', 10_000),
      settlement(`S-${dealer.id.slice(0, 4)}-3`, 'posted', '2026-11-04', 5_000),
      settlement(`S-${dealer.id.slice(0, 4)}-4`, 'resolved', '2026-11-05', 7_000),
    ]);

    // Another dealer's figures must not count.
    const other = await createDealer(db);
    stranger = await signIn(testApp.app, (await createOperator(db, other.id)).email);
    await seedAccounts(db, other.id, [{ erp_account_id: 'X-1', name: 'Other', stats: { outstanding_cents: 999_999, current_cents: 999_999 } }]);
  });

  afterAll(async () => {
    await testApp.close();
    await db.destroy();
  });

  it('sums open AR by aging bucket from the account statistics', async () => {
    const { body } = await operator.get('/api/operator/dashboard').expect(200);
    expect(body.aging.map((bucket: { bucket: string; cents: number }) => [bucket.bucket, bucket.cents])).toEqual([
      ['current', 100_000], ['1_30', 30_000], ['31_60', 11_234], ['61_90', 30_000], ['91_plus', 20_000],
    ]);
    expect(body.outstanding_cents).toBe(191_234);
  });

  it('counts payments needing attention exactly as the filtered payment lists do', async () => {
    const { body } = await operator.get('/api/operator/dashboard').expect(200);
    expect(body.attention).toEqual({ frozen: 1, needs_investigation: 1, returned: 2, disputed: 1 });
    const total = async (filter: Record<string, unknown>) => {
      const response = await operator.get(`/api/operator/payments${listQuery({ filter, range: [0, 0] })}`).expect(200);
      return Number(response.headers['content-range']!.split('/')[1]);
    };
    expect(await total({ status: 'frozen' })).toBe(body.attention.frozen);
    expect(await total({ needs_investigation: true })).toBe(body.attention.needs_investigation);
    expect(await total({ status: 'returned' })).toBe(body.attention.returned);
    expect(await total({ status: 'disputed' })).toBe(body.attention.disputed);
  });

  it('counts settlements waiting to be posted and to be resolved', async () => {
    const { body } = await operator.get('/api/operator/dashboard').expect(200);
    expect(body.settlements).toEqual({ to_post: 2, to_post_net_cents: 22_345, oldest_to_post: '2026-11-02', to_resolve: 1, open: 0 });
    const waiting = await operator.get(`/api/operator/settlements${listQuery({ filter: { status: ['ready', 'partially_posted'] } })}`).expect(200);
    expect(waiting.body).toHaveLength(body.settlements.to_post);
  });

  it('counts cash received on the day a payment settled, never a payment still pending, which it shows apart', async () => {
    const ZONE = 'America/Chicago';
    const dealer = await createSettlementDealer(db, null);
    const cashier = await signIn(testApp.app, (await createOperator(db, dealer.id, { role: 'ar_operator' })).email);
    const book = await createCustomerBook(db, null, dealer, { invoices: Array.from({ length: 8 }, (_, index) => ({ number: `CR-${index}`, amountCents: 20_000_000 })) });
    const today = localDate(new Date(), ZONE);
    const yesterday = addDays(today, -1);
    const noonOf = (day: string) => zonedInstant(day, '12:00', ZONE);
    let invoice = 0;
    const payment = async (amountCents: number, fields: { status: string; submitted_at: Date; settled_at: Date | null; returned_at?: Date }) => {
      const created = await createSettledPayment(db, book, [{ kind: 'invoice', number: `CR-${invoice++}`, amountCents }]);
      await db('payments').where({ id: created.id }).update(fields);
    };
    // The reported case: a $109,040.06 ACH payment submitted today and still pending at the processor.
    await payment(10_904_006, { status: 'pending', submitted_at: new Date(), settled_at: null });
    await payment(5_000, { status: 'pending', submitted_at: noonOf(yesterday), settled_at: null });
    // Submitted yesterday, settled today: today's cash, not yesterday's.
    await payment(25_000, { status: 'settled', submitted_at: noonOf(yesterday), settled_at: new Date() });
    await payment(12_345, { status: 'settled', submitted_at: new Date(), settled_at: new Date() });
    await payment(40_000, { status: 'settled', submitted_at: noonOf(addDays(today, -2)), settled_at: noonOf(yesterday) });
    // Settled and then returned: the money went back.
    await payment(7_777, { status: 'returned', submitted_at: noonOf(addDays(today, -2)), settled_at: noonOf(yesterday), returned_at: new Date() });
    await payment(3_000, { status: 'failed', submitted_at: new Date(), settled_at: null });
    // Settled before the window.
    await payment(9_999, { status: 'settled', submitted_at: noonOf(addDays(today, -41)), settled_at: noonOf(addDays(today, -40)) });

    const { body } = await cashier.get('/api/operator/dashboard').expect(200);
    const days = body.cash_received.by_day as Array<{ day: string; amount_cents: number; count: number }>;
    expect(days).toHaveLength(30);
    expect(days[0]!.day).toBe(addDays(today, -29));
    expect(days.slice(-3)).toEqual([
      { day: addDays(today, -2), amount_cents: 0, count: 0 },
      { day: yesterday, amount_cents: 40_000, count: 1 },
      { day: today, amount_cents: 37_345, count: 2 },
    ]);
    expect(body.cash_received).toMatchObject({ days: 30, amount_cents: 77_345, count: 3 });
    expect(body.pending).toEqual({ count: 2, amount_cents: 10_909_006 });
    // The pending total is the payments list's Pending filter.
    const pendingList = await cashier.get(`/api/operator/payments${listQuery({ filter: { status: 'pending' }, range: [0, 0] })}`).expect(200);
    expect(Number(pendingList.headers['content-range']!.split('/')[1])).toBe(body.pending.count);
  });

  it("shows a dealer only its own figures", async () => {
    const { body } = await stranger.get('/api/operator/dashboard').expect(200);
    expect(body.outstanding_cents).toBe(999_999);
    expect(body.attention).toEqual({ frozen: 0, needs_investigation: 0, returned: 0, disputed: 0 });
    expect(body.settlements.to_post).toBe(0);
    expect(body.cash_received).toMatchObject({ amount_cents: 0, count: 0 });
    expect(body.pending).toEqual({ count: 0, amount_cents: 0 });
  });

  it('needs a signed-in operator', async () => {
    const request = (await import('supertest')).default;
    await request(testApp.app).get('/api/operator/dashboard').expect(401);
  });
});
