import type { Knex } from 'knex';
import type { ShortPayReason } from '../domain/short-pay';
import { CREDIT_APPLICATION_SHAPE, glCreditApplicationKey, glLineKey, LINE_SHAPE, nextAttemptKey, type ApplicationKind, type LineSlice, type LineType, type SettlementCategory } from '../domain/settlement';

export type { LineSlice } from '../domain/settlement';

/**
 * GL posting lines: one per payment application (invoice paid, credit memo applied to an
 * invoice, debit paid, statement discount taken) plus negative reversal lines for returns,
 * refunds and chargebacks.
 * Each line's idempotency key is derived from the payment and application ids, so however
 * often a posting is retried, the ERP sees the same key for the same line.
 */

type Db = Knex | Knex.Transaction;

interface ApplicationForLine {
  id: number;
  item_type: ApplicationKind;
  amount_cents: number;
  invoice_number: string | null;
  invoice_job: string | null;
  adjustment_number: string | null;
  applies_to_invoice_number: string | null;
  adjustment_job: string | null;
  statement_number: string | null;
  applied_invoice_number: string | null;
  applied_invoice_job: string | null;
}

/** Builds and inserts the lines of one settled payment. Existing keys are left alone. */
export async function insertPaymentLines(trx: Knex.Transaction, input: { settlementId: string; payment: Record<string, any>; erpAccountId: string; discountGlAccount: string }): Promise<number> {
  const { payment } = input;
  const applications: ApplicationForLine[] = await trx('payment_applications as pa')
    .leftJoin('invoices as i', 'i.id', 'pa.invoice_id')
    .leftJoin('jobs as ij', 'ij.id', 'i.job_id')
    .leftJoin('adjustments as a', 'a.id', 'pa.adjustment_id')
    .leftJoin('jobs as aj', 'aj.id', 'a.job_id')
    .leftJoin('statements as st', 'st.id', 'pa.statement_id')
    .leftJoin('invoices as ai', 'ai.id', 'pa.applied_to_invoice_id')
    .leftJoin('jobs as aij', 'aij.id', 'ai.job_id')
    .where('pa.payment_id', payment.id)
    .whereIn('pa.state', ['applied', 'reversed'])
    .orderBy('pa.id')
    .select(
      'pa.id', 'pa.item_type', 'pa.amount_cents', 'i.invoice_number', 'ij.erp_job_id as invoice_job', 'a.adjustment_number',
      'a.applies_to_invoice_number', 'aj.erp_job_id as adjustment_job', 'st.statement_number', 'ai.invoice_number as applied_invoice_number',
      'aij.erp_job_id as applied_invoice_job',
    );
  if (applications.length === 0) return 0;

  // A credit memo the customer did not aim at a particular invoice is applied to the largest
  // invoice the same payment paid, so it never needs re-keying by hand in the ERP.
  const largestInvoice = applications
    .filter((application) => application.item_type === 'invoice')
    .sort((a, b) => b.amount_cents - a.amount_cents || a.id - b.id)[0];

  const rows = applications.map((application) => {
    const shape = LINE_SHAPE[application.item_type];
    const common = {
      settlement_id: input.settlementId,
      dealer_id: payment.dealer_id,
      payment_id: payment.id,
      payment_application_id: application.id,
      category: shape.category,
      line_type: shape.lineType,
      document_type: shape.documentType,
      erp_account_id: input.erpAccountId,
      amount_cents: application.amount_cents,
      idempotency_key: glLineKey(payment.id, application.id),
    };
    switch (application.item_type) {
      case 'invoice':
        return { ...common, document_id: application.invoice_number, erp_job_id: application.invoice_job, applied_document_id: null, gl_account: null };
      case 'debit':
        return { ...common, document_id: application.adjustment_number, erp_job_id: application.adjustment_job, applied_document_id: null, gl_account: null };
      case 'credit': {
        const appliedTo = application.applied_invoice_number ?? application.applies_to_invoice_number ?? largestInvoice?.invoice_number ?? null;
        const job = application.adjustment_job ?? (application.applied_invoice_number ? application.applied_invoice_job : largestInvoice?.invoice_job) ?? null;
        return { ...common, document_id: application.adjustment_number, erp_job_id: job, applied_document_id: appliedTo, gl_account: null };
      }
      case 'discount':
        return { ...common, document_id: application.statement_number, erp_job_id: null, applied_document_id: null, gl_account: input.discountGlAccount };
      case 'terms_discount':
        return { ...common, document_id: application.invoice_number, erp_job_id: application.invoice_job, applied_document_id: null, gl_account: input.discountGlAccount };
      case 'unapplied':
        // Cash held on the account: the receipt is the payment itself.
        return { ...common, document_id: payment.number, erp_job_id: null, applied_document_id: null, gl_account: null };
    }
  });
  await trx('gl_posting_lines').insert(rows).onConflict('idempotency_key').ignore();
  return rows.length;
}

