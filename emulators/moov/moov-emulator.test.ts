import { Moov } from '@moovio/sdk';
import { randomUUID } from 'node:crypto';
import { MoovClient, MoovIntegrationError, moovIdempotencyKey, type MoovTransferState } from '../../integrations/moov';
import {
  linkBankThroughPlaid,
  linkCardFromBrowser,
  startPaymentEmulators,
  waitUntil,
  type PaymentEmulators,
} from '../../test/support/payment-emulators';

/**
 * The Moov emulator through the real @moovio/sdk (via MoovClient), with bank accounts linked
 * through the Plaid emulator. The default emulator here has hour-long business days, so ACH
 * only moves when a test advances the clock; timing-driven paths use a fast emulator.
 */
const rejection = async (promise: Promise<unknown>): Promise<MoovIntegrationError> => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MoovIntegrationError);
  return error as MoovIntegrationError;
};

describe('Moov emulator through @moovio/sdk', () => {
  let emulators: PaymentEmulators;
  let moov: MoovClient;
  let dealerWallet: string;

  beforeAll(async () => {
    emulators = await startPaymentEmulators();
    moov = emulators.moovClient;
    const dealerAccount = await moov.ensureDealerAccount({ id: randomUUID(), name: 'Northwind Lumber' });
    dealerWallet = await moov.walletPaymentMethodId(dealerAccount);
  });
  afterAll(async () => {
    await emulators.stop();
  });

  const customerWithBank = async (institution = 'ins_dp_prairie', accountKey = 'checking') => {
    const accountId = await moov.ensureCustomerAccount({ id: randomUUID(), name: 'Hallmark Builders', email: 'ap@hallmark.test' });
    return { accountId, bank: await linkBankThroughPlaid(emulators, accountId, institution, accountKey) };
  };
  const pay = (source: string, amountCents: number, key: string = randomUUID()) =>
    moov.createTransfer({ idempotencyKey: key, sourcePaymentMethodId: source, destinationPaymentMethodId: dealerWallet, amountCents, foreignId: key });

  it('creates one account per company and links a bank account from a Plaid processor token', async () => {
    const company = { id: randomUUID(), name: 'Hallmark Builders' };
    const accountId = await moov.ensureCustomerAccount(company);
    expect(await moov.ensureCustomerAccount(company)).toBe(accountId);

    const bank = await linkBankThroughPlaid(emulators, accountId, 'ins_dp_timberline', 'checking');
    expect(bank).toMatchObject({
      kind: 'ach',
      paymentMethodType: 'ach-debit-collect',
      bankName: 'Timberline Credit Union',
      last4: '4001',
      bankStatus: 'verified',
      label: 'Timberline Credit Union ····4001',
      cardFunding: null,
    });
    const methods = await moov.listPaymentMethods(accountId);
    expect(methods.map((m) => m.paymentMethodId)).toEqual([bank.paymentMethodId]);

    // Linking the same Plaid account again gives back the same bank account.
    const again = await linkBankThroughPlaid(emulators, accountId, 'ins_dp_timberline', 'checking');
    expect(again.sourceId).toBe(bank.sourceId);
  });

  it('refuses a processor token Plaid does not know', async () => {
    const accountId = await moov.ensureCustomerAccount({ id: randomUUID(), name: 'Forged Co' });
    const error = await rejection(moov.linkBankAccountFromPlaid(accountId, 'processor-sandbox-forged'));
    expect(error).toMatchObject({ code: 'validation', retryable: false, status: 422 });
    expect(String(error.details?.plaid)).toContain('INVALID_PROCESSOR_TOKEN');
  });

  it('links a card straight from the browser with a scoped token and lists it with funding, last4 and billing state', async () => {
    const accountId = await moov.ensureCustomerAccount({ id: randomUUID(), name: 'Card Payer LLC' });
    const token = await moov.createCardLinkToken(accountId);

    const preflight = await fetch(token.cardsUrl, {
      method: 'OPTIONS',
      headers: { Origin: 'http://portal.test', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization,content-type' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('http://portal.test');
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/Authorization/);

    const linked = await linkCardFromBrowser(emulators, accountId, { number: '4000056655665556', state: 'TX' });
    expect(linked.status).toBe(200);
    const card = (await linked.json()) as Record<string, unknown>;
    expect(card).toMatchObject({ brand: 'Visa', cardType: 'debit', lastFourCardNumber: '5556' });
    expect(JSON.stringify(card)).not.toContain('4000056655665556');

    const [method] = await moov.listPaymentMethods(accountId);
    expect(method).toMatchObject({ kind: 'card', paymentMethodType: 'card-payment', cardBrand: 'Visa', cardFunding: 'debit', last4: '5556', billingState: 'TX' });

    const prepaid = await linkCardFromBrowser(emulators, accountId, { number: '5105105105105100', state: 'CA' });
    expect(((await prepaid.json()) as { cardType: string }).cardType).toBe('prepaid');
  });

  it('lets a card token do nothing but link cards to its own account', async () => {
    const accountId = await moov.ensureCustomerAccount({ id: randomUUID(), name: 'Scoped Co' });
    const other = await moov.ensureCustomerAccount({ id: randomUUID(), name: 'Other Co' });
    const token = await moov.createCardLinkToken(accountId);
    const browser = new Moov({ serverURL: emulators.moov.url, accessToken: token.accessToken });

    await expect(browser.transfers.list({ accountID: emulators.moov.facilitatorAccountId })).rejects.toMatchObject({ statusCode: 403 });
    await expect(browser.paymentMethods.list({ accountID: other })).rejects.toMatchObject({ statusCode: 403 });
    const withoutToken = await fetch(token.cardsUrl, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    expect(withoutToken.status).toBe(401);
    const forged = await fetch(token.cardsUrl, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token.accessToken}x` }, body: '{}' });
    expect(forged.status).toBe(401);
    const badCard = await linkCardFromBrowser(emulators, accountId, { number: '4111111111111112' });
    expect(badCard.status).toBe(422);
    expect(await badCard.json()).toMatchObject({ cardNumber: expect.any(String) });
  });

  it('creates exactly one transfer per idempotency key, even when the same request races itself', async () => {
    const { bank } = await customerWithBank();
    const key = `payment-${randomUUID()}`;
    const results = await Promise.all(Array.from({ length: 5 }, () => pay(bank.paymentMethodId, 12_345, key)));
    const ids = new Set(results.map((r) => r.transferId));
    expect(ids.size).toBe(1);
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    expect(results[0]).toMatchObject({ status: 'pending', amountCents: 12_345, rail: 'ach', ach: { status: 'initiated' } });

    const listed = await moov.listTransfers({ foreignId: key });
    expect(listed.map((t) => t.transferId)).toEqual([...ids]);

    const reused = await rejection(pay(bank.paymentMethodId, 99_999, key));
    expect(reused).toMatchObject({ code: 'idempotency-key-reused', retryable: false });
  });

  it('maps keys longer than Moov allows to a stable 36-character key', async () => {
    const long = `settlement-${randomUUID()}-${randomUUID()}`;
    expect(moovIdempotencyKey(long)).toHaveLength(36);
    expect(moovIdempotencyKey(long)).toBe(moovIdempotencyKey(long));
    expect(moovIdempotencyKey('payment-1')).toBe('payment-1');
    const { bank } = await customerWithBank();
    const first = await pay(bank.paymentMethodId, 500, long);
    const second = await pay(bank.paymentMethodId, 500, long);
    expect(second).toMatchObject({ transferId: first.transferId, replayed: true });
  });

  it('runs ACH through originated and completed as the clock advances business days', async () => {
    const { bank } = await customerWithBank();
    const transfer = await pay(bank.paymentMethodId, 25_000);
    await emulators.moov.admin.advanceClock({ businessDays: 0.5 });
    expect((await moov.getTransfer(transfer.transferId)).ach?.status).toBe('originated');
    await emulators.moov.admin.advanceClock({ businessDays: 1.5 });
    const done = await moov.getTransfer(transfer.transferId);
    expect(done).toMatchObject({ status: 'completed', ach: { status: 'completed', returnCode: null } });
    expect(done.completedAt).toBeInstanceOf(Date);

    const statuses = (await emulators.moov.admin.events({ transferID: transfer.transferId })).map((e) => `${e.type}:${String(e.data.status)}`);
    expect(statuses).toEqual([
      'transfer.created:created',
      'transfer.updated:pending',
      'transfer.updated:source.initiated',
      'transfer.updated:source.originated',
      'transfer.updated:source.completed',
      'transfer.updated:completed',
    ]);
  });

  it('cancels an ACH transfer while it is still initiated, and refuses once it is originated', async () => {
    const { bank } = await customerWithBank();
    const early = await pay(bank.paymentMethodId, 4_000);
    expect(await moov.cancelTransfer(early.transferId)).toMatchObject({ status: 'completed' });
    expect(await moov.getTransfer(early.transferId)).toMatchObject({ status: 'canceled', ach: { status: 'canceled' }, cancellations: [{ status: 'completed' }] });

    const late = await pay(bank.paymentMethodId, 4_001);
    await emulators.moov.admin.advanceClock({ businessDays: 0.5 });
    expect(await moov.cancelTransfer(late.transferId)).toMatchObject({ status: 'failed' });
    expect((await moov.getTransfer(late.transferId)).status).toBe('pending');
  });

  it('fails an ACH debit returned R01 before clearing (magic amount 91.01)', async () => {
    const { accountId, bank } = await customerWithBank();
    const transfer = await pay(bank.paymentMethodId, 9_101);
    await emulators.moov.admin.advanceClock({ businessDays: 3 });
    expect(await moov.getTransfer(transfer.transferId)).toMatchObject({
      status: 'failed',
      failureReason: 'source-payment-error',
      ach: { status: 'returned', returnCode: 'R01', returnReason: 'Insufficient funds' },
    });
    // R01 is about funds, not the account: the bank account stays usable.
    expect((await moov.listPaymentMethods(accountId)).map((m) => m.paymentMethodId)).toEqual([bank.paymentMethodId]);
  });

  it('reverses a completed ACH payment on a late return and disables the bank account on R02', async () => {
    const { accountId, bank } = await customerWithBank();
    const transfer = await pay(bank.paymentMethodId, 30_000);
    await emulators.moov.admin.advanceClock({ businessDays: 2 });
    expect((await moov.getTransfer(transfer.transferId)).status).toBe('completed');

    const returned = await emulators.moov.admin.returnTransfer(transfer.transferId, 'R02');
    expect(returned.status).toBe('reversed');
    expect(await moov.getTransfer(transfer.transferId)).toMatchObject({ status: 'reversed', ach: { status: 'returned', returnCode: 'R02', returnReason: 'Account closed' } });
    expect(await moov.listPaymentMethods(accountId)).toEqual([]);
    const again = await rejection(pay(bank.paymentMethodId, 100));
    expect(again).toMatchObject({ code: 'validation' });
  });

  it('returns debits from the Plaid test bank’s closed account after they clear, on the clock', async () => {
    const { bank } = await customerWithBank('ins_dp_returns', 'r10');
    const transfer = await pay(bank.paymentMethodId, 12_000);
    await emulators.moov.admin.advanceClock({ businessDays: 2 });
    expect((await moov.getTransfer(transfer.transferId)).status).toBe('completed');
    await emulators.moov.admin.advanceClock({ businessDays: 2 });
    expect(await moov.getTransfer(transfer.transferId)).toMatchObject({ status: 'reversed', ach: { returnCode: 'R10' } });
  });

  it('authorizes and settles a card in about a second; declines the magic amount 94.01', async () => {
    const accountId = await moov.ensureCustomerAccount({ id: randomUUID(), name: 'Card Co' });
    await linkCardFromBrowser(emulators, accountId, { number: '5555555555554444' });
    const [card] = await moov.listPaymentMethods(accountId);

    const paid = await pay(card!.paymentMethodId, 10_000);
    expect(paid).toMatchObject({ status: 'pending', rail: 'card', card: { status: 'confirmed', failureCode: null } });
    expect(paid.card?.authorizationCode).toMatch(/^\d{6}$/);
    const settled = await waitUntil(async () => {
      const t = await moov.getTransfer(paid.transferId);
      return t.status === 'completed' && t;
    }, 'card settlement');
    expect(settled.card).toMatchObject({ status: 'completed' });

    const declined = await pay(card!.paymentMethodId, 9_401);
    expect(declined).toMatchObject({ status: 'failed', failureReason: 'source-payment-error', card: { status: 'failed', failureCode: 'insufficient-funds' } });
  });

  it('refunds a settled card payment, and cancels one that has not settled yet', async () => {
    const accountId = await moov.ensureCustomerAccount({ id: randomUUID(), name: 'Refund Co' });
    await linkCardFromBrowser(emulators, accountId);
    const [card] = await moov.listPaymentMethods(accountId);

    const settled = await pay(card!.paymentMethodId, 8_000);
    await waitUntil(async () => (await moov.getTransfer(settled.transferId)).status === 'completed', 'card settlement');
    const refundKey = `refund-${settled.transferId}`;
    const refund = await moov.reverseTransfer({ transferId: settled.transferId, idempotencyKey: refundKey, amountCents: 8_000 });
    expect(refund).toMatchObject({ kind: 'refund', amountCents: 8_000 });
    const replayed = await moov.reverseTransfer({ transferId: settled.transferId, idempotencyKey: refundKey, amountCents: 8_000 });
    expect(replayed).toMatchObject({ kind: 'refund', refundId: refund.kind === 'refund' ? refund.refundId : 'missing', amountCents: 8_000 });
    const reversed = await waitUntil(async () => {
      const t = await moov.getTransfer(settled.transferId);
      return t.status === 'reversed' && t;
    }, 'refund completion');
    expect(reversed.refundedCents).toBe(8_000);

    const fresh = await pay(card!.paymentMethodId, 2_500);
    const voided = await moov.reverseTransfer({ transferId: fresh.transferId, idempotencyKey: `refund-${fresh.transferId}`, amountCents: 2_500 });
    expect(voided).toMatchObject({ kind: 'cancellation', status: 'completed' });
    expect((await moov.getTransfer(fresh.transferId)).status).toBe('canceled');
  });

  it('takes an ACH return with any code long after the debit completed: 59 days later the transfer is reversed', async () => {
    const { bank } = await customerWithBank();
    const transfer = await pay(bank.paymentMethodId, 41_000);
    await emulators.moov.admin.advanceClock({ businessDays: 2 });
    expect((await moov.getTransfer(transfer.transferId)).status).toBe('completed');
    await emulators.moov.admin.advanceClock({ ms: 59 * 24 * 3600_000 });

    const returned = await emulators.moov.admin.returnTransfer(transfer.transferId, 'R10');
    expect(returned).toMatchObject({ status: 'reversed', source: { achDetails: { status: 'returned', return: { code: 'R10' } } } });
    const state = await moov.getTransfer(transfer.transferId);
    expect(state.ach).toMatchObject({ returnCode: 'R10', returnReason: 'Customer advises the debit was not authorized' });
    expect(state.ach!.returnedAt!.getTime() - state.ach!.completedAt!.getTime()).toBeGreaterThanOrEqual(59 * 24 * 3600_000);
    const statuses = (await emulators.moov.admin.events({ transferID: transfer.transferId })).map((e) => `${e.type}:${String(e.data.status)}`);
    expect(statuses.slice(-3)).toEqual(['transfer.updated:completed', 'transfer.updated:source.returned', 'transfer.updated:reversed']);
    // One return per entry: a second is refused.
    await expect(emulators.moov.admin.returnTransfer(transfer.transferId, 'R01')).rejects.toMatchObject({ status: 409 });
  });

  it('refunds a card payment in parts up to its amount, created → pending → completed, and refuses more with Moov’s 422', async () => {
    const accountId = await moov.ensureCustomerAccount({ id: randomUUID(), name: 'Partial Refund Co' });
    await linkCardFromBrowser(emulators, accountId);
    const [card] = await moov.listPaymentMethods(accountId);
    const paid = await pay(card!.paymentMethodId, 9_000);
    await emulators.moov.admin.completeTransfer(paid.transferId);

    const first = await moov.refundTransfer({ transferId: paid.transferId, idempotencyKey: randomUUID(), amountCents: 2_000 });
    expect(first).toMatchObject({ status: 'created', amountCents: 2_000, replayed: false });
    const second = await moov.refundTransfer({ transferId: paid.transferId, idempotencyKey: randomUUID(), amountCents: 3_000 });
    const tooMuch = await rejection(moov.refundTransfer({ transferId: paid.transferId, idempotencyKey: randomUUID(), amountCents: 4_001 }));
    expect(tooMuch).toMatchObject({ code: 'validation', status: 422, details: { amount: 'exceeds the refundable amount (4000)' } });

    await waitUntil(async () => (await moov.listRefunds(paid.transferId)).every((r) => r.status === 'completed'), 'refunds completing');
    expect(await moov.getTransfer(paid.transferId)).toMatchObject({ status: 'completed', refundedCents: 5_000 });
    const refundEvents = (await emulators.moov.admin.events({ transferID: paid.transferId }))
      .filter((e) => e.type.startsWith('refund.') && e.data.refundID === first.refundId)
      .map((e) => `${e.type}:${String(e.data.status ?? '')}`);
    expect(refundEvents).toEqual(['refund.created:', 'refund.updated:pending', 'refund.updated:completed']);

    // A refund the network refuses frees its amount again; the rest then reverses the transfer.
    const failing = await moov.refundTransfer({ transferId: paid.transferId, idempotencyKey: randomUUID(), amountCents: 4_000 });
    expect(await emulators.moov.admin.failRefund(paid.transferId, failing.refundId, 'invalid-transaction')).toMatchObject({ status: 'failed', cardDetails: { status: 'failed', failureCode: 'invalid-transaction' } });
    await expect(emulators.moov.admin.completeRefund(paid.transferId, failing.refundId)).rejects.toMatchObject({ status: 409 });
    expect((await moov.listRefunds(paid.transferId)).find((r) => r.refundId === failing.refundId)).toMatchObject({ status: 'failed', failureCode: 'invalid-transaction' });
    const last = await moov.refundTransfer({ transferId: paid.transferId, idempotencyKey: randomUUID() });
    expect(last.amountCents).toBe(4_000);
    expect(await emulators.moov.admin.completeRefund(paid.transferId, last.refundId)).toMatchObject({ status: 'completed', amountCents: 4_000 });
    expect(await moov.getTransfer(paid.transferId)).toMatchObject({ status: 'reversed', refundedCents: 9_000 });
    expect(second.refundId).not.toBe(first.refundId);
  });

  it('sends money back from a dealer wallet to a customer’s bank account as an ACH credit transfer', async () => {
    const { accountId, bank } = await customerWithBank();
    const debit = await pay(bank.paymentMethodId, 20_000);
    await emulators.moov.admin.advanceClock({ businessDays: 2 });
    const credit = await moov.achCreditPaymentMethodId(accountId, bank.sourceId);
    const key = randomUUID();
    const input = {
      idempotencyKey: key,
      sourcePaymentMethodId: dealerWallet,
      destinationPaymentMethodId: credit,
      amountCents: 7_500,
      metadata: { refundOf: debit.transferId },
      achEntryDescription: 'REFUND',
      achEntrySide: 'destination' as const,
    };
    const sent = await moov.createTransfer(input);
    expect(sent).toMatchObject({ status: 'pending', rail: 'ach', amountCents: 7_500, ach: { status: 'initiated' }, metadata: { refundOf: debit.transferId }, destinationAccountId: accountId });
    expect(await moov.createTransfer(input)).toMatchObject({ transferId: sent.transferId, replayed: true });
    const raw = await emulators.moov.admin.getTransfer(sent.transferId);
    expect(raw.destination).toMatchObject({ paymentMethodType: 'ach-credit-standard', achDetails: { companyEntryDescription: 'REFUND' } });

    await emulators.moov.admin.advanceClock({ businessDays: 2 });
    expect(await moov.getTransfer(sent.transferId)).toMatchObject({ status: 'completed', ach: { status: 'completed' } });
    const statuses = (await emulators.moov.admin.events({ transferID: sent.transferId })).map((e) => String(e.data.status));
    expect(statuses).toEqual(['created', 'pending', 'destination.initiated', 'destination.originated', 'destination.completed', 'completed']);
    const listed = await moov.listTransfers({ accountIds: [accountId] });
    expect(listed.map((t) => t.transferId).sort()).toEqual([debit.transferId, sent.transferId].sort());
  });

  it('maps transport and credential failures to typed errors', async () => {
    const wrongKeys = new MoovClient({ url: emulators.moov.url, publicKey: 'moov-dev-public', secretKey: 'wrong', facilitatorAccountId: emulators.moov.facilitatorAccountId });
    expect(await rejection(wrongKeys.getTransfer(randomUUID()))).toMatchObject({ code: 'unauthorized', retryable: false, status: 401 });
    expect(await rejection(moov.getTransfer(randomUUID()))).toMatchObject({ code: 'not-found', retryable: false });
    const nowhere = new MoovClient({ url: 'http://127.0.0.1:9', publicKey: 'a', secretKey: 'b', facilitatorAccountId: 'c' });
    expect(await rejection(nowhere.getTransfer('t'))).toMatchObject({ code: 'network', retryable: true });
  });
});

describe('Moov emulator on a fast clock', () => {
  let emulators: PaymentEmulators;

  beforeAll(async () => {
    emulators = await startPaymentEmulators({ achBusinessDayMs: 40 });
  });
  afterAll(async () => {
    await emulators.stop();
  });

  it('clears ACH by itself after the clearing business days, and a 92.02 payment is returned afterwards', async () => {
    const moov = emulators.moovClient;
    const dealer = await moov.walletPaymentMethodId(await moov.ensureDealerAccount({ id: randomUUID(), name: 'Cedar Ridge Supply' }));
    const accountId = await moov.ensureCustomerAccount({ id: randomUUID(), name: 'Fast Co' });
    const bank = await linkBankThroughPlaid(emulators, accountId);
    const payment = (amountCents: number) =>
      moov.createTransfer({ idempotencyKey: randomUUID(), sourcePaymentMethodId: bank.paymentMethodId, destinationPaymentMethodId: dealer, amountCents });

    const normal = await payment(50_000);
    const completed = await waitUntil(async () => {
      const t = await moov.getTransfer(normal.transferId);
      return t.status === 'completed' && t;
    }, 'ACH completion');
    expect(completed.ach).toMatchObject({ status: 'completed' });
    expect(completed.ach!.originatedAt!.getTime()).toBeLessThanOrEqual(completed.ach!.completedAt!.getTime());

    const lateReturn = await payment(9_202);
    const seen: Array<MoovTransferState['status']> = [];
    const reversed = await waitUntil(async () => {
      const t = await moov.getTransfer(lateReturn.transferId);
      if (seen.at(-1) !== t.status) seen.push(t.status);
      return t.status === 'reversed' && t;
    }, 'late ACH return');
    expect(reversed.ach).toMatchObject({ status: 'returned', returnCode: 'R02' });
    expect(seen).toContain('reversed');
    const events = (await emulators.moov.admin.events({ transferID: lateReturn.transferId })).map((e) => String(e.data.status));
    expect(events.indexOf('completed')).toBeLessThan(events.indexOf('reversed'));
  });
});
