import { Moov } from '@moovio/sdk';
import * as components from '@moovio/sdk/models/components';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { MoovClient } from '../../integrations/moov';
import { linkBankThroughPlaid, linkCardFromBrowser, startPaymentEmulators, waitUntil, type PaymentEmulators } from '../../test/support/payment-emulators';
import { moovEmulatorAdmin, startMoovEmulator, type MoovEmulatorAdmin } from '.';

/**
 * The rest of the SDK surface the emulator serves (each call fails if the SDK cannot parse
 * the answer), event payloads checked against the SDK's webhook models, the queued status,
 * disputes, the admin API over HTTP, and state surviving a restart.
 */
const WEBHOOK_DATA_PARSERS: Record<string, (json: string) => { ok: boolean }> = {
  'account.created': components.webhookDataAccountCreatedFromJSON,
  'paymentMethod.enabled': components.webhookDataPaymentMethodEnabledFromJSON,
  'paymentMethod.disabled': components.webhookDataPaymentMethodDisabledFromJSON,
  'bankAccount.created': components.webhookDataBankAccountCreatedFromJSON,
  'bankAccount.updated': components.webhookDataBankAccountUpdatedFromJSON,
  'bankAccount.deleted': components.webhookDataBankAccountDeletedFromJSON,
  'transfer.created': components.webhookDataTransferCreatedFromJSON,
  'transfer.updated': components.webhookDataTransferUpdatedFromJSON,
  'cancellation.created': components.webhookDataCancellationCreatedFromJSON,
  'cancellation.updated': components.webhookDataCancellationUpdatedFromJSON,
  'refund.created': components.webhookDataRefundCreatedFromJSON,
  'refund.updated': components.webhookDataRefundUpdatedFromJSON,
  'dispute.created': components.webhookDataDisputeCreatedFromJSON,
  'dispute.updated': components.webhookDataDisputeUpdatedFromJSON,
};

