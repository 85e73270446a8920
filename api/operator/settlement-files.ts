import { Router } from 'express';
import type { Db } from '../../db/connection';
import { findSettlementHeader, postingFileLineRows, settlementPayments, type SettlementHeader } from '../../db/settlement-queries';
import { type SettlementCategory } from '../../domain/settlement';
import { centsToDecimal } from '../../domain/money';
import { operatorOf } from '../auth/context';
import type { AppDeps } from '../deps';
import { notFound } from '../errors';
import { query } from '../validate';
import { sendCsv } from './csv';
import { routeId } from './list-helpers';
import { postingFileQuery, summaryCsvQuery as summaryQuery } from '../../contracts/operator/settlements';

/**
 * Files for posting by hand (docs/settlements.md, "Posting file"): the posting file an ERP
 * payment-entry import loads, one line per application, with the header row switchable off
 * and optionally one category only; and the Summary CSV of the settlement's payments.
 */

export const POSTING_FILE_COLUMNS = [
  'account_id', 'job_id', 'payment_id', 'payment_amount', 'document_id', 'document_type', 'applied_document_id', 'date', 'gl_account',
  'line_type', 'settlement_id', 'reference',
] as const;

export const SUMMARY_COLUMNS = [
  'settlement_id', 'payment_id', 'account_id', 'account_name', 'method', 'status', 'amount', 'customer_fee', 'processing_cost', 'items',
  'credits', 'discount', 'submitted_at', 'settled_at', 'returned_at', 'on_this_settlement',
] as const;

export function settlementFileRoutes({ db }: AppDeps): Router {
  const router = Router();

  router.get('/settlements/:id/posting-file.csv', async (req, res) => {
    const { dealerId } = operatorOf(req);
    const settlement = await ownSettlement(db, dealerId, routeId(req.params.id, 'Settlement'));
    const options = query(req, postingFileQuery);
    const rows = postingFileRows(db, dealerId, settlement, { category: options.category, lines: options.lines ?? 'unposted' });
    const name = `posting-${settlement.number}${options.category ? `-${options.category}` : ''}.csv`;
    await sendCsv(res, name, options.header === false ? null : [...POSTING_FILE_COLUMNS], rows);
  });

  router.get('/settlements/:id/summary.csv', async (req, res) => {
    const { dealerId } = operatorOf(req);
    const settlement = await ownSettlement(db, dealerId, routeId(req.params.id, 'Settlement'));
    const options = query(req, summaryQuery);
    const payments = await settlementPayments(db, dealerId, settlement.id);
    async function* rows() {
      for (const payment of payments) {
        yield [
          settlement.number, payment.number, payment.erp_account_id, payment.account_name, payment.method.toUpperCase(), payment.status,
          centsToDecimal(payment.amount_cents), centsToDecimal(payment.fee_cents), centsToDecimal(payment.processing_cost_cents),
          centsToDecimal(payment.items_cents), centsToDecimal(payment.credits_cents), centsToDecimal(payment.discount_cents),
          iso(payment.submitted_at), iso(payment.settled_at), iso(payment.returned_at),
          payment.member && payment.reversed_here ? 'settled and reversed' : payment.member ? 'settled' : 'reversed',
        ];
      }
    }
    await sendCsv(res, `settlement-${settlement.number}-summary.csv`, options.header === false ? null : [...SUMMARY_COLUMNS], rows());
  });

  return router;
}

export async function ownSettlement(db: Db, dealerId: string, id: string): Promise<SettlementHeader> {
  const settlement = await findSettlementHeader(db, dealerId, id);
  if (!settlement) throw notFound('Settlement');
  return settlement;
}

/**
 * One row per line, in posting order. Amounts are plain decimals ("125.00", a reversal
 * "-125.00"); the date is the settlement's business date; applied_document_id names the
 * invoice a credit memo is applied to, so the import applies it without re-keying.
 */
export async function* postingFileRows(db: Db, dealerId: string, settlement: SettlementHeader, options: { category?: SettlementCategory; lines: 'unposted' | 'all' }): AsyncGenerator<unknown[]> {
  const pageSize = 2000;
  for (let offset = 0; ; offset += pageSize) {
    const page = await postingFileLineRows(db, dealerId, settlement.id, { ...options, offset, limit: pageSize });
    for (const line of page) {
      yield [
        line.erp_account_id, line.erp_job_id, line.payment_number, centsToDecimal(line.amount_cents), line.document_id, line.document_type,
        line.applied_document_id, settlement.business_date, line.gl_account, line.line_type, settlement.number, line.idempotency_key,
      ];
    }
    if (page.length < pageSize) return;
  }
}

const iso = (value: Date | null) => (value ? new Date(value).toISOString() : '');
