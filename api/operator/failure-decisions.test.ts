import type { Db } from '../../db/connection';
import { transitionPayment } from '../../db/payments';
import type { PaymentStatus } from '../../domain/payment-status';
import { testDb } from '../../test/support/db';
import { createOperator, listQuery, signIn, startOperatorApp, type SignedIn, type TestApp } from '../../test/support/operator';
import { createCustomerBook, createSettledPayment, createSettlementDealer, type CustomerBook } from '../../test/support/settlements';

/**
 * Recording the AR team's decision on a failed, returned or disputed payment: tenancy, the
 * refusals, validation, the audit line, what the list and detail then say, and how a later
 * status change from the payment workflow's own persistence retires a decision.
 */
describe('operator API: decisions on failed payments', () => {
  let db: Db;
  let api: TestApp;
  let book: CustomerBook;
  let otherBook: CustomerBook;
  let admin: SignedIn;
  let adminId: string;
  let arOperator: SignedIn;
  let otherDealerAdmin: SignedIn;

  beforeAll(async () => {
    db = testDb();
    api = await startOperatorApp(db);
    const dealer = await createSettlementDealer(db, null);
    const otherDealer = await createSettlementDealer(db, null);
    book = await createCustomerBook(db, null, dealer, { invoices: Array.from({ length: 30 }, (_, i) => ({ number: `INV-FD-${i}`, amountCents: 10_000 + i * 111 })) });
    otherBook = await createCustomerBook(db, null, otherDealer, { invoices: [{ number: 'INV-OTHER-1', amountCents: 5_000 }] });
    const adminUser = await createOperator(db, dealer.id, { role: 'admin', name: 'Avery Admin' });
    adminId = adminUser.id;
    admin = await signIn(api.app, adminUser.email);
    arOperator = await signIn(api.app, (await createOperator(db, dealer.id, { role: 'ar_operator', name: 'Robin Receivables' })).email);
    otherDealerAdmin = await signIn(api.app, (await createOperator(db, otherDealer.id, { role: 'admin' })).email);
  });

  afterAll(async () => {
    await api.close();
    await db.destroy();
  });

  let nextInvoice = 0;
  /** A settled payment moved on by the same persistence the payment workflow uses. */
  async function paymentIn(status: PaymentStatus, owner: CustomerBook = book) {
    const invoice = owner === book ? `INV-FD-${nextInvoice++}` : 'INV-OTHER-1';
    const payment = await createSettledPayment(db, owner, [{ kind: 'invoice', number: invoice, amountCents: 4_321 }]);
    if (status === 'returned') await move(payment.id, 'settled', 'returned', 'ach_returned', { return_code: 'R01', failure_reason: 'Insufficient funds', returned_at: new Date() });
    if (status === 'disputed') await move(payment.id, 'settled', 'disputed', 'dispute');
    // A card decline happens before clearing; the fixture starts cleared, so set it as the workflow leaves it.
    if (status === 'failed') await db('payments').where({ id: payment.id }).update({ status: 'failed', settled_at: null, failure_reason: 'Card declined by the issuer' });
    return payment;
  }

  const move = (paymentId: string, from: PaymentStatus, to: PaymentStatus, event: string, fields?: Record<string, unknown>) =>
    db.transaction((trx) => transitionPayment(trx, { paymentId, from: [from], to, event, actor: { kind: 'processor' }, fields }));

  const decide = (who: SignedIn, id: string, body: unknown) => who.send('post', `/api/operator/payments/${id}/failure-decision`, body);
  const decisionsOf = (id: string) => db('payment_failure_decisions').where({ payment_id: id }).orderBy('id');
  const moneyOf = (id: string) => db('payments').where({ id }).first('status', 'amount_cents', 'items_cents', 'credits_cents', 'discount_cents', 'fee_cents', 'processing_cost_cents', 'settlement_id');

  it('records the decision on a returned payment without moving it, audits it and shows it in the detail and the list', async () => {
    const payment = await paymentIn('returned');
    const before = await moneyOf(payment.id);
    const answer = await decide(admin, payment.id, { outcome: 'paying_another_way', note: '  Mailing a check for the full amount  ' }).expect(200);
    expect(answer.body).toMatchObject({
      id: payment.id, status: 'returned', needs_decision: false, decision_outcome: 'paying_another_way', decision_note: 'Mailing a check for the full amount', decision_by: 'Avery Admin',
    });
    expect(answer.body.decisions).toEqual([expect.objectContaining({ payment_status: 'returned', outcome: 'paying_another_way', decided_by: 'Avery Admin', superseded_at: null })]);
    expect(await moneyOf(payment.id)).toEqual(before);

    const audit = await db('audit_events').where({ entity_id: payment.id, action: 'payment.failure_decided' });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actor_kind: 'operator', actor_id: adminId, entity_type: 'payment',
      data: { number: payment.number, status: 'returned', outcome: 'paying_another_way', note: 'Mailing a check for the full amount', customer_account_id: book.accountId },
    });

    const detail = await admin.get(`/api/operator/payments/${payment.id}`).expect(200);
    expect(detail.body).toMatchObject({ needs_decision: false, decision_outcome: 'paying_another_way', decision_by: 'Avery Admin' });
    expect(Date.parse(detail.body.decision_at)).not.toBeNaN();
  });

  it('splits the customer\'s failed, returned and disputed payments into those needing a decision and those decided', async () => {
    const decided = await paymentIn('failed');
    const open = await paymentIn('disputed');
    await paymentIn('settled');
    await decide(arOperator, decided.id, { outcome: 'written_off' }).expect(200);
    const list = async (needsDecision: boolean) => {
      const response = await admin.get(`/api/operator/payments${listQuery({ filter: { customer_account_id: book.accountId, status: ['failed', 'returned', 'disputed'], needs_decision: needsDecision }, range: [0, 49] })}`).expect(200);
      return response.body as Array<Record<string, unknown>>;
    };
    const waiting = await list(true);
    const done = await list(false);
    expect(waiting.map((row) => row.id)).toContain(open.id);
    expect(waiting.map((row) => row.id)).not.toContain(decided.id);
    for (const row of waiting) expect(row).toMatchObject({ needs_decision: true, decision_outcome: null });
    expect(done.find((row) => row.id === decided.id)).toMatchObject({ status: 'failed', needs_decision: false, decision_outcome: 'written_off', decision_note: null, decision_by: 'Robin Receivables' });
    expect(done.map((row) => row.id)).not.toContain(open.id);
  });

  it('answers 404 for another dealer\'s payment, an unknown id or a malformed one, and writes nothing', async () => {
    const foreign = await paymentIn('returned', otherBook);
    const refused = await decide(admin, foreign.id, { outcome: 'contacted_customer' }).expect(404);
    expect(refused.body.error).toEqual({ code: 'not_found', message: 'Payment not found.' });
    await decide(admin, '6f1c2b8e-2d47-4c1e-9a55-0d3f3a4b5c6d', { outcome: 'contacted_customer' }).expect(404);
    await decide(admin, 'P-1001', { outcome: 'contacted_customer' }).expect(404);
    expect(await decisionsOf(foreign.id)).toEqual([]);
    // The owner can, so the refusal above was about tenancy.
    await decide(otherDealerAdmin, foreign.id, { outcome: 'contacted_customer' }).expect(200);
  });

  it('answers 409 for a payment that needs no decision and for one already decided', async () => {
    const settled = await paymentIn('settled');
    const notNeeded = await decide(admin, settled.id, { outcome: 'contacted_customer' }).expect(409);
    expect(notNeeded.body.error).toEqual({ code: 'no_decision_needed', message: `Payment ${settled.number} is settled; only failed, returned or disputed payments take a decision.` });

    const returned = await paymentIn('returned');
    await decide(arOperator, returned.id, { outcome: 'contacted_customer', note: 'Left a voicemail' }).expect(200);
    const twice = await decide(admin, returned.id, { outcome: 'written_off' }).expect(409);
    expect(twice.body.error).toEqual({ code: 'already_decided', message: `A decision on payment ${returned.number} was already recorded by Robin Receivables: Contacted customer.` });
    expect((await decisionsOf(returned.id)).map((row) => row.outcome)).toEqual(['contacted_customer']);
  });

  it('lets one of two operators deciding at the same moment win and refuses the other', async () => {
    const returned = await paymentIn('returned');
    const answers = await Promise.all([
      decide(admin, returned.id, { outcome: 'resubmitted' }),
      decide(arOperator, returned.id, { outcome: 'written_off' }),
    ]);
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 409]);
    expect(answers.find((answer) => answer.status === 409)!.body.error.code).toBe('already_decided');
    expect(await decisionsOf(returned.id)).toHaveLength(1);
    expect(await db('audit_events').where({ entity_id: returned.id, action: 'payment.failure_decided' })).toHaveLength(1);
  });

  it.each<[string, Record<string, unknown>, string, RegExp]>([
    ['no outcome', {}, 'outcome', /^outcome: choose one of: contacted_customer, paying_another_way, resubmitted, written_off, no_action_needed$/],
    ['an unknown outcome', { outcome: 'forgiven' }, 'outcome', /^outcome: choose one of:/],
    ['a note too long', { outcome: 'written_off', note: 'x'.repeat(1001) }, 'note', /^note: keep the note under 1000 characters$/],
    ['a note that is not text', { outcome: 'written_off', note: 42 }, 'note', /^note: /],
  ])('refuses %s with 400 invalid_request naming the field', async (_case, body, field, message) => {
    const returned = await paymentIn('returned');
    const refused = await decide(admin, returned.id, body).expect(400);
    expect(refused.body.error.code).toBe('invalid_request');
    expect(refused.body.error.message).toMatch(message);
    expect(refused.body.error.details.map((detail: { field: string }) => detail.field)).toEqual([field]);
    expect(await decisionsOf(returned.id)).toEqual([]);
  });

  it('refuses a write without the CSRF token', async () => {
    const returned = await paymentIn('returned');
    const refused = await admin.agent.post(`/api/operator/payments/${returned.id}/failure-decision`).send({ outcome: 'written_off' }).expect(403);
    expect(refused.body.error.code).toBe('csrf_failed');
    expect(await decisionsOf(returned.id)).toEqual([]);
  });

  it('retires a decision when the payment\'s status changes: a disputed payment returned needs a new one, a dispute upheld needs none', async () => {
    const disputed = await paymentIn('disputed');
    await decide(admin, disputed.id, { outcome: 'contacted_customer', note: 'Customer says the charge is right; waiting on their bank' }).expect(200);
    await move(disputed.id, 'disputed', 'returned', 'ach_returned', { return_code: 'R10', returned_at: new Date() });

    const afterReturn = await admin.get(`/api/operator/payments/${disputed.id}`).expect(200);
    expect(afterReturn.body).toMatchObject({ status: 'returned', needs_decision: true, decision_outcome: null, decision_by: null });
    expect(afterReturn.body.decisions).toEqual([expect.objectContaining({ payment_status: 'disputed', outcome: 'contacted_customer' })]);
    expect(afterReturn.body.decisions[0].superseded_at).not.toBeNull();
    await decide(admin, disputed.id, { outcome: 'written_off' }).expect(200);
    const decisions = await decisionsOf(disputed.id);
    expect(decisions.map((row) => [row.payment_status, row.outcome, row.superseded_at === null])).toEqual([['disputed', 'contacted_customer', false], ['returned', 'written_off', true]]);

    const upheld = await paymentIn('disputed');
    await decide(admin, upheld.id, { outcome: 'no_action_needed' }).expect(200);
    await move(upheld.id, 'disputed', 'settled', 'resolve_dispute_upheld');
    const settled = await admin.get(`/api/operator/payments/${upheld.id}`).expect(200);
    expect(settled.body).toMatchObject({ status: 'settled', needs_decision: false, decision_outcome: null });
    expect(settled.body.decisions[0].superseded_at).not.toBeNull();
  });

  it('leaves a decision standing when the payment row changes without a status change', async () => {
    const returned = await paymentIn('returned');
    await decide(admin, returned.id, { outcome: 'resubmitted' }).expect(200);
    await db('payments').where({ id: returned.id }).update({ moov_status: 'reversed', updated_at: db.fn.now() });
    const detail = await admin.get(`/api/operator/payments/${returned.id}`).expect(200);
    expect(detail.body).toMatchObject({ needs_decision: false, decision_outcome: 'resubmitted' });
  });
});
