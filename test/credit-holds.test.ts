import { randomUUID } from 'node:crypto';
import { startSpruceEmulator, type SpruceEmulator } from '../emulators/spruce';
import { createCreditHoldActivities } from '../activities/credit-holds';
import type { ActivityDeps } from '../activities';
import { startEmailRelay } from '../worker/duties';
import { logger } from '../runtime/logger';
import { testConfig } from './support/config';
import { eventually } from './support/eventually';
import { linkCard, payingCustomer, paymentStatus, startPaymentStack, submitPayment, type PayingCustomer, type PaymentStack } from './support/payment-stack';
import { createInvoice, emailCount, startMailSink, waitForEmail } from './support/portal';

/**
 * Pay-to-release through the real path: a card payment through the portal API, the Moov
 * emulator's signed webhooks, the payment's workflow, the credit-hold check after settling, the
 * Spruce emulator asked over HTTP to lift the hold, and the branch's email read from the SMTP
 * sink. The dealer starts on the Spruce integration; the last test moves it to files.
 */
jest.setTimeout(240_000);

describe('credit holds released by payment', () => {
  let spruce: SpruceEmulator;
  let stack: PaymentStack;
  let sink: Awaited<ReturnType<typeof startMailSink>>;
  let stopRelay: () => void;
  const tenantId = `hold-${randomUUID().slice(0, 8)}`;
  const apiKey = `key-${randomUUID()}`;
  const branch = `branch-${randomUUID().slice(0, 8)}@dealer.test`;

  beforeAll(async () => {
    sink = await startMailSink();
    spruce = await startSpruceEmulator({ port: 0 });
    spruce.store.createTenant({ id: tenantId, name: 'Hold Lumber', apiKey });
    stack = await startPaymentStack({
      businessDayMs: 1_000,
      config: { SMTP_URL: sink.smtpUrl },
      dealer: { integration_mode: 'spruce', spruce_base_url: spruce.url, spruce_tenant_id: tenantId, spruce_api_key: apiKey, settlement_cutoff: '17:00', time_zone: 'America/Chicago' },
    });
    await stack.db('dealers').where({ id: stack.dealerId }).update({ branch_notification_email: branch });
    stopRelay = startEmailRelay(stack.db, { SMTP_URL: sink.smtpUrl, MAIL_FROM: 'payments@drypowder.test' }, 300, { dealerId: stack.dealerId });
  });
  afterAll(async () => {
    stopRelay();
    await stack.stop();
    await spruce.stop();
    await sink.stop();
  });

  interface HeldCustomer extends PayingCustomer { erpAccountId: string; cardId: string }

  /** A card-paying customer whose account is on hold in Spruce and, as synced, in our books. */
  async function heldCustomer(credit: { limit: number; available: number; reason: 'over_limit' | 'past_due' | 'other' }): Promise<HeldCustomer> {
    const customer = await payingCustomer(stack);
    const { erp_account_id: erpAccountId } = await stack.db('customer_accounts').where({ id: customer.accountId }).first('erp_account_id');
    const fields = { credit_limit_cents: credit.limit, available_credit_cents: credit.available, credit_hold: true, credit_hold_reason: credit.reason };
    spruce.store.loadBook(tenantId, { accounts: [{ id: erpAccountId, name: 'Held builder', ...fields }] });
    await stack.db('customer_accounts').where({ id: customer.accountId }).update({ name: 'Held builder', ...fields });
    return { ...customer, erpAccountId, cardId: await linkCard(stack, customer) };
  }

  async function payByCard(customer: HeldCustomer, amountCents: number): Promise<{ id: string; number: string }> {
    const invoice = await createInvoice(stack.db, stack.dealerId, customer.accountId, { amountCents, dueDate: '2026-12-15' });
    const payment = await submitPayment(stack, customer, customer.cardId, [invoice.id]);
    await eventually(async () => expect(await paymentStatus(stack.db, payment.id)).toBe('settled'), 60_000);
    return payment;
  }

  const checkOf = (paymentId: string) => stack.db('credit_hold_checks').where({ payment_id: paymentId }).first();
  const accountOf = (customer: PayingCustomer) => stack.db('customer_accounts').where({ id: customer.accountId }).first('credit_hold', 'credit_hold_reason', 'available_credit_cents');
  const spruceAccount = (customer: HeldCustomer) => spruce.store.tenant(tenantId).objects.account.get(customer.erpAccountId)!;
  const releasesIn = (customer: HeldCustomer) => spruce.store.tenant(tenantId).holdReleases.filter((release) => release.account_id === customer.erpAccountId);
  const audits = (customer: PayingCustomer, action: string) => stack.db('audit_events').where({ entity_id: customer.accountId, action });

  it('lifts an over-limit hold in Spruce when a card payment brings the account within its limit, and emails the branch the payment number', async () => {
    const customer = await heldCustomer({ limit: 1_000_00, available: -300_00, reason: 'over_limit' });
    const payment = await payByCard(customer, 500_00);

    await eventually(async () => expect(await checkOf(payment.id)).toMatchObject({ outcome: 'released', erp_status: 'released', available_after_cents: 200_00 }), 30_000);
    expect(spruceAccount(customer)).toMatchObject({ credit_hold: false, credit_hold_reason: null, available_credit_cents: 200_00 });
    expect(releasesIn(customer)).toEqual([expect.objectContaining({ payment_reference: payment.number, amount_cents: 500_00, idempotency_key: `credit-hold-release:${payment.id}` })]);
    expect(await accountOf(customer)).toMatchObject({ credit_hold: false, credit_hold_reason: null, available_credit_cents: 200_00 });

    const email = await waitForEmail(sink, branch, (message) => message.subject.includes(payment.number), 20_000);
    expect(email.subject).toBe(`Credit hold lifted in Spruce: Held builder — payment ${payment.number}`);
    expect(email.text).toContain(`Payment ${payment.number} (id ${payment.id}) of $500.00 by card has cleared.`);
    expect(email.text).toContain('Available credit is now $200.00.');
    expect(await audits(customer, 'customer_account.credit_hold_release_requested')).toHaveLength(1);
    expect(await audits(customer, 'customer_account.credit_hold_released')).toHaveLength(1);
  });

  it('keeps the hold when the payment leaves the account still over its limit', async () => {
    const customer = await heldCustomer({ limit: 1_000_00, available: -800_00, reason: 'over_limit' });
    const payment = await payByCard(customer, 300_00);

    await eventually(async () => expect(await checkOf(payment.id)).toMatchObject({ outcome: 'still_over_limit', erp_status: 'none', available_after_cents: -500_00 }), 30_000);
    expect(await accountOf(customer)).toMatchObject({ credit_hold: true, credit_hold_reason: 'over_limit', available_credit_cents: -500_00 });
    expect(spruceAccount(customer)).toMatchObject({ credit_hold: true, credit_hold_reason: 'over_limit', available_credit_cents: -800_00 });
    expect(releasesIn(customer)).toEqual([]);
    expect(await audits(customer, 'customer_account.credit_hold_kept')).toHaveLength(1);
    expect(await stack.db('email_outbox').where({ payment_id: payment.id, kind: 'credit_hold_release' })).toEqual([]);
  });

  it('releases once when the processor’s events are delivered twice and the check runs again', async () => {
    const customer = await heldCustomer({ limit: 2_000_00, available: -100_00, reason: 'over_limit' });
    await stack.emulators.moov.admin.setWebhookFaults({ duplicate: 1 });
    let payment: { id: string; number: string };
    try {
      payment = await payByCard(customer, 250_00);
      await eventually(async () => expect(await checkOf(payment.id)).toMatchObject({ outcome: 'released', erp_status: 'released' }), 30_000);
    } finally {
      await stack.emulators.moov.admin.clearWebhookFaults();
    }
    await waitForEmail(sink, branch, (message) => message.subject.includes(payment.number), 20_000);

    // The same check again (a retried activity, a replayed settlement): nothing more happens.
    const activities = createCreditHoldActivities({ db: stack.db, logger, config: testConfig() } as unknown as ActivityDeps);
    expect(await activities.releaseCreditHold({ paymentId: payment.id })).toEqual({ outcome: 'released', erpStatus: 'released' });

    expect(releasesIn(customer)).toHaveLength(1);
    expect(spruceAccount(customer)).toMatchObject({ credit_hold: false, available_credit_cents: 150_00 });
    expect(await accountOf(customer)).toMatchObject({ credit_hold: false, available_credit_cents: 150_00 });
    expect(await audits(customer, 'customer_account.credit_hold_released')).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await stack.db('email_outbox').where({ payment_id: payment.id, kind: 'credit_hold_release' })).toHaveLength(1);
    expect(await emailCount(sink, branch)).toBe((await stack.db('email_outbox').where({ dealer_id: stack.dealerId, kind: 'credit_hold_release', to_address: branch })).length);
  });

  it('for a file-based dealer lifts the hold in our books and tells the dealer’s admins to lift it in the ERP', async () => {
    await stack.db('dealers').where({ id: stack.dealerId }).update({ integration_mode: 'file', branch_notification_email: null });
    try {
      const admin = await stack.db('operator_users').where({ dealer_id: stack.dealerId, role: 'admin', status: 'active' }).first('email');
      const customer = await heldCustomer({ limit: 500_00, available: -50_00, reason: 'over_limit' });
      const payment = await payByCard(customer, 75_00);

      await eventually(async () => expect(await checkOf(payment.id)).toMatchObject({ outcome: 'released', erp_status: 'books_only', available_after_cents: 25_00 }), 30_000);
      expect(await accountOf(customer)).toMatchObject({ credit_hold: false, credit_hold_reason: null, available_credit_cents: 25_00 });
      expect(releasesIn(customer)).toEqual([]);
      expect(spruceAccount(customer)).toMatchObject({ credit_hold: true });

      const email = await waitForEmail(sink, admin.email, (message) => message.subject.includes(payment.number), 20_000);
      expect(email.subject).toBe(`Lift the credit hold in your ERP: Held builder — payment ${payment.number}`);
      expect(email.text).toContain('Lift the hold in your ERP now');
      expect(email.text).toContain(`Payment ${payment.number} (id ${payment.id}) of $75.00 by card has cleared.`);
      expect(email.text).toContain('Available credit is now $25.00.');
      expect(await audits(customer, 'customer_account.credit_hold_released')).toHaveLength(1);
    } finally {
      await stack.db('dealers').where({ id: stack.dealerId }).update({ integration_mode: 'spruce', branch_notification_email: branch });
    }
  });
});