describe('Moov emulator: SDK surface, queued, disputes, admin over HTTP', () => {
  let emulators: PaymentEmulators;
  let sdk: Moov;
  let admin: MoovEmulatorAdmin;
  let partner: string;
  let dealerWallet: string;

  beforeAll(async () => {
    emulators = await startPaymentEmulators();
    sdk = new Moov({ serverURL: emulators.moov.url, security: { username: emulators.moov.publicKey, password: emulators.moov.secretKey } });
    admin = moovEmulatorAdmin(emulators.moov.url);
    partner = emulators.moov.facilitatorAccountId;
    dealerWallet = await emulators.moovClient.walletPaymentMethodId(await emulators.moovClient.ensureDealerAccount({ id: randomUUID(), name: 'Surface Lumber' }));
  });
  afterAll(async () => {
    await emulators.stop();
  });

  const transferFrom = (paymentMethodID: string, value: number) =>
    sdk.transfers.create({
      accountID: partner,
      xIdempotencyKey: randomUUID(),
      xWaitFor: 'rail-response',
      createTransfer: { source: { paymentMethodID }, destination: { paymentMethodID: dealerWallet }, amount: { currency: 'USD', value } },
    });

  it('answers every read and write the integration may use in shapes the SDK accepts', async () => {
    await sdk.ping.ping();
    const accountID = await emulators.moovClient.ensureCustomerAccount({ id: randomUUID(), name: 'Surface Builders', email: 'ap@surface.test' });
    expect((await sdk.accounts.get({ accountID })).result).toMatchObject({ accountID, accountType: 'business', displayName: 'Surface Builders' });

    const bank = await linkBankThroughPlaid(emulators, accountID);
    expect((await sdk.bankAccounts.list({ accountID })).result.map((b) => b.bankAccountID)).toEqual([bank.sourceId]);
    expect((await sdk.bankAccounts.get({ accountID, bankAccountID: bank.sourceId })).result).toMatchObject({ status: 'verified', bankName: 'Prairie State Bank' });
    expect((await sdk.paymentMethods.get({ accountID, paymentMethodID: bank.paymentMethodId })).result.paymentMethodType).toBe('ach-debit-collect');

    await linkCardFromBrowser(emulators, accountID, { number: '378282246310005', state: 'NY' });
    const [card] = (await sdk.cards.list({ accountID })).result;
    expect(card).toMatchObject({ brand: 'American Express', cardType: 'credit', billingAddress: { stateOrProvince: 'NY' } });
    expect((await sdk.cards.get({ accountID, cardID: card!.cardID })).result.lastFourCardNumber).toBe('0005');

    const options = await sdk.transfers.generateOptions({
      accountID: partner,
      createTransferOptions: { source: { accountID }, destination: { paymentMethodID: dealerWallet }, amount: { currency: 'USD', value: 100 } },
    });
    expect(options.result.sourceOptions?.map((o) => o.paymentMethodType).sort()).toEqual(['ach-debit-collect', 'ach-debit-fund', 'card-payment', 'moov-wallet']);
    expect(options.result.destinationOptions?.map((o) => o.paymentMethodType)).toEqual(['moov-wallet']);

    const cardPayment = (await sdk.paymentMethods.list({ accountID, paymentMethodType: 'card-payment' })).result[0]!;
    const created = (await transferFrom('paymentMethodID' in cardPayment ? cardPayment.paymentMethodID : '', 700)).result;
    const cancellation = await sdk.transfers.createCancellation({ accountID: partner, transferID: created.transferID });
    expect((await sdk.transfers.listCancellations({ accountID: partner, transferID: created.transferID })).result).toHaveLength(1);
    expect((await sdk.transfers.getCancellation({ accountID: partner, transferID: created.transferID, cancellationID: cancellation.result.cancellationID })).result.status).toBe('completed');
    expect((await sdk.transfers.list({ accountID: partner, status: 'canceled' })).result.map((t) => t.transferID)).toContain(created.transferID);

    const settled = (await transferFrom('paymentMethodID' in cardPayment ? cardPayment.paymentMethodID : '', 900)).result;
    await waitUntil(async () => (await sdk.transfers.get({ accountID: partner, transferID: settled.transferID })).result.status === 'completed', 'card settlement');
    const refund = await sdk.transfers.initiateRefund({ accountID: partner, transferID: settled.transferID, xIdempotencyKey: randomUUID(), createRefund: { amount: 400 } });
    expect((await sdk.transfers.listRefunds({ accountID: partner, transferID: settled.transferID })).result).toHaveLength(1);
    expect((await sdk.transfers.getRefund({ accountID: partner, transferID: settled.transferID, refundID: refund.result.refundID })).result.amount.value).toBe(400);
    const rest = { transferId: settled.transferID, idempotencyKey: `refund-rest-${settled.transferID}` };
    const first = await emulators.moovClient.refundTransfer(rest);
    expect(first).toMatchObject({ amountCents: 500, replayed: false });
    expect(await emulators.moovClient.refundTransfer(rest)).toMatchObject({ refundId: first.refundId, amountCents: 500, replayed: true });
    await expect(emulators.moovClient.refundTransfer({ ...rest, amountCents: 1 })).rejects.toMatchObject({ code: 'validation' });

    await sdk.cards.disable({ accountID, cardID: card!.cardID });
    await sdk.bankAccounts.disable({ accountID, bankAccountID: bank.sourceId });
    expect(await emulators.moovClient.listPaymentMethods(accountID)).toEqual([]);

    const events = await admin.events();
    const types = new Set(events.map((e) => e.type));
    expect([...types].sort()).toEqual(
      expect.arrayContaining(['account.created', 'bankAccount.created', 'bankAccount.deleted', 'cancellation.created', 'paymentMethod.disabled', 'refund.created', 'transfer.created', 'transfer.updated']),
    );
    for (const event of events) {
      const parse = WEBHOOK_DATA_PARSERS[event.type];
      expect(parse ? [event.type, parse(JSON.stringify(event.data)).ok] : [event.type, 'no parser']).toEqual([event.type, true]);
    }
  });

  it('holds a 96.00 transfer in queued for half a business day, then runs it; a queued transfer can be canceled', async () => {
    const accountID = await emulators.moovClient.ensureCustomerAccount({ id: randomUUID(), name: 'Queued Co' });
    const bank = await linkBankThroughPlaid(emulators, accountID);
    const queued = (await transferFrom(bank.paymentMethodId, 9_600)).result;
    expect(queued).toMatchObject({ status: 'queued' });
    await admin.advanceClock({ businessDays: 0.5 });
    expect((await emulators.moovClient.getTransfer(queued.transferID)).status).toBe('pending');
    await admin.advanceClock({ businessDays: 2 });
    expect((await emulators.moovClient.getTransfer(queued.transferID)).status).toBe('completed');

    const another = (await transferFrom(bank.paymentMethodId, 9_600)).result;
    expect(await emulators.moovClient.cancelTransfer(another.transferID)).toMatchObject({ status: 'completed' });
    expect((await emulators.moovClient.getTransfer(another.transferID)).status).toBe('canceled');
  });

  const settledCardPayment = async (name: string, value: number) => {
    const accountID = await emulators.moovClient.ensureCustomerAccount({ id: randomUUID(), name });
    await linkCardFromBrowser(emulators, accountID);
    const [card] = await emulators.moovClient.listPaymentMethods(accountID);
    const payment = (await transferFrom(card!.paymentMethodId, value)).result;
    return { accountID, payment };
  };

  it('records a chargeback on a settled card payment and its resolution, through the admin API over HTTP', async () => {
    const accountID = await emulators.moovClient.ensureCustomerAccount({ id: randomUUID(), name: 'Dispute Co' });
    await linkCardFromBrowser(emulators, accountID);
    const [card] = await emulators.moovClient.listPaymentMethods(accountID);
    const payment = (await transferFrom(card!.paymentMethodId, 6_000)).result;
    await expect(admin.disputeTransfer(payment.transferID)).rejects.toThrow(/409/);
    await admin.completeTransfer(payment.transferID);

    const dispute = await admin.disputeTransfer(payment.transferID, 2_500);
    expect(dispute).toMatchObject({ status: 'response-needed', phase: 'chargeback', amountCents: 2_500, amount: { currency: 'USD', value: 2_500 }, transfer: { transferID: payment.transferID } });
    expect((await emulators.moovClient.getTransfer(payment.transferID)).disputedCents).toBe(2_500);
    expect(await admin.resolveDispute(payment.transferID, dispute.disputeID, 'won')).toMatchObject({ status: 'won' });
    const disputeEvents = (await admin.events({ transferID: payment.transferID })).filter((e) => e.type.startsWith('dispute.'));
    expect(disputeEvents.map((e) => [e.type, e.data.status])).toEqual([
      ['dispute.created', 'response-needed'],
      ['dispute.updated', 'won'],
    ]);
  });

  it('moves disputes through their phases and statuses, with partial amounts and a chosen respondBy, readable through sdk.disputes', async () => {
    const { accountID, payment } = await settledCardPayment('Phases Co', 10_000);
    await admin.completeTransfer(payment.transferID);
    const dealer = (await sdk.transfers.get({ accountID: partner, transferID: payment.transferID })).result.destination.account.accountID;

    const respondBy = new Date(Date.now() + 5 * 24 * 3600_000).toISOString();
    const inquiry = await admin.disputeTransfer(payment.transferID, 3_000, { phase: 'inquiry', respondBy, networkReasonCode: '13.1', networkReasonDescription: 'Merchandise/Services Not Received' });
    expect(inquiry).toMatchObject({ status: 'response-needed', phase: 'inquiry', respondBy, merchantAccountID: dealer, networkReasonCode: '13.1' });
    const chargeback = await admin.disputeTransfer(payment.transferID, 4_000);
    expect(chargeback).toMatchObject({ phase: 'chargeback', networkReasonCode: '10.4', networkReasonDescription: 'Other Fraud - Card-Absent Environment' });
    // 3,000 + 4,000 are disputed: only 3,000 are left to dispute.
    await expect(admin.disputeTransfer(payment.transferID, 3_001)).rejects.toThrow(/400.*at most 3000/);

    const listed = (await sdk.disputes.list({ accountID: partner, transferIDs: [payment.transferID] })).result;
    expect(listed.map((d) => [d.disputeID, d.amount.value, d.phase, d.status])).toEqual([
      [chargeback.disputeID, 4_000, 'chargeback', 'response-needed'],
      [inquiry.disputeID, 3_000, 'inquiry', 'response-needed'],
    ]);
    expect(listed[1]!.respondBy.toISOString()).toBe(respondBy);
    expect((await sdk.disputes.list({ accountID: partner, transferIDs: [randomUUID()] })).result).toEqual([]);
    expect((await sdk.disputes.list({ accountID: dealer, status: 'response-needed', transferIDs: [payment.transferID] })).result).toHaveLength(2);
    expect((await sdk.disputes.list({ accountID: accountID, transferIDs: [payment.transferID] })).result).toHaveLength(2);

    const laterRespondBy = new Date(Date.now() + 9 * 24 * 3600_000).toISOString();
    expect(await admin.escalateDispute(payment.transferID, inquiry.disputeID, { respondBy: laterRespondBy })).toMatchObject({ phase: 'chargeback', status: 'response-needed', respondBy: laterRespondBy });
    expect(await admin.reviewDispute(payment.transferID, inquiry.disputeID)).toMatchObject({ status: 'under-review', submittedOn: expect.any(String) });
    await expect(admin.reviewDispute(payment.transferID, inquiry.disputeID)).rejects.toThrow(/409/);
    expect(await admin.resolveDispute(payment.transferID, inquiry.disputeID, 'lost')).toMatchObject({ status: 'lost' });
    expect(await admin.resolveDispute(payment.transferID, inquiry.disputeID, 'lost')).toMatchObject({ status: 'lost' });
    await expect(admin.resolveDispute(payment.transferID, inquiry.disputeID, 'won')).rejects.toThrow(/409.*already decided/);

    // The merchant's own answers through Moov's API.
    const submitted = await sdk.disputes.submitEvidence({ accountID: dealer, disputeID: chargeback.disputeID });
    expect(submitted.result).toMatchObject({ status: 'under-review' });
    await expect(sdk.disputes.accept({ accountID: dealer, disputeID: chargeback.disputeID })).rejects.toMatchObject({ statusCode: 409 });
    const third = await admin.disputeTransfer(payment.transferID);
    expect(third.amountCents).toBe(3_000);
    expect((await sdk.disputes.accept({ accountID: partner, disputeID: third.disputeID })).result).toMatchObject({ status: 'accepted', amount: { value: 3_000 } });
    expect((await sdk.disputes.get({ accountID: partner, disputeID: inquiry.disputeID })).result).toMatchObject({ status: 'lost', phase: 'chargeback', merchantAccountID: dealer });
    // Won on appeal is its own step, and only from lost.
    await expect(admin.overturnDispute(payment.transferID, chargeback.disputeID)).rejects.toThrow(/409.*only a lost dispute/);
    expect(await admin.overturnDispute(payment.transferID, inquiry.disputeID)).toMatchObject({ status: 'won' });
    expect(await admin.resolveDispute(payment.transferID, inquiry.disputeID, 'won')).toMatchObject({ status: 'won' });
    const stranger = await emulators.moovClient.ensureCustomerAccount({ id: randomUUID(), name: 'Stranger Co' });
    await expect(sdk.disputes.get({ accountID: stranger, disputeID: inquiry.disputeID })).rejects.toMatchObject({ statusCode: 404 });

    const events = (await admin.events({ transferID: payment.transferID })).filter((e) => e.type.startsWith('dispute.'));
    expect(events.filter((e) => e.data.disputeID === inquiry.disputeID).map((e) => `${e.type}:${String(e.data.phase)}:${String(e.data.status)}`)).toEqual([
      'dispute.created:inquiry:response-needed',
      'dispute.updated:chargeback:response-needed',
      'dispute.updated:chargeback:under-review',
      'dispute.updated:chargeback:lost',
      'dispute.updated:chargeback:won',
    ]);
    for (const event of events) {
      expect(components.webhookDataDisputeUpdatedFromJSON(JSON.stringify(event.data)).ok).toBe(true);
      expect(event.data).toMatchObject({ accountID: dealer, transferID: payment.transferID, transactionID: payment.transferID });
    }
  });

  it('does not refund what a cardholder took back through a dispute, nor dispute what was refunded', async () => {
    const { payment } = await settledCardPayment('Overlap Co', 5_000);
    await admin.completeTransfer(payment.transferID);
    const dispute = await admin.disputeTransfer(payment.transferID, 2_000);
    const refund = (key: string, amount?: number) =>
      emulators.moovClient.refundTransfer({ transferId: payment.transferID, idempotencyKey: key, ...(amount === undefined ? {} : { amountCents: amount }) });
    await expect(refund(randomUUID(), 3_001)).rejects.toMatchObject({ code: 'validation', status: 422, details: { amount: 'exceeds the refundable amount (3000)' } });
    expect(await refund(randomUUID(), 1_000)).toMatchObject({ amountCents: 1_000, status: 'created', replayed: false });
    await expect(admin.disputeTransfer(payment.transferID, 2_001)).rejects.toThrow(/at most 2000/);
    // A won dispute gives its amount back to the merchant: it can be refunded again.
    await admin.resolveDispute(payment.transferID, dispute.disputeID, 'won');
    expect(await refund(randomUUID())).toMatchObject({ amountCents: 4_000 });
  });

  it('refuses admin actions that make no sense for the transfer', async () => {
    const accountID = await emulators.moovClient.ensureCustomerAccount({ id: randomUUID(), name: 'Odd Co' });
    await linkCardFromBrowser(emulators, accountID);
    const [card] = await emulators.moovClient.listPaymentMethods(accountID);
    const payment = (await transferFrom(card!.paymentMethodId, 1_000)).result;
    await expect(admin.returnTransfer(payment.transferID, 'R01')).rejects.toThrow(/no ACH leg/);
    await expect(admin.returnTransfer(payment.transferID, 'X01')).rejects.toThrow(/400/);
    await expect(admin.getTransfer(randomUUID())).rejects.toThrow(/404/);
  });
});

