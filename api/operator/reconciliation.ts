import { Router } from 'express';
import { z } from 'zod';
import type { Db } from '../../db/connection';
import {
  erpConnectionOf, lineKeysOfPayments, paymentsReversedElsewhere, reconLineRows, reconSettlementRows, reversedCentsOfPayments, settlementIdsOfDay,
} from '../../db/reconciliation';
import { reversedMoneyOn } from '../../db/settlements';
import { moovProcessor } from '../../integrations/moov-processor';
import type { PaymentProcessor } from '../../integrations/payment-processor';
import { findSettlementHeader, settlementPayments } from '../../db/settlement-queries';
import { reconcile, type LedgerPosting, type LineType, type ProcessorTransfer, type ReconInput, type ReconLine, type ReconPayment } from '../../domain/reconciliation';
import { createMoovClient, MoovIntegrationError, type MoovTransferState } from '../../integrations/moov';
import { SpruceError, spruceClientFor, type SpruceGlPosting } from '../../integrations/spruce';
import type { Config } from '../../runtime/config';
import { operatorOf } from '../auth/context';
import type { AppDeps } from '../deps';
import { HttpError, notFound } from '../errors';
import { calendarDate, query } from '../validate';
import { routeId } from './list-helpers';

/**
 * The reconciliation report, per settlement and per business day: Drypowder's totals, the
 * processor's transfers (read from Moov) and Spruce's posted ledger side by side, with every
 * difference listed (domain/reconciliation.ts does the comparing).
 */
export function reconciliationRoutes({ db, config }: AppDeps): Router {
  const router = Router();

  router.get('/settlements/:id/reconciliation', async (req, res) => {
    const { dealerId } = operatorOf(req);
    const settlement = await findSettlementHeader(db, dealerId, routeId(req.params.id, 'Settlement'));
    if (!settlement) throw notFound('Settlement');
    res.json(await reconciliationReport(db, config, dealerId, [settlement.id]));
  });

  router.get('/reconciliation', async (req, res) => {
    const { dealerId } = operatorOf(req);
    const { date } = query(req, z.object({ date: calendarDate }));
    const settlementIds = await settlementIdsOfDay(db, dealerId, date);
    if (settlementIds.length === 0) throw new HttpError(404, 'no_settlement', `There is no settlement for business day ${date}.`);
    res.json({ date, ...(await reconciliationReport(db, config, dealerId, settlementIds)) });
  });

  return router;
}

export async function reconciliationReport(db: Db, config: Config, dealerId: string, settlementIds: string[]) {
  const settlements = await reconSettlementRows(db, dealerId, settlementIds);
  const payments = new Map<string, ReconPayment>();
  for (const id of settlementIds) {
    for (const row of await settlementPayments(db, dealerId, id)) {
      const seen = payments.get(row.id);
      payments.set(row.id, {
        id: row.id, number: row.number, amountCents: row.amount_cents, customerFeeCents: row.fee_cents, transferId: row.moov_transfer_id,
        member: (seen?.member ?? false) || row.member, reversedHere: (seen?.reversedHere ?? false) || row.reversed_here, reversedElsewhere: false,
      });
    }
  }
  if (payments.size > 0) {
    const reversedElsewhere = await paymentsReversedElsewhere(db, dealerId, [...payments.keys()], settlementIds);
    for (const id of reversedElsewhere) payments.get(id)!.reversedElsewhere = true;
    // Refunds and chargebacks take back part of a payment: the amounts, not the whole, are compared.
    const reversedCents = await reversedCentsOfPayments(db, dealerId, [...payments.keys()]);
    const reversedHere = await reversedMoneyOn(db, settlementIds);
    for (const [id, payment] of payments) {
      const cents = reversedCents.get(id) ?? 0;
      if (cents > 0) {
        payment.reversedCents = cents;
        payment.reversedHereCents = reversedHere.get(id) ?? 0;
      }
    }
  }
  const lineRows = await reconLineRows(db, dealerId, settlementIds);
  const lines: ReconLine[] = lineRows.map((row) => ({
    key: row.idempotency_key, paymentNumber: row.number, lineType: row.line_type, reversesType: row.reverses_type ?? null, documentId: row.document_id,
    amountCents: row.amount_cents, status: row.status, erpPostingId: row.erp_posting_id, rejectedReason: row.rejected_reason,
  }));
  const paymentIds = [...payments.keys()];
  const knownKeys = new Set<string>(await lineKeysOfPayments(db, dealerId, paymentIds));

  const input: ReconInput = {
    payments: [...payments.values()].sort((a, b) => (a.number < b.number ? -1 : a.number > b.number ? 1 : 0)),
    lines,
    knownKeys,
    processor: await processorSide(config, [...payments.values()]),
    erp: await erpSide(db, dealerId, config.DATA_ENCRYPTION_KEY),
  };
  return { settlements, ...reconcile(input) };
}