/** A later application of a payment's unapplied cash to an invoice (db/account-credits.ts), as its GL line. */
export interface CreditApplicationLine {
  entryId: string;
  dealerId: string;
  paymentId: string;
  erpAccountId: string;
  erpJobId: string | null;
  invoiceNumber: string;
  amountCents: number;
}

/** Inserts the lines on `settlementId`; returns each entry's line id (existing keys are kept, not duplicated). */
export async function insertCreditApplicationLines(trx: Knex.Transaction, settlementId: string, lines: CreditApplicationLine[]): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (const line of lines) {
    const key = glCreditApplicationKey(line.paymentId, line.entryId);
    await trx('gl_posting_lines').insert({
      settlement_id: settlementId, dealer_id: line.dealerId, payment_id: line.paymentId, payment_application_id: null,
      category: CREDIT_APPLICATION_SHAPE.category, line_type: CREDIT_APPLICATION_SHAPE.lineType, document_type: CREDIT_APPLICATION_SHAPE.documentType,
      erp_account_id: line.erpAccountId, erp_job_id: line.erpJobId, document_id: line.invoiceNumber, applied_document_id: null, gl_account: null,
      amount_cents: line.amountCents, idempotency_key: key,
    }).onConflict('idempotency_key').ignore();
    const row = await trx('gl_posting_lines').where({ idempotency_key: key }).first('id');
    ids.set(line.entryId, row.id);
  }
  return ids;
}

/** One reversal line to make: the line it reverses, how much of it, under which key. */
export interface ReversalLinePlan {
  original: Record<string, any>;
  /** Positive: how much of the original is taken back; the line itself is stored negative. */
  amountCents: number;
  idempotencyKey: string;
}

/**
 * Negative mirror lines, each pointing at the line it reverses: the whole line for a payment
 * returned in full, or the part of it an amount taken back later reopened.
 */
export async function insertReversalLines(trx: Knex.Transaction, input: { settlementId: string; paymentId: string; lines: ReversalLinePlan[] }): Promise<number> {
  const rows = input.lines.filter((plan) => plan.amountCents !== 0).map(({ original, amountCents, idempotencyKey }) => ({
    settlement_id: input.settlementId,
    dealer_id: original.dealer_id,
    payment_id: input.paymentId,
    payment_application_id: original.payment_application_id,
    reverses_line_id: original.id,
    category: original.category,
    line_type: 'reversal',
    document_type: 'reversal',
    erp_account_id: original.erp_account_id,
    erp_job_id: original.erp_job_id,
    document_id: original.document_id,
    applied_document_id: original.applied_document_id,
    gl_account: original.gl_account,
    amount_cents: -Math.abs(amountCents),
    idempotency_key: idempotencyKey,
  }));
  if (rows.length > 0) await trx('gl_posting_lines').insert(rows).onConflict('idempotency_key').ignore();
  return rows.length;
}

/** The columns of a `gl_posting_lines` row that say what the line posts, and for which payment. */
export interface GlLineColumns {
  id: string;
  idempotency_key: string;
  line_type: LineType;
  category: SettlementCategory;
  erp_account_id: string;
  erp_job_id: string | null;
  document_id: string;
  applied_document_id: string | null;
  gl_account: string | null;
  amount_cents: number;
  payment_id: string;
  payment_number: string;
}

export interface PostableLine extends GlLineColumns {
  posting_date: string;
  /** For a reversal: the state of the line it reverses. */
  original_status: 'pending' | 'posted' | 'rejected' | null;
  original_erp_posting_id: string | null;
  original_settlement_number: string | null;
  original_rejected_reason: string | null;
  /** For a reversal: an auto-post of the original's settlement is under way, so the original will be answered shortly. */
  original_posting_running: boolean;
  /** The customer's reason when this line's item was short-paid; it goes to Spruce in the memo. */
  short_pay_reason: ShortPayReason | null;
  short_pay_note: string | null;
}

/**
 * Lines that need another line in the ERP first: a reversal its original, an application of
 * unapplied cash the cash (posted with the ordinary lines, so before these).
 */
const AFTER_ORDINARY = ['reversal', 'unapplied_cash_application'];