describe('Moov emulator state on disk', () => {
  it('keeps accounts, bank accounts, transfers, idempotency keys and the clock across a restart', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'moov-emulator-'));
    const emulators = await startPaymentEmulators({ dataDir });
    try {
      const client = emulators.moovClient;
      const accountId = await client.ensureCustomerAccount({ id: 'persisted-company', name: 'Persisted Co' });
      const bank = await linkBankThroughPlaid(emulators, accountId);
      const wallet = await client.walletPaymentMethodId(await client.ensureDealerAccount({ id: 'persisted-dealer', name: 'Persisted Lumber' }));
      const input = { idempotencyKey: 'payment-persisted-1', sourcePaymentMethodId: bank.paymentMethodId, destinationPaymentMethodId: wallet, amountCents: 7_700 };
      const first = await client.createTransfer(input);
      await emulators.moov.admin.advanceClock({ businessDays: 1 });
      await emulators.moov.stop();

      const again = await startMoovEmulator({ port: 0, dataDir, achBusinessDayMs: 60 * 60 * 1000, plaid: { url: emulators.plaid.url } });
      try {
        const reconnected = new MoovClient({ url: again.url, publicKey: again.publicKey, secretKey: again.secretKey, facilitatorAccountId: again.facilitatorAccountId });
        expect(await reconnected.ensureCustomerAccount({ id: 'persisted-company', name: 'Persisted Co' })).toBe(accountId);
        expect(await reconnected.getTransfer(first.transferId)).toMatchObject({ status: 'pending', ach: { status: 'originated' } });
        expect(await reconnected.createTransfer(input)).toMatchObject({ transferId: first.transferId, replayed: true });
        await again.admin.advanceClock({ businessDays: 1 });
        expect((await reconnected.getTransfer(first.transferId)).status).toBe('completed');
      } finally {
        await again.stop();
      }
    } finally {
      // Stopping twice is harmless; this also covers a failure before the first stop.
      await emulators.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