async function processorSide(config: Config, payments: ReconPayment[]): Promise<ReconInput['processor']> {
  const moov = createMoovClient(config);
  const processor = moovProcessor(moov);
  const transfers = new Map<string, ProcessorTransfer | null>();
  const ids = payments.map((payment) => payment.transferId).filter((id): id is string => Boolean(id));
  const partlyReversed = new Set(payments.filter((payment) => (payment.reversedCents ?? 0) > 0).map((payment) => payment.transferId));
  try {
    await forEachLimited(ids, 8, async (transferId) => {
      try {
        const state = await moov.getTransfer(transferId);
        const transfer = toProcessorTransfer(state);
        // Refunds and lost chargebacks, read only where there can be some: ACH refunds are transfers
        // of their own, so the debit itself never shows them.
        if (partlyReversed.has(transferId) || state.refundedCents > 0 || state.disputedCents > 0) transfer.reversedCents = await takenBackAtProcessor(processor, transfer);
        transfers.set(transferId, transfer);
      } catch (error) {
        if (error instanceof MoovIntegrationError && error.code === 'not-found') transfers.set(transferId, null);
        else throw error;
      }
    });
  } catch (error) {
    return { available: false, reason: `the processor could not be read: ${error instanceof Error ? error.message : String(error)}` };
  }
  return { available: true, transfers };
}

/** What the processor has given back of a transfer: a whole ACH return, or its refunds (not failed) and its chargebacks lost or accepted. */
async function takenBackAtProcessor(processor: PaymentProcessor, transfer: ProcessorTransfer): Promise<number> {
  if (transfer.status === 'reversed' && transfer.returned) {
    const refunds = await processor.listRefunds(transfer.transferId);
    if (refunds.length === 0) return transfer.amountCents;
  }
  const refunded = (await processor.listRefunds(transfer.transferId)).filter((refund) => refund.outcome !== 'failed').reduce((sum, refund) => sum + refund.amountCents, 0);
  const chargedBack = (await processor.listDisputes(transfer.transferId)).filter((dispute) => dispute.status === 'lost' || dispute.status === 'accepted').reduce((sum, dispute) => sum + dispute.amountCents, 0);
  return Math.min(transfer.amountCents, refunded + chargedBack);
}

function toProcessorTransfer(transfer: MoovTransferState): ProcessorTransfer {
  const returned = transfer.status === 'reversed' || Boolean(transfer.ach?.returnCode) || (transfer.refundedCents > 0 && transfer.refundedCents >= transfer.amountCents);
  return { transferId: transfer.transferId, amountCents: transfer.amountCents, status: transfer.status, returned };
}

async function erpSide(db: Db, dealerId: string, dataKey: string): Promise<ReconInput['erp']> {
  const dealer = await erpConnectionOf(db, dealerId);
  if (dealer.integration_mode !== 'spruce' || !dealer.spruce_base_url || !dealer.spruce_tenant_id) {
    return { available: false, reason: 'this dealer posts by file, so there is no ERP ledger to read' };
  }
  const spruce = spruceClientFor({ ...dealer, spruce_base_url: dealer.spruce_base_url, spruce_tenant_id: dealer.spruce_tenant_id }, dataKey);
  const all: SpruceGlPosting[] = [];
  try {
    // The connector has no date filter, so the whole ledger is read a page at a time.
    let after: number | undefined;
    for (;;) {
      const page = await spruce.ledger({ after, limit: 1000 });
      all.push(...page.data);
      if (page.nextAfter === null) break;
      after = page.nextAfter;
    }
  } catch (error) {
    if (error instanceof SpruceError) return { available: false, reason: `Spruce could not be read: ${error.message}` };
    throw error;
  }
  const typeById = new Map(all.map((posting) => [posting.id, posting.type as LineType]));
  const postings: LedgerPosting[] = all.map((posting) => ({
    id: posting.id, idempotencyKey: posting.idempotency_key, type: posting.type, amountCents: posting.amount_cents, paymentReference: posting.payment_reference,
    documentId: posting.document_id, reversesType: posting.reverses_posting_id ? typeById.get(posting.reverses_posting_id) ?? null : null,
  }));
  return { available: true, postings };
}

async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next]!;
      next += 1;
      await work(item);
    }
  }));
}