/** Pending lines of one category and slice: a lane takes the lines whose id hashes to it. */
function pendingInSlice(db: Db, settlementId: string, category: SettlementCategory, slice: LineSlice) {
  const query = db('gl_posting_lines as l').where({ 'l.settlement_id': settlementId, 'l.category': category, 'l.status': 'pending' });
  if (slice.kind === 'reversal') query.whereIn('l.line_type', AFTER_ORDINARY);
  else query.whereNotIn('l.line_type', AFTER_ORDINARY);
  if (slice.lanes > 1) query.whereRaw('(hashtext(l.id::text)::bigint & 2147483647) % ? = ?', [slice.lanes, slice.lane]);
  return query;
}

export async function countPendingInSlice(db: Db, settlementId: string, category: SettlementCategory, slice: LineSlice): Promise<number> {
  const [row] = await pendingInSlice(db, settlementId, category, slice).count<Array<{ n: number }>>('* as n');
  return Number(row?.n ?? 0);
}

/** The next pending lines of one category and slice, in a stable order. */
export async function nextPendingLines(db: Db, settlementId: string, category: SettlementCategory, limit: number, slice: LineSlice): Promise<PostableLine[]> {
  return pendingInSlice(db, settlementId, category, slice)
    .join('payments as p', 'p.id', 'l.payment_id')
    .join('settlements as s', 's.id', 'l.settlement_id')
    .leftJoin('gl_posting_lines as o', 'o.id', 'l.reverses_line_id')
    .leftJoin('settlements as os', 'os.id', 'o.settlement_id')
    .leftJoin('short_pays as sp', 'sp.application_id', 'l.payment_application_id')
    .orderBy('l.created_at')
    .orderBy('l.id')
    .limit(limit)
    .select(
      'l.id', 'l.idempotency_key', 'l.line_type', 'l.category', 'l.erp_account_id', 'l.erp_job_id', 'l.document_id', 'l.applied_document_id',
      'l.gl_account', 'l.amount_cents', 'l.payment_id', 'p.number as payment_number', 's.business_date as posting_date',
      'o.status as original_status', 'o.erp_posting_id as original_erp_posting_id', 'os.number as original_settlement_number',
      'o.rejected_reason as original_rejected_reason', 'sp.reason as short_pay_reason', 'sp.note as short_pay_note',
      db.raw(`exists (select 1 from gl_posting_runs r where r.settlement_id = o.settlement_id and r.status = 'running') as original_posting_running`),
    );
}

export type LineResult = { id: string; outcome: 'posted'; erpPostingId: string } | { id: string; outcome: 'rejected'; reason: string };

/** Records what the ERP answered, in one statement per batch; a line already settled is left alone. */
export async function recordLineResults(db: Db, results: LineResult[]): Promise<void> {
  if (results.length === 0) return;
  const values = results.map(() => '(?::uuid, ?, ?, ?)').join(', ');
  const bindings = results.flatMap((result) =>
    result.outcome === 'posted' ? [result.id, 'posted', result.erpPostingId, null] : [result.id, 'rejected', null, result.reason]);
  await db.raw(
    `update gl_posting_lines l
        set status = v.status,
            erp_posting_id = v.erp_posting_id,
            rejected_reason = v.reason,
            posted_at = case when v.status = 'posted' then now() else null end
       from (values ${values}) as v(id, status, erp_posting_id, reason)
      where l.id = v.id and l.status = 'pending'`,
    bindings,
  );
}

export interface LineCounts {
  category: SettlementCategory;
  total: number;
  posted: number;
  rejected: number;
  pending: number;
}

export async function lineCounts(db: Db, settlementId: string): Promise<LineCounts[]> {
  const rows = await db('gl_posting_lines')
    .where({ settlement_id: settlementId })
    .groupBy('category')
    .select('category')
    .select(db.raw('count(*)::int as total'))
    .select(db.raw(`count(*) filter (where status = 'posted')::int as posted`))
    .select(db.raw(`count(*) filter (where status = 'rejected')::int as rejected`))
    .select(db.raw(`count(*) filter (where status = 'pending')::int as pending`));
  return (['invoices', 'credit_adjustments', 'debit_adjustments'] as const).map((category) => {
    const row = rows.find((candidate: { category: string }) => candidate.category === category);
    return { category, total: row?.total ?? 0, posted: row?.posted ?? 0, rejected: row?.rejected ?? 0, pending: row?.pending ?? 0 };
  });
}

/** Gives refused lines a fresh attempt (a new numbered key; the refused attempt posted nothing). */
export async function resetRejectedLines(trx: Knex.Transaction, settlementId: string): Promise<number> {
  const rejected = await trx('gl_posting_lines').where({ settlement_id: settlementId, status: 'rejected' }).forUpdate().select('id', 'idempotency_key');
  for (const line of rejected) {
    await trx('gl_posting_lines').where({ id: line.id }).update({ status: 'pending', rejected_reason: null, idempotency_key: nextAttemptKey(line.idempotency_key) });
  }
  return rejected.length;
}
