import { randomUUID } from 'node:crypto';
import { linkBankThroughPlaid, linkCardFromBrowser, startPaymentEmulators, waitUntil, type PaymentEmulators } from '../test/support/payment-emulators';
import { moovProcessor } from './moov-processor';
import { ProcessorRejection, type PaymentProcessor } from './payment-processor';

/**
 * The processor adapter's reads and writes after settlement (disputes, refunds) against the
 * Moov emulator through the real SDK: Moov's words mapped to ours, card refunds, ACH refunds
 * as credits back to the customer's bank, idempotency and the refundable limit.
 */
describe('Moov processor after settlement', () => {
  let emulators: PaymentEmulators;
  let processor: PaymentProcessor;
  let dealerAccountId: string;

  beforeAll(async () => {
    emulators = await startPaymentEmulators();
    processor = moovProcessor(emulators.moovClient);
    dealerAccountId = await emulators.moovClient.ensureDealerAccount({ id: randomUUID(), name: 'Aftermath Lumber' });
  });
  afterAll(async () => {
    await emulators.stop();
  });

  const pay = (sourcePaymentMethodId: string, amountCents: number) =>
    processor.createTransfer({
      idempotencyKey: randomUUID(),
      amountCents,
      sourcePaymentMethodId,
      destinationAccountId: dealerAccountId,
      description: 'Invoices',
      metadata: { paymentId: randomUUID() },
    });
  const settledCard = async (amountCents: number) => {
    const accountId = await emulators.moovClient.ensureCustomerAccount({ id: randomUUID(), name: 'Card Builders' });
    await linkCardFromBrowser(emulators, accountId);
    const [card] = await emulators.moovClient.listPaymentMethods(accountId);
    const transfer = await pay(card!.paymentMethodId, amountCents);
    await emulators.moov.admin.completeTransfer(transfer.transferId);
    return transfer.transferId;
  };
  const settledAch = async (amountCents: number) => {
    const accountId = await emulators.moovClient.ensureCustomerAccount({ id: randomUUID(), name: 'Bank Builders' });
    const bank = await linkBankThroughPlaid(emulators, accountId);
    const transfer = await pay(bank.paymentMethodId, amountCents);
    await emulators.moov.admin.completeTransfer(transfer.transferId);
    return { transferId: transfer.transferId, accountId, bank };
  };
  const rejection = async (promise: Promise<unknown>) => {
    const error = await promise.then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(ProcessorRejection);
    return error as ProcessorRejection;
  };

  it('lists a transfer’s disputes in our words as they move through phases, with partial amounts and respondBy', async () => {
    const transferId = await settledCard(12_000);
    const other = await settledCard(5_000);
    expect(await processor.listDisputes(transferId)).toEqual([]);

    const respondBy = new Date(Date.now() + 6 * 24 * 3600_000).toISOString();
    const first = await emulators.moov.admin.disputeTransfer(transferId, 4_000, { phase: 'inquiry', respondBy });
    await emulators.moov.admin.disputeTransfer(other, 1_000);
    expect(await processor.listDisputes(transferId)).toEqual([
      {
        disputeId: first.disputeID,
        transferId,
        amountCents: 4_000,
        status: 'response_needed',
        phase: 'inquiry',
        respondBy,
        networkReasonCode: '10.4',
        networkReason: 'Other Fraud - Card-Absent Environment',
      },
    ]);

    await emulators.moov.admin.escalateDispute(transferId, first.disputeID);
    await emulators.moov.admin.reviewDispute(transferId, first.disputeID);
    expect(await processor.listDisputes(transferId)).toMatchObject([{ status: 'under_review', phase: 'chargeback' }]);
    const second = await emulators.moov.admin.disputeTransfer(transferId, 8_000);
    await emulators.moov.admin.resolveDispute(transferId, first.disputeID, 'lost');
    await emulators.moov.admin.resolveDispute(transferId, second.disputeID, 'expired');
    expect((await processor.listDisputes(transferId)).map((d) => [d.disputeId, d.amountCents, d.status])).toEqual([
      [first.disputeID, 4_000, 'lost'],
      // Unanswered in time: Moov says expired, the money stays with the cardholder.
      [second.disputeID, 8_000, 'lost'],
    ]);
  });

  it('maps accepted, won and closed disputes', async () => {
    const transferId = await settledCard(9_000);
    const ids = [];
    for (const outcome of ['accepted', 'won', 'closed'] as const) {
      const dispute = await emulators.moov.admin.disputeTransfer(transferId, 3_000);
      await emulators.moov.admin.resolveDispute(transferId, dispute.disputeID, outcome);
      ids.push(dispute.disputeID);
    }
    const byId = new Map((await processor.listDisputes(transferId)).map((d) => [d.disputeId, d.status]));
    expect(ids.map((id) => byId.get(id))).toEqual(['accepted', 'won', 'closed']);
  });

  it('refunds a card payment partially, then the rest; the same key answers with the same refund; more than is left is refused', async () => {
    const transferId = await settledCard(10_000);
    const key = `refund-${randomUUID()}`;
    const partial = await processor.refund(transferId, { idempotencyKey: key, amountCents: 2_500 });
    expect(partial).toMatchObject({ transferId, amountCents: 2_500, outcome: 'pending', failureReason: null });
    expect(await processor.refund(transferId, { idempotencyKey: key, amountCents: 2_500 })).toMatchObject({ refundId: partial.refundId, amountCents: 2_500 });

    const over = await rejection(processor.refund(transferId, { idempotencyKey: randomUUID(), amountCents: 7_501 }));
    expect(over).toMatchObject({ code: 'validation' });
    expect(over.message).toMatch(/refundable amount \(7500\)/);

    const rest = await processor.refund(transferId, { idempotencyKey: randomUUID(), amountCents: 7_500 });
    await emulators.moov.admin.completeRefund(transferId, rest.refundId);
    const refunds = await waitUntil(async () => {
      const listed = await processor.listRefunds(transferId);
      return listed.every((r) => r.outcome === 'completed') && listed;
    }, 'card refunds completing');
    expect(refunds.map((r) => [r.refundId, r.amountCents, r.outcome])).toEqual([
      [partial.refundId, 2_500, 'completed'],
      [rest.refundId, 7_500, 'completed'],
    ]);
    expect((await processor.getTransfer(transferId)).outcome).toBe('reversed');
  });

  it('reports a card refund the network refused as failed, with its code', async () => {
    const transferId = await settledCard(4_000);
    const refund = await processor.refund(transferId, { idempotencyKey: randomUUID(), amountCents: 4_000 });
    await emulators.moov.admin.failRefund(transferId, refund.refundId, 'invalid-transaction');
    expect(await processor.listRefunds(transferId)).toEqual([expect.objectContaining({ refundId: refund.refundId, outcome: 'failed', failureReason: 'invalid-transaction' })]);
  });

  it('refunds a cleared ACH debit as an ACH credit from the dealer’s wallet to the same bank account', async () => {
    const { transferId, accountId, bank } = await settledAch(30_000);
    const key = `refund-${randomUUID()}`;
    const refund = await processor.refund(transferId, { idempotencyKey: key, amountCents: 12_000 });
    expect(refund).toMatchObject({ transferId, amountCents: 12_000, outcome: 'pending' });
    expect(refund.refundId).not.toBe(transferId);

    const credit = await emulators.moov.admin.getTransfer(refund.refundId);
    const original = await emulators.moov.admin.getTransfer(transferId);
    expect(credit).toMatchObject({
      status: 'pending',
      amount: { value: 12_000 },
      metadata: { refundOf: transferId },
      source: { paymentMethodID: original.destination.paymentMethodID, paymentMethodType: 'moov-wallet', account: { accountID: dealerAccountId } },
      destination: { paymentMethodType: 'ach-credit-standard', account: { accountID: accountId }, bankAccount: { bankAccountID: bank.sourceId } },
    });
    expect(credit.foreignID).toBeUndefined();

    // The same key: the same credit, not a second one; the same key for another amount is refused.
    expect(await processor.refund(transferId, { idempotencyKey: key, amountCents: 12_000 })).toMatchObject({ refundId: refund.refundId });
    expect(await rejection(processor.refund(transferId, { idempotencyKey: key, amountCents: 11_000 }))).toMatchObject({ code: 'idempotency-key-reused' });
    const over = await rejection(processor.refund(transferId, { idempotencyKey: randomUUID(), amountCents: 18_001 }));
    expect(over).toMatchObject({ code: 'validation' });
    expect(over.message).toMatch(/refundable amount \(18000\)/);

    await emulators.moov.admin.completeTransfer(refund.refundId);
    const rest = await processor.refund(transferId, { idempotencyKey: randomUUID(), amountCents: 18_000 });
    expect((await processor.listRefunds(transferId)).map((r) => [r.refundId, r.amountCents, r.outcome])).toEqual([
      [refund.refundId, 12_000, 'completed'],
      [rest.refundId, 18_000, 'pending'],
    ]);
    // The original debit is untouched: it stays completed at Moov.
    expect((await processor.getTransfer(transferId)).outcome).toBe('completed');
  });

  it('counts a returned ACH credit as a failed refund; a bank account closed by that return takes no further credit', async () => {
    const { transferId } = await settledAch(6_000);
    const refund = await processor.refund(transferId, { idempotencyKey: randomUUID(), amountCents: 6_000 });
    await emulators.moov.admin.completeTransfer(refund.refundId);
    await emulators.moov.admin.returnTransfer(refund.refundId, 'R03');
    expect(await processor.listRefunds(transferId)).toEqual([expect.objectContaining({ refundId: refund.refundId, outcome: 'failed', failureReason: 'No account or unable to locate account' })]);
    // R03 disabled the bank account: there is nowhere left to send the money by ACH.
    expect(await rejection(processor.refund(transferId, { idempotencyKey: randomUUID(), amountCents: 6_000 }))).toMatchObject({ code: 'not-found' });
  });

  it('refuses to refund an ACH debit that has not cleared', async () => {
    const accountId = await emulators.moovClient.ensureCustomerAccount({ id: randomUUID(), name: 'Pending Builders' });
    const bank = await linkBankThroughPlaid(emulators, accountId);
    const pending = await pay(bank.paymentMethodId, 2_000);
    expect(await rejection(processor.refund(pending.transferId, { idempotencyKey: randomUUID(), amountCents: 2_000 }))).toMatchObject({ code: 'not-refundable' });
    expect(await processor.listRefunds(pending.transferId)).toEqual([]);
    expect(await rejection(processor.refund(pending.transferId, { idempotencyKey: randomUUID(), amountCents: 0 }))).toMatchObject({ code: 'validation' });
  });
});
